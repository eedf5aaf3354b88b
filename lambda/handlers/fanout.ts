/**
 * The fan-out worker Lambda: invoked synchronously by the tick (adapters/lambda-invoke.ts), every shard at once,
 * with one shard job of a big stream's batch — `{ streamId, messages, shard: { from?, to? },
 * except? }` (ports/shards.ts `ShardJob`) — it lists that shard's connections from `byStream`
 * and posts the batch to them (application/fanout-shard.ts). The tick has fenced the epoch and
 * claimed the batch; this function only posts, and answers the fan-out summary. A job that
 * does not parse is logged and answered `{ error }`, nothing posted (the tick then posts that
 * shard itself).
 * Also the function's composition root: {@link fromEnvironment}, {@link createHandler}, and
 * {@link handler} built on the first invocation.
 */
import { fanOutShard, type FanOutShardPorts } from '../application/fanout-shard';
import { ENV, requireEnv } from '../adapters/config';
import { DynamoConnectionRegistry } from '../adapters/connection-registry';
import { documentClient } from '../adapters/dynamo-write';
import { connectionPoster, ManagementApiBroadcaster } from '../adapters/fanout';
import { lazyHandler } from '../adapters/lazy-handler';
import { log, withLambdaContext } from '../adapters/log';
import { flushingMetrics, metricsFromEnvironment } from '../adapters/metrics';
import { DynamoShardConnections } from '../adapters/shard-connections';
import { DynamoStreamStore } from '../adapters/stream-store';
import type { FanOutSummary } from '../ports/broadcaster';
import type { Metrics } from '../ports/metrics';
import type { ShardJob } from '../ports/shards';
import { parseShardJob } from '../core/shards';

/** What the fan-out function is built from. */
export interface FanOutDeps extends FanOutShardPorts {
  readonly log: Pick<typeof log, 'info' | 'warn'>;
  /** Where the posts' MessagesPosted/PostsFailed/FanOutTime go (default: nowhere). */
  readonly metrics?: Metrics;
}

/** The handler over `deps`: `(job) → the fan-out summary`, or `{ error }` for a job that does not parse (nothing posted). */
export function createHandler(deps: FanOutDeps): (event: unknown) => Promise<FanOutSummary | { error: string }> {
  return withLambdaContext(flushingMetrics(deps.metrics, async (event: unknown) => {
    const parsed = parseShardJob(event);
    if ('error' in parsed) {
      deps.log.warn('fan-out job dropped: it does not parse', { error: parsed.error });
      return { error: 'invalid fan-out job' };
    }
    const job = parsed.job as unknown as ShardJob;
    const summary = await fanOutShard(deps, job);
    deps.log.info('fan-out shard posted', { streamId: job.streamId, from: job.shard.from, to: job.shard.to, connections: summary.connections, delivered: summary.delivered, gone: summary.gone.length, failed: summary.failed.length });
    return summary;
  }));
}

/**
 * The fan-out function's dependencies from `env` (its environment; contract/env.ts names):
 * CONNECTIONS_TABLE, STREAMS_TABLE (required: the shard's `byStream` query, and forgetting a
 * gone connection), CALLBACK_URL and AWS_REGION (adapters/fanout.ts `connectionPoster`),
 * POWERTOOLS_METRICS_DISABLED (adapters/metrics.ts). Throws MissingConfigError naming an unset table variable.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): FanOutDeps {
  const client = documentClient();
  const connectionsTable = requireEnv(ENV.connectionsTable, env);
  const connections = new DynamoConnectionRegistry({ client, tableName: connectionsTable });
  const streams = new DynamoStreamStore({ client, tableName: requireEnv(ENV.streamsTable, env) });
  const metrics = metricsFromEnvironment(env);
  return {
    shards: new DynamoShardConnections({ client, tableName: connectionsTable }),
    broadcaster: new ManagementApiBroadcaster({ poster: connectionPoster(env), connections, streams, metrics }),
    log,
    metrics,
  };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built on the first invocation. */
export const handler = lazyHandler(() => createHandler(fromEnvironment(process.env)));
