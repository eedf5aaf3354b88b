/** What the page says about its connection: the pill, the catalog note, the stage while out of reach. */
import { canRetryNow, isUp, linkMessage, pillText } from '../../web/src/core/link';

describe('connection words', () => {
  it('counts down to the next attempt and offers "Retry now" only while waiting', () => {
    const waiting = { state: 'reconnecting' as const, retryInS: 4, error: 'Cannot reach the server.' };
    expect(pillText(waiting)).toBe('Reconnecting in 4 s…');
    expect(linkMessage(waiting)).toBe('Cannot reach the server. Trying again in 4 seconds.');
    expect(linkMessage({ ...waiting, retryInS: 1 })).toBe('Cannot reach the server. Trying again in 1 second.');
    expect(linkMessage({ state: 'reconnecting', retryInS: 2 })).toBe('Connection lost. Trying again in 2 seconds.');
    expect(canRetryNow(waiting)).toBe(true);
    expect(canRetryNow({ state: 'reconnecting', retryInS: 0 })).toBe(false);
    expect(canRetryNow({ state: 'connecting' })).toBe(false);
    expect(canRetryNow({ state: 'open' })).toBe(false);
  });
  it('says plainly when connected, offline or closed', () => {
    expect(pillText({ state: 'open' })).toBe('Connected');
    expect(linkMessage({ state: 'open' })).toBe('');
    expect(isUp({ state: 'open' }) && !isUp({ state: 'reconnecting' })).toBe(true);
    expect(linkMessage({ state: 'offline' })).toMatch(/offline.*network/);
    expect(linkMessage({ state: 'closed' })).toMatch(/Reload/);
    expect(linkMessage({ state: 'reconnecting', error: 'The server could not sign you in right now.' })).toBe('The server could not sign you in right now. Reconnecting…');
  });
});
