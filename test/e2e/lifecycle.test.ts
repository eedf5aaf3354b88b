/**
 * End to end on local mode, playback lifecycle: a PvAI player's stop,
 * rejoin after a dropped connection, idle streams ended by the sweeper, a connection whose
 * `$disconnect` never ran forgotten on its 410, and a killed execution restarted by the
 * sweeper from its position — through the real handlers, state machine and local gateway.
 */
import type { ConnectionRow } from '../../contract/rows';
import type { GatewayRoute } from '../../local/gateway';
import { checkOrdering, E2e, seqsOf, sleep, until, waitFrames } from '../support/e2e';
import type { LocalStack } from '../support/local-stack';
import type { TestClient } from '../support/ws-client';

jest.setTimeout(300_000); // a bound against a hang on a busy machine

let e: E2e;
let stack: LocalStack;

beforeAll(async () => {
  // Idle streams end after 1 s, so do pvai/pvp streams without a controller, a stream
  // without a running execution is a zombie at once, and the sweeper runs only when a test
  // invokes it.
  e = await E2e.start({
    sweeper: false,
    env: { STREAM_IDLE_TTL_SECONDS: '1', CONTROLLER_GRACE_SECONDS: '1', ZOMBIE_GRACE_SECONDS: '0' },
  });
  stack = e.stack;
});
afterEach(async () => {
  // Each test starts with no live stream, so a sweep only sees the streams of its own test.
  await e.closeClients();
  await e.endLiveStreams();
});
afterAll(async () => {
  await e?.close();
});

const connect = (user: string) => e.connect(user);
const streamRow = (streamId: string) => e.streamRow(streamId);
const recordingTimes = (gameId: string) => e.recordingTimes(gameId);
const connectionsOf = async (userId: string): Promise<ConnectionRow[]> => (await e.connections()).filter((c) => c.userId === userId);
const seqs = (c: TestClient) => seqsOf(c);

describe('PvAI', () => {
  it('its player stops it: a spectator who joined by streamId gets ended stopped; the row is ended', async () => {
    const game = '2013-wimbledon-2701';
    const times = await recordingTimes(game);
    const [p, s] = [await connect('paula'), await connect('stan')];
    p.send({ action: 'start', gameId: game, mode: 'pvai', speed: 64, atMs: times[times.length - 30] });
    const joined = await p.waitFor('joined');
    expect(joined).toMatchObject({ streamId: `pvai:${game}:paula`, mode: 'pvai', role: 'player' });
    s.send({ action: 'join', streamId: joined.streamId });
    expect(await s.waitFor('joined')).toMatchObject({ streamId: joined.streamId, role: 'spectator' });
    await waitFrames(s, 2);

    p.send({ action: 'stop' });
    expect(await p.waitFor('ended')).toMatchObject({ streamId: joined.streamId, reason: 'stopped' });
    expect(await s.waitFor('ended')).toMatchObject({ streamId: joined.streamId, reason: 'stopped' });
    const row = await streamRow(joined.streamId);
    expect(row).toMatchObject({ status: 'ended', endedReason: 'stopped' });
    // No frame after `ended`, and its execution is no longer running.
    await sleep(1500);
    const order = s.messages.map((m) => m.type);
    expect(order.lastIndexOf('frames')).toBeLessThan(order.indexOf('ended'));
    const running = stack.stepFunctions.executions().filter((e) => e.status === 'RUNNING' && JSON.parse(e.input).streamId === joined.streamId);
    expect(running).toEqual([]);
  });
});

