/**
 * Social pass-through through the social function's createHandler with in-memory ports:
 * relayed to the caller's stream (input: never back to its sender), reactions summed per
 * window, refused with the protocol's codes, rate limited per user and by the stream's
 * social budget — and nothing stored.
 */
import { createHandler } from '../../../lambda/handlers/social';
import { REACTION_GRACE_MS, type ReactionWindows } from '../../../lambda/application/social';
import { consumeStreamBudget } from '../../../lambda/adapters/rate-limit';
import { senderIdOf, type ServerMessage } from '../../../protocol/messages';
import type { Time } from '../../../lambda/ports/time';
import type { ConnectionRow } from '../../../contract/rows';
import { streamRowFixture, wsEvent } from '../../support/aws-local';
import { FakeBroadcaster, InMemoryConnectionRegistry, InMemoryStreamStore, ManualTime, RecordingMetrics } from '../fakes';

const conn = (connectionId: string, userId: string, streamId?: string): ConnectionRow => ({
  connectionId, userId, displayName: userId, connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9, ...(streamId ? { streamId, role: 'player' as const } : {}),
});

function setup() {
  const connections = new InMemoryConnectionRegistry([conn('c-a', 'ann', 'pvp:g1:r1'), conn('c-b', 'bob', 'pvp:g1:r1'), conn('c-x', 'xen')]);
  const streams = new InMemoryStreamStore([streamRowFixture('pvp:g1:r1', { mode: 'pvp', controllers: ['ann', 'bob'] }), streamRowFixture('spectate:g1')]);
  const broadcaster = new FakeBroadcaster();
  const time = new ManualTime(5_000);
  return { connections, streams, broadcaster, time, handler: createHandler({ connections, streams, broadcaster, time }) };
}

