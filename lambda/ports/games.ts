/**
 * The Games table as the use cases need it: the catalog, and each live game's index
 * (contract/rows.ts `GameRow`). Implemented by adapters/game-catalog.ts (DynamoDB) and the
 * tests' in-memory fake.
 */
import type { GameRow, LiveChunk } from '../../contract/rows';

/** One committed append to a live game (core/live.ts `planAppend`). */
export interface LiveAppend {
  chunk: LiveChunk;
  frameCount: number;
  durationMs: number;
  /** Indexes into `chunks` whose idempotency `keys` are dropped. */
  forgetKeysOf: readonly number[];
  /**
   * The whole chunk list after this append: the row's `chunks`, the keys at `forgetKeysOf`
   * dropped, `chunk` at the end. Required when `forgetKeysOf` is not empty — the DynamoDB
   * adapter then writes the list whole (one update expression may not both append to
   * `chunks` and remove paths inside it: DynamoDB refuses overlapping document paths).
   */
  chunks?: readonly LiveChunk[];
}

/** The Games table. Every method may throw `ThrottledError`/`AwsServiceError` (adapters/errors.ts). */
export interface GameCatalog {
  /** Write (or overwrite) a recorded game's row, never over a live game's; false when a live game has the id. */
  put(row: GameRow): Promise<boolean>;
  /** The row, or undefined. `consistent`: a strongly consistent read. */
  get(gameId: string, opts?: { consistent?: boolean }): Promise<GameRow | undefined>;
  /** Create a row only if none has its id; false when one exists. */
  create(row: GameRow): Promise<boolean>;
  /** Commit an append while `frameCount` is `expectFrameCount` and the game is live; false when another won. */
  commitLiveAppend(gameId: string, expectFrameCount: number, append: LiveAppend): Promise<boolean>;
  /** Mark a live game finished; false when it is not live. */
  finishLive(gameId: string): Promise<boolean>;
  /** The catalog, at most `maxItems` rows (default 1,000), sorted by title then gameId. */
  list(opts?: { maxItems?: number; pageSize?: number }): Promise<GameRow[]>;
}
