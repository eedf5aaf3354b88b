/**
 * The recordings bucket as the use cases need it: matchcast/1 objects read by byte range,
 * their index objects, and a live game's chunk objects. Implemented by adapters/recordings.ts
 * `S3RecordingStore` and the tests' in-memory fake. Missing objects throw `NotFoundError` (ports/errors.ts).
 */
import type { RecordingIndex } from '../../protocol/recording';

/** Objects of the recordings bucket. */
export interface RecordingStore {
  /** The index object at `indexKey` (cached by the store, one per function instance; `refresh` revalidates a cached copy). */
  getIndex(indexKey: string, opts?: { refresh?: boolean }): Promise<RecordingIndex>;
  /** Bytes `[startByte, endByteExclusive)` of object `key` as UTF-8; `''` for an empty range. */
  readRange(key: string, startByte: number, endByteExclusive: number): Promise<string>;
  /** The whole of object `key` as UTF-8 (a live chunk: one published batch). */
  readText(key: string): Promise<string>;
  /** Write object `key` with `contentType`. */
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /** Delete object `key`; a missing key succeeds. */
  delete(key: string): Promise<void>;
}
