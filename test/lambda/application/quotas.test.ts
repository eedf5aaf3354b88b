/**
 * Per-user quotas at their call sites, on the fakes: `$connect` (connections), `start`
 * (streams and executions), `POST /streams` (scheduled), `PUT /games/{gameId}` (live games).
 * Over a quota the request is refused with `limit_exceeded` / HTTP 429 and a message naming
 * the limit, and nothing changes; ending, finishing or disconnecting frees the slot.
 */
import { createHandler as connectHandler } from '../../../lambda/handlers/connect';
import { forgetConnection } from '../../../lambda/application/forget-connection';
import { ControlRefusal, startStream, type ControlConfig, type ControlPorts } from '../../../lambda/application/control';
import { endStream } from '../../../lambda/application/end-stream';
import { scheduleStream, type ScheduleStreamPorts } from '../../../lambda/application/schedule';
import { finishLive, type LivePorts } from '../../../lambda/application/live';
import { putGame } from '../../../lambda/handlers/http/games';
import { DEFAULT_USER_QUOTAS } from '../../../contract/defaults';
import type { ConnectionRow } from '../../../contract/rows';
import type { Caller } from '../../../lambda/core/ws-event';
import type { StartMessage } from '../../../protocol/messages';
import { wsEvent } from '../../support/aws-local';
import {
  FakeBroadcaster,
  FakeWorkflow,
  InMemoryConnectionRegistry,
  InMemoryGameCatalog,
  InMemoryRecordingStore,
  InMemoryStreamStore,
  InMemoryUserQuotas,
  ManualTime,
} from '../fakes';
import { recordedGame, silentFrames } from './fixtures';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const limits = { ...DEFAULT_USER_QUOTAS, connections: 2, streams: 2, executions: 2, scheduled: 1, liveGames: 1 };

describe('connections quota ($connect, $disconnect)', () => {
  it('refuses the handshake with 429 past the limit, writing nothing; a disconnect frees the slot', async () => {
    const connections = new InMemoryConnectionRegistry();
    const quotas = new InMemoryUserQuotas(limits);
    const handler = connectHandler({ connections, quotas, time: new ManualTime(1_000), log: quiet });
    expect(await handler(wsEvent('c1', 'ann', {}))).toEqual({ statusCode: 200 });
    expect(await handler(wsEvent('c2', 'ann', {}))).toEqual({ statusCode: 200 });
    expect(await handler(wsEvent('c3', 'ann', {}))).toEqual({ statusCode: 429 });
    expect(await connections.get('c3')).toBeUndefined();
    expect(await handler(wsEvent('c4', 'bob', {}))).toEqual({ statusCode: 200 }); // per user
    await forgetConnection({ connections, streams: new InMemoryStreamStore(), quotas }, 'c1');
    await forgetConnection({ connections, streams: new InMemoryStreamStore(), quotas }, 'c1'); // again: no-op
    expect(quotas.held('ann', 'connections')).toBe(1);
    expect(await handler(wsEvent('c5', 'ann', {}))).toEqual({ statusCode: 200 });
  });
});

describe('streams and executions quotas (start)', () => {
  function world() {
    const connections = new InMemoryConnectionRegistry();
    const quotas = new InMemoryUserQuotas(limits);
    const ports = {
      streams: new InMemoryStreamStore(),
      connections,
      games: new InMemoryGameCatalog([recordedGame, { ...recordedGame, gameId: 'g2' }, { ...recordedGame, gameId: 'g3' }]),
      broadcaster: new FakeBroadcaster(),
      workflow: new FakeWorkflow(),
      frames: () => silentFrames,
      time: new ManualTime(),
      log: quiet,
      quotas,
    } satisfies ControlPorts;
    const config: ControlConfig = { maxClients: 1000 };
    const caller = async (userId: string, connectionId: string): Promise<Caller> => {
      const row: ConnectionRow = { connectionId, userId, displayName: userId, connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 };
      await connections.put(row);
      return { connectionId, userId, displayName: userId, requestId: 'r', routeKey: 'start' };
    };
    return { ports, config, caller, quotas };
  }
  const start = (gameId: string): StartMessage => ({ action: 'start', gameId, mode: 'pvai', speed: 1 }) as StartMessage;

  it('a third stream of one user is refused limit_exceeded naming the limit; no row, no execution; ending one frees it', async () => {
    const w = world();
    await startStream(w.ports, w.config, await w.caller('alice', 'a1'), start('g1'));
    await startStream(w.ports, w.config, await w.caller('alice', 'a2'), start('g2'));
    const e = await startStream(w.ports, w.config, await w.caller('alice', 'a3'), start('g3')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ControlRefusal);
    expect((e as ControlRefusal).code).toBe('limit_exceeded');
    expect((e as Error).message).toBe('start: limit reached: at most 2 streams you started that are still running per user; stop one of your streams first');
    expect(await w.ports.streams.get('pvai:g3:alice')).toBeUndefined();
    expect(w.ports.workflow.started).toHaveLength(2);
    expect(w.quotas.held('alice', 'executions')).toBe(2);
    // Another user's spectators joining are not counted; alice ends one and may start again.
    await endStream(w.ports, (await w.ports.streams.get('pvai:g1:alice'))!, 'stopped', 'alice');
    expect(w.quotas.held('alice', 'streams')).toBe(1);
    await startStream(w.ports, w.config, await w.caller('alice', 'a4'), start('g3'));
    expect(await w.ports.streams.get('pvai:g3:alice')).toBeDefined();
  });
});

