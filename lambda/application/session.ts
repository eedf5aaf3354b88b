/**
 * Stream sessions: attaching a connection to a stream (at a quiet moment, greeted with
 * `joined`, optionally replaying what it missed) and detaching it — the multi-step acts of
 * `start`, `join`, `rejoin` and `stop`.
 */
import { joinedMessage, movedByOf, roleIn } from '../core/control';
import { dueAt, frameTime, mediaAt } from '../core/clock';
import { clockRuns, isFinished, leadOf } from '../core/lifecycle';
import { nextBatch, withDueAt } from '../core/planner';
import type { StreamRow } from '../../contract/rows';
import { framesMessages, joinedWithMarkers, type EndReason, type Notice, type Role, type WireFrame, type WireSnapshot } from '../../protocol/server';
import type { Broadcaster } from '../ports/broadcaster';
import type { AttachedConnection, ConnectionRegistry } from '../ports/connections';
import type { FrameSource } from '../ports/frames';
import type { Log } from '../ports/log';
import { StaleEpochError } from '../ports/errors';
import type { SnapshotSource } from '../ports/snapshots';
import type { StreamStore } from '../ports/streams';
import type { Time } from '../ports/time';
import type { Workflow } from '../ports/workflow';
import { endStream, FANOUT_SETTLE_MS } from './end-stream';
import type { FrameHistory } from './frames';
import { leaveStream } from './leave-stream';
import { announcePresence } from './presence';
import type { SnapshotHistory } from './snapshots';

/** Ports of the session acts. */
export interface SessionPorts {
  streams: StreamStore;
  connections: ConnectionRegistry;
  broadcaster: Broadcaster;
  workflow: Workflow;
  /** The frame source of a stream's (or a game's) history: application/frames.ts `frameSourceFor` on the recordings and games. */
  frames: (history: FrameHistory) => FrameSource;
  /**
   * The snapshot source of a stream's history (application/snapshots.ts `snapshotSourceFor`):
   * protocol 1.1's `joined.snapshot` and `markers`. Absent: `joined` carries neither.
   */
  snapshots?: (history: SnapshotHistory) => SnapshotSource;
  time: Time;
  log: Log;
}

/**
 * `source` with its failures logged (warn) and answered as "none": `snapshotAt` →
 * undefined, `markers` → `[]`. A snapshot is an addition to `joined`/`state`; the message
 * goes out without it rather than not at all.
 */
export function bestEffort(source: SnapshotSource, log: Log, streamId: string): SnapshotSource {
  return {
    snapshotAt: (seq) =>
      source.snapshotAt(seq).catch((e: unknown) => {
        log.warn('snapshot unavailable', { streamId, seq, error: (e as Error).message });
        return undefined;
      }),
    markers: () =>
      source.markers().catch((e: unknown) => {
        log.warn('markers unavailable', { streamId, error: (e as Error).message });
        return [];
      }),
  };
}

/** Options of {@link attach}. */
export interface AttachOptions {
  /**
   * `rejoin`: greet with `joined` first, then — before the connection is attached, so no
   * live frame interleaves — replay the frames of `epoch` from `fromSeq` that the stream has
   * already sent (nothing when the epoch has moved on).
   */
  replay?: { epoch: number; fromSeq: number };
  /** Carried in `joined` (protocol/server.ts `Notice`): what the viewer asked for and this stream does not do. */
  notice?: Notice;
  /** Told the id of the stream this attach moved the connection off (a concurrent `start`/`join` of the same connection had attached it there). */
  onLeave?: (streamId: string) => void;
  /**
   * The stream's execution is started after this attach (the caller starts it: a `start`, a
   * pvp room's second player): no tick can claim a batch before, so the attach waits for no
   * quiet moment — a first lead window already due must not hold its own starter back.
   */
  beforeExecution?: boolean;
}

