/**
 * Social pass-through through the social function's createHandler with in-memory ports:
 * relayed to the caller's stream (input: never back to its sender), refused with the
 * protocol's codes, rate limited per connection — and nothing stored.
 */
import { createHandler } from '../../../lambda/handlers/social';
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
    expect(broadcaster.fanOuts).toEqual([
      { streamId: 'pvp:g1:r1', messages: [{ type: 'chat', streamId: 'pvp:g1:r1', from: 'ann', text: 'hi', at: 5_000 }] },
      { streamId: 'pvp:g1:r1', messages: [{ type: 'reaction', streamId: 'pvp:g1:r1', from: 'ann', emoji: '🎾', at: 5_000 }] },
      { streamId: 'pvp:g1:r1', messages: [{ type: 'input', streamId: 'pvp:g1:r1', from: 'ann', data: { dy: 1 } }], opts: { except: 'c-a' } },
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

  it('rate limits chat per connection (bucket on the connection row)', async () => {
    const { handler, broadcaster } = setup();
    for (let i = 0; i < 40; i++) await handler(wsEvent('c-a', 'ann', { action: 'chat', text: `m${i}` }));
    const limited = broadcaster.posts.filter((p) => (p.message as { code?: string }).code === 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    expect(broadcaster.fanOuts.length + limited.length).toBe(40);
  });
});

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
