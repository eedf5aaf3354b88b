/**
 * Upload converted recordings to a recordings bucket as `recordings/{gameId}.jsonl` — where
 * the bucket notification runs the index Lambda (on AWS and in local mode alike). Shared by
 * `npm run ingest` and local mode's sample loader.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ConvertedRecording } from '../../convert';
import { serializeRecording } from '../../lambda/core/recording';

/** S3 key of a game's recording. The index Lambda writes `recordings/{gameId}.idx.json` beside it. */
export const recordingKey = (gameId: string) => `recordings/${gameId}.jsonl`;

/** What one upload did. */
export interface Uploaded {
  gameId: string;
  key: string;
  bytes: number;
  frames: number;
  durationMs: number;
}

/** Serialize (validating) and upload each recording, in order. Throws on the first failure. */
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
