/**
 * Poster mode: CPU µs per post and posts/s of four ways to send a `@connections` POST to the
 * local gateway's management API on 127.0.0.1 (the gateway in a child process, so this
 * process's CPU time is the client's alone; its virtual connections stand in for viewers):
 *  (a) the AWS SDK's `PostToConnectionCommand` (what fan-out sent before the lean poster);
 *  (b) `SignedConnectionPoster` (lambda/adapters/signed-poster.ts: SigV4 + node:http);
 *  (c) a raw, unsigned HTTP POST on a keep-alive agent (the floor);
 *  (d) the whole fan-out path: lambda/adapters/fanout.ts `ManagementApiBroadcaster.fanOut` of
 *      one `frames` message to a list of connections (serializing, the worker pool, outcomes,
 *      metrics calls) through (b) — what the tick pays per viewer, without the `byStream` query.
 * Each with the same concurrency and body, in alternating rounds bounded in count and time;
 * the median round of each is reported. CPU is `process.cpuUsage()` (user + system) over the
 * round divided by the posts completed.
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { ManagementApiBroadcaster, SignedConnectionPoster } from '../../lambda/engine';
import type { ServerMessage } from '../../protocol/messages';

/** What the broadcaster is constructed with (its table ports, which the bench never touches). */
type BroadcasterOptions = ConstructorParameters<typeof ManagementApiBroadcaster>[0];
import { startGatewayChild } from './gateway-process';
import { rawPost } from './raw-post';

/** The four clients measured. */
export type PosterKind = 'sdk' | 'signed' | 'raw' | 'fanout';

/** One round of one client. */
export interface PosterRound {
  kind: PosterKind;
  completed: number;
  failed: number;
  seconds: number;
  postsPerSecond: number;
  /** CPU of this process per completed post, µs. */
  cpuUsPerPost: number;
}

/** Options of {@link runPosterBench}. */
export interface PosterBenchOptions {
  /** Posts in flight at once. */
  concurrency: number;
  bodyBytes: number;
  /** Alternating rounds (median reported). */
  rounds: number;
  /** Per round: stop after this many posts… */
  maxPosts: number;
  /** …or this many ms. */
  maxMs: number;
  progress?: (line: string) => void;
}

/** The median round of each client, and every round. */
export interface PosterBenchResult {
  concurrency: number;
  bodyBytes: number;
  median: Record<PosterKind, PosterRound>;
  rounds: PosterRound[];
}

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const KINDS: PosterKind[] = ['sdk', 'signed', 'raw', 'fanout'];

/** Run the poster bench; always ends its gateway child. */
export async function runPosterBench(opts: PosterBenchOptions): Promise<PosterBenchResult> {
  const gw = await startGatewayChild({}, 1000);
  const url = new URL(gw.callbackUrl);
  const data = 'x'.repeat(opts.bodyBytes);
  const rounds: PosterRound[] = [];
  try {
    for (let r = 0; r < opts.rounds; r++) {
      for (const kind of KINDS) {
        const round = await measure(kind, gw.callbackUrl, url, gw.ids, data, opts);
        opts.progress?.(`  round ${r + 1} ${kind}: ${Math.round(round.postsPerSecond)} posts/s, ${Math.round(round.cpuUsPerPost)} µs CPU/post`);
        rounds.push(round);
      }
    }
  } finally {
    await gw.close();
  }
  const median = Object.fromEntries(
    KINDS.map((k) => {
      const list = rounds.filter((x) => x.kind === k).sort((a, b) => a.postsPerSecond - b.postsPerSecond);
      return [k, list[Math.floor(list.length / 2)]!];
    }),
  ) as Record<PosterKind, PosterRound>;
  return { concurrency: opts.concurrency, bodyBytes: opts.bodyBytes, median, rounds };
}

/**
 * A `frames` message of `bodyBytes` serialized (padded in its one frame's data), as the tick
 * fans it out.
 */
function framesMessage(bodyBytes: number): ServerMessage {
  const base: ServerMessage = { type: 'frames', streamId: 'bench', epoch: 1, frames: [{ seq: 0, t: 0, type: 'point', data: { pad: '' } }] };
  const pad = Math.max(0, bodyBytes - JSON.stringify(base).length);
  return { ...base, frames: [{ seq: 0, t: 0, type: 'point', data: { pad: 'x'.repeat(pad) } }] };
}

/**
 * (d): fan-outs of one message to `ids` (explicit connections: no `byStream` query, and no
 * connection is gone, so neither table is touched), until `maxPosts` or `maxMs`.
 */
