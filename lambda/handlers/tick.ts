/**
 * The tick Lambda: one step of the `Player` workflow. The use case is application/tick.ts
 * `runTick`; this module is its composition root: {@link fromEnvironment} builds the
 * function's adapters from its environment once, {@link createHandler} wires them (tests and
 * local mode may inject their own), and {@link handler} is the Lambda entry, built on the
 * first invocation.
 */
import { DEFAULT_MAX_STREAM_SECONDS } from '../../contract/defaults';
import { runTick, type TickConfig, type TickContext, type TickPorts } from '../application/tick';
import type { TickInput, TickOutput } from '../core/workflow';
import { ENV, numberEnv } from '../adapters/config';
import { lazyHandler } from '../adapters/lazy-handler';
import { flushingMetrics } from '../adapters/metrics';
import { shardedFromEnvironment } from '../adapters/sharded-fanout';
import { streamAndGameAdapters } from '../adapters/stream-adapters';
import { appendLogKeys, withLambdaContext } from '../adapters/log';

/** What the tick function is built from. */
export interface TickDeps {
  ports: TickPorts;
  config: TickConfig;
}

/**
 * The tick's handler over `deps`: `(input, context) → TickOutput` (application/tick.ts `runTick`); its metrics flushed after
 * each invocation, and every log line carries the Lambda context and the input's `streamId` and `epoch` (adapters/log.ts).
 */
export function createHandler(deps: TickDeps): (input: TickInput, context: TickContext) => Promise<TickOutput> {
  return withLambdaContext(
    flushingMetrics(deps.ports.metrics, (input: TickInput, context: TickContext) => {
      appendLogKeys({ streamId: input.streamId, epoch: input.epoch }); // every line of this tick names its stream and epoch
      return runTick(deps.ports, deps.config, input, context);
    }),
  );
}

/**
 * The tick's dependencies from `env` (its environment; contract/env.ts names): STREAMS_TABLE,
 * GAMES_TABLE, CONNECTIONS_TABLE (required; fan-out queries `byStream` and forgets gone
 * connections there), RECORDINGS_BUCKET, CALLBACK_URL, PLAYER_STATE_MACHINE_ARN (checked on
 * first use), FANOUT_FUNCTION_NAME and FANOUT_SHARD_THRESHOLD (adapters/sharded-fanout.ts
 * `shardedFromEnvironment`), MAX_STREAM_SECONDS (default contract/defaults.ts, 8 h) and AWS_ENDPOINT_URL_S3
 * (set: a local S3, addressed path-style) and POWERTOOLS_METRICS_DISABLED (adapters/metrics.ts). Throws MissingConfigError naming a required table
 * variable that is unset, and an Error for a MAX_STREAM_SECONDS that is not a non-negative number.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): TickDeps {
  const { streams, games, recordings, broadcaster, workflow, time, log, metrics, quotas } = streamAndGameAdapters(env);
  return {
    // Big streams' batches go to the fan-out workers when FANOUT_FUNCTION_NAME is set (adapters/sharded-fanout.ts).
    ports: { streams, games, recordings, broadcaster: shardedFromEnvironment(env, broadcaster), workflow, time, log, metrics, quotas },
    config: { maxStreamMs: numberEnv(ENV.maxStreamSeconds, DEFAULT_MAX_STREAM_SECONDS, env) * 1000 },
  };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built on the first invocation. */
export const handler = lazyHandler(() => createHandler(fromEnvironment(process.env)));