/** Quiet time (ms) needed before the next claim to attach a connection. */
const ATTACH_GUARD_MS = 200;
/** The tick claims a batch this long (ms) before it is due (application/tick.ts `CLAIM_LEAD_MS`). */
const TICK_CLAIM_LEAD_MS = 30;
/**
 * Longest wait (ms) of {@link untilQuiet}, not counting up to as much again spent reading
 * (a snapshot, a replay): a stream that is never quiet (frames less than ~0.5 s apart) is
 * attached anyway, inside the control function's 10 s timeout.
 */
const QUIET_BUDGET_MS = 3000;
/** How often (ms) {@link untilQuiet} looks again while the stream's next claim is overdue (its tick is late). */
const OVERDUE_POLL_MS = 50;
/** Frames read to find when a buffered stream's next batch goes out (its lead window; a denser window is sent no earlier than this estimate). */
const LEAD_LOOKAHEAD_FRAMES = 1000;
/** Most frames one {@link readFrames} returns by default. */
const READ_LIMIT = 5000;

/**
 * Attach a connection to a stream as `role` (derived from the stream's controllers when
 * omitted) and count it — exactly once: {@link countAttach} moves the counts of the streams
 * this attach's own write changed; then greet it with `joined` (the full initial state) and announce
 * the new presence to the stream. The connection is attached before `joined` goes out, so a
 * control sent the moment `joined` arrives finds it attached; and it is attached at a quiet
 * moment of the stream ({@link untilQuiet}; checked again once attached,
 * {@link quietAfterAttach}), so no frame overtakes `joined` and a replay neither repeats nor
 * misses a frame. With `opts.replay` (rejoin) `joined` and the replay go out before the
 * attach, and what went out while the attach was being written right after it. Returns the role. Throws NotFoundError (`connection`) when the
 * connection's row is gone (it disconnected meanwhile).
 *
 * Protocol 1.1: `joined` carries `snapshot` at the first frame the connection receives (the
 * quiet row's `positionSeq`; with a replay, its first replayed frame, or the current
 * epoch's position for a rejoin from an older epoch, which also gets `movedFrom`), the
 * recording's `markers` (the rest in `markers` messages right after it when they do not
 * fit) and the stream's `leadMs`. A stream that sent frames ahead (`leadMs` > 0) is joined
 * at its playhead ({@link playhead}) on the quiet row: `joined.positionSeq` and `snapshot`
 * are at the first frame not yet due, and the frames from it up to the row's `positionSeq`
 * (with their `dueAt`) follow `joined`, so the joiner misses none and gets none twice. What a
 * join sends is read before each quiet check, never between the check and the attach.
 */
