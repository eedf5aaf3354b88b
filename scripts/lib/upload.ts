/**
 * Upload converted recordings to a recordings bucket as `recordings/{gameId}.jsonl` — where
 * the bucket notification runs the index Lambda (on AWS and in local mode alike). Shared by
 * `npm run ingest` and local mode's sample loader.
 *
 * An upload never silently replaces a stored recording. Before anything is written, each
 * key is read back (GetObject) and its bytes compared with the new body:
 * - no object under the key: the recording is uploaded;
 * - the same bytes: nothing is written ("unchanged"), so the index Lambda does not run again;
 * - other bytes: the upload is refused ({@link ReplaceRefusedError}) unless `replace` is
 *   given, and then it reports what it replaced (frames and duration before and after).
 *
 * Comparing the bytes works the same on AWS and on local mode's s3rver, and also for objects
 * written by anything else (no metadata of ours needed). Reading needs `s3:GetObject`; without
 * `s3:ListBucket` AWS answers a missing key with 403 AccessDenied rather than 404 NoSuchKey
 * (Amazon S3 User Guide, "GetObject" permissions), which is reported, not taken as absent.
 * Between the read and the write nothing is locked: two uploads of one gameId at once end
 * with the last one written.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ConvertedRecording } from '../../convert';
import { serializeRecording } from '../../protocol/recording';
import { recordingKey } from '../../contract/keys';

/** Content type of matchcast/1 objects (JSON Lines). */
export const RECORDING_CONTENT_TYPE = 'application/x-ndjson';

/** A recording ready to upload: its serialized text (validated) as UTF-8 bytes, and its key. */
export interface PreparedRecording {
  recording: ConvertedRecording;
  body: Buffer;
  /** `recordings/{gameId}.jsonl` (contract/keys.ts `recordingKey`). */
  key: string;
}

/**
 * Serialize (and so validate, protocol/recording.ts) one converted recording.
 * Throws the RecordingError of a recording that breaks the format.
 */
export function prepareRecording(recording: ConvertedRecording): PreparedRecording {
  const body = Buffer.from(serializeRecording(recording.header, recording.frames), 'utf8');
  return { recording, body, key: recordingKey(recording.header.gameId) };
}

/**
 * What is stored under a key, read from its matchcast/1 header line: `frames` and
 * `durationMs` (ms) are absent when the object's first line is not a matchcast/1 header.
 */
export interface StoredRecording {
  bytes: number;
  frames?: number;
  durationMs?: number;
}

/** The stored object's summary from its bytes (the header's `frameCount`, `durationMs`). */
export function storedSummary(body: Buffer): StoredRecording {
  const end = body.indexOf(0x0a);
  try {
    const h = JSON.parse(body.subarray(0, end < 0 ? body.length : end).toString('utf8')) as { format?: unknown; frameCount?: unknown; durationMs?: unknown };
    if (typeof h?.format === 'string' && h.format.startsWith('matchcast/') && typeof h.frameCount === 'number' && typeof h.durationMs === 'number') {
      return { bytes: body.length, frames: h.frameCount, durationMs: h.durationMs };
    }
  } catch {
    // not JSON: reported as a recording of unknown frames and duration
  }
  return { bytes: body.length };
}

/** An S3 error that means "no object under this key" (NoSuchKey / 404). */
function isAbsent(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
}

/** The bytes stored under `key`, or `undefined` when there is no such object. Throws the S3 client's other errors. */
export async function readStored(s3: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array());
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw e;
  }
}

/**
 * What an upload of one recording does: `new` (no object under the key), `unchanged` (the
 * same bytes are stored: nothing to write), `differs` (other bytes are stored: `stored`).
 */
export type UploadPlan =
  | { rec: PreparedRecording; action: 'new' }
  | { rec: PreparedRecording; action: 'unchanged' }
  | { rec: PreparedRecording; action: 'differs'; stored: StoredRecording };

/**
 * Compare each recording with what its key holds (one GetObject each, in order). Writes
 * nothing. Throws the S3 client's error (other than NoSuchKey) with `key` added as a property.
 */
