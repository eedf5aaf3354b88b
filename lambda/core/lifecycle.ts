/**
 * The stream lifecycle: its statuses, the transitions between them, and the predicates every
 * decision uses (control, sweep, schedule, tick) — defined once here.
 *
 * ```
 * scheduled → awaiting_start → playing          (a scheduled stream: the sweeper starts it, the tick plays it)
 *             starting ──────→ playing ⇄ paused (a stream started by a viewer; pvp waits in starting for player two)
 * any open status → ended | failed              (stop, idle, no controllers, finished, max_duration, failure)
 * ```
 * A control may also keep a status (speed, seek) or move `starting` to `paused`; a zombie
 * restart re-enters `playing` or `awaiting_start` under a new epoch.
 */
import type { Mode, StreamStatus } from '../../protocol/messages';
import { OPEN_STATUSES, type GameRow, type StreamRow } from '../../contract/rows';

/** Every status a stream can move to from each status (a status may always stay as it is). */
export const STATUS_TRANSITIONS: Readonly<Record<StreamStatus, readonly StreamStatus[]>> = {
  scheduled: ['awaiting_start', 'ended', 'failed'],
  awaiting_start: ['playing', 'ended', 'failed'],
  starting: ['playing', 'paused', 'ended', 'failed'],
  playing: ['paused', 'ended', 'failed'],
  paused: ['playing', 'ended', 'failed'],
  ended: [],
  failed: [],
};

/** True when a stream may go from `from` to `to` ({@link STATUS_TRANSITIONS}; staying is always allowed). */
export function canTransition(from: StreamStatus, to: StreamStatus): boolean {
  return from === to || STATUS_TRANSITIONS[from].includes(to);
}

/** Statuses in which a stream's Player execution must be running (its tick waits, starts or plays). */
export const EXECUTION_STATUSES: readonly StreamStatus[] = ['awaiting_start', 'starting', 'playing'];

/** True when the stream has ended or failed: its status is not one of contract/rows.ts {@link OPEN_STATUSES}. */
export function isFinished(s: Pick<StreamRow, 'status'>): boolean {
  return !OPEN_STATUSES.includes(s.status);
}

/** True while a scheduled stream has not started playing (`scheduled` or `awaiting_start`). */
export function isPreStart(s: Pick<StreamRow, 'status'>): boolean {
  return s.status === 'scheduled' || s.status === 'awaiting_start';
}

/** True for a pvp room still waiting in `starting` for its second player (no execution yet). */
export function awaitsSecondPlayer(s: Pick<StreamRow, 'mode' | 'status' | 'controllers'>): boolean {
  return s.mode === 'pvp' && s.status === 'starting' && s.controllers.length < 2;
}

/**
 * True when the stream's status is one its tick acts in ({@link EXECUTION_STATUSES}): a tick
 * of any other status ends its execution.
 */
export function isTickable(s: Pick<StreamRow, 'status'>): boolean {
  return EXECUTION_STATUSES.includes(s.status);
}

/**
 * True when a Player execution should be running for the stream: a tickable status, not a
 * live game's live stream (the ingest function feeds that one) and not a pvp room waiting
 * for its second player. The sweeper restarts a stream for which this holds and none runs.
 */
export function needsExecution(s: Pick<StreamRow, 'mode' | 'status' | 'controllers' | 'livePlayback'>): boolean {
  return isTickable(s) && s.livePlayback !== 'edge' && !awaitsSecondPlayer(s);
}

/**
 * True when the stream's clock runs: frames fall due (`playing`, or `starting`/
 * `awaiting_start` before the first frame) — so a connection must be attached between
 * batches. Paused, scheduled, finished streams and a pvp room waiting for player two are still.
 */
export function clockRuns(s: Pick<StreamRow, 'mode' | 'status' | 'controllers'>): boolean {
  return isTickable(s) && !awaitsSecondPlayer(s);
}

/** True when a player's pause/resume/speed/seek can apply: not finished, not before its start, not a pvp room waiting for player two. */
export function acceptsControls(s: Pick<StreamRow, 'mode' | 'status' | 'controllers'>): boolean {
  return !isFinished(s) && !isPreStart(s) && !awaitsSecondPlayer(s);
}

