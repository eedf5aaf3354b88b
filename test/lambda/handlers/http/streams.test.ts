/**
 * `POST /streams` and `GET /streams` (docs/HTTP-API.md "Scheduled streams") against
 * the local DynamoDB stand-in, and what the WebSocket side makes of a scheduled stream
 * through the real control handler: `join` before the start (`joined` with `startsAt`) and
 * `list` (`catalog.streams`, the same entries and order as `GET /streams`).
 */
import { useLocalAwsWithConnections, wsEvent } from '../../../support/aws-local';
import { getStream, listStreamsByStatus, putConnection, putGame, createStream } from '../../adapters/env-adapters';
import type { ConnectionRow, GameRow, StreamRow } from '../../../../contract/rows';
import type { ServerMessage } from '../../../../protocol/messages';
import { handler as controlHandler } from '../../../../lambda/handlers/control';
import type { HttpIdentity, HttpResult } from '../../../../lambda/core/http-api';
import { fromEnvironment, type HttpApiDeps } from '../../../../lambda/handlers/http-api';
import * as routes from '../../../../lambda/handlers/http/streams';

// The handlers' custom metrics would print EMF JSON here; test/lambda/adapters/metrics.test.ts covers them.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const { fake } = useLocalAwsWithConnections({ s3: false });

/** The HTTP API function's dependencies (handlers/http-api.ts `fromEnvironment`), built once the environment is set. */
let deps: HttpApiDeps | undefined;
const ports = (): HttpApiDeps => (deps ??= fromEnvironment(process.env));
const postStream = (who: HttpIdentity, body: unknown, now: number): Promise<HttpResult> => routes.postStream(ports(), who, body, now);
const getStreams = (): Promise<HttpResult> => routes.getStreams(ports());

const operator = { userId: 'olga', roles: ['operator'] };
const NOW = Date.now();

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

beforeAll(async () => {
  await putGame(game('final-1'));
  await putGame(game('final-2', { title: 'Second final' }));
  await putGame(game('live-1', { liveStatus: 'live', startedAt: 0, chunks: [] }));
});

/** Every stream row with this game id (consistent reads of the listed ids). */
async function rowsOf(gameId: string): Promise<StreamRow[]> {
  const listed = (await listStreamsByStatus(['scheduled', 'awaiting_start', 'starting', 'playing', 'paused', 'ended', 'failed'])).filter((s) => s.gameId === gameId);
  return Promise.all(listed.map(async (s) => (await getStream(s.streamId, { consistent: true }))!));
}

describe('POST /streams', () => {
  it('201: creates a scheduled spectate stream of the game, startsAt from an ISO startAt', async () => {
    const startAt = new Date(NOW + 3_600_000).toISOString();
    const res = await postStream(operator, { gameId: 'final-1', startAt, speed: 4, title: 'Rewatch: final 1' }, NOW);
    expect(res.status).toBe(201);
    const body = res.body as { streamId: string; gameId: string; status: string; startsAt: number };
    expect(body).toEqual({ streamId: expect.stringMatching(/^scheduled:final-1:[A-Za-z0-9_-]{11}$/), gameId: 'final-1', status: 'scheduled', startsAt: Date.parse(startAt) });
    expect(await getStream(body.streamId, { consistent: true })).toMatchObject({
      streamId: body.streamId,
      gameId: 'final-1',
      mode: 'spectate',
      status: 'scheduled',
      speed: 4,
      epoch: 1,
      positionSeq: 0,
      positionMs: 0,
      anchorAt: body.startsAt,
      startsAt: body.startsAt,
      controllers: [],
      clientCount: 0,
      title: 'Rewatch: final 1',
      recordingKey: 'recordings/final-1.jsonl',
      frameCount: 40,
      createdAt: NOW,
    });
  });

  it('gives each schedule of the same game its own stream; the title defaults to the game\'s', async () => {
    const a = (await postStream(operator, { gameId: 'final-2', startAt: NOW + 600_000 }, NOW)).body as { streamId: string };
    const b = (await postStream(operator, { gameId: 'final-2', startAt: NOW + 600_000 }, NOW)).body as { streamId: string };
    expect(a.streamId).not.toBe(b.streamId);
    const rows = await rowsOf('final-2');
    expect(rows.map((r) => r.streamId).sort()).toEqual([a.streamId, b.streamId].sort());
    expect(rows.every((r) => r.title === 'Second final' && r.speed === 1)).toBe(true);
  });

  it('403 without the operator role, 400 for a bad body, 404 for an unknown game, 409 for a live game — and writes nothing', async () => {
    const before = (await listStreamsByStatus(['scheduled'])).length;
    const ok = { gameId: 'final-1', startAt: NOW + 60_000 };
    expect(await postStream({ userId: 'pat', roles: ['publisher'] }, ok, NOW)).toEqual({
      status: 403,
      body: { error: { code: 'forbidden', message: expect.stringMatching(/operator role/) } },
    });
    expect(await postStream({ userId: 'pat', roles: [] }, ok, NOW)).toMatchObject({ status: 403 });
    expect(await postStream(operator, { ...ok, startAt: NOW + 1000 }, NOW)).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: expect.stringMatching(/^startAt: .*too soon/) } },
    });
    expect(await postStream(operator, { ...ok, speed: 128 }, NOW)).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: expect.stringMatching(/^speed: /) } },
    });
    expect(await postStream(operator, 'not an object', NOW)).toMatchObject({ status: 400 });
    expect(await postStream(operator, { ...ok, gameId: 'no-such-game' }, NOW)).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: expect.stringMatching(/no game "no-such-game"/) } },
    });
    expect(await postStream(operator, { ...ok, gameId: 'live-1' }, NOW)).toEqual({
      status: 409,
      body: { error: { code: 'conflict', message: expect.stringMatching(/live game/) } },
    });
    expect((await listStreamsByStatus(['scheduled'])).length).toBe(before);
  });
});

