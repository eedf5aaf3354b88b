/**
 * S3 access to recordings (docs/ARCHITECTURE.md "Recording format"): the matchcast/1 JSON Lines object
 * and its index beside it, and a live game's chunk objects. The only module that speaks S3.
 *
 * {@link S3RecordingStore} is constructed with its client and bucket; {@link s3Client} makes a
 * client with the project's settings. Endpoint: the SDK's own `AWS_ENDPOINT_URL_S3`. When it
 * is set (local mode, s3rver) the client uses path-style addressing
 * (`http://127.0.0.1:port/bucket/key`) and computes or validates checksums only when an
 * operation requires them (s3rver predates the SDK's default CRC32 checksums). On AWS the
 * defaults apply.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { RecordingIndex } from '../../protocol/recording';
import type { RecordingStore } from '../ports/recordings';
import { errorCode, httpStatus, SDK_MAX_ATTEMPTS, translate } from './aws';
import { ENV, MissingConfigError } from './config';
import { NotFoundError } from './errors';

/**
 * An S3 client with the project's settings: `maxAttempts` {@link SDK_MAX_ATTEMPTS}; with
 * `AWS_ENDPOINT_URL_S3` set in `env` (the function's environment; the SDK itself reads the
 * endpoint from `process.env`, where local mode sets it for every function), path-style
 * addressing and checksums only when required (s3rver).
 */
export function s3Client(env: NodeJS.ProcessEnv): S3Client {
  const local = Boolean(env.AWS_ENDPOINT_URL_S3);
  return new S3Client({
    maxAttempts: SDK_MAX_ATTEMPTS,
    ...(local
      ? { forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
}

const isNoSuchKey = (e: unknown): boolean => {
  const code = errorCode(e);
  return code === 'NoSuchKey' || code === 'NotFound' || httpStatus(e) === 404;
};

async function bodyText(out: GetObjectCommandOutput): Promise<string> {
  return out.Body ? out.Body.transformToString('utf-8') : '';
}

/** Indexes kept per store (one per function instance); an index is a few KB, a container serves a handful of recordings. */
export const MAX_CACHED_INDEXES = 32;

/** What an {@link S3RecordingStore} is constructed with. */
export interface S3RecordingStoreOptions {
  /** An S3 client (see {@link s3Client}). */
  client: S3Client;
  /**
   * The recordings bucket's name (env RECORDINGS_BUCKET). Empty when the function has none
   * configured: every call then throws MissingConfigError naming RECORDINGS_BUCKET.
   */
  bucket: string;
}

/**
 * The recordings bucket as the `RecordingStore` port (ports/recordings.ts):
 * `new S3RecordingStore({ client: s3Client(), bucket })`. Holds its own index cache (an LRU of
 * {@link MAX_CACHED_INDEXES} keys), so build one per function and keep it for the container's life.
 */
export class S3RecordingStore implements RecordingStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly indexCache = new Map<string, { etag: string | undefined; index: RecordingIndex }>();
  private readonly indexLoads = new Map<string, Promise<RecordingIndex>>();

  constructor(opts: S3RecordingStoreOptions) {
    this.client = opts.client;
    this.bucket = opts.bucket;
  }

  private bucketName(): string {
    if (!this.bucket) throw new MissingConfigError(ENV.recordingsBucket);
    return this.bucket;
  }

  private async getObject(operation: string, key: string, extra: { Range?: string; IfNoneMatch?: string } = {}): Promise<GetObjectCommandOutput> {
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.bucketName(), Key: key, ...extra }));
    } catch (e) {
      if (isNoSuchKey(e)) throw new NotFoundError('recording object', key);
      if (httpStatus(e) === 304) throw e; // IfNoneMatch hit: the caller's cache is fresh
      throw translate('S3', operation, e);
    }
  }

  /**
   * The index object at `indexKey` (JSON written by the index Lambda, trusted), cached in this
   * store's small LRU ({@link MAX_CACHED_INDEXES} keys). An index is immutable for a
   * finished recording; for one that may still grow (live appends), pass `refresh: true`: the
   * cached copy is revalidated with a conditional GET (`If-None-Match: <ETag>`, 304 → keep)
   * and replaced when S3 has a newer one. Concurrent first loads of one key share one GET.
   * Throws {@link NotFoundError} when the object does not exist, SyntaxError on invalid JSON.
   */
  getIndex(indexKey: string, opts: { refresh?: boolean } = {}): Promise<RecordingIndex> {
    const cached = this.indexCache.get(indexKey);
    if (cached && !opts.refresh) {
      this.indexCache.delete(indexKey); // LRU: move to the newest end
      this.indexCache.set(indexKey, cached);
      return Promise.resolve(cached.index);
    }
    const pending = this.indexLoads.get(indexKey);
    if (pending) return pending;
    const load = (async () => {
      let out: GetObjectCommandOutput;
      try {
        out = await this.getObject('GetObject', indexKey, cached?.etag ? { IfNoneMatch: cached.etag } : {});
      } catch (e) {
        if (cached && httpStatus(e) === 304) return cached.index;
        throw e;
      }
      const index = JSON.parse(await bodyText(out)) as RecordingIndex;
      this.indexCache.delete(indexKey);
      this.indexCache.set(indexKey, { etag: out.ETag, index });
      while (this.indexCache.size > MAX_CACHED_INDEXES) {
        const oldest = this.indexCache.keys().next().value as string;
        this.indexCache.delete(oldest);
      }
      return index;
    })().finally(() => this.indexLoads.delete(indexKey));
    this.indexLoads.set(indexKey, load);
    return load;
  }

  /** Drop every cached index (tests; never needed in handlers). */
  clearIndexCache(): void {
    this.indexCache.clear();
  }

  /**
   * Bytes `[startByte, endByteExclusive)` of object `key`, decoded as UTF-8 — one ranged
   * GetObject (`Range: bytes=start-(end−1)`). Byte offsets come from the index, which puts
   * them on line starts, so a range never splits a character. An empty range returns `''`
   * without a request; a range running past the end returns what exists.
   * Throws {@link NotFoundError} when the object does not exist.
   */
  async readRange(key: string, startByte: number, endByteExclusive: number): Promise<string> {
    if (!(endByteExclusive > startByte) || startByte < 0) return '';
    const out = await this.getObject('GetObject', key, { Range: `bytes=${startByte}-${endByteExclusive - 1}` });
    return bodyText(out);
  }

  /**
   * The lines of object `key`, streamed (never the whole object in memory — recordings may
   * be many MB), without line terminators (`\n` or `\r\n`); no final empty line after a
   * trailing newline. For the index Lambda.
   * Throws {@link NotFoundError} when the object does not exist.
   */
  async *readLines(key: string): AsyncIterable<string> {
    const out = await this.getObject('GetObject', key);
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
  async readText(key: string): Promise<string> {
    return bodyText(await this.getObject('GetObject', key));
  }

  /** Delete object `key` (a live append's orphan chunk). Deleting a missing key succeeds, as S3 does. */
  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucketName(), Key: key }));
    } catch (e) {
      throw translate('S3', 'DeleteObject', e);
    }
  }

  /** Write object `key` (an index, an uploaded recording) with `contentType`; drops a cached index of that key. */
  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucketName(), Key: key, Body: body, ContentType: contentType }));
    } catch (e) {
      throw translate('S3', 'PutObject', e);
    }
    this.indexCache.delete(key);
  }
}
