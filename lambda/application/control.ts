/**
 * The control use cases (docs/PROTOCOL.md): `start`, `join`, `rejoin` — find-or-create a
 * stream with dedup (docs/ARCHITECTURE.md "Stream keys") and pvp matchmaking — the controls
 * `pause`/`resume`/`speed`/`seek`/`scrub` (decided by core/control.ts, written conditionally
 * on `epoch` and `positionSeq`, retried on the fresh row), `stop`, `list` and `ping`.
 *
 * Each use case gets the ports and the caller; it replies to the caller by the broadcaster's
 * `post`. A refusal throws {@link ControlRefusal} before anything changed.
 *
 * Metrics (contract/metrics.ts, through `ports.metrics`): `Joins` (a `start` or `join` answered
 * `joined`), `Rejoins` (a `rejoin` that resumed the stream), `ControlMessages` (a control or
 * `stop` accepted). Refusals are counted by the handler, which answers them (`MessagesRefused`).
 */
import { randomBytes } from 'node:crypto';
import type { ErrorCode, JoinMessage, ListMessage, RejoinMessage, StartMessage } from '../../protocol/messages';
import { catalogPage, framesMessages, type WireSnapshot } from '../../protocol/server';
import { canControl, decideControl, newStreamRow, stateMessage, START_LEAD_MS, type ControlAction } from '../core/control';
import { frameTime } from '../core/clock';
import { awaitsSecondPlayer, isFinished, isPreStart } from '../core/lifecycle';
import { OPEN_STATUSES, type StreamRow } from '../../contract/rows';
import { withDueAt } from '../core/planner';
import { streamListing } from '../core/schedule';
import { executionName, streamIdFor } from '../core/stream-keys';
import type { Caller } from '../core/ws-event';
import { StaleEpochError, StreamExistsError } from '../ports/errors';
import { NO_QUOTAS, QuotaExceededError, type UserQuotas } from '../ports/quotas';
import { NO_METRICS, type Metrics } from '../ports/metrics';
import type { GameCatalog } from '../ports/games';
import { ensureEdgeStream } from './edge-stream';
import { currentExecutionArn, endStream, untilClaimedBatchSent } from './end-stream';
import { attach, bestEffort, detach, playhead, readFrames, type AttachOptions, type SessionPorts } from './session';

/** Ports of the control use cases. */
export interface ControlPorts extends SessionPorts {
  games: Pick<GameCatalog, 'get' | 'list'>;
  /** Joins, Rejoins, ControlMessages (default: nowhere). */
  metrics?: Metrics;
  /** The starters' `streams` and `executions` quotas, released when the stream ends (end-stream.ts); default none. */
  quotas?: Pick<UserQuotas, 'acquire' | 'release'>;
}

const metricsOf = (ports: Pick<ControlPorts, 'metrics'>): Metrics => ports.metrics ?? NO_METRICS;

/** Settings of the control use cases. */
export interface ControlConfig {
  /** Most viewers on one stream (MAX_CLIENTS_PER_STREAM, contract/defaults.ts). */
  maxClients: number;
  /**
   * Playout buffer (wall ms) of a new spectate stream of a recorded game (SPECTATE_LEAD_MS,
   * docs/PROTOCOL.md "Playout buffer (1.1)"); default 0 — nothing sent before it is due.
   */
  spectateLeadMs?: number;
  /** A new pvp room id (default: 6 random bytes, base64url letters and digits only). */
  newRoomId?: () => string;
}

/**
 * Tries of one control's read → decide → conditional write before it answers `conflict`.
 * The tick claims a batch (a write of `positionSeq`) at most every 25 ms, and a retry reads
 * the fresh row and writes again at once, so a control loses to the stream's own progress a
 * few times in a row at most; this bound only stops a stream that never holds still.
 */
export const MAX_CONTROL_ATTEMPTS = 25;

/** A refusal: the protocol error `code` (docs/PROTOCOL.md) and a sentence for the client. Nothing was changed. */
export class ControlRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ControlRefusal';
  }
}

