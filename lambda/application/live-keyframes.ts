/**
 * A live game's keyframes object (contract/keys.ts `liveKeyframesKey`): what it holds, how it
 * is read, and the header its states are folded from. Kept by two writers: the append use
 * case (application/live.ts), which folds each committed batch with the lean kinds
 * (kinds/lean.ts: terminal without its emulator), and — where that fold stops — the index
 * function (application/refold-live-keyframes.ts), which folds on with the full kinds
 * (kinds/folds.ts: terminal through its emulator). No kind is imported here, so each of
 * those functions bundles only its own registry.
 */
import { liveKeyframesKey } from '../../contract/keys';
import type { GrowingKeyframes } from '../../kinds/keyframes';
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
export type LiveKeyframes = RecordingKeyframes & GrowingKeyframes & { stoppedBy?: 'lean' | 'full' };

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
