/**
 * Sharded fan-out of a big stream: one shard's connections — the attached connections of a
 * stream whose connectionId is in a range (core/shards.ts `ShardRange`), read from the
 * `byStream` index (implemented by adapters/shard-connections.ts, DynamoDB) — and the
 * workers a shard's batch is handed to (implemented by the tests' fakes; on AWS an
 * asynchronous invocation of the fan-out function).
 */
import type { ServerMessage } from '../../protocol/messages';
import type { ShardRange } from '../core/shards';

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
   * Hand `job` to a worker (asynchronously: resolves once the job is accepted, not when it is
   * done). Rejects when it could not be handed over; the caller then posts that shard itself.
   */
  start(job: ShardJob): Promise<void>;
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
