/**
 * The HTTP API's operator routes (docs/HTTP-API.md "Operator routes"), as functions the HTTP
 * router (handlers/http-api.ts) calls after its authorizer has verified the token — each
 * application/operator.ts's use case on the ports it is given (every one needs the `operator`
 * role, `403` otherwise):
 * - `GET /operator/streams?status=&limit=&cursor=` ({@link getOperatorStreams});
 * - `GET /operator/streams/{streamId}` ({@link getOperatorStream});
 * - `POST /operator/streams/{streamId}/end` ({@link postOperatorEnd});
 * - `POST /operator/streams/{streamId}/restart` ({@link postOperatorRestart}).
 *
 * Every refusal is `{ error: { code, message } }` and changes nothing. AWS failures are
 * thrown: the router answers them `500 internal`.
 */
import {
  endOperatorStream,
  listOperatorStreams,
  restartOperatorStream,
  showOperatorStream,
  type OperatorPorts,
} from '../../application/operator';
import type { HttpIdentity, HttpResult } from '../../core/http-api';

/**
 * A `{streamId}` path parameter as the use cases take it: percent-decoded when it still holds
 * an escape (a stream id never holds `%`; API Gateway may pass the segment decoded or not), as
 * it is otherwise. A malformed escape is left for the use case to refuse (`400`).
 */
export function streamIdParam(raw: string | undefined): string | undefined {
  if (raw === undefined || !raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** `GET /operator/streams` — `query` is the request's `queryStringParameters` (`status`, `limit`, `cursor`). */
export function getOperatorStreams(ports: Pick<OperatorPorts, 'streams' | 'time'>, who: HttpIdentity, query: Record<string, string | undefined>): Promise<HttpResult> {
  return listOperatorStreams(ports, who, { status: query.status, limit: query.limit, cursor: query.cursor });
}

/** `GET /operator/streams/{streamId}` — the row, its execution, its viewers. */
export function getOperatorStream(ports: OperatorPorts, who: HttpIdentity, streamId: string | undefined): Promise<HttpResult> {
  return showOperatorStream(ports, who, streamIdParam(streamId));
}

/** `POST /operator/streams/{streamId}/end` — end it, reason `stopped`. */
export function postOperatorEnd(ports: OperatorPorts, who: HttpIdentity, streamId: string | undefined): Promise<HttpResult> {
  return endOperatorStream(ports, who, streamIdParam(streamId));
}

/** `POST /operator/streams/{streamId}/restart` — restart a failed or stuck stream under a new epoch. */
export function postOperatorRestart(ports: OperatorPorts, who: HttpIdentity, streamId: string | undefined): Promise<HttpResult> {
  return restartOperatorStream(ports, who, streamIdParam(streamId));
}
