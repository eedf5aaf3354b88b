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
import { ENV, numberEnv, requireEnv } from '../adapters/config';
import { DynamoConnectionRegistry } from '../adapters/connection-registry';
import { documentClient } from '../adapters/dynamo-write';
import { broadcaster } from '../adapters/fanout';
import { log } from '../adapters/log';
import { DynamoStreamStore } from '../adapters/stream-store';
import { systemTime } from '../adapters/time';
import { workflow } from '../adapters/workflow';

export type { SweepReport };

/** Restarts of a zombie before the sweeper fails it. */
const MAX_RESTARTS = 3;

/** What the sweeper is built from. */
export interface SweeperDeps {
  ports: SweepPorts;
  config: SweepConfig;
}

/** The sweeper's handler over `deps`: one sweep at `deps.ports.time.now()`. */
export function createHandler(deps: SweeperDeps): () => Promise<SweepReport> {
  return () => runSweep(deps.ports, deps.config, deps.ports.time.now());
}

/**
 * The sweeper's dependencies from environment variables (contract/env.ts): CONNECTIONS_TABLE,
 * STREAMS_TABLE (required), CALLBACK_URL and PLAYER_STATE_MACHINE_ARN (read by their adapters
 * on first use), STREAM_IDLE_TTL_SECONDS, ZOMBIE_GRACE_SECONDS, CONTROLLER_GRACE_SECONDS
 * (defaults contract/defaults.ts). Throws MissingConfigError naming a table variable that is
 * unset, and an Error for a duration that is not a non-negative number.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): SweeperDeps {
  const client = documentClient();
  const table = (name: string): string => requireEnv(name, env);
  return {
    ports: {
      streams: new DynamoStreamStore({ client, tableName: table(ENV.streamsTable) }),
      connections: new DynamoConnectionRegistry({ client, tableName: table(ENV.connectionsTable) }),
      broadcaster,
      workflow,
      time: systemTime,
      log,
    },
    config: {
      idleTtlMs: numberEnv(ENV.idleTtlSeconds, DEFAULT_IDLE_TTL_SECONDS, env) * 1000,
      maxRestarts: MAX_RESTARTS,
      startGraceMs: numberEnv(ENV.zombieGraceSeconds, DEFAULT_ZOMBIE_GRACE_SECONDS, env) * 1000,
      controllerGraceMs: numberEnv(ENV.controllerGraceSeconds, DEFAULT_CONTROLLER_GRACE_SECONDS, env) * 1000,
    },
  };
}

let built: SweeperDeps | undefined;

/** Sweep once at `now` (epoch ms) with {@link fromEnvironment}(process.env), built on the first call. */
export async function sweep(now?: number): Promise<SweepReport> {
  built ??= fromEnvironment(process.env);
  return runSweep(built.ports, built.config, now ?? built.ports.time.now());
}

/** The Lambda entry: one sweep now. */
export const handler = async (): Promise<SweepReport> => sweep();

