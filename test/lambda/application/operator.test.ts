/**
 * The operator's use cases (application/operator.ts) on in-memory ports: listing by status
 * with pages, showing a stream with its execution and viewers, ending one (`stopped`) and
 * restarting a failed or stuck one under a new epoch — and the refusals, which change nothing.
 */
import {
  endOperatorStream,
  listOperatorStreams,
  restartOperatorStream,
  restartability,
  showOperatorStream,
  STUCK_AFTER_MS,
  type OperatorStreamDetails,
  type OperatorStreamPage,
} from '../../../lambda/application/operator';
import { currentExecutionArn } from '../../../lambda/application/end-stream';
import { executionName } from '../../../lambda/core/stream-keys';
import type { StreamRow } from '../../../contract/rows';
import { streamRowFixture } from '../../support/aws-local';
import { FakeBroadcaster, FakeWorkflow, InMemoryConnectionRegistry, InMemoryStreamStore, ManualTime } from '../fakes';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const olga = { userId: 'olga', roles: ['operator'] };
const publisher = { userId: 'pete', roles: ['publisher'] };
const NOW = 10_000_000;

function setup(rows: StreamRow[]) {
  const streams = new InMemoryStreamStore(rows);
  const connections = new InMemoryConnectionRegistry();
  const workflow = new FakeWorkflow();
  const broadcaster = new FakeBroadcaster();
  const time = new ManualTime(NOW);
  return { streams, connections, workflow, broadcaster, time, ports: { streams, connections, workflow, broadcaster, time, log: silent } };
}

const playing = (id = 'spectate:g1', over: Partial<StreamRow> = {}): StreamRow =>
  streamRowFixture(id, { status: 'playing', epoch: 2, positionSeq: 4, positionMs: 400, anchorAt: NOW - 1000, epochStartSeq: 0, createdAt: NOW - 60_000, updatedAt: NOW - 1000, lastTickAt: NOW - 1000, clientCount: 2, ...over });

/** Mark the row's current execution as running in the fake workflow. */
function running(workflow: FakeWorkflow, row: StreamRow): string {
  const arn = currentExecutionArn(workflow, row);
  workflow.statuses.set(arn, 'RUNNING');
  return arn;
}

describe('GET /operator/streams', () => {
  it('403 for a token without the operator role', async () => {
    const { ports } = setup([playing()]);
    const res = await listOperatorStreams(ports, publisher);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 'forbidden', message: expect.stringContaining('operator role') } });
  });

  it('open streams by default, with viewers, age, last tick, mode, epoch and position; pages by cursor', async () => {
    const rows = [playing('spectate:a'), playing('spectate:b', { status: 'paused' }), playing('spectate:c'), playing('spectate:d', { status: 'ended', endedReason: 'idle' })];
    const { ports } = setup(rows);
    const first = await listOperatorStreams(ports, olga, { limit: '2' });
    expect(first.status).toBe(200);
    const page1 = first.body as OperatorStreamPage;
    expect(page1.streams.map((s) => s.streamId)).toEqual(['spectate:a', 'spectate:b']);
    expect(page1.streams[0]).toMatchObject({ mode: 'spectate', status: 'playing', epoch: 2, viewers: 2, ageMs: 60_000, lastTickAt: NOW - 1000, lastTickAgoMs: 1000, quietMs: 1000, stuck: false, positionSeq: 4, positionMs: 1000 });
    expect(page1.next).toEqual(expect.any(String));
    const page2 = (await listOperatorStreams(ports, olga, { limit: '2', cursor: page1.next })).body as OperatorStreamPage;
    expect(page2.streams.map((s) => s.streamId)).toEqual(['spectate:c']);
    expect(page2.next).toBeUndefined();
    const all = (await listOperatorStreams(ports, olga, { status: 'all' })).body as OperatorStreamPage;
    expect(all.streams.map((s) => s.streamId)).toEqual(['spectate:a', 'spectate:b', 'spectate:c', 'spectate:d']);
    const ended = (await listOperatorStreams(ports, olga, { status: 'ended,failed' })).body as OperatorStreamPage;
    expect(ended.streams.map((s) => [s.streamId, s.endedReason])).toEqual([['spectate:d', 'idle']]);
  });

  it('marks a stream quiet for over the bound as stuck, never a paused one', async () => {
    const old = NOW - STUCK_AFTER_MS - 1;
    const { ports } = setup([playing('spectate:s', { lastTickAt: old, updatedAt: old, anchorAt: old }), playing('spectate:p', { status: 'paused', lastTickAt: old, updatedAt: old, anchorAt: old })]);
    const page = (await listOperatorStreams(ports, olga)).body as OperatorStreamPage;
    expect(page.streams.map((s) => [s.streamId, s.stuck])).toEqual([['spectate:p', false], ['spectate:s', true]]);
  });

  it.each([
    [{ status: 'running' }, 'status: "running" is not a status'],
    [{ limit: '0' }, 'limit: give a whole number from 1 to 100'],
    [{ limit: '101' }, 'limit'],
    [{ cursor: '!!!' }, 'cursor: not a cursor'],
  ])('400 for %j', async (query, message) => {
    const { ports } = setup([playing()]);
    const res = await listOperatorStreams(ports, olga, query);
    expect(res).toEqual({ status: 400, body: { error: { code: 'bad_request', message: expect.stringContaining(message) } } });
  });
});

