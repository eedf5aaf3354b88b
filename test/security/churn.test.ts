/**
 * Connection churn: 100 WebSocket connections (1,000 under `MATCHCAST_SOAK=1`,
 * test/support/soak.ts; 127.0.0.1) opened and closed in bursts of 25 while streams play — a spectate stream at 64× and a pvai stream with their
 * own long-lived clients — each churning client starting, joining, stopping, chatting, and
 * many leaving abruptly (`terminate`, some in the middle of their `start`). Then, once the
 * handlers have settled:
 * - no connection row is left but the long-lived clients' (no leak);
 * - every stream's `clientCount` equals the number of connection rows attached to it;
 * - after the sweeper runs (STREAM_IDLE_TTL_SECONDS=1, CONTROLLER_GRACE_SECONDS=1), every
 *   stream without clients has ended, and the ones with clients play on;
 * - no handler failed unhandled: no gateway 5xx, no `internal` reply, no handler error log,
 *   no unhandled rejection.
 *
 * The sweeper also runs after every burst, as the minute schedule does on AWS: the streams
 * churning clients open and abandon (their own pvai streams, pvp rooms) end within a burst
 * or two instead of all playing on to the end of the run. Left running (with the sweeper off
 * until the end) they were well over a hundred executions ticking in this one process, which
 * is what made the run take minutes on a busy machine. Those throwaway streams play at 1× (a
 * tick mostly waits) — their pace is not what churn tests.
 *
 * Bounded in count: 100 connections in 4 bursts by default — each of the ten scripts about ten
 * times, some of them closed and some terminated — 1,000 in 40 bursts as a soak; each script's waits
 * bounded (a hang guard, generous); the test's bound only catches a hang. The scripts come
 * from a seeded PRNG: a failure names its seed, and `CHURN_SEED=<seed>` replays it.
 */
import WebSocket from 'ws';
import type { ConnectionRow, StreamRow } from '../../contract/rows';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { soak } from '../support/soak';
import { BOOKKEEPING_ROW, RawClient, sleep, startHarness, until, type Harness } from './harness';

/** Churning connections of the run: a multiple of {@link BURST}. */
const TOTAL = soak(100, 1000);
/**
 * Connections churning at once. Each burst's handlers run in this one process, so a burst
 * must stay small enough that none outlives its 29 s Lambda timeout on a busy machine.
 */
const BURST = 25;
/** Bound of one script's wait for an answer: only catches a hang. */
const SCRIPT_TIMEOUT_MS = 60_000;
/** Bound of each settling wait after the churn: only catches a hang. */
const SETTLE_MS = 120_000;
const SHARED = '2012-wimbledon-1701';
const PVAI = '2011-usopen-2701';
const OTHER = '2013-wimbledon-2701';
const PVP = '2012-ausopen-1701';
const SEED = Number(process.env.CHURN_SEED ?? 4242);

// A guard against a hang, not a benchmark (npm run bench measures throughput): it leaves room
// for a machine busy with other work.
jest.setTimeout(900_000);

let h: Harness;
let doc: DynamoDBDocumentClient;
const anchors: RawClient[] = [];

beforeAll(async () => {
  h = await startHarness({ env: { STREAM_IDLE_TTL_SECONDS: '1', CONTROLLER_GRACE_SECONDS: '1' } });
  doc = DynamoDBDocumentClient.from(h.raw);
});
afterAll(async () => {
  await Promise.all(anchors.map((a) => a.close()));
  await h?.close();
});

/** mulberry32: a small seeded PRNG, so a run's scripts are reproducible (CHURN_SEED). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function scan<T>(table: string): Promise<T[]> {
  const out: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
    out.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** The invariant: clientCount of every stream = its attached connection rows. Returns the mismatches. */
async function countMismatches(): Promise<string[]> {
  const [streams, conns] = await Promise.all([scan<StreamRow>(h.stack.tables.Streams!), scan<ConnectionRow>(h.stack.tables.Connections!)]);
  const real = new Map<string, number>();
  for (const c of conns) if (c.streamId) real.set(c.streamId, (real.get(c.streamId) ?? 0) + 1);
  const bad: string[] = [];
  for (const s of streams) {
    const n = real.get(s.streamId) ?? 0;
    if (s.clientCount !== n) bad.push(`${s.streamId} (${s.status}): clientCount ${s.clientCount}, attached rows ${n}`);
  }
  for (const id of real.keys()) if (!streams.some((s) => s.streamId === id)) bad.push(`connections attached to a missing stream ${id}`);
  return bad;
}

