/**
 * The sample recordings local mode serves: every file under samples/ that a converter
 * understands (convert/), converted to matchcast/1 and uploaded to the local
 * bucket — where the bucket notification runs the index Lambda, exactly as on AWS.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { convertFiles, isConvertible } from '../convert';
import { uploadRecordings } from '../scripts/lib/upload';

/**
 * The folder name of a whole event's samples (samples/tennis/full-event/: 172 matches): left
 * out unless asked for (`npm start -- --event`), as converting and indexing them all adds
 * about 45 s to a start (README.md "Run it locally").
 */
export const EVENT_DIR = 'full-event';

function walk(dir: string, events: boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === EVENT_DIR && !events ? [] : walk(join(dir, e.name), events)) : [join(dir, e.name)],
  );
}

/** Convert and upload every sample under `root` (the {@link EVENT_DIR} folders only with `events`); resolves with the game ids uploaded. */
export async function uploadSamples(opts: { endpoint: string; bucket: string; root: string; events?: boolean }): Promise<string[]> {
  const files = walk(opts.root, opts.events === true)
    .filter((p) => isConvertible(p))
    .map((p) => ({ name: relative(opts.root, p), content: readFileSync(p) }));
  const s3 = new S3Client({
    endpoint: opts.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    return (await uploadRecordings(s3, opts.bucket, convertFiles(files))).map((u) => u.gameId);
  } finally {
    s3.destroy();
  }
}
