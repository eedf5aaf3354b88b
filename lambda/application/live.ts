/**
 * Live games (docs/HTTP-API.md "Live games"): open, append, finish — use cases on ports
 * around the pure rules of core/live.ts.
 *
 * An append: plan against a consistent read of the `Games` row → write the batch's chunk
 * object → commit the row on `frameCount` (GameCatalog `commitLiveAppend`; a lost race
 * re-plans, so concurrent publishers get consecutive seqs; the loser's chunk object — and
 * that of a commit that throws — is deleted once a consistent read shows the row does not
 * name it, so no object is left that the index does not name, unless the function dies
 * between the two writes) → deliver the frames to the
 * game's live stream at once ({@link deliverToEdge}) → fold the batch into the game's
 * keyframes and markers ({@link updateLiveKeyframes}), and send new markers to its viewers.
 * A live game belongs to the publisher who opened it (its row's `userId`): others are refused
 * `forbidden` (core/live.ts `assertMayPublish`); operators may act on any.
 * Metrics (contract/metrics.ts): `LiveEventAppendLatency`, one per append that stored events —
 * from the batch's arrival (`now`) to its fan-out's end, ms.
 */
import { randomBytes } from 'node:crypto';
import { assertMayPublish, chunkObjectKey, newLiveGame, planAppend, serializeChunk, type LivePublisher } from '../core/live';
import { type AppendAnswer, LiveRequestError, type LiveEvent, type OpenLiveGame } from '../../protocol/http-api';
import { isFinished } from '../core/lifecycle';
import type { GameRow, StreamRow } from '../../contract/rows';
import { framesMessages, type WireFrame } from '../../protocol/server';
import type { Broadcaster } from '../ports/broadcaster';
import { StaleEpochError } from '../ports/errors';
import type { GameCatalog } from '../ports/games';
import type { LiveKeyframer } from '../ports/live-keyframer';
import type { Log } from '../ports/log';
import { NO_METRICS, type Metrics } from '../ports/metrics';
import type { RecordingStore } from '../ports/recordings';
import type { StreamStore } from '../ports/streams';
import type { Time } from '../ports/time';
import type { Workflow } from '../ports/workflow';
import { NO_QUOTAS, type UserQuotas } from '../ports/quotas';
import { edgeStreamId, ensureEdgeStream } from './edge-stream';
import { endStream } from './end-stream';
import { readLiveFrames } from './frames';
import { liveHeader, liveKeyframesAfter, readLiveKeyframes, writeLiveKeyframes, type LiveKeyframes } from './live-keyframes';
import { acceptsFrame } from './snapshots';
import { emptyKeyframes, extendKeyframes } from '../../kinds/keyframes';
import { generic } from '../../kinds/generic';
import { leanKindOf } from '../../kinds/lean';
import { KEYFRAMES_FORMAT } from '../../protocol/recording';

/** Commit attempts of one append under contention (each re-reads and re-plans). */
const MAX_COMMIT_ATTEMPTS = 20;
/** How long (ms) an append waits for the previous batch to be delivered before filling the gap itself. */
const PREDECESSOR_WAIT_MS = 3000;

/** Ports of the live-game use cases. */
export interface LivePorts {
  games: Pick<GameCatalog, 'get' | 'create' | 'commitLiveAppend' | 'finishLive'>;
  streams: Pick<StreamStore, 'get' | 'create' | 'update'>;
  recordings: Pick<RecordingStore, 'put' | 'delete' | 'readText'>;
  broadcaster: Pick<Broadcaster, 'fanOut'>;
  /** Ending the live stream on finish (never stops an execution: a live stream has none). */
  workflow: Pick<Workflow, 'arnFor' | 'stop'>;
  time: Time;
  log: Log;
  /** LiveEventAppendLatency (default: nowhere). */
  metrics?: Metrics;
  /** Batches one live game may have (default core/live.ts MAX_LIVE_CHUNKS; tests lower it). */
  maxLiveChunks?: number;
  /** The publishers' `liveGames` quotas: `PUT` acquires, finish releases (default none). */
  quotas?: Pick<UserQuotas, 'acquire' | 'release'>;
  /** Folds a game's keyframes on where the lean kinds stopped (the index function; default none: they stay stopped). */
  keyframer?: LiveKeyframer;
}

/**
 * `PUT /games/{gameId}`: open a live game (idempotent) and its live stream; `by` (the
 * caller) becomes its owner. Returns `created: false` when it is already open live.
 * `now`: epoch ms (default the clock's). `by` undefined: an in-process caller, no owner
 * recorded and no check. Throws {@link LiveRequestError} `forbidden` when another publisher
 * opened it (and `by` is no operator), `conflict` when a recorded or finished game has the id.
 */
