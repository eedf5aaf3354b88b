/** The sweep (application/sweep.ts) on the in-memory ports: forget, end idle, restart a zombie, fail, start a scheduled stream. */
import { COUNT_SETTLE_MS } from '../../../lambda/application/client-count';
import { runSweep, type SweepPorts } from '../../../lambda/application/sweep';
import type { SweepConfig } from '../../../lambda/core/sweep';
import { executionName } from '../../../lambda/core/stream-keys';
import type { Log } from '../../../lambda/ports/log';
import { streamRowFixture } from '../../support/aws-local';
import { FakeBroadcaster, FakeWorkflow, InMemoryConnectionRegistry, InMemoryStreamStore, ManualTime, RecordingMetrics } from '../fakes';

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
const cfg: SweepConfig = { idleTtlMs: 300_000, maxRestarts: 3, startGraceMs: 60_000, controllerGraceMs: 30_000 };
const NOW = 10_000_000;

function world(streams: ReturnType<typeof streamRowFixture>[]) {
  return {
    streams: new InMemoryStreamStore(streams),
    connections: new InMemoryConnectionRegistry(),
    broadcaster: new FakeBroadcaster(),
    workflow: new FakeWorkflow(),
    time: new ManualTime(NOW),
    log: silent,
  } satisfies SweepPorts;
}

describe('runSweep', () => {
  it('forgets connections past expiresAt, uncounting them on their stream', async () => {
    const p = world([streamRowFixture('s1', { clientCount: 1 })]);
    await p.connections.put({ connectionId: 'old', userId: 'u', displayName: 'u', connectedAt: 0, lastSeenAt: 0, expiresAt: NOW / 1000 - 1, streamId: 's1', role: 'spectator' });
    await p.connections.put({ connectionId: 'live', userId: 'v', displayName: 'v', connectedAt: 0, lastSeenAt: 0, expiresAt: NOW / 1000 + 60 });
    p.workflow.statuses.set(p.workflow.arnFor(executionName('s1', 1)), 'RUNNING');
    const report = await runSweep(p, cfg, NOW);
    expect(report.connectionsForgotten).toBe(1);
    expect([...p.connections.rows.keys()]).toEqual(['live']);
    expect((await p.streams.get('s1'))?.clientCount).toBe(0);
  });

  it('repairs a drifted count once it has stood still, so a quiet stream with a viewer is not ended idle', async () => {
    // clientCount 0 (idle for the whole TTL) while one connection is attached: a count move was lost.
    const p = world([streamRowFixture('s1', { clientCount: 0, idleSince: NOW - cfg.idleTtlMs - 1 })]);
    await p.connections.put({ connectionId: 'c1', userId: 'u', displayName: 'u', connectedAt: 0, lastSeenAt: 0, expiresAt: NOW / 1000 + 3600, streamId: 's1', role: 'spectator' });
    p.workflow.statuses.set(p.workflow.arnFor(executionName('s1', 1)), 'RUNNING');
    const first = await runSweep(p, cfg, NOW - COUNT_SETTLE_MS); // notes the mismatch (not yet over the TTL)
    expect(first.countsRepaired).toBe(0);
    const second = await runSweep(p, cfg, NOW);
    expect(second).toMatchObject({ countsRepaired: 1, ended: 0 });
    const row = await p.streams.get('s1');
    expect(row?.clientCount).toBe(1);
    expect(row?.status).toBe('playing');
  });

  it('ends a stream idle past its TTL, and keeps one idle for less', async () => {
    const p = world([
      streamRowFixture('s-idle', { idleSince: NOW - cfg.idleTtlMs }),
      streamRowFixture('s-new', { idleSince: NOW - 1000 }),
    ]);
    for (const id of ['s-idle', 's-new']) p.workflow.statuses.set(p.workflow.arnFor(executionName(id, 1)), 'RUNNING');
    const report = await runSweep(p, cfg, NOW);
    expect(report).toMatchObject({ streams: 2, ended: 1 });
    expect(await p.streams.get('s-idle')).toMatchObject({ status: 'ended', endedReason: 'idle' });
    expect((await p.streams.get('s-new'))?.status).toBe('playing');
    expect(p.broadcaster.sentTo('s-idle').map((m) => m.type)).toEqual(['state', 'ended']);
  });

  it('restarts a zombie under a new epoch from its position, and fails one restarted too often', async () => {
    const p = world([
      streamRowFixture('s-z', { clientCount: 1, positionSeq: 4, epochStartSeq: 2, updatedAt: NOW - cfg.startGraceMs }),
      streamRowFixture('s-dead', { clientCount: 1, restarts: 3, updatedAt: NOW - cfg.startGraceMs }),
    ]);
    const report = await runSweep(p, cfg, NOW);
    expect(report).toMatchObject({ restarted: 1, failed: 1 });
    expect(await p.streams.get('s-z')).toMatchObject({ status: 'playing', epoch: 2, epochStartSeq: 4, restarts: 1 });
    expect(p.workflow.started).toEqual([{ name: executionName('s-z', 2), input: { streamId: 's-z', epoch: 2, generation: 0, iteration: 0 } }]);
    expect(p.broadcaster.sentTo('s-z')).toEqual([expect.objectContaining({ type: 'state', epoch: 2, by: 'system' })]);
    expect(await p.streams.get('s-dead')).toMatchObject({ status: 'failed', failureReason: 'the player stopped and was restarted 3 times (zombie)' });
  });

  it('starts a scheduled stream due within its lead (→ awaiting_start, execution started)', async () => {
    const startsAt = NOW + 30_000;
    const p = world([streamRowFixture('s-sched', { status: 'scheduled', startsAt, clientCount: 1 })]);
    const report = await runSweep(p, cfg, NOW);
    expect(report.started).toBe(1);
    expect(await p.streams.get('s-sched')).toMatchObject({ status: 'awaiting_start', startsAt, anchorAt: startsAt });
    expect(p.workflow.started.map((s) => s.name)).toEqual([executionName('s-sched', 1)]);
  });

  it('leaves a stream changed meanwhile to the next sweep', async () => {
    const p = world([streamRowFixture('s-idle', { idleSince: 0 })]);
    p.workflow.statuses.set(p.workflow.arnFor(executionName('s-idle', 1)), 'RUNNING');
    let n = 0;
    p.streams.beforeUpdate = (id) => void p.streams.poke(id, { epoch: 10 + ++n });
    const report = await runSweep(p, cfg, NOW);
    expect(report.ended).toBe(0);
  });
});

