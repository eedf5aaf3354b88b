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

describe('analyzeRun with a playout buffer', () => {
  // Lead 500 ms: frames due 1000, 1100, 1200 may be sent from 500, 600, 700 on; a batch of all three from 700.
  const buffered = (arrivals: Array<[seq: number, at: number, dueAt?: number]>): ClientReport => ({
    frames: arrivals.map(([seq, at, d]) => (d === undefined ? [seq, T[seq]!, at] : [seq, T[seq]!, at, d])),
    // Consecutive frames with the same arrival came in one message.
    messages: arrivals.reduce<ClientReport['messages']>((ms, [seq, at], i) => {
      const last = ms[ms.length - 1];
      if (i > 0 && last && last[2] === at) last[1]++;
      else ms.push([seq, 1, at, 300, 1]);
      return ms;
    }, []),
    counts: {},
    errors: [],
    endedAt: 2000,
    endedReason: 'finished',
  });

  it('counts the pairs that arrived before dueAt and measures what the viewer shows', () => {
    // Viewer A got all three in one message at 700 (buffered); viewer B at 1150: frame 0 and 1 late, frame 2 in time.
    const a = analyzeRun(
      [buffered([[0, 700, 1000], [1, 700, 1100], [2, 700, 1200]]), buffered([[0, 1150, 1000], [1, 1150, 1100], [2, 1150, 1200]])],
      clock,
      0,
      3,
      { leadMs: 500 },
    );
    expect(a.leadMs).toBe(500);
    expect(a.playout).toMatchObject({ pairs: 6, withDueAt: 6, beforeDueAt: 4 });
    expect(a.playout!.shareBeforeDueAt).toBeCloseTo(4 / 6);
    // Shown at max(arrival, dueAt) − due: A 0, 0, 0; B 150, 50, 0.
    expect(a.playout!.displayLateness).toMatchObject({ count: 6, min: 0, max: 150 });
    expect(a.playout!.displayLateness.mean).toBeCloseTo(200 / 6);
    // Raw lateness stays arrival − due: negative when buffered.
    expect(a.lateness).toMatchObject({ min: -500, max: 150 });
    expect(a.playout!.headroom.max).toBe(500);
    expect(a.playout!.dueAtSkew).toMatchObject({ min: 0, max: 0 });
    // No frame arrived more than the lead before its due time: nothing counts as early.
    expect(a.early).toBe(0);
    expect(a.completeness.complete).toBe(2);
  });

  it('counts as early only frames sent more than the lead ahead', () => {
    const a = analyzeRun([buffered([[0, 400, 1000], [1, 599, 1100], [2, 700, 1200]])], clock, 0, 3, { leadMs: 500 });
    expect(a.early).toBe(1); // frame 0 at 400: 600 ms before due; frame 1 at 599 is within 1 ms of 600
    // A batch sent before its last frame's due time less the lead has its earlier frames early too.
    expect(analyzeRun([buffered([[0, 450, 1000], [1, 450, 1100], [2, 700, 1200]])], clock, 0, 3, { leadMs: 500 }).early).toBe(2);
  });

  it('starts a buffered message’s fan-out at its last frame’s due time minus the lead', () => {
    // One message with all three frames, last due 1200 → goes out at 700; viewers get it at 740 and 760.
    const a = analyzeRun([buffered([[0, 740, 1000], [1, 740, 1100], [2, 740, 1200]]), buffered([[0, 760, 1000], [1, 760, 1100], [2, 760, 1200]])], clock, 0, 3, { leadMs: 500 });
    expect(a.messages).toBe(1);
    expect(a.fanOutMs.max).toBeCloseTo(60);
    expect(a.fanOut.posts).toBe(2);
    expect(a.fanOut.frameDeliveries).toBe(6);
  });

  it('adds the viewer’s clock offset to dueAt', () => {
    // offset = server − viewer = −10: dueAt 1000 (server) is 990 on the viewer's clock.
    const a = analyzeRun([buffered([[0, 995, 1000], [1, 1095, 1100], [2, 1195, 1200]])], clock, 0, 3, { leadMs: 500, clockOffsetMs: -10 });
    expect(a.playout!.beforeDueAt).toBe(0); // each arrived 5 ms after dueAt − 10
    expect(a.playout!.displayLateness).toMatchObject({ min: -5, max: -5 });
  });

  it('without dueAt a frame counts as in time when it arrived by its due time; leadMs 0 has no playout figures', () => {
    const a = analyzeRun([buffered([[0, 990], [1, 1110], [2, 1200]])], clock, 0, 3, { leadMs: 500 });
    expect(a.playout).toMatchObject({ pairs: 3, withDueAt: 0, beforeDueAt: 2 });
    expect(a.playout!.displayLateness).toMatchObject({ min: 0, max: 10 });
    expect(analyzeRun([viewer([[0, 1010], [1, 1110], [2, 1210]])], clock, 0, 3).playout).toBeUndefined();
  });

  it('refuses a negative or non-finite lead and a non-finite offset', () => {
    expect(() => analyzeRun([], clock, 0, 1, { leadMs: -1 })).toThrow(/leadMs/);
    expect(() => analyzeRun([], clock, 0, 1, { leadMs: Number.NaN })).toThrow(/leadMs/);
    expect(() => analyzeRun([], clock, 0, 1, { clockOffsetMs: Number.POSITIVE_INFINITY })).toThrow(/clockOffsetMs/);
  });
});
