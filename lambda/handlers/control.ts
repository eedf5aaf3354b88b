/**
 * The control handler: routes `start`, `join`, `rejoin`, `pause`, `resume`, `speed`,
 * `seek`/`scrub`, `stop`, `list`, `ping` and `$default` (docs/PROTOCOL.md): find-or-create
 * a stream with dedup (docs/ARCHITECTURE.md "Stream keys"), pvp matchmaking, and controls.
 *
 * parse (zod) → decide (core/control.ts) → act (adapters). Every refusal is an `error`
 * reply and changes nothing.
 */
import { canControl, decideControl, newStreamRow, stateMessage, START_LEAD_MS, type ControlAction } from '../core/control';
import type { StreamRow } from '../core/model';
import { isFinished, OPEN_STATUSES } from '../core/lifecycle';
import type { JoinMessage, RejoinMessage, StartMessage } from '../../protocol/messages';
import { CLIENT_ACTIONS, framesMessages } from '../../protocol/messages';
import { ROUTE_TARGETS } from '../core/routes';
import { streamListing } from '../core/schedule';
import { executionName, streamIdFor } from '../core/stream-keys';
import type { Caller } from '../core/ws-event';
import { ENV, numberEnv } from '../adapters/config';
import {
  createStream,
  getConnection,
  getGame,
  getStream,
  listGames,
  listStreamsByStatus,
  touchConnection,
  updateStream,
} from '../adapters/dynamo';
import { StaleEpochError, StreamExistsError } from '../adapters/errors';
import { fanOut } from '../adapters/fanout';
import { ensureEdgeStream } from '../adapters/live';
import { attach, currentExecutionArn, detach, readFrames, seqAtOrAfter, untilClaimedBatchSent, type AttachOptions } from '../adapters/session';
import { executionArnFor, startExecution, stopExecution } from '../adapters/workflow';
import { messageHandler, reply, ReplyError } from '../adapters/ws-handler';
import { randomBytes } from 'node:crypto';

/** Most viewers on one stream (MAX_CLIENTS_PER_STREAM). */
const maxClients = numberEnv(ENV.maxClientsPerStream, 1000);

async function start(caller: Caller, start: StartMessage): Promise<void> {
  const game = await getGame(start.gameId);
  if (!game) throw new ReplyError('not_found', `no game "${start.gameId}": send {"action":"list"} for the catalog`);
  if (game.live === 'live' && start.mode === 'spectate' && start.atMs === undefined) {
    // A live game's spectators share its live stream, fed as events are published.
    await detach(caller.connectionId);
    return joinStream(caller, await ensureEdgeStream(game));
  }
  // From the beginning or a point of a live game: the viewer's own replay, which catches up with live.
  const m = game.live === 'live' && start.mode === 'spectate' ? { ...start, mode: 'pvai' as const } : start;
  const delayMs = m.delay === undefined ? undefined : Math.round(m.delay * 1000);
  const durationMs = delayMs === undefined ? game.durationMs : Math.max(0, game.frameCount - 1) * delayMs;
  if (m.atMs !== undefined && m.atMs > durationMs) {
    throw new ReplyError('bad_request', `atMs ${m.atMs} is past the end of "${m.gameId}" (${durationMs} ms)`);
  }
  const room = m.mode === 'pvp' ? (m.room ?? (await openPvpRoom(m.gameId)) ?? newRoomId()) : undefined;
  const streamId = streamIdFor(m.mode, m.gameId, { userId: caller.userId, room });
  await detach(caller.connectionId);

  const existing = await getStream(streamId, { consistent: true });
  if (existing && !isFinished(existing)) return joinStream(caller, existing);

  const now = Date.now();
  const atMs = m.atMs ?? 0;
  const atSeq = atMs > 0 ? await seqAtOrAfter({ ...game, ...(delayMs === undefined ? {} : { delayMs }) }, atMs) : 0;
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
  if (game.live) row.live = 'replay';
  row.executionArn = executionArnFor(executionName(streamId, row.epoch));
  try {
    await createStream(row, existing === undefined ? {} : { replaceFinishedEpoch: existing.epoch });
  } catch (e) {
    if (!(e instanceof StreamExistsError)) throw e;
    // Lost the create race: attach to the winner's stream (the scheduler manager's dedup).
    const winner = await getStream(streamId, { consistent: true });
    if (!winner) throw e;
    return joinStream(caller, winner);
  }
  await attach(caller.connectionId, caller.userId, row);
  // pvp waits in `starting` for its second player.
  if (m.mode !== 'pvp') await startExecution(executionName(streamId, row.epoch), { streamId, epoch: row.epoch, generation: 0, iteration: 0 });
}

