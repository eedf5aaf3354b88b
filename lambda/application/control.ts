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
import type { ErrorCode, JoinMessage, RejoinMessage, StartMessage } from '../../protocol/messages';
import { framesMessages } from '../../protocol/server';
import { canControl, decideControl, newStreamRow, stateMessage, START_LEAD_MS, type ControlAction } from '../core/control';
import { isFinished } from '../core/lifecycle';
import { OPEN_STATUSES, type StreamRow } from '../../contract/rows';
import { streamListing } from '../core/schedule';
import { executionName, streamIdFor } from '../core/stream-keys';
import type { Caller } from '../core/ws-event';
import { StaleEpochError, StreamExistsError } from '../ports/errors';
import { NO_QUOTAS, QuotaExceededError, type UserQuotas } from '../ports/quotas';
import { NO_METRICS, type Metrics } from '../ports/metrics';
import type { GameCatalog } from '../ports/games';
import { ensureEdgeStream } from './edge-stream';
import { currentExecutionArn, untilClaimedBatchSent } from './end-stream';
import { attach, detach, readFrames, type AttachOptions, type SessionPorts } from './session';

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
  /** A new pvp room id (default: 6 random bytes, base64url letters and digits only). */
  newRoomId?: () => string;
}

/** Tries of one control's read → decide → conditional write before it answers `conflict`. */
export const MAX_CONTROL_ATTEMPTS = 5;

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
 * second player). A pvp start without `room` takes an open room of the game waiting for a
 * second player, or a new one. A live game's spectators share its live stream; its replay
 * from a point (`atMs`) is the viewer's own pvai stream. Throws {@link ControlRefusal}
 * `not_found` (no such game), `bad_request` (`atMs` past the end), `conflict` (full),
 * `limit_exceeded` (a new stream past the caller's `streams`/`executions` quota; joining an
 * existing stream is never counted).
 */
export async function startStream(ports: ControlPorts, config: ControlConfig, caller: Caller, start: StartMessage): Promise<void> {
  const game = await ports.games.get(start.gameId);
  if (!game) throw new ControlRefusal('not_found', `no game "${start.gameId}": send {"action":"list"} for the catalog`);
  if (game.liveStatus === 'live' && start.mode === 'spectate' && start.atMs === undefined) {
    // A live game's spectators share its live stream, fed as events are published.
    await detach(ports, caller.connectionId);
    return joinStream(ports, config, caller, await ensureEdgeStream(ports.streams, game, ports.time.now()));
  }
  // From the beginning or a point of a live game: the viewer's own replay, which catches up with live.
  const m = game.liveStatus === 'live' && start.mode === 'spectate' ? { ...start, mode: 'pvai' as const } : start;
  const delayMs = m.delay === undefined ? undefined : Math.round(m.delay * 1000);
  const durationMs = delayMs === undefined ? game.durationMs : Math.max(0, game.frameCount - 1) * delayMs;
  if (m.atMs !== undefined && m.atMs > durationMs) {
    throw new ControlRefusal('bad_request', `atMs ${m.atMs} is past the end of "${m.gameId}" (${durationMs} ms)`);
  }
  const room = m.mode === 'pvp' ? (m.room ?? (await openPvpRoom(ports, m.gameId)) ?? (config.newRoomId ?? newRoomId)()) : undefined;
  const streamId = streamIdFor(m.mode, m.gameId, { userId: caller.userId, room });
  await detach(ports, caller.connectionId);

  const existing = await ports.streams.get(streamId, { consistent: true });
  if (existing && !isFinished(existing)) return joinStream(ports, config, caller, existing);

  const now = ports.time.now();
  const atMs = m.atMs ?? 0;
  const atSeq = atMs > 0 ? await ports.frames({ ...game, ...(delayMs === undefined ? {} : { delayMs }) }).seqAtOrAfter(atMs) : 0;
  const row = newStreamRow({
    streamId,
    mode: m.mode,
    game,
    userId: caller.userId,
    speed: m.speed,
    atMs,
    atSeq,
    ...(delayMs === undefined ? {} : { delayMs }),
    ...(room === undefined ? {} : { room }),
    ...(existing === undefined ? {} : { previousEpoch: existing.epoch }),
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
    return joinStream(ports, config, caller, winner);
  }
  await attach(ports, caller.connectionId, caller.userId, row);
  metricsOf(ports).add('Joins', 1);
  // pvp waits in `starting` for its second player.
  if (m.mode !== 'pvp') await ports.workflow.start(executionName(streamId, row.epoch), { streamId, epoch: row.epoch, generation: 0, iteration: 0 });
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
  await attach(ports, caller.connectionId, caller.userId, s, role, opts);
  if (!opts.replay) metricsOf(ports).add('Joins', 1); // a rejoin counts as Rejoins
  if (startIt) {
    await ports.workflow.start(executionName(s.streamId, s.epoch), { streamId: s.streamId, epoch: s.epoch, generation: 0, iteration: 0 });
  }
}

/** Matchmaking: an open pvp room of this game waiting for its second player. */
async function openPvpRoom(ports: Pick<ControlPorts, 'streams'>, gameId: string): Promise<string | undefined> {
  const waiting = await ports.streams.listByStatus(['starting']);
  return waiting.find((s) => s.mode === 'pvp' && s.gameId === gameId && s.controllers.length < 2)?.room;
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
    await ports.broadcaster.post(caller.connectionId, stateMessage(now, 'system'));
    return;
  }
  if (!wasAttached) return; // replayed by attach
  const missed = await readFrames(ports, now, Math.max(fromSeq, now.epochStartSeq), now.positionSeq);
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
  for (let attempt = 0; attempt < MAX_CONTROL_ATTEMPTS; attempt++) {
    const stream = await liveStream(ports, conn.streamId);
    if (!canControl(stream, caller.userId)) {
      throw new ControlRefusal('forbidden', `${c.action}: only the players of this stream control it`);
    }
    const action: ControlAction =
      c.action === 'seek' || c.action === 'scrub'
        ? { action: 'seek', toMs: c.toMs, toSeq: c.toMs > stream.durationMs ? stream.frameCount : await ports.frames(stream).seqAtOrAfter(c.toMs) }
        : c.action === 'speed'
          ? { action: 'speed', speed: c.speed }
          : { action: c.action };
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
        { ...changes, ...(startNew ? { executionArn: ports.workflow.arnFor(name) } : {}) },
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
    await broadcastState(ports, updated, caller.userId);
    if (startNew) await ports.workflow.start(name, { streamId: updated.streamId, epoch: updated.epoch, generation: 0, iteration: 0 });
    metricsOf(ports).add('ControlMessages', 1);
    return;
  }
  throw new ControlRefusal('conflict', `${c.action}: the stream kept changing; try again`);
}

