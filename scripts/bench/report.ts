/**
 * The benchmark's result shape (`--json`) and its readable table (stdout). Pure formatting.
 */
import type { CeilingResult } from './http-ceiling';
import type { MachineInfo } from './machine';
import type { JoinStormResult, SpectateResult } from './spectate';
import type { ThresholdRow } from './threshold';

/** Everything one `npm run bench` measured. Times in ms unless named `…Seconds`. */
export interface BenchResult {
  /** Bumped when a field changes meaning. */
  schema: 1;
  mode: 'full' | 'quick';
  machine: MachineInfo;
  settings: {
    gameId: string;
    speed: number;
    windowSeconds: number;
    viewers: number[];
    burst: number;
    joinStorm: number[];
    fanOutConcurrency: number;
    /** Alternating raw/SDK ceiling rounds; the median round is reported. */
    ceilingRounds: number;
    /** Viewer counts of the runs with the playout buffer, and the lead they ask the stack for, ms. */
    buffered: number[];
    leadMs: number;
  };
  bootSeconds: number;
  /** Lateness runs without a playout buffer (leadMs 0). */
  spectators: SpectateResult[];
  /** Lateness runs with the playout buffer (a second local stack with the spectate lead set). */
  buffered: SpectateResult[];
  /** Why the buffered runs are missing, when they are (e.g. "needs the playout buffer"). */
  bufferedNote?: string;
  deliveries?: {
    /** Whole local path at the largest viewer count: frames messages × viewers per second of fan-out. */
    wholePath: { viewers: number; postsPerSecond: number; frameDeliveriesPerSecond: number; posts: number; seconds: number };
    /** The median round of each ceiling. */
    rawHttp: CeilingResult;
    sdk: CeilingResult;
    /** posts/s of every round, in order. */
    rawHttpRounds: number[];
    sdkRounds: number[];
    /** wholePath.postsPerSecond / rawHttp.postsPerSecond. */
    ratioToRaw: number;
    /** wholePath.postsPerSecond / sdk.postsPerSecond. */
    ratioToSdk: number;
  };
  joinStorms: JoinStormResult[];
  thresholds: { rows: ThresholdRow[]; loopCostUsd: number };
  /** Phases not run (time budget, failure), with why. */
  skipped: string[];
  totalSeconds: number;
  /** 1/5/15-minute load average when the run ended (the machine may be shared). */
  loadAverageEnd: number[];
}

/** The targets the bench reports against (met or not; nothing is asserted). */
export const TARGETS = {
  /** Whole path posts/s ÷ raw HTTP posts/s, at least. */
  wholePathToRaw: 0.5,
  /** 1,000 viewers, leadMs 0: p99 lateness at most, ms. */
  p99At1000Ms: 150,
  /** Viewers on one stream that must all be complete. */
  completeViewers: 5000,
  /** With the playout buffer: share of (viewer, frame) pairs before dueAt, at least. */
  shareBeforeDueAt: 0.99,
} as const;

/** One target: what it asks, the figure measured (or why none), and whether it was met (undefined: not measured). */
export interface TargetRow {
  target: string;
  figure: string;
  met: boolean | undefined;
}

/** The {@link TARGETS} against one run's figures. The AWS-model target is `--only aws`'s (scripts/bench/aws-model.ts). */
export function evaluateTargets(r: BenchResult): TargetRow[] {
  const rows: TargetRow[] = [];
  const d = r.deliveries;
  rows.push({
    target: `whole path ÷ raw HTTP ≥ ${TARGETS.wholePathToRaw}`,
    figure: d ? `${f2(d.ratioToRaw)} (${f0(d.wholePath.postsPerSecond)} ÷ ${f0(d.rawHttp.postsPerSecond)} posts/s, ${f0(d.wholePath.viewers)} viewers)` : 'not measured',
    met: d ? d.ratioToRaw >= TARGETS.wholePathToRaw : undefined,
  });
  const k = r.spectators.find((x) => x.viewers === 1000);
  rows.push({
    target: `1,000 viewers, leadMs 0: p99 ≤ ${TARGETS.p99At1000Ms} ms`,
    figure: k ? `p99 ${f1(k.analysis.lateness.p99)} ms` : 'not measured',
    met: k ? k.analysis.lateness.p99 <= TARGETS.p99At1000Ms : undefined,
  });
  for (const [label, list] of [['leadMs 0', r.spectators], ['playout buffer', r.buffered]] as const) {
    const big = list.find((x) => x.viewers === TARGETS.completeViewers);
    rows.push({
      target: `${f0(TARGETS.completeViewers)} viewers complete (${label})`,
      figure: big ? `${big.analysis.completeness.complete}/${big.viewers} complete, ${big.analysis.completeness.missing} missing` : label === 'playout buffer' && r.bufferedNote ? `(${r.bufferedNote})` : 'not measured',
      met: big ? big.analysis.completeness.complete === big.viewers : undefined,
    });
  }
  if (r.buffered.length === 0) {
    rows.push({ target: `playout buffer: ≥ ${TARGETS.shareBeforeDueAt * 100} % of pairs before dueAt`, figure: r.bufferedNote ? `(${r.bufferedNote})` : 'not measured', met: undefined });
  }
  for (const b of r.buffered) {
    const share = b.analysis.playout?.shareBeforeDueAt ?? NaN;
    rows.push({
      target: `playout buffer, ${f0(b.viewers)} viewers: ≥ ${TARGETS.shareBeforeDueAt * 100} % of pairs before dueAt`,
      figure: `${f2(share * 100)} % (lead ${f0(b.leadMs)} ms)`,
      met: Number.isFinite(share) ? share >= TARGETS.shareBeforeDueAt : undefined,
    });
  }
  rows.push({ target: 'AWS model: one message to 10,000 viewers ≤ 1 s', figure: 'not in this run: npm run bench -- --only aws', met: undefined });
  return rows;
}

