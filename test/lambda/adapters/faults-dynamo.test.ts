/**
 * Faults: DynamoDB throttling and transient errors injected into the real code
 * paths. A fault-injecting HTTP proxy sits in front of dynalite and answers chosen requests
 * (by operation, table, index, condition…) with the error DynamoDB itself would send —
 * `ProvisionedThroughputExceededException`, `ThrottlingException` (400),
 * `InternalServerError` (500), `ServiceUnavailable` (503) — so the SDK's own retry
 * middleware runs, exactly as on AWS. No `send` is mocked.
 *
 * What is asserted:
 * - every table operation the handlers use rides out a short burst of faults through the
 *   SDK's retries (SDK_MAX_ATTEMPTS = 5) and its result is what it would have been;
 * - a fault that outlives the retries becomes a named, stack-free error (ThrottledError /
 *   AwsServiceError) — and through a real handler (`control`, `ping`/`join`) a clear
 *   `error` reply with code `internal` and no stack trace, the state left consistent, and a
 *   retry by the client succeeding.
 *
 * Mind the SDK's retry quota (a token bucket per client: 500 tokens, 5 per retry, refilled
 * by successes): this file injects well under 100 retried faults in total.
 */
// The SDK's retries as they are, with their backoff waits cut to a few ms (test/support/short-sdk-backoff.ts).
jest.mock('@aws-sdk/client-dynamodb', () => jest.requireActual('../../support/short-sdk-backoff').dynamoDbWithShortBackoff());
import { streamRowFixture, useLocalAwsWithConnections, wsEvent } from '../../support/aws-local';
import type { DynamoRequest, FaultKind } from '../../support/dynamo-fault-proxy';
import { SDK_MAX_ATTEMPTS } from '../../../lambda/adapters/aws';
import {
  addClients,
  attachConnection,
  countStreamConnections,
  createStream,
  deleteConnection,
  detachConnection,
  getConnection,
  getGame,
  getStream,
  listExpiredConnections,
  listGames,
  listStreamsByStatus,
  markControllers,
  putConnection,
  putGame,
  touchConnection,
  updateStream,
} from './env-adapters';
import { AwsServiceError, StaleEpochError, ThrottledError } from '../../../lambda/adapters/errors';
import type { ConnectionRow, StreamRow } from '../../../contract/rows';
import type { ServerMessage } from '../../../protocol/messages';
import { handler as controlHandler } from '../../../lambda/handlers/control';

// The handlers' custom metrics would print EMF JSON here; test/lambda/adapters/metrics.test.ts covers them.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

jest.setTimeout(90_000);

// Matchers.
const op = (name: string, table?: string) => (r: DynamoRequest) => r.op === name && (table === undefined || r.body.TableName === table);
const onIndex = (name: string, index: string) => (r: DynamoRequest) => r.op === 'Query' && r.body.IndexName === index && (r.body.TableName as string) === name;

// ---------------------------------------------------------------------------------------

const { fake, proxy } = useLocalAwsWithConnections({ s3: false, dynamoFaults: true });
afterEach(() => {
  // A test that left a fault unspent did not exercise what it claims.
  expect(proxy().pending()).toBe(0);
});

const T = { connections: 'Connections', streams: 'Streams', games: 'Games' };

const stream = (streamId: string, over: Partial<StreamRow> = {}): StreamRow =>
  streamRowFixture(streamId, { status: 'paused', createdAt: Date.now(), updatedAt: Date.now(), ...over });

const connection = (connectionId: string, over: Partial<ConnectionRow> = {}): ConnectionRow => ({
  connectionId,
  userId: `u-${connectionId}`,
  displayName: connectionId,
  connectedAt: 0,
  lastSeenAt: 0,
  expiresAt: 9e9,
  ...over,
});

/** Two different faults, then success: the call must return what it would have without them. */
const BURSTS: Array<[FaultKind, FaultKind]> = [
  ['ProvisionedThroughputExceeded', 'InternalServerError'],
  ['Throttling', 'ServiceUnavailable'],
  ['InternalServerError', 'ProvisionedThroughputExceeded'],
  ['ServiceUnavailable', 'Throttling'],
];
let burst = 0;
const nextBurst = (): [FaultKind, FaultKind] => BURSTS[burst++ % BURSTS.length]!;