type Script = 'spectate' | 'spectate-chat' | 'join-pvai-stop' | 'other-stream' | 'pvp' | 'own-pvai' | 'abrupt-start' | 'connect-only' | 'stop-unattached';
const SCRIPTS: Script[] = ['spectate', 'spectate-chat', 'join-pvai-stop', 'other-stream', 'pvp', 'own-pvai', 'abrupt-start', 'abrupt-start', 'connect-only', 'stop-unattached'];

interface Outcome {
  script: Script;
  texts: string[];
  terminated: boolean;
  error?: string;
}

/** One churning connection: connect, run its script, then close or terminate. */
async function churn(n: number, rnd: () => number, pvaiStreamId: string): Promise<Outcome> {
  const script = SCRIPTS[Math.floor(rnd() * SCRIPTS.length)]!;
  const abrupt = rnd() < 0.5;
  const user = `ch-${n}`;
  const token = await h.stack.token(user);
  const ws = new WebSocket(`${h.stack.wsUrl}?token=${encodeURIComponent(token)}`);
  const out: Outcome = { script, texts: [], terminated: abrupt };
  ws.on('message', (d) => out.texts.push(d.toString()));
  ws.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  const waitFor = (pred: (m: Record<string, unknown>) => boolean) =>
    until(`${user} ${script}`, async () => out.texts.map((t) => JSON.parse(t) as Record<string, unknown>).find(pred), SCRIPT_TIMEOUT_MS, 20);
  const joined = async () => {
    const j = await waitFor((m) => m.type === 'joined' || m.type === 'error');
    if (j.type === 'error') throw new Error(`error ${String(j.code)}: ${String(j.message)}`);
    return j;
  };
  try {
    if (script === 'connect-only' && abrupt) {
      // Gone during the handshake or right after it.
      await sleep(rnd() * 20);
      ws.terminate();
      await closed;
      return out;
    }
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_q, r) => reject(new Error(`handshake ${r.statusCode}`)));
      ws.once('error', reject);
    });
    const send = (m: object) => ws.send(JSON.stringify(m));
    switch (script) {
      case 'spectate':
        send({ action: 'start', gameId: SHARED });
        await joined();
        break;
      case 'spectate-chat':
        send({ action: 'start', gameId: SHARED });
        await joined();
        await waitFor((m) => m.type === 'presence');
        send({ action: 'chat', text: `hi from ${user}` });
        await waitFor((m) => m.type === 'chat' || (m.type === 'error' && m.action === 'chat'));
        break;
      case 'join-pvai-stop':
        send({ action: 'join', streamId: pvaiStreamId });
        await joined();
        await waitFor((m) => m.type === 'presence');
        send({ action: 'stop' });
        await waitFor((m) => m.type === 'ended' || m.type === 'detached' || (m.type === 'error' && m.action === 'stop'));
        break;
      case 'other-stream':
        send({ action: 'start', gameId: OTHER });
        await joined();
        break;
      case 'pvp':
        send({ action: 'start', gameId: PVP, mode: 'pvp', room: `churn-${n % 7}` });
        await joined();
        if (rnd() < 0.5) {
          await waitFor((m) => m.type === 'presence');
          send({ action: 'stop' });
          await waitFor((m) => m.type === 'ended' || m.type === 'detached' || (m.type === 'error' && m.action === 'stop'));
        }
        break;
      case 'own-pvai':
        send({ action: 'start', gameId: PVAI, mode: 'pvai' });
        await joined();
        break;
      case 'abrupt-start':
        // Leaves while its start is in flight.
        send({ action: 'start', gameId: rnd() < 0.5 ? SHARED : OTHER, ...(rnd() < 0.3 ? { mode: 'pvai' } : {}) });
        await sleep(rnd() * 30);
        out.terminated = true;
        ws.terminate();
        await closed;
        return out;
      case 'connect-only':
        break;
      case 'stop-unattached':
        send({ action: 'stop' });
        await waitFor((m) => m.type === 'error');
        break;
    }
  } catch (e) {
    out.error = (e as Error).message;
  }
  if (abrupt) ws.terminate();
  else ws.close();
  await closed;
  return out;
}

