/**
 * `npm run bench [-- --quick] [--json] [--viewers 1,100,1000] [--buffered 1,100,1000] [--lead MS] [--storm 100,300] [--live 50,200] [--only live|poster|aws|fanout|web]`
 *
 * Prints performance figures of the local system; asserts nothing. Boots local mode
 * in-process (local/stack.ts, port 0, talking to 127.0.0.1 only) and measures:
 *  1. frame lateness (p50/p95/p99/max, ms) and completeness for 1, 100, 1,000, 2,000 and 5,000
 *     viewers on one spectate stream (scripts/bench/spectate.ts), with leadMs 0 and — on a second
 *     local stack with the spectate lead set — with the playout buffer (share of pairs before
 *     `dueAt`, display lateness), and memory per connection;
 *  2. deliveries/s through the whole local path at the largest viewer count, next to a raw
 *     HTTP-POST ceiling and an SDK PostToConnection ceiling measured in the same run
 *     (scripts/bench/http-ceiling.ts), plus a join storm through the real `join` route;
 *  3. the tick's sleep/wait threshold for 128–1024 MB on arm64 and x86_64 (computed);
 *  4. live latency: N spectators on a live game's live stream, M single-event POSTs, POST
 *     start → frame arrival per (viewer, frame) against the 100 ms target (scripts/bench/live.ts).
 * Fan-out modes, run alone (no local stack; the local gateway in a child process):
 *  - `--only poster`: CPU µs per post and posts/s of the SDK's PostToConnectionCommand,
 *    SignedConnectionPoster, a raw HTTP POST and the whole fan-out path (fanOut through the
 *    SignedConnectionPoster; scripts/bench/poster.ts);
 *  - `--only aws`: the gateway's AWS model (20 ms per request, 10,000/s throttle), 10,000
 *    virtual viewers, fan-out time per message for 1 shard and the planner's shard count,
 *    and the audience planner's table (scripts/bench/aws-model.ts);
 *  - `--only fanout`: both, the planner fed the fan-out path's measured CPU per post.
 * `--only web`: the web client's first load in Debian's Chromium against local mode — bytes
 * over the wire and time to the catalog, cold and warm (scripts/bench/first-load.ts).
 * Every loop is bounded in count and time; a phase that would overrun the budget
 * (full ≈ 10 min, `--quick` ≈ 1 min) is skipped and listed under `skipped`.
 * Progress goes to stderr; the table (or, with `--json`, one JSON document) to stdout.
 * docs/PERFORMANCE.md explains the figures.
 */
import './lib/quiet-sdk'; // first: no AWS SDK Node-version warning on stderr
import './bench/quiet-logs'; // before the handlers' logger loads: ERROR unless POWERTOOLS_LOG_LEVEL says otherwise
import { performance } from 'node:perf_hooks';
import { errorText, parseCli, runMain, usageError } from './lib/cli';
import { measureHttpCeiling, measureSdkCeiling, type CeilingResult } from './bench/http-ceiling';
import { machineInfo } from './bench/machine';
import { formatReport, type BenchResult } from './bench/report';
import { formatLive, runLive, type LiveResult } from './bench/live';
import { runJoinStorm, runSpectate } from './bench/spectate';
import { thresholdTable } from './bench/threshold';
import { formatPoster, runPosterBench, type PosterBenchResult } from './bench/poster';
import { formatAwsModel, runAwsModel, type AwsModelResult } from './bench/aws-model';
import { formatFairness, runFairness } from './bench/fairness';
import { formatFirstLoad, measureFirstLoad } from './bench/first-load';
import { DEFAULT_SPECTATE_LEAD_MS } from '../contract/defaults';

/** The spectate lead (ms) the buffered runs ask their stack for when `--lead` is not given: the server's default. */
const DEFAULT_BUFFER_LEAD_MS = DEFAULT_SPECTATE_LEAD_MS;

