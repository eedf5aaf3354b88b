/**
 * The `$connect` handshake of the local gateway, in API Gateway's order (AWS API Gateway
 * developer guide, "WebSocket APIs": "Control access", "$connect route"):
 * 1. the upgrade request itself: `GET` on `/` or `/{stage}` with a valid `Sec-WebSocket-Key`
 *    and version 8 or 13, else 403 (other paths) or 400;
 * 2. the REQUEST authorizer: every identity source present, else 401 without calling it;
 *    then its IAM policy — Allow → the connection's `requestContext.authorizer`, Deny or no
 *    Allow → 403, `Error('Unauthorized')` thrown → 401, any other failure or an invalid
 *    result → 500;
 * 3. the `$connect` route: a returned `statusCode` >= 400 refuses with that status (no body),
 *    a throw → 502 (a Lambda function error behind API Gateway). A requested
 *    `Sec-WebSocket-Protocol` is accepted only if `$connect` returns it in `headers`.
 * A refusal is an HTTP response with API Gateway's JSON `{"message"}` body. Accepting the
 * socket is the server's (local/gateway/server.ts).
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { invoke } from '../lambda-runtime';
import { evaluatePolicy, identityPresent } from './policy';
import type { RequestParts } from './events';
import type { GatewayAuthorizer, GatewayRoute } from './types';

/** A refused handshake: the HTTP status, the JSON body (none for a `$connect` refusal), what to log. */
export interface Refusal {
  readonly status: number;
  readonly body: { message: string } | undefined;
  readonly log: Record<string, unknown>;
}

/**
 * Check the upgrade request before anything runs: `undefined` when it may proceed, else the
 * refusal (403 for a path other than `/`, `/{stage}`, `/{stage}/`; 400 for a malformed
 * WebSocket upgrade: not GET, no `Upgrade: websocket`, a bad `Sec-WebSocket-Key`, a version
 * other than 8 or 13 — RFC 6455 section 4.2.1).
 */
export function checkUpgrade(req: IncomingMessage, url: URL, stageName: string): Refusal | undefined {
  if (url.pathname !== '/' && url.pathname !== `/${stageName}` && url.pathname !== `/${stageName}/`) {
    return { status: 403, body: { message: 'Forbidden' }, log: { reason: 'path' } };
  }
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  if (
    req.method !== 'GET' ||
    String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket' ||
    typeof key !== 'string' ||
    !/^[+/0-9A-Za-z]{22}==$/.test(key) ||
    (version !== '8' && version !== '13')
  ) {
    return { status: 400, body: { message: 'Bad Request' }, log: { reason: 'bad upgrade request' } };
  }
  return undefined;
}

/** The subprotocols the client offered in `Sec-WebSocket-Protocol`, in order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Run the REQUEST authorizer for a `$connect` (step 2 above). Resolves with the connection's
 * `requestContext.authorizer` (the policy's context as strings, `principalId`, and
 * `integrationLatency` in ms) or with the refusal. Never rejects.
 */
export async function runAuthorizer(
  auth: GatewayAuthorizer,
  event: { methodArn: string },
  parts: RequestParts,
): Promise<{ authorizer: Record<string, unknown> } | { refusal: Refusal }> {
  if (!auth.identitySource.every((s) => identityPresent(s, parts.headers, parts.query.single))) {
    return { refusal: { status: 401, body: { message: 'Unauthorized' }, log: { reason: 'identity source missing' } } };
  }
  const started = Date.now();
  let result: unknown;
  try {
    result = await invoke(auth.handler, event, { functionName: auth.functionName, timeoutMs: auth.timeoutMs ?? 3000, memoryMb: auth.memoryMb });
  } catch (e) {
    const unauthorized = e instanceof Error && e.message === 'Unauthorized';
    return {
      refusal: {
        status: unauthorized ? 401 : 500,
        body: { message: unauthorized ? 'Unauthorized' : 'Internal server error' },
        log: { reason: unauthorized ? 'unauthorized' : 'authorizer error', ...(unauthorized ? {} : { error: (e as Error)?.message }) },
      },
    };
  }
  const verdict = evaluatePolicy(result, event.methodArn);
  if (verdict.kind === 'invalid') {
    return { refusal: { status: 500, body: { message: 'Internal server error' }, log: { reason: 'invalid authorizer response', error: verdict.reason } } };
  }
  if (verdict.kind === 'deny') return { refusal: { status: 403, body: { message: 'Forbidden' }, log: { reason: 'denied by policy' } } };
  return { authorizer: { ...verdict.context, principalId: verdict.principalId, integrationLatency: Date.now() - started } };
}

/**
 * Run the `$connect` route (step 3 above). Resolves with the subprotocol to accept (`false`:
 * none) or with the refusal. Never rejects.
 */
export async function runConnectRoute(route: GatewayRoute, event: unknown, offered: readonly string[]): Promise<{ protocol: string | false } | { refusal: Refusal }> {
  let result: unknown;
  try {
    result = await invoke(route.handler, event, route);
  } catch (e) {
    return { refusal: { status: 502, body: { message: 'Internal server error' }, log: { reason: '$connect failed', functionName: route.functionName, error: (e as Error)?.message } } };
  }
  const r = (result ?? {}) as { statusCode?: unknown; headers?: Record<string, unknown> };
  const status = typeof r.statusCode === 'number' ? r.statusCode : 200;
  if (status >= 400) return { refusal: { status, body: undefined, log: { reason: '$connect refused', functionName: route.functionName } } };
  const returned = Object.entries(r.headers ?? {}).find(([k]) => k.toLowerCase() === 'sec-websocket-protocol')?.[1];
  return { protocol: typeof returned === 'string' && offered.includes(returned) ? returned : false };
}

/** Refuse a WebSocket handshake with an HTTP status and API Gateway's JSON `{"message"}` body (or none). */
export function rejectHandshake(socket: Duplex, status: number, body: object | undefined): void {
  if (socket.destroyed) return;
  const text = body ? JSON.stringify(body) : '';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Connection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
      `x-amzn-RequestId: ${randomUUID()}\r\n\r\n${text}`,
  );
}
