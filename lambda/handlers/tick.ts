/**
 * The tick Lambda: one step of the `Player` workflow. The use case is application/tick.ts
 * `runTick`; this module is its composition root: {@link fromEnvironment} builds the
 * function's adapters from its environment once, {@link createHandler} wires them (tests and
 * local mode may inject their own), and {@link handler} is the Lambda entry, built on the
 * first invocation.
 */
import type { Context } from 'aws-lambda';
import { DEFAULT_MAX_STREAM_SECONDS } from '../../contract/defaults';
import { runTick, type TickConfig, type TickContext, type TickPorts } from '../application/tick';
import type { TickInput, TickOutput } from '../core/workflow';
import { ENV, numberEnv, requireEnv } from '../adapters/config';
import { documentClient } from '../adapters/dynamo-write';
import { broadcaster } from '../adapters/fanout';
import { DynamoGameCatalog } from '../adapters/game-catalog';
import { log } from '../adapters/log';
import { recordingStore } from '../adapters/recordings';
import { DynamoStreamStore } from '../adapters/stream-store';
import { systemTime } from '../adapters/time';
import { workflow } from '../adapters/workflow';

/** What the tick function is built from. */
export interface TickDeps {
  ports: TickPorts;
  config: TickConfig;
}

/** The tick's handler over `deps`: `(input, context) → TickOutput` (application/tick.ts `runTick`). */
export function createHandler(deps: TickDeps): (input: TickInput, context: TickContext) => Promise<TickOutput> {
  return (input, context) => runTick(deps.ports, deps.config, input, context);
}

/**
 * The tick's dependencies from environment variables (contract/env.ts names): STREAMS_TABLE,
 * GAMES_TABLE, RECORDINGS_BUCKET, CALLBACK_URL, PLAYER_STATE_MACHINE_ARN (read by their
 * adapters on first use) and MAX_STREAM_SECONDS (default contract/defaults.ts, 8 h).
 * Throws MissingConfigError naming a required table variable that is unset.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): TickDeps {
  const client = documentClient();
  return {
    ports: {
      streams: new DynamoStreamStore({ client, tableName: requireEnv(ENV.streamsTable, env) }),
      games: new DynamoGameCatalog({ client, tableName: requireEnv(ENV.gamesTable, env) }),
      recordings: recordingStore,
      broadcaster,
      workflow,
      time: systemTime,
      log,
    },
    config: { maxStreamMs: numberEnv(ENV.maxStreamSeconds, DEFAULT_MAX_STREAM_SECONDS, env) * 1000 },
  };
}

let built: ReturnType<typeof createHandler> | undefined;

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built on the first invocation. */
export const handler = async (input: TickInput, context: Context): Promise<TickOutput> => {
  built ??= createHandler(fromEnvironment(process.env));
  return built(input, context);
};