export async function attach(ports: SessionPorts, connectionId: string, userId: string, stream: StreamRow, role?: Role, opts: AttachOptions = {}): Promise<Role> {
  const r = role ?? roleIn(stream, userId);
  const source = ports.snapshots?.(stream);
  // Snapshots are best effort: a join never fails for want of one (the viewer then draws from frames).
  const snapshots = source && bestEffort(source, ports.log, stream.streamId);
  // The snapshot at a seq depends on the history only (not the epoch): computed once per seq.
  let snap: { seq: number; snapshot: WireSnapshot | undefined } | undefined;
  const snapshotFor = async (seq: number): Promise<boolean> => {
    if (!snapshots || snap?.seq === seq) return false;
    snap = { seq, snapshot: await snapshots.snapshotAt(seq) };
    return true;
  };
  const greet = async (row: StreamRow, extras: { movedFrom?: number; movedBy?: string } = {}) => {
    const joined = joinedMessage(row, r, ports.time.now(), { ...extras, ...(snap?.snapshot ? { snapshot: snap.snapshot } : {}) });
    const [first, ...more] = joinedWithMarkers(opts.notice ? { ...joined, notice: opts.notice } : joined, snapshots ? await snapshots.markers() : []);
    await ports.broadcaster.post(connectionId, first);
    for (const m of more) await ports.broadcaster.post(connectionId, m);
  };
  const replay = opts.replay;
  /** A rejoin's replay: posts the frames of its epoch from the last one replayed up to `row`'s position; true when it posted any. */
  let catchUp: ((row: StreamRow) => Promise<boolean>) | undefined;
  if (replay) {
    // The next frame this viewer receives: the first replayed one of its own epoch, or — a
    // rejoin from an older epoch — the current epoch's frame at the stream's position.
    const moved = replay.epoch !== stream.epoch;
    await snapshotFor(moved ? stream.positionSeq : Math.min(replay.fromSeq, stream.positionSeq));
    await greet({ ...stream, clientCount: stream.clientCount + 1 }, moved ? { movedFrom: replay.epoch, ...movedByOf(stream) } : {});
    let next = replay.fromSeq;
    let epoch = replay.epoch;
    catchUp = async (row) => {
      if (row.epoch !== epoch && row.epoch === stream.epoch) {
        // A rejoin into a newer epoch: `joined` announced this epoch at stream.positionSeq, so
        // the frames sent since then (while not yet attached) are replayed from there.
        epoch = row.epoch;
        next = stream.positionSeq;
      }
      if (row.epoch !== epoch || next >= row.positionSeq) return false;
      const frames = withDueAt(await readFrames(ports, row, next, row.positionSeq), row);
      for (const m of frames.length ? framesMessages(row.streamId, row.epoch, frames) : []) await ports.broadcaster.post(connectionId, m);
      next = row.positionSeq;
      return true;
    };
    await untilQuiet(ports, stream.streamId, catchUp);
  }
  // A join. Everything it sends is read before each quiet check (reading takes time: the row
  // is read again after), so the row the quiet moment is found on is the row `joined` is
  // built from, and nothing is read between that check and the attach: the snapshot — and on
  // a stream that sends frames ahead (a playout buffer), the playhead, the first frame not
  // yet due, with the frames from it to the row's position, which the others already hold.
  let ahead: { epoch: number; positionSeq: number; from: number; frames: WireFrame[] } | undefined;
  const prepare = async (row: StreamRow): Promise<boolean> => {
    if (leadOf(row) <= 0) return snapshotFor(row.positionSeq);
    if (ahead?.epoch === row.epoch && ahead.positionSeq === row.positionSeq) return false;
    const from = (await playhead(ports, row, ports.time.now()))?.seq ?? row.positionSeq;
    const frames = from < row.positionSeq ? withDueAt(await readFrames(ports, row, from, row.positionSeq), row) : [];
    ahead = { epoch: row.epoch, positionSeq: row.positionSeq, from, frames };
    await snapshotFor(from);
    return true;
  };
  let quiet = replay ? undefined : opts.beforeExecution ? stream : ((await untilQuiet(ports, stream.streamId, prepare)) ?? stream);
  if (quiet) await prepare(quiet); // the wait ran out of reads: the last row's
  const attached = await ports.connections.attach(connectionId, stream.streamId, r);
  if (quiet && !opts.beforeExecution) quiet = await quietAfterAttach(ports, quiet, prepare);
  if (catchUp) {
    // A batch claimed while the attach was being written (a busy machine) may have missed
    // the connection: replayed now. Every later claim lists it; one that did reach it is
    // repeated, and the client drops the repeat by `seq`.
    const row = await ports.streams.get(stream.streamId, { consistent: true });
    if (row && !isFinished(row)) await catchUp(row);
  }
  // `joined` goes out at once, inside the quiet moment: a tick's next fan-out may reach the
  // connection as soon as it is attached, and its frames must not overtake `joined` (counting
  // the attach below can take several conditional writes when many join at once).
  if (quiet) {
    // From the joiner's side the next frame is the playhead's: `positionSeq` and the snapshot are there.
    await greet({ ...quiet, clientCount: quiet.clientCount + 1, ...(ahead ? { positionSeq: ahead.from } : {}) });
    for (const m of ahead?.frames.length ? framesMessages(quiet.streamId, quiet.epoch, ahead.frames) : []) await ports.broadcaster.post(connectionId, m);
  }
  const { counted, left } = await countAttach(ports, connectionId, stream.streamId, attached);
  const fresh = counted ?? stream;
  if (r === 'player' && fresh.controllersGoneSince !== undefined) await ports.streams.markControllers(stream.streamId, true, ports.time.now());
  await announcePresence(ports, stream.streamId, fresh.presenceVersion);
  if (left) {
    opts.onLeave?.(left.streamId);
    await announcePresence(ports, left.streamId, left.row?.presenceVersion);
  }
  return r;
}

