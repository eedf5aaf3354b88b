/**
 * The sweeper's decisions (tennis seed "Cleanup Strategy": no clients → destroy, TTL,
 * heartbeat checks for zombie schedulers). Pure: the sweeper handler supplies the row, the
 * time and whether the stream's execution is still running.
 */
import type { StreamRow } from './model';

/** Sweeper tuning. Durations in milliseconds. */
export interface SweepConfig {
  /** A stream with no clients ends after this long (tennis seed: e.g. 5 min). */
  readonly idleTtlMs: number;
  /** Zombie restarts before a stream is marked failed. */
  readonly maxRestarts: number;
  /** How long a new execution may take to show up before a stream counts as a zombie. */
  readonly startGraceMs: number;
  /** How long a pvai/pvp stream may go without a controller connected (a reconnect's grace). */
  readonly controllerGraceMs: number;
}

/** What to do with one live stream. */
export type SweepAction =
  | { action: 'keep' }
  | { action: 'end'; reason: 'idle' | 'stopped' }
  | { action: 'restart' }
  | { action: 'fail'; failureReason: string };

/**
 * Decide one stream's fate, in this order: no clients for the idle TTL → `end idle`; a
 * pvai/pvp stream without a controller for the controller grace → `end stopped`; a
 * playing/starting stream whose execution is not running, past the start grace → `restart`,
 * or `fail` after `maxRestarts`; else `keep`. `now` is epoch ms. `executionRunning` is
 * undefined when not checked (paused and waiting streams have no execution to check).
 */
export function decideSweep(
  s: Pick<StreamRow, 'mode' | 'status' | 'clientCount' | 'idleSince' | 'controllersGoneSince' | 'updatedAt' | 'restarts'>,
  now: number,
  cfg: SweepConfig,
  executionRunning?: boolean,
): SweepAction {
  if (s.clientCount <= 0 && s.idleSince !== undefined && now - s.idleSince >= cfg.idleTtlMs) {
    return { action: 'end', reason: 'idle' };
  }
  if (s.mode !== 'spectate' && s.controllersGoneSince !== undefined && now - s.controllersGoneSince >= cfg.controllerGraceMs) {
    return { action: 'end', reason: 'stopped' };
  }
  if ((s.status === 'playing' || s.status === 'starting') && executionRunning === false && now - s.updatedAt >= cfg.startGraceMs) {
    if ((s.restarts ?? 0) >= cfg.maxRestarts) {
      return { action: 'fail', failureReason: `the player stopped and was restarted ${s.restarts ?? 0} times (zombie)` };
    }
    return { action: 'restart' };
  }
  return { action: 'keep' };
}