export async function planUploads(s3: S3Client, bucket: string, recs: readonly PreparedRecording[]): Promise<UploadPlan[]> {
  const out: UploadPlan[] = [];
  for (const rec of recs) {
    let stored: Buffer | undefined;
    try {
      stored = await readStored(s3, bucket, rec.key);
    } catch (e) {
      throw Object.assign(e as Error, { key: rec.key });
    }
    if (stored === undefined) out.push({ rec, action: 'new' });
    else if (stored.equals(rec.body)) out.push({ rec, action: 'unchanged' });
    else out.push({ rec, action: 'differs', stored: storedSummary(stored) });
  }
  return out;
}

/** Store one recording's body under its key (ContentType {@link RECORDING_CONTENT_TYPE}). Throws the S3 client's error. */
export async function putRecording(s3: S3Client, bucket: string, rec: PreparedRecording): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: rec.key, Body: rec.body, ContentType: RECORDING_CONTENT_TYPE, ContentLength: rec.body.length }));
}

/**
 * Upload refused: these keys hold a different recording and `replace` was not given.
 * Nothing was written. `refused` lists each with what is stored and what was offered.
 */
export class ReplaceRefusedError extends Error {
  readonly refused: ReadonlyArray<Extract<UploadPlan, { action: 'differs' }>>;

  constructor(refused: ReadonlyArray<Extract<UploadPlan, { action: 'differs' }>>) {
    super(
      `${refused.map((p) => p.rec.recording.header.gameId).join(', ')}: a different recording is stored under ${refused.length === 1 ? 'its key' : 'their keys'}; not replaced without \`replace\` (\`npm run ingest -- --replace\`), nothing uploaded`,
    );
    this.name = 'ReplaceRefusedError';
    this.refused = refused;
  }
}

/** What one upload did: `uploaded` (new key), `replaced` (`previous` was stored), `unchanged` (nothing written). */
export interface Uploaded {
  gameId: string;
  key: string;
  /** UTF-8 bytes of the recording. */
  bytes: number;
  frames: number;
  /** The recording's duration, ms. */
  durationMs: number;
  outcome: 'uploaded' | 'replaced' | 'unchanged';
  /** What was stored before, for `replaced`. */
  previous?: StoredRecording;
}

/**
 * Serialize (validating) and upload each recording to `recordings/{gameId}.jsonl`
 * (contract/keys.ts `recordingKey`): first every key is compared ({@link planUploads}), then
 * the new and (with `replace`) differing ones are written, in order; unchanged ones are not.
 * Resolves what each did, in input order.
 *
 * @throws the RecordingError of an invalid recording (nothing uploaded)
 * @throws ReplaceRefusedError when a key holds different bytes and `opts.replace` is not set (nothing uploaded)
 * @throws the S3 client's error on a failed read or write
 */
export async function uploadRecordings(
  s3: S3Client,
  bucket: string,
  recordings: readonly ConvertedRecording[],
  opts: { replace?: boolean } = {},
): Promise<Uploaded[]> {
  const plans = await planUploads(s3, bucket, recordings.map(prepareRecording));
  const refused = plans.filter((p): p is Extract<UploadPlan, { action: 'differs' }> => p.action === 'differs');
  if (refused.length > 0 && !opts.replace) throw new ReplaceRefusedError(refused);
  const out: Uploaded[] = [];
  for (const p of plans) {
    if (p.action !== 'unchanged') await putRecording(s3, bucket, p.rec);
    out.push(uploadedOf(p));
  }
  return out;
}

/** The {@link Uploaded} report of a plan that was carried out. */
export function uploadedOf(p: UploadPlan): Uploaded {
  const { header } = p.rec.recording;
  return {
    gameId: header.gameId,
    key: p.rec.key,
    bytes: p.rec.body.length,
    frames: header.frameCount,
    durationMs: header.durationMs,
    outcome: p.action === 'new' ? 'uploaded' : p.action === 'unchanged' ? 'unchanged' : 'replaced',
    ...(p.action === 'differs' ? { previous: p.stored } : {}),
  };
}
