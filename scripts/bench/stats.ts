/**
 * Small, pure statistics for the benchmark: nearest-rank percentiles and a summary.
 */

/** p50/p95/p99/max (and min, mean, count) of a sample, in the sample's unit. */
export interface Summary {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The nearest-rank `p`-th percentile (0 < p ≤ 100) of an ascending-sorted array: the
 * smallest value with at least p % of the sample at or below it. NaN for an empty array.
 * Throws on p outside (0, 100].
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** {@link Summary} of `values` (any order; not modified). All NaN (count 0) for an empty sample. */
export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { count: 0, min: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  let sum = 0;
  for (const v of s) sum += v;
  return { count: n, min: s[0]!, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[n - 1]!, mean: sum / n };
}

/** Round to `digits` decimals (for printing and JSON); NaN stays NaN. */
export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