/** A control message as the handler passes it on (`seek` and `scrub` are the same control). */
export type ControlRequest =
  | { action: 'pause' }
  | { action: 'resume' }
  | { action: 'speed'; speed: number }
  | { action: 'seek' | 'scrub'; toMs: number };

/**
 * `start`: the caller's stream of a game in a mode — joined when it exists and is not
 * finished, else created (status `starting`) and its execution started (pvp waits for its
 * second player). A pvp start without `room` (matchmaking) takes a room of the game opened
 * for matchmaking and waiting for a second player, or opens one (`open-…`); a pvp start with
 * `room` opens or enters that private room (an invite: its id is the secret the link carries;
 * matchmaking never fills it and `list` never shows it). A live game's spectators share its live stream; its replay
 * from a point (`atMs`) is the viewer's own pvai stream. Throws {@link ControlRefusal}
 * `not_found` (no such game), `bad_request` (`atMs` past the end), `conflict` (full),
 * `limit_exceeded` (a new stream past the caller's `streams`/`executions` quota; joining an
 * existing stream is never counted).
 */
export async function startStream(ports: ControlPorts, config: ControlConfig, caller: Caller, start: StartMessage): Promise<void> {
  // Streams this start created or moved the connection off: any left without a viewer and
  // never watched is ended once the start is done (see endAbandoned).
  const touched: string[] = [];
  try {
    await startOnce(ports, config, caller, start, touched);
  } finally {
    await endAbandoned(ports, caller, touched).catch((e: unknown) =>
      ports.log.warn('start: an abandoned stream was not ended', { connectionId: caller.connectionId, streams: touched, error: (e as Error).message }),
    );
  }
}

async function startOnce(ports: ControlPorts, config: ControlConfig, caller: Caller, start: StartMessage, touched: string[]): Promise<void> {
  const onLeave = (streamId: string) => void touched.push(streamId);
  const leave = async () => {
    const left = await detach(ports, caller.connectionId);
    if (left) touched.push(left.streamId);
  };
  const game = await ports.games.get(start.gameId);
  if (!game) throw new ControlRefusal('not_found', `no game "${start.gameId}": send {"action":"list"} for the catalog`);
  if (game.liveStatus === 'live' && start.mode === 'spectate' && start.atMs === undefined) {
    // A live game's spectators share its live stream, fed as events are published.
    await leave();
    const edge = await ensureEdgeStream(ports.streams, game, ports.time.now());
    return joinStream(ports, config, caller, edge, { ...sharedNotice(edge, start), onLeave });
  }
  // From the beginning or a point of a live game: the viewer's own replay, which catches up with live.
  const m = game.liveStatus === 'live' && start.mode === 'spectate' ? { ...start, mode: 'pvai' as const } : start;
  const delayMs = m.delay === undefined ? undefined : Math.round(m.delay * 1000);
  const durationMs = delayMs === undefined ? game.durationMs : Math.max(0, game.frameCount - 1) * delayMs;
  if (m.atMs !== undefined && m.atMs > durationMs) {
    throw new ControlRefusal('bad_request', `atMs ${m.atMs} is past the end of "${m.gameId}" (${durationMs} ms)`);
  }
  // pvp: `room` given — a private room, its id the invite's secret; none — matchmaking, which
  // fills (or opens) a room opened for matchmaking only (isMatchmakingRoom).
  const room = m.mode === 'pvp' ? (m.room ?? (await openPvpRoom(ports, m.gameId)) ?? `${MATCHMAKING_ROOM_PREFIX}${(config.newRoomId ?? newRoomId)()}`) : undefined;
  const streamId = streamIdFor(m.mode, m.gameId, { userId: caller.userId, room });
  await leave();

  const existing = await ports.streams.get(streamId, { consistent: true });
  if (existing && !isFinished(existing)) return joinStream(ports, config, caller, existing, { ...sharedNotice(existing, m), onLeave });

  const now = ports.time.now();
  const atMs = m.atMs ?? 0;
  const atSeq = atMs > 0 ? await ports.frames({ ...game, ...(delayMs === undefined ? {} : { delayMs }) }).seqAtOrAfter(atMs) : 0;
  const row = newStreamRow({
    streamId,
    mode: m.mode,
    game,
    userId: caller.userId,
    speed: m.speed ?? 1,
    atMs,
    atSeq,
    ...(delayMs === undefined ? {} : { delayMs }),
    ...(room === undefined ? {} : { room }),
    ...(existing === undefined ? {} : { previousEpoch: existing.epoch }),
    // A live game's streams never send ahead: what is not published yet cannot be.
    ...(game.liveStatus === undefined && config.spectateLeadMs ? { spectateLeadMs: config.spectateLeadMs } : {}),
    now,
  });
  if (game.liveStatus) row.livePlayback = 'replay';
  row.executionArn = ports.workflow.arnFor(executionName(streamId, row.epoch));
  const quotas = ports.quotas ?? NO_QUOTAS;
  const counted = m.mode === 'pvp' ? (['streams'] as const) : (['streams', 'executions'] as const);
  for (const r of counted) {
    await quotas.acquire(caller.userId, r, streamId).catch(async (e: unknown) => {
      for (const held of counted) await quotas.release(held, streamId);
      throw e instanceof QuotaExceededError ? new ControlRefusal('limit_exceeded', `start: ${e.message}`) : e;
    });
  }
  try {
    await ports.streams.create(row, existing === undefined ? {} : { replaceFinishedEpoch: existing.epoch });
  } catch (e) {
    for (const r of counted) await quotas.release(r, streamId);
    if (!(e instanceof StreamExistsError)) throw e;
    // Lost the create race: attach to the winner's stream (the scheduler manager's dedup).
    const winner = await ports.streams.get(streamId, { consistent: true });
    if (!winner) throw e;
    return joinStream(ports, config, caller, winner, { ...sharedNotice(winner, m), onLeave });
  }
  touched.push(streamId);
  await attach(ports, caller.connectionId, caller.userId, row, undefined, { onLeave, beforeExecution: m.mode !== 'pvp' });
  metricsOf(ports).add('Joins', 1);
  // pvp waits in `starting` for its second player.
  if (m.mode !== 'pvp' && (await ports.connections.get(caller.connectionId))?.streamId === streamId) await ports.workflow.start(executionName(streamId, row.epoch), { streamId, epoch: row.epoch, generation: 0, iteration: 0 });
}

