/**
 * The sweeper Lambda (EventBridge, every minute): one sweep (application/sweep.ts
 * `runSweep`). This module is its composition root: {@link fromEnvironment} builds the
 * function's adapters from its environment, {@link createHandler} wires them (tests and
 * local mode may inject their own), and {@link handler} is the Lambda entry, built on the
 * first invocation.
 */
import { DEFAULT_CONTROLLER_GRACE_SECONDS, DEFAULT_IDLE_TTL_SECONDS, DEFAULT_ZOMBIE_GRACE_SECONDS } from '../../contract/defaults';
import { runSweep, type SweepPorts, type SweepReport } from '../application/sweep';
import type { SweepConfig } from '../core/sweep';
import { ENV, numberEnv } from '../adapters/config';
import { lazyHandler } from '../adapters/lazy-handler';
import { flushingMetrics } from '../adapters/metrics';
import { streamAdapters } from '../adapters/stream-adapters';
import { withLambdaContext } from '../adapters/log';

export type { SweepReport };

/** Restarts of a zombie before the sweeper fails it. */
const MAX_RESTARTS = 3;

/** What the sweeper is built from. */
export interface SweeperDeps {
  ports: SweepPorts;
  config: SweepConfig;
}

/** The sweeper's handler over `deps`: one sweep at `deps.ports.time.now()`, its metrics (the gauges) flushed after it. */
export function createHandler(deps: SweeperDeps): () => Promise<SweepReport> {
  return withLambdaContext(flushingMetrics(deps.ports.metrics, () => runSweep(deps.ports, deps.config, deps.ports.time.now())));
}

/**
 * The sweeper's dependencies from `env` (its environment; contract/env.ts names):
 * CONNECTIONS_TABLE, STREAMS_TABLE (required), CALLBACK_URL and PLAYER_STATE_MACHINE_ARN
 * (checked on first use), STREAM_IDLE_TTL_SECONDS, ZOMBIE_GRACE_SECONDS,
 * CONTROLLER_GRACE_SECONDS (defaults contract/defaults.ts), POWERTOOLS_METRICS_DISABLED
 * (adapters/metrics.ts). Throws MissingConfigError naming
 * a table variable that is unset, and an Error for a duration that is not a non-negative number.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): SweeperDeps {
  return {
    ports: streamAdapters(env),
    config: {
      idleTtlMs: numberEnv(ENV.idleTtlSeconds, DEFAULT_IDLE_TTL_SECONDS, env) * 1000,
      maxRestarts: MAX_RESTARTS,
      startGraceMs: numberEnv(ENV.zombieGraceSeconds, DEFAULT_ZOMBIE_GRACE_SECONDS, env) * 1000,
      controllerGraceMs: numberEnv(ENV.controllerGraceSeconds, DEFAULT_CONTROLLER_GRACE_SECONDS, env) * 1000,
    },
  };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built on the first invocation; one sweep now. */
export const handler = lazyHandler(() => createHandler(fromEnvironment(process.env)));
