/**
 * The control state machine of a stream:
 * who may do what, from which status, and what changes. Pure: handlers read the row, ask
 * here, then write the answer with a conditional update on `epoch` (the fencing token).
 *
 * Statuses (core/lifecycle.ts):
 * `scheduled → starting → playing ⇄ paused → ended | failed`.
 */
import { mediaAt, rebase } from './clock';
import type { GameRow, StreamRow } from '../../contract/rows';
import { acceptsControls, isFinished, newStreamRow as newRow } from './lifecycle';
import type { JoinedMessage, Mode, ProtocolError, Role, StateMessage, WireSnapshot } from '../../protocol/server';

/**
 * Lead (ms) between creating a stream (or seating a pvp room's second player) and its first
 * frame, so `joined`/`state` arrive first. A control needs none: its `state` is broadcast
 * before its epoch's execution starts (application/control.ts `applyControl`).
 */
export const START_LEAD_MS = 1000;

/** A control action a player may send. */
export type ControlAction =
  | { action: 'pause'; nextFrameMs?: number; nextSeq?: number }
  | { action: 'resume' }
  | { action: 'speed'; speed: number; nextFrameMs?: number; nextSeq?: number }
  | { action: 'seek'; toMs: number; toSeq: number };

/** The outcome of an accepted control: the row changes and what the handler must do next. */
export interface ControlDecision {
  /** Fields to SET on the stream row (conditional on the old epoch). */
  readonly changes: Pick<StreamRow, 'epoch' | 'status' | 'anchorAt' | 'positionMs' | 'positionSeq' | 'speed' | 'epochStartSeq' | 'generation' | 'updatedAt'>;
  /** Stop the running execution (the old epoch's). */
  readonly stopExecution: boolean;
  /** Start an execution for the new epoch. */
  readonly startExecution: boolean;
}

/** The role a user has in a stream: a controller is a player, anyone else a spectator. */
export function roleIn(stream: Pick<StreamRow, 'controllers'>, userId: string): Role {
  return stream.controllers.includes(userId) ? 'player' : 'spectator';
}

/** True when `userId` may pause/resume/speed/seek the stream (spectate streams have no controllers). */
export function canControl(stream: Pick<StreamRow, 'controllers' | 'mode'>, userId: string): boolean {
  return stream.mode !== 'spectate' && stream.controllers.includes(userId);
}

/**
 * Decide a control change. Returns a {@link ProtocolError} (`forbidden` for a non-controller,
 * `conflict` for a control that does not apply in the current status, `bad_request` for a
 * seek past the end) or the decision. `now` is wall epoch ms.
 *
 * Position rules: pause keeps the exact media time showing at `now`, so after resume the
 * next frame is the one after the last sent, due when it would have been; speed re-anchors
 * at `now` so due times stretch from the current position. Neither passes `nextFrameMs` (the
 * media ms of the frame at `positionSeq`, the next one not sent, when the caller knows it): a
 * tick running late has not sent it yet, so the position stops there rather than past a frame
 * the viewers never got. On a stream that sent frames ahead (a playout buffer, StreamRow
 * `leadMs`) the caller also passes `nextSeq`, the first frame not yet due at `now` (≤ the row's
 * `positionSeq`), with `nextFrameMs` its media ms: the new epoch starts there, clients drop
 * their buffered frames from it on (docs/PROTOCOL.md "Playout buffer (1.1)") and the next
 * execution sends them again. Seek starts the clock at `toMs`
 * with `toSeq` (the first frame with t ≥ toMs) next. Resume and seek anchor at `now`: a
 * frame due at once goes out as soon as the new epoch's execution starts (its first tick
 * runs at once), not a lead later. Each change bumps `epoch`.
 */
