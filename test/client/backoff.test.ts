import { HEARTBEAT_MS, RECONNECT_BASE_MS, RECONNECT_CAP_MS, reconnectDelay } from '../../client/backoff';

describe('reconnectDelay (full jitter)', () => {
  it('draws from [0, base · 2^attempt) while under the cap', () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const ceiling = RECONNECT_BASE_MS * 2 ** attempt;
      expect(reconnectDelay(attempt, { random: () => 0 })).toBe(0);
      expect(reconnectDelay(attempt, { random: () => 0.5 })).toBe(ceiling / 2);
      const top = reconnectDelay(attempt, { random: () => 0.999999 });
      expect(top).toBeLessThan(ceiling);
      expect(top).toBeGreaterThan(ceiling * 0.99);
    }
  });
  it('never reaches the cap, even for huge attempts or a random() of 1', () => {
    for (const attempt of [10, 31, 1000, Infinity]) {
      expect(reconnectDelay(attempt, { random: () => 1 })).toBeLessThan(RECONNECT_CAP_MS);
      expect(reconnectDelay(attempt, { capMs: 30_000, random: () => 1 })).toBeLessThan(30_000);
    }
    expect(reconnectDelay(1000, { random: () => 0.5 })).toBe(RECONNECT_CAP_MS / 2);
  });
  it('treats negative and NaN attempts as the first', () => {
    expect(reconnectDelay(-3, { random: () => 0.5 })).toBe(RECONNECT_BASE_MS / 2);
    expect(reconnectDelay(Number.NaN, { random: () => 0.5 })).toBe(RECONNECT_BASE_MS / 2);
  });
  it('takes base and cap from the policy', () => {
    expect(reconnectDelay(0, { baseMs: 5, capMs: 20, random: () => 0.5 })).toBe(2);
    expect(reconnectDelay(9, { baseMs: 5, capMs: 20, random: () => 0.5 })).toBe(10);
  });
  it('jitters: different random draws give different delays', () => {
    expect(reconnectDelay(3, { random: () => 0.1 })).not.toBe(reconnectDelay(3, { random: () => 0.9 }));
  });
  it('pings well inside the API Gateway idle timeout (10 min)', () => {
    expect(HEARTBEAT_MS).toBeLessThan(10 * 60 * 1000);
  });
});