/**
 * Move the counts for an attach that has just been written (`attached`, with the attachment
 * it replaced): the stream it left (another one: a concurrent `start`/`join` of the same
 * connection attached it there first) is uncounted (leave-stream.ts), and `streamId` is
 * counted unless the connection was already on it. Each change of the row's `streamId` is
 * this one write's, so no other caller moves these counts (docs/ARCHITECTURE.md "Fan-out").
 * Returns the counted stream's row (undefined when it was not counted again or is gone) and
 * the stream left. When counting fails (the stream write outlived the SDK's retries) the
 * attach is undone — detached again when still on `streamId` — and the error rethrown, so
 * the connection is left neither attached uncounted nor counted twice.
 */
async function countAttach(
  ports: SessionPorts,
  connectionId: string,
  streamId: string,
  attached: AttachedConnection,
): Promise<{ counted?: StreamRow; left?: { streamId: string; row?: StreamRow } }> {
  const previous = attached.previous;
  let counted: StreamRow | undefined;
  if (previous?.streamId === streamId) {
    counted = await ports.streams.get(streamId, { consistent: true });
  } else {
    try {
      counted = await ports.streams.addClients(streamId, 1, ports.time.now());
    } catch (e) {
      const undone = await ports.connections.detach(connectionId).catch(() => undefined);
      ports.log.warn('attach undone: its stream could not be counted', { connectionId, streamId, undone: undone?.streamId === streamId, error: (e as Error).message });
      if (undone?.streamId === streamId && previous) await leaveStream(ports, previous, ports.time.now()).catch(() => undefined);
      throw e;
    }
  }
  if (!previous || previous.streamId === streamId) return { counted };
  const row = await leaveStream(ports, previous, ports.time.now());
  return { counted, left: { streamId: previous.streamId, row } };
}

/** Times {@link quietAfterAttach} looks for a new quiet moment before it greets from the last row it prepared. */
const RACED_ATTACH_TRIES = 5;

/**
 * The row a join greets from, checked once its attach has been written. The quiet moment
 * `quiet` was found before the attach; when writing it took longer than the moment lasted (a
 * busy machine: more than {@link ATTACH_GUARD_MS}), the tick may have claimed a batch — or a
 * control moved the epoch — and fanned it out without this connection. So the row is read
 * again: unchanged, every later claim lists the connection (it was attached before this
 * read) and `quiet` stands. Moved, the join waits for the next quiet moment, attached now,
 * preparing what it sends (`prepare`) on that row, and is greeted there: the raced batch is
 * before its `positionSeq` and covered by its snapshot, and any of its frames that reached
 * the connection before `joined` are ignored by the clients (client/session.ts). Returns the
 * row to greet from: `quiet`, or the last one prepared after {@link RACED_ATTACH_TRIES} looks.
 */
async function quietAfterAttach(ports: SessionPorts, quiet: StreamRow, prepare: (row: StreamRow) => Promise<boolean>): Promise<StreamRow> {
  let held = quiet;
  for (let tries = 0; tries < RACED_ATTACH_TRIES; tries++) {
    const row = await ports.streams.get(held.streamId, { consistent: true });
    if (!row || (row.epoch === held.epoch && row.positionSeq === held.positionSeq && row.status === held.status)) return held;
    ports.log.info('join raced a batch or a control while attaching; greeting at the next quiet moment', {
      streamId: held.streamId,
      epoch: row.epoch,
      fromSeq: held.positionSeq,
      toSeq: row.positionSeq,
    });
    held = (await untilQuiet(ports, held.streamId, prepare)) ?? row;
    await prepare(held);
  }
  return held;
}

