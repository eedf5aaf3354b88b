import { behindLiveMs, behindLiveText, formatLag, liveKind } from '../../web/src/core/live';

describe('the live indicator', () => {
  it('LIVE only for a live game\'s live stream (joined.live, spectate, spectate:{gameId})', () => {
    expect(liveKind({ live: true, mode: 'spectate', streamId: 'spectate:nets', gameId: 'nets' })).toBe('live');
  });
  it('a replay of a live game is not live: it shows how far behind', () => {
    expect(liveKind({ live: true, mode: 'pvai', streamId: 'pvai:nets:alice', gameId: 'nets' })).toBe('replay-of-live');
    expect(liveKind({ live: true, mode: 'spectate', streamId: 'scheduled:nets:s1', gameId: 'nets' })).toBe('replay-of-live');
  });
  it('a recording (or a finished live game) shows neither', () => {
    expect(liveKind({ live: false, mode: 'spectate', streamId: 'spectate:w', gameId: 'w' })).toBe('recording');
    expect(liveKind({ mode: 'spectate', streamId: 'spectate:w', gameId: 'w' })).toBe('recording');
    expect(liveKind(undefined)).toBe('recording');
  });
});

describe('behind live', () => {
  it('is the live game\'s length minus the playhead, never below 0', () => {
    expect(behindLiveMs(600_000, 516_500)).toBe(83_500);
    expect(behindLiveMs(600_000, 700_000)).toBe(0);
    expect(behindLiveMs(Number.NaN, 1)).toBe(0);
  });
  it('formats as M:SS, H:MM:SS from an hour', () => {
    expect(formatLag(83_500)).toBe('1:23');
    expect(formatLag(5_000)).toBe('0:05');
    expect(formatLag(3_725_000)).toBe('1:02:05');
    expect(formatLag(-1)).toBe('0:00');
  });
  it('says "Behind live by M:SS", or caught up within two seconds', () => {
    expect(behindLiveText(83_500)).toBe('Behind live by 1:23');
    expect(behindLiveText(1_999)).toBe('Caught up with live');
    expect(behindLiveText(2_000)).toBe('Behind live by 0:02');
  });
});
