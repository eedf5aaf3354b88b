/** The CLIs' common text helpers: media times, rates, relative and wall-clock times, clean text. */
import { clean, formatClock, formatRelative, formatSpeed, formatWallClock } from '../../../scripts/lib/format';

describe('times and rates', () => {
  test('formatClock is h:mm:ss, truncating and clamping', () => {
    expect(formatClock(0)).toBe('0:00:00');
    expect(formatClock(3_723_000)).toBe('1:02:03');
    expect(formatClock(59_999)).toBe('0:00:59');
    expect(formatClock(14_320_000)).toBe('3:58:40');
    expect(formatClock(-5)).toBe('0:00:00');
    expect(formatClock(Number.NaN)).toBe('0:00:00');
  });

  test('formatSpeed', () => {
    expect(formatSpeed(4)).toBe('4×');
    expect(formatSpeed(0.25)).toBe('0.25×');
    expect(formatSpeed(1.5)).toBe('1.5×');
  });

  test('formatRelative', () => {
    const now = 1_763_900_000_000;
    expect(formatRelative(now - 3_400, now)).toBe('3s ago');
    expect(formatRelative(now - 200, now)).toBe('just now');
    expect(formatRelative(now - 5 * 60_000, now)).toBe('5m ago');
    expect(formatRelative(now - 2 * 3600_000 - 5, now)).toBe('2h ago');
    expect(formatRelative(now - 3 * 86400_000, now)).toBe('3d ago');
    expect(formatRelative(now + 3_000, now)).toBe('in 3s');
    expect(formatRelative(undefined, now)).toBe('never');
  });
});

describe('wall clock and clean text', () => {
  test('formatWallClock adds the date only when the time is not on now\'s day', () => {
    const at = new Date(2026, 10, 23, 20, 0, 0).getTime();
    expect(formatWallClock(at, at)).toBe('20:00:00');
    expect(formatWallClock(at + 86_400_000, at)).toBe('20:00:00 2026-11-24');
    expect(formatWallClock(Number.NaN)).toBe('?');
  });
  test('clean removes control characters', () => {
    expect(clean('a\u001b[31mb\r\nc')).not.toMatch(/[\u0000-\u001f]/);
  });
});