export const BENCH_HELP = `usage: npm run bench [-- --quick] [--json] [--viewers N,N,…] [--buffered N,N,…] [--lead MS] [--storm N,N,…] [--live V,E] [--only live]

Boot local mode in-process and print frame lateness, completeness, deliveries/s next to a
raw HTTP ceiling, a join storm, and the tick's sleep/wait threshold. Asserts nothing.

  --quick          about one minute instead of about ten (shorter streams, fewer runs and posts)
  --json           print one JSON document instead of the table
  --viewers LIST   viewer counts of the lateness runs, leadMs 0 (default 1,100,1000,2000,5000;
                   --quick 1000; each 1-5000)
  --buffered LIST  viewer counts of the lateness runs with the playout buffer, on a second local
                   stack (default as --viewers; --quick 1000; 0 for none)
  --lead MS        the spectate lead the buffered runs' stack is given (default ${DEFAULT_BUFFER_LEAD_MS})
  --storm LIST     viewer counts of the join storms (default 100,300; --quick none; each 2-5000;
                   0 for none); each storm's join phase is cut off after 60 s (--quick 15 s)
  --live V,E       live latency: V spectators on a live game, E single-event POSTs (default
                   50,200; --quick none; 0 for none); the POST phase is cut off after 60 s
  --only live      run the live latency scenario alone (no lateness, storms or ceilings)
  --only poster    CPU µs per post and posts/s: SDK PostToConnection, SignedConnectionPoster, raw HTTP,
                   the whole fan-out path (fanOut through SignedConnectionPoster)
  --only aws       the local gateway's AWS model (20 ms, 10,000/s): fan-out time for 10,000 viewers
                   by shard count, and the audience planner's table
  --only fanout    poster, then aws (the planner uses the fan-out path's measured CPU per post)
  --only web       the web client's first load in Chromium: bytes over the wire and ms to the
                   catalog, cold (empty cache) and warm (reload); 7 runs (--quick 3)
  --fairness       alone: one user floods chat, reactions, pings and seeks from 20 connections while an
                   honest spectator watches another stream; its missed frames, disconnects, lateness
                   p50/p99, and local mode's RSS idle, at peak and after (--quick: fewer rounds)
  -h, --help       this help
`;

/** The sample final every lateness run spectates (US Open 2011 women's final; samples/tennis). */
const GAME = '2011-usopen-2701';
/** Games of the join storms (one fresh stream each). */
const STORM_GAMES = ['2013-wimbledon-2701', '2012-wimbledon-1701', '2012-ausopen-1701'];
const SPEED = 64;
/** The local gateway's per-stream limit defaults to 1,000 viewers (MAX_CLIENTS_PER_STREAM); the bench raises it to its largest run. */
const MAX_VIEWERS = 5000;


const PROFILES = {
  full: { windowSeconds: 15, viewers: [1, 100, 1000, 2000, 5000], buffered: [1, 100, 1000, 2000, 5000], joinStorm: [100, 300], ceilingRounds: 3, ceilingMs: 2000, ceilingMax: 50_000, budgetSeconds: 720, stormTimeoutMs: 60_000, live: [50, 200], liveTimeoutMs: 60_000 },
  quick: { windowSeconds: 5, viewers: [1000], buffered: [1000], joinStorm: [], ceilingRounds: 3, ceilingMs: 400, ceilingMax: 15_000, budgetSeconds: 60, stormTimeoutMs: 15_000, live: [] as number[], liveTimeoutMs: 20_000 },
} as const;

/** Rough wall seconds of one lateness run: playback, connecting (~1 s per 200 viewers), detach and close (~1 s per 500), setup. */
const latenessEstimate = (windowSeconds: number, n: number) => windowSeconds + 3 + n / 200 + n / 500;

/** Bounds of the fan-out modes (`--only poster|aws|fanout`); each stays well inside its profile's budget. */
const FANOUT_PROFILES = {
  full: { posterRounds: 3, posterMaxPosts: 20_000, posterMaxMs: 2_000, awsViewers: 10_000, awsMessages: 3, awsMaxMs: 150_000 },
  quick: { posterRounds: 3, posterMaxPosts: 5_000, posterMaxMs: 600, awsViewers: 10_000, awsMessages: 1, awsMaxMs: 30_000 },
} as const;

/** The fan-out path's CPU per post (through SignedConnectionPoster) the planner assumes when the poster mode did not run, µs. */
const DEFAULT_POST_CPU_US = 150;

