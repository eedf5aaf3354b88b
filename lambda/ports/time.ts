/**
 * Wall time for the use cases: `now()` in epoch ms and `sleep(ms)`. Production passes
 * `Date.now` and a timer (adapters/time.ts); tests pass a clock they move themselves.
 */
export interface Time {
  /** Wall-clock epoch milliseconds. */
  now(): number;
  /** Resolve after `ms` milliseconds (at once for ms ≤ 0). */
  sleep(ms: number): Promise<void>;
}
