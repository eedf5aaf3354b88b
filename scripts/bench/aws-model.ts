/**
 * AWS-model mode: fan-out time per message for a large audience against the local gateway
 * with the AWS model on (local/gateway/policy.ts: 20 ms per `@connections` request, the
 * account throttle of 10,000 requests/s with a burst of 5,000), next to the audience
 * planner's figures (lambda/core/audience-plan.ts).
 *
 * The gateway runs in a child process with N virtual connections (no sockets: the
 * management API counts what each receives). Shards are simulated as parallel
 * SignedConnectionPosters in THIS one process, each with its own keep-alive agent and 32
 * posts in flight over its slice of the ids — so all shards share one event loop and one
 * core, where on AWS each would be a Lambda of its own: the figures for many shards are a
 * floor set by this process's CPU, not what AWS would do.
 *
 * One process cannot offer the real budget of 10,000 requests/s, so the throttle is also run
 * at a tenth of the scale (viewers, rate and burst ÷ 10) with the planner's shard count and
 * four times as many: what 429s and their retries do to a fan-out over the budget. Between
 * messages the bench waits for the bucket to refill (burst ÷ rate), as a message gap would.
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { forEachPool, planAudience, SignedConnectionPoster, type AudiencePlan, type PostOutcomeKind } from '../../lambda/engine';
import { ACCOUNT_THROTTLE } from '../../local/gateway';
import { startGatewayChild } from './gateway-process';

/** Options of {@link runAwsModel}. */
export interface AwsModelOptions {
  viewers: number;
  /** Messages fanned out per shard count (each to every viewer). */
  messages: number;
  /** Latency per `@connections` request, ms. */
  latencyMs: number;
  /** Posts in flight per shard. */
  concurrency: number;
  /** CPU per post for the planner, µs (the poster mode's measurement when it ran). */
  postCpuUs: number;
  /** Stop starting fan-outs after this many ms (a bound, not a figure). */
  maxMs: number;
  progress?: (line: string) => void;
}

/** One shard count's fan-outs. */
export interface AwsModelRun {
  shards: number;
  /** Wall time of each message's fan-out to every viewer, ms. */
  fanOutMs: number[];
  outcomes: Record<PostOutcomeKind, number>;
  /** Requests the gateway answered 429 (each retried by the poster). */
  throttled: number;
  requests: number;
}

/** The planner's plan for the run's audience, the runs, and the planner's table. */
export interface AwsModelResult {
  viewers: number;
  latencyMs: number;
  throttle: { ratePerSecond: number; burst: number };
  plan: AudiencePlan;
  runs: AwsModelRun[];
  /** The same at a tenth of the scale (viewers, throttle rate and burst): the planner's shards and four times as many. */
  scaled: { viewers: number; throttle: { ratePerSecond: number; burst: number }; plan: AudiencePlan; runs: AwsModelRun[] };
  table: Array<{ viewers: number; messagesPerSecond: number; plan: AudiencePlan }>;
  skipped: string[];
}

/** The planner's table: audiences × message rates, with the measured CPU per post. */
export function plannerTable(postCpuUs: number, latencyMs: number): AwsModelResult['table'] {
  const rows: AwsModelResult['table'] = [];
  for (const viewers of [100, 1_000, 10_000, 50_000]) {
    for (const messagesPerSecond of [0.5, 2]) rows.push({ viewers, messagesPerSecond, plan: planAudience({ viewers, messagesPerSecond, postCpuUs, networkLatencyMs: latencyMs }) });
  }
  return rows;
}

