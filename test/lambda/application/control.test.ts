/**
 * The control use cases (application/control.ts) on the in-memory ports: find-or-create with
 * dedup, pvp matchmaking, the full-stream refusal, the control retry loop on a lost
 * conditional write, stop, list and ping.
 */
import {
  applyControl,
  ControlRefusal,
  joinStreamById,
  listCatalog,
  MAX_CONTROL_ATTEMPTS,
  ping,
  rejoinStream,
  startStream,
  stopStream,
  type ControlConfig,
  type ControlPorts,
} from '../../../lambda/application/control';
import type { ConnectionRow, GameRow, StreamRow } from '../../../contract/rows';
import { executionName } from '../../../lambda/core/stream-keys';
import type { Caller } from '../../../lambda/core/ws-event';
import type { Log } from '../../../lambda/ports/log';
import type { JoinedMessage, ServerMessage, StartMessage } from '../../../protocol/messages';
import { streamRowFixture, wsEvent } from '../../support/aws-local';
import { createHandler } from '../../../lambda/handlers/control';
import { FakeBroadcaster, FakeWorkflow, InMemoryConnectionRegistry, InMemoryGameCatalog, InMemoryStreamStore, ManualTime, RecordingMetrics } from '../fakes';
import { recordedGame, silentFrames } from './fixtures';

const game = recordedGame;

const frames = silentFrames;

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

function world(opts: { streams?: StreamRow[]; games?: GameRow[]; maxClients?: number } = {}) {
  const connections = new InMemoryConnectionRegistry();
  const ports = {
    streams: new InMemoryStreamStore(opts.streams ?? []),
    connections,
    games: new InMemoryGameCatalog(opts.games ?? [game]),
    broadcaster: new FakeBroadcaster(),
    workflow: new FakeWorkflow(),
    frames: () => frames,
    time: new ManualTime(),
    log: silent,
  } satisfies ControlPorts;
  let rooms = 0;
  const config: ControlConfig = { maxClients: opts.maxClients ?? 1000, newRoomId: () => `room${++rooms}` };
  const caller = async (userId: string, connectionId = `c-${userId}`): Promise<Caller> => {
    const row: ConnectionRow = { connectionId, userId, displayName: userId, connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 };
    if (!(await connections.get(connectionId))) await connections.put(row);
    return { connectionId, userId, displayName: userId, requestId: 'r', routeKey: 'start' };
  };
  const posted = (connectionId: string): ServerMessage[] => ports.broadcaster.posts.filter((p) => p.connectionId === connectionId).map((p) => p.message);
  return { ports, config, caller, posted };
}

const start = (over: Partial<StartMessage> = {}): StartMessage => ({ action: 'start', gameId: 'g1', mode: 'pvai', speed: 1, ...over }) as StartMessage;

async function refusal(p: Promise<unknown>): Promise<ControlRefusal> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ControlRefusal);
  return e as ControlRefusal;
}

