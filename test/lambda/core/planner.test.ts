import fc from 'fast-check';
import { dueAt } from '../../../lambda/core/clock';
import { decideGap, nextBatch, tickOutput, type PlannerConfig } from '../../../lambda/core/planner';
import type { WireFrame } from '../../../protocol/messages';
import { MAX_ITERATIONS_PER_EXECUTION } from '../../../lambda/core/workflow';

const frame = (seq: number, t: number): WireFrame => ({ seq, t, type: 'point', data: {} });
const cfg: PlannerConfig = { batchQuantumMs: 25, waitThresholdMs: 11_000, wakeLeadMs: 1_500, deadlineMarginMs: 5_000 };
const clock = { anchorAt: 10_000, positionMs: 0, speed: 1 };

describe('nextBatch', () => {
  it('sends frames due at the same instant together, at that instant', () => {
    const b = nextBatch([frame(0, 100), frame(1, 100), frame(2, 5_000)], clock, cfg);
    expect(b).toEqual({ frames: [frame(0, 100), frame(1, 100)], dueAt: 10_100, complete: true });
  });

  it('groups frames within the quantum and sends them when the last is due (never early)', () => {
    const b = nextBatch([frame(0, 100), frame(1, 110), frame(2, 125), frame(3, 126)], clock, cfg)!;
    expect(b.frames.map((f) => f.seq)).toEqual([0, 1, 2]);
    expect(b.dueAt).toBe(10_125);
  });

  it('says when the buffer ran out before the batch was known to be complete', () => {
    expect(nextBatch([frame(4, 100), frame(5, 101)], clock, cfg)?.complete).toBe(false);
    expect(nextBatch([], clock, cfg)).toBeUndefined();
  });

  it('honours speed: at 64× a 6.4 s gap is 100 ms', () => {
    const fast = { anchorAt: 0, positionMs: 0, speed: 64 };
    const b = nextBatch([frame(0, 6_400), frame(1, 12_800)], fast, cfg)!;
    expect(b.dueAt).toBe(100);
    expect(b.frames).toHaveLength(1);
  });

  it('uses seq × delay when the stream has a fixed spacing', () => {
    const b = nextBatch([frame(3, 0), frame(4, 0)], clock, cfg, 2_000)!;
    expect(b.dueAt).toBe(16_000);
    expect(b.frames).toHaveLength(1);
  });

  it('never plans a frame before its due time, for any recording and clock (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0.25, max: 64, noNaN: true }),
        fc.integer({ min: 0, max: 200 }),
        (gaps, speed, quantum) => {
          let t = 0;
          const frames = gaps.map((g, seq) => frame(seq, (t += g)));
          const c = { anchorAt: 1_000, positionMs: 0, speed };
          let rest = frames;
          let lastSeq = -1;
          while (rest.length > 0) {
            const b = nextBatch(rest, c, { batchQuantumMs: quantum })!;
            for (const f of b.frames) {
              expect(b.dueAt).toBeGreaterThanOrEqual(dueAt(c, f.t) - 1e-9);
              expect(f.seq).toBe(lastSeq + 1);
              lastSeq = f.seq;
            }
            rest = rest.slice(b.frames.length);
          }
          expect(lastSeq).toBe(frames.length - 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('decideGap', () => {
  it('sleeps through short gaps inside the Lambda', () => {
    expect(decideGap(800, 60_000, cfg)).toEqual({ action: 'sleep', ms: 800 });
    expect(decideGap(-5, 60_000, cfg)).toEqual({ action: 'sleep', ms: 0 });
  });

  it('hands long gaps to Wait in whole seconds, waking early', () => {
    expect(decideGap(30_000, 60_000, cfg)).toEqual({ action: 'return', next: 'wait', waitSeconds: 28 });
    expect(decideGap(11_000, 60_000, cfg)).toEqual({ action: 'return', next: 'wait', waitSeconds: 9 });
  });

  it('returns instead of sleeping into the Lambda deadline', () => {
    expect(decideGap(8_000, 10_000, cfg)).toEqual({ action: 'return', next: 'wait', waitSeconds: 6 });
    expect(decideGap(2_000, 4_000, cfg)).toEqual({ action: 'return', next: 'tick' });
  });

  it('yields even when behind schedule: an overdue batch is not sent into the deadline margin', () => {
    expect(decideGap(-5_000, cfg.deadlineMarginMs, cfg)).toEqual({ action: 'sleep', ms: 0 });
    expect(decideGap(-5_000, cfg.deadlineMarginMs - 1, cfg)).toEqual({ action: 'return', next: 'tick' });
    expect(decideGap(0, 0, cfg)).toEqual({ action: 'return', next: 'tick' });
  });

  it('always returns an integer number of seconds, at least 1, and never sleeps into the margin', () => {
    fc.assert(
      fc.property(fc.integer({ min: -60_000, max: 10_000_000 }), fc.integer({ min: 0, max: 900_000 }), (gap, remaining) => {
        const d = decideGap(gap, remaining, cfg);
        if (d.action === 'return' && d.next === 'wait') {
          expect(Number.isInteger(d.waitSeconds)).toBe(true);
          expect(d.waitSeconds).toBeGreaterThanOrEqual(1);
          expect(d.waitSeconds * 1000).toBeLessThanOrEqual(gap);
        }
        if (d.action === 'sleep') expect(d.ms + cfg.deadlineMarginMs).toBeLessThanOrEqual(remaining);
      }),
    );
  });
});

describe('tickOutput', () => {
  const input = { streamId: 'spectate:g', epoch: 3, generation: 0, iteration: 0 };

  it('counts iterations and passes the wait through', () => {
    expect(tickOutput(input, 'wait', 12)).toEqual({ ...input, iteration: 1, next: 'wait', waitSeconds: 12 });
    expect(tickOutput(input, 'end', 12)).toEqual({ ...input, iteration: 1, next: 'end', waitSeconds: 0 });
  });

  it('continues as new after the iteration bound, with the next generation', () => {
    const out = tickOutput({ ...input, iteration: MAX_ITERATIONS_PER_EXECUTION - 1 }, 'wait', 5);
    expect(out.next).toBe('continue');
    expect(out.successor).toMatchObject({ streamId: 'spectate:g', epoch: 3, generation: 1, iteration: 0 });
    expect(out.successor?.name).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('does not continue a stream that is ending', () => {
    expect(tickOutput({ ...input, iteration: MAX_ITERATIONS_PER_EXECUTION }, 'end').next).toBe('end');
  });
});

describe('nextBatch with a playout buffer', () => {
  const clock = { anchorAt: 10_000, positionMs: 0, speed: 1 };
  const f = (seq: number, t: number): WireFrame => ({ seq, t, type: 'p', data: null });

  it('takes every frame due within leadMs of the first and sends it leadMs before the last is due', () => {
    const b = nextBatch([f(0, 0), f(1, 1000), f(2, 2000), f(3, 2001)], clock, { batchQuantumMs: 25, leadMs: 2000 });
    expect(b).toEqual({ frames: [f(0, 0), f(1, 1000), f(2, 2000)], dueAt: 12_000, sendAt: 10_000, complete: true });
    // No frame is sent more than leadMs before it is due, none after.
    for (const x of b!.frames) {
      expect(b!.sendAt!).toBeGreaterThanOrEqual(dueAt(clock, x.t) - 2000);
      expect(b!.sendAt!).toBeLessThanOrEqual(dueAt(clock, x.t));
    }
  });

  it('with leadMs 0 is the plain batch (no sendAt)', () => {
    expect(nextBatch([f(0, 0), f(1, 1000)], clock, { batchQuantumMs: 25, leadMs: 0 })).toEqual({ frames: [f(0, 0)], dueAt: 10_000, complete: true });
  });
});
