import { dueAt, frameTime, mediaAt, rebase } from '../../../lambda/core/clock';

describe('playback clock', () => {
  const clock = { anchorAt: 1_000_000, positionMs: 60_000, speed: 4 };

  it('puts a frame at anchor + (t − position) / speed', () => {
    expect(dueAt(clock, 60_000)).toBe(1_000_000);
    expect(dueAt(clock, 64_000)).toBe(1_001_000);
    expect(dueAt(clock, 56_000)).toBe(999_000);
  });

  it('reads media time back from wall time, and is its inverse after the anchor', () => {
    expect(mediaAt(clock, 1_002_500)).toBe(70_000);
    expect(dueAt(clock, mediaAt(clock, 1_234_567))).toBeCloseTo(1_234_567, 6);
  });

  it('does not move before its anchor (the start lead)', () => {
    expect(mediaAt(clock, 999_000)).toBe(60_000);
  });

  it('rebases at now without moving any future due time when the speed is kept', () => {
    const r = rebase(clock, 1_010_000);
    expect(r).toEqual({ anchorAt: 1_010_000, positionMs: 100_000, speed: 4 });
    for (const t of [100_000, 120_000, 500_000]) expect(dueAt(r, t)).toBeCloseTo(dueAt(clock, t), 6);
  });

  it('stretches due times from the current position on a speed change', () => {
    const r = rebase(clock, 1_010_000, { speed: 1 });
    expect(dueAt(r, 110_000)).toBe(1_020_000);
  });

  it('caps the position at the recording end', () => {
    expect(rebase(clock, 9_999_999_999, { capMs: 200_000 }).positionMs).toBe(200_000);
  });

  it('uses seq × delay for recordings played with a fixed spacing', () => {
    expect(frameTime({ seq: 7, t: 0 }, 2_000)).toBe(14_000);
    expect(frameTime({ seq: 7, t: 123 })).toBe(123);
  });
});