describe('GET /operator/streams/{streamId}', () => {
  it('the row, its execution and its viewers with role and user', async () => {
    const row = playing('pvai:g1:alice', { mode: 'pvai', controllers: ['alice'] });
    const { ports, connections, workflow } = setup([row]);
    const arn = running(workflow, row);
    for (const [id, user, role] of [['c1', 'alice', 'player'], ['c2', 'bob', 'spectator']] as const) {
      await connections.put({ connectionId: id, userId: user, displayName: user.toUpperCase(), connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 });
      await connections.attach(id, row.streamId, role);
    }
    const res = await showOperatorStream(ports, olga, row.streamId);
    expect(res.status).toBe(200);
    const body = res.body as OperatorStreamDetails;
    expect(body.stream).toMatchObject({ streamId: 'pvai:g1:alice', epoch: 2 });
    expect(body.execution).toMatchObject({ executionArn: arn, status: 'RUNNING' });
    expect(body.viewers).toEqual([
      { connectionId: 'c1', userId: 'alice', displayName: 'ALICE', role: 'player' },
      { connectionId: 'c2', userId: 'bob', displayName: 'BOB', role: 'spectator' },
    ]);
    expect(body.viewersTruncated).toBe(false);
    expect(body.restart).toEqual({ ok: false, message: expect.stringContaining('playing normally') });
  });

  it('a failed execution shows its error and cause; 404 and 400 in plain words', async () => {
    const row = playing();
    const { ports, workflow } = setup([row]);
    const arn = currentExecutionArn(workflow, row);
    workflow.statuses.set(arn, 'FAILED');
    workflow.failures.set(arn, { error: 'States.TaskFailed', cause: 'tick timed out' });
    const body = (await showOperatorStream(ports, olga, row.streamId)).body as OperatorStreamDetails;
    expect(body.execution).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed', cause: 'tick timed out' });
    expect(body.restart).toEqual({ ok: true, why: 'no_execution' });
    expect(await showOperatorStream(ports, olga, 'spectate:nope')).toEqual({ status: 404, body: { error: { code: 'not_found', message: expect.stringContaining('no stream "spectate:nope"') } } });
    expect((await showOperatorStream(ports, olga, 'not a stream')).status).toBe(400);
    expect((await showOperatorStream(ports, publisher, row.streamId)).status).toBe(403);
  });
});

describe('POST /operator/streams/{streamId}/end', () => {
  it('ends it (stopped), stops its execution and broadcasts state then ended, by the operator', async () => {
    const row = playing();
    const { ports, streams, workflow, broadcaster } = setup([row]);
    const arn = running(workflow, row);
    const res = await endOperatorStream(ports, olga, row.streamId);
    expect(res).toEqual({ status: 200, body: { streamId: 'spectate:g1', status: 'ended', endedReason: 'stopped', epoch: 2 } });
    expect(await streams.get(row.streamId)).toMatchObject({ status: 'ended', endedReason: 'stopped' });
    expect(workflow.stopped.map((s) => s.executionArn)).toEqual([arn]);
    expect(broadcaster.sentTo(row.streamId)).toEqual([
      expect.objectContaining({ type: 'state', by: 'olga', status: 'ended' }),
      { type: 'ended', streamId: 'spectate:g1', reason: 'stopped' },
    ]);
  });

  it('409 for a stream already ended; 403 without the role; nothing changes', async () => {
    const { ports, streams, broadcaster } = setup([playing('spectate:x', { status: 'ended', endedReason: 'finished' }), playing()]);
    expect(await endOperatorStream(ports, olga, 'spectate:x')).toEqual({ status: 409, body: { error: { code: 'conflict', message: expect.stringContaining('has already ended (finished)') } } });
    expect((await endOperatorStream(ports, publisher, 'spectate:g1')).status).toBe(403);
    expect((await streams.get('spectate:g1'))?.status).toBe('playing');
    expect(broadcaster.fanOuts).toEqual([]);
  });
});

