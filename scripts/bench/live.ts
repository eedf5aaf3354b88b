/**
 * The live-latency scenario of `npm run bench` (matchcast's target for live games: a
 * published event — a ball of a cricket match — reaches every spectator within 100 ms):
 * against an in-process local stack (local/stack.ts), 127.0.0.1 only.
 *
 *  1. open a live game (`PUT /games/{id}` on the local HTTP API, a `publisher` token);
 *  2. connect N viewers (scripts/bench/viewers.ts, a worker thread) and have each `start`
 *     spectating the game — the real path onto its live stream (`joined.live: true`);
 *  3. POST M single events, one at a time (each POST answers once its batch is committed and
 *     fanned out), `gapMs` apart; the wall time each POST starts is kept by seq;
 *  4. wait (bounded) until every viewer has every frame, then measure per (viewer, frame):
 *     latency = frame arrival at the viewer − start of the POST that published it, ms;
 *  5. finish the game (its live stream ends), close the viewers.
 *
 * Every loop is bounded: connecting (60 s), joining (30 s), the POST phase (`timeoutMs`,
 * stops early and reports how many were sent), the wait for deliveries (15 s).
 * Clocks: the viewers' worker and this thread both use `performance.timeOrigin +
 * performance.now()` (epoch ms, sub-millisecond).
 */
import { performance } from 'node:perf_hooks';
import type { LocalStack } from '../../local/stack';
import { round, summarize, type Summary } from './stats';
import { Viewers } from './viewers';

/** The latency target of a live event, ms: publish → arrival at every spectator under 100 ms. */
export const LIVE_TARGET_MS = 100;

/** Options of {@link runLive}. */
export interface LiveOptions {
  /** Spectators on the live stream (1–2000). */
  viewers: number;
  /** Single-event POSTs (1–5000). */
  events: number;
  /** Wall ms between one POST's answer and the next POST. Default 20. */
  gapMs?: number;
  /** Handshakes / `start`s in flight at once. */
  burst: number;
  /** Bound on the POST phase, ms. */
  timeoutMs: number;
  progress: (line: string) => void;
}

/** The figures of one live run. Times in ms. */
export interface LiveResult {
  viewers: number;
  /** POSTs asked for, and made within the time bound. */
  events: number;
  posted: number;
  gapMs: number;
  gameId: string;
  /** Viewers that got `joined` with `live: true`. */
  joinedLive: number;
  /** POST start → frame arrival, over every (viewer, frame) pair. */
  latency: Summary;
  /** Each viewer's p50 and p99, summarized over the viewers (the spread between clients). */
  perClientP50: Summary;
  perClientP99: Summary;
  /** POST start → the POST's answer (it answers after commit and fan-out). */
  postRoundTrip: Summary;
  /** Share of (viewer, frame) pairs under {@link LIVE_TARGET_MS}, 0–1. */
  underTarget: number;
  /** Frames expected (viewers × posted), received, and viewers with every frame once and in seq order. */
  expected: number;
  received: number;
  completeViewers: number;
  /** Frames messages received per viewer (1 per POST when each is delivered alone), mean. */
  messagesPerViewer: number;
  wallSeconds: number;
}

