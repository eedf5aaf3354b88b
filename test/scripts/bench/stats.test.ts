import { percentile, round, summarize } from '../../../scripts/bench/stats';

describe('percentile (nearest rank)', () => {
  const s = Array.from({ length: 100 }, (_, i) => i + 1); // 1…100
  it('picks the smallest value with p % of the sample at or below it', () => {
    expect(percentile(s, 50)).toBe(50);
    expect(percentile(s, 95)).toBe(95);
    expect(percentile(s, 99)).toBe(99);
    expect(percentile(s, 100)).toBe(100);
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
  });
  it('is NaN for an empty sample and refuses p outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(s, 0)).toThrow(/\(0, 100\]/);
    expect(() => percentile(s, 101)).toThrow();
  });
});

describe('summarize', () => {
  it('does not depend on order and does not modify its input', () => {
    const v = [5, 1, 4, 2, 3];
    expect(summarize(v)).toEqual({ count: 5, min: 1, p50: 3, p95: 5, p99: 5, max: 5, mean: 3 });
    expect(v).toEqual([5, 1, 4, 2, 3]);
  });
  it('is all NaN with count 0 for no values', () => {
    const e = summarize([]);
    expect(e.count).toBe(0);
    expect(e.p50).toBeNaN();
  });
  it('rounds', () => expect(round(1.2345, 2)).toBe(1.23));
});
