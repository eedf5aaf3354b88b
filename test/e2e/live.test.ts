/**
 * End to end on local mode (docs/HTTP-API.md "Live games"), over real HTTP to the
 * local HTTP API and real WebSockets: a publisher opens a live game and posts events; the
 * live stream's spectators get each batch at once, in seq order; retried events (same keys)
 * are not appended twice; a viewer who starts from the beginning replays what exists and
 * catches up with live; finishing the game ends the live stream; bad input is refused with
 * a clear error and changes nothing; a game past the idempotency key window keeps taking
 * batches; a live game is its publisher's (another publisher is refused, an operator is not);
 * a live terminal session resized mid-game gives a late joiner the true screen (its keyframes
 * folded past the resize by the index function's emulator).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { GameRow } from '../../contract/rows';
import { liveKeyframesKey } from '../../contract/keys';
import { liveHeader } from '../../lambda/application/live-keyframes';
import { convertFiles } from '../../convert';
import { kindOf, stateAt } from '../../kinds';
import { screenText, type TerminalState } from '../../kinds/terminal';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { E2e, checkOrdering, range, seqsOf, until, waitFrames } from '../support/e2e';

jest.setTimeout(300_000); // a bound against a hang on a busy machine

let e: E2e;
let publisher: string;
let viewerToken: string;

beforeAll(async () => {
  e = await E2e.start({ sweeper: false, port: 0, writeRuntimeFile: false });
  publisher = await e.stack.token('feed', 'Feed', 3600, ['publisher']);
  viewerToken = await e.stack.token('vera');
});
afterAll(async () => {
  await e?.close();
});

/** One HTTP call to the local HTTP API, as the publisher unless `token` says otherwise. */
const api = (method: string, path: string, body?: unknown, token = publisher) => e.http(method, path, token, body);

async function gameRow(gameId: string): Promise<GameRow> {
  const out = await e.db.send(new GetCommand({ TableName: e.stack.tables.Games, Key: { gameId }, ConsistentRead: true }));
  return out.Item as GameRow;
}

const ball = (n: number, t?: number) => ({ key: `b-${n}`, type: 'ball', ...(t === undefined ? {} : { t }), data: { runs: n % 7 } });

