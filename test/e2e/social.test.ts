/**
 * End to end on local mode, the social side of a stream: chat, reactions and pvp input
 * relayed to the clients of one stream only, and presence on every attach and detach.
 */
import { E2e, flush, sleep, until } from '../support/e2e';
import { senderIdOf } from '../../protocol/messages';
import type { TestClient } from '../support/ws-client';

jest.setTimeout(300_000); // a bound against a hang on a busy machine

let e: E2e;

beforeAll(async () => {
  e = await E2e.start({ sweeper: false });
});
afterAll(async () => {
  await e?.close();
});

const connect = (user: string, displayName?: string) => e.connect(user, displayName);

/**
 * `joined` is sent just before the connection is attached; the attach is announced by
 * `presence`. Acting between the two gets "not attached" (see the report), so wait for both.
 */
async function attached(c: TestClient): Promise<void> {
  const j = await c.waitFor('joined');
  await c.waitFor('presence', (m) => m.streamId === j.streamId);
}


// Paused or slow streams: the tests only need them to exist.
const GAME = '2012-ausopen-1701';
const OTHER = '2012-wimbledon-1701';

describe('chat and reactions', () => {
  it('reach every client of the stream, with the sender\'s display name and id, and no other stream; reactions summed', async () => {
    const [a, b, o] = [await connect('ann', 'Ann A.'), await connect('bea', 'Bea B.'), await connect('oli', 'Oli O.')];
    a.send({ action: 'start', gameId: GAME, speed: 0.25 });
    b.send({ action: 'start', gameId: GAME });
    o.send({ action: 'start', gameId: OTHER, speed: 0.25 });
    const [ja, jb, jo] = await Promise.all([a.waitFor('joined'), b.waitFor('joined'), o.waitFor('joined')]);
    expect(jb.streamId).toBe(ja.streamId);
    expect(jo.streamId).not.toBe(ja.streamId);
    await a.waitFor('presence', (m) => m.clients === 2);
    await o.waitFor('presence');

    b.send({ action: 'chat', text: 'what a rally' });
    for (const x of [a, b]) expect(await x.waitFor('chat')).toMatchObject({ streamId: ja.streamId, from: 'Bea B.', fromId: senderIdOf('bea'), text: 'what a rally' });
    a.send({ action: 'react', emoji: '🔥' });
    b.send({ action: 'react', emoji: '🔥' });
    b.send({ action: 'react', emoji: '👏' });
    // One window's reactions arrive as one message with the counts (or, across a window's edge, two).
    for (const x of [a, b]) {
      await until(`${x.userId} sees 3 reactions`, async () => x.all('reactions').reduce((n, m) => n + Object.values(m.counts).reduce((p, q) => p + q, 0), 0) >= 3);
      const total: Record<string, number> = {};
      for (const m of x.all('reactions')) for (const [emoji, n] of Object.entries(m.counts)) total[emoji] = (total[emoji] ?? 0) + n;
      expect(total).toEqual({ '🔥': 2, '👏': 1 });
      expect(x.all('reactions').every((m) => m.streamId === ja.streamId)).toBe(true);
    }
    o.send({ action: 'chat', text: 'elsewhere' });
    expect(await o.waitFor('chat')).toMatchObject({ streamId: jo.streamId, from: 'Oli O.', text: 'elsewhere' });

    await sleep(300);
    await Promise.all([a, b, o].map(flush));
    expect(o.all('chat').map((m) => m.text)).toEqual(['elsewhere']);
    expect(o.all('reactions')).toEqual([]);
    for (const x of [a, b]) expect(x.all('chat').map((m) => m.text)).toEqual(['what a rally']);
    // The display name defaults to the user id, and is cleaned of bidi overrides and invisible characters.
    const d = await connect('dan');
    const m = await connect('mallory', 'Bea B.\u202E\u200B');
    for (const x of [d, m]) x.send({ action: 'join', streamId: ja.streamId });
    await attached(d);
    await attached(m);
    d.send({ action: 'chat', text: 'hi' });
    expect(await a.waitFor('chat', (c) => c.text === 'hi')).toMatchObject({ from: 'dan', fromId: senderIdOf('dan') });
    m.send({ action: 'chat', text: 'I am Bea' });
    // The same display name as Bea's, but not her id: the clients show them apart.
    const fake = await a.waitFor('chat', (c) => c.text === 'I am Bea');
    expect(fake).toMatchObject({ from: 'Bea B.', fromId: senderIdOf('mallory') });
    expect(fake.fromId).not.toBe(senderIdOf('bea'));
  });

  it('refuse an emoji outside the set and a chat from a connection on no stream', async () => {
    const [a, n] = [await connect('amy'), await connect('nobody')];
    a.send({ action: 'start', gameId: GAME });
    await a.waitFor('joined');
    a.send({ action: 'react', emoji: '🤖' });
    expect(await a.waitFor('error')).toMatchObject({ code: 'bad_request', action: 'react' });
    n.send({ action: 'chat', text: 'hello?' });
    expect(await n.waitFor('error')).toMatchObject({ code: 'bad_request', action: 'chat' });
    n.send({ action: 'react', emoji: '👍' });
    expect(await n.waitFor('error', (m) => m.action === 'react')).toMatchObject({ code: 'bad_request' });
    await flush(a);
    expect(a.all('chat')).toEqual([]);
    expect(a.all('reactions')).toEqual([]);
  });
});

