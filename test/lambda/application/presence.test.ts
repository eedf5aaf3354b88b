/**
 * `$disconnect` and coalesced presence on in-memory ports with a clock the test moves: the
 * leaver is forgotten and uncounted, a controller's leaving starts the controller grace, and
 * a change right after a broadcast is announced once the interval has passed — not twice in it.
 */
import { announcePresence, PRESENCE_INTERVAL_MS } from '../../../lambda/application/presence';
import { createHandler } from '../../../lambda/handlers/disconnect';
import type { ConnectionRow } from '../../../contract/rows';
import { streamRowFixture, wsEvent } from '../../support/aws-local';
import { FakeBroadcaster, InMemoryConnectionRegistry, InMemoryStreamStore, ManualTime } from '../fakes';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const conn = (connectionId: string, userId: string, streamId: string, role: 'player' | 'spectator'): ConnectionRow => ({
  connectionId, userId, displayName: userId, connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9, streamId, role,
});

function setup() {
  const connections = new InMemoryConnectionRegistry([conn('c-p', 'ann', 'pvai:g1:ann', 'player'), conn('c-s', 'bob', 'pvai:g1:ann', 'spectator')]);
  const streams = new InMemoryStreamStore([streamRowFixture('pvai:g1:ann', { mode: 'pvai', controllers: ['ann'], clientCount: 2, presenceVersion: 2 })]);
  const broadcaster = new FakeBroadcaster();
  const time = new ManualTime(1_000_000);
  const ports = { connections, streams, broadcaster, time, log: silent, jitterMs: () => 0 };
  return { ...ports, ports };
}

describe('$disconnect', () => {
  it('forgets the player, uncounts it, starts the controller grace and announces presence', async () => {
    const { ports, connections, streams, broadcaster } = setup();
    await createHandler(ports)(wsEvent('c-p', 'ann', {}));
    expect(await connections.get('c-p')).toBeUndefined();
    expect(await streams.get('pvai:g1:ann')).toMatchObject({ clientCount: 1, controllersGoneSince: 1_000_000 });
    expect(broadcaster.sentTo('pvai:g1:ann')).toEqual([{ type: 'presence', streamId: 'pvai:g1:ann', clients: 1, players: 0, spectators: 1 }]);
    // A second $disconnect of the same connection changes nothing.
    await createHandler(ports)(wsEvent('c-p', 'ann', {}));
    expect((await streams.get('pvai:g1:ann'))?.clientCount).toBe(1);
    expect(broadcaster.fanOuts).toHaveLength(1);
  });
});

describe('announcePresence', () => {
  it('announces a change made just after a broadcast once the interval has passed', async () => {
    const { ports, streams, broadcaster, time } = setup();
    await announcePresence(ports, 'pvai:g1:ann', (await streams.addClients('pvai:g1:ann', 1, time.now()))!.presenceVersion);
    expect(broadcaster.fanOuts).toHaveLength(1);
    const broadcastAt = time.now();
    await announcePresence(ports, 'pvai:g1:ann', (await streams.addClients('pvai:g1:ann', 1, time.now()))!.presenceVersion);
    expect(broadcaster.fanOuts).toHaveLength(2);
    // It waited for the interval (on the moved clock) rather than broadcasting twice within it.
    expect(time.now() - broadcastAt).toBeGreaterThanOrEqual(PRESENCE_INTERVAL_MS);
  });

  it('does nothing for a stream row that is gone, or a version a later broadcast covered', async () => {
    const { ports, streams, broadcaster } = setup();
    await announcePresence(ports, 's-never', 1);
    streams.poke('pvai:g1:ann', { presenceSentVersion: 5, presenceSentAt: 999_000 });
    await announcePresence(ports, 'pvai:g1:ann', 4);
    expect(broadcaster.fanOuts).toEqual([]);
  });
});
