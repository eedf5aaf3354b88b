import fc from 'fast-check';
import { ACCOUNT_THROTTLE } from '../../../contract/defaults';
import { AUDIENCE_PRICES, planAudience } from '../../../lambda/core/audience-plan';

describe('planAudience', () => {
  it('computes a known case by hand: 2,000 viewers, one message every 2 s, the defaults', () => {
    const p = planAudience({ viewers: 2000, messagesPerSecond: 0.5 });
    // A shard: min(32 in flight / 20 ms = 1,600/s, 512/1769 vCPU × 10⁶ / 150 µs ≈ 1,930/s) = 1,600/s.
    expect(p.perShardPostsPerSecond).toBe(1600);
    expect(p.shards).toBe(2); // ⌈2,000 / 1,000⌉, within the throttle's ⌊10,000 / 1,600⌋ = 6
    expect(p.limitedBy).toBe('threshold');
    expect(p.viewersPerShard).toBe(1000);
    expect(p.aggregatePostsPerSecond).toBe(3200);
    expect(p.fanOutMs).toBeCloseTo(625, 6); // 2,000 posts at 3,200/s
    expect(p.keepsUp).toBe(true);
    const h = p.perStreamHour;
    expect(h.apiGatewayMessages).toBeCloseTo(2000 * 1800 * 1e-6, 9); // $3.60
    expect(h.apiGatewayConnectionMinutes).toBeCloseTo(2000 * 60 * 0.25e-6, 9); // $0.03
    // Tick through the hour (2 s gaps are slept) + 2 shards × 1,800 messages × 0.625 s, at 0.5 GB.
    expect(h.lambdaCompute).toBeCloseTo((3600 + 2250) * 0.5 * 0.0000133334, 9);
    expect(h.lambdaRequests).toBeCloseTo((3600 / 105 + 3600) * 0.0000002, 9);
    expect(h.stepFunctions).toBeCloseTo((3600 / 105) * 3 * 0.000025, 9);
    // Per message: 2 write units (claim) + 1 read (stream row) + 2 shards × ½ × ⌈1,000 × 200 B / 4 KB⌉ = 49 reads.
    expect(h.dynamoDb).toBeCloseTo(1800 * (2 * 0.625e-6 + 50 * 0.125e-6), 9);
    expect(h.total).toBeCloseTo(3.6857982, 6);
    expect(p.perViewerHour.total).toBeCloseTo(3.6857982 / 2000, 9);
  });

  it('caps shards at the throttle: 10,000 viewers at 1 message/s do not keep up on one account', () => {
    const p = planAudience({ viewers: 10_000, messagesPerSecond: 1 });
    expect(p.shards).toBe(6);
    expect(p.limitedBy).toBe('throttle');
    expect(p.aggregatePostsPerSecond).toBe(9600);
    expect(p.fanOutMs).toBeCloseTo(1000 * 10_000 / 9600, 6);
    expect(p.keepsUp).toBe(false);
  });

  it('bills a message per 32 KB unit', () => {
    const small = planAudience({ viewers: 100, messagesPerSecond: 1, messageBytes: 32 * 1024 });
    const big = planAudience({ viewers: 100, messagesPerSecond: 1, messageBytes: 32 * 1024 + 1 });
    expect(big.perStreamHour.apiGatewayMessages).toBeCloseTo(2 * small.perStreamHour.apiGatewayMessages, 12);
    expect(small.perStreamHour.apiGatewayMessages).toBeCloseTo(100 * 3600 * AUDIENCE_PRICES.webSocketMessage, 12);
  });

  it('is CPU-bound with little memory', () => {
    const p = planAudience({ viewers: 500, messagesPerSecond: 1, memoryMb: 128, postCpuUs: 600 });
    expect(p.perShardPostsPerSecond).toBeCloseTo(((128 / 1769) * 1e6) / 600, 6);
  });

  it('costs nothing per viewer with no viewers, and refuses nonsense', () => {
    const p = planAudience({ viewers: 0, messagesPerSecond: 1 });
    expect(p).toMatchObject({ shards: 1, fanOutMs: 0, keepsUp: true });
    expect(p.perViewerHour.total).toBe(0);
    expect(() => planAudience({ viewers: -1, messagesPerSecond: 1 })).toThrow('viewers');
    expect(() => planAudience({ viewers: 1.5, messagesPerSecond: 1 })).toThrow('viewers');
    expect(() => planAudience({ viewers: 1, messagesPerSecond: 0 })).toThrow('messagesPerSecond');
    expect(() => planAudience({ viewers: 1, messagesPerSecond: 1, networkLatencyMs: -3 })).toThrow('networkLatencyMs');
  });

  const inputs = fc.record({
    viewers: fc.integer({ min: 0, max: 200_000 }),
    messagesPerSecond: fc.double({ min: 0.01, max: 50, noNaN: true }),
    memoryMb: fc.integer({ min: 128, max: 10_240 }),
    postCpuUs: fc.double({ min: 10, max: 2000, noNaN: true }),
    networkLatencyMs: fc.double({ min: 1, max: 200, noNaN: true }),
    shardThreshold: fc.integer({ min: 1, max: 20_000 }),
    rate: fc.integer({ min: 100, max: 50_000 }),
  });

  it('never plans more shards than the throttle allows (or Lambda concurrency)', () => {
    fc.assert(
      fc.property(inputs, (i) => {
        const throttle = { ratePerSecond: i.rate, burst: i.rate / 2 };
        const p = planAudience({ ...i, throttle });
        expect(p.shards).toBeGreaterThanOrEqual(1);
        expect(p.shards).toBeLessThanOrEqual(1000);
        // More than one shard only while they fit the throttle together.
        if (p.shards > 1) expect(p.shards * p.perShardPostsPerSecond).toBeLessThanOrEqual(throttle.ratePerSecond + 1e-6);
        expect(p.aggregatePostsPerSecond).toBeLessThanOrEqual(throttle.ratePerSecond + 1e-6);
      }),
    );
  });

  it('is monotonic in viewers: shards, fan-out posts, cost per stream-hour never go down', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 1, max: 50_000 }), (i, more) => {
        const throttle = { ratePerSecond: i.rate, burst: i.rate / 2 };
        const a = planAudience({ ...i, throttle });
        const b = planAudience({ ...i, viewers: i.viewers + more, throttle });
        expect(b.shards).toBeGreaterThanOrEqual(a.shards);
        expect(b.requiredPostsPerSecond).toBeGreaterThan(a.requiredPostsPerSecond);
        expect(b.perStreamHour.apiGatewayMessages).toBeGreaterThan(a.perStreamHour.apiGatewayMessages);
        expect(b.perStreamHour.total).toBeGreaterThanOrEqual(a.perStreamHour.total - 1e-12);
        // Once the shards are capped, each viewer more only adds fan-out time.
        if (a.shards === b.shards) expect(b.fanOutMs).toBeGreaterThanOrEqual(a.fanOutMs - 1e-9);
      }),
    );
  });

  it('uses the account throttle by default', () => {
    expect(ACCOUNT_THROTTLE).toEqual({ ratePerSecond: 10_000, burst: 5_000 });
  });
});
