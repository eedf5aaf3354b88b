/**
 * The HTTP API's one function (docs/HTTP-API.md): API Gateway HTTP API payload
 * format 2.0, routed by `routeKey`. Bodies are JSON (`400` otherwise); the caller is the
 * authorizer's context (http-authorize.ts). Every refusal is `{ error: { code, message } }`;
 * an unexpected failure is logged and answered `500 internal` with a request id — never a
 * stack trace.
 */
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpError, type HttpIdentity, type HttpResult, type HttpRouteKey } from '../core/http-api';
import { MAX_BATCH_BYTES } from '../core/live';
import { logger } from '../adapters/log';
import type { HttpAuthorizerContext } from './http-authorize';
import { postEvents, postFinish, putGame } from './http/games';
import { getStreams, postStream } from './http/streams';

type Event = APIGatewayProxyEventV2WithLambdaAuthorizer<HttpAuthorizerContext>;

/** The routes, by API Gateway route key. The CDK construct (lib/http-api.ts) declares exactly these. */
export const HTTP_ROUTES: Record<HttpRouteKey, (who: HttpIdentity, body: unknown, path: Record<string, string | undefined>) => Promise<HttpResult>> = {
  'PUT /games/{gameId}': (who, body, path) => putGame(who, path.gameId, body),
  'POST /games/{gameId}/events': (who, body, path) => postEvents(who, path.gameId, body),
  'POST /games/{gameId}/finish': (who, _body, path) => postFinish(who, path.gameId),
  'POST /streams': (who, body) => postStream(who, body),
  'GET /streams': () => getStreams(),
};

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

export const handler = async (event: Event): Promise<APIGatewayProxyStructuredResultV2> => {
  const requestId = event.requestContext?.requestId ?? '';
  let result: HttpResult;
  try {
    const route = HTTP_ROUTES[event.routeKey as HttpRouteKey] as (typeof HTTP_ROUTES)[HttpRouteKey] | undefined;
    if (!route) {
      result = httpError(404, 'not_found', `no route ${event.routeKey}`);
    } else {
      const ctx = event.requestContext.authorizer?.lambda;
      const who: HttpIdentity = { userId: ctx?.userId ?? '', roles: (ctx?.roles ?? '').split(',').filter((r) => r !== '') };
      result = await route(who, jsonBody(event), event.pathParameters ?? {});
    }
  } catch (e) {
    if (isResult(e)) {
      result = e;
    } else {
      logger.error('HTTP route failed', { routeKey: event.routeKey, requestId, error: e as Error });
      result = httpError(500, 'internal', `something went wrong on our side (request ${requestId})`);
    }
  }
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(result.body),
  };
};
