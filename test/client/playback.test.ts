import { clampSeekMs, PAGE_STEP_MS, playheadMs, SEEK_STEP_MS, seekStepMs, sliderKeyMs, SPEED_STEPS, stepSpeed } from '../../client/playback';
import { MAX_SPEED, MIN_SPEED } from '../../protocol/messages';

describe('the speed ladder', () => {
  it('doubles from the protocol minimum to its maximum', () => {
    expect(SPEED_STEPS).toEqual([0.25, 0.5, 1, 2, 4, 8, 16, 32, 64]);
    expect(SPEED_STEPS[0]).toBe(MIN_SPEED);
    expect(SPEED_STEPS[SPEED_STEPS.length - 1]).toBe(MAX_SPEED);
  });
  it('steps up and down, from a speed between steps to the next one that way, and stops at the ends', () => {
    expect(stepSpeed(1, 1)).toBe(2);
    expect(stepSpeed(1, -1)).toBe(0.5);
    expect(stepSpeed(3, 1)).toBe(4);
    expect(stepSpeed(3, -1)).toBe(2);
    expect(stepSpeed(64, 1)).toBe(64);
    expect(stepSpeed(0.25, -1)).toBe(0.25);
    expect(stepSpeed(100, -1)).toBe(64);
  });
});

describe('seeking', () => {
  it('steps 30 s either way, clamped to [0, durationMs]', () => {
    expect(SEEK_STEP_MS).toBe(30_000);
    expect(seekStepMs(60_000, 1, 14_320_000)).toBe(90_000);
    expect(seekStepMs(60_000, -1, 14_320_000)).toBe(30_000);
    expect(seekStepMs(10_000, -1, 14_320_000)).toBe(0);
    expect(seekStepMs(14_310_000, 1, 14_320_000)).toBe(14_320_000);
  });
  it('rounds to whole ms; nonsense input seeks to 0', () => {
    expect(clampSeekMs(1234.6, 5000)).toBe(1235);
    expect(clampSeekMs(Number.NaN, 5000)).toBe(0);
    expect(clampSeekMs(100, -5)).toBe(0);
  });
});

describe('playheadMs', () => {
  const a = { status: 'playing' as const, speed: 4, positionMs: 60_000, anchorAt: 1000 };
  it('advances at speed while playing and stands still otherwise', () => {
    expect(playheadMs(a, 3500, 14_320_000)).toBe(70_000);
    expect(playheadMs({ ...a, status: 'paused' }, 3500, 14_320_000)).toBe(60_000);
  });
  it('stays within [0, durationMs] and never runs backwards on a clock read before the anchor', () => {
    expect(playheadMs(a, 1e9, 14_320_000)).toBe(14_320_000);
    expect(playheadMs(a, 0, 14_320_000)).toBe(60_000);
  });
});

describe('the timeline slider keys (WAI-ARIA slider pattern)', () => {
  const D = 4_885_000;
  it('arrows one seek step, PageUp/PageDown a page, Home/End the ends, clamped', () => {
    expect(sliderKeyMs('ArrowRight', 60_000, D)).toBe(60_000 + SEEK_STEP_MS);
    expect(sliderKeyMs('ArrowUp', 60_000, D)).toBe(60_000 + SEEK_STEP_MS);
    expect(sliderKeyMs('ArrowLeft', 10_000, D)).toBe(0);
    expect(sliderKeyMs('ArrowDown', 60_000, D)).toBe(60_000 - SEEK_STEP_MS);
    expect(sliderKeyMs('PageUp', 60_000, D)).toBe(60_000 + PAGE_STEP_MS);
    expect(sliderKeyMs('PageDown', 60_000, D)).toBe(0);
    expect(sliderKeyMs('PageUp', D - 1000, D)).toBe(D);
    expect(sliderKeyMs('Home', 123_456, D)).toBe(0);
    expect(sliderKeyMs('End', 0, D)).toBe(D);
    expect(sliderKeyMs('a', 0, D)).toBeUndefined();
    expect(sliderKeyMs('Enter', 0, D)).toBeUndefined();
  });
});