/**
 * End the streams of `streamIds` (created by a `start` of `caller`'s connection, or moved off
 * by it) that this connection is not on and that nobody watches or ever watched: no client
 * (`clientCount` ≤ 0) and a pvp room still waiting for its second player, or no frame sent
 * yet — never a scheduled stream before its start nor a live game's live stream. Two `start`s in flight on one connection thus leave one stream, the one the connection
 * ended up on, instead of an orphan nobody can reach (ended `stopped`, and the caller told
 * so with `ended`; a lost race with a newer epoch leaves it to the idle sweep).
 */
async function endAbandoned(ports: ControlPorts, caller: Caller, streamIds: readonly string[]): Promise<void> {
  if (streamIds.length === 0) return;
  const on = (await ports.connections.get(caller.connectionId))?.streamId;
  for (const streamId of new Set(streamIds)) {
    if (streamId === on) continue;
    const row = await ports.streams.get(streamId, { consistent: true });
    if (!row || isFinished(row) || row.clientCount > 0) continue;
    // Never a stream that waits for its start (an operator's scheduled stream) or a live game's live stream.
    if (isPreStart(row) || row.livePlayback === 'edge') continue;
    if (!awaitsSecondPlayer(row) && row.framesSent > 0) continue;
    try {
      if (!(await endStream(ports, row, 'stopped', caller.userId))) continue;
    } catch (e) {
      if (!(e instanceof StaleEpochError)) throw e;
      continue;
    }
    // The caller may have been greeted with `joined` for it (the other start won the
    // connection): it is no longer on it, so the stream's own `ended` does not reach it.
    await ports.broadcaster.post(caller.connectionId, { type: 'ended', streamId, reason: 'stopped' });
  }
}

/**
 * The `joined` options of a `start` that joined an existing stream: a spectate stream is
 * shared, so a `speed` asked for other than its own, or an `atMs`, is not applied — say so in
 * `joined.notice` (`shared_stream`), with how to get a stream of one's own (mode `pvai`).
 * Nothing for other modes (their players control speed and position) or a start that asked
 * for nothing the stream does not do.
 */
