/**
 * API Gateway's rules for a WebSocket API, as pure functions (AWS API Gateway developer guide,
 * "WebSocket APIs"; the limits are the API Gateway quotas for WebSocket APIs):
 * - the quotas: 128 KB per message, 10 min idle, 2 h per connection, 29 s integration timeout;
 * - the AWS model of the `@connections` API, off by default: a latency per request and the
 *   account-level throttle as a token bucket ({@link takeToken});
 * - route selection on `$request.body.action`;
 * - the REQUEST authorizer: which identity sources must be present, how its IAM policy is read;
 * - what a client is told when an integration fails, and the close reasons of close codes.
 * No I/O here: the server (local/gateway/server.ts) applies these.
 */
import type { GatewayRoute } from './types';

/** API Gateway quotas; tests shorten them. */
export interface GatewayLimits {
  /** Largest inbound message, bytes. @default 131072 (128 KB, API Gateway quota) */
  readonly maxMessageBytes?: number;
  /** Idle connection timeout, ms. @default 600000 (10 min, API Gateway quota) */
  readonly idleTimeoutMs?: number;
  /** Maximum connection duration, ms. @default 7200000 (2 h, API Gateway quota) */
  readonly maxConnectionMs?: number;
  /** Integration timeout, ms. @default 29000 (API Gateway quota) */
  readonly integrationTimeoutMs?: number;
  /**
   * Latency added to every `@connections` request, ms: the request is answered (and a POST
   * delivered) this long after it arrived, as a network round trip to API Gateway would
   * take. @default 0 (off)
   */
  readonly managementLatencyMs?: number;
  /**
   * The account-level throttle applied to `@connections` requests (API Gateway quotas:
   * 10,000 requests/s with a burst of 5,000 per account and Region, shared by every API and
   * by `@connections` calls). A request that finds the bucket empty is answered 429
   * `TooManyRequestsException` (after `managementLatencyMs`). @default undefined (off)
   */
  readonly managementThrottle?: ManagementThrottle;
}

/** A token bucket: `ratePerSecond` tokens a second refill it up to `burst`; a request takes one. */
export interface ManagementThrottle {
  /** Steady rate, requests/s (> 0). API Gateway's account default: 10,000. */
  readonly ratePerSecond: number;
  /** Bucket size, requests (≥ 1): what may pass at once after a quiet moment. API Gateway's default: 5,000. */
  readonly burst: number;
}

/** {@link GatewayLimits} with every default filled in; `managementThrottle` stays undefined when off. */
export type ResolvedGatewayLimits = Required<Omit<GatewayLimits, 'managementThrottle'>> & { readonly managementThrottle: ManagementThrottle | undefined };

/** API Gateway's payload limit for one message and for PostToConnection data, bytes (128 KB). */
export const MAX_MESSAGE_BYTES = 128 * 1024;

/** How long a closing socket may take to answer our close frame before it is dropped, ms. */
export const CLOSE_GRACE_MS = 1000;

/**
 * `limits` with every quota filled in from API Gateway's defaults (see {@link GatewayLimits});
 * the AWS model (latency, throttle) stays off unless given. Throws for a negative latency or
 * a throttle whose rate is not positive or whose burst is below 1.
 */
export function resolveLimits(limits: GatewayLimits = {}): ResolvedGatewayLimits {
  const latency = limits.managementLatencyMs ?? 0;
  if (!(latency >= 0)) throw new Error(`managementLatencyMs must be 0 or more, got ${latency}`);
  const t = limits.managementThrottle;
  if (t && (!(t.ratePerSecond > 0) || !(t.burst >= 1))) throw new Error(`managementThrottle needs ratePerSecond > 0 and burst >= 1, got ${JSON.stringify(t)}`);
  return {
    maxMessageBytes: limits.maxMessageBytes ?? MAX_MESSAGE_BYTES,
    idleTimeoutMs: limits.idleTimeoutMs ?? 10 * 60_000,
    maxConnectionMs: limits.maxConnectionMs ?? 2 * 3_600_000,
    integrationTimeoutMs: limits.integrationTimeoutMs ?? 29_000,
    managementLatencyMs: latency,
    managementThrottle: t ? { ratePerSecond: t.ratePerSecond, burst: t.burst } : undefined,
  };
}

/** A token bucket's state: tokens left (fractional) as of `atMs` (epoch ms). */
export interface TokenBucketState {
  readonly tokens: number;
  readonly atMs: number;
}

/** A full bucket at `nowMs` (epoch ms): a throttle starts with its whole burst. */
export function fullBucket(throttle: ManagementThrottle, nowMs: number): TokenBucketState {
  return { tokens: throttle.burst, atMs: nowMs };
}

/**
 * One request against the bucket at `nowMs` (epoch ms): refill `ratePerSecond × elapsed s`
 * up to `burst`, then take one token if there is a whole one. Returns whether the request
 * passes and the new state; a clock that went back refills nothing.
 */
export function takeToken(state: TokenBucketState, nowMs: number, throttle: ManagementThrottle): { allowed: boolean; state: TokenBucketState } {
  const elapsedMs = Math.max(0, nowMs - state.atMs);
  const tokens = Math.min(throttle.burst, state.tokens + (elapsedMs * throttle.ratePerSecond) / 1000);
  const atMs = Math.max(nowMs, state.atMs);
  if (tokens >= 1) return { allowed: true, state: { tokens: tokens - 1, atMs } };
  return { allowed: false, state: { tokens, atMs } };
}

