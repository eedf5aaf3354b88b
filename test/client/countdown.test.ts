import { formatCountdown, isPreStart } from '../../client/countdown';
import { STREAM_STATUSES } from '../../protocol/messages';

describe('formatCountdown', () => {
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
  it('counts down only while scheduled or awaiting the start', () => {
    expect(STREAM_STATUSES.filter(isPreStart)).toEqual(['scheduled', 'awaiting_start']);
  });
});