describe('GET /streams and the list action', () => {
  it('lists streams not ended: scheduled ones first by startsAt, then by viewers; catalog.streams is the same', async () => {
    const later = (await postStream(operator, { gameId: 'final-1', startAt: NOW + 7_200_000 }, NOW)).body as { streamId: string };
    const sooner = (await postStream(operator, { gameId: 'final-1', startAt: NOW + 300_000 }, NOW)).body as { streamId: string };
    const base = (await getStream(sooner.streamId, { consistent: true }))!;
    const busy: StreamRow = { ...base, streamId: 'spectate:final-1', status: 'playing', clientCount: 7, startsAt: undefined };
    const quiet: StreamRow = { ...base, streamId: 'pvai:final-1:u', mode: 'pvai', status: 'paused', clientCount: 1, startsAt: undefined, controllers: ['u'] };
    await createStream(busy);
    await createStream(quiet);
    await createStream({ ...busy, streamId: 'spectate:final-2', status: 'ended', clientCount: 50 });

    const res = await getStreams();
    expect(res.status).toBe(200);
    const streams = (res.body as { streams: Array<{ streamId: string; startsAt?: number; status: string }> }).streams;
    const ids = streams.map((s) => s.streamId);
    expect(ids).not.toContain('spectate:final-2');
    const scheduled = streams.filter((s) => s.status === 'scheduled');
    expect(ids.slice(0, scheduled.length)).toEqual(scheduled.map((s) => s.streamId)); // scheduled first…
    expect(scheduled.map((s) => s.startsAt)).toEqual([...scheduled.map((s) => s.startsAt!)].sort((x, y) => x - y)); // …by startsAt
    expect(ids.indexOf(sooner.streamId)).toBeLessThan(ids.indexOf(later.streamId));
    expect(ids.slice(scheduled.length)).toEqual(['spectate:final-1', 'pvai:final-1:u']); // then by viewers
    expect(streams.find((s) => s.streamId === sooner.streamId)).toEqual({
      streamId: sooner.streamId,
      gameId: 'final-1',
      title: 'Final final-1',
      mode: 'spectate',
      status: 'scheduled',
      clients: 0,
      speed: 1,
      startsAt: NOW + 300_000,
    });
    expect(streams.find((s) => s.streamId === 'spectate:final-1')).not.toHaveProperty('startsAt');

    await putConnection(connection('c-list', 'lee'));
    await controlHandler(wsEvent('c-list', 'lee', { action: 'list' }));
    const [catalog] = replies('c-list');
    expect(catalog).toMatchObject({ type: 'catalog' });
    expect((catalog as Extract<ServerMessage, { type: 'catalog' }>).streams).toEqual(streams);
  });
});

describe('joining a scheduled stream before it starts', () => {
  it('join works for a spectator: joined has status scheduled and startsAt; the stream counts the viewer', async () => {
    const startsAt = NOW + 600_000;
    const { streamId } = (await postStream(operator, { gameId: 'final-1', startAt: startsAt }, NOW)).body as { streamId: string };
    await putConnection(connection('c-early', 'eve'));
    await controlHandler(wsEvent('c-early', 'eve', { action: 'join', streamId }));
    const [joined, presence] = replies('c-early');
    expect(joined).toMatchObject({ type: 'joined', streamId, role: 'spectator', status: 'scheduled', startsAt, positionSeq: 0, positionMs: 0, clients: 1 });
    expect(presence).toMatchObject({ type: 'presence', streamId, clients: 1, spectators: 1 });
    expect(await getStream(streamId, { consistent: true })).toMatchObject({ status: 'scheduled', clientCount: 1 });
    expect((await getStream(streamId, { consistent: true }))?.idleSince).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------

const replies = (connectionId: string): ServerMessage[] => fake().received(connectionId).map((b) => JSON.parse(b) as ServerMessage);
const connection = (connectionId: string, userId: string): ConnectionRow => ({
  connectionId,
  userId,
  displayName: userId,
  connectedAt: NOW,
  lastSeenAt: NOW,
  expiresAt: Math.floor(NOW / 1000) + 3600,
});
