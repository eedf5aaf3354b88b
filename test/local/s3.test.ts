import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { encodeS3EventKey, startS3, type S3NotificationEvent } from '../../local/s3';
import { eventually } from '../support/fixtures-wait';

const BUCKET = 'recordings';
const clientFor = (endpoint: string) =>
  new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, maxAttempts: 1 });

describe('local S3 (s3rver)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'matchcast-s3rver-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('encodes event keys as S3 does', () => {
    expect(encodeS3EventKey('recordings/red flower.jsonl')).toBe('recordings/red+flower.jsonl');
    expect(encodeS3EventKey('a+b/c=d:é')).toBe('a%2Bb/c%3Dd%3A%C3%A9');
  });

  it('puts, reads byte ranges, notifies ObjectCreated:Put, and keeps objects across a restart', async () => {
    const events: S3NotificationEvent[] = [];
    const body = Array.from({ length: 64 }, (_, i) => String.fromCharCode(65 + (i % 26))).join('');
    const key = 'recordings/game one.jsonl';

    const first = await startS3({ directory: dir, buckets: [BUCKET], onObjectCreated: (e) => events.push(e) });
    const s3 = clientFor(first.endpoint);
    try {
      expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'application/x-ndjson' }));

      const ranged = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: 'bytes=10-19' }));
      expect(ranged.$metadata.httpStatusCode).toBe(206);
      expect(ranged.ContentRange).toBe(`bytes 10-19/${body.length}`);
      expect(await ranged.Body?.transformToString()).toBe(body.slice(10, 20));

      const ev = await eventually(() => events[0], 'ObjectCreated event');
      const rec = ev.Records[0];
      expect(rec).toMatchObject({
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` }, object: { key: 'recordings/game+one.jsonl', size: body.length } },
      });
      expect(rec.s3.object.eTag).toMatch(/^[0-9a-f]{32}$/);
      expect(decodeURIComponent(rec.s3.object.key.replace(/\+/g, ' '))).toBe(key);
    } finally {
      s3.destroy();
      await first.close();
    }

    const second = await startS3({ directory: dir, buckets: [BUCKET] });
    const s3b = clientFor(second.endpoint);
    try {
      const again = await s3b.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(await again.Body?.transformToString()).toBe(body);
    } finally {
      s3b.destroy();
      await second.close();
    }
  });
});