/** `--fairness`: boot local mode, run the fairness scenario (scripts/bench/fairness.ts), print, resolve 0. */
async function runFairnessMode(mode: 'full' | 'quick', json: boolean): Promise<number> {
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const machine = machineInfo();
  progress(`bench (${mode}, fairness): booting local mode…`);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR'; // the handlers' INFO lines would drown the figures
  const { startLocalStack } = await import('../local/stack');
  const stack = await startLocalStack({ port: 0, writeRuntimeFile: false, web: false, sweeper: false, env: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR' } });
  try {
    const r = await runFairness(stack, {
      honestGame: '2012-wimbledon-1701',
      floodGame: '2012-ausopen-1701',
      speed: SPEED,
      connections: 20,
      rounds: mode === 'quick' ? 10 : 50,
      roundGapMs: 20,
      settleMs: mode === 'quick' ? 5_000 : 15_000,
      progress,
    });
    if (json) process.stdout.write(`${JSON.stringify({ schema: 1, mode, only: 'fairness', machine, fairness: r }, null, 2)}\n`);
    else process.stdout.write([`matchcast bench (${mode}, fairness) — ${machine.date}`, `machine: ${machine.cores} cores, node ${machine.node}, load ${machine.loadAverage.join('/')}`, '', formatFairness(r)].join('\n'));
  } finally {
    await stack.close();
  }
  return 0;
}

/** `--only web`: build the web client when stale, boot local mode with it, measure its first load, print, resolve 0. */
async function runWebMode(mode: 'full' | 'quick', json: boolean): Promise<number> {
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const machine = machineInfo();
  progress(`bench (${mode}, web): building the web client when stale, booting local mode…`);
  const { buildWeb } = await import('../local/web');
  await buildWeb();
  const { startLocalStack } = await import('../local/stack');
  const stack = await startLocalStack({ port: 0, writeRuntimeFile: false, sweeper: false, env: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR' } });
  try {
    const r = await measureFirstLoad(`${stack.httpUrl}/`, mode === 'quick' ? 3 : 7, progress);
    if (json) process.stdout.write(`${JSON.stringify({ schema: 1, mode, only: 'web', machine, firstLoad: r }, null, 2)}\n`);
    else process.stdout.write([`matchcast bench (${mode}, web) — ${machine.date}`, `machine: ${machine.cores} cores, node ${machine.node}, load ${machine.loadAverage.join('/')}`, '', formatFirstLoad(r)].join('\n'));
  } finally {
    await stack.close();
  }
  return 0;
}

/** `--only poster|aws|fanout`: measure, print, resolve 0. No local stack is booted. */
async function runFanOutModes(which: 'poster' | 'aws' | 'fanout', mode: 'full' | 'quick', json: boolean): Promise<number> {
  const f = FANOUT_PROFILES[mode];
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const machine = machineInfo();
  const t0 = performance.now();
  let poster: PosterBenchResult | undefined;
  let aws: AwsModelResult | undefined;
  if (which !== 'aws') {
    progress(`poster: ${f.posterRounds} alternating rounds of SDK / signed / raw / fan-out path, ≤ ${f.posterMaxMs} ms or ${f.posterMaxPosts} posts each…`);
    poster = await runPosterBench({ concurrency: 32, bodyBytes: 360, rounds: f.posterRounds, maxPosts: f.posterMaxPosts, maxMs: f.posterMaxMs, progress });
  }
  if (which !== 'poster') {
    const postCpuUs = poster ? poster.median.fanout.cpuUsPerPost : DEFAULT_POST_CPU_US;
    progress(`aws model: ${f.awsViewers} virtual viewers, 20 ms per request, ${f.awsMessages} message(s) per shard count…`);
    aws = await runAwsModel({ viewers: f.awsViewers, messages: f.awsMessages, latencyMs: 20, concurrency: 32, postCpuUs, maxMs: f.awsMaxMs, progress });
  }
  const totalSeconds = (performance.now() - t0) / 1000;
  if (json) {
    process.stdout.write(`${JSON.stringify({ schema: 1, mode, only: which, machine, totalSeconds, loadAverageEnd: machineInfo().loadAverage, poster, aws }, null, 2)}\n`);
    return 0;
  }
  const out = [
    `matchcast bench (${mode}, ${which}) — ${machine.date}`,
    `machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GiB, ${machine.platform} ${machine.arch}, node ${machine.node}, load ${machine.loadAverage.join('/')}`,
    `total run ${totalSeconds.toFixed(1)} s; load at end ${machineInfo().loadAverage.join('/')}`,
    '',
  ];
  if (poster) out.push(formatPoster(poster));
  if (aws) out.push(formatAwsModel(aws));
  process.stdout.write(out.join('\n'));
  return 0;
}

function parseCounts(flag: string, text: string, min: number): number[] {
  if ((flag === '--storm' || flag === '--buffered') && text.trim() === '0') return [];
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.length > 5 || list.some((n) => !Number.isInteger(n) || n < min || n > MAX_VIEWERS)) {
    throw usageError(`${flag} ${JSON.stringify(text)}: expected up to 5 comma-separated counts, each ${min}-${MAX_VIEWERS}`);
  }
  return list;
}

/** `--live V,E`: viewers 1–MAX_VIEWERS and events 1–5000; `0` for none. */
function parseLive(text: string): [number, number] | undefined {
  if (text.trim() === '0') return undefined;
  const [v, e, ...rest] = text.split(',').map((x) => Number(x.trim()));
  if (rest.length > 0 || !Number.isInteger(v) || !Number.isInteger(e) || v! < 1 || v! > MAX_VIEWERS || e! < 1 || e! > 5000) {
    throw usageError(`--live ${JSON.stringify(text)}: expected VIEWERS,EVENTS (viewers 1-${MAX_VIEWERS}, events 1-5000), or 0 for none`);
  }
  return [v!, e!];
}

/** Median of a non-empty list of measurements by `key`. */
function medianBy<T>(list: T[], key: (x: T) => number): T {
  return [...list].sort((a, b) => key(a) - key(b))[Math.floor(list.length / 2)]!;
}

/**
 * Late writes to a closed local DynamoDB stand-in: with thousands of connections, local mode's
 * close can finish while a `$disconnect` handler's delete is still queued in dynalite, which
 * then throws 'Database is closed' from a callback (uncaught). After a stack has closed, such
 * an error is counted (and reported under `skipped`) instead of ending the bench before it
 * prints; any other uncaught error still ends it. Returns the count so far and an uninstall.
 */
function tolerateLateDynamoWrites(): { count: () => number; stop: () => void } {
  let n = 0;
  const onError = (e: Error) => {
    if (/Database is closed/.test(e.message)) {
      n++;
      return;
    }
    process.off('uncaughtException', onError);
    throw e;
  };
  process.on('uncaughtException', onError);
  return { count: () => n, stop: () => process.off('uncaughtException', onError) };
}

/** The bench as a function: resolves 0 after printing. Throws a usage error for a bad command line. */
export async function runBench(argv: readonly string[]): Promise<number> {
  const { values } = parseCli(argv, {
    quick: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
    viewers: { type: 'string' },
    buffered: { type: 'string' },
    lead: { type: 'string' },
    storm: { type: 'string' },
    live: { type: 'string' },
    only: { type: 'string' },
    fairness: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(BENCH_HELP);
    return 0;
  }
  const mode = values.quick ? 'quick' : 'full';
  const p = PROFILES[mode];
  if (values.only !== undefined && !['live', 'poster', 'aws', 'fanout', 'web'].includes(values.only)) {
    throw usageError(`--only ${JSON.stringify(values.only)}: the scenarios that run alone are "live", "poster", "aws", "fanout" and "web"`);
  }
  if (values.only === 'web') return runWebMode(mode, values.json === true);
  if (values.only === 'poster' || values.only === 'aws' || values.only === 'fanout') return runFanOutModes(values.only, mode, values.json === true);
  if (values.fairness) return runFairnessMode(mode, values.json === true);
  const onlyLive = values.only === 'live';
  const viewers = onlyLive ? [] : values.viewers ? parseCounts('--viewers', values.viewers, 1) : [...p.viewers];
  const storms = onlyLive ? [] : values.storm ? parseCounts('--storm', values.storm, 2) : [...p.joinStorm];
  const buffered = onlyLive ? [] : values.buffered ? parseCounts('--buffered', values.buffered, 1) : values.viewers ? [...viewers] : [...p.buffered];
  const leadMs = values.lead !== undefined ? Number(values.lead) : DEFAULT_BUFFER_LEAD_MS;
  if (!Number.isInteger(leadMs) || leadMs < 1 || leadMs > 60_000) throw usageError(`--lead ${JSON.stringify(values.lead)}: expected a whole number of ms, 1-60000`);
  const live = values.live !== undefined ? parseLive(values.live) : p.live.length === 2 ? ([...p.live] as [number, number]) : undefined;
  const liveRuns: LiveResult[] = [];
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const burst = 50;
  const result: BenchResult = {
    schema: 1,
    mode,
    machine: machineInfo(),
    settings: { gameId: GAME, speed: SPEED, windowSeconds: p.windowSeconds, viewers, burst, joinStorm: storms, fanOutConcurrency: 0, ceilingRounds: p.ceilingRounds, buffered, leadMs },
    bootSeconds: 0,
    spectators: [],
    buffered: [],
    joinStorms: [],
    thresholds: thresholdTable(),
    skipped: [],
    totalSeconds: 0,
    loadAverageEnd: [],
  };

  progress(`bench (${mode}): booting local mode…`);
  // Imported here: local/stack sets the handler environment when it starts.
  const { startLocalStack } = await import('../local/stack');
  const stack = await startLocalStack({
    port: 0,
    writeRuntimeFile: false,
    web: false,
    sweeper: false, // the once-a-minute sweeper would land in some runs and not others
    spectateLeadMs: 0, // the leadMs-0 runs; the buffered ones get a stack of their own
    env: { MAX_CLIENTS_PER_STREAM: String(MAX_VIEWERS), POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR' },
  });
  result.bootSeconds = elapsed();
  const { FANOUT_DEFAULTS } = await import('../lambda/engine');
  result.settings.fanOutConcurrency = FANOUT_DEFAULTS.concurrency;
  /** The lateness runs of `counts` on `on`, each skipped when it would overrun the budget (`reserve` s kept for what follows). */
  const latenessRuns = async (on: typeof stack, counts: readonly number[], label: string, into: BenchResult['spectators'], reserve: number) => {
    for (const n of counts) {
      if (elapsed() + latenessEstimate(p.windowSeconds, n) + reserve > p.budgetSeconds) {
        result.skipped.push(`lateness${label} with ${n} viewers (time budget)`);
        continue;
      }
      progress(`lateness${label}: ${n} viewer(s)…`);
      try {
        into.push(await runSpectate(on, { viewers: n, gameId: GAME, speed: SPEED, windowSeconds: p.windowSeconds, burst, progress, measureMemory: n >= 100 }));
      } catch (e) {
        result.skipped.push(`lateness${label} with ${n} viewers failed: ${errorText(e)}`);
        progress(`  failed: ${errorText(e)}`);
      }
    }
  };
  // Keep room for the buffered runs' stack boot and their first (smallest) run.
  const bufferedReserve = buffered.length > 0 ? 8 + latenessEstimate(p.windowSeconds, Math.min(...buffered)) : 0;
  try {
    await latenessRuns(stack, viewers, '', result.spectators, bufferedReserve);
    for (const [i, n] of storms.entries()) {
      const estimate = (p.stormTimeoutMs + 5000) / 1000;
      if (elapsed() + estimate > p.budgetSeconds) {
        result.skipped.push(`join storm of ${n} (time budget)`);
        continue;
      }
      progress(`join storm: ${n} viewers…`);
      try {
        result.joinStorms.push(await runJoinStorm(stack, { viewers: n, gameId: STORM_GAMES[i % STORM_GAMES.length]!, burst, timeoutMs: p.stormTimeoutMs, progress }));
      } catch (e) {
        result.skipped.push(`join storm of ${n} failed: ${errorText(e)}`);
        progress(`  failed: ${errorText(e)}`);
      }
    }
    if (live) {
      const [v, n] = live;
      // Connect + join (~1 s per 100 viewers) + the POST phase's bound + delivery wait.
      const estimate = v / 100 + p.liveTimeoutMs / 1000 + 20;
      if (!onlyLive && elapsed() + estimate > p.budgetSeconds + 60) {
        result.skipped.push(`live latency with ${v} viewers (time budget)`);
      } else {
        progress(`live latency: ${v} viewer(s), ${n} single-event POSTs…`);
        try {
          liveRuns.push(await runLive(stack, { viewers: v, events: n, burst, timeoutMs: p.liveTimeoutMs, progress }));
        } catch (e) {
          result.skipped.push(`live latency with ${v} viewers failed: ${errorText(e)}`);
          progress(`  failed: ${errorText(e)}`);
        }
      }
    }
  } finally {
    progress('closing local mode…');
    await stack.close();
  }
  const late = tolerateLateDynamoWrites();

  if (buffered.length > 0) {
    progress(`bench (${mode}): booting local mode with a spectate lead of ${leadMs} ms…`);
    const lead = await startLocalStack({
      port: 0,
      writeRuntimeFile: false,
      web: false,
      sweeper: false,
      spectateLeadMs: leadMs,
      env: { MAX_CLIENTS_PER_STREAM: String(MAX_VIEWERS), POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR' },
    });
    try {
      await latenessRuns(lead, buffered, ' (playout buffer)', result.buffered, 0);
      if (result.buffered.length > 0 && result.buffered.every((x) => x.leadMs === 0)) result.bufferedNote = 'joined announced no lead: the stack ignored spectateLeadMs';
    } finally {
      progress('closing local mode (playout buffer)…');
      await lead.close();
    }
  }

  const largest = [...result.spectators].sort((a, b) => b.viewers - a.viewers)[0];
  if (largest) {
    const bodyBytes = largest.analysis.medianMessageBytes || 300;
    const opts = { concurrency: FANOUT_DEFAULTS.concurrency, bodyBytes, maxRequests: p.ceilingMax, maxMs: p.ceilingMs };
    progress(`ceilings: raw HTTP and SDK POSTs, concurrency ${opts.concurrency}, ${bodyBytes} B, ${p.ceilingRounds} alternating rounds…`);
    // Alternating rounds, median kept: a busy neighbour on the machine hits both alike.
    const raw: CeilingResult[] = [];
    const sdk: CeilingResult[] = [];
    for (let i = 0; i < p.ceilingRounds; i++) {
      raw.push(await measureHttpCeiling(opts));
      sdk.push(await measureSdkCeiling(opts));
    }
    const rawHttp = medianBy(raw, (x) => x.postsPerSecond);
    const sdkMedian = medianBy(sdk, (x) => x.postsPerSecond);
    const f = largest.analysis.fanOut;
    result.deliveries = {
      wholePath: { viewers: largest.viewers, postsPerSecond: f.postsPerSecond, frameDeliveriesPerSecond: f.frameDeliveriesPerSecond, posts: f.posts, seconds: f.seconds },
      rawHttp,
      sdk: sdkMedian,
      rawHttpRounds: raw.map((x) => x.postsPerSecond),
      sdkRounds: sdk.map((x) => x.postsPerSecond),
      ratioToRaw: f.postsPerSecond / rawHttp.postsPerSecond,
      ratioToSdk: f.postsPerSecond / sdkMedian.postsPerSecond,
    };
  } else if (!onlyLive) result.skipped.push('deliveries/s (no lateness run completed)');

  late.stop();
  if (late.count() > 0) result.skipped.push(`${late.count()} write(s) reached the local DynamoDB stand-in after its stack closed (late $disconnect deletes; ignored)`);
  result.totalSeconds = elapsed();
  result.loadAverageEnd = machineInfo().loadAverage;
  if (values.json) process.stdout.write(`${JSON.stringify({ ...result, live: liveRuns }, null, 2)}\n`);
  else if (onlyLive) {
    const m = result.machine;
    process.stdout.write(
      [
        `matchcast bench (${mode}, live only) — ${m.date}`,
        `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GiB, ${m.platform} ${m.arch}, node ${m.node}, load ${m.loadAverage.join('/')}`,
        `local stack booted in ${result.bootSeconds.toFixed(1)} s; total run ${result.totalSeconds.toFixed(1)} s; load at end ${result.loadAverageEnd.join('/')}`,
        '',
        formatLive(liveRuns) + (result.skipped.length > 0 ? `\nskipped: ${result.skipped.join('; ')}\n` : ''),
      ].join('\n'),
    );
  } else process.stdout.write(`${formatReport(result)}\n${formatLive(liveRuns)}`);
  return 0;
}

if (require.main === module) runMain(() => runBench(process.argv.slice(2)));
