/**
 * Detaching (application/session.ts `detach`, `stop`) when the stream's epoch keeps moving:
 * a player's `stop` whose end loses every conditional write to controls from the player's
 * other connection still detaches, uncounts and answers `ended` — the StaleEpochError that
 * endStream gives up with never escapes to the handler — and the stream is left to its
 * controller grace.
 */
import { stopStream, type ControlPorts } from '../../../lambda/application/control';
import { MAX_END_ATTEMPTS } from '../../../lambda/application/end-stream';
import type { ConnectionRow } from '../../../contract/rows';
import type { Caller } from '../../../lambda/core/ws-event';
import type { FrameSource } from '../../../lambda/ports/frames';
import type { Log } from '../../../lambda/ports/log';
import { streamRowFixture } from '../../support/aws-local';
import { FakeBroadcaster, FakeWorkflow, InMemoryConnectionRegistry, InMemoryGameCatalog, InMemoryStreamStore, ManualTime } from '../fakes';

const frames: FrameSource = {
  kind: 'recorded',
  read: async () => [],
  seqAtOrAfter: async () => 0,
  cursor: () => {
    throw new Error('not used');
  },
};

const conn = (connectionId: string): ConnectionRow => ({
  connectionId, userId: 'alice', displayName: 'alice', connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9, streamId: 'pvai:g1:alice', role: 'player',
});

function world() {
  const warnings: string[] = [];
  const log: Log = { info: () => {}, warn: (m) => void warnings.push(m), error: () => {} };
  const ports = {
    streams: new InMemoryStreamStore([streamRowFixture('pvai:g1:alice', { mode: 'pvai', status: 'playing', controllers: ['alice'], epoch: 3, clientCount: 1, presenceVersion: 1 })]),
    connections: new InMemoryConnectionRegistry([conn('c-1')]),
    games: new InMemoryGameCatalog([]),
    broadcaster: new FakeBroadcaster(),
    workflow: new FakeWorkflow(),
    frames: () => frames,
    time: new ManualTime(),
    log,
  } satisfies ControlPorts;
  const caller: Caller = { connectionId: 'c-1', userId: 'alice', displayName: 'alice', requestId: 'r', routeKey: 'stop' };
  return { ports, caller, warnings };
}

describe('stop while the epoch keeps moving', () => {
  it(`detaches, uncounts and replies detached (the stream plays on) when all ${MAX_END_ATTEMPTS} of its end's writes lose to newer epochs`, async () => {
    const { ports, caller, warnings } = world();
    // Before each write of the end, a control from alice's other tab bumps the epoch.
    let bumps = 0;
    ports.streams.beforeUpdate = (id, _expected, changes) => {
      if (changes.status !== 'ended') return;
      bumps++;
      const row = ports.streams.rows.get(id)!;
      ports.streams.rows.set(id, { ...row, epoch: row.epoch + 1 });
    };
    await expect(stopStream(ports, caller)).resolves.toBeUndefined();
    expect(bumps).toBe(MAX_END_ATTEMPTS);
    expect((await ports.connections.get('c-1'))?.streamId).toBeUndefined();
    const row = await ports.streams.get('pvai:g1:alice');
    // Not ended (every end lost), uncounted, and its controller grace running: the sweeper ends it.
    expect(row).toMatchObject({ status: 'playing', clientCount: 0, controllersGoneSince: ports.time.now() });
    expect(ports.broadcaster.posts.at(-1)).toEqual({ connectionId: 'c-1', message: { type: 'detached', streamId: 'pvai:g1:alice' } });
    expect(warnings).toContain('stop: the stream kept changing under its end; left to its controller grace');
  });

  it('a stop whose end wins after a lost write ends the stream as usual', async () => {
    const { ports, caller } = world();
    let bumps = 0;
    ports.streams.beforeUpdate = (id, _expected, changes) => {
      if (changes.status !== 'ended' || bumps++ > 0) return;
      const row = ports.streams.rows.get(id)!;
      ports.streams.rows.set(id, { ...row, epoch: row.epoch + 1 });
    };
    await stopStream(ports, caller);
    expect(await ports.streams.get('pvai:g1:alice')).toMatchObject({ status: 'ended', endedReason: 'stopped', epoch: 4, clientCount: 0 });
  });
});
