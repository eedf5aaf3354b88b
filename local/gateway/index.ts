/**
 * A local API Gateway WebSocket API: one HTTP server (node:http + `ws` in `noServer` mode)
 * that runs the same Lambda handler modules as the deployed API, with API Gateway's events,
 * rules and limits. One module per concern:
 * - local/gateway/handshake.ts — the upgrade checks, the REQUEST authorizer, `$connect`;
 * - local/gateway/policy.ts — the quotas, route selection, the authorizer's IAM policy;
 * - local/gateway/events.ts — the events the handlers get (requestContext);
 * - local/gateway/management.ts — `@connections/{connectionId}` POST/GET/DELETE;
 * - local/gateway/server.ts — the server, connection state and timers, `$disconnect`.
 *
 * What it reproduces (AWS API Gateway developer guide, "WebSocket APIs"):
 *
 * - Connect: upgrade on `/` or `/{stage}` with any query string. The REQUEST authorizer's
 *   identity sources must all be present, else 401 without calling it. The authorizer gets a
 *   REQUEST event and returns an IAM policy: an Allow on the method ARN (wildcards allowed)
 *   lets the connection proceed with `requestContext.authorizer = { ...context, principalId, integrationLatency }`
 *   (context values stringified, as API Gateway does); an explicit Deny or no Allow → 403;
 *   throwing `Error('Unauthorized')` → 401; any other failure → 500. Then the `$connect` route:
 *   a returned `statusCode` >= 400 rejects the handshake with that status, a throw → 502
 *   (a Lambda function error behind API Gateway). A requested `Sec-WebSocket-Protocol` is
 *   accepted only if `$connect` returns it in `headers` (API Gateway's rule). Only then is
 *   the socket accepted; posting to a connection still in `$connect` gets 410.
 * - Messages: text frames only (a binary frame closes with 1003, as API Gateway does),
 *   over `maxMessageBytes` (128 KB) → close 1009. Route selection
 *   `$request.body.action`: a JSON object body whose string `action` names a route key →
 *   that route, otherwise `$default`; no match and no `$default` → the client gets
 *   `{"message":"Forbidden","connectionId","requestId"}`. Messages are dispatched
 *   concurrently (API Gateway does not serialize them). A handler that throws or times out
 *   → `{"message":"Internal server error",…}`; an integration still running after 29 s →
 *   `{"message":"Endpoint request timed out",…}` (the 29 s integration timeout); returned
 *   bodies are ignored (no route responses are configured).
 * - `@connections` management API at `{callbackUrl}/@connections/{connectionId}`:
 *   POST (raw body sent as one text frame; 413 PayloadTooLargeException over 128 KB),
 *   GET (`connectedAt`, `lastActiveAt`, `identity`), DELETE (close 1000, then `$disconnect`;
 *   204). Unknown or closed ids → 410 GoneException. Errors carry `x-amzn-errortype`, which
 *   the SDK's ApiGatewayManagementApiClient maps to exception names. No SigV4 check.
 * - Limits: idle (no data either way) for `idleTimeoutMs` (10 min) or connected for
 *   `maxConnectionMs` (2 h) → close 1001 ("Going away"). `$disconnect` (with
 *   `disconnectStatusCode`, `disconnectReason`) fires exactly once for every connection whose
 *   `$connect` succeeded, whoever closed it.
 * - The AWS model, off by default (`limits.managementLatencyMs`, `limits.managementThrottle`):
 *   every `@connections` request answered after an injected latency (a network round trip
 *   to API Gateway), and the account-level throttle as a token bucket (API Gateway quotas:
 *   10,000 requests/s, burst 5,000, per account and Region) — beyond it 429
 *   `TooManyRequestsException`, `{"message":"Too Many Requests"}`. Virtual connections
 *   (`addVirtualConnections`) exist only for the management API: an audience of thousands
 *   without sockets, for measuring fan-out.
 * Not reproduced: the 32 KB frame limit (messages are limited as a whole), throttling of
 * connects and messages, SigV4 checks, API keys, route responses, custom domain paths.
 *
 * Logs: one structured entry per connect, disconnect and route invocation, through `log`
 * only (silent by default).
 */
export { LocalWebSocketGateway, type LocalWebSocketGatewayOptions, type ManagementStats, type MessageStats, type VirtualDeliveries } from './server';
export type { GatewayAuthorizer, GatewayHttpHandler, GatewayLog, GatewayRoute } from './types';
/** API Gateway's account throttle, the usual `limits.managementThrottle` (contract/defaults.ts). */
export { ACCOUNT_THROTTLE } from '../../contract/defaults';
export { MAX_MESSAGE_BYTES, evaluatePolicy, type GatewayLimits, type ManagementThrottle, type Verdict } from './policy';
export { newId } from './events';
export { readLimited } from './http';
