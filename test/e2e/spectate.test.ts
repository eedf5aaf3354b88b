/**
 * End to end on local mode: a real final, ingested, streamed at high speed to three
 * spectators through the real handlers, state machine and local gateway.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { dueAt } from '../../lambda/core/clock';
import type { StreamRow } from '../../contract/rows';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { TestClient } from '../support/ws-client';

const GAME = '2011-usopen-2701'; // US Open 2011 women's final, 103 points, 1:13:08
/** The shared stream's speed (the protocol's most, MAX_SPEED): its last 13 minutes of media play in about 12 s. */
const SPEED = 64;
/** The playout buffer of spectate streams (the stack's `spectateLeadMs`; docs/PROTOCOL.md "Playout buffer (1.1)"). */
const LEAD_MS = 3000;
jest.setTimeout(300_000);

let stack: LocalStack;
let db: DynamoDBDocumentClient;
const clients: TestClient[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ spectateLeadMs: LEAD_MS });
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await stack?.close();
});

async function connect(user: string): Promise<TestClient> {
  const c = await TestClient.connect(stack.wsUrl, await stack.token(user), user);
  clients.push(c);
  return c;
}

async function tableItems(name: string): Promise<unknown[]> {
  const out = await db.send(new ScanCommand({ TableName: stack.tables[name] }));
  return (out.Items ?? []).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe(`spectating a real final at ${SPEED}×`, () => {
  it('serves the sample finals at start', () => {
    expect(stack.games).toEqual(expect.arrayContaining([GAME, '2012-wimbledon-1701', '2012-ausopen-1701', '2013-wimbledon-2701']));
  });

  it('gives three spectators the same frames, in seq order, none missing, none early, then ended', async () => {
    const [a, b, c] = [await connect('ann'), await connect('bob'), await connect('cat')];
    const catalogReply = (a.send({ action: 'list' }), await a.waitFor('catalog'));
    const game = catalogReply.games.find((g) => g.gameId === GAME)!;
    expect(game).toMatchObject({ kind: 'tennis', durationMs: 4_388_000 });

    const atMs = game.durationMs - 13 * 60_000;
    a.send({ action: 'start', gameId: GAME, speed: SPEED, atMs });
    const joinedA = await a.waitFor('joined');
    // b and c join the running stream as soon as it exists; however late that is on a busy
    // machine, each gets every frame from its join on.
    for (const x of [b, c]) x.send({ action: 'start', gameId: GAME, speed: 1 });
    expect(joinedA).toMatchObject({ streamId: `spectate:${GAME}`, mode: 'spectate', role: 'spectator', speed: SPEED, positionMs: atMs });
    const row = (await db.send(new GetCommand({ TableName: stack.tables.Streams, Key: { streamId: joinedA.streamId } }))).Item as StreamRow;
    const [joinedB, joinedC] = await Promise.all([b.waitFor('joined'), c.waitFor('joined')]);
    for (const j of [joinedB, joinedC]) {
      expect(j.streamId).toBe(joinedA.streamId); // the scheduler manager's dedup: one shared stream
      expect(j.epoch).toBe(joinedA.epoch); // …the same run of it
      expect(j.speed).toBe(SPEED); // a spectator does not change a shared stream
    }

    await Promise.all([a, b, c].map((x) => x.waitFor('ended', () => true, 120_000)));
    for (const x of [a, b, c]) expect(x.all('ended')[0]!.reason).toBe('finished');

    const seqs = (x: TestClient) => x.frames().map((f) => f.seq);
    const range = (from: number) => Array.from({ length: row.frameCount - from }, (_, i) => from + i);
    const expected = range(joinedA.positionSeq);
    expect(expected.length).toBeGreaterThan(10);
    expect(seqs(a)).toEqual(expected);
    // A later joiner gets every frame from its snapshot's positionSeq on (a batch fanned out
    // while it joined may come too), in order, none missing, to the end.
    for (const [x, j] of [[b, joinedB], [c, joinedC]] as const) {
      const first = seqs(x)[0] ?? row.frameCount;
      expect(first).toBeGreaterThanOrEqual(joinedA.positionSeq);
      expect(first).toBeLessThanOrEqual(j.positionSeq);
      expect(seqs(x)).toEqual(range(first));
    }
    // None early: each frame arrived at or after anchorAt + (t − positionMs) / speed, less the
    // stream's playout buffer (a frame may be sent up to leadMs before it is due).
    // (1 ms allowance: Node timers round to whole milliseconds.)
    expect(joinedA.leadMs).toBe(LEAD_MS);
    for (const x of [a, b, c]) for (const f of x.frames()) expect(f.at).toBeGreaterThanOrEqual(dueAt(row, f.t) - LEAD_MS - 1);
    // Frames arrive after `joined` and before `ended`.
    const order = a.messages.map((m) => m.type);
    expect(order.indexOf('joined')).toBeLessThan(order.indexOf('frames'));
    expect(order.lastIndexOf('frames')).toBeLessThan(order.indexOf('ended'));

    const ended = (await db.send(new GetCommand({ TableName: stack.tables.Streams, Key: { streamId: joinedA.streamId } }))).Item as StreamRow;
    expect(ended).toMatchObject({ status: 'ended', endedReason: 'finished', positionSeq: row.frameCount, clientCount: 3 });
  });
});

describe('the playout buffer', () => {
  it('sends spectators frames with dueAt, none more than leadMs early, every frame once and in order; a late joiner starts at the playhead', async () => {
    const id = '2012-wimbledon-1701';
    const [d, e] = [await connect('dan'), await connect('eve')];
    d.send({ action: 'list' });
    const durationMs = (await d.waitFor('catalog')).games.find((g) => g.gameId === id)!.durationMs;
    // Its last 15 minutes of media: about 14 s at 64×.
    d.send({ action: 'start', gameId: id, speed: SPEED, atMs: durationMs - 15 * 60_000 });
    const joinedD = await d.waitFor('joined');
    expect(joinedD).toMatchObject({ streamId: `spectate:${id}`, leadMs: LEAD_MS });
    // A late joiner: once the first batch (sent ahead) is out.
    await d.waitFor('frames');
    e.send({ action: 'start', gameId: id });
    const joinedE = await e.waitFor('joined');
    await Promise.all([d, e].map((x) => x.waitFor('ended', () => true, 120_000)));
    const row = (await db.send(new GetCommand({ TableName: stack.tables.Streams, Key: { streamId: joinedD.streamId } }))).Item as StreamRow;
    expect(row).toMatchObject({ endedReason: 'finished', leadMs: LEAD_MS });
    const upTo = (from: number) => Array.from({ length: row.frameCount - from }, (_, i) => from + i);
    for (const [x, first] of [[d, joinedD.positionSeq], [e, joinedE.snapshot?.seq ?? e.frames()[0]?.seq ?? row.frameCount]] as const) {
      expect(x.frames().map((f) => f.seq)).toEqual(upTo(first));
      x.messages.forEach((m, i) => {
        if (m.type !== 'frames') return;
        for (const f of m.frames) {
          expect(Number.isInteger(f.dueAt)).toBe(true);
          // Sent (so received) no earlier than dueAt − leadMs, on this machine's one clock (1 ms: timer rounding).
          expect(x.arrivals[i]!).toBeGreaterThanOrEqual(f.dueAt! - LEAD_MS - 1);
        }
      });
    }
    expect(upTo(joinedD.positionSeq).length).toBeGreaterThan(10);
  });
});

describe('bad input', () => {
  it('gets an error with the protocol code and changes nothing', async () => {
    const x = await connect('mallory');
    const before = [await tableItems('Streams'), await tableItems('Connections')];
    const cases: Array<[unknown, string]> = [
      ['{not json', 'bad_request'],
      [{ action: 'dance' }, 'unknown_action'],
      [{ action: 'start', gameId: 42 }, 'bad_request'],
      [{ action: 'start', gameId: 'no-such-game' }, 'not_found'],
      [{ action: 'start', gameId: GAME, speed: 1000 }, 'bad_request'],
      [{ action: 'chat', text: 'x'.repeat(20_000) }, 'too_large'],
      [{ action: 'pause' }, 'bad_request'],
      [{ action: 'join', streamId: 'spectate:nope' }, 'not_found'],
    ];
    for (const [msg, code] of cases) {
      x.send(msg);
      const err = await x.waitFor('error');
      expect(err.code).toBe(code);
      expect(err.message).not.toMatch(/at .*\.ts:\d+/); // no stack traces
      x.messages.length = 0;
    }
    // A valid message counts toward its user's rate limit even when its action is refused
    // (PROTOCOL.md): only that bucket (`rate*` attributes) may have moved.
    // …and the rate limiter's bucket rows (`user#…`, `stream#…`, lambda/adapters/rate-limit.ts).
    const withoutBuckets = (items: unknown[]) =>
      (items as Record<string, unknown>[])
        .filter((i) => !/^(user|stream|reactions)#/.test(String((i.connectionId as { S?: string } | undefined)?.S ?? i.connectionId)))
        .map((i) => Object.fromEntries(Object.entries(i).filter(([k]) => !/^rate[A-Z]/.test(k))));
    expect([await tableItems('Streams'), withoutBuckets(await tableItems('Connections'))]).toEqual([before[0], withoutBuckets(before[1]!)]);
  });

  it('refuses a connection without a valid token at the handshake', async () => {
    await expect(TestClient.connect(stack.wsUrl, undefined)).rejects.toThrow(/401/);
    await expect(TestClient.connect(stack.wsUrl, 'not-a-token')).rejects.toThrow(/401/);
  });
});
