/**
 * The HTTP API's one function (docs/HTTP-API.md): API Gateway HTTP API payload
 * format 2.0, routed by `routeKey`. Bodies are JSON (`400` otherwise); the caller is the
 * authorizer's context (http-authorize.ts). Every refusal is `{ error: { code, message } }`;
 * an unexpected failure is logged and answered `500 internal` with a request id — never a
 * stack trace.
 *
 * Also the function's composition root: {@link fromEnvironment}, {@link createHandler}, and
 * {@link handler} built on the first invocation.
 */
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpError, type HttpIdentity, type HttpResult, type HttpRouteKey } from '../core/http-api';
import { MAX_BATCH_BYTES } from '../../protocol/http-api';
import type { LivePorts } from '../application/live';
import type { ListStreamsPorts, ScheduleStreamPorts } from '../application/schedule';
import type { Log } from '../ports/log';
import { lazyHandler } from '../adapters/lazy-handler';
import { flushingMetrics } from '../adapters/metrics';
import { streamAndGameAdapters } from '../adapters/stream-adapters';
import { spectateLeadMsFromEnv } from '../adapters/config';
import type { HttpAuthorizerContext } from './http-authorize';
import { postEvents, postFinish, putGame } from './http/games';
import { getStreams, postStream } from './http/streams';
import { withLambdaContext } from '../adapters/log';
import { liveKeyframerFromEnvironment } from '../adapters/live-keyframer';
import { getOperatorStream, getOperatorStreams, postOperatorEnd, postOperatorRestart } from './http/operator';
import type { OperatorPorts } from '../application/operator';

type Event = APIGatewayProxyEventV2WithLambdaAuthorizer<HttpAuthorizerContext>;

/** What the HTTP API function is built from: the live-game, scheduling and operator ports, and the log. */
export interface HttpApiDeps extends Omit<LivePorts, 'games' | 'streams' | 'workflow'> {
  games: LivePorts['games'] & ScheduleStreamPorts['games'];
  streams: LivePorts['streams'] & ScheduleStreamPorts['streams'] & ListStreamsPorts['streams'] & OperatorPorts['streams'];
  workflow: LivePorts['workflow'] & ScheduleStreamPorts['workflow'] & OperatorPorts['workflow'];
  /** The Connections table: the viewers an operator sees (`byStream`). */
  connections: OperatorPorts['connections'];
  /** Playout buffer (ms) of scheduled streams (ScheduleStreamPorts `spectateLeadMs`). */
  spectateLeadMs?: number;
  log: Log;
}

type Params = Record<string, string | undefined>;
type Route = (who: HttpIdentity, body: unknown, path: Params, query: Params) => Promise<HttpResult>;

/** The routes over `deps`, by API Gateway route key. The CDK construct (lib/http-api.ts) declares exactly these. */
export function httpRoutes(deps: HttpApiDeps): Record<HttpRouteKey, Route> {
  return {
    'PUT /games/{gameId}': (who, body, path) => putGame(deps, who, path.gameId, body),
    'POST /games/{gameId}/events': (who, body, path) => postEvents(deps, who, path.gameId, body),
    'POST /games/{gameId}/finish': (who, _body, path) => postFinish(deps, who, path.gameId),
    'POST /streams': (who, body) => postStream(deps, who, body, deps.time.now()),
    'GET /streams': () => getStreams(deps),
    'GET /operator/streams': (who, _body, _path, query) => getOperatorStreams(deps, who, query),
    'GET /operator/streams/{streamId}': (who, _body, path) => getOperatorStream(deps, who, path.streamId),
    'POST /operator/streams/{streamId}/end': (who, _body, path) => postOperatorEnd(deps, who, path.streamId),
    'POST /operator/streams/{streamId}/restart': (who, _body, path) => postOperatorRestart(deps, who, path.streamId),
  };
}

/** The JSON body of a request: undefined when empty. Throws a refusal (400/413) on anything else. */
function jsonBody(event: Event): unknown {
  if (event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_BATCH_BYTES) throw httpError(413, 'too_large', `the body is over ${MAX_BATCH_BYTES} bytes`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw httpError(400, 'bad_request', 'the body is not JSON');
  }
}

const isResult = (v: unknown): v is HttpResult => typeof v === 'object' && v !== null && 'status' in v && 'body' in v;

/**
 * The HTTP API handler over `deps`: routes `event.routeKey`, answers `{ statusCode, headers,
 * body }` (JSON; `404` for an unknown route key, `500 internal` with the request id for an
 * unexpected failure, which is logged). Never rejects. Its metrics are flushed after each invocation.
 */
export function createHandler(deps: HttpApiDeps): (event: Event) => Promise<APIGatewayProxyStructuredResultV2> {
  const routes = httpRoutes(deps);
  return withLambdaContext(flushingMetrics(deps.metrics, async (event: Event): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = event.requestContext?.requestId ?? '';
    let result: HttpResult;
    try {
      const route = routes[event.routeKey as HttpRouteKey] as Route | undefined;
      if (!route) {
        result = httpError(404, 'not_found', `no route ${event.routeKey}`);
      } else {
        const ctx = event.requestContext.authorizer?.lambda;
        const who: HttpIdentity = { userId: ctx?.userId ?? '', roles: (ctx?.roles ?? '').split(',').filter((r) => r !== '') };
        result = await route(who, jsonBody(event), event.pathParameters ?? {}, event.queryStringParameters ?? {});
      }
    } catch (e) {
      if (isResult(e)) {
        result = e;
      } else {
        deps.log.error('HTTP route failed', { routeKey: event.routeKey, requestId, error: e as Error });
        result = httpError(500, 'internal', `something went wrong on our side (request ${requestId})`);
      }
    }
    return {
      statusCode: result.status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify(result.body),
    };
  }));
}

/**
 * The HTTP API function's dependencies from `env` (its environment; contract/env.ts names):
 * GAMES_TABLE, STREAMS_TABLE, CONNECTIONS_TABLE (required; fan-out to a live stream queries
 * `byStream` and forgets gone connections there, and the operator lists a stream's viewers there), RECORDINGS_BUCKET, CALLBACK_URL,
 * PLAYER_STATE_MACHINE_ARN (checked on first use: scheduled starts, the operator's end, show and restart), AWS_ENDPOINT_URL_S3 (set: a local S3,
 * addressed path-style), SPECTATE_LEAD_MS (scheduled streams' playout buffer: adapters/config.ts `spectateLeadMsFromEnv`),
 * POWERTOOLS_METRICS_DISABLED (adapters/metrics.ts), INDEX_FUNCTION_NAME (live games' keyframes folded on past the lean
 * kinds: adapters/live-keyframer.ts). Throws MissingConfigError naming an unset table variable, an Error for a
 * SPECTATE_LEAD_MS out of range.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): HttpApiDeps {
  const { games, streams, connections, recordings, broadcaster, workflow, time, log, metrics, quotas } = streamAndGameAdapters(env);
  const keyframer = liveKeyframerFromEnvironment(env);
  return { games, streams, connections, recordings, broadcaster, workflow, time, log, metrics, quotas, spectateLeadMs: spectateLeadMsFromEnv(env), ...(keyframer ? { keyframer } : {}) };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built on the first invocation. */
export const handler = lazyHandler(() => createHandler(fromEnvironment(process.env)));

