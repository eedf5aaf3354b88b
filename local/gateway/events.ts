/**
 * The events the local gateway gives its Lambda integrations, shaped as API Gateway's
 * WebSocket API builds them (AWS API Gateway developer guide, "WebSocket APIs: integration
 * requests"; the aws-lambda typings `APIGatewayProxyWebsocketEventV2`,
 * `APIGatewayRequestAuthorizerEvent`):
 * - the REQUEST authorizer's event on `$connect` (`type: 'REQUEST'`, `methodArn`, headers, query);
 * - `$connect` (headers, query, `requestContext.eventType: 'CONNECT'`);
 * - a message route or `$default` (`body`, `eventType: 'MESSAGE'`, `messageId`);
 * - `$disconnect` (`disconnectStatusCode`, `disconnectReason`, `eventType: 'DISCONNECT'`).
 * Every `requestContext` carries `routeKey`, `connectionId`, `connectedAt` and
 * `requestTimeEpoch` (epoch ms), `requestTime` (CLF), `stage`, `apiId` `local`, `domainName`
 * `127.0.0.1:{port}`, `identity` and — once the authorizer allowed — `authorizer` (its
 * context, stringified, plus `principalId`).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The API id local mode uses (in `requestContext.apiId` and the method ARN). */
export const API_ID = 'local';
/** The region and account of local ARNs. */
export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

/** The `requestContext.identity` of a connection. */
export interface ConnectionIdentity {
  readonly sourceIp: string;
  readonly userAgent: string;
}

/** What every event of one connection shares. */
export interface ConnectionFacts {
  readonly connectionId: string;
  /** Epoch ms of the upgrade request. */
  readonly connectedAt: number;
  readonly identity: ConnectionIdentity;
  /** The client's `Host` header (the `$disconnect` event's headers carry it). */
  readonly host: string;
  /** `requestContext.authorizer`, when an authorizer allowed the connection. */
  readonly authorizer: Record<string, unknown> | undefined;
}

/** Where the API is: its stage and `domainName` (`127.0.0.1:{port}`). */
export interface ApiFacts {
  readonly stage: string;
  readonly domainName: string;
}

/** The request's headers and query string as API Gateway passes them. */
export interface RequestParts {
  readonly headers: Record<string, string>;
  readonly multiValueHeaders: Record<string, string[]>;
  readonly query: { single: Record<string, string>; multi: Record<string, string[]>; present: boolean };
}