function sharedNotice(stream: StreamRow, m: StartMessage): AttachOptions {
  const speedIgnored = m.speed !== undefined && m.speed !== stream.speed;
  if (stream.mode !== 'spectate' || (!speedIgnored && m.atMs === undefined)) return {};
  const asked = [speedIgnored ? `speed ${m.speed}×` : '', m.atMs === undefined ? '' : `atMs ${m.atMs}`].filter(Boolean).join(' and ');
  const own = JSON.stringify({ action: 'start', gameId: m.gameId, mode: 'pvai', ...(m.speed === undefined ? {} : { speed: m.speed }), ...(m.atMs === undefined ? {} : { atMs: m.atMs }) });
  return {
    notice: {
      code: 'shared_stream',
      message: `you joined the shared stream "${stream.streamId}", which plays for all its viewers at its own speed (${stream.speed}×) and position, so your ${asked} did not apply; for a stream of your own, send ${own}`,
    },
  };
}

/**
 * Attach the caller to a live stream; a pvp room's second user becomes its second controller
 * (conditional on the room still `starting`; a lost race leaves the caller a spectator) and
 * starts it. Throws {@link ControlRefusal} `conflict` when the stream has `maxClients` viewers.
 */
async function joinStream(ports: ControlPorts, config: ControlConfig, caller: Caller, stream: StreamRow, opts: AttachOptions = {}): Promise<void> {
  if (stream.clientCount >= config.maxClients) {
    throw new ControlRefusal('conflict', `stream "${stream.streamId}" is full (${config.maxClients} viewers)`);
  }
  let s = stream;
  let startIt = false;
  if (s.mode === 'pvp' && s.status === 'starting' && s.controllers.length < 2 && !s.controllers.includes(caller.userId)) {
    try {
      s = await ports.streams.update(s.streamId, s.epoch, {
        controllers: [...s.controllers, caller.userId],
        anchorAt: ports.time.now() + START_LEAD_MS,
        updatedAt: ports.time.now(),
      }, { expectStatus: ['starting'] });
      startIt = true;
    } catch (e) {
      if (!(e instanceof StaleEpochError)) throw e;
      s = (await ports.streams.get(s.streamId, { consistent: true })) ?? s; // someone else took the seat
    }
  }
  const role = s.controllers.includes(caller.userId) ? 'player' : 'spectator';
  await attach(ports, caller.connectionId, caller.userId, s, role, startIt ? { ...opts, beforeExecution: true } : opts);
  if (!opts.replay) metricsOf(ports).add('Joins', 1); // a rejoin counts as Rejoins
  if (startIt) {
    await ports.workflow.start(executionName(s.streamId, s.epoch), { streamId: s.streamId, epoch: s.epoch, generation: 0, iteration: 0 });
  }
}

/**
 * The room id prefix of pvp rooms opened by matchmaking (a pvp `start` without `room`): only
 * these are filled by matchmaking and listed in the catalog. Every other room was opened with
 * an invite (a `start` with `room`): private, its id — the invite link's secret — never listed.
 */
export const MATCHMAKING_ROOM_PREFIX = 'open-';

/** True for a pvp room opened by matchmaking ({@link MATCHMAKING_ROOM_PREFIX}); false for a private (invited) room and for other modes. */
export function isMatchmakingRoom(s: Pick<StreamRow, 'mode' | 'room'>): boolean {
  return s.mode === 'pvp' && (s.room ?? '').startsWith(MATCHMAKING_ROOM_PREFIX);
}

/** True for a pvp room opened with an invite: private, so `list` never shows it (its id is the invite's secret). */
export function isPrivateRoom(s: Pick<StreamRow, 'mode' | 'room'>): boolean {
  return s.mode === 'pvp' && !isMatchmakingRoom(s);
}

/** Matchmaking: a room of this game opened for matchmaking and waiting for its second player (never a private room). */
async function openPvpRoom(ports: Pick<ControlPorts, 'streams'>, gameId: string): Promise<string | undefined> {
  const waiting = await ports.streams.listByStatus(['starting']);
  return waiting.find((s) => isMatchmakingRoom(s) && s.gameId === gameId && s.controllers.length < 2)?.room;
}

