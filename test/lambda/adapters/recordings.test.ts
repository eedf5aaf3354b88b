import { startLocalAws, type LocalAws } from '../../support/aws-local';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NotFoundError } from '../../../lambda/adapters/errors';
import { s3Client, S3RecordingStore } from '../../../lambda/adapters/recordings';

let aws: LocalAws;
let raw: S3Client;
let store: S3RecordingStore;
beforeAll(async () => {
  aws = await startLocalAws();
  raw = new S3Client({ forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  store = new S3RecordingStore({ client: s3Client(process.env), bucket: aws.bucket });
});
afterAll(async () => {
  raw?.destroy();
  await aws?.close();
});

/** A recording with multi-byte characters, so byte offsets differ from string offsets. */
function recording(frames: number): { text: string; offsets: number[] } {
  const lines = [JSON.stringify({ format: 'matchcast/1', gameId: 'g', title: 'Zoë vs Łukasz 🎾' })];
  for (let seq = 0; seq < frames; seq++) {
    lines.push(JSON.stringify({ seq, t: seq * 250, type: 'point', data: { score: `${seq % 7}–${seq % 5}`, note: seq % 3 ? 'ace 🎾' : 'café' } }));
  }
  const offsets: number[] = [];
  let at = 0;
  for (const l of lines) {
    offsets.push(at);
    at += Buffer.byteLength(l) + 1;
  }
  offsets.push(at); // end of object
  return { text: lines.join('\n') + '\n', offsets };
}

describe('recordings (S3 via s3rver)', () => {
  it('reads byte ranges that match the bytes of the object', async () => {
    const { text, offsets } = recording(200);
    await store.put('recordings/r1.jsonl', text, 'application/x-ndjson');
    const bytes = Buffer.from(text);
    for (const [from, to] of [
      [0, 1],
      [1, 50],
      [17, 120],
      [150, 201],
    ] as const) {
      const got = await store.readRange('recordings/r1.jsonl', offsets[from]!, offsets[to]!);
      expect(got).toBe(bytes.subarray(offsets[from]!, offsets[to]!).toString('utf8'));
      expect(got.split('\n').filter(Boolean)).toHaveLength(to - from);
    }
    // A range past the end returns what exists; an empty range is '' without a request.
    expect(await store.readRange('recordings/r1.jsonl', offsets[200]!, bytes.length + 1000)).toBe(text.slice(text.lastIndexOf('\n', text.length - 2) + 1));
    expect(await store.readRange('recordings/r1.jsonl', 10, 10)).toBe('');
  });

  it('streams the lines of a multi-MB object', async () => {
    const { text } = recording(40_000);
    expect(text.length).toBeGreaterThan(3_000_000);
    await store.put('recordings/big.jsonl', text, 'application/x-ndjson');
    const expected = text.split('\n').slice(0, -1);
    let n = 0;
    let mismatch: string | undefined;
    for await (const line of store.readLines('recordings/big.jsonl')) {
      if (line !== expected[n] && mismatch === undefined) mismatch = `line ${n}: ${line.slice(0, 80)}`;
      n++;
    }
    expect(mismatch).toBeUndefined();
    expect(n).toBe(40_001);
  });

  it('splits CRLF lines and stops early without reading the rest', async () => {
    await store.put('recordings/crlf.jsonl', 'a\r\nb\r\n\r\nc', 'text/plain');
    const lines: string[] = [];
    for await (const l of store.readLines('recordings/crlf.jsonl')) lines.push(l);
    expect(lines).toEqual(['a', 'b', '', 'c']);
    for await (const l of store.readLines('recordings/big.jsonl')) {
      expect(l).toContain('matchcast/1');
      break; // the generator's finally destroys the body stream
    }
  });

  it('caches an index per key, and revalidates it by ETag on refresh', async () => {
    store.clearIndexCache();
    await store.put('recordings/i.idx.json', JSON.stringify({ v: 1 }), 'application/json');
    const first = await store.getIndex('recordings/i.idx.json');
    expect(first).toEqual({ v: 1 });
    // Replaced behind the adapter's back: the cached copy is served until a refresh.
    await raw.send(new PutObjectCommand({ Bucket: aws.bucket, Key: 'recordings/i.idx.json', Body: JSON.stringify({ v: 2 }) }));
    expect(await store.getIndex('recordings/i.idx.json')).toBe(first);
    const refreshed = await store.getIndex('recordings/i.idx.json', { refresh: true });
    expect(refreshed).toEqual({ v: 2 });
    // Unchanged: a refresh keeps the same cached object (304 Not Modified).
    expect(await store.getIndex('recordings/i.idx.json', { refresh: true })).toBe(refreshed);
    // A put through the store drops the cached copy.
    await store.put('recordings/i.idx.json', JSON.stringify({ v: 3 }), 'application/json');
    expect(await store.getIndex('recordings/i.idx.json')).toEqual({ v: 3 });
  });

  it('throws NotFoundError for a missing object', async () => {
    await expect(store.readRange('recordings/none.jsonl', 0, 10)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.getIndex('recordings/none.idx.json')).rejects.toBeInstanceOf(NotFoundError);
    const lines = async () => {
      for await (const l of store.readLines('recordings/none.jsonl')) void l;
    };
    await expect(lines()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps its index cache per instance, and without a bucket throws MissingConfigError naming RECORDINGS_BUCKET', async () => {
    await store.put('recordings/j.idx.json', JSON.stringify({ v: 1 }), 'application/json');
    expect(await store.getIndex('recordings/j.idx.json')).toEqual({ v: 1 });
    await raw.send(new PutObjectCommand({ Bucket: aws.bucket, Key: 'recordings/j.idx.json', Body: JSON.stringify({ v: 2 }) }));
    // Another function's store has its own cache: it reads the object as it is now.
    const other = new S3RecordingStore({ client: s3Client(process.env), bucket: aws.bucket });
    expect(await other.getIndex('recordings/j.idx.json')).toEqual({ v: 2 });
    expect(await store.getIndex('recordings/j.idx.json')).toEqual({ v: 1 });
    const unconfigured = new S3RecordingStore({ client: s3Client(process.env), bucket: '' });
    await expect(unconfigured.readText('recordings/j.idx.json')).rejects.toMatchObject({ name: 'MissingConfigError', variable: 'RECORDINGS_BUCKET' });
  });
});
