/** The Lambda entry of a composition root (adapters/lazy-handler.ts): built once, on the first invocation. */
import { lazyHandler } from '../../../lambda/adapters/lazy-handler';

describe('lazyHandler', () => {
  it('builds on the first invocation, not before, and reuses what it built', async () => {
    let builds = 0;
    const handler = lazyHandler(() => {
      builds++;
      return async (event: { n: number }) => event.n * 2;
    });
    expect(builds).toBe(0);
    expect(await handler({ n: 2 })).toBe(4);
    expect(await handler({ n: 5 })).toBe(10);
    expect(builds).toBe(1);
  });

  it('rejects the invocation whose build throws, and builds again on the next', async () => {
    let builds = 0;
    const handler = lazyHandler(() => {
      if (++builds === 1) throw new Error('environment variable STREAMS_TABLE is required but not set');
      return async () => 'ok';
    });
    await expect(handler()).rejects.toThrow(/STREAMS_TABLE/);
    expect(await handler()).toBe('ok');
    expect(builds).toBe(2);
  });
});
