/**
 * Stream sessions: the multi-step acts the handlers share — attach a connection to a
 * stream, detach it, end a stream, announce presence, read frames back from the recording.
 */
import { joinedMessage, roleIn } from '../core/control';
import type { StreamRow } from '../core/model';
import { clockRuns, isFinished } from '../core/lifecycle';
import type { EndReason, Role, WireFrame } from '../../protocol/messages';
import { framesMessages } from '../../protocol/messages';
import { sleep } from '../core/backoff';
import { dueAt, frameTime } from '../core/clock';
import {
  addClients,
  attachConnection,
  connections,
  detachConnection,
  games,
  getStream,
  leaveStream,
  markControllers,
  streams,
} from './dynamo';
import { broadcaster, postToConnection } from './fanout';
import { log } from './log';
import { recordingStore } from './recordings';
import { frameSourceFor, type FrameHistory } from '../application/frames';
import type { FrameSource } from '../ports/frames';
import { workflow } from './workflow';
import { announcePresence as announce, PRESENCE_INTERVAL_MS } from '../application/presence';
import { systemTime } from './time';
import {
  currentExecutionArn as executionArnOf,
  endStream as end,
  FANOUT_SETTLE_MS as SETTLE_MS,
  MAX_FAILURE_REASON,
  untilClaimedBatchSent as waitClaimedBatch,
} from '../application/end-stream';

export { MAX_FAILURE_REASON };

/** application/end-stream.ts `currentExecutionArn` on this container's state machine. */
export function currentExecutionArn(s: Pick<StreamRow, 'streamId' | 'epoch' | 'generation'>): string {
  return executionArnOf(workflow, s);
}

/** Options of {@link attach}. */
export interface AttachOptions {
  /**
   * `rejoin`: greet with `joined` first, then — before the connection is attached, so no
   * live frame interleaves — replay the frames of `epoch` from `fromSeq` that the stream has
   * already sent (nothing when the epoch has moved on).
   */
  replay?: { epoch: number; fromSeq: number };
}

/**
 * Attach a connection to a stream as `role` (derived from the stream's controllers when
 * omitted) and count it; then greet it with `joined` (the full initial state) and announce the new presence to the stream. The
 * connection is attached before `joined` goes out, so a control sent the moment `joined`
 * arrives finds it attached; and it is attached at a quiet moment of the stream
 * ({@link untilQuiet}), so no frame overtakes `joined` and a replay neither repeats nor
 * misses a frame. With `opts.replay` (rejoin) `joined` and the replay go out before the
 * attach. Returns the role.
 */
export async function attach(connectionId: string, userId: string, stream: StreamRow, role?: Role, opts: AttachOptions = {}): Promise<Role> {
  const r = role ?? roleIn(stream, userId);
  const replay = opts.replay;
  if (replay) {
    await postToConnection(connectionId, joinedMessage({ ...stream, clientCount: stream.clientCount + 1 }, r, Date.now()));
    let next = replay.fromSeq;
    await untilQuiet(stream.streamId, async (row) => {
      if (row.epoch !== replay.epoch || next >= row.positionSeq) return false;
      const frames = await readFrames(row, next, row.positionSeq);
      for (const m of frames.length ? framesMessages(row.streamId, row.epoch, frames) : []) await postToConnection(connectionId, m);
      next = row.positionSeq;
      return true;
    });
  } else {
    await untilQuiet(stream.streamId);
  }
  await attachConnection(connectionId, stream.streamId, r);
  const fresh = (await addClients(stream.streamId, 1)) ?? stream;
  if (r === 'player' && fresh.controllersGoneSince !== undefined) await markControllers(stream.streamId, true);
  if (!replay) await postToConnection(connectionId, joinedMessage(fresh, r, Date.now()));
  await announcePresence(stream.streamId, fresh.presenceVersion);
  return r;
}

/** Time (ms) after a batch is due by which the tick's fan-out has listed the stream's connections. */
const FANOUT_SETTLE_MS = SETTLE_MS;
/** Quiet time (ms) needed before the next claim to attach a connection. */
const ATTACH_GUARD_MS = 200;
/** The tick claims a batch this long (ms) before it is due (tick.ts `CLAIM_LEAD_MS`). */
const TICK_CLAIM_LEAD_MS = 30;
/**
 * Longest wait (ms) of {@link untilQuiet}: a stream that is never quiet (frames less than
 * ~0.5 s apart) is attached anyway, well inside the control function's 10 s timeout.
 */
const QUIET_BUDGET_MS = 3000;

/**
 * Wait for a moment to attach a connection: no batch the tick claimed is still being fanned
 * out (a batch is fanned out when due — the row's `anchorAt` after the claim — and its
 * fan-out lists the connections within {@link FANOUT_SETTLE_MS}) and the next claim is at
 * least {@link ATTACH_GUARD_MS} away. Attached then, the connection receives every later
 * batch live and no earlier one. Paused, waiting or finished streams are always quiet.
 *
 * `beforeWait`, when given, is called with each fresh row first; when it returns true (it
 * took time: a replay) the row is read again before deciding. Waits at most
 * {@link QUIET_BUDGET_MS} in all. Returns the last row read (undefined if gone).
 */
