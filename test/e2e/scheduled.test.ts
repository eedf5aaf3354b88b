/**
 * End to end on local mode (docs/HTTP-API.md "Scheduled streams"): an operator
 * schedules streams of a sample final (`POST /streams`, called in-process: the stack set
 * the environment). One an hour ahead stays `scheduled` (listed, joined early with its
 * `startsAt`; the sweeper leaves it alone). One ~8 s ahead is started at once
 * (`awaiting_start`, its Player execution waiting); spectators join before it starts and
 * count down to `startsAt`; at `startsAt` the tick turns it `playing` and sends the first
 * frames — never before `startsAt` — through the real handlers, state machine and local gateway.
 * (The sweeper's own start of a due stream is tested in test/lambda/handlers/sweeper.test.ts.)
 */
import { DEFAULT_SPECTATE_LEAD_MS } from '../../contract/defaults';
import { dueAt } from '../../lambda/core/clock';
import { checkOrdering, E2e, waitFrames } from '../support/e2e';

const GAME = '2011-usopen-2701'; // US Open 2011 women's final, 103 points
/**
 * How far ahead the "soon" stream is scheduled: room for the test's setup (a POST, two
 * connects and joins) before the start even on a busy machine. Within the sweeper's 90 s lead,
 * so POST /streams starts it at once.
 */
const LEAD_MS = 20_000;
jest.setTimeout(300_000); // a bound against a hang on a busy machine

let e: E2e;
let http: typeof import('../lambda/handlers/local-mode');

beforeAll(async () => {
  // The sweeper runs only when the test invokes it.
  e = await E2e.start({ sweeper: false });
  // Loaded once the stack has set the environment (its log level included), like the handlers.
  http = await import('../lambda/handlers/local-mode');
});
afterAll(async () => {
  await e?.close();
});

describe('a scheduled stream', () => {
  it('far ahead: listed and joined early (scheduled, startsAt); the sweeper starts it only once it is within its lead', async () => {
    const startAt = Date.now() + 3_600_000;
    const created = await http.postStream({ userId: 'olga', roles: ['operator'] }, { gameId: GAME, startAt, title: 'Tonight' });
    expect(created).toMatchObject({ status: 201, body: { status: 'scheduled', startsAt: startAt } });
    const { streamId } = created.body as { streamId: string };
    const listed = ((await http.getStreams()).body as { streams: Array<{ streamId: string }> }).streams;
    expect(listed.find((x) => x.streamId === streamId)).toEqual({ streamId, gameId: GAME, title: 'Tonight', mode: 'spectate', status: 'scheduled', clients: 0, speed: 1, startsAt: startAt });

    const s = await e.connect('sam');
    s.send({ action: 'list' });
    expect((await s.waitFor('catalog')).streams.find((x: { streamId: string }) => x.streamId === streamId)).toEqual(listed.find((x) => x.streamId === streamId));
    s.send({ action: 'join', streamId });
    expect(await s.waitFor('joined')).toMatchObject({ streamId, gameId: GAME, mode: 'spectate', role: 'spectator', status: 'scheduled', startsAt: startAt, positionSeq: 0, epoch: 1 });

    // An hour ahead: the sweeper leaves it alone.
    const report = (await e.stack.invokeFunction('sweeper', {})) as { started: number };
    expect(report.started).toBe(0);
    expect(await e.streamRow(streamId)).toMatchObject({ status: 'scheduled' });
    s.send({ action: 'stop' });
  });

  it('soon: started at once (awaiting_start), joined early with its countdown, and plays from startsAt — not before', async () => {
    const times = await e.recordingTimes(GAME);
    const startAt = Date.now() + LEAD_MS;
    const created = await http.postStream({ userId: 'olga', roles: ['operator'] }, { gameId: GAME, startAt: new Date(startAt).toISOString(), speed: 64, title: 'Replay at 64×' });
    expect(created.status).toBe(201);
    const { streamId, startsAt } = created.body as { streamId: string; startsAt: number };
    // Within the sweeper's lead: POST /streams started it itself, so no sweep can make it late.
    expect(created.body).toEqual({ streamId: expect.stringMatching(new RegExp(`^scheduled:${GAME}:`)), gameId: GAME, status: 'awaiting_start', startsAt: startAt });
    expect(await e.streamRow(streamId)).toMatchObject({ status: 'awaiting_start', startsAt, anchorAt: startsAt });

    // Listed first (GET /streams and the list action agree), with its countdown target.
    const listed = ((await http.getStreams()).body as { streams: Array<{ streamId: string }> }).streams;
    expect(listed[0]).toEqual({ streamId, gameId: GAME, title: 'Replay at 64×', mode: 'spectate', status: 'awaiting_start', clients: 0, speed: 64, startsAt });

    // Spectators join before the start and count down to startsAt.
    const s = await e.connect('sue');
    s.send({ action: 'join', streamId });
    expect(await s.waitFor('joined')).toMatchObject({ streamId, gameId: GAME, mode: 'spectate', role: 'spectator', status: 'awaiting_start', startsAt, positionSeq: 0, epoch: 1 });
    const t = await e.connect('tia');
    t.send({ action: 'join', streamId });
    expect(await t.waitFor('joined')).toMatchObject({ streamId, status: 'awaiting_start', startsAt });
    expect(Date.now()).toBeLessThan(startsAt); // it is waiting, well before its start

    // At startsAt: `state` playing, then the frames, each no earlier than it is due.
    const playing = await s.waitFor('state', (m) => m.status === 'playing', LEAD_MS + 90_000);
    expect(playing).toMatchObject({ streamId, epoch: 1, positionSeq: 0, by: 'system' });
    expect(s.arrivals[s.messages.indexOf(playing)]).toBeGreaterThanOrEqual(startsAt - 100);
    await Promise.all([waitFrames(s, 3), waitFrames(t, 3)]);
    const frames = s.frames();
    expect(frames.slice(0, 3).map((f) => f.seq)).toEqual([0, 1, 2]);
    expect(await e.streamRow(streamId)).toMatchObject({ status: 'playing', epoch: 1 });
    // None before the start, none more than its playout buffer (leadMs, as a viewer's spectate
    // stream has) early (1 ms: Date.now() against the timers' clock, as in spectate.test.ts).
    const leadMs = (await e.streamRow(streamId))?.leadMs ?? 0;
    expect(leadMs).toBe(DEFAULT_SPECTATE_LEAD_MS);
    for (const f of frames) {
      const due = dueAt({ anchorAt: startsAt, positionMs: 0, speed: 64 }, times[f.seq]!);
      expect(f.at).toBeGreaterThanOrEqual(startsAt - 1);
      expect(f.at).toBeGreaterThanOrEqual(due - leadMs - 1);
    }
    expect(t.frames().map((f) => f.seq).slice(0, 3)).toEqual([0, 1, 2]);
    checkOrdering(s);
    checkOrdering(t);
    // Started: the listing no longer counts down to it.
    expect(((await http.getStreams()).body as { streams: Array<{ streamId: string; startsAt?: number }> }).streams.find((x) => x.streamId === streamId)).not.toHaveProperty('startsAt');
  });
});
