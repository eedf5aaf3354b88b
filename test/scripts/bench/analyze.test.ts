import { analyzeRun } from '../../../scripts/bench/analyze';
import type { ClientReport } from '../../../scripts/bench/viewers';

// Clock: frame t is due at 1000 + (t − 0) / 2. Frames t = 0, 200, 400 → due 1000, 1100, 1200.
const clock = { anchorAt: 1000, positionMs: 0, speed: 2 };
const T = [0, 200, 400];

function viewer(arrivals: Array<[seq: number, at: number]>, ended = true): ClientReport {
  return {
    frames: arrivals.map(([seq, at]) => [seq, T[seq]!, at]),
    messages: arrivals.map(([seq, at]) => [seq, 1, at, 100, 1]),
    counts: {},
    errors: [],
    ...(ended ? { endedAt: 2000, endedReason: 'finished' } : {}),
  };
}

describe('analyzeRun', () => {
  it('measures lateness against the stream clock and counts complete viewers', () => {
    const a = analyzeRun([viewer([[0, 1010], [1, 1110], [2, 1210]]), viewer([[0, 1030], [1, 1130], [2, 1230]])], clock, 0, 3);
    expect(a.lateness).toMatchObject({ count: 6, min: 10, max: 30 });
    expect(a.firstArrivalLateness).toMatchObject({ p50: 10, max: 10 });
    expect(a.completeness).toEqual({ complete: 2, ended: 2, missing: 0, duplicates: 0, outOfOrder: 0 });
    expect(a.early).toBe(0);
    expect(a.messages).toBe(3);
    expect(a.frameGapMs).toMatchObject({ count: 2, min: 100, max: 100 }); // 200 media ms at 2×
    // Each message: 1000+ → last arrival 30 ms after due; 6 posts in 90 ms of fan-out.
    expect(a.fanOut.posts).toBe(6);
    expect(a.fanOut.seconds).toBeCloseTo(0.09);
    expect(a.fanOut.postsPerSecond).toBeCloseTo(6 / 0.09);
  });

  it('counts missing, duplicate, out-of-order and early frames; such a viewer is not complete', () => {
    const a = analyzeRun(
      [viewer([[0, 990], [2, 1210], [1, 1220], [1, 1230]], false), viewer([[0, 1000]])],
      clock,
      0,
      3,
    );
    expect(a.completeness).toEqual({ complete: 0, ended: 1, missing: 2, duplicates: 1, outOfOrder: 2 });
    expect(a.early).toBe(1); // 10 ms before due; 1 ms is allowed for timer rounding
  });

  it('does not count a backlog as fan-out time: a fan-out starts when the previous one ended', () => {
    // Message 0 due 1000 ends at 1150, past message 1's due time (1100); message 1 ends at 1180.
    const a = analyzeRun([viewer([[0, 1150], [1, 1180]])], clock, 0, 2);
    expect(a.fanOutMs.max).toBe(150);
    expect(a.fanOut.seconds).toBeCloseTo(0.18); // 150 + 30, not 150 + 80
    expect(a.lateness.max).toBe(150);
  });

  it('refuses a clock without a positive speed', () => {
    expect(() => analyzeRun([], { ...clock, speed: 0 }, 0, 1)).toThrow(/speed/);
  });
});
