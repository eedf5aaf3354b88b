/**
 * Sharded fan-out: the `Broadcaster` port for a stream too big for one function to post to
 * in time. At or below `threshold` attached connections (the caller's `audience`, e.g. the
 * stream row's `clientCount`) it is the inner broadcaster (adapters/fanout.ts) unchanged.
 * Above it the batch is split by core/shards.ts into the audience planner's number of
 * connectionId ranges, and each range is run by a fan-out worker (ports/shards.ts
 * `ShardWorkers`: on AWS a synchronous invocation of the fan-out function, which lists its
 * range from `byStream` and posts), all ranges at once; `fanOut` resolves when every worker
 * has answered, so the caller's next batch never overtakes this one on any connection. The
 * caller keeps everything else — fencing its epoch, claiming the batch — so a worker only posts.
 *
 * Nothing is lost when a worker fails: a shard whose worker could not run or failed (throttled
 * after its retries, a function error, a timeout) is posted by this broadcaster itself, as is
 * the whole batch when one job would be over `maxJobBytes` (Lambda's payload quota for a
 * synchronous invocation's request, 6 MB: AWS Lambda quotas).
 */
import { DEFAULT_SHARD_THRESHOLD, shardCount, shardRanges, type ShardRange } from '../core/shards';
import type { AudienceInput } from '../core/audience-plan';
import type { Broadcaster, FanOutRequest, FanOutSummary } from '../ports/broadcaster';
import type { ShardConnections, ShardWorkers } from '../ports/shards';
import type { ServerMessage } from '../../protocol/messages';
import { ENV, MissingConfigError, numberEnv, requireEnv } from './config';
import { documentClient } from './dynamo-write';
import { SignedLambdaInvoker } from './lambda-invoke';
import { logger } from './log';
import { DynamoShardConnections } from './shard-connections';

/** Lambda's payload quota for a synchronous (`RequestResponse`) invocation's request, bytes (AWS Lambda quotas: 6 MB). */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** What a {@link ShardedBroadcaster} is constructed with. */
export interface ShardedBroadcasterOptions {
  /** Posts itself: at or below the threshold, and any shard not handed over. */
  readonly inner: Broadcaster;
  /** Where shard jobs go. */
  readonly workers: ShardWorkers;
  /** A shard's connections, for a shard this broadcaster posts itself. */
  readonly shards: ShardConnections;
  /** Attached connections above which the batch is sharded; also the viewers per shard (whole, ≥ 1; validated here). */
  readonly threshold: number;
  /** The rest of the audience planner's input (message rate, memory, CPU per post …). @default { messagesPerSecond: 1 } */
  readonly plan?: Omit<AudienceInput, 'viewers' | 'shardThreshold'>;
  /** Most bytes of one serialized job. @default {@link MAX_SYNC_PAYLOAD_BYTES} */
  readonly maxJobBytes?: number;
}

/** Sum two fan-out summaries. */
function add(a: FanOutSummary, b: FanOutSummary): FanOutSummary {
  return { connections: a.connections + b.connections, delivered: a.delivered + b.delivered, gone: [...a.gone, ...b.gone], failed: [...a.failed, ...b.failed] };
}

/** See the module comment. Throws at construction for a threshold that is not a whole number ≥ 1. */
export class ShardedBroadcaster implements Broadcaster {
  private readonly opts: Required<Omit<ShardedBroadcasterOptions, 'plan'>> & Pick<ShardedBroadcasterOptions, 'plan'>;

  constructor(opts: ShardedBroadcasterOptions) {
    if (!Number.isInteger(opts.threshold) || opts.threshold < 1) throw new Error(`the sharding threshold must be a whole number ≥ 1, got ${opts.threshold}`);
    this.opts = { maxJobBytes: MAX_SYNC_PAYLOAD_BYTES, ...opts };
  }

