/**
 * Folding a live game's keyframes on where the append path's lean kinds stopped — in the
 * index function, which has the full kinds (kinds/folds.ts: the terminal through its
 * emulator, no zod). The append path (application/live.ts `updateLiveKeyframes`) folds each
 * batch with the lean kinds; a terminal resize (or output past what a lean state holds under
 * the snapshot limit) stops that fold, and it asks for this (ports/live-keyframer.ts). This
 * folds the frames from the stop to the game's committed end from the object's last state,
 * with the same keyframe rules, and writes the object back without the stop, so joins,
 * seeks and rejoins past a resize get the true screen; the append path then folds on from
 * its end with the lean kinds until the next stop.
 */
import { keyframeFoldFor } from '../../kinds/folds';
import { extendKeyframes } from '../../kinds/keyframes';
import type { GameCatalog } from '../ports/games';
import type { RecordingStore } from '../ports/recordings';
import { readLiveFrames } from './frames';
import { liveHeader, liveKeyframesAfter, readLiveKeyframes, writeLiveKeyframes, type LiveKeyframes } from './live-keyframes';

/** Ports of {@link refoldLiveKeyframes}. */
export interface RefoldPorts {
  games: Pick<GameCatalog, 'get'>;
  recordings: Pick<RecordingStore, 'readText' | 'put'>;
}

/**
 * Most frames one round of {@link refoldLiveKeyframes} folds: each goes through the emulator
 * (restore, write, serialize), so all rounds together stay well inside the index function's
 * 2-minute timeout (lib/recordings.ts).
 */
export const REFOLD_MAX_FRAMES = 5_000;
/** Rounds of {@link refoldLiveKeyframes}: each folds on to the committed end, which appends may have moved meanwhile. */
const REFOLD_ROUNDS = 5;

/** What {@link refoldLiveKeyframes} did. */
export interface Refolded {
  /** `folded`: the object was folded on and written; `nothing`: nothing to fold (no frame past it, a stop of the full kind, no object or game), or another run had folded it as far. */
  outcome: 'folded' | 'nothing';
  /** The object's `frameCount` after (frames folded); absent with `nothing`. */
  frameCount?: number;
  /** Where the full kind stopped in turn (a frame it refuses), if it did. */
  stoppedAt?: number;
}

/**
 * Fold game `gameId`'s keyframes object on from its lean stop with the game kind's full
 * fold, up to the committed frames of a consistent read of its row, and write it back; then
 * again while appends committed more meanwhile (their lean folds found the object stopped and
 * left it), up to {@link REFOLD_ROUNDS} rounds of at most {@link REFOLD_MAX_FRAMES} frames. A
 * frame the full kind refuses stops it there for good (`stoppedBy` `full`: the append path no
 * longer asks). An object that is not stopped but behind the committed frames (appends that
 * found it stopped while another run was folding it) is folded on the same way. Nothing is
 * done when no frame is past it, the full kind stopped it, or the game or object is gone.
 * Never writes over an object that another run (or the append path) has folded as far or
 * further: two runs at once leave the further fold. The markers it finds are stored with the
 * object (viewers get them in their next `joined`); it sends none. Throws the stores' errors
 * (the invocation is retried by Lambda's asynchronous retries).
 */
export async function refoldLiveKeyframes(ports: RefoldPorts, gameId: string): Promise<Refolded> {
  const kf = await readLiveKeyframes(ports.recordings, gameId);
  if (!kf || kf.stoppedBy === 'full') return { outcome: 'nothing' };
  const { stoppedAt: _stop, stoppedBy: _by, ...start } = kf;
  let folded: LiveKeyframes = start;
  let written: LiveKeyframes | undefined;
  for (let round = 0; round < REFOLD_ROUNDS && folded.stoppedAt === undefined; round++) {
    const game = await ports.games.get(gameId, { consistent: true });
    if (!game || game.liveStatus === undefined || game.frameCount <= folded.frameCount) break;
    const fold = keyframeFoldFor(game.kind);
    if (fold.kind !== folded.kind) break;
    const frames = await readLiveFrames(ports.recordings, game.chunks ?? [], folded.frameCount, game.frameCount, REFOLD_MAX_FRAMES);
    if (frames.length === 0 || frames[0]!.seq !== folded.frameCount) break;
    const { keyframes } = await extendKeyframes(fold, liveHeader(game), folded, frames);
    folded = liveKeyframesAfter(folded, keyframes, 'full');
    // Another run (or the append path) got as far meanwhile: its object stays.
    const stored = await readLiveKeyframes(ports.recordings, gameId);
    if (stored && (stored.frameCount > folded.frameCount || (stored.frameCount === folded.frameCount && (stored.stoppedAt === undefined || stored.stoppedBy === 'full')))) break;
    folded = await writeLiveKeyframes(ports.recordings, folded);
    written = folded;
  }
  if (!written) return { outcome: 'nothing' };
  return { outcome: 'folded', frameCount: written.frameCount, ...(written.stoppedAt !== undefined ? { stoppedAt: written.stoppedAt } : {}) };
}
