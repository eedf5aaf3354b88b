import { randomBytes } from 'node:crypto';
import { planAudience } from '../../../lambda/core/audience-plan';
import { MAX_SHARDS, inShard, shardCount, shardOf, shardRanges } from '../../../lambda/core/shards';

/** An id as API Gateway makes them: base64 of random bytes (`L0SM9cOFvHcCIhw=`). */
const apiGatewayId = () => randomBytes(11).toString('base64');

describe('shardRanges', () => {
  it('is one open range for one shard, and contiguous ranges in key order otherwise', () => {
    expect(shardRanges(1)).toEqual([{}]);
    for (const count of [2, 3, 7, 64, 1000]) {
      const r = shardRanges(count);
      expect(r).toHaveLength(count);
      expect(r[0]!.from).toBeUndefined();
      expect(r[count - 1]!.to).toBeUndefined();
      for (let i = 1; i < count; i++) {
        expect(r[i]!.from).toBe(r[i - 1]!.to);
        expect(r[i - 1]!.from === undefined || r[i - 1]!.from! < r[i]!.from!).toBe(true);
      }
    }
  });

  it('puts every connectionId in exactly one range, the one shardOf names — API Gateway ids and any other string', () => {
    const ids = [
      ...Array.from({ length: 3000 }, apiGatewayId),
      '', '+', '/', '0', 'A', 'z', 'zz', '~', 'é', '\u{1F600}', 'AA', 'Az', 'a-b', 'o-00', 'L0SM9cOFvHcCIhw=',
    ];
    for (const count of [1, 2, 5, 32, 333, MAX_SHARDS]) {
      const ranges = shardRanges(count);
      for (const id of ids) {
        const holders = ranges.flatMap((r, i) => (inShard(id, r) ? [i] : []));
        expect([id, holders]).toEqual([id, [shardOf(id, ranges)]]);
      }
      // The bounds themselves belong to the range they start.
      for (const [i, r] of ranges.entries()) if (r.from !== undefined) expect(shardOf(r.from, ranges)).toBe(i);
    }
  });

  it('splits random API Gateway ids about evenly', () => {
    const ranges = shardRanges(8);
    const sizes = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) sizes[shardOf(apiGatewayId(), ranges)]!++;
    for (const n of sizes) expect(n).toBeGreaterThan(700); // 1000 expected; far from what chance allows below
  });

  it('refuses a count that is not a whole number from 1 to MAX_SHARDS', () => {
    for (const bad of [0, -1, 1.5, NaN, MAX_SHARDS + 1]) expect(() => shardRanges(bad)).toThrow(/shard count/);
  });
});

describe('shardCount', () => {
  it('is 1 up to the threshold, then follows the audience planner (⌈viewers / threshold⌉ within the throttle)', () => {
    expect(shardCount(0, 1000)).toBe(1);
    expect(shardCount(1000, 1000)).toBe(1);
    expect(shardCount(1001, 1000)).toBe(2);
    expect(shardCount(5000, 1000)).toBe(5);
    // The account throttle (10,000 posts/s): 6 shards of 1,600 posts/s (32 in flight at 20 ms) already reach it.
    expect(shardCount(10_000, 1000)).toBe(planAudience({ viewers: 10_000, messagesPerSecond: 1, shardThreshold: 1000 }).shards);
    expect(shardCount(10_000, 1000)).toBe(6);
    expect(shardCount(1_000_000, 100)).toBeLessThan(10_000);
    expect(shardCount(1_000_000, 100)).toBeLessThanOrEqual(MAX_SHARDS);
    expect(() => shardCount(10, 0)).toThrow(/threshold/);
    expect(() => shardCount(10, 2.5)).toThrow(/threshold/);
  });
});