/** Attach the caller to a live stream; a pvp room's second user becomes its second controller and starts it. */
async function joinStream(caller: Caller, stream: StreamRow, opts: AttachOptions = {}): Promise<void> {
  if (stream.clientCount >= maxClients) {
    throw new ReplyError('conflict', `stream "${stream.streamId}" is full (${maxClients} viewers)`);
  }
  let s = stream;
  let startIt = false;
  if (s.mode === 'pvp' && s.status === 'starting' && s.controllers.length < 2 && !s.controllers.includes(caller.userId)) {
    try {
      s = await updateStream(s.streamId, s.epoch, {
        controllers: [...s.controllers, caller.userId],
        anchorAt: Date.now() + START_LEAD_MS,
        updatedAt: Date.now(),
      }, { expectStatus: ['starting'] });
      startIt = true;
    } catch (e) {
      if (!(e instanceof StaleEpochError)) throw e;
      s = (await getStream(s.streamId, { consistent: true })) ?? s; // someone else took the seat
    }
  }
  const role = s.controllers.includes(caller.userId) ? 'player' : 'spectator';
  await attach(caller.connectionId, caller.userId, s, role, opts);
  if (startIt) {
    await startExecution(executionName(s.streamId, s.epoch), { streamId: s.streamId, epoch: s.epoch, generation: 0, iteration: 0 });
  }
}

/** Matchmaking: an open pvp room of this game waiting for its second player. */
async function openPvpRoom(gameId: string): Promise<string | undefined> {
  const waiting = await listStreamsByStatus(['starting']);
  return waiting.find((s) => s.mode === 'pvp' && s.gameId === gameId && s.controllers.length < 2)?.room;
}

function newRoomId(): string {
  return randomBytes(6).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x');
}

async function liveStream(streamId: string): Promise<StreamRow> {
  const s = await getStream(streamId, { consistent: true });
  if (!s) throw new ReplyError('not_found', `no stream "${streamId}"`);
  if (isFinished(s)) throw new ReplyError('conflict', `stream "${streamId}" has ${s.status}`);
  return s;
}

async function join(caller: Caller, m: JoinMessage): Promise<void> {
  const s = await liveStream(m.streamId);
  await detach(caller.connectionId);
  await joinStream(caller, s);
}

/**
 * After a reconnect: `joined`, then every frame of the client's epoch after `lastSeq` that
 * the stream already sent (read back from S3) — sent before the connection is attached, so
 * no live frame interleaves, and attached at a quiet moment, so none repeats (session.ts
 * `attach`) — or, when the epoch has moved on, the current `state`.
 */
async function rejoin(caller: Caller, m: RejoinMessage): Promise<void> {
  const s = await liveStream(m.streamId);
  const conn = await getConnection(caller.connectionId);
  const fromSeq = Math.max(m.lastSeq + 1, s.epochStartSeq);
  const wasAttached = conn?.streamId === s.streamId;
  if (!wasAttached) {
    await detach(caller.connectionId);
    await joinStream(caller, s, { replay: { epoch: m.epoch, fromSeq } });
  }
  const now = await getStream(s.streamId, { consistent: true });
  if (!now) return;
  if (m.epoch !== now.epoch) {
    await reply(caller, stateMessage(now, 'system'));
    return;
  }
  if (!wasAttached) return; // replayed by attach
  const missed = await readFrames(now, Math.max(fromSeq, now.epochStartSeq), now.positionSeq);
  for (const msg of missed.length ? framesMessages(now.streamId, now.epoch, missed) : []) await reply(caller, msg);
}