describe('social', () => {
  it('relays chat and reactions to the stream, and input to everyone but its sender', async () => {
    const { handler, broadcaster, streams } = setup();
    const before = JSON.stringify([...streams.rows]);
    await handler(wsEvent('c-a', 'ann', { action: 'chat', text: 'hi' }));
    await handler(wsEvent('c-a', 'ann', { action: 'react', emoji: '🎾' }));
    await handler(wsEvent('c-a', 'ann', { action: 'input', data: { dy: 1 } }));
    const fromId = senderIdOf('ann');
    expect(broadcaster.fanOuts).toEqual([
      { streamId: 'pvp:g1:r1', messages: [{ type: 'chat', streamId: 'pvp:g1:r1', from: 'ann', fromId, text: 'hi', at: 5_000 }] },
      { streamId: 'pvp:g1:r1', messages: [{ type: 'reactions', streamId: 'pvp:g1:r1', counts: { '🎾': 1 }, windowMs: 1000, at: 5_000 }] },
      { streamId: 'pvp:g1:r1', messages: [{ type: 'input', streamId: 'pvp:g1:r1', from: 'ann', fromId, data: { dy: 1 } }], opts: { except: 'c-a' } },
    ]);
    expect(broadcaster.posts).toEqual([]);
    expect(JSON.stringify([...streams.rows])).toBe(before);
  });

  it('refuses a caller on no stream (bad_request) and input from a non-player (forbidden)', async () => {
    const { handler, broadcaster, connections } = setup();
    await handler(wsEvent('c-x', 'xen', { action: 'chat', text: 'hi' }));
    await connections.attach('c-x', 'pvp:g1:r1', 'spectator');
    await handler(wsEvent('c-x', 'xen', { action: 'input', data: {} }));
    expect(broadcaster.posts.map((p) => [p.connectionId, p.message.type, (p.message as { code?: string }).code])).toEqual([
      ['c-x', 'error', 'bad_request'],
      ['c-x', 'error', 'forbidden'],
    ]);
    expect(broadcaster.fanOuts).toEqual([]);
  });

  it('rate limits chat per user across all their connections, with retryAfterMs, and leaves other users alone', async () => {
    const { handler, broadcaster, connections } = setup();
    for (let i = 0; i < 10; i++) await connections.put({ ...conn(`c-ann-${i}`, 'ann', 'pvp:g1:r1') });
    for (let i = 0; i < 10; i++) await handler(wsEvent(`c-ann-${i}`, 'ann', { action: 'chat', text: `m${i}` }));
    const limited = broadcaster.posts.filter((p) => (p.message as { code?: string }).code === 'rate_limited');
    expect(broadcaster.fanOuts).toHaveLength(5); // one user's burst, however many connections
    expect(limited).toHaveLength(5);
    for (const p of limited) {
      expect(p.message).toMatchObject({ type: 'error', code: 'rate_limited', action: 'chat', retryAfterMs: expect.any(Number) });
      expect((p.message as { message: string }).message).toMatch(/^chat: rate limited \(5 at once, then 1 per second\); retry in \d+ ms$/);
    }
    await handler(wsEvent('c-b', 'bob', { action: 'chat', text: 'still here' }));
    expect(broadcaster.fanOuts).toHaveLength(6);
  });

  it('shows a cleaned display name: no bidi overrides, no invisible characters', async () => {
    const { connections, streams, broadcaster, time } = setup();
    const handler = createHandler({ connections, streams, broadcaster, time });
    const event = wsEvent('c-b', 'bob', { action: 'chat', text: 'hi' });
    event.requestContext.authorizer = { userId: 'bob', displayName: 'ann\u202Egnp.exe\u200B\u2066' };
    await handler(event);
    expect(broadcaster.fanOuts[0]!.messages[0]).toMatchObject({ from: 'anngnp.exe', fromId: senderIdOf('bob') });
    expect(senderIdOf('bob')).not.toBe(senderIdOf('ann'));
  });

  it('refuses chat when the stream-wide social budget is spent: a line costs the audience', async () => {
    const connections = new InMemoryConnectionRegistry([conn('c-a', 'ann', 'spectate:big'), conn('c-b', 'bob', 'spectate:big')]);
    const streams = new InMemoryStreamStore([streamRowFixture('spectate:big', { clientCount: 1000 })]);
    const broadcaster = new FakeBroadcaster();
    const time = new ManualTime(5_000);
    const spec = { burst: 2000, perSecond: 1000 };
    const budget = (streamId: string, posts: number) => consumeStreamBudget(streamId, posts, { connections, spec, now: () => time.now() });
    const handler = createHandler({ connections, streams, broadcaster, time, budget });
    await handler(wsEvent('c-a', 'ann', { action: 'chat', text: '1' }));
    await handler(wsEvent('c-b', 'bob', { action: 'chat', text: '2' }));
    await handler(wsEvent('c-a', 'ann', { action: 'chat', text: '3' }));
    expect(broadcaster.fanOuts).toHaveLength(2);
    expect(broadcaster.posts.map((p) => p.message)).toEqual([
      { type: 'error', code: 'rate_limited', action: 'chat', retryAfterMs: 1000, message: 'chat: this stream is busy (its 1000 viewers share 1 messages per second); retry in 1000 ms' },
    ]);
    time.at += 1000;
    await handler(wsEvent('c-a', 'ann', { action: 'chat', text: '4' }));
    expect(broadcaster.fanOuts).toHaveLength(3);
  });
});

/** Reaction windows in memory: add and close are each one step, as DynamoDB's UpdateItems are. */
class InMemoryReactionWindows implements ReactionWindows {
  readonly windows = new Map<string, { counts: Record<string, number>; closed: boolean }>();
  async add(streamId: string, windowStart: number, emoji: string): Promise<'first' | 'counted' | 'closed'> {
    const key = `${streamId} ${windowStart}`;
    const w = this.windows.get(key);
    if (w?.closed) return 'closed';
    const counts = w?.counts ?? {};
    counts[emoji] = (counts[emoji] ?? 0) + 1;
    this.windows.set(key, { counts, closed: false });
    return w ? 'counted' : 'first';
  }
  async close(streamId: string, windowStart: number): Promise<Record<string, number>> {
    const key = `${streamId} ${windowStart}`;
    const w = this.windows.get(key) ?? { counts: {}, closed: true };
    this.windows.set(key, { ...w, closed: true });
    return { ...w.counts };
  }
}

/** A clock whose sleeps wait until the test releases them. */
class HeldTime implements Time {
  readonly held: Array<() => void> = [];
  constructor(public at: number) {}
  now(): number {
    return this.at;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.held.push(() => ((this.at += Math.max(0, ms)), resolve())));
  }
}

