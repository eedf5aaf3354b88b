/**
 * The Connections table as the use cases need it: one row per WebSocket connection
 * (core/model.ts `ConnectionRow`), listed per stream through the `byStream` index.
 * Implemented by adapters/connection-registry.ts (DynamoDB) and the tests' in-memory fake.
 */
import type { Role } from '../../protocol/messages';
import type { ConnectionRow } from '../../contract/rows';
import type { BucketWrite } from '../core/rate-limit';

/** A connection as the `byStream` index projects it. */
export interface StreamConnection {
  connectionId: string;
  userId: string;
  displayName: string;
  role: Role;
}

/** Presence counts of a stream: every attached connection, by role. */
export interface PresenceCounts {
  clients: number;
  players: number;
  spectators: number;
}

/** The Connections table. Every method may throw `ThrottledError`/`AwsServiceError` (adapters/errors.ts). */
export interface ConnectionRegistry {
  /** Write (or overwrite) a row — `$connect`. */
  put(row: ConnectionRow): Promise<void>;
  /** The row, or undefined (strongly consistent). */
  get(connectionId: string): Promise<ConnectionRow | undefined>;
  /** SET streamId, role; returns the row after. Throws `NotFoundError` (`connection`) when the row is gone. */
  attach(connectionId: string, streamId: string, role: Role): Promise<ConnectionRow>;
  /** REMOVE streamId, role; returns the row before (undefined when there is none). Atomic. */
  detach(connectionId: string): Promise<ConnectionRow | undefined>;
  /** Delete the row; returns it as it was, or undefined. */
  delete(connectionId: string): Promise<ConnectionRow | undefined>;
  /** SET lastSeenAt = now (epoch ms); false when the row is gone (it is not recreated). */
  touch(connectionId: string, now: number): Promise<boolean>;
  /** A rate bucket's stored `tat` (epoch ms) in `attribute`; `exists` false when the row is gone. */
  getRateBucket(connectionId: string, attribute: string): Promise<{ exists: boolean; tat: unknown }>;
  /** Store a granted token conditionally (core/rate-limit.ts `BucketWrite`); false when the condition failed. */
  writeRateBucket(connectionId: string, attribute: string, write: BucketWrite): Promise<boolean>;
  /** The connections attached to a stream, a page at a time (eventually consistent). */
  listByStream(streamId: string, opts?: { pageSize?: number }): AsyncIterable<StreamConnection[]>;
  /** Presence counts of a stream. */
  countByStream(streamId: string): Promise<PresenceCounts>;
  /** Rows whose `expiresAt` (epoch **seconds**) is before `nowSeconds`, at most `maxItems` (default 1,000). */
  listExpired(nowSeconds: number, opts?: { maxItems?: number }): Promise<ConnectionRow[]>;
}
