import { randomBytes } from 'node:crypto';
import { ShardedBroadcaster } from '../../../lambda/adapters/sharded-fanout';
import { inShard, shardCount, type ShardRange } from '../../../lambda/core/shards';
import type { Broadcaster, FanOutRequest } from '../../../lambda/ports/broadcaster';
import type { ShardJob } from '../../../lambda/ports/shards';
import type { ServerMessage } from '../../../protocol/messages';

const ids = Array.from({ length: 5000 }, () => randomBytes(11).toString('base64'));
const frame: ServerMessage = { type: 'frames', streamId: 's', epoch: 3, frames: [{ seq: 7, t: 0, type: 'point', data: {} }] };

/** The inner broadcaster, the workers and the shard lister, recorded. */
function rig(opts: { refuse?: (job: ShardJob) => boolean; maxJobBytes?: number } = {}) {
  const innerCalls: Array<{ streamId: string; messages: readonly ServerMessage[]; opts: FanOutRequest }> = [];
  const jobs: ShardJob[] = [];
  const inner: Broadcaster = {
    fanOut: async (streamId, messages, o = {}) => {
      innerCalls.push({ streamId, messages, opts: o });
      const n = o.connections?.length ?? ids.length;
      return { connections: n, delivered: n, gone: [], failed: [] };
    },
    post: async () => 'sent',
  };
  const b = new ShardedBroadcaster({
    inner,
    threshold: 1000,
    maxJobBytes: opts.maxJobBytes,
    workers: {
      run: async (job) => {
        if (opts.refuse?.(job)) throw new Error('TooManyRequestsException');
        jobs.push(job);
        // The worker's own summary: its shard's connections, all reached.
        const n = ids.filter((id) => inShard(id, job.shard)).length;
        return { connections: n, delivered: n, gone: [], failed: [] };
      },
    },
    shards: { list: async (_s: string, r: ShardRange) => ids.filter((id) => inShard(id, r)).sort() },
  });
  return { b, innerCalls, jobs };
}

describe('ShardedBroadcaster', () => {
  it('posts itself at or below the threshold, without an audience, and to an explicit list', async () => {
    const { b, innerCalls, jobs } = rig();
    await b.fanOut('s', [frame], { audience: 1000 });
    await b.fanOut('s', [frame]);
    await b.fanOut('s', [frame], { audience: 5000, connections: ['a', 'b'] });
    expect(innerCalls.map((c) => c.opts)).toEqual([{ audience: 1000 }, {}, { audience: 5000, connections: ['a', 'b'] }]);
    expect(jobs).toEqual([]);
  });

  it('runs the batch on the planner\'s number of workers above it, whose ranges hold every connection exactly once', async () => {
    const { b, innerCalls, jobs } = rig();
    const r = await b.fanOut('s', [frame, frame], { audience: ids.length, except: ids[0] });
    expect(jobs).toHaveLength(shardCount(ids.length, 1000));
    expect(jobs.length).toBeGreaterThan(1);
    // Resolved once every worker answered, with their summaries summed.
    expect(r).toEqual({ connections: ids.length, delivered: ids.length, gone: [], failed: [], handedOff: jobs.length });
    expect(innerCalls).toEqual([]);
    for (const job of jobs) expect(job).toMatchObject({ streamId: 's', messages: [frame, frame], except: ids[0] });
    for (const id of ids) expect(jobs.filter((j) => inShard(id, j.shard))).toHaveLength(1);
  });

  it('posts a shard itself when its worker failed: every connection reached exactly once', async () => {
    const { b, innerCalls, jobs } = rig({ refuse: (job) => job.shard.from === undefined || job.shard.to === undefined });
    const r = await b.fanOut('s', [frame], { audience: ids.length });
    expect(r.handedOff).toBe(jobs.length);
    expect(innerCalls).toHaveLength(2); // the first and the last shard
    const postedHere = innerCalls.flatMap((c) => c.opts.connections ?? []);
    expect(r.connections).toBe(ids.length);
    for (const id of ids) {
      const handed = jobs.filter((j) => inShard(id, j.shard)).length;
      const here = postedHere.filter((x) => x === id).length;
      expect([id, handed + here]).toEqual([id, 1]);
    }
  });

  it('posts a batch itself that would be over the invocation payload quota in one job', async () => {
    const { b, innerCalls, jobs } = rig({ maxJobBytes: 200 });
    await b.fanOut('s', [frame, frame], { audience: ids.length });
    expect(jobs).toEqual([]);
    expect(innerCalls).toHaveLength(1);
    expect(innerCalls[0]!.opts).toEqual({ audience: ids.length });
  });

  it('refuses a threshold that is not a whole number ≥ 1, once, at construction', () => {
    const inner = { fanOut: async () => ({ connections: 0, delivered: 0, gone: [], failed: [] }), post: async () => 'sent' as const };
    for (const threshold of [0, -5, 2.5, NaN]) {
      expect(() => new ShardedBroadcaster({ inner, threshold, workers: { run: async () => ({ connections: 0, delivered: 0, gone: [], failed: [] }) }, shards: { list: async () => [] } })).toThrow(/threshold/);
    }
  });
});