function newRoomId(): string {
  return randomBytes(6).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x');
}

async function liveStream(ports: Pick<ControlPorts, 'streams'>, streamId: string): Promise<StreamRow> {
  const s = await ports.streams.get(streamId, { consistent: true });
  if (!s) throw new ControlRefusal('not_found', `no stream "${streamId}"`);
  if (isFinished(s)) throw new ControlRefusal('conflict', `stream "${streamId}" has ${s.status}`);
  return s;
}

/** `join`: attach the caller to a stream by id. Throws {@link ControlRefusal} `not_found`, `conflict` (finished or full). */
export async function joinStreamById(ports: ControlPorts, config: ControlConfig, caller: Caller, m: JoinMessage): Promise<void> {
  const s = await liveStream(ports, m.streamId);
  await detach(ports, caller.connectionId);
  await joinStream(ports, config, caller, s);
}

/**
 * `rejoin`, after a reconnect: `joined`, then every frame of the client's epoch after
 * `lastSeq` that the stream already sent (read back from S3) — sent before the connection is
 * attached, so no live frame interleaves, and attached at a quiet moment, so none repeats
 * (session.ts `attach`). When the epoch has moved on, `joined` carries the current epoch,
 * that epoch's frames from its `positionSeq` are replayed the same way, and the current
 * `state` follows once attached. Throws
 * {@link ControlRefusal} `not_found`, `conflict` (finished or full).
 */
export async function rejoinStream(ports: ControlPorts, config: ControlConfig, caller: Caller, m: RejoinMessage): Promise<void> {
  const s = await liveStream(ports, m.streamId);
  const conn = await ports.connections.get(caller.connectionId);
  const fromSeq = Math.max(m.lastSeq + 1, s.epochStartSeq);
  const wasAttached = conn?.streamId === s.streamId;
  if (!wasAttached) {
    await detach(ports, caller.connectionId);
    await joinStream(ports, config, caller, s, { replay: { epoch: m.epoch, fromSeq } });
  }
  metricsOf(ports).add('Rejoins', 1);
  const now = await ports.streams.get(s.streamId, { consistent: true });
  if (!now) return;
  if (m.epoch !== now.epoch) {
    // The epoch moved again while rejoining (a seek the connection, not yet attached, did not
    // hear): this `state` carries the snapshot at its position, as a seek's does.
    const source = ports.snapshots?.(now);
    const snapshot = source && now.epoch !== s.epoch ? await bestEffort(source, ports.log, now.streamId).snapshotAt(now.positionSeq) : undefined;
    await ports.broadcaster.post(caller.connectionId, stateMessage(now, 'system', snapshot));
    return;
  }
  if (!wasAttached) return; // replayed by attach
  const missed = withDueAt(await readFrames(ports, now, Math.max(fromSeq, now.epochStartSeq), now.positionSeq), now);
  for (const msg of missed.length ? framesMessages(now.streamId, now.epoch, missed) : []) await ports.broadcaster.post(caller.connectionId, msg);
}

/**
 * pause / resume / speed / seek (scrub): conditional on `epoch` and `positionSeq`;
 * concurrent controllers → last writer wins. A lost write decides again on the fresh row, up
 * to {@link MAX_CONTROL_ATTEMPTS} times. After the write: stop the old epoch's execution,
 * wait for its last claimed batch, broadcast `state`, start the new epoch's execution.
 * Throws {@link ControlRefusal} `bad_request` (not attached; seek past the end), `forbidden`
 * (not a player), `not_found`/`conflict` (stream gone, finished, or kept changing).
 */
