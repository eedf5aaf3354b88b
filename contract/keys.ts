/**
 * The S3 key layout of the recordings bucket, defined once for the stack (its notification
 * filter and grants), the functions that read and write objects, the ingest CLI and local mode.
 *
 * - `recordings/{gameId}.jsonl` — a matchcast/1 recording (uploads here trigger indexing);
 * - `recordings/{gameId}.idx.json` — its index, written by the index function;
 * - `recordings/{gameId}.kf.json` — its keyframes and markers (protocol/recording.ts
 *   `RecordingKeyframes`), written by the index function beside the index;
 * - `live/{gameId}/{firstSeq}-{batchId}.jsonl` — one accepted batch of a live game's events
 *   (S3 objects cannot be appended to, so each batch is an object of its own);
 * - `live/{gameId}/keyframes.kf.json` — a live game's keyframes and markers so far
 *   (kinds/keyframes.ts `GrowingKeyframes` in protocol/recording.ts `RecordingKeyframes`'s
 *   format), rewritten by the append use case when a keyframe or a marker is added (and by
 *   the index function where that use case's lean fold stops);
 * - `live/{gameId}/keyframes/{fromSeq}.kf.json` — older runs of those keyframes, moved out of
 *   that object so it stays small; it lists them.
 */

/** Key prefix of stored recordings and their indexes. */
export const RECORDINGS_PREFIX = 'recordings/';
/** Suffix of a matchcast/1 recording; only these trigger the index function. */
export const RECORDING_SUFFIX = '.jsonl';
/** Suffix of a recording's index object. */
export const INDEX_SUFFIX = '.idx.json';
/** Suffix of a recording's keyframes object. */
export const KEYFRAMES_SUFFIX = '.kf.json';
/** Key prefix of live games' chunk objects. */
export const LIVE_PREFIX = 'live/';

/** `recordings/{gameId}.jsonl`: where a game's recording is uploaded. */
export function recordingKey(gameId: string): string {
  return `${RECORDINGS_PREFIX}${gameId}${RECORDING_SUFFIX}`;
}

/** `recordings/x.jsonl` → `recordings/x.idx.json`: the index object beside a recording. */
export function indexKeyFor(recordingKey: string): string {
  return (recordingKey.endsWith(RECORDING_SUFFIX) ? recordingKey.slice(0, -RECORDING_SUFFIX.length) : recordingKey) + INDEX_SUFFIX;
}

/** `recordings/x.jsonl` → `recordings/x.kf.json`: the keyframes object beside a recording. */
export function keyframesKeyFor(recordingKey: string): string {
  return (recordingKey.endsWith(RECORDING_SUFFIX) ? recordingKey.slice(0, -RECORDING_SUFFIX.length) : recordingKey) + KEYFRAMES_SUFFIX;
}

/** `live/{gameId}/`: the prefix of one live game's chunk objects. */
export function liveChunkPrefix(gameId: string): string {
  return `${LIVE_PREFIX}${gameId}/`;
}

/** `live/{gameId}/{firstSeq}-{batchId}.jsonl`: one accepted batch of a live game. */
export function liveChunkKey(gameId: string, firstSeq: number, batchId: string): string {
  return `${liveChunkPrefix(gameId)}${firstSeq}-${batchId}${RECORDING_SUFFIX}`;
}

/** `live/{gameId}/keyframes.kf.json`: a live game's keyframes object (beside its chunks; not a chunk: chunks end in `.jsonl`). */
export function liveKeyframesKey(gameId: string): string {
  return `${liveChunkPrefix(gameId)}keyframes${KEYFRAMES_SUFFIX}`;
}

/**
 * `live/{gameId}/keyframes/{fromSeq}.kf.json`: a run of a live game's older keyframes, from the
 * one at `fromSeq`, moved out of its keyframes object so that object stays small
 * (lambda/application/live-keyframes.ts `writeLiveKeyframes`; not a chunk either).
 */
export function liveKeyframesSegmentKey(gameId: string, fromSeq: number): string {
  return `${liveChunkPrefix(gameId)}keyframes/${fromSeq}${KEYFRAMES_SUFFIX}`;
}