export async function untilQuiet(streamId: string, beforeWait?: (row: StreamRow) => Promise<boolean>): Promise<StreamRow | undefined> {
  const deadline = Date.now() + QUIET_BUDGET_MS;
  for (let reads = 0; reads < 100; reads++) {
    const row = await getStream(streamId, { consistent: true });
    if (!row || isFinished(row)) return row;
    if (beforeWait && (await beforeWait(row))) continue;
    const left = deadline - Date.now();
    const waitMs = left > 0 ? Math.min(left, await quietInMs(row)) : 0;
    if (waitMs <= 0) return row;
    await sleep(waitMs);
  }
  return getStream(streamId, { consistent: true });
}

/** application/end-stream.ts `untilClaimedBatchSent` on the system clock. */
export function untilClaimedBatchSent(row: Pick<StreamRow, 'anchorAt' | 'positionSeq' | 'epochStartSeq'>): Promise<void> {
  return waitClaimedBatch(systemTime, row);
}

/** Milliseconds until the stream is quiet (see {@link untilQuiet}); 0 when it is now. */
async function quietInMs(row: StreamRow): Promise<number> {
  // awaiting_start: its first frame is due at `anchorAt` = `startsAt`; a join just before must not be overtaken by it.
  if (!clockRuns(row)) return 0;
  const inFlight = row.positionSeq > row.epochStartSeq ? row.anchorAt + FANOUT_SETTLE_MS - Date.now() : 0;
  if (inFlight > 0) return inFlight;
  if (row.positionSeq >= row.frameCount) return 0;
  const [upcoming] = await readFrames(row, row.positionSeq, row.positionSeq + 1);
  if (!upcoming) return 0;
  const due = dueAt(row, frameTime(upcoming, row.delayMs));
  return due - TICK_CLAIM_LEAD_MS - Date.now() < ATTACH_GUARD_MS ? due + FANOUT_SETTLE_MS - Date.now() : 0;
}

/**
 * Detach a connection from whatever stream it is on (no-op when it is on none), uncount it
 * and announce presence. A pvai stream whose player leaves ends with `stopped` when
 * `endIfPlayerLeaves` is set (the player's own `stop`). Returns the stream id it left.
 */
export async function detach(
  connectionId: string,
  opts: { endIfPlayerLeaves?: boolean; by?: string } = {},
): Promise<string | undefined> {
  const old = await detachConnection(connectionId);
  if (!old?.streamId) return undefined;
  const streamId = old.streamId;
  const stream = await leaveStream(old);
  if (stream && opts.endIfPlayerLeaves && stream.mode === 'pvai' && old.role === 'player' && !isFinished(stream)) {
    await endStream(stream, 'stopped', opts.by ?? old.userId);
  }
  await announcePresence(streamId, stream?.presenceVersion);
  return streamId;
}

export { PRESENCE_INTERVAL_MS };

/** application/presence.ts `announcePresence` on this container's adapters. */
export async function announcePresence(streamId: string, version?: number): Promise<void> {
  await announce({ streams: streams(), connections: connections(), broadcaster, time: systemTime, log }, streamId, version);
}

/**
 * application/end-stream.ts `endStream` on this container's adapters: the end is applied to
 * the row as it is now (re-read after each lost conditional write, a bounded number of
 * times); nothing happens when the stream has meanwhile finished.
 */
export async function endStream(
  stream: StreamRow,
  reason: EndReason,
  by: string,
  opts: { failureReason?: string; stopExecution?: boolean } = {},
): Promise<void> {
  await end({ streams: streams(), workflow, broadcaster, time: systemTime, log }, stream, reason, by, opts);
}

/** The frame source of a stream (or a game): application/frames.ts `frameSourceFor` on this container's adapters. */
export function frameSource(history: FrameHistory): FrameSource {
  return frameSourceFor({ recordings: recordingStore, games: games() }, history);
}

/**
 * Frames `[fromSeq, toSeq)` of a stream's history (its recording by byte range, or its live
 * game's chunks): `rejoin`. At most `limit` frames.
 */
export async function readFrames(stream: StreamRow, fromSeq: number, toSeq: number, limit = 5000): Promise<WireFrame[]> {
  return frameSource(stream).read(fromSeq, toSeq, limit);
}

/**
 * The first seq with media time ≥ `toMs` (seek), reading only what can hold it. Returns
 * `frameCount` when no frame is that late.
 */
export async function seqAtOrAfter(stream: FrameHistory, toMs: number): Promise<number> {
  return frameSource(stream).seqAtOrAfter(toMs);
}