describe('startStream', () => {
  it('creates a pvai stream, attaches its player, greets it with joined and starts its execution', async () => {
    const w = world();
    const alice = await w.caller('alice');
    await startStream(w.ports, w.config, alice, start());

    const row = await w.ports.streams.get('pvai:g1:alice');
    expect(row).toMatchObject({ status: 'starting', mode: 'pvai', controllers: ['alice'], clientCount: 1, epoch: 1 });
    expect(row?.executionArn).toBe(w.ports.workflow.arnFor(executionName('pvai:g1:alice', 1)));
    expect(await w.ports.connections.get('c-alice')).toMatchObject({ streamId: 'pvai:g1:alice', role: 'player' });
    expect(w.posted('c-alice')[0]).toMatchObject({ type: 'joined', streamId: 'pvai:g1:alice', role: 'player', clients: 1 });
    expect(w.ports.workflow.started).toEqual([{ name: executionName('pvai:g1:alice', 1), input: { streamId: 'pvai:g1:alice', epoch: 1, generation: 0, iteration: 0 } }]);
  });

  it('joins the stream that already exists instead of creating another (dedup)', async () => {
    const w = world();
    const alice = await w.caller('alice');
    await startStream(w.ports, w.config, alice, start());
    const second = await w.caller('alice', 'c-alice-2');
    await startStream(w.ports, w.config, second, start());

    expect(w.ports.workflow.started).toHaveLength(1);
    expect((await w.ports.streams.get('pvai:g1:alice'))?.clientCount).toBe(2);
    expect(w.posted('c-alice-2')[0]).toMatchObject({ type: 'joined', streamId: 'pvai:g1:alice' });
  });

  it('replaces a finished stream with a newer epoch', async () => {
    const w = world({ streams: [streamRowFixture('pvai:g1:alice', { mode: 'pvai', status: 'ended', epoch: 7, controllers: ['alice'] })] });
    await startStream(w.ports, w.config, await w.caller('alice'), start());
    const row = await w.ports.streams.get('pvai:g1:alice');
    expect(row?.status).toBe('starting');
    expect(row?.epoch).toBeGreaterThan(7);
  });

  it('starts at atMs from the first frame at or after it', async () => {
    const w = world();
    await startStream(w.ports, w.config, await w.caller('alice'), start({ atMs: 2500 }));
    expect(await w.ports.streams.get('pvai:g1:alice')).toMatchObject({ positionSeq: 3, positionMs: 2500 });
  });

  it('refuses an unknown game (not_found) and an atMs past the end (bad_request), changing nothing', async () => {
    const w = world();
    const alice = await w.caller('alice');
    expect((await refusal(startStream(w.ports, w.config, alice, start({ gameId: 'nope' })))).code).toBe('not_found');
    const late = await refusal(startStream(w.ports, w.config, alice, start({ atMs: 9001 })));
    expect(late.code).toBe('bad_request');
    expect(late.message).toBe('atMs 9001 is past the end of "g1" (9000 ms)');
    expect(w.ports.streams.rows.size).toBe(0);
    expect(w.ports.workflow.started).toEqual([]);
  });

  it('pvp matchmaking: the first player waits in an open room; the second takes its seat and starts it', async () => {
    const w = world();
    const alice = await w.caller('alice');
    await startStream(w.ports, w.config, alice, start({ mode: 'pvp' }));
    expect(await w.ports.streams.get('pvp:g1:open-room1')).toMatchObject({ status: 'starting', controllers: ['alice'], room: 'open-room1' });
    expect(w.ports.workflow.started).toEqual([]); // waits for its second player

    const bob = await w.caller('bob');
    await startStream(w.ports, w.config, bob, start({ mode: 'pvp' }));
    expect(await w.ports.streams.get('pvp:g1:open-room1')).toMatchObject({ controllers: ['alice', 'bob'], clientCount: 2 });
    expect(await w.ports.connections.get('c-bob')).toMatchObject({ streamId: 'pvp:g1:open-room1', role: 'player' });
    expect(w.ports.workflow.started.map((s) => s.name)).toEqual([executionName('pvp:g1:open-room1', 1)]);

    // A third user finds no open room: a new one.
    await startStream(w.ports, w.config, await w.caller('carol'), start({ mode: 'pvp' }));
    expect(await w.ports.connections.get('c-carol')).toMatchObject({ streamId: 'pvp:g1:open-room2', role: 'player' });
  });

  it('a pvp seat lost to another joiner leaves the caller a spectator', async () => {
    const w = world();
    await startStream(w.ports, w.config, await w.caller('alice'), start({ mode: 'pvp', room: 'r' }));
    w.ports.streams.beforeUpdate = (streamId) => {
      w.ports.streams.beforeUpdate = undefined;
      w.ports.streams.poke(streamId, { controllers: ['alice', 'dave'], epoch: 2 });
    };
    await startStream(w.ports, w.config, await w.caller('bob'), start({ mode: 'pvp', room: 'r' }));
    expect(await w.ports.connections.get('c-bob')).toMatchObject({ streamId: 'pvp:g1:r', role: 'spectator' });
    expect(w.ports.workflow.started).toEqual([]);
  });

  it('refuses a full stream (conflict) without attaching', async () => {
    const w = world({ streams: [streamRowFixture('spectate:g1', { clientCount: 2 })], maxClients: 2 });
    const e = await refusal(joinStreamById(w.ports, w.config, await w.caller('eve'), { action: 'join', streamId: 'spectate:g1' }));
    expect(e.code).toBe('conflict');
    expect(e.message).toBe('stream "spectate:g1" is full (2 viewers)');
    expect((await w.ports.connections.get('c-eve'))?.streamId).toBeUndefined();
  });
});

describe('joinStreamById', () => {
  it('refuses a stream that does not exist (not_found) or has finished (conflict)', async () => {
    const w = world({ streams: [streamRowFixture('s-done', { status: 'ended' })] });
    const eve = await w.caller('eve');
    expect((await refusal(joinStreamById(w.ports, w.config, eve, { action: 'join', streamId: 's-none' }))).code).toBe('not_found');
    const done = await refusal(joinStreamById(w.ports, w.config, eve, { action: 'join', streamId: 's-done' }));
    expect(done.code).toBe('conflict');
    expect(done.message).toBe('stream "s-done" has ended');
  });

  it('moves the caller from its old stream to the new one', async () => {
    const w = world({ streams: [streamRowFixture('s-a'), streamRowFixture('s-b')] });
    const eve = await w.caller('eve');
    await joinStreamById(w.ports, w.config, eve, { action: 'join', streamId: 's-a' });
    await joinStreamById(w.ports, w.config, eve, { action: 'join', streamId: 's-b' });
    expect((await w.ports.streams.get('s-a'))?.clientCount).toBe(0);
    expect((await w.ports.streams.get('s-b'))?.clientCount).toBe(1);
    expect(w.posted('c-eve').at(-1)).toMatchObject({ type: 'joined', streamId: 's-b', role: 'spectator' } satisfies Partial<JoinedMessage>);
    expect(w.ports.broadcaster.sentTo('s-a').at(-1)).toMatchObject({ type: 'presence', clients: 0 });
  });
});

