/**
 * The Streams table as the use cases need it: one row per stream (contract/rows.ts
 * `StreamRow`), written conditionally on its `epoch` (the fencing token).
 * Implemented by adapters/stream-store.ts (DynamoDB) and by the in-memory fake of the tests.
 */
import type { StreamStatus } from '../../protocol/messages';
import type { StreamRow } from '../../contract/rows';

/**
 * Changes to a stream row: each present key is SET; a key whose value is `null` is REMOVEd;
 * `undefined` values are ignored. `streamId` (the key) is never changed.
 */
export type StreamChanges = { [K in keyof StreamRow]?: StreamRow[K] | null };

/** Conditions of {@link StreamStore.update} besides the epoch. */
export interface UpdateConditions {
  /** The row's `positionSeq` must still be this (a claim, a control decided on this position). */
  expectPositionSeq?: number;
  /** The row's `status` must be one of these (an empty list never matches). */
  expectStatus?: readonly StreamStatus[];
}

/**
 * A reconciliation's look at a stream's count (application/client-count.ts), stored on the
 * row as `countCheck`: the row's `clientCount` and `presenceVersion` then, the attached
 * connections `byStream` listed (`clients`), and when (`at`, epoch ms).
 */
export interface CountCheck {
  clientCount: number;
  presenceVersion: number;
  clients: number;
  at: number;
}

/** The Streams table. Every method may throw `ThrottledError`/`AwsServiceError` (adapters/errors.ts). */
export interface StreamStore {
  /** The row, or undefined. `consistent`: a strongly consistent read (before any decision). */
  get(streamId: string, opts?: { consistent?: boolean }): Promise<StreamRow | undefined>;
  /**
   * Create a row when none has its id — or, with `replaceFinishedEpoch`, replace a row still at
   * that epoch and `ended`/`failed` (or gone meanwhile). Throws `StreamExistsError` otherwise.
   */
  create(row: StreamRow, opts?: { replaceFinishedEpoch?: number }): Promise<void>;
  // A replacement keeps the finished row's `clientCount` (its connections stay attached under the id).
  /**
   * Apply `changes` while the row's `epoch` is `expectedEpoch` (and `conditions` hold).
   * Returns the row after the write. Throws `StaleEpochError` when a condition fails or
   * the row is gone.
   */
  update(streamId: string, expectedEpoch: number, changes: StreamChanges, conditions?: UpdateConditions): Promise<StreamRow>;
  /**
   * Add `delta` (±1) to `clientCount` (and 1 to `presenceVersion`), keeping `idleSince` set
   * to `now` (epoch ms) exactly while the count is ≤ 0 — applied once even when the SDK
   * retries it. Returns the row after, or undefined when the row does not exist.
   */
  addClients(streamId: string, delta: number, now?: number): Promise<StreamRow | undefined>;
  /** SET `countCheck = check` while `presenceVersion` is still `check.presenceVersion`; false otherwise. */
  noteCountCheck(streamId: string, check: CountCheck): Promise<boolean>;
  /**
   * SET `clientCount = clients` (ADD 1 to `presenceVersion`, REMOVE `countCheck`, `idleSince`
   * following) while the row still holds `check.clientCount` at `check.presenceVersion`.
   * Returns the row after, or undefined when that no longer holds.
   */
  repairClientCount(streamId: string, check: CountCheck, clients: number, now?: number): Promise<StreamRow | undefined>;
  /** SET `controllersGoneSince = now` (present false, unless set) or REMOVE it (present true). A missing row is ignored. */
  markControllers(streamId: string, present: boolean, now?: number): Promise<void>;
  /**
   * Claim the next `presence` broadcast: SET `presenceSentAt = now`, `presenceSentVersion =
   * presenceVersion` while `presenceSentAt` is still `seenAt` (absent when undefined). True when claimed.
   */
  claimPresence(streamId: string, seenAt: number | undefined, now?: number): Promise<boolean>;
  /** Rows whose status is one of `statuses` (index `byStatus`, eventually consistent), at most `maxItems` (default 5,000). */
  listByStatus(statuses: readonly StreamStatus[], opts?: { maxItems?: number; pageSize?: number }): Promise<StreamRow[]>;
}
