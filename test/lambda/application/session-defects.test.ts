/**
 * Session defects found by attacking local mode, on the in-memory ports: a `start` whose
 * `speed`/`atMs` a shared stream cannot honour says so in `joined.notice`; a spectator's `stop`
 * is answered `detached` (the stream plays on); a controller's command retries against the
 * tick's progress until it applies; two `start`s in flight on one connection leave no count
 * behind; the catalog pages under the message size limit; invited pvp rooms are private.
 */
import {
  applyControl,
  ControlRefusal,
  joinStreamById,
  listCatalog,
  startStream,
  stopStream,
  type ControlConfig,
  type ControlPorts,
} from '../../../lambda/application/control';
import type { ConnectionRow, GameRow, StreamRow } from '../../../contract/rows';
import type { Caller } from '../../../lambda/core/ws-event';
import type { Log } from '../../../lambda/ports/log';
import type { FrameSource } from '../../../lambda/ports/frames';
import { CATALOG_PAGE_BYTES, parseClientMessage, type CatalogMessage, type ServerMessage, type StartMessage } from '../../../protocol/messages';
import { streamRowFixture } from '../../support/aws-local';
import { FakeBroadcaster, FakeWorkflow, InMemoryConnectionRegistry, InMemoryGameCatalog, InMemoryStreamStore, ManualTime } from '../fakes';
import { recordedGame, silentFrames } from './fixtures';

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

function world(opts: { streams?: StreamRow[]; games?: GameRow[]; frames?: FrameSource } = {}) {
  const connections = new InMemoryConnectionRegistry();
  const ports = {
    streams: new InMemoryStreamStore(opts.streams ?? []),
    connections,
    games: new InMemoryGameCatalog(opts.games ?? [recordedGame]),
    broadcaster: new FakeBroadcaster(),
    workflow: new FakeWorkflow(),
    frames: () => opts.frames ?? silentFrames,
    time: new ManualTime(),
    log: silent,
  } satisfies ControlPorts;
  let rooms = 0;
  const config: ControlConfig = { maxClients: 1000, newRoomId: () => `room${++rooms}` };
  const caller = async (userId: string, connectionId = `c-${userId}`): Promise<Caller> => {
    const row: ConnectionRow = { connectionId, userId, displayName: userId, connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 };
    if (!(await connections.get(connectionId))) await connections.put(row);
    return { connectionId, userId, displayName: userId, requestId: 'r', routeKey: 'start' };
  };
  const posted = (connectionId: string): ServerMessage[] => ports.broadcaster.posts.filter((p) => p.connectionId === connectionId).map((p) => p.message);
  return { ports, config, caller, posted };
}

const start = (over: Partial<StartMessage> = {}): StartMessage => ({ action: 'start', gameId: 'g1', mode: 'spectate', speed: 1, ...over }) as StartMessage;

describe('start on a shared stream', () => {
  it('tells a viewer whose speed or atMs the shared stream cannot honour (joined.notice shared_stream)', async () => {
    const w = world();
    await startStream(w.ports, w.config, await w.caller('alice'), start());
    const bob = await w.caller('bob');
    await startStream(w.ports, w.config, bob, start({ speed: 16, atMs: 3000 }));
    const joined = w.posted('c-bob').find((m) => m.type === 'joined');
    expect(joined).toMatchObject({ type: 'joined', streamId: 'spectate:g1', speed: 1 });
    expect((joined as { notice?: { code: string; message: string } }).notice).toEqual({
      code: 'shared_stream',
      message: expect.stringContaining('"mode":"pvai"'),
    });
  });

  it('says nothing when the start asked for nothing the stream does not do', async () => {
    const w = world();
    await startStream(w.ports, w.config, await w.caller('alice'), start({ speed: 4 }));
    await startStream(w.ports, w.config, await w.caller('bob'), start({ speed: 4 }));
    const joined = w.posted('c-bob').find((m) => m.type === 'joined');
    expect(joined).toBeDefined();
    expect(joined).not.toHaveProperty('notice');
    expect(w.posted('c-alice').find((m) => m.type === 'joined')).not.toHaveProperty('notice');
  });
});

