/**
 * A live game's keyframes object (contract/keys.ts `liveKeyframesKey`): what it holds, how it
 * is read, and the header its states are folded from. Kept by two writers: the append use
 * case (application/live.ts), which folds each committed batch with the lean kinds
 * (kinds/lean.ts: terminal without its emulator), and — where that fold stops — the index
 * function (application/refold-live-keyframes.ts), which folds on with the full kinds
 * (kinds/folds.ts: terminal through its emulator). No kind registry is imported here, so each of
 * those functions bundles only its own registry.
 */
import { liveKeyframesKey, liveKeyframesSegmentKey } from '../../contract/keys';
import { keyframeFor, type GrowingKeyframes, type Keyframe } from '../../kinds/keyframes';
import { KEYFRAMES_FORMAT, RECORDING_FORMAT, type RecordingHeader, type RecordingKeyframes } from '../../protocol/recording';
import type { GameRow } from '../../contract/rows';
import { NotFoundError } from '../ports/errors';
import type { RecordingStore } from '../ports/recordings';

/**
 * A live game's keyframes object as stored: the keyframes format with the growing fold's
 * fields (kinds/keyframes.ts `GrowingKeyframes`), and `stoppedBy` beside `stoppedAt`: which
 * registry's fold stopped there — `lean` (the append path: a terminal resize, or output a lean
 * state cannot hold under the snapshot limit; the full kind can fold on) or `full` (the kind
 * itself refused the frame: nothing folds past it).
 */
export type LiveKeyframes = RecordingKeyframes &
  GrowingKeyframes & {
    stoppedBy?: 'lean' | 'full';
    /** The older keyframes, moved out of this object in runs (oldest first, contiguous): the keyframes before the first one it holds. */
    segments?: LiveKeyframesSegmentRef[];
  };

/** One run of older keyframes (`key`: contract/keys.ts `liveKeyframesSegmentKey`): those with seq in `[fromSeq, toSeq)`. */
export interface LiveKeyframesSegmentRef {
  fromSeq: number;
  toSeq: number;
  key: string;
}

/** A segment object as stored: a run of keyframes of one game, in the keyframes format. */
export interface LiveKeyframesSegment {
  format: typeof KEYFRAMES_FORMAT;
  gameId: string;
  kind: string;
  keyframes: Keyframe[];
}

/**
 * The object to store once `previous` has been extended to `extended` (kinds/keyframes.ts
 * `extendKeyframes`) by the `by` registry's fold: the keyframes format and `previous`'s game id
 * and segments (an extension keeps neither), and `stoppedBy: by` when that fold stopped.
 */
export function liveKeyframesAfter(previous: Pick<LiveKeyframes, 'gameId' | 'segments'>, extended: GrowingKeyframes, by: 'lean' | 'full'): LiveKeyframes {
  return {
    ...extended,
    format: KEYFRAMES_FORMAT,
    gameId: previous.gameId,
    ...(previous.segments ? { segments: previous.segments } : {}),
    ...(extended.stoppedAt !== undefined ? { stoppedBy: by } : {}),
  };
}

/** Keyframes a live game's keyframes object holds before the oldest are moved out to a segment. */
export const LIVE_HEAD_MAX_KEYFRAMES = 64;
/** Keyframes it keeps when it moves the others out (so a segment holds at least 32, and the object is rewritten without a move for the next 32). */
export const LIVE_HEAD_KEEP_KEYFRAMES = 32;

/**
 * Write a live game's keyframes object. Holding more than {@link LIVE_HEAD_MAX_KEYFRAMES}
 * keyframes, the oldest but {@link LIVE_HEAD_KEEP_KEYFRAMES} go to a segment object first
 * (contract/keys.ts `liveKeyframesSegmentKey`) that the object then lists, so what each append
 * rewrites and each join reads stays bounded as the game grows: the last keyframes, the
 * markers (at most MAX_MARKERS), the tail. Returns the object as written. Throws the store's
 * errors (a segment written whose object write then failed is harmless: nothing lists it).
 */
