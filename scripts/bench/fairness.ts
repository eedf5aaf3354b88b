/**
 * `npm run bench -- --fairness`: one honest spectator on one stream while, on another stream,
 * one user floods chat, reactions, pings and seeks from many connections, as fast as their
 * sockets take it. Loopback only (the local stack of scripts/bench.ts), bounded (`rounds`,
 * and every wait cut off). Prints what the honest viewer saw — frames missed (gaps in `seq`
 * within an epoch), disconnects, lateness p50/p99 — and local mode's memory (RSS of this
 * process, which runs local mode in-process): idle, at peak, and after the flood ended.
 *
 * Lateness is relative to the honest stream's first frame after `joined`: frame `i` is due
 * `(t_i − t_0) / speed` ms after frame 0 arrived; its lateness is how much later it arrived.
 * Asserts nothing; test/security/fairness.test.ts is the quick check in `npm test`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { parseServerMessage, type ServerMessage } from '../../protocol/messages';
import type { LocalStack } from '../../local/stack';
import { round, summarize } from './stats';

/** Options of {@link runFairness}. */
export interface FairnessOptions {
  /** The honest viewer's game and the flooded stream's game (different streams). */
  honestGame: string;
  floodGame: string;
  /** Playback rate of both streams (0.25–64). */
  speed: number;
  /** Connections of the flooding user. */
  connections: number;
  /** Rounds of (chat, react, ping, seek) each flood connection sends. */
  rounds: number;
  /** Milliseconds between two rounds. */
  roundGapMs: number;
  /** Milliseconds the honest viewer keeps watching after the flood was sent, for "after" figures. */
  settleMs: number;
  progress?: (line: string) => void;
}

/** What {@link runFairness} measured. */
export interface FairnessResult {
  floodMessages: number;
  floodRateLimited: number;
  /** Gateway errors (no server message: an integration that failed or timed out) to the flood and to the honest viewer. */
  gatewayErrors: { flood: number; honest: number };
  honestFrames: number;
  honestMissedFrames: number;
  honestDisconnects: number;
  latenessMs: { p50: number; p99: number; max: number };
  /** Resident set size of this process (local mode in-process), MB. */
  rssMb: { idle: number; peak: number; after: number };
  /**
   * V8 heap in use after a full garbage collection, MB: what the process still holds live. RSS
   * seldom shrinks back (V8 and the allocator keep freed pages for reuse), so this is the figure
   * that says whether the flood left anything behind. Peak: the highest heap seen (no GC).
   */
  heapMb: { idle: number; peak: number; after: number };
  floodSeconds: number;
}