describe('every table operation the handlers use rides out a burst of throttling / 5xx', () => {
  /**
   * [name, matcher of the faulted request, setup, the call, check of its result]. Each call
   * gets two faults of different kinds before the real answer: three attempts in all.
   */
  const cases: Array<{
    name: string;
    match: (r: DynamoRequest) => boolean;
    setup?: () => Promise<void>;
    call: () => Promise<unknown>;
    check: (result: unknown) => Promise<void> | void;
  }> = [
    {
      name: 'PutItem Connections (putConnection, $connect)',
      match: op('PutItem', T.connections),
      call: () => putConnection(connection('c-put')),
      check: async () => expect(await getConnection('c-put')).toMatchObject({ connectionId: 'c-put' }),
    },
    {
      name: 'GetItem Connections (getConnection)',
      match: op('GetItem', T.connections),
      setup: () => putConnection(connection('c-get')),
      call: () => getConnection('c-get'),
      check: (r) => expect(r).toMatchObject({ connectionId: 'c-get' }),
    },
    {
      name: 'UpdateItem Connections (attachConnection)',
      match: op('UpdateItem', T.connections),
      setup: async () => {
        await putConnection(connection('c-att'));
        await createStream(stream('s-att'));
      },
      call: () => attachConnection('c-att', 's-att', 'spectator'),
      check: async (r) => {
        expect(r).toMatchObject({ connectionId: 'c-att', streamId: 's-att', role: 'spectator' });
        expect(await countStreamConnections('s-att')).toEqual({ clients: 1, players: 0, spectators: 1 });
      },
    },
    {
      name: 'UpdateItem Connections (detachConnection)',
      match: op('UpdateItem', T.connections),
      setup: async () => {
        await putConnection(connection('c-det'));
        await attachConnection('c-det', 's-det', 'player');
      },
      call: () => detachConnection('c-det'),
      check: async (r) => {
        expect(r).toMatchObject({ streamId: 's-det', role: 'player' });
        expect((await getConnection('c-det'))?.streamId).toBeUndefined();
      },
    },
    {
      name: 'UpdateItem Connections (touchConnection, ping)',
      match: op('UpdateItem', T.connections),
      setup: () => putConnection(connection('c-touch')),
      call: () => touchConnection('c-touch', 4242),
      check: async (r) => {
        expect(r).toBe(true);
        expect((await getConnection('c-touch'))?.lastSeenAt).toBe(4242);
      },
    },
    {
      name: 'DeleteItem Connections (deleteConnection, $disconnect / 410)',
      match: op('DeleteItem', T.connections),
      setup: () => putConnection(connection('c-del', { streamId: 's-x' })),
      call: () => deleteConnection('c-del'),
      check: async (r) => {
        expect(r).toMatchObject({ connectionId: 'c-del', streamId: 's-x' }); // the old row: the caller uncounts it
        expect(await getConnection('c-del')).toBeUndefined();
      },
    },
    {
      name: 'Query Connections.byStream (fan-out, presence)',
      match: onIndex(T.connections, 'byStream'),
      setup: async () => {
        for (const id of ['q-1', 'q-2']) {
          await putConnection(connection(id));
          await attachConnection(id, 's-q', id === 'q-1' ? 'player' : 'spectator');
        }
      },
      call: () => countStreamConnections('s-q'),
      check: (r) => expect(r).toEqual({ clients: 2, players: 1, spectators: 1 }),
    },
    {
      name: 'Scan Connections (listExpiredConnections, sweeper)',
      match: op('Scan', T.connections),
      setup: () => putConnection(connection('c-old', { expiresAt: 5 })),
      call: () => listExpiredConnections(10),
      check: (r) => expect((r as ConnectionRow[]).map((c) => c.connectionId)).toEqual(['c-old']),
    },
    {
      name: 'PutItem Streams (createStream, conditional)',
      match: op('PutItem', T.streams),
      call: () => createStream(stream('s-create')),
      check: async () => expect(await getStream('s-create', { consistent: true })).toMatchObject({ streamId: 's-create', epoch: 1 }),
    },
    {
      name: 'GetItem Streams (getStream, consistent)',
      match: op('GetItem', T.streams),
      setup: () => createStream(stream('s-get')),
      call: () => getStream('s-get', { consistent: true }),
      check: (r) => expect(r).toMatchObject({ streamId: 's-get' }),
    },
    {
      name: 'UpdateItem Streams (updateStream: a control or a tick claim, conditional on epoch + positionSeq)',
      match: op('UpdateItem', T.streams),
      setup: () => createStream(stream('s-upd', { status: 'playing' })),
      call: () => updateStream('s-upd', 1, { positionSeq: 3, positionMs: 30 }, { expectPositionSeq: 0, expectStatus: ['playing'] }),
      check: async (r) => {
        expect(r).toMatchObject({ positionSeq: 3, positionMs: 30, epoch: 1 });
        expect((await getStream('s-upd', { consistent: true }))?.positionSeq).toBe(3);
      },
    },
    {
      name: 'UpdateItem Streams (addClients: ADD clientCount, then idleSince)',
      match: (r) => op('UpdateItem', T.streams)(r) && String(r.body.UpdateExpression).startsWith('ADD'),
      setup: () => createStream(stream('s-add', { clientCount: 1 })),
      call: () => addClients('s-add', 1),
      check: async () => expect((await getStream('s-add', { consistent: true }))?.clientCount).toBe(2), // counted once
    },
    {
      name: 'UpdateItem Streams (markControllers)',
      match: op('UpdateItem', T.streams),
      setup: () => createStream(stream('s-ctl', { mode: 'pvai' })),
      call: () => markControllers('s-ctl', false, 777),
      check: async () => expect((await getStream('s-ctl', { consistent: true }))?.controllersGoneSince).toBe(777),
    },
    {
      name: 'Query Streams.byStatus (catalog, sweeper)',
      match: (r) => r.op === 'Query' && r.body.IndexName === 'byStatus',
      setup: () => createStream(stream('s-status', { status: 'scheduled' })),
      call: () => listStreamsByStatus(['scheduled']),
      check: (r) => expect((r as StreamRow[]).map((s) => s.streamId)).toEqual(['s-status']),
    },
    {
      name: 'PutItem Games (putGame, index Lambda)',
      match: op('PutItem', T.games),
      call: () => putGame({ gameId: 'g-put', title: 'G', kind: 'tennis', recordingKey: 'r', indexKey: 'i', durationMs: 1, frameCount: 1, participants: [], createdAt: 0 }),
      check: async () => expect(await getGame('g-put')).toMatchObject({ gameId: 'g-put' }),
    },
    {
      name: 'GetItem Games (getGame, start)',
      match: op('GetItem', T.games),
      call: () => getGame('g-put'),
      check: (r) => expect(r).toMatchObject({ gameId: 'g-put' }),
    },
    {
      name: 'Scan Games (listGames, list)',
      match: op('Scan', T.games),
      call: () => listGames(),
      check: (r) => expect((r as Array<{ gameId: string }>).map((g) => g.gameId)).toContain('g-put'),
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await c.setup?.();
    const [first, second] = nextBurst();
    const from = proxy().log.length;
    proxy().inject(c.match, first, second);
    const result = await c.call();
    // Two faulted attempts, then the one that went through — the faults really were retried.
    expect(proxy().log.slice(from).filter((r) => c.match(r)).map((r) => r.answer)).toEqual([first, second, 'ok']);
    await c.check(result);
  });
});

