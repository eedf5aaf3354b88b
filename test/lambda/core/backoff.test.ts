import fc from 'fast-check';
import { fullJitterDelay, sleep } from '../../../lambda/core/backoff';

describe('fullJitterDelay', () => {
  it('stays in [0, min(cap, base·2^attempt))', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const d = fullJitterDelay(attempt, { random: () => r });
        const ceiling = Math.min(1000, 50 * 2 ** Math.max(0, attempt));
        return d >= 0 && d < ceiling && Number.isInteger(d);
      }),
    );
  });

  it('doubles its ceiling per attempt up to the cap (base 50 ms, cap 1 s)', () => {
    const top = (attempt: number) => fullJitterDelay(attempt, { random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 5, 10].map(top)).toEqual([49, 99, 199, 399, 799, 999, 999]);
    expect(fullJitterDelay(3, { random: () => 0 })).toBe(0);
    expect(fullJitterDelay(2, { baseMs: 10, capMs: 25, random: () => 0.999 })).toBe(24);
  });

  it('sleeps', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    await expect(sleep(-5)).resolves.toBeUndefined();
  });
});