export function decideControl(
  stream: StreamRow,
  userId: string,
  control: ControlAction,
  now: number,
): { ok: true; decision: ControlDecision } | { ok: false; error: ProtocolError } {
  const act = control.action;
  if (!canControl(stream, userId)) {
    const why = stream.mode === 'spectate' ? 'spectate streams have no controllers' : 'only the players of this stream control it';
    return { ok: false, error: { code: 'forbidden', message: `${act}: ${why}`, action: act } };
  }
  if (isFinished(stream)) {
    return { ok: false, error: { code: 'conflict', message: `${act}: the stream has ${stream.status}`, action: act } };
  }
  if (!acceptsControls(stream)) {
    return { ok: false, error: { code: 'conflict', message: `${act}: the stream has not started yet`, action: act } };
  }
  const running = stream.status === 'playing' || stream.status === 'starting';
  // The playhead: the row's next frame not sent, or — frames sent ahead — the first not yet due.
  const nextSeq = running && (control.action === 'pause' || control.action === 'speed') ? control.nextSeq : undefined;
  const headSeq = nextSeq === undefined ? stream.positionSeq : Math.max(stream.epochStartSeq, Math.min(nextSeq, stream.positionSeq));
  const base = {
    epoch: stream.epoch + 1,
    generation: 0,
    updatedAt: now,
    speed: stream.speed,
    positionSeq: headSeq,
    epochStartSeq: headSeq,
  };
  const nextFrameMs = control.action === 'pause' || control.action === 'speed' ? control.nextFrameMs : undefined;
  const here = running
    ? rebase(stream, now, { capMs: Math.min(stream.durationMs, nextFrameMs ?? Infinity) })
    : { anchorAt: now, positionMs: stream.positionMs, speed: stream.speed };

  switch (control.action) {
    case 'pause':
      if (!running) return { ok: false, error: { code: 'conflict', message: 'pause: the stream is already paused', action: act } };
      return decision({ ...base, status: 'paused', anchorAt: now, positionMs: here.positionMs }, true, false);
    case 'resume':
      if (running) return { ok: false, error: { code: 'conflict', message: 'resume: the stream is already playing', action: act } };
      return decision({ ...base, status: 'playing', anchorAt: now, positionMs: stream.positionMs }, false, true);
    case 'speed':
      return decision(
        { ...base, status: stream.status, speed: control.speed, anchorAt: now, positionMs: here.positionMs },
        running,
        running,
      );
    case 'seek': {
      const c = control;
      if (c.toMs > stream.durationMs) {
        return {
          ok: false,
          error: { code: 'bad_request', message: `seek: toMs ${c.toMs} is past the end (${stream.durationMs} ms)`, action: act },
        };
      }
      return decision(
        {
          ...base,
          status: stream.status,
          anchorAt: now,
          positionMs: c.toMs,
          positionSeq: c.toSeq,
          epochStartSeq: c.toSeq,
        },
        running,
        running,
      );
    }
  }
}

function decision(
  changes: ControlDecision['changes'],
  stopExecution: boolean,
  startExecution: boolean,
): { ok: true; decision: ControlDecision } {
  return { ok: true, decision: { changes, stopExecution, startExecution } };
}

/**
 * The `state` broadcast for a stream row, attributed to `by` (a user id or `system`); a
 * seek's carries `snapshot` (protocol 1.1: the state before the row's `positionSeq`).
 */
export function stateMessage(stream: StreamRow, by: string, snapshot?: WireSnapshot): StateMessage {
  const message: StateMessage = {
    type: 'state',
    streamId: stream.streamId,
    status: stream.status,
    speed: stream.speed,
    epoch: stream.epoch,
    positionMs: Math.round(stream.positionMs),
    positionSeq: stream.positionSeq,
    by,
  };
  return snapshot ? { ...message, snapshot } : message;
}

/** Media position (ms) showing now — for `joined`/`catalog` of a playing stream. */
export function currentPositionMs(stream: StreamRow, now: number): number {
  const running = stream.status === 'playing';
  return Math.round(Math.min(stream.durationMs, running ? mediaAt(stream, now) : stream.positionMs));
}