export async function applyControl(ports: ControlPorts, caller: Caller, c: ControlRequest): Promise<void> {
  const conn = await ports.connections.get(caller.connectionId);
  if (!conn?.streamId) throw new ControlRefusal('bad_request', 'not attached to a stream: send start or join first');
  // A seek's target frame depends on the recording only: looked up once, not on every retry
  // (the lookup reads the index; a retry must be quick to win against the tick's next claim).
  let toSeq: { durationMs: number; frameCount: number; seq: number; snapshot: WireSnapshot | undefined } | undefined;
  let next: { seq: number; ms: number | undefined } | undefined;
  for (let attempt = 0; attempt < MAX_CONTROL_ATTEMPTS; attempt++) {
    const stream = await liveStream(ports, conn.streamId);
    if (!canControl(stream, caller.userId)) {
      throw new ControlRefusal('forbidden', `${c.action}: only the players of this stream control it`);
    }
    let action: ControlAction;
    if (c.action === 'seek' || c.action === 'scrub') {
      // A live replay's length grows: look again when the row's length changed since.
      if (!toSeq || toSeq.durationMs !== stream.durationMs || toSeq.frameCount !== stream.frameCount) {
        const seq = c.toMs > stream.durationMs ? stream.frameCount : await ports.frames(stream).seqAtOrAfter(c.toMs);
        // Protocol 1.1: the seek's `state` carries the snapshot at its position (computed here, before the write).
        const source = ports.snapshots?.(stream);
        const snapshot = source && c.toMs <= stream.durationMs ? await bestEffort(source, ports.log, stream.streamId).snapshotAt(seq) : undefined;
        toSeq = { durationMs: stream.durationMs, frameCount: stream.frameCount, seq, snapshot };
      }
      action = { action: 'seek', toMs: c.toMs, toSeq: toSeq.seq };
    } else if (c.action === 'resume') {
      action = { action: 'resume' };
    } else {
      // Pause and speed stop the position at the next frame not sent (a late tick's): its time —
      // or, with frames sent ahead, at the first frame not yet due (the playhead).
      const head = await playhead(ports, stream, ports.time.now());
      if (head) next = head;
      else if (next?.seq !== stream.positionSeq) next = { seq: stream.positionSeq, ms: await nextFrameMs(ports, stream) };
      const at = head ? { nextFrameMs: next.ms, nextSeq: next.seq } : { nextFrameMs: next.ms };
      action = c.action === 'speed' ? { action: 'speed', speed: c.speed, ...at } : { action: 'pause', ...at };
    }
    const r = decideControl(stream, caller.userId, action, ports.time.now());
    if (!r.ok) throw new ControlRefusal(r.error.code, r.error.message);
    const { changes, stopExecution: stop, startExecution: startNew } = r.decision;
    const name = executionName(stream.streamId, changes.epoch);
    let updated: StreamRow;
    try {
      // Conditional on positionSeq too: a batch the tick claimed since the read would be sent
      // again in the new epoch (and after its `state`); decide again on the fresh row instead.
      updated = await ports.streams.update(
        stream.streamId,
        stream.epoch,
        { ...changes, epochBy: { epoch: changes.epoch, userId: caller.userId, name: caller.displayName }, ...(startNew ? { executionArn: ports.workflow.arnFor(name) } : {}) },
        { expectPositionSeq: stream.positionSeq },
      );
    } catch (e) {
      if (e instanceof StaleEpochError) continue; // another control won; decide again on the fresh row
      throw e;
    }
    if (stop) await ports.workflow.stop(currentExecutionArn(ports.workflow, stream), `${c.action} by ${caller.userId}`);
    // `state` goes out after the old epoch's last claimed frames and before the new epoch's
    // execution can send any (a speed change anchors at now: its next frame may be due at once).
    await untilClaimedBatchSent(ports.time, stream);
    await broadcastState(ports, updated, caller.userId, action.action === 'seek' ? toSeq?.snapshot : undefined);
    if (startNew) await ports.workflow.start(name, { streamId: updated.streamId, epoch: updated.epoch, generation: 0, iteration: 0 });
    metricsOf(ports).add('ControlMessages', 1);
    return;
  }
  throw new ControlRefusal('conflict', `${c.action}: the stream kept changing; try again`);
}

/**
 * Media ms of the stream's next frame not sent (the one at `positionSeq`), or undefined when
 * it has none (the end of a recording; a live game's frame not published yet) or the stream
 * is not running (a paused stream's position is already where it stopped).
 */
