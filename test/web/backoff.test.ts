import { HEARTBEAT_MS, reconnectDelay } from '../../web/src/core/backoff';

describe('reconnectDelay', () => {
  it('grows exponentially within [ceiling/2, ceiling]', () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const ceiling = 500 * 2 ** attempt;
      expect(reconnectDelay(attempt, { random: () => 0 })).toBe(ceiling / 2);
      expect(reconnectDelay(attempt, { random: () => 0.999999 })).toBeLessThanOrEqual(ceiling);
      expect(reconnectDelay(attempt, { random: () => 0.999999 })).toBeGreaterThan(ceiling * 0.99);
    }
  });
  it('never exceeds the cap, even for huge attempts', () => {
    for (const attempt of [10, 31, 1000, Infinity]) {
      const d = reconnectDelay(attempt, { capMs: 30_000, random: () => 1 });
      expect(d).toBeLessThanOrEqual(30_000);
    }
    expect(reconnectDelay(1000, { capMs: 30_000, random: () => 0 })).toBe(15_000);
  });
  it('treats negative and NaN attempts as the first', () => {
    expect(reconnectDelay(-3, { random: () => 0 })).toBe(250);
    expect(reconnectDelay(Number.NaN, { random: () => 0 })).toBe(250);
  });
  it('jitters: different random draws give different delays', () => {
    expect(reconnectDelay(3, { random: () => 0.1 })).not.toBe(reconnectDelay(3, { random: () => 0.9 }));
  });
  it('pings well inside API Gateway idle timeout (10 min)', () => {
    expect(HEARTBEAT_MS).toBeLessThan(10 * 60 * 1000);
  });
});