/** An id like API Gateway's connection/request ids: 16 characters, base64 of 11 random bytes ('/' avoided: it would split the @connections path). */
export function newId(): string {
  return randomBytes(11).toString('base64').replace(/\//g, '-');
}

/** `09/Apr/2020:18:03:34 +0000` for `ms` (epoch ms): API Gateway's `requestTime` (Common Log Format, UTC). */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** The ARN the authorizer's policy must allow: `arn:aws:execute-api:{region}:{account}:local/{stage}/$connect`. */
export function connectMethodArn(stage: string): string {
  return `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/${stage}/$connect`;
}

/** The connection's identity: the peer address (IPv4-mapped prefix dropped) and `User-Agent`. */
export function identityOf(req: IncomingMessage): ConnectionIdentity {
  return {
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    userAgent: String(req.headers['user-agent'] ?? ''),
  };
}

/**
 * The headers and query string of an upgrade request as API Gateway passes them: header names
 * as the client sent them (the last value wins in `headers`; all in `multiValueHeaders`), plus
 * `X-Forwarded-For`/`-Port`/`-Proto` unless the client sent them; query parameters likewise.
 */
export function requestParts(req: IncomingMessage, url: URL, sourceIp: string, port: number): RequestParts {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const value = req.rawHeaders[i + 1];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  for (const [name, value] of [
    ['X-Forwarded-For', sourceIp],
    ['X-Forwarded-Port', String(port)],
    ['X-Forwarded-Proto', 'http'],
  ]) {
    if (!Object.keys(headers).some((k) => k.toLowerCase() === name.toLowerCase())) {
      headers[name] = value;
      multiValueHeaders[name] = [value];
    }
  }
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return { headers, multiValueHeaders, query: { single, multi, present: Object.keys(single).length > 0 } };
}

/** What sets one event's `requestContext` apart from another's of the same connection. */
interface ContextSpec {
  readonly routeKey: string;
  readonly eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  /** Epoch ms of the request: `connectedAt` on `$connect`, the arrival of a message, the firing of `$disconnect`. */
  readonly at: number;
  /** The event type's own fields (`messageId`; `disconnectStatusCode`, `disconnectReason`), placed after `routeKey`. */
  readonly fields?: Record<string, unknown>;
}

/**
 * The `requestContext` of any event of a connection: the fields every WebSocket event carries
 * (AWS docs, "WebSocket API Lambda proxy integration event") plus `spec`'s; `authorizer` only
 * when the connection has one.
 */
function requestContext(api: ApiFacts, conn: Omit<ConnectionFacts, 'host'>, requestId: string, spec: ContextSpec): Record<string, unknown> {
  return {
    routeKey: spec.routeKey,
    ...spec.fields,
    eventType: spec.eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(spec.at),
    messageDirection: 'IN',
    stage: api.stage,
    connectedAt: conn.connectedAt,
    requestTimeEpoch: spec.at,
    identity: conn.identity,
    requestId,
    domainName: api.domainName,
    connectionId: conn.connectionId,
    apiId: API_ID,
    ...(conn.authorizer ? { authorizer: conn.authorizer } : {}),
  };
}

/** The `requestContext` of `$connect` (and of the authorizer's event, without `authorizer`). */
function connectContext(api: ApiFacts, conn: Omit<ConnectionFacts, 'host'>, requestId: string): Record<string, unknown> {
  return requestContext(api, conn, requestId, { routeKey: '$connect', eventType: 'CONNECT', at: conn.connectedAt });
}

/** The REQUEST authorizer's event for a `$connect` (no `requestContext.authorizer` yet). */
export function authorizerEvent(api: ApiFacts, conn: Omit<ConnectionFacts, 'host' | 'authorizer'>, requestId: string, parts: RequestParts) {
  return {
    type: 'REQUEST',
    methodArn: connectMethodArn(api.stage),
    headers: parts.headers,
    multiValueHeaders: parts.multiValueHeaders,
    queryStringParameters: parts.query.single,
    multiValueQueryStringParameters: parts.query.multi,
    stageVariables: {},
    requestContext: connectContext(api, { ...conn, authorizer: undefined }, requestId),
  };
}

/** The `$connect` route's event; the query string fields only when there is a query string. */
export function connectEvent(api: ApiFacts, conn: Omit<ConnectionFacts, 'host'>, requestId: string, parts: RequestParts) {
  return {
    headers: parts.headers,
    multiValueHeaders: parts.multiValueHeaders,
    ...(parts.query.present ? { queryStringParameters: parts.query.single, multiValueQueryStringParameters: parts.query.multi } : {}),
    requestContext: connectContext(api, conn, requestId),
    isBase64Encoded: false,
  };
}

/** A message's event for `routeKey` (an action or `$default`); `now` is the arrival, epoch ms. */
export function messageEvent(api: ApiFacts, conn: ConnectionFacts, routeKey: string, requestId: string, body: string, now: number) {
  return {
    requestContext: requestContext(api, conn, requestId, { routeKey, eventType: 'MESSAGE', at: now, fields: { messageId: newId() } }),
    body,
    isBase64Encoded: false,
  };
}

/** `$disconnect`'s event: WebSocket close code and reason; `now` is when it fires, epoch ms. */
export function disconnectEvent(api: ApiFacts, conn: ConnectionFacts, requestId: string, disconnectStatusCode: number, disconnectReason: string, now: number) {
  return {
    headers: { Host: conn.host, 'X-Forwarded-For': conn.identity.sourceIp },
    multiValueHeaders: { Host: [conn.host], 'X-Forwarded-For': [conn.identity.sourceIp] },
    requestContext: requestContext(api, conn, requestId, {
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      at: now,
      fields: { disconnectStatusCode, disconnectReason },
    }),
    isBase64Encoded: false,
  };
}