describe('runSweep metrics', () => {
  it('reports the gauges once per sweep: ActiveStreams by mode and status present, Viewers summed, never a streamId', async () => {
    const p = world([
      streamRowFixture('a', { mode: 'spectate', status: 'playing', clientCount: 3 }),
      streamRowFixture('b', { mode: 'spectate', status: 'playing', clientCount: 2 }),
      streamRowFixture('c', { mode: 'pvai', status: 'paused', clientCount: 1, controllers: ['u'] }),
      streamRowFixture('d', { mode: 'spectate', status: 'ended', clientCount: 0 }),
    ]);
    for (const id of ['a', 'b']) p.workflow.statuses.set(p.workflow.arnFor(executionName(id, 1)), 'RUNNING');
    for (const [id, n] of [['a', 3], ['b', 2], ['c', 1]] as const) {
      for (let i = 0; i < n; i++) {
        await p.connections.put({ connectionId: `${id}${i}`, userId: `u${i}`, displayName: 'u', connectedAt: 0, lastSeenAt: NOW, expiresAt: NOW / 1000 + 3600, streamId: id, role: 'spectator' });
      }
    }
    const metrics = new RecordingMetrics();
    await runSweep({ ...p, metrics }, cfg, NOW);
    const active = metrics.points.filter((x) => x.name === 'ActiveStreams').map((x) => [x.dimensions, x.value]);
    expect(active).toEqual(expect.arrayContaining([[{ mode: 'spectate', status: 'playing' }, 2], [{ mode: 'pvai', status: 'paused' }, 1]]));
    expect(active).toHaveLength(2);
    expect(metrics.values('Viewers')).toEqual([6]);
  });
});
