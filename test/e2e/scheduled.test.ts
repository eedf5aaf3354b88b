/**
 * End to end on local mode (issue 6, docs/HTTP-API.md "Scheduled streams"): an operator
 * schedules a stream of a sample final ~8 s ahead (`POST /streams`, called in-process:
 * the stack set the environment), a spectator joins before it starts and counts down to
 * `startsAt`, the sweeper starts it (`awaiting_start`, its Player execution waiting), and
 * at `startsAt` the tick turns it `playing` and sends the first frames — never before
 * `startsAt` — through the real handlers, state machine and local gateway.
 */
import { dueAt } from '../../lambda/core/clock';
import { checkOrdering, E2e, waitFrames } from '../support/e2e';

const GAME = '2011-usopen-2701'; // US Open 2011 women's final, 103 points
const LEAD_MS = 8_000;
jest.setTimeout(120_000);

let e: E2e;
let http: typeof import('../../lambda/handlers/http/streams');

beforeAll(async () => {
  // The sweeper runs only when the test invokes it.
  e = await E2e.start({ sweeper: false });
  // Loaded once the stack has set the environment (its log level included), like the handlers.
  http = await import('../../lambda/handlers/http/streams');
});
afterAll(async () => {
  await e?.close();
});

describe('a scheduled stream', () => {
  it('is joined early (scheduled, startsAt), started by the sweeper, and plays from startsAt — not before', async () => {
    const times = await e.recordingTimes(GAME);
    const startAt = Date.now() + LEAD_MS;
    const created = await http.postStream({ userId: 'olga', roles: ['operator'] }, { gameId: GAME, startAt: new Date(startAt).toISOString(), speed: 64, title: 'Replay at 64×' });
    expect(created.status).toBe(201);
    const { streamId, startsAt } = created.body as { streamId: string; startsAt: number };
    expect(created.body).toEqual({ streamId: expect.stringMatching(new RegExp(`^scheduled:${GAME}:`)), gameId: GAME, status: 'scheduled', startsAt: startAt });

    // Listed first (GET /streams and the list action agree), with its countdown target.
    const listed = ((await http.getStreams()).body as { streams: Array<{ streamId: string }> }).streams;
    expect(listed[0]).toEqual({ streamId, gameId: GAME, title: 'Replay at 64×', mode: 'spectate', status: 'scheduled', clients: 0, startsAt });

    // A spectator joins before the start.
    const s = await e.connect('sam');
    s.send({ action: 'list' });
    expect((await s.waitFor('catalog')).streams[0]).toEqual(listed[0]);
    s.send({ action: 'join', streamId });
    expect(await s.waitFor('joined')).toMatchObject({ streamId, gameId: GAME, mode: 'spectate', role: 'spectator', status: 'scheduled', startsAt, positionSeq: 0, epoch: 1 });

    // The sweeper starts it: startsAt is within its lead.
    const report = (await e.stack.invokeFunction('sweeper', {})) as { started: number };
    expect(report.started).toBe(1);
    expect(await s.waitFor('state', (m) => m.status === 'awaiting_start')).toMatchObject({ streamId, epoch: 1, positionSeq: 0, by: 'system' });
    expect(await e.streamRow(streamId)).toMatchObject({ status: 'awaiting_start', startsAt, anchorAt: startsAt });
    expect(Date.now()).toBeLessThan(startsAt); // it is waiting, well before its start

    // A late comer before the start sees awaiting_start and the same countdown.
    const t = await e.connect('tia');
    t.send({ action: 'join', streamId });
    expect(await t.waitFor('joined')).toMatchObject({ streamId, status: 'awaiting_start', startsAt });

    // At startsAt: `state` playing, then the frames, each no earlier than it is due.
    const playing = await s.waitFor('state', (m) => m.status === 'playing', LEAD_MS + 15_000);
    expect(playing).toMatchObject({ streamId, epoch: 1, positionSeq: 0, by: 'system' });
    expect(s.arrivals[s.messages.indexOf(playing)]).toBeGreaterThanOrEqual(startsAt - 100);
    await Promise.all([waitFrames(s, 3), waitFrames(t, 3)]);
    const frames = s.frames();
    expect(frames.slice(0, 3).map((f) => f.seq)).toEqual([0, 1, 2]);
    const row = await e.streamRow(streamId);
    expect(row).toMatchObject({ status: 'playing', epoch: 1 });
    // None early (1 ms: Date.now() against the timers' clock, as in spectate.test.ts).
    for (const f of frames) {
      expect(f.at).toBeGreaterThanOrEqual(startsAt - 1);
      expect(f.at).toBeGreaterThanOrEqual(dueAt({ anchorAt: startsAt, positionMs: 0, speed: 64 }, times[f.seq]!) - 1);
    }
    expect(t.frames().map((f) => f.seq).slice(0, 3)).toEqual([0, 1, 2]);
    checkOrdering(s);
    checkOrdering(t);
    // Started: the listing no longer counts down to it.
    expect(((await http.getStreams()).body as { streams: Array<{ streamId: string; startsAt?: number }> }).streams.find((x) => x.streamId === streamId)).not.toHaveProperty('startsAt');
  });
});
