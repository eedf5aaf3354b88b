/**
 * Reconnect policy of the browser client: exponential backoff with jitter, and the heartbeat
 * interval. Pure (no timers, no DOM): the connection module asks it for delays.
 */

/** Send `{action:'ping'}` this often (ms): API Gateway drops a WebSocket idle for 10 min. */
export const HEARTBEAT_MS = 5 * 60 * 1000;

/** Reconnect backoff parameters, in milliseconds. */
export interface ReconnectPolicy {
  /** Upper bound of the first retry's delay (ms). Default 500. */
  readonly baseMs?: number;
  /** Largest delay any retry waits (ms). Default 30 000. */
  readonly capMs?: number;
  /** Uniform numbers in [0, 1); injectable for tests. Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * Delay (ms) before reconnect attempt `attempt` (0 = first retry after a drop): "equal
 * jitter" — half of `min(capMs, baseMs · 2^attempt)` fixed plus a uniformly random other half.
 * The fixed half makes delays grow (a dead server is not hammered); the random half spreads
 * the many browsers a server restart disconnects at once (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"). Never negative, never above `capMs`.
 */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy = {}): number {
  const base = Math.max(1, policy.baseMs ?? 500);
  const cap = Math.max(base, policy.capMs ?? 30_000);
  const random = policy.random ?? Math.random;
  const n = Math.max(0, Math.min(30, Math.floor(Number.isFinite(attempt) ? attempt : 0)));
  const ceiling = Math.min(cap, base * 2 ** n);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(cap, Math.floor(ceiling / 2 + r * (ceiling / 2)));
}