class Client {
  readonly messages: Array<{ m: ServerMessage; at: number }> = [];
  /** Texts that were no server message: the gateway's own errors (API Gateway's `{"message":"Internal server error",…}`). */
  gatewayErrors = 0;
  closed = false;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      try {
        this.messages.push({ m: parseServerMessage(d.toString()), at: performance.now() });
      } catch {
        this.gatewayErrors++;
      }
    });
    ws.on('close', () => (this.closed = true));
  }
  static open(url: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const c = new Client(ws);
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }
  send(m: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }
  async until(what: string, f: () => boolean, timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!f()) {
      if (Date.now() > end) throw new Error(`fairness: no ${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  close(): void {
    this.ws.close();
  }
}

const rssMb = (): number => process.memoryUsage().rss / (1024 * 1024);
const heapMb = (): number => process.memoryUsage().heapUsed / (1024 * 1024);

/**
 * A full garbage collection: `global.gc` when node runs with `--expose-gc`, else the same
 * function obtained by setting that V8 flag at run time (node:v8 `setFlagsFromString`, then
 * `gc` from a fresh context).
 */
function fullGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Run the fairness scenario on `stack` (see the module comment). Throws when a step does not happen within its bound. */
export async function runFairness(stack: LocalStack, opts: FairnessOptions): Promise<FairnessResult> {
  const progress = opts.progress ?? (() => undefined);
  const url = async (user: string, name: string) => `${stack.wsUrl}?token=${encodeURIComponent(await stack.token(user, name))}`;
  const honest = await Client.open(await url('fair-honest', 'Honest'));
  honest.send({ action: 'start', gameId: opts.honestGame, speed: opts.speed });
  await honest.until('joined', () => honest.messages.some((x) => x.m.type === 'joined'));
  const framesOf = () => honest.messages.flatMap((x) => (x.m.type === 'frames' ? x.m.frames.map((f) => ({ seq: f.seq, t: f.t, epoch: (x.m as { epoch: number }).epoch, at: x.at })) : []));
  await honest.until('first frames', () => framesOf().length >= 3);
  const gc = fullGc();
  gc();
  await sleep(1000);
  gc();
  const idle = rssMb();
  const idleHeap = heapMb();
  progress(`fairness: idle RSS ${round(idle)} MB; opening ${opts.connections} flood connections`);

  const floodUrl = await url('fair-flooder', 'Flooder');
  const flood = await Promise.all(Array.from({ length: opts.connections }, () => Client.open(floodUrl)));
  flood[0]!.send({ action: 'start', gameId: opts.floodGame, mode: 'pvai', speed: opts.speed });
  await flood[0]!.until('flood joined', () => flood[0]!.messages.some((x) => x.m.type === 'joined'));
  const streamId = (flood[0]!.messages.find((x) => x.m.type === 'joined')!.m as { streamId: string }).streamId;
  for (const c of flood.slice(1)) c.send({ action: 'join', streamId });

  let peak = idle;
  let peakHeap = idleHeap;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
    peakHeap = Math.max(peakHeap, heapMb());
  }, 200);
  const t0 = performance.now();
  let sent = 0;
  try {
    for (let round = 0; round < opts.rounds; round++) {
      for (const c of flood) {
        c.send({ action: 'chat', text: `flood ${round}` });
        c.send({ action: 'react', emoji: '🔥' });
        c.send({ action: 'ping' });
        c.send({ action: 'seek', toMs: (round % 5) * 60_000 });
        sent += 4;
      }
      await sleep(opts.roundGapMs);
    }
    // Every flood chat has one outcome: relayed (flood[0] is on the stream) or refused to its sender.
    const chats = opts.connections * opts.rounds;
    const answered = () =>
      flood.reduce((n, c) => n + c.messages.filter((x) => x.m.type === 'error' && x.m.action === 'chat').length, 0) +
      flood[0]!.messages.filter((x) => x.m.type === 'chat').length;
    progress(`fairness: ${sent} flood messages sent; waiting for their answers (at most 120 s)`);
    await flood[0]!.until('answers to the flood chats', () => answered() >= chats, 120_000).catch((e: Error) => progress(e.message));
    progress(`fairness: flood answered after ${round((performance.now() - t0) / 1000)} s; watching ${opts.settleMs} ms more`);
    await sleep(opts.settleMs);
  } finally {
    clearInterval(sampler);
  }
  const floodSeconds = (performance.now() - t0) / 1000;
  const rateLimited = flood.reduce((n, c) => n + c.messages.filter((x) => x.m.type === 'error' && x.m.code === 'rate_limited').length, 0);
  const floodGatewayErrors = flood.reduce((n, c) => n + c.gatewayErrors, 0);
  for (const c of flood) c.close();
  // What this bench itself kept of the flood (each client's messages) is not local mode's.
  for (const c of flood) c.messages.length = 0;
  flood.length = 0;
  gc();
  await sleep(2000);
  gc();
  const after = rssMb();
  const afterHeap = heapMb();

  // The honest viewer: gaps within an epoch are missed frames; lateness against frame 0's arrival.
  const frames = framesOf();
  let missed = 0;
  for (let i = 1; i < frames.length; i++) {
    const [a, b] = [frames[i - 1]!, frames[i]!];
    if (a.epoch === b.epoch && b.seq > a.seq + 1) missed += b.seq - a.seq - 1;
  }
  const first = frames[0]!;
  const lateness = frames.filter((f) => f.epoch === first.epoch).map((f) => f.at - (first.at + (f.t - first.t) / opts.speed));
  const s = summarize(lateness);
  const result: FairnessResult = {
    floodMessages: sent,
    floodRateLimited: rateLimited,
    gatewayErrors: { flood: floodGatewayErrors, honest: honest.gatewayErrors },
    honestFrames: frames.length,
    honestMissedFrames: missed,
    honestDisconnects: honest.closed ? 1 : 0,
    latenessMs: { p50: round(s.p50), p99: round(s.p99), max: round(s.max) },
    rssMb: { idle: round(idle), peak: round(peak), after: round(after) },
    heapMb: { idle: round(idleHeap), peak: round(peakHeap), after: round(afterHeap) },
    floodSeconds: round(floodSeconds),
  };
  honest.close();
  return result;
}

/** The fairness figures as a few lines of text. */
export function formatFairness(r: FairnessResult): string {
  const pct = (x: number, base: number) => `${x >= base ? '+' : ''}${round(((x - base) / base) * 100)} %`;
  return [
    'Fairness: one user flooding from many connections, one honest spectator elsewhere',
    `  flood            ${r.floodMessages} messages in ${r.floodSeconds} s, ${r.floodRateLimited} rate_limited, ${r.gatewayErrors.flood} gateway errors`,
    `  honest viewer    ${r.honestFrames} frames, ${r.honestMissedFrames} missed, ${r.honestDisconnects} disconnects, ${r.gatewayErrors.honest} gateway errors`,
    `  lateness         p50 ${r.latenessMs.p50} ms, p99 ${r.latenessMs.p99} ms, max ${r.latenessMs.max} ms (relative to the first frame)`,
    `  local mode heap  idle ${r.heapMb.idle} MB, peak ${r.heapMb.peak} MB (${pct(r.heapMb.peak, r.heapMb.idle)}), after ${r.heapMb.after} MB (${pct(r.heapMb.after, r.heapMb.idle)}) — in use after a full GC`,
    `  local mode RSS   idle ${r.rssMb.idle} MB, peak ${r.rssMb.peak} MB (${pct(r.rssMb.peak, r.rssMb.idle)}), after ${r.rssMb.after} MB (${pct(r.rssMb.after, r.rssMb.idle)})`,
    '',
  ].join('\n');
}
