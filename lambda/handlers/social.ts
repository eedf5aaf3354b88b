/**
 * The social Lambda: `chat`, `react`, `input` (docs/PROTOCOL.md), relayed to the caller's
 * stream and never stored (application/social.ts). This module parses (ws-handler.ts:
 * zod, the per-connection rate limits of core/rate-limit.ts), calls one use case and maps
 * its refusals to `error` replies; it is also the function's composition root:
 * {@link fromEnvironment}, {@link createHandler}, and {@link handler} built on first invocation.
 */
import { relayChat, relayInput, relayReaction, SocialRefusal, type SocialPorts } from '../application/social';
import type { Caller, WebSocketEvent } from '../core/ws-event';
import type { Broadcaster } from '../ports/broadcaster';
import type { ConnectionRegistry } from '../ports/connections';
import { ENV, requireEnv } from '../adapters/config';
import { DynamoConnectionRegistry } from '../adapters/connection-registry';
import { documentClient } from '../adapters/dynamo-write';
import { managementApiClient, ManagementApiBroadcaster } from '../adapters/fanout';
import { consumeRateToken } from '../adapters/rate-limit';
import { DynamoStreamStore } from '../adapters/stream-store';
import { systemTime } from '../adapters/time';
import { messageHandler, ReplyError } from '../adapters/ws-handler';
import { lazyHandler } from '../adapters/lazy-handler';
import { flushingMetrics, metricsFromEnvironment } from '../adapters/metrics';
import { withLambdaContext } from '../adapters/log';

/** What the social function is built from. */
export interface SocialDeps extends SocialPorts {
  /** The Connections table: the caller's stream, and the rate-limit buckets. */
  connections: ConnectionRegistry;
  broadcaster: Broadcaster;
}

/**
 * The social route's handler over `deps`: `(event) → { statusCode: 200 }`, replies by
 * PostToConnection; every `error` reply counts `MessagesRefused` by its code, and the metrics
 * are flushed after each invocation.
 */
export function createHandler(deps: SocialDeps): (event: WebSocketEvent) => Promise<{ statusCode: number }> {
  const refusing =
    <M>(fn: (ports: SocialPorts, caller: Caller, m: M) => Promise<void>) =>
    async (caller: Caller, m: M): Promise<void> => {
      try {
        await fn(deps, caller, m);
      } catch (e) {
        if (e instanceof SocialRefusal) throw new ReplyError(e.code, e.message);
        throw e;
      }
    };
  return withLambdaContext(flushingMetrics(deps.metrics, messageHandler(
    { chat: refusing(relayChat), react: refusing(relayReaction), input: refusing(relayInput) },
    {
      // Per-connection rate limits (limits and reasons in core/rate-limit.ts).
      limits: { chat: 'chat', react: 'react', input: 'input' },
      consume: (connectionId, bucket) => consumeRateToken(connectionId, bucket, { connections: deps.connections, now: () => deps.time.now() }),
      post: (connectionId, message) => {
        if (message.type === 'error') deps.metrics?.add('MessagesRefused', 1, { code: message.code });
        return deps.broadcaster.post(connectionId, message);
      },
    },
  )));
}

/**
 * The social function's dependencies from `env` (its environment; contract/env.ts names):
 * CONNECTIONS_TABLE, STREAMS_TABLE (required), CALLBACK_URL (checked on first use: every
 * relay and reply needs it), POWERTOOLS_METRICS_DISABLED (adapters/metrics.ts). Throws MissingConfigError naming a table variable that is unset.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): SocialDeps {
  const client = documentClient();
  const table = (name: string): string => requireEnv(name, env);
  const connections = new DynamoConnectionRegistry({ client, tableName: table(ENV.connectionsTable) });
  const streams = new DynamoStreamStore({ client, tableName: table(ENV.streamsTable) });
  const metrics = metricsFromEnvironment(env);
  return {
    connections,
    streams,
    broadcaster: new ManagementApiBroadcaster({ client: managementApiClient(env[ENV.callbackUrl]), connections, streams, metrics }),
    time: systemTime,
    metrics,
  };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built on the first invocation. */
export const handler = lazyHandler(() => createHandler(fromEnvironment(process.env)));