describe('stop', () => {
  it("a spectator's stop is answered detached: the stream plays on for the others", async () => {
    const w = world();
    await startStream(w.ports, w.config, await w.caller('alice'), start());
    const bob = await w.caller('bob');
    await startStream(w.ports, w.config, bob, start());
    await stopStream(w.ports, bob);
    expect(w.posted('c-bob').at(-1)).toEqual({ type: 'detached', streamId: 'spectate:g1' });
    expect(await w.ports.streams.get('spectate:g1')).toMatchObject({ status: 'starting', clientCount: 1 });
  });

  it("a pvai player's stop ends the stream: ended stopped", async () => {
    const w = world();
    const alice = await w.caller('alice');
    await startStream(w.ports, w.config, alice, start({ mode: 'pvai' }));
    await stopStream(w.ports, alice);
    expect(w.posted('c-alice').at(-1)).toEqual({ type: 'ended', streamId: 'pvai:g1:alice', reason: 'stopped' });
  });
});

describe('a control against the tick', () => {
  const playing = (over: Partial<StreamRow> = {}) =>
    streamRowFixture('pvai:g1:alice', { mode: 'pvai', status: 'playing', controllers: ['alice'], epoch: 3, durationMs: 9000, frameCount: 10, ...over });

  it('a seek applies even when the tick claims a batch before each of its first writes', async () => {
    const w = world({ streams: [playing()] });
    const alice = await w.caller('alice');
    await w.ports.connections.attach(alice.connectionId, 'pvai:g1:alice', 'player');
    let seq = 0;
    w.ports.streams.beforeUpdate = (streamId) => {
      if (seq < 8) void w.ports.streams.poke(streamId, { positionSeq: ++seq });
    };
    await applyControl(w.ports, alice, { action: 'seek', toMs: 4200 });
    expect(await w.ports.streams.get('pvai:g1:alice')).toMatchObject({ epoch: 4, positionMs: 4200, positionSeq: 5 });
  });

  it('the first frame after a seek, resume or speed change is due at once (no lead)', async () => {
    const w = world({ streams: [playing()] });
    const alice = await w.caller('alice');
    await w.ports.connections.attach(alice.connectionId, 'pvai:g1:alice', 'player');
    const t0 = w.ports.time.now();
    await applyControl(w.ports, alice, { action: 'seek', toMs: 4000 });
    expect((await w.ports.streams.get('pvai:g1:alice'))!.anchorAt).toBeLessThanOrEqual(t0);
    await applyControl(w.ports, alice, { action: 'pause' });
    const t1 = w.ports.time.now();
    await applyControl(w.ports, alice, { action: 'resume' });
    expect((await w.ports.streams.get('pvai:g1:alice'))!.anchorAt).toBeLessThanOrEqual(t1);
  });
});

describe('leaving a stream nobody watches', () => {
  it('a start that leaves a scheduled stream before its start, or a live stream, does not end it', async () => {
    const w = world({
      streams: [
        streamRowFixture('scheduled:g1:k1', { status: 'scheduled', startsAt: 9e12 }),
        streamRowFixture('spectate:g0', { gameId: 'g0', status: 'playing', livePlayback: 'edge' }),
      ],
    });
    const eve = await w.caller('eve');
    await joinStreamById(w.ports, w.config, eve, { action: 'join', streamId: 'scheduled:g1:k1' });
    await startStream(w.ports, w.config, eve, start({ mode: 'pvai' }));
    expect(await w.ports.streams.get('scheduled:g1:k1')).toMatchObject({ status: 'scheduled', clientCount: 0 });
    await joinStreamById(w.ports, w.config, eve, { action: 'join', streamId: 'spectate:g0' });
    await startStream(w.ports, w.config, eve, start({ mode: 'pvai' }));
    expect(await w.ports.streams.get('spectate:g0')).toMatchObject({ status: 'playing', clientCount: 0 });
  });
});