describe('applyControl', () => {
  const playing = (over: Partial<StreamRow> = {}) =>
    streamRowFixture('pvai:g1:alice', { mode: 'pvai', status: 'playing', controllers: ['alice'], epoch: 3, durationMs: 9000, frameCount: 10, ...over });

  async function attached(w: ReturnType<typeof world>, userId: string, streamId = 'pvai:g1:alice'): Promise<Caller> {
    const c = await w.caller(userId);
    await w.ports.connections.attach(c.connectionId, streamId, userId === 'alice' ? 'player' : 'spectator');
    return c;
  }

  it('pause: a new epoch, the old execution stopped, state broadcast, no new execution', async () => {
    const w = world({ streams: [playing()] });
    await applyControl(w.ports, await attached(w, 'alice'), { action: 'pause' });
    expect(await w.ports.streams.get('pvai:g1:alice')).toMatchObject({ status: 'paused', epoch: 4 });
    expect(w.ports.workflow.stopped.map((s) => s.executionArn)).toEqual([w.ports.workflow.arnFor(executionName('pvai:g1:alice', 3))]);
    expect(w.ports.broadcaster.sentTo('pvai:g1:alice')).toEqual([expect.objectContaining({ type: 'state', status: 'paused', epoch: 4, by: 'alice' })]);
    expect(w.ports.workflow.started).toEqual([]);
  });

  it('seek (scrub): the first frame at or after toMs, a new execution for the new epoch', async () => {
    const w = world({ streams: [playing()] });
    await applyControl(w.ports, await attached(w, 'alice'), { action: 'scrub', toMs: 4200 });
    const row = await w.ports.streams.get('pvai:g1:alice');
    expect(row).toMatchObject({ epoch: 4, positionMs: 4200, positionSeq: 5, epochStartSeq: 5 });
    expect(row?.executionArn).toBe(w.ports.workflow.arnFor(executionName('pvai:g1:alice', 4)));
    expect(w.ports.workflow.started.map((s) => s.input)).toEqual([{ streamId: 'pvai:g1:alice', epoch: 4, generation: 0, iteration: 0 }]);
  });

  it('decides again on the fresh row when a conditional write loses (a tick claimed a batch)', async () => {
    const w = world({ streams: [playing()] });
    let raced = false;
    w.ports.streams.beforeUpdate = (streamId) => {
      if (raced) return;
      raced = true;
      w.ports.streams.poke(streamId, { positionSeq: 2 });
    };
    await applyControl(w.ports, await attached(w, 'alice'), { action: 'pause' });
    expect(w.ports.streams.updates.map((u) => u.applied)).toEqual([false, true]);
    expect(await w.ports.streams.get('pvai:g1:alice')).toMatchObject({ status: 'paused', positionSeq: 2, epochStartSeq: 2 });
  });

  it(`answers conflict after ${MAX_CONTROL_ATTEMPTS} lost writes, broadcasting nothing`, async () => {
    const w = world({ streams: [playing()] });
    let seq = 0;
    w.ports.streams.beforeUpdate = (streamId) => void w.ports.streams.poke(streamId, { positionSeq: ++seq });
    const e = await refusal(applyControl(w.ports, await attached(w, 'alice'), { action: 'speed', speed: 2 }));
    expect(e.code).toBe('conflict');
    expect(e.message).toBe('speed: the stream kept changing; try again');
    expect(w.ports.streams.updates).toHaveLength(MAX_CONTROL_ATTEMPTS);
    expect(w.ports.broadcaster.fanOuts).toEqual([]);
    expect(w.ports.workflow.stopped).toEqual([]);
  });

  it('refuses a spectator (forbidden), a caller on no stream (bad_request), and a control that does not apply (conflict)', async () => {
    const w = world({ streams: [playing()] });
    expect((await refusal(applyControl(w.ports, await attached(w, 'eve'), { action: 'pause' }))).code).toBe('forbidden');
    const loose = await refusal(applyControl(w.ports, await w.caller('nobody'), { action: 'pause' }));
    expect(loose.code).toBe('bad_request');
    expect(loose.message).toBe('not attached to a stream: send start or join first');
    expect((await refusal(applyControl(w.ports, await attached(w, 'alice'), { action: 'resume' }))).code).toBe('conflict');
    expect(w.ports.streams.updates).toEqual([]);
  });
});