/**
 * Wait for a moment to attach a connection: no batch the tick claimed is still being fanned
 * out (a batch is fanned out when due — the row's `anchorAt` after the claim — and its
 * fan-out lists the connections within FANOUT_SETTLE_MS, application/end-stream.ts) and the
 * next claim is at least {@link ATTACH_GUARD_MS} away. Attached then, the connection
 * receives every later batch live and no earlier one. Paused, waiting or finished streams
 * are always quiet.
 *
 * `beforeWait`, when given, is called with each fresh row first; when it returns true (it
 * took time: a replay) the row is read again before deciding. Waits at most
 * {@link QUIET_BUDGET_MS} in all (on `ports.time`), plus what `beforeWait` took up to as much again. Returns the last row read (undefined if gone).
 */
export async function untilQuiet(
  ports: Pick<SessionPorts, 'streams' | 'frames' | 'time'>,
  streamId: string,
  beforeWait?: (row: StreamRow) => Promise<boolean>,
): Promise<StreamRow | undefined> {
  let deadline = ports.time.now() + QUIET_BUDGET_MS;
  // Time `beforeWait` takes (a replay, a snapshot) does not count against the budget for
  // waiting, up to another QUIET_BUDGET_MS: on a busy machine it could otherwise use the
  // budget up, and the connection would be attached while a batch is in flight.
  let credit = QUIET_BUDGET_MS;
  for (let reads = 0; reads < 100; reads++) {
    const row = await ports.streams.get(streamId, { consistent: true });
    if (!row || isFinished(row)) return row;
    const before = ports.time.now();
    if (beforeWait && (await beforeWait(row))) {
      const took = Math.min(credit, Math.max(0, ports.time.now() - before));
      credit -= took;
      deadline += took;
      continue;
    }
    const left = deadline - ports.time.now();
    const waitMs = left > 0 ? Math.min(left, await quietInMs(ports, row)) : 0;
    if (waitMs <= 0) return row;
    await ports.time.sleep(waitMs);
  }
  return ports.streams.get(streamId, { consistent: true });
}

/** Milliseconds until the stream is quiet (see {@link untilQuiet}); 0 when it is now. */
async function quietInMs(ports: Pick<SessionPorts, 'frames' | 'time'>, row: StreamRow): Promise<number> {
  // awaiting_start: its first frame is due at `anchorAt` = `startsAt`; a join just before must not be overtaken by it.
  if (!clockRuns(row)) return 0;
  const now = ports.time.now();
  const inFlight = row.positionSeq > row.epochStartSeq ? row.anchorAt + FANOUT_SETTLE_MS - now : 0;
  if (inFlight > 0) return inFlight;
  if (row.positionSeq >= row.frameCount) return 0;
  const leadMs = leadOf(row);
  // The next claim's send time: when its frame is due — or, with a playout buffer, leadMs
  // before the last frame of its lead window is due (core/planner.ts `nextBatch`).
  const upcoming = await readFrames(ports, row, row.positionSeq, row.positionSeq + (leadMs > 0 ? LEAD_LOOKAHEAD_FRAMES : 1));
  const batch = nextBatch(upcoming, row, { batchQuantumMs: 0, leadMs }, row.delayMs);
  if (!batch) return 0;
  const planned = leadMs > 0 ? (batch.sendAt ?? batch.dueAt) : dueAt(row, frameTime(upcoming[0]!, row.delayMs));
  // A scheduled stream's tick claims nothing before its start, however early a lead window is to go out.
  const due = row.status === 'awaiting_start' ? Math.max(planned, row.startsAt ?? row.anchorAt) : planned;
  const at = ports.time.now();
  if (due - TICK_CLAIM_LEAD_MS - at >= ATTACH_GUARD_MS) return 0;
  // The claim is near — or overdue: its tick is late (a cold start, a busy machine) and may
  // claim and list the connections at any moment. Wait until it has gone out, then look again.
  return Math.max(due + FANOUT_SETTLE_MS - at, OVERDUE_POLL_MS);
}

