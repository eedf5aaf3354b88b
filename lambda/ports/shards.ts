/**
 * Sharded fan-out of a big stream: one shard's connections — the attached connections of a
 * stream whose connectionId is in a range (core/shards.ts `ShardRange`), read from the
 * `byStream` index (implemented by adapters/shard-connections.ts, DynamoDB) — and the
 * workers a shard's batch is handed to (implemented by the tests' fakes; on AWS a
 * synchronous invocation of the fan-out function, all shards at once).
 */
import type { ServerMessage } from '../../protocol/messages';
import type { ShardRange } from '../core/shards';
import type { FanOutSummary } from './broadcaster';

/** One worker's job: a batch of a stream's messages for one shard of its connections. */
export interface ShardJob {
  /** The stream whose connections are posted to. */
  readonly streamId: string;
  /** The batch, in order (each at most 128 KB serialized, API Gateway quotas). */
  readonly messages: readonly ServerMessage[];
  /** This worker's share of the connectionIds. */
  readonly shard: ShardRange;
  /** A connectionId to skip (the sender of an `input` relay). */
  readonly except?: string;
}

/** Where shard jobs go. */
export interface ShardWorkers {
  /**
   * Run `job` on a worker and resolve with its fan-out summary once it has posted. The caller
   * runs every shard of a batch at once and waits for all of them before its next batch, so
   * each connection gets the stream's messages in order (wire protocol: frames in seq order
   * within an epoch) — a worker that only queued its job could be overtaken by the next
   * batch's. Rejects when the job could not be run or the worker failed; the caller then posts
   * that shard itself (a worker that failed midway may have reached some of its connections
   * already: those get the batch twice, which clients drop by seq).
   */
  run(job: ShardJob): Promise<FanOutSummary>;
}

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