describe('stopStream', () => {
  it('ends the pvai stream its player stops and replies ended', async () => {
    const w = world();
    const alice = await w.caller('alice');
    await startStream(w.ports, w.config, alice, start());
    await stopStream(w.ports, alice);
    expect(await w.ports.streams.get('pvai:g1:alice')).toMatchObject({ status: 'ended', endedReason: 'stopped', clientCount: 0 });
    expect(w.posted('c-alice').at(-1)).toEqual({ type: 'ended', streamId: 'pvai:g1:alice', reason: 'stopped' });
    expect((await w.ports.connections.get('c-alice'))?.streamId).toBeUndefined();
  });

  it('refuses a caller on no stream (bad_request)', async () => {
    const w = world();
    const e = await refusal(stopStream(w.ports, await w.caller('alice')));
    expect(e.code).toBe('bad_request');
    expect(e.message).toBe('not attached to a stream');
  });
});

describe('listCatalog and ping', () => {
  it('list: the games by title, live ones marked, and the open streams', async () => {
    const w = world({
      games: [game, { ...game, gameId: 'g0', title: 'Opening', liveStatus: 'live' }],
      streams: [streamRowFixture('s-open', { clientCount: 3 }), streamRowFixture('s-done', { status: 'ended' })],
    });
    await listCatalog(w.ports, await w.caller('lee'));
    const [catalog] = w.posted('c-lee');
    expect(catalog).toMatchObject({
      type: 'catalog',
      games: [
        { gameId: 'g1', title: 'Final', kind: 'tennis', durationMs: 9000, participants: ['A', 'B'] },
        { gameId: 'g0', title: 'Opening', live: true },
      ],
    });
    expect((catalog as { streams: Array<{ streamId: string }> }).streams.map((s) => s.streamId)).toEqual(['s-open']);
  });

  it('ping: lastSeenAt is now, and pong carries it', async () => {
    const w = world();
    const pat = await w.caller('pat');
    await ping(w.ports, pat);
    expect((await w.ports.connections.get('c-pat'))?.lastSeenAt).toBe(w.ports.time.now());
    expect(w.posted('c-pat')).toEqual([{ type: 'pong', at: w.ports.time.now() }]);
  });
});

describe('control metrics', () => {
  it('counts Joins (start, join), Rejoins and accepted ControlMessages (a control, stop); a refusal counts none of them', async () => {
    const w = world({ streams: [streamRowFixture('s-b')] });
    const metrics = new RecordingMetrics();
    const ports = { ...w.ports, metrics };
    const alice = await w.caller('alice');
    await startStream(ports, w.config, alice, start());
    const eve = await w.caller('eve');
    await joinStreamById(ports, w.config, eve, { action: 'join', streamId: 's-b' });
    expect(metrics.sum('Joins')).toBe(2);
    const eve2 = await w.caller('eve', 'c-eve-2');
    await rejoinStream(ports, w.config, eve2, { action: 'rejoin', streamId: 's-b', epoch: 1, lastSeq: -1 });
    expect(metrics.sum('Rejoins')).toBe(1);
    expect(metrics.sum('Joins')).toBe(2);
    await w.ports.streams.poke('pvai:g1:alice', { status: 'playing' });
    await applyControl(ports, alice, { action: 'pause' });
    await refusal(applyControl(ports, eve, { action: 'pause' }));
    await stopStream(ports, alice);
    expect(metrics.sum('ControlMessages')).toBe(2);
    expect(metrics.values('MessagesRefused')).toEqual([]);
  });

  it('the handler counts every error reply as MessagesRefused by its code, and flushes once per invocation', async () => {
    const w = world();
    const metrics = new RecordingMetrics();
    const handler = createHandler({ ports: { ...w.ports, metrics }, config: w.config });
    await w.caller('eve');
    await handler(wsEvent('c-eve', 'eve', { action: 'pause' }));
    await handler(wsEvent('c-eve', 'eve', { action: 'start', gameId: 'nope', mode: 'pvai' }));
    await handler(wsEvent('c-eve', 'eve', { action: 'speed', speed: 'fast' }));
    expect(w.posted('c-eve').map((m) => (m as { code?: string }).code)).toEqual(['bad_request', 'not_found', 'bad_request']);
    expect(metrics.sum('MessagesRefused', { code: 'bad_request' })).toBe(2);
    expect(metrics.sum('MessagesRefused', { code: 'not_found' })).toBe(1);
    expect(metrics.flushes).toBe(3);
  });
});
