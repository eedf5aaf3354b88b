/**
 * The social Lambda: `chat`, `react`, `input` (docs/PROTOCOL.md), relayed to the caller's
 * stream and never stored (application/social.ts). This module parses (ws-handler.ts, zod),
 * takes a token from the caller's **user** bucket (core/rate-limit.ts: one bucket per user
 * and kind, across all their connections), calls one use case and maps its refusals to
 * `error` replies — `rate_limited` with `retryAfterMs`; it is also the function's composition
 * root: {@link fromEnvironment}, {@link createHandler}, and {@link handler} built on first invocation.
 */
import { errorMessage, type ServerMessage } from '../../protocol/messages';
import { DEFAULT_REACTION_WINDOW_MS } from '../../contract/defaults';
import { relayChat, relayInput, relayReaction, SocialRefusal, type SocialPorts } from '../application/social';
import { rateLimitedMessage, type BucketName } from '../core/rate-limit';
import type { Caller, WebSocketEvent } from '../core/ws-event';
import type { Broadcaster } from '../ports/broadcaster';
import type { ConnectionRegistry } from '../ports/connections';
import type { RateDecision } from '../adapters/rate-limit';
import { ENV, requireEnv } from '../adapters/config';
import { DynamoConnectionRegistry } from '../adapters/connection-registry';
import { documentClient } from '../adapters/dynamo-write';
import { connectionPoster, ManagementApiBroadcaster } from '../adapters/fanout';
import { configuredRateLimits, consumeRateToken, consumeStreamBudget } from '../adapters/rate-limit';
import { DynamoReactionWindows } from '../adapters/reaction-windows';
import { numberEnv } from '../adapters/config';
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
  /** Takes a token from the caller's user bucket (default adapters/rate-limit.ts `consumeRateToken` on `connections`). */
  consume?: (caller: Caller, bucket: BucketName) => Promise<RateDecision>;
}

/**
 * The social route's handler over `deps`: `(event) → { statusCode: 200 }`, replies by
 * PostToConnection. Each valid message first takes a token from its sender's user bucket
 * (`chat`, `react`, `input`; `deps.consume`, default adapters/rate-limit.ts
 * `consumeRateToken` on `deps.connections`); without one it is answered `error`
 * `rate_limited` with `retryAfterMs` and nothing else happens. Every `error` reply counts
 * `MessagesRefused` by its code, and the metrics are flushed after each invocation.
 */
export function createHandler(deps: SocialDeps): (event: WebSocketEvent) => Promise<{ statusCode: number }> {
  const post = (connectionId: string, message: ServerMessage) => {
    if (message.type === 'error') deps.metrics?.add('MessagesRefused', 1, { code: message.code });
    return deps.broadcaster.post(connectionId, message);
  };
  const consume =
    deps.consume ?? ((caller: Caller, bucket: BucketName) => consumeRateToken(caller.connectionId, bucket, { connections: deps.connections, userId: caller.userId, now: () => deps.time.now() }));
  const refusing =
    <M>(action: 'chat' | 'react' | 'input', fn: (ports: SocialPorts, caller: Caller, m: M) => Promise<void>) =>
    async (caller: Caller, m: M): Promise<void> => {
      try {
        const taken = await consume(caller, action);
        if (!taken.ok) throw new SocialRefusal('rate_limited', rateLimitedMessage(action, action, taken.retryInMs, taken.spec), taken.retryInMs);
        await fn(deps, caller, m);
      } catch (e) {
        if (e instanceof SocialRefusal && e.code === 'rate_limited') {
          // Answered here rather than through ReplyError, which has no field for the wait.
          await post(caller.connectionId, errorMessage({ code: e.code, message: e.message, action, retryAfterMs: e.retryAfterMs }));
          return;
        }
        if (e instanceof SocialRefusal) throw new ReplyError(e.code, e.message);
        throw e;
      }
    };
  return withLambdaContext(flushingMetrics(deps.metrics, messageHandler(
    { chat: refusing('chat', relayChat), react: refusing('react', relayReaction), input: refusing('input', relayInput) },
    // The limits are taken in `refusing` (per user, with the wait in the reply), not by messageHandler.
    { consume: async () => ({ ok: true }), post },
  )));
}

/**
 * The social function's dependencies from `env` (its environment; contract/env.ts names):
 * CONNECTIONS_TABLE, STREAMS_TABLE (required), CALLBACK_URL (checked on first use: every
 * relay and reply needs it), USER_RATE_LIMITS and STREAM_SOCIAL_LIMITS (JSON; default
 * core/rate-limit.ts), REACTION_WINDOW_MS (default contract/defaults.ts, 1,000),
 * POWERTOOLS_METRICS_DISABLED (adapters/metrics.ts). Throws MissingConfigError naming a table
 * variable that is unset, and an Error for a limit or window that is not valid.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): SocialDeps {
  const client = documentClient();
  const table = (name: string): string => requireEnv(name, env);
  const connectionsTable = table(ENV.connectionsTable);
  const connections = new DynamoConnectionRegistry({ client, tableName: connectionsTable });
  const streams = new DynamoStreamStore({ client, tableName: table(ENV.streamsTable) });
  const metrics = metricsFromEnvironment(env);
  const { limits, stream } = configuredRateLimits(env);
  const reactionWindowMs = numberEnv(ENV.reactionWindowMs, DEFAULT_REACTION_WINDOW_MS, env);
  if (!(reactionWindowMs >= 50)) throw new Error(`${ENV.reactionWindowMs} must be at least 50 (ms), got ${reactionWindowMs}`);
  return {
    connections,
    streams,
    broadcaster: new ManagementApiBroadcaster({ poster: connectionPoster(env), connections, streams, metrics }),
    time: systemTime,
    metrics,
    consume: (caller, bucket) => consumeRateToken(caller.connectionId, bucket, { connections, userId: caller.userId, spec: limits[bucket] }),
    budget: (streamId, posts) => consumeStreamBudget(streamId, posts, { connections, spec: stream }),
    reactions: new DynamoReactionWindows({ client, tableName: connectionsTable }),
    reactionWindowMs,
  };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built on the first invocation. */
export const handler = lazyHandler(() => createHandler(fromEnvironment(process.env)));