/**
 * Route selection with `$request.body.action`: a JSON object body whose string `action` is one
 * of `routes`' own keys (not `$connect`/`$disconnect`) selects that route; anything else
 * (non-JSON, arrays, a missing or unknown action, `toString`, `__proto__` …) selects
 * `$default`. Returns `undefined` when that is needed and there is no `$default` (the client
 * then gets `Forbidden`).
 */
export function selectRoute(body: string, routes: Readonly<Record<string, GatewayRoute>>): string | undefined {
  let action: unknown;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) action = (parsed as { action?: unknown }).action;
  } catch {
    action = undefined;
  }
  // Own keys only: `toString`, `constructor`, `__proto__` … are not routes (they fall to `$default`).
  if (typeof action === 'string' && action !== '$connect' && action !== '$disconnect' && Object.hasOwn(routes, action)) return action;
  return routes.$default ? '$default' : undefined;
}

/**
 * Whether an authorizer identity source (`route.request.querystring.X`,
 * `route.request.header.X` — case-insensitive —, `stageVariables.X`, `context.X`; the
 * `method.` prefix is read as `route.`) is present and non-empty. Header names in `headers`
 * are as the client sent them. Stage variables are never set locally; context variables are
 * always present.
 */
export function identityPresent(source: string, headers: Record<string, string>, query: Record<string, string>): boolean {
  const s = source.replace(/^method\./, 'route.');
  if (s.startsWith('route.request.querystring.')) return (query[s.slice('route.request.querystring.'.length)] ?? '') !== '';
  if (s.startsWith('route.request.header.')) {
    const name = s.slice('route.request.header.'.length).toLowerCase();
    return Object.entries(headers).some(([k, v]) => k.toLowerCase() === name && v !== '');
  }
  if (s.startsWith('stageVariables.')) return false;
  return true; // context.* variables are always present
}

/** What {@link evaluatePolicy} makes of an authorizer's result. */
export type Verdict = { kind: 'allow'; principalId: string; context: Record<string, string> } | { kind: 'deny' } | { kind: 'invalid'; reason: string };

/**
 * Evaluate a REQUEST authorizer's result (`{ principalId, policyDocument, context }`) against
 * `methodArn`, as API Gateway does: an explicit Deny wins, else an Allow on a matching
 * Resource (`*`/`?` wildcards) with action `execute-api:Invoke` (or `execute-api:*`, `*`)
 * allows; no matching Allow denies. Context values must be string/number/boolean (null and
 * undefined are dropped) and reach the integration as strings. A result without a
 * `policyDocument`, or with another context, is `invalid` (API Gateway answers 500).
 */
export function evaluatePolicy(result: unknown, methodArn: string): Verdict {
  const r = result as { principalId?: unknown; policyDocument?: { Statement?: unknown }; context?: unknown } | null;
  if (!r || typeof r !== 'object' || !r.policyDocument || typeof r.policyDocument !== 'object') return { kind: 'invalid', reason: 'no policyDocument' };
  const statements = Array.isArray(r.policyDocument.Statement) ? r.policyDocument.Statement : [r.policyDocument.Statement];
  const context: Record<string, string> = {};
  if (r.context !== undefined && r.context !== null) {
    if (typeof r.context !== 'object' || Array.isArray(r.context)) return { kind: 'invalid', reason: 'context must be an object' };
    for (const [k, v] of Object.entries(r.context as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return { kind: 'invalid', reason: `context.${k} must be a string, number or boolean` };
      context[k] = String(v);
    }
  }
  let allowed = false;
  for (const st of statements as Array<{ Effect?: unknown; Action?: unknown; Resource?: unknown } | undefined>) {
    if (!st || typeof st !== 'object') continue;
    const actions = ([] as unknown[]).concat(st.Action ?? []);
    const resources = ([] as unknown[]).concat(st.Resource ?? []);
    const actionMatch = actions.some((a) => typeof a === 'string' && (a === '*' || /^execute-api:(Invoke|\*)$/i.test(a)));
    const resourceMatch = resources.some((res) => typeof res === 'string' && wildcard(res).test(methodArn));
    if (!actionMatch || !resourceMatch) continue;
    if (st.Effect === 'Deny') return { kind: 'deny' };
    if (st.Effect === 'Allow') allowed = true;
  }
  if (!allowed) return { kind: 'deny' };
  return { kind: 'allow', principalId: typeof r.principalId === 'string' ? r.principalId : String(r.principalId ?? ''), context };
}

/** An IAM Resource pattern as a RegExp: `*` any run of characters, `?` any one. */
function wildcard(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

/**
 * The `message` API Gateway sends a client whose message's integration did not return:
 * 504 (the integration timeout passed) → `Endpoint request timed out`, anything else (the
 * function threw or timed out) → `Internal server error`. Never the error's details.
 */
export function integrationErrorMessage(status: number): string {
  return status === 504 ? 'Endpoint request timed out' : 'Internal server error';
}

/** The `disconnectReason` for a close code when the closer gave none (RFC 6455 section 7.4.1 names). */
export function defaultCloseReason(code: number): string {
  switch (code) {
    case 1000:
      return 'Normal closure';
    case 1001:
      return 'Going away';
    case 1005:
      return 'Client-side close frame status not set';
    case 1006:
      return 'Connection closed abnormally';
    case 1009:
      return 'Message too big';
    default:
      return '';
  }
}
