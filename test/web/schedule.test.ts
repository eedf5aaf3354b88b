import { countdownText, formatCountdown, formatStartTime, grownLength, isPreStart, ServerClock } from '../../web/src/core/schedule';
import { statusLabel } from '../../web/src/core/format';
import { STREAM_STATUSES } from '../../protocol/messages';

describe('countdown', () => {
  it('is m:ss under an hour and h:mm:ss from an hour on', () => {
    expect(formatCountdown(83_000)).toBe('1:23');
    expect(formatCountdown(9_000)).toBe('0:09');
    expect(formatCountdown(59 * 60_000 + 59_000)).toBe('59:59');
    expect(formatCountdown(3_600_000)).toBe('1:00:00');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(formatCountdown(30 * 86_400_000)).toBe('720:00:00'); // POST /streams allows 30 days ahead
  });
  it('rounds up to whole seconds, so 0:00 is never shown before the start', () => {
    expect(formatCountdown(82_001)).toBe('1:23');
    expect(formatCountdown(200)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-5)).toBe('0:00');
    expect(formatCountdown(Number.NaN)).toBe('0:00');
    expect(formatCountdown(Infinity)).toBe('0:00');
  });
  it('says "Starts in …" until the start, then "Starting…"', () => {
    const startsAt = 1_763_928_000_000;
    expect(countdownText(startsAt, startsAt - 83_000)).toBe('Starts in 1:23');
    expect(countdownText(startsAt, startsAt - 3_723_000)).toBe('Starts in 1:02:03');
    expect(countdownText(startsAt, startsAt - 1)).toBe('Starts in 0:01');
    expect(countdownText(startsAt, startsAt)).toBe('Starting…');
    expect(countdownText(startsAt, startsAt + 5_000)).toBe('Starting…');
  });
  it('counts down only while scheduled or awaiting the start', () => {
    expect(STREAM_STATUSES.filter(isPreStart)).toEqual(['scheduled', 'awaiting_start']);
    expect(statusLabel('awaiting_start')).toBe('Starting soon');
    for (const s of STREAM_STATUSES) expect(statusLabel(s)).not.toBe(s); // every status has a label
  });
});

describe('formatStartTime (the viewer’s time zone)', () => {
  const now = new Date(2026, 10, 23, 14, 30).getTime(); // Mon 23 Nov 2026, 14:30 local
  it('is the clock time today, the weekday within a week, the date beyond', () => {
    expect(formatStartTime(new Date(2026, 10, 23, 20, 0).getTime(), now)).toBe('20:00');
    expect(formatStartTime(new Date(2026, 10, 24, 9, 5).getTime(), now)).toBe('Tue 09:05');
    expect(formatStartTime(new Date(2026, 11, 20, 20, 0).getTime(), now)).toBe('20 Dec 20:00');
    expect(formatStartTime(Number.NaN, now)).toBe('');
  });
});

describe('ServerClock (pong.at)', () => {
  it('is the local clock before any sample', () => {
    const c = new ServerClock();
    expect(c.offsetMs).toBe(0);
    expect(c.now(1_000)).toBe(1_000);
  });
  it('takes the midpoint of a round trip as the moment of pong.at', () => {
    const c = new ServerClock();
    c.sample(10_000, 10_100, 3_610_050); // server is one hour ahead
    expect(c.offsetMs).toBe(3_600_000);
    expect(c.now(20_000)).toBe(3_620_000);
  });
  it('trusts the shortest round trip among the recent samples, and ignores nonsense', () => {
    const c = new ServerClock();
    c.sample(0, 2_000, 5_000); // slow: offset 4000 ± 1000
    c.sample(10_000, 10_020, 14_510); // fast: offset 4500 ± 10
    c.sample(20_000, 21_000, 24_000); // slow again
    expect(c.offsetMs).toBe(4_500);
    c.sample(5, 1, 9_999_999); // negative round trip
    c.sample(Number.NaN, 1, 2);
    expect(c.offsetMs).toBe(4_500);
    for (let i = 0; i < ServerClock.KEEP; i++) c.sample(i * 1000, i * 1000 + 500, i * 1000 + 250 - 40); // the fast one ages out
    expect(c.offsetMs).toBe(-40);
  });
});

describe('grownLength (live games)', () => {
  const known = { durationMs: 60_000, frameCount: 10 };
  it('extends the duration to the largest t and the frame count past the largest seq', () => {
    expect(grownLength(known, [{ seq: 10, t: 61_000 }, { seq: 11, t: 65_500 }], true)).toEqual({ durationMs: 65_500, frameCount: 12 });
  });
  it('never shrinks, and keeps the same object when nothing grew', () => {
    expect(grownLength(known, [{ seq: 3, t: 20_000 }], true)).toBe(known);
    expect(grownLength(known, [], true)).toBe(known);
    expect(grownLength(known, [{ seq: 12, t: 59_000 }], true)).toEqual({ durationMs: 60_000, frameCount: 13 });
  });
  it('leaves a recorded game’s length alone', () => {
    expect(grownLength(known, [{ seq: 99, t: 999_000 }], false)).toBe(known);
  });
});
