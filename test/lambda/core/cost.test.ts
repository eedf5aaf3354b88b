import { PRICES, sleepThresholdMs, TRANSITIONS_PER_WAIT_LOOP } from '../../../lambda/core/cost';

describe('sleep-or-wait threshold from the price table', () => {
  it('equals the GB-seconds that cost as much as one wait loop', () => {
    const ms = sleepThresholdMs(512, 'arm64');
    const loop = TRANSITIONS_PER_WAIT_LOOP * PRICES.stateTransition + PRICES.lambdaRequest;
    const sleep = (ms / 1000) * 0.5 * PRICES.lambdaGbSecond.arm64;
    expect(sleep).toBeCloseTo(loop, 8);
    expect(ms).toBeGreaterThan(11_000);
    expect(ms).toBeLessThan(11_500);
  });

  it('is longer for smaller and cheaper functions', () => {
    expect(sleepThresholdMs(128)).toBeGreaterThan(sleepThresholdMs(512));
    expect(sleepThresholdMs(512, 'arm64')).toBeGreaterThan(sleepThresholdMs(512, 'x86_64'));
  });

  it('refuses a non-positive memory size', () => {
    expect(() => sleepThresholdMs(0)).toThrow(/memoryMb/);
  });
});