export async function openLiveGame(ports: LivePorts, gameId: string, open: OpenLiveGame, now = ports.time.now(), by?: LivePublisher): Promise<{ created: boolean; game: GameRow }> {
  const fresh = newLiveGame(gameId, open, now, by?.userId);
  const created = await ports.games.create(fresh);
  const game = created ? fresh : await ports.games.get(gameId, { consistent: true });
  if (!game) throw new Error(`game "${gameId}" vanished while being opened`);
  assertMayPublish(game, by);
  if (game.liveStatus !== 'live') {
    throw new LiveRequestError('conflict', game.liveStatus === 'finished' ? `live game "${gameId}" is finished` : `a recorded game is named "${gameId}"`);
  }
  await ensureEdgeStream(ports.streams, game, now);
  return { created, game };
}

/**
 * `POST /games/{gameId}/events`: append `events` (core/live.ts `planAppend` rules) and deliver
 * them to the live stream; `now` (epoch ms, default the clock's) is the batch's arrival;
 * `by` the caller (undefined: an in-process caller, no ownership check). Throws
 * {@link LiveRequestError} (`not_found`: no such game; `forbidden`: another publisher's game;
 * `conflict`: not live, or at its batch cap; `bad_request`: a `t` going back), or the ports'
 * errors after retries — a failed commit first deletes the chunk object it wrote, unless
 * the row names it (the commit was applied, only its answer was lost: then it succeeded).
 */
export async function appendLiveEvents(ports: LivePorts, gameId: string, events: readonly LiveEvent[], now = ports.time.now(), by?: LivePublisher): Promise<AppendAnswer> {
  const batchId = randomBytes(6).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x');
  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
    const game = await ports.games.get(gameId, { consistent: true });
    if (!game) throw new LiveRequestError('not_found', `no live game "${gameId}": open it with PUT /games/${gameId} first`);
    assertMayPublish(game, by);
    const plan = planAppend(game, events, now, (seq) => chunkObjectKey(gameId, seq, batchId), { maxChunks: ports.maxLiveChunks });
    const result: AppendAnswer = { gameId, accepted: plan.accepted, duplicates: plan.duplicates, frameCount: plan.frameCount, durationMs: plan.durationMs };
    if (!plan.chunk) return result;
    const chunk = plan.chunk;
    await ports.recordings.put(chunk.key, serializeChunk(plan.frames), 'application/x-ndjson');
    let committed: boolean;
    try {
      committed = await ports.games.commitLiveAppend(gameId, game.frameCount, { chunk, frameCount: plan.frameCount, durationMs: plan.durationMs, forgetKeysOf: plan.forgetKeysOf, chunks: plan.chunks });
    } catch (e) {
      // The commit failed — or only its answer did (a timeout after DynamoDB applied it).
      // The index says which: named there, it is committed; else the object is an orphan
      // (the publisher's retry writes a new one): delete it, then report the failure.
      const named = await namesChunk(ports, gameId, chunk.key);
      if (named !== true) {
        if (named === false) await deleteOrphan(ports, chunk.key);
        else ports.log.warn('a failed live commit left a chunk object that may be an orphan', { key: chunk.key });
        throw e;
      }
      committed = true;
    }
    // A condition that failed after an attempt of the SDK's own retries committed this very
    // chunk is this append's success too: only a chunk no index names is deleted.
    if (committed || (await namesChunk(ports, gameId, chunk.key)) === true) {
      const committedGame = { ...game, frameCount: plan.frameCount, durationMs: plan.durationMs, chunks: [...(game.chunks ?? []), chunk] };
      await deliverToEdge(ports, committedGame, plan.frames);
      await updateLiveKeyframes(ports, committedGame, plan.frames).catch((e: unknown) =>
        ports.log.warn('could not update a live game\'s keyframes (the next append catches up)', { gameId, error: (e as Error).message }),
      );
      (ports.metrics ?? NO_METRICS).add('LiveEventAppendLatency', ports.time.now() - now);
      return result;
    }
    // Another append (or a finish) won: this chunk is an orphan; re-plan on the new row.
    await deleteOrphan(ports, chunk.key);
    await ports.time.sleep(Math.min(200, 5 * 2 ** attempt) * Math.random());
  }
  throw new Error(`append to "${gameId}" lost ${MAX_COMMIT_ATTEMPTS} commit races in a row`);
}

/** A live game's keyframes as this function instance last wrote or read them, by gameId (at most {@link KEYFRAMES_CACHE_ENTRIES}). */
const keyframesCache = new Map<string, LiveKeyframes>();
/** The update in flight per game in this process: updates of one game run one after another, in the order they were asked. */
const keyframesQueue = new Map<string, Promise<void>>();
const KEYFRAMES_CACHE_ENTRIES = 64;