describe('scheduled quota (POST /streams)', () => {
  it('429 limit_exceeded past the limit, nothing created; the stream ending frees it', async () => {
    const streams = new InMemoryStreamStore();
    const quotas = new InMemoryUserQuotas(limits);
    const ids = ['aaaaaaaaaaa', 'bbbbbbbbbbb', 'ccccccccccc'];
    const workflow = new FakeWorkflow();
    const ports: ScheduleStreamPorts = {
      streams,
      games: new InMemoryGameCatalog([recordedGame]),
      broadcaster: new FakeBroadcaster(),
      workflow,
      log: quiet,
      quotas,
      newScheduleId: () => ids.shift()!,
    };
    const now = 1_700_000_000_000;
    const op = { userId: 'olga', roles: ['operator'] as Array<'operator'> };
    expect((await scheduleStream(ports, op, { gameId: 'g1', startAt: now + 3_600_000 }, now)).status).toBe(201);
    const refused = await scheduleStream(ports, op, { gameId: 'g1', startAt: now + 3_600_000 }, now);
    expect(refused).toEqual({ status: 429, body: { error: { code: 'limit_exceeded', message: 'POST /streams: limit reached: at most 1 scheduled streams not yet ended per user; wait until one has ended' } } });
    expect(await streams.get('scheduled:g1:bbbbbbbbbbb')).toBeUndefined();
    await endStream({ streams, workflow, broadcaster: new FakeBroadcaster(), log: quiet, quotas, time: new ManualTime(now) }, (await streams.get('scheduled:g1:aaaaaaaaaaa'))!, 'stopped', 'olga');
    expect((await scheduleStream(ports, op, { gameId: 'g1', startAt: now + 3_600_000 }, now)).status).toBe(201);
  });
});

describe('live games quota (PUT /games/{gameId}, finish)', () => {
  it('a second open live game is 429; re-opening the same game is not counted again; finishing frees it', async () => {
    const quotas = new InMemoryUserQuotas(limits);
    const ports: LivePorts = {
      games: new InMemoryGameCatalog([]),
      streams: new InMemoryStreamStore(),
      recordings: new InMemoryRecordingStore(),
      broadcaster: new FakeBroadcaster(),
      workflow: new FakeWorkflow(),
      time: new ManualTime(1_000),
      log: quiet,
      quotas,
    };
    const pub = { userId: 'pat', roles: ['publisher'] as Array<'publisher'> };
    const body = { kind: 'cricket', title: 'Nets' };
    expect((await putGame(ports, pub, 'nets', body)).status).toBe(201);
    expect((await putGame(ports, pub, 'nets', body)).status).toBe(200);
    const refused = await putGame(ports, pub, 'nets-2', body);
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'limit_exceeded', message: expect.stringContaining('at most 1 live games open per user') } } });
    expect(await ports.games.get('nets-2')).toBeUndefined();
    // Another publisher re-opening pat's game is refused (the game is pat's), is not charged
    // for it, and does not free pat's slot.
    expect((await putGame(ports, { ...pub, userId: 'quinn' }, 'nets', body)).status).toBe(403);
    expect(quotas.held('quinn', 'liveGames')).toBe(0);
    expect(quotas.held('pat', 'liveGames')).toBe(1);
    await finishLive(ports, 'nets');
    expect(quotas.held('pat', 'liveGames')).toBe(0);
    expect((await putGame(ports, pub, 'nets-2', body)).status).toBe(201);
  });
});