const kib = (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1024).toFixed(1) : '–');

const f0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
/** A distribution's p50, p95, p99 and max (ms), one decimal each: the lateness columns. */
const tail = (d: { p50: number; p95: number; p99: number; max: number }) => [f1(d.p50), f1(d.p95), f1(d.p99), f1(d.max)];
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(header), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

/** The readable report. */
export function formatReport(r: BenchResult): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`matchcast bench (${r.mode}) — ${m.date}`);
  out.push(`machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GiB, ${m.platform} ${m.arch}, node ${m.node}, load ${m.loadAverage.join('/')}`);
  out.push(`local stack booted in ${f1(r.bootSeconds)} s; total run ${f1(r.totalSeconds)} s; load at end ${r.loadAverageEnd.join('/')}`);
  out.push('');
  const s = r.settings;
  out.push(`1. Frame lateness on ONE spectate stream: ${s.gameId} at ${s.speed}×, ≈${s.windowSeconds} s of playback`);
  out.push(`   lateness = arrival − (anchorAt + (t − positionMs)/speed), ms; all (viewer, frame) pairs`);
  out.push(
    table(
      ['viewers', 'frames', 'p50', 'p95', 'p99', 'max', 'head p50', 'fan-out p50', 'fan-out max', 'complete', 'ended', 'missing', 'dup', 'early', 'connect s', 'query ms', 'invokes'],
      r.spectators.map((x) => {
        const a = x.analysis;
        return [
          f0(x.viewers),
          `${a.expectedFrames}/${a.messages}m`,
          ...tail(a.lateness),
          f1(a.firstArrivalLateness.p50),
          f1(a.fanOutMs.p50),
          f1(a.fanOutMs.max),
          `${a.completeness.complete}/${x.viewers}`,
          `${a.completeness.ended}`,
          `${a.completeness.missing}`,
          `${a.completeness.duplicates}`,
          `${a.early}`,
          f1(x.connect.ms / 1000),
          x.viewers > 1 ? f0(x.byStreamQueryMs) : '–',
          f0(x.workerInvokes),
        ];
      }),
    ),
  );
  const g = r.spectators[0]?.analysis.frameGapMs;
  if (g) out.push(`   gaps between frames' due times: min ${f0(g.min)}, p50 ${f0(g.p50)}, max ${f0(g.max)} ms (${g.count} gaps)`);
  out.push('   frames: expected frames / frames messages sent; head p50: median lateness of the first viewer to get each frame;');
  out.push('   fan-out: one message, from max(due, previous fan-out done) to its last arrival, ms; complete: every frame once, in order;');
  out.push('   connect s: N handshakes (authorizer + $connect), 50 at a time; query ms: one byStream query of the attached rows;');
  out.push('   invokes: Lambda Invoke requests during the stream (the sharded fan-out\'s workers, above 1,000 attached connections)');
  out.push('');
  out.push(`1b. The same with the playout buffer (stack's spectate lead ${f0(s.leadMs)} ms; joined.leadMs shown)`);
  if (r.buffered.length > 0) {
    out.push('   lateness = arrival − due (negative: buffered ahead); before dueAt: pairs that arrived by their dueAt; display = max(arrival, dueAt) − due');
    out.push(
      table(
        ['viewers', 'lead ms', 'frames', 'p50', 'p95', 'p99', 'max', 'before dueAt', 'display p50', 'display p95', 'display p99', 'display max', 'fan-out p50', 'complete', 'missing', 'dup', 'early', 'invokes'],
        r.buffered.map((x) => {
          const a = x.analysis;
          const p = a.playout;
          return [
            f0(x.viewers),
            f0(x.leadMs),
            `${a.expectedFrames}/${a.messages}m`,
            ...tail(a.lateness),
            p ? `${f2(p.shareBeforeDueAt * 100)} %` : '–',
            ...(p ? tail(p.displayLateness) : ['–', '–', '–', '–']),
            f1(a.fanOutMs.p50),
            `${a.completeness.complete}/${x.viewers}`,
            `${a.completeness.missing}`,
            `${a.completeness.duplicates}`,
            `${a.early}`,
            f0(x.workerInvokes),
          ];
        }),
      ),
    );
    out.push('   early: frames that arrived more than the lead before they were due (sent too soon); complete counts frames, ended is in 1.');
  } else out.push(`   (${r.bufferedNote ?? 'not measured'})`);
  out.push('');
  const mem = [...r.spectators, ...r.buffered].filter((x) => x.memory);
  out.push('1c. Memory per connection in local mode: Δ after a full GC, before connecting → after connecting and attaching, ÷ connections');
  if (mem.length > 0) {
    out.push(
      table(
        ['viewers', 'lead ms', 'server heap KiB', 'viewer heap KiB', 'process RSS KiB'],
        mem.map((x) => [f0(x.viewers), f0(x.leadMs), kib(x.memory!.serverHeapBytes), kib(x.memory!.clientHeapBytes), kib(x.memory!.rssBytes)]),
      ),
    );
    out.push('   server heap: the main thread (local gateway connection + ws socket, $connect and attach rows in the in-process DynamoDB stand-in);');
    out.push('   viewer heap: the bench\'s own ws clients (worker thread; not the system\'s cost); RSS: the whole process, both sides and native buffers');
  } else out.push('   (not measured)');
  out.push('');
  out.push('2. Deliveries through the whole local path (tick → fan-out → PostToConnection → local gateway → ws viewer)');
  if (r.deliveries) {
    const d = r.deliveries;
    out.push(
      table(
        ['path', 'posts/s', 'detail'],
        [
          [`whole path, ${f0(d.wholePath.viewers)} viewers`, f0(d.wholePath.postsPerSecond), `${f0(d.wholePath.posts)} posts in ${f2(d.wholePath.seconds)} s of fan-out; ${f0(d.wholePath.frameDeliveriesPerSecond)} frames×viewers/s`],
          [`SDK PostToConnection → bare server`, f0(d.sdk.postsPerSecond), `median of ${d.sdkRounds.map(f0).join(' / ')}; concurrency ${d.sdk.concurrency}, ${d.sdk.bodyBytes} B, ${d.sdk.failed} failed`],
          [`raw HTTP POST → bare server`, f0(d.rawHttp.postsPerSecond), `median of ${d.rawHttpRounds.map(f0).join(' / ')}; concurrency ${d.rawHttp.concurrency}, ${d.rawHttp.bodyBytes} B, ${d.rawHttp.failed} failed`],
        ],
      ),
    );
    out.push(`   whole path / raw HTTP = ${f2(d.ratioToRaw)}; whole path / SDK = ${f2(d.ratioToSdk)}`);
  } else out.push('   (not measured)');
  out.push('');
  out.push('   Join storm — real `join`s through the control handler; `presence` is coalesced to at most one broadcast per second:');
  if (r.joinStorms.length > 0) {
    out.push(
      table(
        ['viewers', 'joined', 'errors', 'timeouts', 'attached', 'joined+error', 'joined ×2', 'join phase s', 'join p50 ms', 'join p95 ms', 'settled s', 'presence msgs', 'one at a time'],
        r.joinStorms.map((j) => [
          f0(j.viewers),
          f0(j.joined),
          f0(j.errors),
          f0(j.timedOut),
          f0(j.attachedRows),
          f0(j.joinedThenError),
          f0(j.duplicateJoined),
          f1(j.joinPhaseMs / 1000),
          f0(j.joinLatency.p50),
          f0(j.joinLatency.p95),
          f1(j.settledMs / 1000),
          f0(j.presenceMessages),
          f0(j.presenceSequential),
        ]),
      ),
    );
    out.push('   joined: viewers that got `joined` (incl. the starter); errors/timeouts: an `error` or nothing within the bound;');
    out.push('   attached: rows byStream lists afterwards (who fan-out reaches); joined+error: `joined`, then the join failed;');
    out.push('   settled: first join → no new presence for 1.5 s; one at a time: N(N+1)/2, what one broadcast per join would cost');
  } else out.push('   (not measured)');
  out.push('');
  out.push(`3. Sleep/wait threshold of the tick (lambda/core/cost.ts; computed, not measured): a wait loop costs $${r.thresholds.loopCostUsd.toFixed(7)}`);
  out.push(
    table(
      ['memory', 'arm64', 'x86_64'],
      r.thresholds.rows.map((t) => [`${t.memoryMb} MB`, `${f1(t.arm64Ms / 1000)} s`, `${f1(t.x86_64Ms / 1000)} s`]),
    ),
  );
  out.push('');
  out.push('Targets (reported, not asserted):');
  out.push(table(['target', 'measured', 'met'], evaluateTargets(r).map((t) => [t.target, t.figure, t.met === undefined ? '–' : t.met ? 'yes' : 'NO'])));
  if (r.skipped.length > 0) {
    out.push('');
    out.push(`skipped: ${r.skipped.join('; ')}`);
  }
  return out.join('\n') + '\n';
}