/** pause / resume / speed / seek: conditional on epoch; concurrent controllers → last writer wins. */
async function control(caller: Caller, c: { action: 'pause' } | { action: 'resume' } | { action: 'speed'; speed: number } | { action: 'seek' | 'scrub'; toMs: number }): Promise<void> {
  const conn = await getConnection(caller.connectionId);
  if (!conn?.streamId) throw new ReplyError('bad_request', 'not attached to a stream: send start or join first');
  for (let attempt = 0; attempt < 5; attempt++) {
    const stream = await liveStream(conn.streamId);
    if (!canControl(stream, caller.userId)) {
      throw new ReplyError('forbidden', `${c.action}: only the players of this stream control it`);
    }
    const action: ControlAction =
      c.action === 'seek' || c.action === 'scrub'
        ? { action: 'seek', toMs: c.toMs, toSeq: c.toMs > stream.durationMs ? stream.frameCount : await seqAtOrAfter(stream, c.toMs) }
        : c.action === 'speed'
          ? { action: 'speed', speed: c.speed }
          : { action: c.action };
    const r = decideControl(stream, caller.userId, action, Date.now());
    if (!r.ok) throw new ReplyError(r.error.code, r.error.message);
    const { changes, stopExecution: stop, startExecution: startNew } = r.decision;
    const name = executionName(stream.streamId, changes.epoch);
    let updated: StreamRow;
    try {
      // Conditional on positionSeq too: a batch the tick claimed since the read would be sent
      // again in the new epoch (and after its `state`); decide again on the fresh row instead.
      updated = await updateStream(
        stream.streamId,
        stream.epoch,
        { ...changes, ...(startNew ? { executionArn: executionArnFor(name) } : {}) },
        { expectPositionSeq: stream.positionSeq },
      );
    } catch (e) {
      if (e instanceof StaleEpochError) continue; // another control won; decide again on the fresh row
      throw e;
    }
    if (stop) await stopExecution(currentExecutionArn(stream), `${c.action} by ${caller.userId}`);
    // `state` goes out after the old epoch's last claimed frames and before the new epoch's
    // execution can send any (a speed change anchors at now: its next frame may be due at once).
    await untilClaimedBatchSent(stream);
    await broadcastState(updated, caller.userId);
    if (startNew) await startExecution(name, { streamId: updated.streamId, epoch: updated.epoch, generation: 0, iteration: 0 });
    return;
  }
  throw new ReplyError('conflict', `${c.action}: the stream kept changing; try again`);
}

/**
 * Broadcast the `state` of a control's new epoch so that every client's last `state` is the
 * row's: skipped when a newer epoch has already overtaken it (that control broadcasts its
 * own), and followed by the newest `state` (`by: system`) when one overtook it while it was
 * being sent — two controllers' broadcasts run concurrently and may arrive in either order.
 */
async function broadcastState(updated: StreamRow, by: string): Promise<void> {
  const before = await getStream(updated.streamId, { consistent: true });
  if (before && before.epoch !== updated.epoch) return;
  await fanOut(updated.streamId, [stateMessage(updated, by)]);
  const after = await getStream(updated.streamId, { consistent: true });
  if (after && after.epoch !== updated.epoch && !isFinished(after)) await fanOut(after.streamId, [stateMessage(after, 'system')]);
}

async function stop(caller: Caller): Promise<void> {
  const left = await detach(caller.connectionId, { endIfPlayerLeaves: true, by: caller.userId });
  if (!left) throw new ReplyError('bad_request', 'not attached to a stream');
  await reply(caller, { type: 'ended', streamId: left, reason: 'stopped' });
}

async function list(caller: Caller): Promise<void> {
  const [games, streams] = await Promise.all([listGames(), listStreamsByStatus(OPEN_STATUSES)]);
  await reply(caller, {
    type: 'catalog',
    games: games
      .map((g) => ({ gameId: g.gameId, kind: g.kind, title: g.title, durationMs: g.durationMs, participants: g.participants, ...(g.live === 'live' ? { live: true } : {}) }))
      .sort((a, b) => a.title.localeCompare(b.title)),
    // The same entries and order as GET /streams (core/schedule.ts): scheduled ones first by startsAt, then by viewers.
    streams: streamListing(streams),
  });
}

async function ping(caller: Caller): Promise<void> {
  await touchConnection(caller.connectionId, Date.now());
  await reply(caller, { type: 'pong', at: Date.now() });
}

export const handler = messageHandler(
  {
    start,
    join,
    rejoin,
    pause: control,
    resume: control,
    speed: control,
    seek: control,
    scrub: control,
    stop,
    list,
    ping,
  },
  {
    // Per-connection rate limits (limits and reasons in core/rate-limit.ts): every
    // action of this route draws from the `control` bucket but `ping` (the heartbeat).
    limits: Object.fromEntries(
      CLIENT_ACTIONS.filter((a) => ROUTE_TARGETS[a] === 'control' && a !== 'ping').map((a) => [a, 'control' as const]),
    ),
  },
);