describe('POST /operator/streams/{streamId}/restart', () => {
  it('a failed stream restarts from its position under a new epoch: row replaced, viewers told, new execution started', async () => {
    const row = playing('spectate:g1', { status: 'failed', endedReason: 'failed', failureReason: 'S3 AccessDenied', expiresAt: 99, epoch: 5, positionSeq: 7, positionMs: 700, restarts: 1 });
    const { ports, streams, workflow, broadcaster } = setup([row]);
    const res = await restartOperatorStream(ports, olga, row.streamId);
    const newArn = workflow.arnFor(executionName(row.streamId, 6));
    expect(res).toEqual({ status: 200, body: { streamId: 'spectate:g1', status: 'playing', epoch: 6, positionSeq: 7, positionMs: 700, executionArn: newArn } });
    const after = (await streams.get(row.streamId))!;
    expect(after).toMatchObject({ status: 'playing', epoch: 6, generation: 0, positionSeq: 7, epochStartSeq: 7, positionMs: 700, anchorAt: NOW + 1000, clientCount: 2, executionArn: newArn });
    expect(after.failureReason).toBeUndefined();
    expect(after.endedReason).toBeUndefined();
    expect(after.expiresAt).toBeUndefined();
    expect(after.restarts).toBeUndefined(); // the sweeper's zombie budget starts afresh
    expect(broadcaster.sentTo(row.streamId)).toEqual([expect.objectContaining({ type: 'state', status: 'playing', epoch: 6, positionSeq: 7, by: 'olga' })]);
    expect(workflow.started).toEqual([{ name: executionName(row.streamId, 6), input: { streamId: row.streamId, epoch: 6, generation: 0, iteration: 0 } }]);
  });

  it('a playing stream whose execution is gone, or that made no progress for the bound, restarts; the old execution is stopped', async () => {
    const zombie = playing('spectate:z');
    const stuck = playing('spectate:s', { restarts: 2, lastTickAt: NOW - STUCK_AFTER_MS - 1, updatedAt: NOW - STUCK_AFTER_MS - 1, anchorAt: NOW - STUCK_AFTER_MS - 1 });
    const { ports, streams, workflow } = setup([zombie, stuck]);
    const stuckArn = running(workflow, stuck);
    expect((await restartOperatorStream(ports, olga, 'spectate:z')).status).toBe(200);
    expect(await streams.get('spectate:z')).toMatchObject({ epoch: 3, status: 'playing', epochStartSeq: 4 });
    expect((await restartOperatorStream(ports, olga, 'spectate:s')).status).toBe(200);
    expect(await streams.get('spectate:s')).toMatchObject({ epoch: 3, status: 'playing' });
    expect((await streams.get('spectate:s'))?.restarts).toBeUndefined();
    expect(workflow.stopped.map((s) => s.executionArn)).toContain(stuckArn);
    expect(workflow.started.map((s) => s.input.streamId)).toEqual(['spectate:z', 'spectate:s']);
  });

  it.each<[string, Partial<StreamRow>, string]>([
    ['a healthy playing stream', {}, 'playing normally'],
    ['a paused one', { status: 'paused' }, 'paused by its player'],
    ['an ended one', { status: 'ended', endedReason: 'finished' }, 'it has ended (finished)'],
    ['a scheduled one', { status: 'scheduled', startsAt: NOW + 3_600_000 }, 'has not started yet'],
    ["a live game's live stream", { status: 'failed', livePlayback: 'edge' }, 'its publisher feeds it'],
  ])('409 for %s, and nothing changes', async (_what, over, message) => {
    const row = playing('spectate:g1', over);
    const { ports, streams, workflow, broadcaster } = setup([row]);
    running(workflow, row);
    const res = await restartOperatorStream(ports, olga, row.streamId);
    expect(res).toEqual({ status: 409, body: { error: { code: 'conflict', message: expect.stringContaining(message) } } });
    expect(await streams.get(row.streamId)).toEqual(row);
    expect(workflow.started).toEqual([]);
    expect(broadcaster.fanOuts).toEqual([]);
  });

  it('409 when the stream changed between the read and the write (a tick claimed a batch)', async () => {
    const row = playing();
    const { ports, streams, workflow } = setup([row]);
    streams.beforeUpdate = (id) => void streams.poke(id, { positionSeq: 5 });
    const res = await restartOperatorStream(ports, olga, row.streamId);
    expect(res).toEqual({ status: 409, body: { error: { code: 'conflict', message: expect.stringContaining('changed while restarting') } } });
    expect(workflow.started).toEqual([]);
  });

  it('403 without the operator role', async () => {
    const { ports } = setup([playing('spectate:g1', { status: 'failed' })]);
    expect((await restartOperatorStream(ports, publisher, 'spectate:g1')).status).toBe(403);
  });
});

describe('restartability', () => {
  it('a pvp room waiting for its second player is not stuck', () => {
    const row = playing('pvp:g1:r1', { mode: 'pvp', status: 'starting', controllers: ['alice'] });
    expect(restartability(row, undefined, NOW)).toEqual({ ok: false, message: expect.stringContaining('second player') });
  });
});
