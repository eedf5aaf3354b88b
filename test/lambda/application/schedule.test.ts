/** Scheduling a stream and listing the open streams, on the fakes. */
import { listStreams, scheduleStream, type ScheduleStreamPorts } from '../../../lambda/application/schedule';
import type { GameRow, StreamRow } from '../../../contract/rows';
import { SCHEDULE_START_LEAD_MS } from '../../../lambda/core/schedule';
import { FakeBroadcaster, FakeWorkflow, InMemoryGameCatalog, InMemoryStreamStore } from '../fakes';

const NOW = 1_700_000_000_000;
const operator = { userId: 'olga', roles: ['operator'] };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

const game = (gameId: string, over: Partial<GameRow> = {}): GameRow => ({
  gameId,
  title: `Final ${gameId}`,
  kind: 'tennis',
  recordingKey: `recordings/${gameId}.jsonl`,
  indexKey: `recordings/${gameId}.idx.json`,
  durationMs: 600_000,
  frameCount: 40,
  participants: ['A', 'B'],
  createdAt: 0,
  ...over,
});

function setup(ids: string[] = ['aaaaaaaaaaa', 'bbbbbbbbbbb', 'ccccccccccc', 'ddddddddddd']) {
  const streams = new InMemoryStreamStore();
  const games = new InMemoryGameCatalog([game('final-1'), game('live-1', { liveStatus: 'live', startedAt: 0, chunks: [] })]);
  const broadcaster = new FakeBroadcaster();
  const workflow = new FakeWorkflow();
  const queue = [...ids];
  const ports: ScheduleStreamPorts = { streams, games, broadcaster, workflow, log: quiet, newScheduleId: () => queue.shift()! };
  return { ports, streams, workflow, broadcaster };
}

describe('scheduling a stream', () => {
  it('201: a scheduled spectate row, startsAt from an ISO startAt; nothing started yet', async () => {
    const { ports, streams, workflow } = setup();
    const startAt = new Date(NOW + 3_600_000).toISOString();
    const res = await scheduleStream(ports, operator, { gameId: 'final-1', startAt, speed: 4, title: 'Rewatch' }, NOW);
    expect(res).toEqual({ status: 201, body: { streamId: 'scheduled:final-1:aaaaaaaaaaa', gameId: 'final-1', status: 'scheduled', startsAt: NOW + 3_600_000 } });
    expect(streams.rows.get('scheduled:final-1:aaaaaaaaaaa')).toMatchObject({ mode: 'spectate', status: 'scheduled', speed: 4, epoch: 1, startsAt: NOW + 3_600_000, title: 'Rewatch', createdAt: NOW });
    expect(workflow.started).toEqual([]);
  });

  it('gives the row the configured playout buffer (leadMs), as a spectate stream a viewer starts gets; none when it is 0', async () => {
    const { ports, streams } = setup();
    await scheduleStream({ ...ports, spectateLeadMs: 2500 }, operator, { gameId: 'final-1', startAt: NOW + 3_600_000 }, NOW);
    expect(streams.rows.get('scheduled:final-1:aaaaaaaaaaa')?.leadMs).toBe(2500);
    await scheduleStream({ ...ports, spectateLeadMs: 0 }, operator, { gameId: 'final-1', startAt: NOW + 3_600_000 }, NOW);
    expect(streams.rows.get('scheduled:final-1:bbbbbbbbbbb')).not.toHaveProperty('leadMs');
  });

  it('draws another id when one is taken, and gives up after three', async () => {
    const { ports, streams } = setup(['taken000000', 'fresh000000']);
    await streams.create({ streamId: 'scheduled:final-1:taken000000' } as StreamRow);
    const res = await scheduleStream(ports, operator, { gameId: 'final-1', startAt: NOW + 3_600_000 }, NOW);
    expect((res.body as { streamId: string }).streamId).toBe('scheduled:final-1:fresh000000');

    const stuck = setup(['same0000000', 'same0000000', 'same0000000']);
    await stuck.streams.create({ streamId: 'scheduled:final-1:same0000000' } as StreamRow);
    await expect(scheduleStream(stuck.ports, operator, { gameId: 'final-1', startAt: NOW + 3_600_000 }, NOW)).rejects.toThrow(/StreamExists|exists/i);
  });

  it('starts at once a stream due within the lead: awaiting_start, a state to its viewers, one execution', async () => {
    const { ports, streams, workflow, broadcaster } = setup();
    const res = await scheduleStream(ports, operator, { gameId: 'final-1', startAt: NOW + SCHEDULE_START_LEAD_MS / 2 }, NOW);
    expect(res.status).toBe(201);
    const body = res.body as { streamId: string; status: string; startsAt: number };
    expect(body.status).toBe('awaiting_start');
    expect(streams.rows.get(body.streamId)).toMatchObject({ status: 'awaiting_start', startsAt: body.startsAt });
    expect(workflow.started).toHaveLength(1);
    expect(broadcaster.sentTo(body.streamId).map((m) => m.type)).toEqual(['state']);
  });

  it('403 without the operator role, 400 for a bad body, 404 for an unknown game, 409 for a live game — and writes nothing', async () => {
    const { ports, streams } = setup();
    const at = NOW + 3_600_000;
    expect(await scheduleStream(ports, { userId: 'p', roles: ['publisher'] }, { gameId: 'final-1', startAt: at }, NOW)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await scheduleStream(ports, operator, { gameId: 'final-1' }, NOW)).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(await scheduleStream(ports, operator, { gameId: 'nope', startAt: at }, NOW)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await scheduleStream(ports, operator, { gameId: 'live-1', startAt: at }, NOW)).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect(streams.rows.size).toBe(0);
  });
});

describe('listing the open streams', () => {
  it('lists the streams not ended, scheduled ones first by startsAt', async () => {
    const { ports, streams } = setup();
    await scheduleStream(ports, operator, { gameId: 'final-1', startAt: NOW + 7_200_000 }, NOW);
    await scheduleStream(ports, operator, { gameId: 'final-1', startAt: NOW + 3_600_000 }, NOW);
    await streams.create({ ...streams.rows.get('scheduled:final-1:aaaaaaaaaaa')!, streamId: 'gone', status: 'ended' });
    const res = await listStreams({ streams });
    expect(res.status).toBe(200);
    expect((res.body as { streams: Array<{ streamId: string }> }).streams.map((s) => s.streamId)).toEqual(['scheduled:final-1:bbbbbbbbbbb', 'scheduled:final-1:aaaaaaaaaaa']);
  });
});
