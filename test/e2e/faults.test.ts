/**
 * Faults end to end, through local mode's real handlers, state machine and
 * gateway:
 * - PostToConnection answering 429, 500, 410, or hanging past the per-post timeout, for
 *   SOME clients of a stream: a proxy in front of the local gateway's `@connections` API
 *   (the handlers' CALLBACK_URL points at it) answers chosen connections with those faults
 *   and forwards everything else;
 * - two executions alive for the same stream: a duplicate start of the same epoch's
 *   execution plus a second tick of that epoch running alongside, and a sweeper restart
 *   racing an old tick still running in its Lambda.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionRow } from '../../contract/rows';
import { executionName } from '../../lambda/core/stream-keys';
import type { TickOutput } from '../../lambda/core/workflow';
import { startExecution } from '../lambda/handlers/local-mode';
import { checkOrdering, E2e, range, seqsOf, until, waitFrames } from '../support/e2e';
import type { LocalStack } from '../support/local-stack';
import type { TestClient } from '../support/ws-client';

jest.setTimeout(300_000); // a bound against a hang on a busy machine

// ---------------------------------------------------------------------------------------
// A fault-injecting proxy in front of the local gateway's @connections API.
// ---------------------------------------------------------------------------------------

/** One request's answer: forward it, answer an HTTP status as API Gateway would, or never answer. */
type Step = 'ok' | 'hang' | 429 | 500 | 410;
const ERROR_TYPE: Record<number, string> = { 410: 'GoneException', 429: 'LimitExceededException', 500: 'InternalServerErrorException' };

class ConnectionsProxy {
  /** Per connection: the answers to its next requests, in turn (then: `always`, or forward). */
  private readonly plans = new Map<string, { steps: Step[]; always?: Step }>();
  /** Per connection: what each POST since its plan was answered. */
  readonly seen = new Map<string, Step[]>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | undefined;
  target = '';

