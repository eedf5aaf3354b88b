/**
 * The `@connections` management API of the local gateway, at
 * `{callbackUrl}/@connections/{connectionId}` (AWS API Gateway developer guide, "Use
 * @connections commands in your backend service"):
 * - POST: the raw body is sent to the client as one text frame (200); over 128 KB → 413
 *   `PayloadTooLargeException` (API Gateway quotas: 128 KB per message);
 * - GET: `{ connectedAt, lastActiveAt, identity }` (ISO-8601 times);
 * - DELETE: the gateway closes the connection (1000) and runs `$disconnect`; 204.
 * Unknown, closing or closed ids → 410 `GoneException`; an empty id or one with `/` → 403;
 * other methods → 403. Errors carry `x-amzn-errortype`, which the SDK's
 * ApiGatewayManagementApiClient maps to exception names. No SigV4 check.
 * With the gateway's AWS model on (local/gateway/policy.ts `managementThrottle`), a request
 * over the budget is answered by {@link answerThrottled}: 429 `TooManyRequestsException`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, readLimited } from './http';
import { MAX_MESSAGE_BYTES } from './policy';
import type { ConnectionIdentity } from './events';
import type { GatewayLog } from './types';

/** An open connection as the management API sees it. */
export interface ManagedConnection {
  /** Epoch ms. */
  readonly connectedAt: number;
  /** Epoch ms of the last data either way. */
  readonly lastActiveAt: number;
  readonly identity: ConnectionIdentity;
  /** Send `data` as one text frame (and count it as activity). */
  send(data: Buffer): void;
  /** Close the connection with 1000 (its `$disconnect` follows). */
  delete(): void;
}

/**
 * API Gateway's answer to a throttled request: 429, `x-amzn-errortype: TooManyRequestsException`,
 * body `{"message":"Too Many Requests"}` (the body API Gateway sends when its throttle
 * refuses a request). The request body is read and dropped, so the keep-alive socket stays usable.
 */
export function answerThrottled(req: IncomingMessage, res: ServerResponse, rawId: string, log: GatewayLog): void {
  req.resume();
  let connectionId = rawId;
  try {
    connectionId = decodeURIComponent(rawId);
  } catch {
    // logged as sent
  }
  log({ service: 'gateway', msg: 'management', method: req.method, connectionId, status: 429 });
  json(res, 429, { message: 'Too Many Requests' }, { 'x-amzn-errortype': 'TooManyRequestsException', 'x-amzn-requestid': randomUUID() });
}

/** Whom the management API serves: the open connection with an id, if any. */
export type FindConnection = (connectionId: string) => ManagedConnection | undefined;

/** An error answer: `status`, `x-amzn-errortype: type`, body `{"message": message}`. */
function answerError(res: ServerResponse, requestId: string, status: number, type: string, message: string): void {
  json(res, status, { message }, { 'x-amzn-errortype': type, 'x-amzn-requestid': requestId });
}

/** The one log line of an answered request. */
function logAnswer(log: GatewayLog, method: string | undefined, connectionId: string, status: number, started: number): void {
  log({ service: 'gateway', msg: 'management', method, connectionId, status, durationMs: Date.now() - started });
}

/**
 * Answer one `@connections` request for `rawId` (the URL-encoded path segment after
 * `@connections/`). Resolves when the response is sent; rejects only when reading the
 * request body fails. Fan-out's hot path (a POST to an open connection) makes no closure and
 * decodes the id only when it has an escape.
 */
export async function handleManagement(req: IncomingMessage, res: ServerResponse, rawId: string, find: FindConnection, log: GatewayLog): Promise<void> {
  const requestId = randomUUID();
  const started = Date.now();
  let connectionId = rawId;
  if (rawId.includes('%')) {
    try {
      connectionId = decodeURIComponent(rawId);
    } catch {
      return answerError(res, requestId, 400, 'BadRequestException', 'Invalid connection id');
    }
  }
  if (connectionId === '' || connectionId.includes('/')) return answerError(res, requestId, 403, 'ForbiddenException', 'Forbidden');
  const live = find(connectionId);
  const method = req.method;
  if (method !== 'POST') req.resume();
  if (!live && (method === 'GET' || method === 'DELETE')) {
    logAnswer(log, method, connectionId, 410, started);
    return answerError(res, requestId, 410, 'GoneException', `Connection ${connectionId} is gone`);
  }
  switch (method) {
    case 'POST': {
      const body = await readLimited(req, MAX_MESSAGE_BYTES);
      if (body === undefined) {
        logAnswer(log, method, connectionId, 413, started);
        return answerError(res, requestId, 413, 'PayloadTooLargeException', `Message too long: the limit is ${MAX_MESSAGE_BYTES} bytes`);
      }
      if (!live) {
        logAnswer(log, method, connectionId, 410, started);
        return answerError(res, requestId, 410, 'GoneException', `Connection ${connectionId} is gone`);
      }
      live.send(body);
      logAnswer(log, method, connectionId, 200, started);
      res.writeHead(200, { 'x-amzn-requestid': requestId, 'content-length': 0 }).end();
      return;
    }
    case 'GET': {
      logAnswer(log, method, connectionId, 200, started);
      return json(
        res,
        200,
        { connectedAt: new Date(live!.connectedAt).toISOString(), lastActiveAt: new Date(live!.lastActiveAt).toISOString(), identity: live!.identity },
        { 'x-amzn-requestid': requestId },
      );
    }
    case 'DELETE': {
      live!.delete();
      logAnswer(log, method, connectionId, 204, started);
      res.writeHead(204, { 'x-amzn-requestid': requestId }).end();
      return;
    }
    default:
      logAnswer(log, method, connectionId, 403, started);
      return answerError(res, requestId, 403, 'ForbiddenException', `${method} is not supported on @connections`);
  }
}