describe('rejoin', () => {
  it('after a drop: every missed frame exactly once, in order, then the live ones', async () => {
    const game = '2011-usopen-2701';
    const times = await recordingTimes(game);
    const [x, y] = [await connect('xena'), await connect('yuri')];
    x.send({ action: 'start', gameId: game, speed: 64, atMs: times[times.length - 22] });
    const joined = await x.waitFor('joined');
    y.send({ action: 'start', gameId: game });
    const joinedY = await y.waitFor('joined');
    await waitFrames(x, 4);
    await x.close();
    const lastSeq = seqs(x).at(-1)!;
    await until('y to get frames x missed', async () => seqs(y).filter((q) => q > lastSeq).length >= 4);

    const x2 = await connect('xena');
    x2.send({ action: 'rejoin', streamId: joined.streamId, epoch: joined.epoch, lastSeq });
    expect(await x2.waitFor('joined')).toMatchObject({ streamId: joined.streamId, epoch: joined.epoch });
    await Promise.all([x2.waitFor('ended'), y.waitFor('ended')]);
    const to = (from: number) => Array.from({ length: times.length - from }, (_, i) => from + i);
    // x, then x2 after its rejoin: every frame from x's join to the end, each once, in order.
    expect([...seqs(x), ...seqs(x2)]).toEqual(to(joined.positionSeq));
    // y, who stayed: every frame from its own join on (a batch fanned out while it joined may
    // come too — on a busy machine y joins after the first frames went out).
    const firstY = seqs(y)[0]!;
    expect(firstY).toBeGreaterThanOrEqual(joined.positionSeq);
    expect(firstY).toBeLessThanOrEqual(joinedY.positionSeq);
    expect(seqs(y)).toEqual(to(firstY));
    expect(x2.frames().every((f) => f.epoch === joined.epoch)).toBe(true);
    checkOrdering(y);
  });

  it('after the epoch changed: joined in the current epoch, frames from its positionSeq, and the current state', async () => {
    const game = '2012-ausopen-1701';
    const times = await recordingTimes(game);
    const [p, s] = [await connect('pete'), await connect('sue')];
    p.send({ action: 'start', gameId: game, mode: 'pvai', speed: 64, atMs: times[times.length - 40] });
    const joined = await p.waitFor('joined');
    s.send({ action: 'join', streamId: joined.streamId });
    await s.waitFor('joined');
    await waitFrames(s, 2);
    await s.close();
    const lastSeq = seqs(s).at(-1)!;

    p.send({ action: 'seek', toMs: times[times.length - 30] });
    const state = await p.waitFor('state', (m) => m.epoch > joined.epoch);
    await waitFrames(p, 1, state.epoch);

    const s2 = await connect('sue');
    s2.send({ action: 'rejoin', streamId: joined.streamId, epoch: joined.epoch, lastSeq });
    const rejoined = await s2.waitFor('joined');
    expect(rejoined.epoch).toBe(state.epoch);
    const now = await s2.waitFor('state');
    const row = await streamRow(joined.streamId);
    expect(now).toMatchObject({ streamId: joined.streamId, epoch: row.epoch, status: 'playing' });
    expect(now.epoch).toBe(state.epoch);
    await waitFrames(s2, 2, state.epoch);
    // joined describes the new epoch, so the frames the stream sent since that position follow
    // it (none is skipped while the connection is being attached); state then says where it is now.
    expect(s2.frames()[0]!.seq).toBe(rejoined.positionSeq);
    expect(now.positionSeq).toBeGreaterThanOrEqual(rejoined.positionSeq);
    // Nothing of the old epoch is replayed.
    expect(s2.frames().every((f) => f.epoch === state.epoch)).toBe(true);
    checkOrdering(s2);
  });
});