/** Forget the live keyframes this instance holds (tests). */
export function clearLiveKeyframesCache(): void {
  keyframesCache.clear();
}

/**
 * Fold a committed batch into the game's keyframes object (contract/keys.ts
 * `liveKeyframesKey`; kinds/keyframes.ts `extendKeyframes`, the kind's lean fold of
 * kinds/lean.ts — the same K and keyframe rules as a recording's index), and send the
 * markers it adds to the game's live stream as one `markers` message. Where the lean fold
 * stops (`stoppedBy` `lean`: a terminal resize, or output a lean state cannot hold under the
 * snapshot limit) the game is handed to `ports.keyframer`, which folds on with the full kinds
 * (application/refold-live-keyframes.ts); each later batch finding it still stopped there
 * asks again, and one finding it folded on continues from its end.
 *
 * Cheap on the append path: the object is kept per function instance; it is read (and the
 * frames between it and this batch read from the chunks, `game.chunks` being the committed
 * row's) only when this instance did not fold the previous batch itself, and written back
 * only when a keyframe or a marker was added (or it did not exist). Each frame is folded
 * once, from the object's last state — never from frame 0. Updates of one game in one
 * process run in order; across instances, two updates may race on the object: each writes a
 * state folded in the committed order up to its own batch, so the loser leaves it behind,
 * never wrong, and the next append folds on from there (frames with seq already folded are
 * skipped: idempotent by seq). Throws the store's errors (the caller logs them: an append
 * never fails for its keyframes).
 */
export async function updateLiveKeyframes(ports: Pick<LivePorts, 'recordings' | 'broadcaster' | 'keyframer'>, game: GameRow, frames: readonly WireFrame[]): Promise<void> {
  const previous = keyframesQueue.get(game.gameId) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => foldBatch(ports, game, frames));
  const settled = run.catch(() => undefined);
  keyframesQueue.set(game.gameId, settled);
  void settled.then(() => {
    if (keyframesQueue.get(game.gameId) === settled) keyframesQueue.delete(game.gameId);
  });
  return run;
}

async function foldBatch(ports: Pick<LivePorts, 'recordings' | 'broadcaster' | 'keyframer'>, game: GameRow, frames: readonly WireFrame[]): Promise<void> {
  if (frames.length === 0) return;
  const kind = leanKindOf(game.kind) ?? generic;
  const header = liveHeader(game);
  const firstSeq = frames[0]!.seq;
  let kf = keyframesCache.get(game.gameId);
  let stored = true;
  // A cached object whose lean fold stopped is read again: the index function may have folded it on since.
  if (!kf || kf.kind !== kind.kind || kf.frameCount !== firstSeq || kf.stoppedAt !== undefined) {
    const read = await readLiveKeyframes(ports.recordings, game.gameId);
    stored = read !== null && read.kind === kind.kind;
    kf = stored ? read! : { format: KEYFRAMES_FORMAT, gameId: game.gameId, ...emptyKeyframes(kind, header) };
  }
  if (kf.stoppedAt !== undefined || kf.frameCount >= frames.at(-1)!.seq + 1) {
    remember(game.gameId, kf);
    // Still stopped where the lean kinds cannot go on: asked again (a request may have been
    // lost; a run beside one in flight folds the same frames, and the further fold stays).
    if (kf.stoppedAt !== undefined && kf.stoppedBy !== 'full') await ports.keyframer?.request(game.gameId);
    return;
  }
  // The frames between the object and this batch (committed before it): from the chunks.
  const gap = kf.frameCount < firstSeq ? await readLiveFrames(ports.recordings, game.chunks ?? [], kf.frameCount, firstSeq, firstSeq - kf.frameCount) : [];
  const { keyframes, addedKeyframes, addedMarkers } = await extendKeyframes(kind, header, kf, [...gap, ...frames], acceptsFrame(kind));
  let next = liveKeyframesAfter(kf, keyframes, 'lean');
  if (!stored || addedKeyframes > 0 || addedMarkers.length > 0 || next.stoppedAt !== undefined) next = await writeLiveKeyframes(ports.recordings, next);
  remember(game.gameId, next);
  if (addedMarkers.length > 0) {
    const streamId = edgeStreamId(game.gameId);
    await ports.broadcaster.fanOut(streamId, [{ type: 'markers', streamId, markers: addedMarkers }]);
  }
  // The lean kinds stopped here (a terminal resize): the index function folds on with the full kinds.
  if (next.stoppedAt !== undefined) await ports.keyframer?.request(game.gameId);
}