describe('the catalog in pages', () => {
  it('pages a catalog of any size under the message limit (bytes, not entries), and the pages hold every entry once', async () => {
    const long = (i: number) => `${'A very long title of a scheduled stream, as an operator writes one '.repeat(20)} #${i}`;
    const games: GameRow[] = Array.from({ length: 400 }, (_, i) => ({
      ...recordedGame,
      gameId: `g${i}`,
      title: long(i),
      participants: Array.from({ length: 22 }, (__, p) => `Participant with a long name number ${p} of game ${i}`),
    }));
    const streams = Array.from({ length: 100 }, (_, i) =>
      streamRowFixture(`scheduled:g${i}:k${i}`, { gameId: `g${i}`, status: 'scheduled', title: long(i), startsAt: 2_000_000 + i }),
    );
    const w = world({ games, streams });
    const lee = await w.caller('lee');
    const seen = { games: new Set<string>(), streams: new Set<string>() };
    let cursor: string | undefined;
    let pages = 0;
    do {
      await listCatalog(w.ports, lee, cursor === undefined ? {} : { cursor });
      const raw = JSON.stringify(w.posted('c-lee').at(-1));
      expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(CATALOG_PAGE_BYTES);
      const page = JSON.parse(raw) as CatalogMessage;
      for (const g of page.games) seen.games.add(g.gameId);
      for (const st of page.streams) seen.streams.add(st.streamId);
      cursor = page.next;
      pages++;
    } while (cursor !== undefined && pages < 1000);
    expect(pages).toBeGreaterThan(2);
    expect(seen.games.size).toBe(400);
    expect(seen.streams.size).toBe(100);
  });

  it('list takes a cursor of the catalog page form only', () => {
    expect(parseClientMessage('{"action":"list","cursor":"12.0"}')).toMatchObject({ ok: true, message: { cursor: '12.0' } });
    expect(parseClientMessage('{"action":"list","cursor":"x"}')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

describe('private pvp rooms', () => {
  it('matchmaking never fills a room opened with an invite, and list never shows its id', async () => {
    const w = world();
    const alice = await w.caller('alice');
    await startStream(w.ports, w.config, alice, start({ mode: 'pvp', room: 'invite-7QbX2kPz9mWc4RtY' }));
    const mallory = await w.caller('mallory');
    await startStream(w.ports, w.config, mallory, start({ mode: 'pvp' }));
    expect(await w.ports.connections.get('c-mallory')).toMatchObject({ streamId: 'pvp:g1:open-room1', role: 'player' });
    expect(await w.ports.streams.get('pvp:g1:invite-7QbX2kPz9mWc4RtY')).toMatchObject({ controllers: ['alice'] });

    await listCatalog(w.ports, mallory);
    const catalog = w.posted('c-mallory').at(-1) as CatalogMessage;
    expect(catalog.streams.map((s) => s.streamId)).toEqual(['pvp:g1:open-room1']);

    // The invited friend, with the link's room, takes the second seat.
    const bob = await w.caller('bob');
    await startStream(w.ports, w.config, bob, start({ mode: 'pvp', room: 'invite-7QbX2kPz9mWc4RtY' }));
    expect(await w.ports.streams.get('pvp:g1:invite-7QbX2kPz9mWc4RtY')).toMatchObject({ controllers: ['alice', 'bob'] });
  });
});


describe('two starts in flight on one connection', () => {
  /** A deterministic pseudo-random source (mulberry32). */
  const rng = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const yields = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
  };

  it.each([
    ['pvai then pvp', [{ mode: 'pvai' }, { mode: 'pvp' }]],
    ['pvp then pvai', [{ mode: 'pvp' }, { mode: 'pvai' }]],
    ['two pvp rooms', [{ mode: 'pvp', room: 'ra' }, { mode: 'pvp', room: 'rb' }]],
  ] as const)('%s: one stream holds the connection, counted once; the other is counted 0 and ended', async (_name, starts) => {
    for (let seed = 1; seed <= 40; seed++) {
      const w = world();
      const random = rng(seed);
      const delay = () => yields(Math.floor(random() * 6));
      w.ports.streams.beforeAddClients = delay;
      w.ports.streams.beforeUpdate = delay;
      w.ports.connections.afterAttach = delay;
      const alice = await w.caller('alice');
      await Promise.all(starts.map(async (s, i) => {
        await yields(i * Math.floor(random() * 4));
        await startStream(w.ports, w.config, alice, start(s)).catch((e: unknown) => {
          if (!(e instanceof ControlRefusal)) throw e;
        });
      }));
      const conn = await w.ports.connections.get('c-alice');
      const rows = [...w.ports.streams.rows.values()];
      for (const row of rows) {
        const attachedHere = conn?.streamId === row.streamId ? 1 : 0;
        expect({ seed, streamId: row.streamId, clientCount: row.clientCount }).toEqual({ seed, streamId: row.streamId, clientCount: attachedHere });
        if (!attachedHere) {
          expect({ seed, streamId: row.streamId, status: row.status }).toEqual({ seed, streamId: row.streamId, status: 'ended' });
          // The caller may have been greeted for it: it is told that stream ended.
          expect(w.posted('c-alice')).toContainEqual({ type: 'ended', streamId: row.streamId, reason: 'stopped' });
        }
      }
    }
  });
});