describe('pvp input', () => {
  it('goes from a controller to everyone else but not back; a spectator\'s is forbidden', async () => {
    const [p1, p2, s] = [await connect('pia', 'Pia'), await connect('pat', 'Pat'), await connect('spec', 'Spec')];
    p1.send({ action: 'start', gameId: OTHER, mode: 'pvp', room: 'input', speed: 0.25 });
    const joined = await p1.waitFor('joined');
    p2.send({ action: 'start', gameId: OTHER, mode: 'pvp', room: 'input' });
    await attached(p2);
    s.send({ action: 'join', streamId: joined.streamId });
    expect(await s.waitFor('joined')).toMatchObject({ role: 'spectator' });
    await attached(s);

    p1.send({ action: 'input', data: { paddle: 0.42 } });
    for (const x of [p2, s]) expect(await x.waitFor('input')).toEqual({ type: 'input', streamId: joined.streamId, from: 'Pia', fromId: senderIdOf('pia'), data: { paddle: 0.42 } });
    p2.send({ action: 'input', data: { paddle: -1 } });
    expect(await p1.waitFor('input')).toMatchObject({ from: 'Pat', data: { paddle: -1 } });
    await s.waitFor('input', (m) => m.from === 'Pat');

    s.send({ action: 'input', data: { paddle: 1 } });
    expect(await s.waitFor('error')).toMatchObject({ code: 'forbidden', action: 'input' });
    await sleep(300);
    await Promise.all([p1, p2, s].map(flush));
    expect(p1.all('input').map((m) => m.from)).toEqual(['Pat']);
    expect(p2.all('input').map((m) => m.from)).toEqual(['Pia']);
    expect(s.all('input').map((m) => m.from)).toEqual(['Pia', 'Pat']);

    // Input is for pvp rooms only.
    const v = await connect('viv');
    v.send({ action: 'start', gameId: GAME, mode: 'pvai', speed: 0.25 });
    await attached(v);
    v.send({ action: 'input', data: {} });
    expect(await v.waitFor('error')).toMatchObject({ code: 'forbidden' });
  });
});

describe('presence', () => {
  it('follows every attach and detach with the players and spectators counts', async () => {
    const [p1, p2, s1, s2] = [await connect('pola'), await connect('piet'), await connect('sven'), await connect('sara')];
    const last = (c: TestClient) => c.all('presence').at(-1)!;
    const counts = (c: TestClient) => {
      const m = last(c);
      return [m.clients, m.players, m.spectators];
    };
    /** Wait until the latest `presence` `c` received says `want` ([clients, players, spectators]). */
    const waitCounts = async (c: TestClient, want: number[]) => {
      const deadline = Date.now() + 10_000;
      while (JSON.stringify(c.all('presence').length ? counts(c) : []) !== JSON.stringify(want)) {
        if (Date.now() > deadline) throw new Error(`${c.userId}: presence ${JSON.stringify(c.all('presence').map((m) => [m.clients, m.players, m.spectators]))}, want ${JSON.stringify(want)}`);
        await c.waitFor('presence', () => true, Math.max(1, deadline - Date.now()), c.messages.length).catch(() => undefined);
      }
    };

    p1.send({ action: 'start', gameId: GAME, mode: 'pvp', room: 'presence', speed: 0.25 });
    const joined = await p1.waitFor('joined');
    await waitCounts(p1, [1, 1, 0]);
    p2.send({ action: 'start', gameId: GAME, mode: 'pvp', room: 'presence' });
    await waitCounts(p2, [2, 2, 0]);
    await waitCounts(p1, [2, 2, 0]);
    // One at a time: two concurrent announcements may arrive in either order.
    s1.send({ action: 'join', streamId: joined.streamId });
    for (const x of [p1, p2, s1]) await waitCounts(x, [3, 2, 1]);
    s2.send({ action: 'start', gameId: GAME, mode: 'pvp', room: 'presence' });
    expect(await s2.waitFor('joined')).toMatchObject({ streamId: joined.streamId, role: 'spectator' });
    for (const x of [p1, p2, s1, s2]) await waitCounts(x, [4, 2, 2]);
    expect(last(p1).streamId).toBe(joined.streamId);

    // A spectator leaves with `stop`, another moves to a different stream, a player's socket closes.
    s1.send({ action: 'stop' });
    await s1.waitFor('detached');
    for (const x of [p1, p2, s2]) await waitCounts(x, [3, 2, 1]);
    s2.send({ action: 'start', gameId: '2013-wimbledon-2701', speed: 0.25 });
    const moved = await s2.waitFor('joined', (m) => m.streamId !== joined.streamId);
    await s2.waitFor('presence', (m) => m.streamId === moved.streamId && m.clients === 1 && m.spectators === 1);
    for (const x of [p1, p2]) await waitCounts(x, [2, 2, 0]);
    await p2.close();
    await waitCounts(p1, [1, 1, 0]);
    await flush(p1);
    expect(counts(p1)).toEqual([1, 1, 0]);
  });
});
