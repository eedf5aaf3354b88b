/**
 * The `$disconnect` Lambda: forget the connection and uncount it from its stream
 * (application/forget-connection.ts), then make sure the others get the new presence
 * (application/presence.ts). API Gateway does not guarantee this event: fan-out's
 * GoneException handling and the sweeper forget what it misses, the same way. Also the
 * function's composition root: {@link fromEnvironment}, {@link createHandler}, and
 * {@link handler} built on the first invocation.
 */
import { quotasFromEnvironment } from '../adapters/quotas';
import { forgetConnection, type ForgetPorts } from '../application/forget-connection';
import { announcePresence, type PresencePorts } from '../application/presence';
import type { WebSocketEvent } from '../core/ws-event';
import type { ConnectionRegistry } from '../ports/connections';
import type { Metrics } from '../ports/metrics';
import type { StreamStore } from '../ports/streams';
import { ENV, requireEnv } from '../adapters/config';
import { DynamoConnectionRegistry } from '../adapters/connection-registry';
import { documentClient } from '../adapters/dynamo-write';
import { connectionPoster, ManagementApiBroadcaster } from '../adapters/fanout';
import { log, withLambdaContext } from '../adapters/log';
import { DynamoStreamStore } from '../adapters/stream-store';
import { systemTime } from '../adapters/time';
import { lazyHandler } from '../adapters/lazy-handler';
import { flushingMetrics, metricsFromEnvironment } from '../adapters/metrics';

/** What the disconnect function is built from. */
export interface DisconnectDeps extends ForgetPorts, PresencePorts {
  connections: ConnectionRegistry;
  streams: StreamStore;
  /** Where the presence broadcast's MessagesPosted/PostsFailed/FanOutTime go (default: nowhere). */
  metrics?: Metrics;
}

/** The `$disconnect` handler over `deps`: `(event) → { statusCode: 200 }`; its metrics flushed after each invocation. */
export function createHandler(deps: DisconnectDeps): (event: WebSocketEvent) => Promise<{ statusCode: number }> {
  return withLambdaContext(flushingMetrics(deps.metrics, async (event: WebSocketEvent) => {
    const connectionId = event.requestContext.connectionId;
    if (!connectionId) return { statusCode: 200 };
    const gone = await forgetConnection(deps, connectionId, deps.time.now());
    const streamId = gone?.connection.streamId;
    if (streamId) await announcePresence(deps, streamId, gone.stream?.presenceVersion);
    deps.log.info('disconnected', { connectionId, streamId });
    return { statusCode: 200 };
  }));
}

/**
 * The disconnect function's dependencies from `env` (its environment; contract/env.ts names):
 * CONNECTIONS_TABLE, STREAMS_TABLE (required), CALLBACK_URL (checked on first use: the
 * presence broadcast fails without it), POWERTOOLS_METRICS_DISABLED (adapters/metrics.ts). Throws MissingConfigError naming a table variable
 * that is unset.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): DisconnectDeps {
  const client = documentClient();
  const table = (name: string): string => requireEnv(name, env);
  const connections = new DynamoConnectionRegistry({ client, tableName: table(ENV.connectionsTable) });
  const streams = new DynamoStreamStore({ client, tableName: table(ENV.streamsTable) });
  const metrics = metricsFromEnvironment(env);
  return {
    connections,
    streams,
    broadcaster: new ManagementApiBroadcaster({ poster: connectionPoster(env), connections, streams, metrics }),
    quotas: quotasFromEnvironment(env, client),
    time: systemTime,
    log,
    metrics,
  };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built on the first invocation. */
export const handler = lazyHandler(() => createHandler(fromEnvironment(process.env)));