async function nextFrameMs(ports: Pick<ControlPorts, 'frames'>, stream: StreamRow): Promise<number | undefined> {
  if (stream.status !== 'playing' && stream.status !== 'starting') return undefined;
  if (stream.positionSeq >= stream.frameCount) return undefined;
  const [frame] = await ports.frames(stream).read(stream.positionSeq, stream.positionSeq + 1, 1);
  return frame === undefined ? undefined : frameTime(frame, stream.delayMs);
}

/**
 * Broadcast the `state` of a control's new epoch so that every client's last `state` is the
 * row's: skipped when a newer epoch has already overtaken it (that control broadcasts its
 * own), and followed by the newest `state` (`by: system`) when one overtook it while it was
 * being sent — two controllers' broadcasts run concurrently and may arrive in either order.
 */
async function broadcastState(ports: Pick<ControlPorts, 'streams' | 'broadcaster'>, updated: StreamRow, by: string, snapshot?: WireSnapshot): Promise<void> {
  const before = await ports.streams.get(updated.streamId, { consistent: true });
  if (before && before.epoch !== updated.epoch) return;
  await ports.broadcaster.fanOut(updated.streamId, [stateMessage(updated, by, snapshot)]);
  const after = await ports.streams.get(updated.streamId, { consistent: true });
  if (after && after.epoch !== updated.epoch && !isFinished(after)) await ports.broadcaster.fanOut(after.streamId, [stateMessage(after, 'system')]);
}

/**
 * `stop`: detach the caller (a pvai stream whose player stops ends `stopped`) and reply
 * `ended` when the stream has ended, else `detached` (it plays on for its other viewers: a
 * spectator's stop, a pvp player's). Throws {@link ControlRefusal} `bad_request` when it is on no stream.
 */
export async function stopStream(ports: ControlPorts, caller: Caller): Promise<void> {
  const left = await detach(ports, caller.connectionId, { endIfPlayerLeaves: true, by: caller.userId });
  if (!left) throw new ControlRefusal('bad_request', 'not attached to a stream');
  await ports.broadcaster.post(
    caller.connectionId,
    left.ended ? { type: 'ended', streamId: left.streamId, reason: left.ended } : { type: 'detached', streamId: left.streamId },
  );
  metricsOf(ports).add('ControlMessages', 1);
}

/**
 * `list`: reply one page of the catalog (protocol/server.ts `catalogPage`: at most
 * CATALOG_PAGE_BYTES, API Gateway quotas: 128 KB per WebSocket message) from `m.cursor` — the
 * open streams as GET /streams lists them (core/schedule.ts), then the games by title, live
 * ones marked; `next` names the following page. Private pvp rooms ({@link isPrivateRoom}) are left out.
 */
export async function listCatalog(ports: Pick<ControlPorts, 'games' | 'streams' | 'broadcaster'>, caller: Caller, m: Pick<ListMessage, 'cursor'> = {}): Promise<void> {
  const [games, streams] = await Promise.all([ports.games.list(), ports.streams.listByStatus(OPEN_STATUSES)]);
  const entries = games
    .map((g) => ({ gameId: g.gameId, kind: g.kind, title: g.title, durationMs: g.durationMs, participants: g.participants, ...(g.liveStatus === 'live' ? { live: true } : {}), ...(g.event ? { event: g.event } : {}) }))
    .sort((a, b) => a.title.localeCompare(b.title) || a.gameId.localeCompare(b.gameId));
  // The same entries and order as GET /streams (core/schedule.ts): scheduled ones first by startsAt, then by viewers.
  // A private pvp room (opened with an invite) is never listed: its id is the invite's secret.
  const listed = streams.filter((s) => !isPrivateRoom(s));
  await ports.broadcaster.post(caller.connectionId, catalogPage(entries, streamListing(listed), m.cursor));
}

/** `ping`, the heartbeat: record the connection's `lastSeenAt` (epoch ms) and reply `pong`. */
export async function ping(ports: Pick<ControlPorts, 'connections' | 'broadcaster' | 'time'>, caller: Caller): Promise<void> {
  await ports.connections.touch(caller.connectionId, ports.time.now());
  await ports.broadcaster.post(caller.connectionId, { type: 'pong', at: ports.time.now() });
}
