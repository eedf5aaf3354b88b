/**
 * The soak switch of the iteration-bound suites (test/security: churn, fuzz, fuzz-social).
 *
 * By default they run a bounded, representative count — every distinct case (script, lane,
 * generator) still runs, from a fixed seed that a failure prints — so `npm test` stays short.
 * `MATCHCAST_SOAK=1` runs the long version (the counts of a soak: 1,000 churning connections,
 * over 10,000 hostile messages), e.g. `MATCHCAST_SOAK=1 npx jest test/security`.
 */

/** Whether `MATCHCAST_SOAK` asks for the long runs (`1` or `true`). */
export const SOAK = /^(1|true)$/i.test(process.env.MATCHCAST_SOAK ?? '');

/** `long` under `MATCHCAST_SOAK=1`, `short` otherwise (a count: connections, batches, messages). */
export function soak(short: number, long: number): number {
  return SOAK ? long : short;
}
