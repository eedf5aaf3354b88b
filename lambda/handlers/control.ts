/**
 * The control Lambda: routes `start`, `join`, `rejoin`, `pause`, `resume`, `speed`,
 * `seek`/`scrub`, `stop`, `list`, `ping` and `$default` (docs/PROTOCOL.md). This module
 * parses (ws-handler.ts: zod, the per-user rate limits of core/rate-limit.ts), calls
 * one use case of application/control.ts per action and maps its refusals to `error`
 * replies; it is also the function's composition root: {@link fromEnvironment},
 * {@link createHandler}, and {@link handler} built on first invocation.
 */
import { DEFAULT_MAX_CLIENTS_PER_STREAM } from '../../contract/defaults';
import { CLIENT_ACTIONS } from '../../protocol/messages';
import {
  applyControl,
  ControlRefusal,
  joinStreamById,
  listCatalog,
  ping,
  rejoinStream,
  startStream,
  stopStream,
  type ControlConfig,
  type ControlPorts,
} from '../application/control';
import { frameSourceFor } from '../application/frames';
import { snapshotSourceFor } from '../application/snapshots';
import { bucketOf } from '../core/rate-limit';
import { ROUTE_TARGETS } from '../core/routes';
import type { Caller, WebSocketEvent } from '../core/ws-event';
import { ENV, numberEnv, spectateLeadMsFromEnv } from '../adapters/config';
import { consumeRateToken } from '../adapters/rate-limit';
import { messageHandler, ReplyError } from '../adapters/ws-handler';
import { lazyHandler } from '../adapters/lazy-handler';
import { flushingMetrics } from '../adapters/metrics';
import { streamAndGameAdapters } from '../adapters/stream-adapters';
import { withLambdaContext, withStreamLogKeys } from '../adapters/log';

/** What the control function is built from. */
export interface ControlDeps {
  ports: ControlPorts;
  config: ControlConfig;
}

/**
 * The control route's handler over `deps`: `(event) → { statusCode: 200 }`, replies by
 * PostToConnection; every `error` reply counts `MessagesRefused` by its code, and the metrics
 * are flushed after each invocation. Every log line carries the Lambda context and the
 * `streamId` and `epoch` of the stream row the action last read or wrote (adapters/log.ts).
 */
export function createHandler(deps: ControlDeps): (event: WebSocketEvent) => Promise<{ statusCode: number }> {
  const { config } = deps;
  // The log lines of an action name the stream it reads or changes (streamId, epoch).
  const ports: ControlPorts = { ...deps.ports, streams: withStreamLogKeys(deps.ports.streams) };
  const refusing =
    <M>(fn: (caller: Caller, m: M) => Promise<void>) =>
    async (caller: Caller, m: M): Promise<void> => {
      try {
        await fn(caller, m);
      } catch (e) {
        if (e instanceof ControlRefusal) throw new ReplyError(e.code, e.message);
        throw e;
      }
    };
  const control = refusing((caller: Caller, m: Parameters<typeof applyControl>[2]) => applyControl(ports, caller, m));
  return withLambdaContext(flushingMetrics(ports.metrics, messageHandler(
    {
      start: refusing((caller, m) => startStream(ports, config, caller, m)),
      join: refusing((caller, m) => joinStreamById(ports, config, caller, m)),
      rejoin: refusing((caller, m) => rejoinStream(ports, config, caller, m)),
      pause: control,
      resume: control,
      speed: control,
      seek: control,
      scrub: control,
      stop: refusing((caller) => stopStream(ports, caller)),
      list: refusing((caller, m) => listCatalog(ports, caller, m)),
      ping: refusing((caller) => ping(ports, caller)),
    },
    {
      // Per-user rate limits (limits and reasons in core/rate-limit.ts): every action of this
      // route draws from the user's `control` bucket, but `ping` (the heartbeat) from `ping`.
      limits: Object.fromEntries(CLIENT_ACTIONS.filter((a) => ROUTE_TARGETS[a] === 'control').map((a) => [a, bucketOf(a)])),
      consume: (caller, bucket) =>
        consumeRateToken(caller.connectionId, bucket, { connections: ports.connections, userId: caller.userId, now: () => ports.time.now() }),
      post: (connectionId, message) => {
        if (message.type === 'error') ports.metrics?.add('MessagesRefused', 1, { code: message.code });
        return ports.broadcaster.post(connectionId, message);
      },
    },
  )));
}

/**
 * The control function's dependencies from `env` (its environment; contract/env.ts names):
 * CONNECTIONS_TABLE, STREAMS_TABLE, GAMES_TABLE (required), RECORDINGS_BUCKET, CALLBACK_URL,
 * PLAYER_STATE_MACHINE_ARN (checked on first use: only the calls that need one fail without
 * it), MAX_CLIENTS_PER_STREAM (default contract/defaults.ts, 1,000), SPECTATE_LEAD_MS (adapters/config.ts
 * `spectateLeadMsFromEnv`), AWS_ENDPOINT_URL_S3
 * (set: a local S3, addressed path-style), POWERTOOLS_METRICS_DISABLED (adapters/metrics.ts). Throws MissingConfigError naming a table variable
 * that is unset, and an Error for a MAX_CLIENTS_PER_STREAM that is not a non-negative number or a SPECTATE_LEAD_MS out of range.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): ControlDeps {
  const { streams, connections, games, recordings, broadcaster, workflow, time, log, metrics, quotas } = streamAndGameAdapters(env);
  return {
    ports: {
      streams,
      connections,
      games,
      broadcaster,
      workflow,
      frames: (history) => frameSourceFor({ recordings, games }, history),
      snapshots: (history) => snapshotSourceFor({ recordings, frames: (h) => frameSourceFor({ recordings, games }, h) }, history),
      time,
      log,
      metrics,
      quotas,
    },
    config: { maxClients: numberEnv(ENV.maxClientsPerStream, DEFAULT_MAX_CLIENTS_PER_STREAM, env), spectateLeadMs: spectateLeadMsFromEnv(env) },
  };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built on the first invocation. */
export const handler = lazyHandler(() => createHandler(fromEnvironment(process.env)));