function remember(gameId: string, kf: LiveKeyframes): void {
  keyframesCache.delete(gameId);
  if (keyframesCache.size >= KEYFRAMES_CACHE_ENTRIES) keyframesCache.delete(keyframesCache.keys().next().value!);
  keyframesCache.set(gameId, kf);
}

/** Whether the game's row (a consistent read) names chunk object `key`; undefined when the read fails. */
async function namesChunk(ports: LivePorts, gameId: string, key: string): Promise<boolean | undefined> {
  try {
    const row = await ports.games.get(gameId, { consistent: true });
    return (row?.chunks ?? []).some((c) => c.key === key);
  } catch {
    return undefined;
  }
}

/** Delete a chunk object no index names (best effort: a failure is logged, not thrown). */
async function deleteOrphan(ports: LivePorts, key: string): Promise<void> {
  await ports.recordings.delete(key).catch((e: unknown) => ports.log.warn('could not delete an orphan live chunk', { key, error: (e as Error).message }));
}

/**
 * Deliver a committed batch to the game's live stream, in seq order: wait (≤
 * {@link PREDECESSOR_WAIT_MS}) until the previous batch is claimed, then claim this one (the
 * edge row's `positionSeq`, conditional like the tick's claim) and fan it out as one
 * `frames` message. A predecessor that never came (its function died) is filled in from
 * the chunks. No live stream (nobody ever watched live) or a finished one: nothing to do.
 */
export async function deliverToEdge(ports: LivePorts, game: GameRow, frames: readonly WireFrame[]): Promise<void> {
  if (frames.length === 0) return;
  const firstSeq = frames[0]!.seq;
  const deadline = ports.time.now() + PREDECESSOR_WAIT_MS;
  for (;;) {
    const edge = await ports.streams.get(edgeStreamId(game.gameId), { consistent: true });
    if (!edge || isFinished(edge) || edge.livePlayback !== 'edge') return;
    const end = frames.at(-1)!.seq + 1;
    if (edge.positionSeq >= end) return; // delivered already (a gap fill by a later batch)
    if (edge.positionSeq < firstSeq && ports.time.now() < deadline) {
      await ports.time.sleep(20);
      continue;
    }
    const missing = edge.positionSeq < firstSeq ? await readLiveFrames(ports.recordings, game.chunks ?? [], edge.positionSeq, firstSeq) : [];
    const send = [...missing, ...frames.filter((f) => f.seq >= edge.positionSeq)];
    const last = send.at(-1)!;
    const now = ports.time.now();
    let claimed: StreamRow;
    try {
      claimed = await ports.streams.update(
        edge.streamId,
        edge.epoch,
        {
          positionSeq: end,
          positionMs: last.t,
          anchorAt: now,
          frameCount: Math.max(edge.frameCount, game.frameCount),
          durationMs: Math.max(edge.durationMs, game.durationMs),
          framesSent: edge.framesSent + send.length,
          lastTickAt: now,
          updatedAt: now,
        },
        { expectPositionSeq: edge.positionSeq, expectStatus: ['playing'] },
      );
    } catch (e) {
      if (e instanceof StaleEpochError) continue; // another batch moved the edge: look again
      throw e;
    }
    await ports.broadcaster.fanOut(claimed.streamId, framesMessages(claimed.streamId, claimed.epoch, send));
    return;
  }
}

/**
 * `POST /games/{gameId}/finish`: the game is finished; its live stream ends (`finished`).
 * Idempotent for a finished live game. `by`: the caller (undefined: an in-process caller,
 * no ownership check). Throws {@link LiveRequestError} `not_found` / `forbidden` (another
 * publisher's game) / `conflict` (a recorded game); a refusal changes nothing.
 */
export async function finishLive(ports: LivePorts, gameId: string, by?: LivePublisher): Promise<GameRow> {
  const before = await ports.games.get(gameId, { consistent: true });
  if (!before) throw new LiveRequestError('not_found', `no live game "${gameId}"`);
  if (before.liveStatus === undefined) throw new LiveRequestError('conflict', `"${gameId}" is a recorded game, not a live one`);
  assertMayPublish(before, by);
  await ports.games.finishLive(gameId);
  const game = (await ports.games.get(gameId, { consistent: true })) ?? before;
  await (ports.quotas ?? NO_QUOTAS).release('liveGames', gameId);
  const edge = await ports.streams.get(edgeStreamId(gameId), { consistent: true });
  if (edge && edge.livePlayback === 'edge' && !isFinished(edge)) {
    try {
      await endStream(ports, edge, 'finished', 'system', { stopExecution: false });
    } catch (e) {
      if (!(e instanceof StaleEpochError)) throw e;
    }
  }
  return game;
}