describe('connection churn', () => {
  it(`${TOTAL} connections in bursts of ${BURST} (seed ${SEED}) leave no leaked row, exact counts, and idle streams ended`, async () => {
    const started = Date.now();
    // Two streams that play throughout, each with a long-lived client.
    const a1 = await RawClient.connect(h, 'anchor-spectator');
    const a2 = await RawClient.connect(h, 'anchor-player');
    anchors.push(a1, a2);
    a1.send({ action: 'start', gameId: SHARED, speed: 4 }); // about an hour of play (a 4-hour final at 4×): it outlasts the churn however slow the machine
    const shared = await a1.waitFor((m) => m.type === 'joined');
    a2.send({ action: 'start', gameId: PVAI, mode: 'pvai', speed: 4 });
    const pvai = await a2.waitFor((m) => m.type === 'joined');
    await a1.waitFor((m) => m.type === 'frames');

    const rnd = prng(SEED);
    const outcomes: Outcome[] = [];
    for (let b = 0; b < TOTAL / BURST; b++) {
      const burst = await Promise.all(Array.from({ length: BURST }, (_, i) => churn(b * BURST + i, rnd, pvai.streamId as string)));
      outcomes.push(...burst);
      // As the minute schedule would: streams left without clients or controllers end.
      await h.stack.invokeFunction('sweeper', {});
    }
    const churnMs = Date.now() - started;

    // Settle: every $disconnect and in-flight route invocation done.
    await until('the gateway to have only the anchors open', async () => h.stack.gateway.connectionIds().length === 2, SETTLE_MS);
    let last: string[] = [];
    try {
      await until('Connections to hold only the anchors and counts to match', async () => {
        // The rate limiter's bucket rows are not connections (lambda/adapters/rate-limit.ts).
        const conns = (await scan<ConnectionRow>(h.stack.tables.Connections!)).filter((c) => !BOOKKEEPING_ROW.test(c.connectionId));
        last = [
          ...conns.filter((c) => !c.userId.startsWith('anchor-')).map((c) => `leaked connection row ${c.connectionId} of ${c.userId} on ${c.streamId ?? '-'}`),
          ...(await countMismatches()),
        ];
        return last.length === 0;
      }, SETTLE_MS, 500);
    } catch {
      throw new Error(`after churn (seed ${SEED}):\n${last.slice(0, 30).join('\n')}`);
    }
    expect((await scan<ConnectionRow>(h.stack.tables.Connections!)).filter((c) => !BOOKKEEPING_ROW.test(c.connectionId)).map((c) => c.userId).sort()).toEqual(['anchor-player', 'anchor-spectator']);

    // The sweeper ends every stream without clients (idle TTL / controller grace of 1 s), and only those.
    await sleep(1200);
    await h.stack.invokeFunction('sweeper', {});
    const streams = await scan<StreamRow>(h.stack.tables.Streams!);
    const live = streams.filter((s) => s.status !== 'ended' && s.status !== 'failed');
    expect(live.filter((s) => s.clientCount <= 0).map((s) => `${s.streamId} ${s.status} clients ${s.clientCount} idleSince ${s.idleSince ?? '-'} controllersGoneSince ${s.controllersGoneSince ?? '-'}`)).toEqual([]);
    expect(live.map((s) => s.streamId).sort()).toEqual([shared.streamId, pvai.streamId].sort());
    expect(streams.length).toBeGreaterThan(5);

    // Nothing failed unhandled anywhere.
    // The gateway's own record first: it names the route, the function and the error.
    expect(h.problems.gateway).toEqual([]);
    const internal = outcomes.flatMap((o) => o.texts.filter((t) => /"code":"internal"|Internal server error|timed out/.test(t)).map((t) => `${o.script}: ${t.slice(0, 200)}`));
    expect(internal).toEqual([]);
    expect(count(h.problems.handlerErrors.map((a) => JSON.stringify(a.map((x) => {
      const o = x as Record<string, unknown> | undefined;
      return o && typeof o === 'object' && 'error' in o ? `${String(o.action)}: ${(o.error as Error)?.name}` : x;
    }))))).toEqual({});
    expect(h.problems.rejections).toEqual([]);
    // The scripts that waited for an answer got it (rate limits aside), and most ran to the end.
    const stuck = outcomes.filter((o) => o.error && !/rate_limited/.test(o.error));
    expect(stuck.map((o) => `${o.script}: ${o.error}`)).toEqual([]);
    expect(outcomes).toHaveLength(TOTAL);
    console.log(`churn: ${TOTAL} connections in ${churnMs} ms; ${streams.length} streams; scripts ${JSON.stringify(count(outcomes.map((o) => o.script)))}; ${outcomes.filter((o) => o.terminated).length} terminated`);

    // Last clients leave: their streams end too.
    await Promise.all(anchors.map((a) => a.close()));
    await until('no connection rows and no clients counted', async () => (await scan<ConnectionRow>(h.stack.tables.Connections!)).filter((c) => !BOOKKEEPING_ROW.test(c.connectionId)).length === 0 && (await countMismatches()).length === 0, SETTLE_MS, 300);
    await sleep(1200);
    await h.stack.invokeFunction('sweeper', {});
    const after = await scan<StreamRow>(h.stack.tables.Streams!);
    expect(after.filter((s) => s.status !== 'ended' && s.status !== 'failed').map((s) => s.streamId)).toEqual([]);
  });
});

function count(xs: string[]): Record<string, number> {
  const o: Record<string, number> = {};
  for (const x of xs) o[x] = (o[x] ?? 0) + 1;
  return o;
}