/** Run the AWS-model scenario; always ends its gateway child. */
export async function runAwsModel(opts: AwsModelOptions): Promise<AwsModelResult> {
  const plan = planAudience({ viewers: opts.viewers, messagesPerSecond: 1, postCpuUs: opts.postCpuUs, networkLatencyMs: opts.latencyMs, concurrency: opts.concurrency });
  const skipped: string[] = [];
  const started = performance.now();
  const runs = await fanOutRuns({ ...opts, throttle: ACCOUNT_THROTTLE, shardCounts: [...new Set([1, plan.shards])], started, skipped });
  // The same shape at a tenth of the scale, where one process can offer more than the budget:
  // the planner's shard count against four times as many.
  const scaledThrottle = { ratePerSecond: ACCOUNT_THROTTLE.ratePerSecond / 10, burst: ACCOUNT_THROTTLE.burst / 10 };
  const scaledViewers = Math.max(1, Math.round(opts.viewers / 10));
  const scaledPlan = planAudience({ viewers: scaledViewers, messagesPerSecond: 1, postCpuUs: opts.postCpuUs, networkLatencyMs: opts.latencyMs, concurrency: opts.concurrency, throttle: scaledThrottle });
  const scaledRuns = await fanOutRuns({
    ...opts,
    viewers: scaledViewers,
    throttle: scaledThrottle,
    shardCounts: [scaledPlan.shards, scaledPlan.shards * 4],
    started,
    skipped,
  });
  return {
    viewers: opts.viewers,
    latencyMs: opts.latencyMs,
    throttle: ACCOUNT_THROTTLE,
    plan,
    runs,
    scaled: { viewers: scaledViewers, throttle: scaledThrottle, plan: scaledPlan, runs: scaledRuns },
    table: plannerTable(opts.postCpuUs, opts.latencyMs),
    skipped,
  };
}

/** Fan `opts.messages` messages out to every virtual viewer of a fresh gateway child, once per shard count; always ends the child. */
async function fanOutRuns(
  opts: AwsModelOptions & { throttle: { ratePerSecond: number; burst: number }; shardCounts: number[]; started: number; skipped: string[] },
): Promise<AwsModelRun[]> {
  const gw = await startGatewayChild({ managementLatencyMs: opts.latencyMs, managementThrottle: opts.throttle }, opts.viewers);
  const runs: AwsModelRun[] = [];
  const data = JSON.stringify({ type: 'frames', epoch: 1, frames: [{ seq: 0, t: 0, type: 'point', data: { score: '15-0' } }] }).padEnd(360, ' ');
  try {
    for (const shards of opts.shardCounts) {
      const run: AwsModelRun = { shards, fanOutMs: [], outcomes: { ok: 0, gone: 0, timed_out: 0, failed: 0 }, throttled: 0, requests: 0 };
      const slices = Array.from({ length: shards }, (_, s) => gw.ids.filter((_, i) => i % shards === s));
      const agents = slices.map(() => new Agent({ keepAlive: true, maxSockets: opts.concurrency }));
      const posters = agents.map(
        (agent) => new SignedConnectionPoster({ callbackUrl: gw.callbackUrl, region: 'us-east-1', credentials: async () => ({ accessKeyId: 'bench', secretAccessKey: 'bench' }), agent }),
      );
      const before = await gw.stats();
      try {
        for (let m = 0; m < opts.messages; m++) {
          if (performance.now() - opts.started > opts.maxMs) {
            opts.skipped.push(`${shards} shard(s) for ${opts.viewers} viewers: message ${m + 1}+ (time bound)`);
            break;
          }
          const t0 = performance.now();
          await Promise.all(
            slices.map((ids, s) =>
              forEachPool(ids, opts.concurrency, async (id) => {
                const r = await posters[s]!.post(id, data);
                run.outcomes[r.outcome]++;
              }),
            ),
          );
          run.fanOutMs.push(performance.now() - t0);
          opts.progress?.(`  ${shards} shard(s), message ${m + 1}: ${Math.round(run.fanOutMs.at(-1)!)} ms to ${opts.viewers.toLocaleString('en-US')} viewers`);
          // Let the bucket refill between messages, as a stream's message gap would.
          await new Promise((r) => setTimeout(r, Math.ceil((1000 * opts.throttle.burst) / opts.throttle.ratePerSecond)));
        }
      } finally {
        posters.forEach((p) => p.dispose());
        agents.forEach((a) => a.destroy());
      }
      const after = await gw.stats();
      run.throttled = after.throttled - before.throttled;
      run.requests = after.requests - before.requests;
      runs.push(run);
    }
  } finally {
    await gw.close();
  }
  return runs;
}

function runRows(runs: AwsModelRun[]): string[] {
  const rows = ['shards   fan-out ms per message        posts ok   gone   timed out   failed   429s   requests'];
  for (const run of runs) {
    rows.push(
      `${String(run.shards).padStart(6)}   ${run.fanOutMs.map((x) => Math.round(x).toLocaleString('en-US')).join(' / ').padEnd(28)}  ${String(run.outcomes.ok).padStart(8)}   ${String(run.outcomes.gone).padStart(4)}   ${String(run.outcomes.timed_out).padStart(9)}   ${String(run.outcomes.failed).padStart(6)}   ${String(run.throttled).padStart(4)}   ${String(run.requests).padStart(8)}`,
    );
  }
  return rows;
}

