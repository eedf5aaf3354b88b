/**
 * The adapters that every function driving streams builds the same way from its environment
 * (contract/env.ts names): the Streams and Connections repositories on one DynamoDB client,
 * fan-out through the management API, the Player state machine, metrics, the clock and the
 * logger — and, for the functions that also read games, the Games repository and the
 * recordings bucket. The composition roots (lambda/handlers/*.ts) add what is theirs alone.
 */
import { ENV, requireEnv } from './config';
import { DynamoConnectionRegistry } from './connection-registry';
import { documentClient } from './dynamo-write';
import { connectionPoster, ManagementApiBroadcaster } from './fanout';
import { DynamoGameCatalog } from './game-catalog';
import { log } from './log';
import { metricsFromEnvironment, type PowertoolsMetrics } from './metrics';
import { s3Client, S3RecordingStore } from './recordings';
import { quotasFromEnvironment } from './quotas';
import { DynamoStreamStore } from './stream-store';
import { systemTime } from './time';
import { sfnClient, StepFunctionsWorkflow } from './workflow';
import type { UserQuotas } from '../ports/quotas';

/** What {@link streamAdapters} builds. */
export interface StreamAdapters {
  readonly streams: DynamoStreamStore;
  readonly connections: DynamoConnectionRegistry;
  readonly broadcaster: ManagementApiBroadcaster;
  readonly workflow: StepFunctionsWorkflow;
  readonly metrics: PowertoolsMetrics;
  /** The per-user quotas (QUOTAS_TABLE, USER_QUOTAS: quotas.ts `quotasFromEnvironment`). */
  readonly quotas: UserQuotas;
  readonly time: typeof systemTime;
  readonly log: typeof log;
}

/** What {@link streamAndGameAdapters} builds: {@link StreamAdapters} and the games with their recordings. */
export interface StreamAndGameAdapters extends StreamAdapters {
  readonly games: DynamoGameCatalog;
  readonly recordings: S3RecordingStore;
}

/**
 * The stream adapters from `env`: STREAMS_TABLE, CONNECTIONS_TABLE (required), CALLBACK_URL and
 * PLAYER_STATE_MACHINE_ARN (checked on first use: only the calls that need one fail without
 * it), POWERTOOLS_METRICS_DISABLED (metrics.ts). Throws MissingConfigError naming an unset
 * table variable.
 */
export function streamAdapters(env: NodeJS.ProcessEnv, client = documentClient()): StreamAdapters {
  const streams = new DynamoStreamStore({ client, tableName: requireEnv(ENV.streamsTable, env) });
  const connections = new DynamoConnectionRegistry({ client, tableName: requireEnv(ENV.connectionsTable, env) });
  const metrics = metricsFromEnvironment(env);
  return {
    streams,
    connections,
    broadcaster: new ManagementApiBroadcaster({ poster: connectionPoster(env), connections, streams, metrics }),
    workflow: new StepFunctionsWorkflow({ client: sfnClient(), stateMachineArn: env[ENV.stateMachineArn] ?? '' }),
    metrics,
    quotas: quotasFromEnvironment(env, client),
    time: systemTime,
    log,
  };
}

/**
 * {@link streamAdapters} and, from `env` as well, GAMES_TABLE (required), RECORDINGS_BUCKET
 * (checked on first use) and AWS_ENDPOINT_URL_S3 (set: a local S3, addressed path-style).
 * Throws MissingConfigError naming an unset table variable.
 */
export function streamAndGameAdapters(env: NodeJS.ProcessEnv): StreamAndGameAdapters {
  const client = documentClient();
  return {
    ...streamAdapters(env, client),
    games: new DynamoGameCatalog({ client, tableName: requireEnv(ENV.gamesTable, env) }),
    recordings: new S3RecordingStore({ client: s3Client(env), bucket: env[ENV.recordingsBucket] ?? '' }),
  };
}