describe('reactions summed per window', () => {
  it('fans out one reactions message per window with the counts of every user, however many clicked', async () => {
    const users = ['ann', 'bob', 'cat', 'dan'];
    const connections = new InMemoryConnectionRegistry(users.map((u) => conn(`c-${u}`, u, 'spectate:g1')));
    const streams = new InMemoryStreamStore([streamRowFixture('spectate:g1')]);
    const broadcaster = new FakeBroadcaster();
    const time = new HeldTime(10_200);
    const reactions = new InMemoryReactionWindows();
    const handler = createHandler({ connections, streams, broadcaster, time, reactions, reactionWindowMs: 1000 });
    const leader = handler(wsEvent('c-ann', 'ann', { action: 'react', emoji: '🔥' }));
    await until(() => time.held.length === 1);
    for (const u of users) for (const emoji of ['🔥', '👏']) await handler(wsEvent(`c-${u}`, u, { action: 'react', emoji }));
    expect(broadcaster.fanOuts).toEqual([]);
    time.held[0]!();
    await leader;
    expect(time.at).toBe(11_000 + REACTION_GRACE_MS);
    const out: ServerMessage[] = broadcaster.fanOuts.flatMap((f) => f.messages);
    expect(out).toEqual([{ type: 'reactions', streamId: 'spectate:g1', counts: { '🔥': 5, '👏': 4 }, windowMs: 1000, at: 11_000 }]);
  });
});

describe('a reaction whose add lands after its window was closed', () => {
  it('is counted in the next window, whose first reaction publishes it: none lost, none counted twice', async () => {
    const connections = new InMemoryConnectionRegistry([conn('c-ann', 'ann', 'spectate:g1'), conn('c-bob', 'bob', 'spectate:g1')]);
    const streams = new InMemoryStreamStore([streamRowFixture('spectate:g1')]);
    const broadcaster = new FakeBroadcaster();
    const time = new HeldTime(10_200);
    const reactions = new InMemoryReactionWindows();
    // bob's add is slow: it reaches the store only after ann's window (10 000–11 000) is closed.
    const add = reactions.add.bind(reactions);
    let bobsAdd: (() => void) | undefined;
    reactions.add = (streamId, windowStart, emoji) =>
      emoji === '👏' && !bobsAdd ? new Promise((resolve) => (bobsAdd = () => resolve(add(streamId, windowStart, emoji)))) : add(streamId, windowStart, emoji);
    const handler = createHandler({ connections, streams, broadcaster, time, reactions, reactionWindowMs: 1000 });
    const ann = handler(wsEvent('c-ann', 'ann', { action: 'react', emoji: '🔥' }));
    await until(() => time.held.length === 1);
    const bob = handler(wsEvent('c-bob', 'bob', { action: 'react', emoji: '👏' }));
    await until(() => bobsAdd !== undefined);
    time.held[0]!(); // ann's window ends: she closes it and publishes it
    await ann;
    bobsAdd!(); // refused (closed): bob's reaction goes to 11 000–12 000, its first — he publishes that one
    await until(() => time.held.length === 2);
    time.held[1]!();
    await bob;
    const out: ServerMessage[] = broadcaster.fanOuts.flatMap((f) => f.messages);
    expect(out).toEqual([
      { type: 'reactions', streamId: 'spectate:g1', counts: { '🔥': 1 }, windowMs: 1000, at: 11_000 },
      { type: 'reactions', streamId: 'spectate:g1', counts: { '👏': 1 }, windowMs: 1000, at: 12_000 },
    ]);
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error('condition never held');
}

describe('social metrics', () => {
  it('counts ChatMessages and Reactions relayed, MessagesRefused by code, and flushes once per invocation', async () => {
    const { connections, streams, broadcaster, time } = setup();
    const metrics = new RecordingMetrics();
    const handler = createHandler({ connections, streams, broadcaster, time, metrics });
    await handler(wsEvent('c-a', 'ann', { action: 'chat', text: 'hi' }));
    await handler(wsEvent('c-a', 'ann', { action: 'chat', text: 'again' }));
    await handler(wsEvent('c-a', 'ann', { action: 'react', emoji: '🎾' }));
    await handler(wsEvent('c-a', 'ann', { action: 'input', data: {} }));
    await handler(wsEvent('c-x', 'xen', { action: 'chat', text: 'hi' }));
    expect(metrics.sum('ChatMessages')).toBe(2);
    expect(metrics.sum('Reactions')).toBe(1);
    expect(metrics.points.filter((p) => p.name === 'MessagesRefused')).toEqual([{ name: 'MessagesRefused', value: 1, dimensions: { code: 'bad_request' } }]);
    expect(metrics.flushes).toBe(5);
  });
});