async function measureFanOut(callbackUrl: string, ids: string[], opts: PosterBenchOptions): Promise<PosterRound> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const poster = new SignedConnectionPoster({ callbackUrl, region: 'us-east-1', credentials: async () => credentials, agent, maxAttempts: 1 });
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('the poster bench touches no table')) });
  const broadcaster = new ManagementApiBroadcaster({
    poster,
    connections: unused as BroadcasterOptions['connections'],
    streams: unused as BroadcasterOptions['streams'],
    options: { concurrency: opts.concurrency, maxAttempts: 1 },
  });
  const message = framesMessage(opts.bodyBytes);
  const batch = ids.slice(0, Math.max(opts.concurrency, Math.min(ids.length, opts.maxPosts)));
  await broadcaster.fanOut('bench', [message], { connections: batch.slice(0, opts.concurrency) }); // warm-up: one post per socket
  let completed = 0;
  let failed = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + opts.maxMs;
  try {
    while (completed + failed < opts.maxPosts && performance.now() < deadline) {
      const r = await broadcaster.fanOut('bench', [message], { connections: batch.slice(0, opts.maxPosts - completed - failed) });
      completed += r.delivered;
      failed += r.connections - r.delivered;
    }
  } finally {
    poster.dispose();
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { kind: 'fanout', completed, failed, seconds, postsPerSecond: completed / seconds, cpuUsPerPost: completed > 0 ? (cpu.user + cpu.system) / completed : NaN };
}

async function measure(kind: PosterKind, callbackUrl: string, url: URL, ids: string[], data: string, opts: PosterBenchOptions): Promise<PosterRound> {
  if (kind === 'fanout') return measureFanOut(callbackUrl, ids, opts);
  let post: (id: string) => Promise<boolean>;
  let dispose: () => void;
  if (kind === 'sdk') {
    const client = new ApiGatewayManagementApiClient({ endpoint: callbackUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
    post = (id) => client.send(new PostToConnectionCommand({ ConnectionId: id, Data: data })).then(() => true, () => false);
    dispose = () => client.destroy();
  } else if (kind === 'signed') {
    const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
    const poster = new SignedConnectionPoster({ callbackUrl, region: 'us-east-1', credentials: async () => credentials, agent, maxAttempts: 1 });
    post = (id) => poster.post(id, data).then((r) => r.outcome === 'ok');
    dispose = () => {
      poster.dispose();
      agent.destroy();
    };
  } else {
    const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
    const body = Buffer.from(data);
    post = (id) => rawPost(agent, { host: url.hostname, port: url.port, path: `${url.pathname}/@connections/${encodeURIComponent(id)}` }, body);
    dispose = () => agent.destroy();
  }
  // One warm-up post per socket: connection setup is not what is measured.
  await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => post(ids[i % ids.length]!)));
  let begun = 0;
  let completed = 0;
  let failed = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + opts.maxMs;
  const worker = async () => {
    while (begun < opts.maxPosts && performance.now() < deadline) {
      const id = ids[begun++ % ids.length]!;
      if (await post(id)) completed++;
      else failed++;
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { kind, completed, failed, seconds, postsPerSecond: completed / seconds, cpuUsPerPost: completed > 0 ? (cpu.user + cpu.system) / completed : NaN };
}

/** The poster table. */
export function formatPoster(r: PosterBenchResult): string {
  const name: Record<PosterKind, string> = {
    sdk: '(a) SDK PostToConnectionCommand',
    signed: '(b) SignedConnectionPoster',
    raw: '(c) raw HTTP POST (unsigned)',
    fanout: '(d) fan-out path: fanOut via (b)',
  };
  const lines = [
    `Posters → local gateway @connections (a child process), concurrency ${r.concurrency}, ${r.bodyBytes} B, median of ${r.rounds.length / KINDS.length} rounds`,
    'client                            posts/s   CPU µs/post   rounds (posts/s)',
  ];
  for (const k of KINDS) {
    const m = r.median[k];
    const all = r.rounds.filter((x) => x.kind === k).map((x) => Math.round(x.postsPerSecond).toLocaleString('en-US'));
    lines.push(`${name[k].padEnd(32)}  ${Math.round(m.postsPerSecond).toLocaleString('en-US').padStart(7)}   ${m.cpuUsPerPost.toFixed(0).padStart(11)}   ${all.join(' / ')}${m.failed ? `  (${m.failed} failed)` : ''}`);
  }
  return lines.join('\n') + '\n';
}