/** Inputs to {@link newStreamRow}. */
export interface NewStream {
  streamId: string;
  mode: Mode;
  game: GameRow;
  userId: string;
  speed: number;
  /** Media ms to start at (0 by default) and the first frame with t ≥ it. */
  atMs: number;
  atSeq: number;
  delayMs?: number;
  room?: string;
  /** Epoch of the finished stream this one replaces (epochs never go back), or undefined. */
  previousEpoch?: number;
  /** Playout buffer (wall ms) of a spectate stream of a recorded game; ignored for other modes (players' streams get none). */
  spectateLeadMs?: number;
  now: number;
}

/**
 * The row of a new stream started by a viewer (lifecycle.ts `newStreamRow`): status
 * `starting`; pvai: the user controls it; pvp: the user is the first of two controllers and
 * the stream waits in `starting` for the second; spectate: no controllers and the playout
 * buffer `spectateLeadMs` (docs/PROTOCOL.md "Playout buffer (1.1)"; players' streams have
 * none: a pause would drop what was sent ahead). The clock starts {@link START_LEAD_MS} from `now`.
 */
export function newStreamRow(n: NewStream): StreamRow {
  return newRow({
    streamId: n.streamId,
    game: n.game,
    mode: n.mode,
    status: 'starting',
    speed: n.speed,
    controllers: n.mode === 'spectate' ? [] : [n.userId],
    atSeq: n.atSeq,
    atMs: n.atMs,
    anchorAt: n.now + START_LEAD_MS,
    ...(n.delayMs === undefined ? {} : { delayMs: n.delayMs }),
    ...(n.room === undefined ? {} : { room: n.room }),
    ...(n.previousEpoch === undefined ? {} : { previousEpoch: n.previousEpoch }),
    ...(n.mode === 'spectate' && n.spectateLeadMs !== undefined ? { leadMs: n.spectateLeadMs } : {}),
    now: n.now,
  });
}

/** What a `joined` carries beyond the row (protocol 1.1). */
export interface JoinedExtras {
  /** The game's state before the first frame the viewer receives (absent when none could be made). */
  snapshot?: WireSnapshot;
  /** A rejoin from an older epoch: the epoch it asked for. */
  movedFrom?: number;
}

/**
 * The `joined` reply: the full initial state.
 * A stream not started yet (`scheduled`/`awaiting_start`) also carries `startsAt`
 * (epoch ms of its first frame), the countdown's target. Protocol 1.1: `leadMs` is the
 * row's playout buffer (0 when it has none), `markers` is empty here (application/session.ts fills it and splits
 * what does not fit, protocol/server.ts `joinedWithMarkers`), `snapshot` and `movedFrom`
 * from `extras`.
 */
export function joinedMessage(stream: StreamRow, role: Role, now: number, extras: JoinedExtras = {}): JoinedMessage {
  return {
    type: 'joined',
    streamId: stream.streamId,
    gameId: stream.gameId,
    kind: stream.kind,
    title: stream.title,
    mode: stream.mode,
    role,
    status: stream.status,
    speed: stream.speed,
    epoch: stream.epoch,
    positionMs: currentPositionMs(stream, now),
    positionSeq: stream.positionSeq,
    durationMs: stream.durationMs,
    frameCount: stream.frameCount,
    clients: stream.clientCount,
    ...((stream.status === 'scheduled' || stream.status === 'awaiting_start') && stream.startsAt !== undefined ? { startsAt: stream.startsAt } : {}),
    ...(stream.livePlayback ? { live: true } : {}),
    markers: [],
    leadMs: stream.leadMs ?? 0,
    ...(extras.snapshot ? { snapshot: extras.snapshot } : {}),
    ...(extras.movedFrom !== undefined ? { movedFrom: extras.movedFrom } : {}),
  };
}