  async listen(): Promise<string> {
    const s = createServer((req, res) => this.on(req, res));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    this.server = s;
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}/local`;
  }
  plan(connectionId: string, steps: Step[], always?: Step): void {
    this.plans.set(connectionId, { steps: [...steps], ...(always === undefined ? {} : { always }) });
    this.seen.delete(connectionId);
  }
  answers(connectionId: string): Step[] {
    return this.seen.get(connectionId) ?? [];
  }
  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  private on(req: IncomingMessage, res: ServerResponse): void {
    const m = /\/@connections\/([^/?]+)/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = m ? decodeURIComponent(m[1]!) : '';
      const plan = this.plans.get(id);
      const step: Step = plan ? (plan.steps.shift() ?? plan.always ?? 'ok') : 'ok';
      if (req.method === 'POST') this.seen.set(id, [...this.answers(id), step]);
      if (step === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (step !== 'ok') {
        res.writeHead(step, { 'content-type': 'application/json', 'x-amzn-errortype': ERROR_TYPE[step]! });
        res.end(JSON.stringify({ message: `injected ${step}` }));
        return;
      }
      const target = new URL(this.target);
      const path = `${target.pathname}${(req.url ?? '').slice((req.url ?? '').indexOf('/@connections/'))}`;
      const fwd = request({ host: target.hostname, port: target.port, method: req.method, path, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 500, up.headers);
        up.pipe(res);
      });
      fwd.on('error', () => res.destroy());
      fwd.end(Buffer.concat(chunks));
    });
  }
}

// ---------------------------------------------------------------------------------------

let e: E2e;
let stack: LocalStack;
let proxy: ConnectionsProxy;

beforeAll(async () => {
  proxy = new ConnectionsProxy();
  const callback = await proxy.listen();
  // No post happens before the first client: the proxy learns the gateway's address in time.
  e = await E2e.start({ sweeper: false, env: { CALLBACK_URL: callback, ZOMBIE_GRACE_SECONDS: '0' } });
  stack = e.stack;
  proxy.target = stack.callbackUrl;
});
afterEach(async () => {
  await e.closeClients();
  // Fence off whatever still plays, so a test sees only its own stream.
  await e.endLiveStreams();
});
afterAll(async () => {
  await e?.close();
  await proxy?.close();
});

const connect = (user: string) => e.connect(user);
const streamRow = (streamId: string) => e.streamRow(streamId);
const recordingTimes = (gameId: string) => e.recordingTimes(gameId);
const connectionOf = async (userId: string): Promise<ConnectionRow | undefined> => (await e.connections()).find((c) => c.userId === userId);

describe('PostToConnection faults for some clients of a stream', () => {
  it('429/500 clients get every frame after retries, a hanging one after its timeout, the 410 one is forgotten; the others get every frame in order, on time-ish', async () => {
    const game = '2012-wimbledon-1701';
    const times = await recordingTimes(game);
    const SPEED = 64;
    const p = await connect('pia');
    p.send({ action: 'start', gameId: game, mode: 'pvai', speed: SPEED, atMs: times[times.length - 14] });
    const joined = await p.waitFor('joined');
    p.send({ action: 'pause' });
    await p.waitFor('state', (m) => m.status === 'paused');

    const names = ['okay', 'olga', 'thr429', 'err500', 'gone410', 'hangs'];
    const c: Record<string, TestClient> = {};
    for (const n of names) {
      c[n] = await connect(n);
      c[n].send({ action: 'join', streamId: joined.streamId });
      await c[n].waitFor('joined');
    }
    await p.waitFor('presence', (m) => m.clients === names.length + 1);
    const id: Record<string, string> = {};
    for (const n of names) id[n] = (await connectionOf(n))!.connectionId;

    // Never four failures in a row (fan-out's maxAttempts): each message gets through on a retry.
    proxy.plan(id.thr429!, [429, 429, 'ok', 429, 'ok', 429, 429, 429, 'ok', 429]);
    proxy.plan(id.err500!, [500, 'ok', 500, 500, 500, 'ok', 500, 'ok']);
    proxy.plan(id.gone410!, [], 410);
    // Two posts that never answer: each is cut off after the 3 s per-post timeout and retried.
    proxy.plan(id.hangs!, ['hang', 'ok', 'ok', 'ok', 'hang']);

    const resumedAt = Date.now();
    p.send({ action: 'resume' });
    const state = await p.waitFor('state', (m) => m.status === 'playing' && m.epoch > joined.epoch);
    const expected = range(state.positionSeq, times.length);
    expect(expected.length).toBeGreaterThanOrEqual(10);
    const receivers = [p, c.okay!, c.olga!, c.thr429!, c.err500!, c.hangs!];
    await Promise.all(receivers.map((x) => x.waitFor('ended', () => true, 120_000)));

    for (const x of receivers) {
      expect({ who: x.userId, seqs: seqsOf(x, state.epoch) }).toEqual({ who: x.userId, seqs: expected }); // all, in order, once
      checkOrdering(x);
    }
    // The faults really happened, and were retried.
    expect(proxy.answers(id.thr429!).filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect(proxy.answers(id.err500!).filter((s) => s === 500).length).toBeGreaterThanOrEqual(5);
    expect(proxy.answers(id.hangs!).filter((s) => s === 'hang')).toHaveLength(2);

    // The 410 connection is forgotten: its row deleted, uncounted, posted to once.
    expect(await connectionOf('gone410')).toBeUndefined();
    expect(proxy.answers(id.gone410!)).toEqual([410]);
    expect(c.gone410!.frames().filter((f) => f.epoch === state.epoch)).toEqual([]);
    expect((await streamRow(joined.streamId)).clientCount).toBe(names.length); // 7 attached, one forgotten

    // On time-ish: a client with no fault of its own is late by at most what the faulty ones
    // cost the fan-out (two 3 s hangs plus backoff) — bounded generously, never tightly.
    const dueAt = (t: number) => resumedAt + 1000 + (t - state.positionMs) / SPEED;
    for (const x of [c.okay!, c.olga!]) {
      const lateness = x.frames().filter((f) => f.epoch === state.epoch).map((f) => f.at - dueAt(f.t));
      expect(Math.max(...lateness)).toBeLessThan(20_000);
    }
  });
});

describe('two executions alive for the same stream', () => {
  it('a duplicate start of the same epoch is the running execution, and a second tick of that epoch running alongside never makes a frame repeat', async () => {
    const game = '2011-usopen-2701';
    const times = await recordingTimes(game);
    const [p, s] = [await connect('dora'), await connect('dirk')];
    p.send({ action: 'start', gameId: game, mode: 'pvai', speed: 64, atMs: times[times.length - 12] });
    const joined = await p.waitFor('joined');
    s.send({ action: 'join', streamId: joined.streamId });
    await s.waitFor('joined');
    await waitFrames(p, 2);

    const running = () =>
      stack.stepFunctions.executions().filter((e) => e.status === 'RUNNING' && (JSON.parse(e.input) as { streamId: string }).streamId === joined.streamId);
    const before = running();
    expect(before).toHaveLength(1);
    // The same start again (a retried control Lambda, a lost StartExecution answer): a no-op.
    const input = { streamId: joined.streamId, epoch: joined.epoch, generation: 0, iteration: 0 };
    expect(await startExecution(executionName(joined.streamId, joined.epoch), input)).toBe(before[0]!.executionArn);
    expect(running().map((e) => e.executionArn)).toEqual([before[0]!.executionArn]);

    // A second tick of the same epoch running alongside the execution's own (Step Functions
    // retrying a Tick whose first invocation is still alive): the claim fences one of them off.
    const rogue = stack.invokeFunction('tick', input) as Promise<TickOutput>;
    await Promise.all([p.waitFor('ended', () => true, 120_000), s.waitFor('ended', () => true, 120_000)]);
    // It is fenced off by a claim ('end'), or — finding a batch claimed and not yet recorded
    // sent, which the live tick is fanning out — defers to the settle time ('wait', tick.ts
    // RESEND_SETTLE_MS) without sending anything; either way no frame repeats.
    expect(['end', 'wait']).toContain((await rogue).next);

    const expected = range(joined.positionSeq, times.length);
    for (const x of [p, s]) {
      const got = seqsOf(x, joined.epoch);
      expect(new Set(got).size).toBe(got.length); // no seq twice
      checkOrdering(x);
    }
    expect(seqsOf(p, joined.epoch)).toEqual(expected);
    expect(p.all('ended')).toHaveLength(1);
    expect(await streamRow(joined.streamId)).toMatchObject({ status: 'ended', endedReason: 'finished', framesSent: expected.length });
  });

  it('a sweeper restart racing the old tick still running in its Lambda: only the new epoch delivers after its state; no seq twice', async () => {
    const game = '2012-ausopen-1701';
    const times = await recordingTimes(game);
    const [z, w] = [await connect('zara'), await connect('walt')];
    z.send({ action: 'start', gameId: game, speed: 64, atMs: times[times.length - 20] });
    const joined = await z.waitFor('joined');
    w.send({ action: 'start', gameId: game });
    await w.waitFor('joined');
    await waitFrames(z, 3);
    const execution = stack.stepFunctions
      .executions()
      .find((e) => e.status === 'RUNNING' && (JSON.parse(e.input) as { streamId: string }).streamId === joined.streamId)!;
    expect(execution).toBeDefined();
    // StopExecution aborts the execution, but — as on AWS — the Lambda invocation in flight
    // runs on: at 64× every gap is slept inside the tick, so the old epoch's tick is still
    // looping (and claiming) while the sweeper restarts the stream.
    stack.stepFunctions.stopExecution({ executionArn: execution.executionArn });
    // A sweep that races a claim of the old tick restarts nothing (it re-reads next time): sweep
    // until one restarts it — on a busy machine the old tick may win several races in a row.
    const restarted = await until('a sweep to restart the stream', async () => {
      const { restarted: n } = (await stack.invokeFunction('sweeper', {})) as { restarted: number };
      return n > 0 ? n : undefined;
    });
    expect(restarted).toBe(1);
    const row = await streamRow(joined.streamId);
    expect(row).toMatchObject({ status: 'playing', epoch: joined.epoch + 1, restarts: 1 });
    await Promise.all([z.waitFor('ended', () => true, 120_000), w.waitFor('ended', () => true, 120_000)]);

    for (const x of [z, w]) {
      checkOrdering(x); // no old-epoch frame after the new state; consecutive seqs
      const all = seqsOf(x);
      expect(new Set(all).size).toBe(all.length); // across both epochs, nothing repeats
      expect(x.all('state').some((m) => m.epoch === row.epoch && m.by === 'system')).toBe(true);
      expect(seqsOf(x, row.epoch)[0]).toBe(row.epochStartSeq);
    }
    // z saw the whole stream: every seq from where it started to the end, none lost.
    expect(seqsOf(z)).toEqual(range(joined.positionSeq, times.length));
    expect(stack.stepFunctions.executions().find((e) => e.executionArn === execution.executionArn)?.status).toBe('ABORTED');
  });
});