/**
 * Broadcast the `state` of a control's new epoch so that every client's last `state` is the
 * row's: skipped when a newer epoch has already overtaken it (that control broadcasts its
 * own), and followed by the newest `state` (`by: system`) when one overtook it while it was
 * being sent — two controllers' broadcasts run concurrently and may arrive in either order.
 */
async function broadcastState(ports: Pick<ControlPorts, 'streams' | 'broadcaster'>, updated: StreamRow, by: string): Promise<void> {
  const before = await ports.streams.get(updated.streamId, { consistent: true });
  if (before && before.epoch !== updated.epoch) return;
  await ports.broadcaster.fanOut(updated.streamId, [stateMessage(updated, by)]);
  const after = await ports.streams.get(updated.streamId, { consistent: true });
  if (after && after.epoch !== updated.epoch && !isFinished(after)) await ports.broadcaster.fanOut(after.streamId, [stateMessage(after, 'system')]);
}

/**
 * `stop`: detach the caller (a pvai stream whose player stops ends `stopped`) and reply
 * `ended`. Throws {@link ControlRefusal} `bad_request` when it is on no stream.
 */
export async function stopStream(ports: ControlPorts, caller: Caller): Promise<void> {
  const left = await detach(ports, caller.connectionId, { endIfPlayerLeaves: true, by: caller.userId });
  if (!left) throw new ControlRefusal('bad_request', 'not attached to a stream');
  await ports.broadcaster.post(caller.connectionId, { type: 'ended', streamId: left, reason: 'stopped' });
  metricsOf(ports).add('ControlMessages', 1);
}

/** `list`: reply `catalog` — the games by title, and the open streams as GET /streams lists them (core/schedule.ts). */
export async function listCatalog(ports: Pick<ControlPorts, 'games' | 'streams' | 'broadcaster'>, caller: Caller): Promise<void> {
  const [games, streams] = await Promise.all([ports.games.list(), ports.streams.listByStatus(OPEN_STATUSES)]);
  await ports.broadcaster.post(caller.connectionId, {
    type: 'catalog',
    games: games
      .map((g) => ({ gameId: g.gameId, kind: g.kind, title: g.title, durationMs: g.durationMs, participants: g.participants, ...(g.liveStatus === 'live' ? { live: true } : {}) }))
      .sort((a, b) => a.title.localeCompare(b.title)),
    // The same entries and order as GET /streams (core/schedule.ts): scheduled ones first by startsAt, then by viewers.
    streams: streamListing(streams),
  });
}

/** `ping`, the heartbeat: record the connection's `lastSeenAt` (epoch ms) and reply `pong`. */
export async function ping(ports: Pick<ControlPorts, 'connections' | 'broadcaster' | 'time'>, caller: Caller): Promise<void> {
  await ports.connections.touch(caller.connectionId, ports.time.now());
  await ports.broadcaster.post(caller.connectionId, { type: 'pong', at: ports.time.now() });
}
