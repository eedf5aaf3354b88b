import { forEachPool } from '../../../lambda/core/concurrency';

const tick = () => new Promise((r) => setImmediate(r));

describe('forEachPool', () => {
  it('runs every item once, never more than `concurrency` at a time', async () => {
    let inFlight = 0;
    let max = 0;
    const seen: number[] = [];
    await forEachPool(Array.from({ length: 50 }, (_, i) => i), 4, async (item, index) => {
      expect(index).toBe(item);
      inFlight++;
      max = Math.max(max, inFlight);
      for (let k = 0; k < (item % 3) + 1; k++) await tick();
      seen.push(item);
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(max).toBe(4);
  });

  it('pulls a lazy async source only as workers free up', async () => {
    let pulled = 0;
    let started = 0;
    async function* source() {
      for (let i = 0; i < 20; i++) {
        pulled++;
        await tick();
        yield i;
      }
    }
    const release: (() => void)[] = [];
    const done = forEachPool(source(), 3, async () => {
      started++;
      await new Promise<void>((r) => release.push(r));
    });
    for (let i = 0; i < 20; i++) await tick();
    expect(started).toBe(3);
    expect(pulled).toBeLessThanOrEqual(4); // three in hand, at most one being fetched
    for (let i = 0; i < 100 && started < 20; i++) {
      release.splice(0).forEach((r) => r());
      await tick();
      await tick();
    }
    release.splice(0).forEach((r) => r());
    await done;
    expect(started).toBe(20);
  });

  it('stops starting items after an error and rethrows it', async () => {
    const ran: number[] = [];
    await expect(
      forEachPool([1, 2, 3, 4, 5, 6, 7, 8], 2, async (n) => {
        ran.push(n);
        await tick();
        if (n === 2) throw new Error('two');
      }),
    ).rejects.toThrow('two');
    expect(ran.length).toBeLessThan(8);
  });

  it('handles an empty source and a silly concurrency', async () => {
    await expect(forEachPool([], 0, async () => undefined)).resolves.toBeUndefined();
    const ran: number[] = [];
    await forEachPool([1, 2], 0, async (n) => void ran.push(n));
    expect(ran).toEqual([1, 2]);
  });
});
