/**
 * S3 access to recordings (docs/ARCHITECTURE.md "Recording format"): the matchcast/1 JSON Lines object
 * and its index beside it. The only module that speaks S3.
 *
 * Endpoint: the SDK's own `AWS_ENDPOINT_URL_S3`. When it is set (local mode, s3rver) the
 * client uses path-style addressing (`http://127.0.0.1:port/bucket/key`) and computes or
 * validates checksums only when an operation requires them (s3rver predates the SDK's
 * default CRC32 checksums). On AWS the defaults apply.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { liveSeqAtOrAfter as seekChunks, readLiveFrames as readChunks } from '../application/frames';
import type { GameRow, LiveChunk } from '../core/model';
import type { WireFrame } from '../../protocol/messages';
import type { RecordingIndex } from '../core/recording';
import type { RecordingStore } from '../ports/recordings';
import { errorCode, httpStatus, lazy, SDK_MAX_ATTEMPTS, translate } from './aws';
import { ENV, requireEnv } from './config';
import { NotFoundError } from './errors';

const s3 = lazy(() => {
  const local = Boolean(process.env.AWS_ENDPOINT_URL_S3);
  return new S3Client({
    maxAttempts: SDK_MAX_ATTEMPTS,
    ...(local
      ? { forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
});
const bucket = lazy(() => requireEnv(ENV.recordingsBucket));

const isNoSuchKey = (e: unknown): boolean => {
  const code = errorCode(e);
  return code === 'NoSuchKey' || code === 'NotFound' || httpStatus(e) === 404;
};

async function getObject(operation: string, key: string, extra: { Range?: string; IfNoneMatch?: string } = {}): Promise<GetObjectCommandOutput> {
  try {
    return await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key, ...extra }));
  } catch (e) {
    if (isNoSuchKey(e)) throw new NotFoundError('recording object', key);
    if (httpStatus(e) === 304) throw e; // IfNoneMatch hit: the caller's cache is fresh
    throw translate('S3', operation, e);
  }
}

/** Indexes kept per container; an index is a few KB, a container serves a handful of recordings. */
export const MAX_CACHED_INDEXES = 32;
const indexCache = new Map<string, { etag: string | undefined; index: RecordingIndex }>();
const indexLoads = new Map<string, Promise<RecordingIndex>>();

/**
 * The index object at `indexKey` (JSON written by the index Lambda, trusted), cached per
 * container in a small LRU ({@link MAX_CACHED_INDEXES} keys). An index is immutable for a
 * finished recording; for one that may still grow (live appends), pass `refresh: true`: the
 * cached copy is revalidated with a conditional GET (`If-None-Match: <ETag>`, 304 → keep)
 * and replaced when S3 has a newer one. Concurrent first loads of one key share one GET.
 * Throws {@link NotFoundError} when the object does not exist, SyntaxError on invalid JSON.
 */
export function getIndex(indexKey: string, opts: { refresh?: boolean } = {}): Promise<RecordingIndex> {
  const cached = indexCache.get(indexKey);
  if (cached && !opts.refresh) {
    indexCache.delete(indexKey); // LRU: move to the newest end
    indexCache.set(indexKey, cached);
    return Promise.resolve(cached.index);
  }
  const pending = indexLoads.get(indexKey);
  if (pending) return pending;
  const load = (async () => {
    let out: GetObjectCommandOutput;
    try {
      out = await getObject('GetObject', indexKey, cached?.etag ? { IfNoneMatch: cached.etag } : {});
    } catch (e) {
      if (cached && httpStatus(e) === 304) return cached.index;
      throw e;
    }
    const index = JSON.parse(await bodyText(out)) as RecordingIndex;
    indexCache.delete(indexKey);
    indexCache.set(indexKey, { etag: out.ETag, index });
    while (indexCache.size > MAX_CACHED_INDEXES) {
      const oldest = indexCache.keys().next().value as string;
      indexCache.delete(oldest);
    }
    return index;
  })().finally(() => indexLoads.delete(indexKey));
  indexLoads.set(indexKey, load);
  return load;
}

/** Drop every cached index (tests; never needed in handlers). */
export function clearIndexCache(): void {
  indexCache.clear();
}

async function bodyText(out: GetObjectCommandOutput): Promise<string> {
  return out.Body ? out.Body.transformToString('utf-8') : '';
}

/**
 * Bytes `[startByte, endByteExclusive)` of object `key`, decoded as UTF-8 — one ranged
 * GetObject (`Range: bytes=start-(end−1)`). Byte offsets come from the index, which puts
 * them on line starts, so a range never splits a character. An empty range returns `''`
 * without a request; a range running past the end returns what exists.
 * Throws {@link NotFoundError} when the object does not exist.
 */
export async function readRange(key: string, startByte: number, endByteExclusive: number): Promise<string> {
  if (!(endByteExclusive > startByte) || startByte < 0) return '';
  const out = await getObject('GetObject', key, { Range: `bytes=${startByte}-${endByteExclusive - 1}` });
  return bodyText(out);
}

/**
 * The lines of object `key`, streamed (never the whole object in memory — recordings may
 * be many MB), without line terminators (`\n` or `\r\n`); no final empty line after a
 * trailing newline. For the index Lambda.
 * Throws {@link NotFoundError} when the object does not exist.
 */
export async function* readObjectLines(key: string): AsyncIterable<string> {
  const out = await getObject('GetObject', key);
  const body = out.Body as Readable | undefined;
  if (!body) return;
  const lines = createInterface({ input: body, crlfDelay: Infinity });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
    body.destroy();
  }
}

/** The whole of object `key` as UTF-8 (a live game's chunk: one small published batch). Throws {@link NotFoundError}. */
export async function readObjectText(key: string): Promise<string> {
  return bodyText(await getObject('GetObject', key));
}

/** Delete object `key` (a live append's orphan chunk). Deleting a missing key succeeds, as S3 does. */
export async function deleteObject(key: string): Promise<void> {
  try {
    await s3().send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
  } catch (e) {
    throw translate('S3', 'DeleteObject', e);
  }
}

/** Write object `key` (an index, an uploaded recording) with `contentType`; drops a cached index of that key. */
export async function putObject(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
  try {
    await s3().send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: body, ContentType: contentType }));
  } catch (e) {
    throw translate('S3', 'PutObject', e);
  }
  indexCache.delete(key);
}

/** This container's recordings bucket as the `RecordingStore` port (ports/recordings.ts). */
export const recordingStore: RecordingStore = {
  getIndex,
  readRange,
  readText: readObjectText,
  put: putObject,
  delete: deleteObject,
};

/** application/frames.ts `readLiveFrames` on this container's bucket. */
export function readLiveFrames(
  chunks: readonly LiveChunk[],
  fromSeq: number,
  toSeq: number,
  limit = 5000,
  maxChunks = Number.POSITIVE_INFINITY,
): Promise<WireFrame[]> {
  return readChunks(recordingStore, chunks, fromSeq, toSeq, limit, maxChunks);
}

/** application/frames.ts `liveSeqAtOrAfter` on this container's bucket. */
export function liveSeqAtOrAfter(game: Pick<GameRow, 'chunks' | 'frameCount'>, toMs: number): Promise<number> {
  return seekChunks(recordingStore, game, toMs);
}
