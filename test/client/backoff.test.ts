import fc from 'fast-check';
import { fullJitterDelay, HEARTBEAT_MS, RECONNECT_BASE_MS, RECONNECT_CAP_MS, reconnectDelay } from '../../client/backoff';

describe('fullJitterDelay (the fan-out and publisher retries)', () => {
  it('stays in [0, min(cap, base·2^attempt))', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const d = fullJitterDelay(attempt, { random: () => r });
        const ceiling = Math.min(1000, 50 * 2 ** Math.max(0, attempt));
        return d >= 0 && d < ceiling && Number.isInteger(d);
      }),
    );
  });

  it('doubles its ceiling per attempt up to the cap (base 50 ms, cap 1 s)', () => {
    const top = (attempt: number) => fullJitterDelay(attempt, { random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 5, 10].map(top)).toEqual([49, 99, 199, 399, 799, 999, 999]);
    expect(fullJitterDelay(3, { random: () => 0 })).toBe(0);
    expect(fullJitterDelay(2, { baseMs: 10, capMs: 25, random: () => 0.999 })).toBe(24);
  });

  it('caps at capMs even below the base, and stays below its ceiling for a random() of 1', () => {
    expect(fullJitterDelay(0, { baseMs: 100, capMs: 40, random: () => 0.5 })).toBe(20);
    expect(fullJitterDelay(4, { random: () => 1 })).toBe(799);
    expect(fullJitterDelay(Number.NaN, { random: () => 0.5 })).toBe(25);
    expect(fullJitterDelay(0, { baseMs: 0, random: () => 0.5 })).toBe(0);
  });
});


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
