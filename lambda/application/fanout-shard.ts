/**
 * One fan-out worker's job: post a batch of a big stream's messages to one shard of its
 * connections (core/shards.ts). The tick that hands the batch out has already fenced its epoch
 * and claimed the batch; a worker only reads its shard's connections from `byStream` and fans
 * the messages out to them, with fan-out's own rules (adapters/fanout.ts: order per
 * connection, retries, a 410 forgets that connection, timeouts keep it).
 */
import type { Broadcaster, FanOutSummary } from '../ports/broadcaster';
import type { ShardConnections, ShardJob } from '../ports/shards';

/** What one worker is given (the invocation's payload): ports/shards.ts {@link ShardJob}. */
export type FanOutShardInput = ShardJob;

/** What a worker needs. */
export interface FanOutShardPorts {
  readonly shards: ShardConnections;
  readonly broadcaster: Broadcaster;
}

/**
 * List the shard's connections, then post `messages` to them. Resolves with the fan-out's
 * summary (a client's failure is counted there, never thrown); throws when the `byStream`
 * query fails (nothing posted) or a message is over 128 KB.
 */
export async function fanOutShard(ports: FanOutShardPorts, input: FanOutShardInput): Promise<FanOutSummary> {
  const connections = await ports.shards.list(input.streamId, input.shard);
  return ports.broadcaster.fanOut(input.streamId, input.messages, { connections, ...(input.except ? { except: input.except } : {}) });
}
