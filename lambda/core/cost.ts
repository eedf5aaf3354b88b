/**
 * When the tick should sleep inside the Lambda and when it should hand a gap to the
 * Step Functions `Wait` state — derived from the price table, not guessed (docs/ARCHITECTURE.md
 * "Cost rule").
 *
 * Prices: AWS public pricing, us-east-1, as of 2026 (Step Functions Standard: $0.025 per
 * 1,000 state transitions; Lambda: $0.20 per 1M requests, $0.0000166667 per GB-second on
 * x86_64 and $0.0000133334 on arm64). Update them here and every figure follows.
 */

export const PRICES = {
  /** USD per Standard workflow state transition. */
  stateTransition: 0.000025,
  /** USD per Lambda request. */
  lambdaRequest: 0.0000002,
  /** USD per GB-second of Lambda duration. */
  lambdaGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
} as const;

/**
 * State transitions one trip through the wait loop adds: entering `Wait`, `Tick` and `Next?`
 * (Step Functions bills every state entered).
 */
export const TRANSITIONS_PER_WAIT_LOOP = 3;

/**
 * The gap (ms) above which handing it to `Wait` is cheaper than sleeping through it in a
 * Lambda of `memoryMb`: a loop costs 3 transitions and one extra Lambda request; sleeping
 * costs the Lambda's GB-seconds. 512 MB on arm64 gives ≈ 11.3 s; 128 MB gives ≈ 45 s.
 * Throws on a non-positive memory size.
 */
export function sleepThresholdMs(memoryMb: number, arch: 'arm64' | 'x86_64' = 'arm64'): number {
  if (!(memoryMb > 0)) throw new Error(`memoryMb must be positive, got ${memoryMb}`);
  const loopCost = TRANSITIONS_PER_WAIT_LOOP * PRICES.stateTransition + PRICES.lambdaRequest;
  const sleepCostPerSecond = (memoryMb / 1024) * PRICES.lambdaGbSecond[arch];
  return Math.round((loopCost / sleepCostPerSecond) * 1000);
}
