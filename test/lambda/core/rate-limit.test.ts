import fc from 'fast-check';
import {
  applyWrite,
  BUCKET_NAMES,
  bucketOf,
  parseBucketSpec,
  parseRateLimits,
  STREAM_SOCIAL_LIMITS,
  streamBusyMessage,
  RATE_LIMITS,
  rateLimitedMessage,
  storedTat,
  takeToken,
  tokensAt,
  type BucketSpec,
} from '../../../lambda/core/rate-limit';

/** Run arrivals (epoch ms, non-decreasing) through one bucket; the times that passed. */
function simulate(spec: BucketSpec, arrivals: number[], start?: number): { passed: number[]; refusals: Array<{ at: number; retryInMs: number }> } {
  let tat = start;
  const passed: number[] = [];
  const refusals: Array<{ at: number; retryInMs: number }> = [];
  for (const now of arrivals) {
    const r = takeToken(spec, tat, now);
    if (r.ok) {
      tat = applyWrite(tat, r.write);
      passed.push(now);
    } else refusals.push({ at: now, retryInMs: r.retryInMs });
  }
  return { passed, refusals };
}

const specArb = fc.record({ burst: fc.integer({ min: 1, max: 30 }), perSecond: fc.constantFrom(0.5, 1, 2, 5, 10, 20) });
/** Sorted arrival times (ms) from gaps of 0–1,500 ms, many of them 0 or short: bursts and pauses. */
const gapArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 1500 }));
const arrivalsArb = fc.array(gapArb, { minLength: 1, maxLength: 200 }).map((gaps) => {
  let t = 1_700_000_000_000;
  return gaps.map((g) => (t += g));
});

