/**
 * Shapes of the HTTP API (docs/HTTP-API.md): what a route answers and who calls it.
 */
import type { ErrorCode } from '../../protocol/messages';

/** The HTTP API's routes, as API Gateway route keys (lib/http-api.ts declares exactly these). */
export const HTTP_ROUTE_KEYS = [
  'PUT /games/{gameId}',
  'POST /games/{gameId}/events',
  'POST /games/{gameId}/finish',
  'POST /streams',
  'GET /streams',
  'GET /operator/streams',
  'GET /operator/streams/{streamId}',
  'POST /operator/streams/{streamId}/end',
  'POST /operator/streams/{streamId}/restart',
] as const;
export type HttpRouteKey = (typeof HTTP_ROUTE_KEYS)[number];

/** What a route function answers: the HTTP status and the JSON body. */
export interface HttpResult {
  status: number;
  body: unknown;
}

/** The caller as the HTTP API's authorizer verified it (contract/token.ts `TokenIdentity`). */
export interface HttpIdentity {
  userId: string;
  /** Roles the token grants: `publisher`, `operator`. */
  roles: string[];
}

/** A refusal: `status` with `{ error: { code, message } }` (codes of PROTOCOL.md). */
export function httpError(status: number, code: ErrorCode, message: string): HttpResult {
  return { status, body: { error: { code, message } } };
}
