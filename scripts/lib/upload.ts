/**
 * Upload converted recordings to a recordings bucket as `recordings/{gameId}.jsonl` — where
 * the bucket notification runs the index Lambda (on AWS and in local mode alike). Shared by
 * `npm run ingest` and local mode's sample loader.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ConvertedRecording } from '../../convert';
import { serializeRecording } from '../../lambda/core/recording';
import { recordingKey } from '../../contract/keys';

/** What one upload did. */
export interface Uploaded {
  gameId: string;
  key: string;
  bytes: number;
  frames: number;
  durationMs: number;
}

/**
 * Serialize (validating) and upload each recording, in order, to `recordings/{gameId}.jsonl`
 * (contract/keys.ts `recordingKey`). Resolves what each upload did. Throws on the first
 * failure: the RecordingError of an invalid recording, or the S3 client's error.
 */
export async function uploadRecordings(s3: S3Client, bucket: string, recordings: readonly ConvertedRecording[]): Promise<Uploaded[]> {
  const out: Uploaded[] = [];
  for (const r of recordings) {
    const body = serializeRecording(r.header, r.frames);
    const key = recordingKey(r.header.gameId);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }));
    out.push({ gameId: r.header.gameId, key, bytes: Buffer.byteLength(body), frames: r.frames.length, durationMs: r.header.durationMs });
  }
  return out;
}