const usd = (x: number) => (x >= 0.01 ? `$${x.toFixed(4)}` : `$${x.toPrecision(3)}`);

/** The target for one message to the AWS model's audience (10,000 viewers), ms. */
export const AWS_TARGET_MS = 1000;

/**
 * The AWS model against {@link AWS_TARGET_MS}: the median fan-out of the run with the most
 * shards (the planner's count), and the planner's own figure for AWS. Undefined without runs.
 */
export function awsTarget(r: AwsModelResult): { shards: number; measuredMs: number; plannedMs: number } | undefined {
  const run = [...r.runs].sort((a, b) => b.shards - a.shards)[0];
  if (!run || run.fanOutMs.length === 0) return undefined;
  const sorted = [...run.fanOutMs].sort((a, b) => a - b);
  return { shards: run.shards, measuredMs: sorted[Math.floor(sorted.length / 2)]!, plannedMs: r.plan.fanOutMs };
}

/** The AWS-model tables. */
export function formatAwsModel(r: AwsModelResult): string {
  const out: string[] = [];
  out.push(
    `AWS model: local gateway with ${r.latencyMs} ms per @connections request and a ${r.throttle.ratePerSecond.toLocaleString('en-US')}/s (burst ${r.throttle.burst.toLocaleString('en-US')}) throttle, ${r.viewers.toLocaleString('en-US')} virtual viewers`,
  );
  out.push(`   shards simulated as parallel SignedConnectionPosters in ONE process (one core), 32 in flight each`);
  out.push(...runRows(r.runs));
  out.push(`   planner for ${r.viewers.toLocaleString('en-US')} viewers at 1 message/s: ${r.plan.shards} shard(s) (limited by ${r.plan.limitedBy}), ${Math.round(r.plan.fanOutMs).toLocaleString('en-US')} ms per message, ${Math.round(r.plan.perShardPostsPerSecond).toLocaleString('en-US')} posts/s per shard`);
  const t = awsTarget(r);
  if (t) out.push(`   target: one message to ${r.viewers.toLocaleString('en-US')} viewers ≤ ${AWS_TARGET_MS.toLocaleString('en-US')} ms — measured ${Math.round(t.measuredMs).toLocaleString('en-US')} ms with ${t.shards} shards in one process (${t.measuredMs <= AWS_TARGET_MS ? 'met' : 'not met'}); planner for AWS ${Math.round(t.plannedMs).toLocaleString('en-US')} ms (${t.plannedMs <= AWS_TARGET_MS ? 'met' : 'not met'})`);
  const sc = r.scaled;
  out.push(`At a tenth of the scale: ${sc.viewers.toLocaleString('en-US')} viewers, throttle ${sc.throttle.ratePerSecond.toLocaleString('en-US')}/s (burst ${sc.throttle.burst}); the planner's ${sc.plan.shards} shard(s), then 4×`);
  out.push(...runRows(sc.runs));
  if (r.skipped.length > 0) out.push(`   skipped: ${r.skipped.join('; ')}`);
  out.push('');
  out.push('Audience planner (lambda/core/audience-plan.ts; 512 MB arm64, 32 in flight per shard, 400 B messages, us-east-1 prices)');
  out.push('viewers   msg/s   shards  limited by   posts/s/shard   fan-out ms   keeps up   $/viewer-hour   of which API Gateway');
  for (const row of r.table) {
    const p = row.plan;
    const api = p.perViewerHour.apiGatewayMessages + p.perViewerHour.apiGatewayConnectionMinutes;
    out.push(
      `${row.viewers.toLocaleString('en-US').padStart(7)}   ${String(row.messagesPerSecond).padStart(5)}   ${String(p.shards).padStart(6)}  ${p.limitedBy.padEnd(11)}  ${Math.round(p.perShardPostsPerSecond).toLocaleString('en-US').padStart(13)}   ${Math.round(p.fanOutMs).toLocaleString('en-US').padStart(10)}   ${(p.keepsUp ? 'yes' : 'no').padStart(8)}   ${usd(p.perViewerHour.total).padStart(13)}   ${((api / p.perViewerHour.total) * 100).toFixed(1).padStart(18)} %`,
    );
  }
  return out.join('\n') + '\n';
}