const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One call to the local HTTP API; throws on a non-2xx answer (a bench setup failure). */
async function api(stack: LocalStack, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${stack.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Run the live scenario (see the module note). Throws when the stack refuses the setup. */
export async function runLive(stack: LocalStack, opts: LiveOptions): Promise<LiveResult> {
  const gapMs = opts.gapMs ?? 20;
  const gameId = `bench-live-${opts.viewers}-${Date.now().toString(36)}`;
  const started = wall();
  const publisher = await stack.token('bench-feed', 'Bench feed', 3600, ['publisher']);
  await api(stack, publisher, 'PUT', `/games/${gameId}`, { kind: 'cricket', title: `Bench live (${opts.viewers} viewers)`, participants: ['Ayes', 'Bees'] });

  const viewers = new Viewers();
  try {
    const tokens = await Promise.all(Array.from({ length: opts.viewers }, (_, i) => stack.token(`bench-live-${i}`)));
    const c = await viewers.connect(stack.wsUrl, tokens, opts.burst, 60_000);
    if (c.connected !== opts.viewers) throw new Error(`${c.failedCount} of ${opts.viewers} viewers could not connect (${c.failed[0] ?? ''})`);
    for (let i = 0; i < opts.viewers; i++) await viewers.send(i, { action: 'start', mode: 'spectate', gameId });
    const j = await viewers.waitFor('joined', 30_000);
    if (j.missingCount > 0) throw new Error(`${j.missingCount} of ${opts.viewers} viewers got no \`joined\` within 30 s`);
    opts.progress(`  ${opts.viewers} viewers on the live stream of ${gameId} (connect ${(c.ms / 1000).toFixed(1)} s)`);

    // POST phase: one event at a time, each POST's start kept by the seq it got.
    const postStart: number[] = [];
    const roundTrips: number[] = [];
    const deadline = Date.now() + opts.timeoutMs;
    let posted = 0;
    for (let i = 0; i < opts.events && Date.now() < deadline; i++) {
      const t0 = wall();
      const answer = (await api(stack, publisher, 'POST', `/games/${gameId}/events`, { key: `ball-${i}`, type: 'ball', data: { over: Math.floor(i / 6), ball: (i % 6) + 1, runs: i % 7 === 3 ? 4 : i % 3 } })) as {
        accepted: Array<{ seq: number }>;
      };
      roundTrips.push(wall() - t0);
      const seq = answer.accepted[0]?.seq;
      if (seq === undefined) throw new Error(`POST ${i} was not accepted: ${JSON.stringify(answer)}`);
      postStart[seq] = t0;
      posted++;
      if (gapMs > 0) await sleep(gapMs);
    }
    if (posted < opts.events) opts.progress(`  time bound: ${posted} of ${opts.events} events posted`);

    // Deliveries: bounded wait until every viewer has every frame (frames messages counted).
    const waitUntil = Date.now() + 15_000;
    while (Date.now() < waitUntil) {
      const counts = await viewers.counts();
      if ((counts.frames ?? 0) >= opts.viewers * posted) break;
      await sleep(100);
    }
    const clients = await viewers.report();
    const latencies: number[] = [];
    const p50s: number[] = [];
    const p99s: number[] = [];
    let received = 0;
    let complete = 0;
    let messages = 0;
    for (const client of clients) {
      const mine: number[] = [];
      const seqs = client.frames.map(([seq]) => seq);
      for (const [seq, , at] of client.frames) {
        const t0 = postStart[seq];
        if (t0 !== undefined) mine.push(at - t0);
      }
      received += client.frames.length;
      messages += client.messages.length;
      if (seqs.length === posted && seqs.every((s, i) => s === i)) complete++;
      latencies.push(...mine);
      const s = summarize(mine);
      if (s.count > 0) {
        p50s.push(s.p50);
        p99s.push(s.p99);
      }
    }
    await api(stack, publisher, 'POST', `/games/${gameId}/finish`).catch(() => undefined);
    return {
      viewers: opts.viewers,
      events: opts.events,
      posted,
      gapMs,
      gameId,
      joinedLive: clients.filter((x) => x.joined?.live === true).length,
      latency: roundSummary(summarize(latencies)),
      perClientP50: roundSummary(summarize(p50s)),
      perClientP99: roundSummary(summarize(p99s)),
      postRoundTrip: roundSummary(summarize(roundTrips)),
      underTarget: latencies.length === 0 ? 0 : latencies.filter((x) => x < LIVE_TARGET_MS).length / latencies.length,
      expected: opts.viewers * posted,
      received,
      completeViewers: complete,
      messagesPerViewer: clients.length === 0 ? 0 : messages / clients.length,
      wallSeconds: (wall() - started) / 1000,
    };
  } finally {
    await viewers.close();
  }
}

function roundSummary(s: Summary): Summary {
  return { count: s.count, min: round(s.min), p50: round(s.p50), p95: round(s.p95), p99: round(s.p99), max: round(s.max), mean: round(s.mean) };
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

/** The readable section of the live runs (appended to the bench's table). */
export function formatLive(runs: readonly LiveResult[]): string {
  const out: string[] = [];
  out.push(`4. Live latency: single-event POSTs to a live game → its live stream's spectators (target < ${LIVE_TARGET_MS} ms)`);
  out.push('   latency = frame arrival at a viewer − start of the POST that published it, ms; all (viewer, frame) pairs');
  if (runs.length === 0) {
    out.push('   (not measured)');
    return out.join('\n') + '\n';
  }
  const header = ['viewers', 'posts', 'p50', 'p95', 'p99', 'max', `< ${LIVE_TARGET_MS} ms`, 'client p99 med', 'client p99 max', 'POST p50', 'POST p99', 'complete', 'msgs/viewer'];
  const rows = runs.map((r) => [
    String(r.viewers),
    `${r.posted}/${r.events}`,
    f1(r.latency.p50),
    f1(r.latency.p95),
    f1(r.latency.p99),
    f1(r.latency.max),
    `${(r.underTarget * 100).toFixed(1)} %`,
    f1(r.perClientP99.p50),
    f1(r.perClientP99.max),
    f1(r.postRoundTrip.p50),
    f1(r.postRoundTrip.p99),
    `${r.completeViewers}/${r.viewers}`,
    r.messagesPerViewer.toFixed(1),
  ]);
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  out.push(line(header), line(w.map((n) => '-'.repeat(n))), ...rows.map(line));
  out.push(`   posts one at a time, ${runs[0]!.gapMs} ms apart; POST: its round trip (it answers after commit and fan-out);`);
  out.push('   client p99: each viewer\'s own p99, median and worst over viewers; complete: every frame once, in seq order');
  return out.join('\n') + '\n';
}