/**
 * The playhead of a running stream that sent frames ahead (a playout buffer, StreamRow
 * `leadMs`): the first frame not yet due at `now` (wall epoch ms) — the first with media time
 * past the one showing (the seek's lookup, `seqAtOrAfter`) — and its media ms, when that is
 * below the row's `positionSeq` (frames from it on were sent ahead). Undefined otherwise: no
 * buffer, not running, nothing sent ahead.
 */
export async function playhead(ports: Pick<SessionPorts, 'frames'>, stream: StreamRow, now: number): Promise<{ seq: number; ms: number } | undefined> {
  if (leadOf(stream) <= 0 || stream.status !== 'playing' || stream.positionSeq <= stream.epochStartSeq) return undefined;
  // Frames have integer `t`: the first not yet due has t > the media ms showing, i.e. t ≥ ⌊m⌋ + 1.
  const found = await ports.frames(stream).seqAtOrAfter(Math.floor(mediaAt(stream, now)) + 1);
  const seq = Math.max(stream.epochStartSeq, found);
  if (seq >= stream.positionSeq) return undefined;
  const [frame] = await ports.frames(stream).read(seq, seq + 1, 1);
  return frame === undefined ? undefined : { seq, ms: frameTime(frame, stream.delayMs) };
}

/** What {@link detach} did: the stream left, and whether it has ended (`reason`) or plays on for its other viewers. */
export interface Detached {
  streamId: string;
  /** Set when the stream has ended or failed (this detach ended it, or it had already): why. */
  ended?: EndReason;
}

/**
 * Detach a connection from whatever stream it is on (no-op when it is on none), uncount it
 * and announce presence. A pvai stream whose player leaves ends with `stopped` when
 * `endIfPlayerLeaves` is set (the player's own `stop`); when that end keeps losing to newer
 * epochs (application/end-stream.ts gives up with StaleEpochError) the detach still stands
 * and the stream is left to its controller grace — the error does not escape. Returns the
 * stream left and, when it has ended, why (undefined when the connection was on none).
 */
export async function detach(
  ports: SessionPorts,
  connectionId: string,
  opts: { endIfPlayerLeaves?: boolean; by?: string } = {},
): Promise<Detached | undefined> {
  const old = await ports.connections.detach(connectionId);
  if (!old?.streamId) return undefined;
  const streamId = old.streamId;
  const stream = await leaveStream(ports, old, ports.time.now());
  let ended: EndReason | undefined = stream && isFinished(stream) ? (stream.endedReason ?? (stream.status === 'failed' ? 'failed' : 'stopped')) : undefined;
  if (stream && opts.endIfPlayerLeaves && stream.mode === 'pvai' && old.role === 'player' && !isFinished(stream)) {
    try {
      await endStream(ports, stream, 'stopped', opts.by ?? old.userId);
      ended = 'stopped';
    } catch (e) {
      if (!(e instanceof StaleEpochError)) throw e;
      // Every end lost to a newer epoch (controls from the player's other connections kept
      // landing): the caller has left all the same, and its leaving is what `stop` promises.
      // The stream ends by its controller grace (leave-stream.ts) once no player is left on
      // it, or plays on under the player's connection that is still controlling it.
      ports.log.warn('stop: the stream kept changing under its end; left to its controller grace', { streamId, connectionId, epoch: e.expectedEpoch });
    }
  }
  await announcePresence(ports, streamId, stream?.presenceVersion);
  return ended === undefined ? { streamId } : { streamId, ended };
}

/**
 * Frames `[fromSeq, toSeq)` of a stream's history (its recording by byte range, or its live
 * game's chunks): `rejoin`. At most `limit` frames (5,000 by default).
 */
export function readFrames(ports: Pick<SessionPorts, 'frames'>, stream: FrameHistory, fromSeq: number, toSeq: number, limit = READ_LIMIT): Promise<WireFrame[]> {
  return ports.frames(stream).read(fromSeq, toSeq, limit);
}