describe('the sweeper', () => {
  it('ends a stream all of whose clients left with reason idle', async () => {
    const game = '2012-wimbledon-1701';
    const times = await recordingTimes(game);
    const [a, b, c] = [await connect('ida'), await connect('ivo'), await connect('ike')];
    a.send({ action: 'start', gameId: game, speed: 64, atMs: times[times.length - 50] });
    const joined = await a.waitFor('joined');
    for (const x of [b, c]) x.send({ action: 'start', gameId: game });
    await Promise.all([b.waitFor('joined'), c.waitFor('joined')]);
    await waitFrames(a, 1);
    // `joined` goes out before the attach is counted: wait for the count (the presence says it).
    await a.waitFor('presence', (m) => m.clients === 3);
    expect((await streamRow(joined.streamId)).clientCount).toBe(3);

    // Two leave by closing their sockets, one by `stop` (a spectator's stop only detaches).
    c.send({ action: 'stop' });
    expect(await c.waitFor('detached')).toMatchObject({ streamId: joined.streamId });
    expect((await streamRow(joined.streamId)).status).toBe('playing');
    await a.close();
    await b.close();
    const idle = await until('the stream to be idle', async () => {
      const r = await streamRow(joined.streamId);
      return r.clientCount === 0 && r.idleSince !== undefined ? r : undefined;
    });
    expect(idle.status).toBe('playing');
    await sleep(Math.max(0, idle.idleSince! + 1100 - Date.now()));

    const report = (await stack.invokeFunction('sweeper', {})) as { ended: number; restarted: number };
    expect(report).toMatchObject({ ended: 1, restarted: 0 });
    expect(await streamRow(joined.streamId)).toMatchObject({ status: 'ended', endedReason: 'idle', clientCount: 0 });
    await until('its execution to stop', async () =>
      stack.stepFunctions.executions().every((e) => e.status !== 'RUNNING' || JSON.parse(e.input).streamId !== joined.streamId),
    );
  });

  it('ends a pvai stream whose player stayed away past the grace; a player back in time keeps it', async () => {
    const game = '2011-usopen-2701';
    const [p, s] = [await connect('pia'), await connect('sam')];
    p.send({ action: 'start', gameId: game, mode: 'pvai', speed: 4 });
    const joined = await p.waitFor('joined');
    s.send({ action: 'join', streamId: joined.streamId });
    await s.waitFor('joined');
    const gone = async () => (await streamRow(joined.streamId)).controllersGoneSince;

    // The player drops and reconnects within the grace: the stream is kept.
    await p.close();
    await until('the controller grace to start', gone);
    const p2 = await connect('pia');
    p2.send({ action: 'rejoin', streamId: joined.streamId, epoch: joined.epoch, lastSeq: joined.positionSeq - 1 });
    expect(await p2.waitFor('joined')).toMatchObject({ streamId: joined.streamId, role: 'player' });
    await until('the grace to be cleared', async () => (await gone()) === undefined);
    await sleep(1100);
    expect(await stack.invokeFunction('sweeper', {})).toMatchObject({ ended: 0 });
    expect((await streamRow(joined.streamId)).status).toBe('playing');

    // The player leaves for good; a spectator does not keep a pvai stream alive.
    await p2.close();
    const since = await until('the controller grace to start again', gone);
    await sleep(Math.max(0, since + 1100 - Date.now()));
    expect(await stack.invokeFunction('sweeper', {})).toMatchObject({ ended: 1 });
    expect(await s.waitFor('ended')).toMatchObject({ streamId: joined.streamId, reason: 'stopped' });
    expect(await streamRow(joined.streamId)).toMatchObject({ status: 'ended', endedReason: 'stopped', clientCount: 1 });
  });

  it('restarts a stream whose execution was killed from its position, under a new epoch', async () => {
    const game = '2013-wimbledon-2701';
    const times = await recordingTimes(game);
    const z = await connect('zed');
    z.send({ action: 'start', gameId: game, mode: 'pvai', speed: 64, atMs: times[times.length - 25] });
    const joined = await z.waitFor('joined');
    await waitFrames(z, 3);
    const execution = stack.stepFunctions.executions().find((e) => e.status === 'RUNNING' && JSON.parse(e.input).streamId === joined.streamId);
    expect(execution).toBeDefined();
    stack.stepFunctions.stopExecution({ executionArn: execution!.executionArn });

    // The sweeper sees no running execution: a zombie. (A tick it raced with makes it try again.)
    let restarted = 0;
    for (let i = 0; i < 5 && restarted === 0; i++) {
      restarted = ((await stack.invokeFunction('sweeper', {})) as { restarted: number }).restarted;
      if (restarted === 0) await sleep(200);
    }
    expect(restarted).toBe(1);
    const row = await streamRow(joined.streamId);
    expect(row).toMatchObject({ status: 'playing', epoch: joined.epoch + 1, restarts: 1 });
    await waitFrames(z, 3, row.epoch);
    // Across both epochs: consecutive seqs from where it started, none lost or repeated.
    expect(seqs(z)).toEqual(Array.from({ length: seqs(z).length }, (_, i) => joined.positionSeq + i));
    const state = z.all('state').find((m) => m.epoch === row.epoch);
    expect(state).toMatchObject({ status: 'playing', by: 'system' });
    checkOrdering(z);
  });
});

describe('a connection whose $disconnect never ran', () => {
  it('is forgotten on the next fan-out\'s 410: its row deleted, clientCount back to the real count', async () => {
    const game = '2012-wimbledon-1701';
    const times = await recordingTimes(game);
    const [q, z] = [await connect('quinn'), await connect('zoe')];
    q.send({ action: 'start', gameId: game, mode: 'pvai', speed: 64, atMs: times[times.length - 40] });
    const joined = await q.waitFor('joined');
    await waitFrames(q, 1);
    q.send({ action: 'pause' });
    await q.waitFor('state', (m) => m.status === 'paused');
    z.send({ action: 'join', streamId: joined.streamId });
    await z.waitFor('joined');
    await q.waitFor('presence', (m) => m.clients === 2);
    expect((await streamRow(joined.streamId)).clientCount).toBe(2);
    const [zoeConn] = await connectionsOf('zoe');
    expect(zoeConn).toMatchObject({ streamId: joined.streamId, role: 'spectator' });

    // Zoe's TCP connection dies and the gateway's $disconnect invocation fails.
    const gateway = stack.gateway as unknown as { routes: Record<string, GatewayRoute> };
    const routes = { ...gateway.routes };
    let disconnects = 0;
    stack.gateway.setRoutes({
      ...routes,
      $disconnect: { ...routes.$disconnect!, handler: async () => { disconnects++; throw new Error('lost'); } },
    });
    try {
      z.ws.terminate();
      await until('the gateway to drop the connection', async () => !stack.gateway.connectionIds().includes(zoeConn!.connectionId) && disconnects > 0);
    } finally {
      stack.gateway.setRoutes(routes);
    }
    expect(await connectionsOf('zoe')).toHaveLength(1); // still attached, as far as the tables know
    expect((await streamRow(joined.streamId)).clientCount).toBe(2);

    // The next fan-out (a chat) gets 410 for Zoe and forgets her.
    q.send({ action: 'chat', text: 'anyone there?' });
    await q.waitFor('chat');
    await until('zoe to be forgotten', async () => (await connectionsOf('zoe')).length === 0);
    await until('clientCount to drop', async () => (await streamRow(joined.streamId)).clientCount === 1);
    expect(await connectionsOf('quinn')).toHaveLength(1);
  });
});
