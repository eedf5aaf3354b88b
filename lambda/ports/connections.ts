/**
 * The Connections table as the use cases need it: one row per WebSocket connection
 * (contract/rows.ts `ConnectionRow`), listed per stream through the `byStream` index.
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

/**
 * A connection just attached ({@link ConnectionRegistry.attach}): the row after, and
 * `previous` — the attachment this write replaced (absent when the row was on no stream).
 * The caller uncounts `previous.streamId` when it differs from the new one, and counts the
 * new one unless it was already that stream: each change of a row's `streamId` is made by
 * exactly one write, and its writer alone moves the counts.
 */
export type AttachedConnection = ConnectionRow & { previous?: { streamId: string; role?: Role } };

/** The Connections table. Every method may throw `ThrottledError`/`AwsServiceError` (adapters/errors.ts). */
export interface ConnectionRegistry {
  /** Write (or overwrite) a row — `$connect`. */
  put(row: ConnectionRow): Promise<void>;
  /** The row, or undefined (strongly consistent). */
  get(connectionId: string): Promise<ConnectionRow | undefined>;
  /**
   * SET streamId, role — a compare-and-set on the attachment read, so it reports the one it
   * replaced (`previous`). Throws `NotFoundError` (`connection`) when the row is gone or being
   * deleted.
   */
  attach(connectionId: string, streamId: string, role: Role): Promise<AttachedConnection>;
  /**
   * REMOVE streamId, role; returns the row before (undefined when there is none). Exact: of
   * concurrent detaches, attaches and deletes only one sees each old `streamId`.
   */
  detach(connectionId: string): Promise<ConnectionRow | undefined>;
  /**
   * Delete the row (detaching it first, exactly as {@link detach}, and barring any later
   * attach); returns it as it was, or undefined. Its `streamId` is present only when this call
   * took the connection off that stream: the caller uncounts it there, once.
   */
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
