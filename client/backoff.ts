/**
 * Reconnect policy of both clients (the web client, `npm run watch`): how long to wait before
 * reconnecting after a dropped WebSocket, and how often to ping. Pure (no timers): the
 * connection code asks it for delays.
 */

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
 */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy = {}): number {
  const base = Math.max(1, policy.baseMs ?? RECONNECT_BASE_MS);
  const cap = Math.max(base, policy.capMs ?? RECONNECT_CAP_MS);
  const random = policy.random ?? Math.random;
  // 2^30 · base is far past any cap; Infinity counts as that too.
  const n = Math.max(0, Math.min(30, Math.floor(Number.isNaN(attempt) ? 0 : attempt)));
  const ceiling = Math.min(cap, base * 2 ** n);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(Math.max(0, ceiling - 1), Math.floor(r * ceiling));
}
