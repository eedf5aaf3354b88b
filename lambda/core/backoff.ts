/**
 * Retry delays: "full jitter" exponential backoff (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"): the n-th retry waits a uniformly random time in
 * `[0, min(capMs, baseMs · 2^n))`. Spreading retries at random keeps many senders that were
 * throttled together (a fan-out of one frame to every viewer) from retrying together.
 */

/** Backoff parameters, in milliseconds. Defaults: docs/ARCHITECTURE.md "Fan-out" (base 50 ms, cap 1 s). */
export interface BackoffOptions {
  /** Upper bound of the first retry's delay (ms). Default 50. */
  baseMs?: number;
  /** Largest upper bound any retry's delay may have (ms). Default 1000. */
  capMs?: number;
  /** A source of uniform numbers in [0, 1); injectable for tests. Default `Math.random`. */
  random?: () => number;
}

/**
 * The delay (ms) before retry number `attempt` (0 = the first retry): a random value in
 * `[0, min(capMs, baseMs · 2^attempt))`. Never negative; `attempt` below 0 counts as 0.
 */
export function fullJitterDelay(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? 50;
  const cap = opts.capMs ?? 1000;
  const random = opts.random ?? Math.random;
  const n = Math.max(0, Math.min(30, Math.floor(attempt))); // 2^30 · base is far past any cap
  const ceiling = Math.min(cap, base * 2 ** n);
  return Math.max(0, Math.floor(random() * ceiling));
}

/** Resolve after `ms` milliseconds (0 or less resolves on the next macrotask). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