  /** The shard count for `audience` (core/shards.ts `shardCount`); 1 — post here — for an audience the planner cannot plan. */
  private count(audience: number, threshold: number, plan: ShardedBroadcasterOptions['plan']): number {
    try {
      return shardCount(Math.max(0, Math.floor(audience)), threshold, plan);
    } catch (e) {
      logger.warn('fan-out not sharded: the audience could not be planned', { audience, error: (e as Error).message });
      return 1;
    }
  }

  /** The inner broadcaster's reply (never sharded). */
  post(connectionId: string, message: ServerMessage): Promise<'sent' | 'gone'> {
    return this.opts.inner.post(connectionId, message);
  }

  /**
   * Fan `messages` out to the stream's connections: by the inner broadcaster when
   * `opts.audience` is absent or at most the threshold, or `opts.connections` is given; else in
   * shards (the module comment). The summary counts every connection, whoever posted to it,
   * and `handedOff` the shards workers posted. Throws as the inner broadcaster does.
   */
  async fanOut(streamId: string, messages: readonly ServerMessage[], opts: FanOutRequest = {}): Promise<FanOutSummary> {
    const { inner, workers, threshold, plan, maxJobBytes } = this.opts;
    const count = opts.connections || opts.audience === undefined || messages.length === 0 ? 1 : this.count(opts.audience, threshold, plan);
    if (count === 1) return inner.fanOut(streamId, messages, opts);
    const ranges = shardRanges(count);
    const except = opts.except ? { except: opts.except } : {};
    // The largest job: the longest range bounds are two characters each.
    const jobBytes = Buffer.byteLength(JSON.stringify({ streamId, messages, shard: { from: 'xx', to: 'xx' }, ...except }));
    if (jobBytes > maxJobBytes) return inner.fanOut(streamId, messages, opts);
    const ran = await Promise.allSettled(ranges.map((shard) => workers.run({ streamId, messages, shard, ...except })));
    const left: ShardRange[] = [];
    let summary: FanOutSummary = { connections: 0, delivered: 0, gone: [], failed: [] };
    for (const [i, r] of ran.entries()) {
      if (r.status === 'rejected') left.push(ranges[i]!);
      else summary = add(summary, r.value);
    }
    summary = { ...summary, handedOff: count - left.length };
    if (left.length > 0) {
      const first = ran.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason as Error;
      logger.warn('fan-out shards not run by a worker: posting them here', { streamId, shards: count, notRun: left.length, error: first?.message });
      for (const shard of left) {
        const connections = await this.opts.shards.list(streamId, shard);
        summary = { ...add(summary, await inner.fanOut(streamId, messages, { ...except, connections })), handedOff: summary.handedOff };
      }
    }
    return summary;
  }
}

/**
 * `inner` sharded as `env` (a function's environment) says: FANOUT_FUNCTION_NAME (unset or
 * empty: `inner` itself, never sharded), FANOUT_SHARD_THRESHOLD (default
 * {@link DEFAULT_SHARD_THRESHOLD}), AWS_REGION (or AWS_DEFAULT_REGION; Lambda sets it),
 * AWS_ENDPOINT_URL_LAMBDA (local mode's Lambda endpoint; default Lambda's own) and
 * CONNECTIONS_TABLE. Throws MissingConfigError naming an unset variable it needs, and an
 * Error for a threshold that is not a whole number ≥ 1.
 */
export function shardedFromEnvironment(env: NodeJS.ProcessEnv, inner: Broadcaster): Broadcaster {
  const functionName = env[ENV.fanOutFunctionName];
  if (!functionName) return inner;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new MissingConfigError('AWS_REGION');
  const threshold = numberEnv(ENV.fanOutShardThreshold, DEFAULT_SHARD_THRESHOLD, env);
  return new ShardedBroadcaster({
    inner,
    threshold,
    workers: new SignedLambdaInvoker({ functionName, region, endpoint: env.AWS_ENDPOINT_URL_LAMBDA || undefined }),
    shards: new DynamoShardConnections({ client: documentClient(), tableName: requireEnv(ENV.connectionsTable, env) }),
  });
}