/** The stream's playout buffer (wall ms): its row's `leadMs`, 0 for a live game's stream (never sent ahead). */
export function leadOf(row: Pick<StreamRow, 'leadMs' | 'livePlayback'>): number {
  return row.livePlayback === undefined ? (row.leadMs ?? 0) : 0;
}

/** True when the sweeper may end the stream `idle`: it has started (a stream not started is never idle). */
export function maySweepIdle(s: Pick<StreamRow, 'status'>): boolean {
  return !isPreStart(s) && !isFinished(s);
}

/** Inputs of {@link newStreamRow}. Times are wall-clock epoch ms, media times ms. */
export interface NewStreamRow {
  streamId: string;
  /** The game the stream plays (its recording fields are copied onto the row). */
  game: GameRow;
  mode: Mode;
  /** `starting` (a viewer's start), `scheduled` (`POST /streams`) or `playing` (a live game's live stream). */
  status: Extract<StreamStatus, 'starting' | 'scheduled' | 'playing'>;
  speed: number;
  /** User ids that control the stream (none for spectate). */
  controllers: readonly string[];
  /** The first frame to send and its media time (0 / 0 from the start). */
  atSeq: number;
  atMs: number;
  /** Wall time at which media time `atMs` shows. */
  anchorAt: number;
  /** Frame spacing (ms) for a recording played without its times; `durationMs` follows it. */
  delayMs?: number;
  room?: string;
  /** Epoch of the finished stream this one replaces (epochs never go back). */
  previousEpoch?: number;
  /** A title other than the game's (a scheduled stream's). */
  title?: string;
  /** A scheduled stream's first-frame time. */
  startsAt?: number;
  /** A live game's live stream (`edge`) or a replay of a live game (`replay`). */
  livePlayback?: StreamRow['livePlayback'];
  /**
   * Playout buffer (wall ms, an integer ≥ 0): frames are sent up to this long before they are
   * due. Ignored (0) for a stream of a live game (`livePlayback`): its frames may not exist
   * yet. Absent or 0: the row gets no `leadMs`.
   */
  leadMs?: number;
  now: number;
}

/**
 * The row of a new stream — the one factory of stream rows: epoch one past the stream it
 * replaces (1 for a new key), no client yet and so idle since `now` (the attach of its
 * creator counts it; a stream whose creator left before is still swept), generation 0, no
 * execution recorded, `leadMs` only when it is > 0 (never on a live game's stream), and — denormalised from the game so a tick reads one row — its kind,
 * title, recording and index keys, `durationMs` and `frameCount`.
 */
export function newStreamRow(n: NewStreamRow): StreamRow {
  const { game } = n;
  return {
    streamId: n.streamId,
    gameId: game.gameId,
    mode: n.mode,
    status: n.status,
    speed: n.speed,
    epoch: (n.previousEpoch ?? 0) + 1,
    positionSeq: n.atSeq,
    positionMs: n.atMs,
    anchorAt: n.anchorAt,
    epochStartSeq: n.atSeq,
    ...(n.delayMs === undefined ? {} : { delayMs: n.delayMs }),
    ...(n.leadMs !== undefined && n.leadMs > 0 && n.livePlayback === undefined ? { leadMs: n.leadMs } : {}),
    generation: 0,
    controllers: [...n.controllers],
    ...(n.room === undefined ? {} : { room: n.room }),
    clientCount: 0,
    idleSince: n.now,
    framesSent: 0,
    kind: game.kind,
    title: n.title ?? game.title,
    recordingKey: game.recordingKey,
    indexKey: game.indexKey,
    durationMs: n.delayMs === undefined ? game.durationMs : Math.max(0, game.frameCount - 1) * n.delayMs,
    frameCount: game.frameCount,
    createdAt: n.now,
    updatedAt: n.now,
    ...(n.startsAt === undefined ? {} : { startsAt: n.startsAt }),
    ...(n.livePlayback === undefined ? {} : { livePlayback: n.livePlayback }),
  };
}