describe('token bucket (GCRA form)', () => {
  it('lets a burst of `burst` through at once, then refuses with the time to the next token', () => {
    const spec = RATE_LIMITS.chat; // 5 at once, 1 per second
    const now = 1_000_000;
    const { passed, refusals } = simulate(spec, Array.from({ length: 8 }, () => now));
    expect(passed).toHaveLength(5);
    expect(refusals.map((r) => r.retryInMs)).toEqual([1000, 1000, 1000]);
  });

  it('refills at perSecond: one more token a second later, and a full bucket after a quiet spell', () => {
    const spec = RATE_LIMITS.chat;
    let tat: number | undefined;
    const take = (now: number) => {
      const r = takeToken(spec, tat, now);
      if (r.ok) tat = applyWrite(tat, r.write);
      return r;
    };
    for (let i = 0; i < 5; i++) expect(take(0).ok).toBe(true);
    expect(take(999)).toEqual({ ok: false, retryInMs: 1 });
    expect(take(1000).ok).toBe(true);
    expect(take(1000)).toEqual({ ok: false, retryInMs: 1000 });
    expect(tokensAt(spec, tat, 1000)).toBe(0);
    expect(tokensAt(spec, tat, 3500)).toBe(2.5);
    expect(tokensAt(spec, tat, 60_000)).toBe(5);
    for (let i = 0; i < 5; i++) expect(take(60_000).ok).toBe(true);
    expect(take(60_000).ok).toBe(false);
  });

  it('says how to store a grant: start when the bucket is full, advance (a conditional increment) when not', () => {
    const spec = { burst: 3, perSecond: 2 }; // T = 500 ms, tolerance 1000 ms
    expect(takeToken(spec, undefined, 10_000)).toEqual({ ok: true, write: { kind: 'start', now: 10_000, newTat: 10_500 } });
    expect(takeToken(spec, 9_000, 10_000)).toEqual({ ok: true, write: { kind: 'start', now: 10_000, newTat: 10_500 } });
    expect(takeToken(spec, 10_500, 10_000)).toEqual({ ok: true, write: { kind: 'advance', by: 500, limit: 11_000 } });
    expect(takeToken(spec, 11_000, 10_000)).toEqual({ ok: true, write: { kind: 'advance', by: 500, limit: 11_000 } });
    expect(takeToken(spec, 11_500, 10_000)).toEqual({ ok: false, retryInMs: 500 });
  });

  it('never lets more than burst + perSecond·w/1000 through in any window of w ms', () => {
    fc.assert(
      fc.property(specArb, arrivalsArb, fc.integer({ min: 0, max: 5000 }), (spec, arrivals, w) => {
        const { passed } = simulate(spec, arrivals);
        const bound = spec.burst + (spec.perSecond * w) / 1000;
        for (let i = 0, j = 0; i < passed.length; i++) {
          while (passed[j]! < passed[i]! - w) j++;
          if (i - j + 1 > bound + 1e-9) return false; // passed[j..i] all lie in a window of w ms
        }
        return true;
      }),
    );
  });

  it('never refuses a client that keeps to perSecond, and always lets the first burst through', () => {
    fc.assert(
      fc.property(specArb, fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 100 }), (spec, extra) => {
        const T = 1000 / spec.perSecond;
        let t = 5_000_000;
        const arrivals = extra.map((e) => (t += Math.ceil(T) + e));
        if (simulate(spec, arrivals).refusals.length !== 0) return false;
        return simulate(spec, Array.from({ length: spec.burst }, () => 42_000)).refusals.length === 0;
      }),
    );
  });

  it('retryInMs is exact: a retry that early is refused, one that late passes', () => {
    fc.assert(
      fc.property(specArb, arrivalsArb, (spec, arrivals) => {
        let tat: number | undefined;
        for (const now of arrivals) {
          const r = takeToken(spec, tat, now);
          if (r.ok) {
            tat = applyWrite(tat, r.write);
            continue;
          }
          if (r.retryInMs < 1) return false;
          if (!takeToken(spec, tat, now + r.retryInMs).ok) return false;
          if (r.retryInMs > 1 && takeToken(spec, tat, now + r.retryInMs - 1).ok) return false;
        }
        return true;
      }),
    );
  });

  it('a refusal changes nothing; tokens stay within 0..burst', () => {
    fc.assert(
      fc.property(specArb, arrivalsArb, (spec, arrivals) => {
        let tat: number | undefined;
        for (const now of arrivals) {
          const before = tat;
          const r = takeToken(spec, tat, now);
          if (r.ok) tat = applyWrite(tat, r.write);
          else if (tat !== before) return false;
          const tokens = tokensAt(spec, tat, now);
          if (tokens < 0 || tokens > spec.burst) return false;
        }
        return true;
      }),
    );
  });

  it('a stored time far ahead (another instance\'s clock) only delays; garbage counts as a full bucket', () => {
    const spec = RATE_LIMITS.control;
    expect(takeToken(spec, 1_000_000 + 60_000, 1_000_000)).toEqual({ ok: false, retryInMs: 60_000 - 9 * 500 });
    expect(storedTat('soon')).toBeUndefined();
    expect(storedTat(Number.NaN)).toBeUndefined();
    expect(storedTat(undefined)).toBeUndefined();
    expect(storedTat(12.5)).toBe(12.5);
  });

  it('refuses nonsense specs', () => {
    expect(() => takeToken({ burst: 0, perSecond: 1 }, undefined, 0)).toThrow(/bad bucket spec/);
    expect(() => takeToken({ burst: 1, perSecond: 0 }, undefined, 0)).toThrow(/bad bucket spec/);
    expect(() => takeToken({ burst: Number.NaN, perSecond: 1 }, undefined, 0)).toThrow(/bad bucket spec/);
  });

  it('has a sane limit for every bucket, and a message that names the action, the limit and the wait', () => {
    for (const b of BUCKET_NAMES) {
      expect(RATE_LIMITS[b].burst).toBeGreaterThanOrEqual(5);
      expect(RATE_LIMITS[b].perSecond).toBeGreaterThanOrEqual(1);
    }
    expect(rateLimitedMessage('chat', 'chat', 734)).toBe('chat: rate limited (5 at once, then 1 per second); retry in 734 ms');
    expect(rateLimitedMessage('seek', 'control', 500)).toMatch(/^seek: rate limited \(10 at once, then 2 per second\); retry in 500 ms$/);
    expect(rateLimitedMessage('chat', 'chat', 90, { burst: 2, perSecond: 0.5 })).toBe('chat: rate limited (2 at once, then 0.5 per second); retry in 90 ms');
    expect(streamBusyMessage('chat', 1000, 480)).toBe('chat: this stream is busy (its 1000 viewers share 2 messages per second); retry in 480 ms');
  });

  it('maps every action to its bucket: ping its own, the controls one', () => {
    expect(['chat', 'react', 'input', 'ping', 'pause', 'seek', 'start', 'list'].map(bucketOf)).toEqual(['chat', 'react', 'input', 'ping', 'control', 'control', 'control', 'control']);
  });

  it('takes a cost of several tokens, clamped to the burst', () => {
    const spec = { burst: 100, perSecond: 10 }; // T = 100 ms
    const now = 1_000_000;
    const first = takeToken(spec, undefined, now, 60);
    expect(first).toEqual({ ok: true, write: { kind: 'start', now, newTat: now + 6000 } });
    const tat = applyWrite(undefined, first.ok ? first.write : (undefined as never));
    expect(takeToken(spec, tat, now, 40)).toEqual({ ok: true, write: { kind: 'advance', by: 4000, limit: now + 6000 } });
    expect(takeToken(spec, tat, now, 41)).toEqual({ ok: false, retryInMs: 100 });
    expect(takeToken(spec, undefined, now, 1e6)).toMatchObject({ ok: true, write: { newTat: now + 10_000 } });
    expect(takeToken(spec, undefined, now, 0)).toMatchObject({ ok: true, write: { newTat: now + 100 } });
  });

  it('parses limits from their JSON form, keeping defaults for kinds left out', () => {
    expect(parseRateLimits(undefined)).toBe(RATE_LIMITS);
    expect(parseRateLimits('{"ping":{"burst":3,"perSecond":0.2}}')).toEqual({ ...RATE_LIMITS, ping: { burst: 3, perSecond: 0.2 } });
    expect(() => parseRateLimits('[]')).toThrow(/rate limits must be JSON/);
    expect(parseBucketSpec('', STREAM_SOCIAL_LIMITS)).toBe(STREAM_SOCIAL_LIMITS);
    expect(() => parseBucketSpec('{"burst":1}', STREAM_SOCIAL_LIMITS)).toThrow(/bucket must be JSON/);
  });
});