export async function writeLiveKeyframes(recordings: Pick<RecordingStore, 'put'>, kf: LiveKeyframes): Promise<LiveKeyframes> {
  let head = kf;
  if (kf.keyframes.length > LIVE_HEAD_MAX_KEYFRAMES) {
    const moved = kf.keyframes.slice(0, kf.keyframes.length - LIVE_HEAD_KEEP_KEYFRAMES);
    const kept = kf.keyframes.slice(moved.length);
    const fromSeq = moved[0]!.seq;
    const key = liveKeyframesSegmentKey(kf.gameId, fromSeq);
    const segment: LiveKeyframesSegment = { format: KEYFRAMES_FORMAT, gameId: kf.gameId, kind: kf.kind, keyframes: moved };
    await recordings.put(key, JSON.stringify(segment), 'application/json');
    head = { ...kf, keyframes: kept, segments: [...(kf.segments ?? []), { fromSeq, toSeq: kept[0]!.seq, key }] };
  }
  await recordings.put(liveKeyframesKey(kf.gameId), JSON.stringify(head), 'application/json');
  return head;
}

/**
 * The last keyframe of `kf` at or before `seq` (clamped to its `frameCount`): from the object
 * itself, or — older than its first keyframe — from the segment that holds it (one read,
 * through `readSegment`, which a caller may cache). Undefined when no keyframe is that old (a
 * segment gone or unreadable). Throws the store's errors but NotFoundError.
 */
export async function liveKeyframeAt(
  kf: LiveKeyframes,
  seq: number,
  readSegment: (key: string) => Promise<LiveKeyframesSegment | null>,
): Promise<Keyframe | undefined> {
  const at = Math.max(0, Math.min(seq, kf.frameCount));
  if (kf.keyframes[0] && kf.keyframes[0].seq <= at) return keyframeFor(kf, at);
  const ref = (kf.segments ?? []).findLast((s) => s.fromSeq <= at && at < s.toSeq);
  const segment = ref && (await readSegment(ref.key));
  if (!ref || !segment || segment.keyframes.length === 0 || segment.keyframes[0]!.seq > at) return undefined;
  return keyframeFor({ kind: kf.kind, every: kf.every, frameCount: ref.toSeq, keyframes: segment.keyframes }, at);
}

/** Read a keyframes segment object; null when it is gone or not one. Throws the store's other errors. */
export async function readLiveKeyframesSegment(recordings: Pick<RecordingStore, 'readText'>, key: string): Promise<LiveKeyframesSegment | null> {
  try {
    const parsed = JSON.parse(await recordings.readText(key)) as LiveKeyframesSegment;
    return parsed.format === KEYFRAMES_FORMAT && Array.isArray(parsed.keyframes) ? parsed : null;
  } catch (e) {
    if (e instanceof NotFoundError || e instanceof SyntaxError) return null;
    throw e;
  }
}

/**
 * Read a live game's keyframes object; null when there is none (or it is not one). Throws
 * the store's other errors.
 */
export async function readLiveKeyframes(recordings: Pick<RecordingStore, 'readText'>, gameId: string): Promise<LiveKeyframes | null> {
  try {
    const parsed = JSON.parse(await recordings.readText(liveKeyframesKey(gameId))) as LiveKeyframes;
    return parsed.format === KEYFRAMES_FORMAT && Array.isArray(parsed.keyframes) && parsed.keyframes.length > 0 ? parsed : null;
  } catch (e) {
    if (e instanceof NotFoundError || e instanceof SyntaxError) return null;
    throw e;
  }
}

/**
 * The header a live game folds from (it has no recording header): the row's id, kind,
 * title and participants, no `meta`. Its keyframes (both writers) and the live snapshot
 * source (application/snapshots.ts) fold from the same, so they agree with a fold from frame 0.
 */
export function liveHeader(game: Pick<GameRow, 'gameId' | 'kind'> & { title?: string; participants?: string[] }): RecordingHeader {
  return { format: RECORDING_FORMAT, gameId: game.gameId, kind: game.kind, title: game.title ?? game.gameId, participants: game.participants ?? [], durationMs: 0, frameCount: 0, meta: {} };
}
