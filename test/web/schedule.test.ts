import { countdownText, formatStartTime, isPreStart } from '../../web/src/core/schedule';
import { statusLabel } from '../../web/src/core/format';
import { STREAM_STATUSES } from '../../protocol/messages';

describe('countdown text', () => {
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
