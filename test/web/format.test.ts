import { endedText, formatDuration, formatSpeed } from '../../web/src/core/format';
import { END_REASONS } from '../../protocol/messages';

describe('formatDuration', () => {
  it('formats h:mm:ss', () => {
    expect(formatDuration(4_885_000)).toBe('1:21:25');
    expect(formatDuration(59_999)).toBe('0:00:59');
    expect(formatDuration(20_638_000)).toBe('5:43:58');
  });
  it('clamps nonsense to zero', () => {
    expect(formatDuration(-5)).toBe('0:00:00');
    expect(formatDuration(Number.NaN)).toBe('0:00:00');
    expect(formatDuration(Infinity)).toBe('0:00:00');
  });
});

describe('formatSpeed', () => {
  it('labels rates', () => {
    expect(formatSpeed(0.5)).toBe('0.5×');
    expect(formatSpeed(64)).toBe('64×');
  });
});

describe('endedText', () => {
  it('explains every end reason', () => {
    const texts = END_REASONS.map((r) => endedText(r));
    expect(new Set(texts).size).toBe(END_REASONS.length);
    expect(endedText('weird')).toContain('weird');
  });
});