describe('a fault that outlives the SDK retries', () => {
  it(`throws ThrottledError after ${SDK_MAX_ATTEMPTS} ProvisionedThroughputExceeded answers, naming the operation, with no stack or request internals`, async () => {
    await createStream(stream('s-pte'));
    const from = proxy().log.length;
    proxy().inject(op('GetItem', T.streams), ...Array<FaultKind>(SDK_MAX_ATTEMPTS).fill('ProvisionedThroughputExceeded'));
    const err = await getStream('s-pte').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect(err).toMatchObject({ service: 'DynamoDB', operation: 'GetItem', code: 'ProvisionedThroughputExceededException', status: 400, retryable: true });
    expect((err as Error).message).toBe('DynamoDB GetItem failed: ProvisionedThroughputExceededException (HTTP 400)');
    expect(proxy().count(op('GetItem', T.streams), from)).toBe(SDK_MAX_ATTEMPTS);
  });

  it('a conditional write that keeps failing with 500 changes nothing and throws AwsServiceError (not StaleEpochError)', async () => {
    await createStream(stream('s-500', { status: 'playing' }));
    proxy().inject(op('UpdateItem', T.streams), ...Array<FaultKind>(SDK_MAX_ATTEMPTS).fill('InternalServerError'));
    const err = await updateStream('s-500', 1, { positionSeq: 5 }, { expectPositionSeq: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsServiceError);
    expect(err).not.toBeInstanceOf(ThrottledError);
    expect(err).toMatchObject({ code: 'InternalServerError', status: 500, retryable: true });
    expect((await getStream('s-500', { consistent: true }))?.positionSeq).toBe(0);
  });
});

describe('a write applied whose answer is lost (applied-then-500, then the SDK retries it) moves a count exactly once', () => {
  const isAdd = (r: DynamoRequest) => op('UpdateItem', T.streams)(r) && String(r.body.UpdateExpression).startsWith('ADD clientCount');
  const isMove = (r: DynamoRequest) => op('UpdateItem', T.connections)(r) && String(r.body.UpdateExpression).includes('streamId');

  it('addClients: the retry of an applied ADD changes nothing (counted once)', async () => {
    await createStream(stream('s-lost-add', { clientCount: 3 }));
    proxy().inject(isAdd, 'applied-then-500');
    const row = await addClients('s-lost-add', 1, 1_000);
    expect(row?.clientCount).toBe(4);
    expect((await getStream('s-lost-add', { consistent: true }))?.clientCount).toBe(4);
    await addClients('s-lost-add', -1, 2_000);
    expect((await getStream('s-lost-add', { consistent: true }))?.clientCount).toBe(3);
  });

  it('detach: the retry of an applied detach still reports the streamId it took the connection off', async () => {
    await putConnection(connection('c-lost-det'));
    await attachConnection('c-lost-det', 's-lost-det', 'spectator');
    proxy().inject(isMove, 'applied-then-500');
    expect(await detachConnection('c-lost-det')).toMatchObject({ streamId: 's-lost-det', role: 'spectator' });
    expect((await getConnection('c-lost-det'))?.streamId).toBeUndefined();
  });

  it('delete: the retry of an applied detach-before-delete still reports the streamId, and the row is gone', async () => {
    await putConnection(connection('c-lost-del'));
    await attachConnection('c-lost-del', 's-lost-del', 'player');
    proxy().inject(isMove, 'applied-then-500');
    expect(await deleteConnection('c-lost-del')).toMatchObject({ streamId: 's-lost-del', role: 'player' });
    expect(await getConnection('c-lost-del')).toBeUndefined();
  });

  it('updateStream: a control whose epoch bump went in is returned as applied, not taken for a lost race (StaleEpochError)', async () => {
    await createStream(stream('s-lost-upd', { status: 'playing', epoch: 4, positionSeq: 7 }));
    proxy().inject(op('UpdateItem', T.streams), 'applied-then-500');
    const row = await updateStream('s-lost-upd', 4, { epoch: 5, status: 'paused' }, { expectPositionSeq: 7 });
    expect(row).toMatchObject({ epoch: 5, status: 'paused', positionSeq: 7 });
    // A real lost race still is one.
    await expect(updateStream('s-lost-upd', 4, { epoch: 5, status: 'playing' })).rejects.toBeInstanceOf(StaleEpochError);
  });

  it('attach: the retry of an applied attach still reports the attachment it replaced', async () => {
    await putConnection(connection('c-lost-att'));
    await attachConnection('c-lost-att', 's-lost-from', 'spectator');
    proxy().inject(isMove, 'applied-then-500');
    expect(await attachConnection('c-lost-att', 's-lost-to', 'player')).toMatchObject({ streamId: 's-lost-to', role: 'player', previous: { streamId: 's-lost-from' } });
    expect(await getConnection('c-lost-att')).toMatchObject({ streamId: 's-lost-to', role: 'player' });
  });
});

// ---------------------------------------------------------------------------------------
// Through a real handler: the control Lambda
// ---------------------------------------------------------------------------------------

const replies = (connectionId: string): ServerMessage[] => fake().received(connectionId).map((b) => JSON.parse(b) as ServerMessage);

describe('the control handler under DynamoDB faults', () => {
  it('join: a burst of faults on every table operation it makes is absorbed; the client sees a normal join', async () => {
    await createStream(stream('s-join'));
    await putConnection(connection('cj', { userId: 'jo' }));
    // Two faults on the first request of each kind join makes: GetItem Streams, UpdateItem
    // Connections (detach, then attach), Query byStream, UpdateItem Streams (ADD clientCount).
    proxy().inject(op('GetItem', T.streams), 'Throttling', 'InternalServerError');
    proxy().inject(op('UpdateItem', T.connections), 'ProvisionedThroughputExceeded', 'ServiceUnavailable');
    proxy().inject(onIndex(T.connections, 'byStream'), 'InternalServerError', 'Throttling');
    proxy().inject(op('UpdateItem', T.streams), 'ServiceUnavailable', 'ProvisionedThroughputExceeded');
    await controlHandler(wsEvent('cj', 'jo', { action: 'join', streamId: 's-join' }));
    const got = replies('cj');
    expect(got.map((m) => m.type)).toEqual(['joined', 'presence']);
    expect(got[0]).toMatchObject({ streamId: 's-join', role: 'spectator', clients: 1 });
    expect(await getConnection('cj')).toMatchObject({ streamId: 's-join', role: 'spectator' });
    expect((await getStream('s-join', { consistent: true }))?.clientCount).toBe(1);
  });

  it('join: persistent throttling of the attach replies error internal (no stack), leaves the connection detached and uncounted; the client\'s retry succeeds', async () => {
    await createStream(stream('s-join2'));
    await putConnection(connection('ck', { userId: 'kai' }));
    // detachConnection (a no-op here) goes through; every attach try is throttled.
    proxy().inject(
      (r) => op('UpdateItem', T.connections)(r) && String(r.body.UpdateExpression).startsWith('SET streamId'),
      ...Array<FaultKind>(SDK_MAX_ATTEMPTS).fill('Throttling'),
    );
    await controlHandler(wsEvent('ck', 'kai', { action: 'join', streamId: 's-join2' }));
    const [reply, ...rest] = replies('ck');
    expect(rest).toEqual([]);
    expect(reply).toMatchObject({ type: 'error', code: 'internal', action: 'join' });
    const message = (reply as { message: string }).message;
    expect(message).toMatch(/^something went wrong on our side \(request req-\d+\)$/);
    expect(message).not.toMatch(/Throttling|DynamoDB|\bat\s+\S+\s+\(|\.ts:\d+/); // neither internals nor a stack
    // Consistent: not attached, not counted, not announced.
    expect((await getConnection('ck'))?.streamId).toBeUndefined();
    expect((await getStream('s-join2', { consistent: true }))?.clientCount).toBe(0);
    expect(await countStreamConnections('s-join2')).toEqual({ clients: 0, players: 0, spectators: 0 });

    fake().reset();
    await controlHandler(wsEvent('ck', 'kai', { action: 'join', streamId: 's-join2' }));
    expect(replies('ck').map((m) => m.type)).toEqual(['joined', 'presence']);
    expect((await getStream('s-join2', { consistent: true }))?.clientCount).toBe(1);
  });

  it('ping: a 503 that outlives the retries answers error internal, and the heartbeat is simply not recorded', async () => {
    await putConnection(connection('cp', { userId: 'pat', lastSeenAt: 1 }));
    proxy().inject(op('UpdateItem', T.connections), ...Array<FaultKind>(SDK_MAX_ATTEMPTS).fill('ServiceUnavailable'));
    await controlHandler(wsEvent('cp', 'pat', { action: 'ping' }));
    expect(replies('cp')).toEqual([expect.objectContaining({ type: 'error', code: 'internal', action: 'ping' })]);
    expect((await getConnection('cp'))?.lastSeenAt).toBe(1);
  });

  it('list: a throttled byStatus query is retried and the catalog comes back complete', async () => {
    await createStream(stream('s-listed', { status: 'playing' }));
    proxy().inject((r) => r.op === 'Query' && r.body.IndexName === 'byStatus', 'ProvisionedThroughputExceeded', 'Throttling');
    proxy().inject(op('Scan', T.games), 'InternalServerError');
    await controlHandler(wsEvent('cl', 'lee', { action: 'list' }));
    const [catalog] = replies('cl');
    expect(catalog).toMatchObject({ type: 'catalog' });
    expect((catalog as Extract<ServerMessage, { type: 'catalog' }>).streams.map((s) => s.streamId)).toContain('s-listed');
    expect((catalog as Extract<ServerMessage, { type: 'catalog' }>).games.map((g) => g.gameId)).toContain('g-put');
  });
});
