/**
 * One fan-out shard's connections: the attached connections of a stream whose connectionId
 * is in a range (core/shards.ts `ShardRange`), read from the `byStream` index.
 * Implemented by adapters/shard-connections.ts (DynamoDB).
 */
import type { ShardRange } from '../core/shards';

/** The connections of one shard of a stream. May throw `ThrottledError`/`AwsServiceError` (adapters/errors.ts). */
export interface ShardConnections {
  /**
   * The connectionIds attached to `streamId` with `range.from ≤ connectionId < range.to`, in
   * key order, each once. Eventually consistent, as every `byStream` read: a connection that
   * joined or left a moment ago may be missing or still listed; one attached throughout is
   * listed by exactly the one shard whose range holds it.
   */
  list(streamId: string, range: ShardRange, opts?: { pageSize?: number }): Promise<string[]>;
}
