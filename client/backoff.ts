/**
 * Retry delays, one implementation: "full jitter" exponential backoff (AWS Architecture Blog,
 * "Exponential Backoff And Jitter") — the n-th retry waits a uniformly random time in
 * `[0, min(capMs, baseMs · 2^n))`. Spreading retries at random keeps many senders that failed
 * together (a fan-out of one frame to every viewer throttled at once; every client a server
 * restart disconnected) from retrying together.
 *
 * Two policies use it: {@link fullJitterDelay} with its defaults (base 50 ms, cap 1 s: the
 * fan-out's `@connections` retries, docs/ARCHITECTURE.md "Fan-out", and the publisher CLI with
 * its own base and cap), and {@link reconnectDelay} (base 500 ms, cap 10 s: both clients — the
 * web client, `npm run watch` — reconnecting after a dropped WebSocket), beside the clients'
 * ping interval. Pure (no timers): callers ask for delays and wait themselves.
 */

/** Backoff parameters, in milliseconds. Defaults: docs/ARCHITECTURE.md "Fan-out" (base 50 ms, cap 1 s). */
export interface BackoffOptions {
  /** Upper bound of the first retry's delay (ms). Default 50. */
  readonly baseMs?: number;
  /** Largest upper bound any retry's delay may have (ms). Default 1000. */
  readonly capMs?: number;
  /** A source of uniform numbers in [0, 1); injectable for tests. Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * The delay (ms) before retry number `attempt` (0 = the first retry): a random integer in
 * `[0, min(capMs, baseMs · 2^attempt))` — never negative, always below that ceiling (0 when
 * the ceiling is 0 or less). A negative, fractional or NaN `attempt` counts as the floor of
 * it, at least 0; a `random()` outside [0, 1] is clamped into it.
 */
export function fullJitterDelay(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? 50;
  const cap = opts.capMs ?? 1000;
  const random = opts.random ?? Math.random;
  // 2^30 · base is far past any cap; Infinity counts as that too.
  const n = Math.max(0, Math.min(30, Math.floor(Number.isNaN(attempt) ? 0 : attempt)));
  const ceiling = Math.min(cap, base * 2 ** n);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.max(0, Math.min(Math.ceil(ceiling) - 1, Math.floor(r * ceiling)));
}

/**
 * Send `{action:'ping'}` this often (ms). API Gateway closes a WebSocket connection idle for
 * 10 minutes (API Gateway quotas: "Idle Connection Timeout for WebSocket APIs"), so a client
 * pings at half that. The web client also treats a ping left unanswered (not even a frame
 * since) until the next one as a dead link.
 */
export const HEARTBEAT_MS = 5 * 60 * 1000;

/** Reconnect backoff parameters, in milliseconds. */
export interface ReconnectPolicy {
  /** Upper bound of the first retry's delay (ms). Default {@link RECONNECT_BASE_MS}. */
  readonly baseMs?: number;
  /** Largest delay any retry waits (ms). Default {@link RECONNECT_CAP_MS}. */
  readonly capMs?: number;
  /** Uniform numbers in [0, 1); injectable for tests. Default `Math.random`. */
  readonly random?: () => number;
}

/** Default upper bound of the first reconnect delay (ms). */
export const RECONNECT_BASE_MS = 500;
/** Default cap of every reconnect delay (ms): a client is never more than 10 s from retrying. */
export const RECONNECT_CAP_MS = 10_000;

/**
 * Delay (ms) before reconnect attempt `attempt` (0 = the first retry after a drop): "full
 * jitter" — a uniformly random time in `[0, min(capMs, baseMs · 2^attempt))` (AWS
 * Architecture Blog, "Exponential Backoff And Jitter"). The growing ceiling keeps a dead
 * server from being hammered; the randomness spreads the many clients that one server restart
 * disconnects at once. An integer, never negative, always below `capMs` (at least 1 ms range);
 * a negative, fractional or NaN `attempt` counts as the floor of it, at least 0.
 * It is {@link fullJitterDelay} with a base of at least 1 ms and a cap of at least the base.
 */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy = {}): number {
  const baseMs = Math.max(1, policy.baseMs ?? RECONNECT_BASE_MS);
  const capMs = Math.max(baseMs, policy.capMs ?? RECONNECT_CAP_MS);
  return fullJitterDelay(attempt, { baseMs, capMs, random: policy.random });
}