describe('a live game', () => {
  it('is opened, fed, watched live, replayed from the start, and finished', async () => {
    const GAME = 'live-final';
    // Open it: 201, then 200 again (idempotent).
    expect(await api('PUT', `/games/${GAME}`, { kind: 'cricket', title: 'Live final', participants: ['A', 'B'] })).toEqual({
      status: 201,
      body: { gameId: GAME, live: 'live', frameCount: 0 },
    });
    expect((await api('PUT', `/games/${GAME}`, { kind: 'cricket', title: 'Live final' })).status).toBe(200);

    // A spectator joins the live stream before any event.
    const s = await e.connect('sam');
    s.send({ action: 'start', gameId: GAME });
    expect(await s.waitFor('joined')).toMatchObject({ streamId: `spectate:${GAME}`, status: 'playing', live: true, frameCount: 0, kind: 'cricket' });

    // A batch of 3, then single events: each arrives at once, as one frames message.
    const first = await api('POST', `/games/${GAME}/events`, { events: [ball(0, 0), ball(1, 1000), ball(2, 2000)] });
    expect(first).toEqual({ status: 200, body: { gameId: GAME, accepted: [0, 1, 2].map((n) => ({ key: `b-${n}`, seq: n })), duplicates: [], frameCount: 3, durationMs: 2000 } });
    await waitFrames(s, 3);
    for (let n = 3; n < 10; n++) {
      const r = await api('POST', `/games/${GAME}/events`, ball(n));
      expect(r.body.accepted).toEqual([{ key: `b-${n}`, seq: n }]);
    }
    await waitFrames(s, 10);
    expect(seqsOf(s)).toEqual(range(0, 10));
    expect(s.frames().map((f) => f.t).slice(0, 3)).toEqual([0, 1000, 2000]);
    checkOrdering(s);

    // A retry of events already accepted (same keys) appends nothing; a new one in the same batch does.
    const retry = await api('POST', `/games/${GAME}/events`, { events: [ball(8), ball(9), ball(10)] });
    expect(retry.body).toMatchObject({ accepted: [{ key: 'b-10', seq: 10 }], duplicates: [{ key: 'b-8', seq: 8 }, { key: 'b-9', seq: 9 }], frameCount: 11 });
    await waitFrames(s, 11);
    expect(seqsOf(s)).toEqual(range(0, 11));

    // The recording is chunk objects in S3, indexed by the Games row.
    const row = await gameRow(GAME);
    expect(row).toMatchObject({ liveStatus: 'live', frameCount: 11, kind: 'cricket' });
    expect(row.chunks!.map((c) => [c.seq, c.count])).toEqual([[0, 3], ...range(3, 10).map((n) => [n, 1]), [10, 1]]);
    expect(row.chunks!.every((c) => c.key.startsWith(`live/${GAME}/`))).toBe(true);

    // From the beginning: the viewer's own replay (fast), which catches up and then follows live.
    const r = await e.connect('rita');
    r.send({ action: 'start', gameId: GAME, atMs: 0, speed: 64 });
    expect(await r.waitFor('joined')).toMatchObject({ mode: 'pvai', live: true, positionSeq: 0 });
    await waitFrames(r, 11);
    await api('POST', `/games/${GAME}/events`, ball(11));
    await waitFrames(r, 12);
    await waitFrames(s, 12);
    expect(seqsOf(r)).toEqual(range(0, 12));
    checkOrdering(r);

    // The catalog marks it live.
    s.send({ action: 'list' });
    expect((await s.waitFor('catalog')).games.find((g: { gameId: string }) => g.gameId === GAME)).toMatchObject({ live: true });

    // Finish: the live stream ends `finished`; the replay ends once it has played the rest.
    expect(await api('POST', `/games/${GAME}/finish`)).toMatchObject({ status: 200, body: { gameId: GAME, live: 'finished', frameCount: 12 } });
    expect(await s.waitFor('ended')).toMatchObject({ streamId: `spectate:${GAME}`, reason: 'finished' });
    expect(await r.waitFor('ended')).toMatchObject({ reason: 'finished' });
    expect((await api('POST', `/games/${GAME}/events`, ball(12))).body.error.code).toBe('conflict');
  });

  it('a live terminal session resized mid-game: a late joiner gets the true screen, folded past the resize by the index function', async () => {
    const GAME = 'live-terminal';
    const [rec] = convertFiles([{ name: 'v3.cast', content: readFileSync(join(__dirname, '..', 'fixtures', 'foreign', 'markers-resize-colours.v3.cast')) }]);
    const frames = rec!.frames;
    const resize = frames.findIndex((f) => f.type === 'r');
    const lastResize = frames.findLastIndex((f) => f.type === 'r');
    expect(resize).toBeGreaterThan(0);
    await api('PUT', `/games/${GAME}`, { kind: 'terminal', title: 'A resized session' });
    // Up to and past the resize, in three batches.
    for (const [from, to] of [[0, resize], [resize, resize + 3], [resize + 3, frames.length]] as const) {
      const events = frames.slice(from, to).map((f) => ({ key: `e-${f.seq}`, type: f.type, t: f.t, data: f.data }));
      expect((await api('POST', `/games/${GAME}/events`, { events })).status).toBe(200);
    }
    // The append path's lean fold stopped at each resize and queued the index function, which
    // folds on with its emulator: wait until the keyframes object is past the last resize and
    // stopped nowhere (a joiner before that gets no snapshot: the lean fold cannot cross a resize).
    await until('the live keyframes to be folded past the resizes', async () => {
      const kf = await e.s3
        .send(new GetObjectCommand({ Bucket: e.stack.bucket, Key: liveKeyframesKey(GAME) }))
        .then(async (o) => JSON.parse(await o.Body!.transformToString()) as { stoppedAt?: number; frameCount: number })
        .catch(() => undefined);
      return kf && kf.stoppedAt === undefined && kf.frameCount > lastResize ? true : undefined;
    });
    const v = await e.connect('tess');
    v.send({ action: 'start', gameId: GAME });
    const joined = await v.waitFor('joined');
    expect(joined).toMatchObject({ streamId: `spectate:${GAME}`, live: true, positionSeq: frames.length });
    const snapshot = (joined as { snapshot?: { seq: number; state: TerminalState } }).snapshot;
    expect(snapshot?.seq).toBe(frames.length);
    const full = kindOf('terminal')!;
    const header = liveHeader({ gameId: GAME, kind: 'terminal', title: 'A resized session' });
    const want = full.snapshot(await stateAt(full, header, frames, frames.length)) as unknown as TerminalState;
    expect({ size: `${snapshot!.state.cols}x${snapshot!.state.rows}`, screen: await screenText(snapshot!.state) }).toEqual({ size: `${want.cols}x${want.rows}`, screen: await screenText(want) });
    expect(`${want.cols}x${want.rows}`).not.toBe('80x24'); // the resize is in it
  });

  it('refuses bad requests with a clear error naming the field, and changes nothing', async () => {
    const GAME = 'live-refusals';
    await api('PUT', `/games/${GAME}`, { kind: 'terminal', title: 'Refusals' });
    await api('POST', `/games/${GAME}/events`, ball(0, 5000));
    const before = await gameRow(GAME);
    const cases: Array<[string, string, unknown, string | undefined, number, RegExp]> = [
      ['POST', `/games/${GAME}/events`, { events: [ball(1, 6000), ball(2, 100)] }, publisher, 400, /events\[1\]\.t: 100 ms is before/],
      ['POST', `/games/${GAME}/events`, { events: [{ key: 'bad key', type: 'x' }] }, publisher, 400, /events\[0\]\.key/],
      ['POST', `/games/${GAME}/events`, '{not json', publisher, 400, /not JSON/],
      ['POST', `/games/${GAME}/events`, { events: [] }, publisher, 400, /events/],
      ['POST', `/games/${GAME}/events`, ball(3), viewerToken, 403, /publisher role/],
      ['POST', '/games/nope/events', ball(3), publisher, 404, /PUT \/games\/nope/],
      ['PUT', '/games/2012-ausopen-1701', { kind: 'tennis', title: 'x' }, publisher, 409, /recorded game/],
      ['PUT', `/games/${GAME}`, { kind: 'Bad Kind', title: 'x' }, publisher, 400, /kind/],
    ];
    for (const [method, path, body, token, status, message] of cases) {
      const r = await api(method, path, body, token);
      expect({ path, status: r.status }).toEqual({ path, status });
      expect(r.body.error.message).toMatch(message);
      expect(r.body.error.code).toEqual({ 400: 'bad_request', 403: 'forbidden', 404: 'not_found', 409: 'conflict' }[status]);
    }
    expect(await gameRow(GAME)).toEqual(before);
    // No token: the authorizer answers 401 before any route; a bad one 403.
    expect((await api('POST', `/games/${GAME}/events`, ball(3), '')).status).toBe(401);
    expect((await api('POST', `/games/${GAME}/events`, ball(3), 'x.y.z')).status).toBe(403);
    expect(await gameRow(GAME)).toEqual(before);
  });

  it('orders concurrent publishers: consecutive seqs, every event once, delivered in order', async () => {
    const GAME = 'live-concurrent';
    await api('PUT', `/games/${GAME}`, { kind: 'cricket', title: 'Concurrent' });
    const s = await e.connect('cora');
    s.send({ action: 'start', gameId: GAME });
    await s.waitFor('joined');
    const results = await Promise.all(range(0, 12).map((n) => api('POST', `/games/${GAME}/events`, { events: [{ key: `p-${n}-a`, type: 'x' }, { key: `p-${n}-b`, type: 'x' }] })));
    const seqs = results.flatMap((r) => r.body.accepted.map((a: { seq: number }) => a.seq)).sort((a: number, b: number) => a - b);
    expect(seqs).toEqual(range(0, 24));
    await waitFrames(s, 24);
    expect([...new Set(seqsOf(s))].sort((a, b) => a - b)).toEqual(range(0, 24));
    await until('the Games row', async () => (await gameRow(GAME)).frameCount === 24);
  });

  it('keeps taking full batches past the idempotency key window: 5 × 500 events, every one 200', async () => {
    const GAME = 'live-long';
    await api('PUT', `/games/${GAME}`, { kind: 'cricket', title: 'Long' });
    const batch = (b: number) => ({ events: range(0, 500).map((i) => ({ key: `over-${b}-ball-${i}`, type: 'ball', t: b * 10_000 + i })) });
    const statuses: number[] = [];
    for (let b = 0; b < 5; b++) statuses.push((await api('POST', `/games/${GAME}/events`, batch(b))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    // The newest keys are remembered: a retry of the last batch appends nothing.
    const retry = await api('POST', `/games/${GAME}/events`, batch(4));
    expect(retry).toMatchObject({ status: 200, body: { accepted: [], frameCount: 2500 } });
    expect(retry.body.duplicates).toHaveLength(500);
    const row = await gameRow(GAME);
    expect(row).toMatchObject({ frameCount: 2500, durationMs: 40_499 });
    expect(row.chunks!.map((c) => c.keys?.length ?? 0)).toEqual([0, 500, 500, 500, 500]);
    expect((await api('POST', `/games/${GAME}/finish`)).status).toBe(200);
  });

  it('belongs to the publisher who opened it: another publisher is forbidden in plain words, an operator may act on it', async () => {
    const GAME = 'live-owned';
    const rival = await e.stack.token('rival', 'Rival', 3600, ['publisher']);
    const operator = await e.stack.token('olga', 'Olga', 3600, ['operator']);
    expect((await api('PUT', `/games/${GAME}`, { kind: 'cricket', title: 'Owned' })).status).toBe(201);
    await api('POST', `/games/${GAME}/events`, ball(0, 0));
    const before = await gameRow(GAME);
    expect(before.userId).toBe('feed');
    for (const [method, path, body] of [
      ['POST', `/games/${GAME}/events`, ball(1, 100)],
      ['PUT', `/games/${GAME}`, { kind: 'cricket', title: 'Mine now' }],
      ['POST', `/games/${GAME}/finish`, undefined],
    ] as const) {
      const r = await api(method, path, body, rival);
      expect({ path, method, status: r.status, code: r.body.error.code }).toEqual({ path, method, status: 403, code: 'forbidden' });
      expect(r.body.error.message).toMatch(/belongs to the publisher who opened it: only they or an operator may change it/);
    }
    expect(await gameRow(GAME)).toEqual(before);
    // The rival's own game is theirs.
    expect((await api('PUT', '/games/live-rivals', { kind: 'cricket', title: 'Rivals' }, rival)).status).toBe(201);
    // An operator may append to and finish any live game.
    expect((await api('POST', `/games/${GAME}/events`, ball(1, 100), operator)).body.accepted).toEqual([{ key: 'b-1', seq: 1 }]);
    expect(await api('POST', `/games/${GAME}/finish`, undefined, operator)).toMatchObject({ status: 200, body: { live: 'finished', frameCount: 2 } });
  });
});
