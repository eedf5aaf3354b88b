/**
 * The sleep/wait threshold of the tick (lambda/core/cost.ts `sleepThresholdMs`): the gap
 * above which handing it to the Step Functions `Wait` state is cheaper than sleeping in the
 * Lambda. Computed from the price table, not measured.
 */
import { PRICES, sleepThresholdMs, TRANSITIONS_PER_WAIT_LOOP } from '../../lambda/engine';

/** Lambda memory sizes the benchmark prints, MB. */
export const THRESHOLD_MEMORY_MB = [128, 256, 512, 1024] as const;

/** One row: the threshold for a memory size on both architectures, ms. */
export interface ThresholdRow {
  memoryMb: number;
  arm64Ms: number;
  x86_64Ms: number;
}

/** The threshold for every size in {@link THRESHOLD_MEMORY_MB} (ms), plus the inputs it came from (USD). */
export function thresholdTable(): { rows: ThresholdRow[]; loopCostUsd: number; prices: typeof PRICES } {
  return {
    rows: THRESHOLD_MEMORY_MB.map((memoryMb) => ({
      memoryMb,
      arm64Ms: sleepThresholdMs(memoryMb, 'arm64'),
      x86_64Ms: sleepThresholdMs(memoryMb, 'x86_64'),
    })),
    loopCostUsd: TRANSITIONS_PER_WAIT_LOOP * PRICES.stateTransition + PRICES.lambdaRequest,
    prices: PRICES,
  };
}
