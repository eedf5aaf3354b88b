/**
 * The sweeper's decisions (docs/ARCHITECTURE.md "Lifecycle and cleanup": no clients → destroy, TTL,
 * heartbeat checks for zombie schedulers). Pure: the sweeper handler supplies the row, the
 * time and whether the stream's execution is still running.
 */
import type { StreamRow } from '../../contract/rows';
import { isTickable, maySweepIdle } from './lifecycle';
import { isDueToStart, scheduledStart, SCHEDULE_START_LEAD_MS } from './schedule';

/** Sweeper tuning. Durations in milliseconds. */
export interface SweepConfig {
  /** A stream with no clients ends after this long (default 5 min). */
  readonly idleTtlMs: number;
  /** Zombie restarts before a stream is marked failed. */
  readonly maxRestarts: number;
  /** How long a new execution may take to show up before a stream counts as a zombie. */
  readonly startGraceMs: number;
  /** How long a pvai/pvp stream may go without a controller connected (a reconnect's grace). */
  readonly controllerGraceMs: number;
  /** A `scheduled` stream is started once its `startsAt` is this close (default {@link SCHEDULE_START_LEAD_MS}, 90 s). */
  readonly scheduleLeadMs?: number;
}

/** What to do with one live stream. */
export type SweepAction =
  | { action: 'keep' }
  | { action: 'end'; reason: 'idle' | 'stopped' }
  | { action: 'restart' }
  | { action: 'fail'; failureReason: string }
  /**
   * Start a `scheduled` stream (→ `awaiting_start`, its execution started): its first frame
   * at `startsAt` (epoch ms; moved to now + START_LEAD_MS when the planned time was missed,
   * `lateMs` later than planned — schedule.ts `scheduledStart`).
   */
  | { action: 'start'; startsAt: number; lateMs: number };

/**
 * Decide one stream's fate, in this order:
 * - a `scheduled` stream is started once `startsAt − now ≤ scheduleLeadMs`
 *   (`start`, late streams at once — schedule.ts `scheduledStart`), else kept: it is never
 *   ended idle before it has started;
 * - no clients for the idle TTL → `end idle`, counted from `idleSince` but never from
 *   before `startsAt` (a scheduled stream nobody watched is idle from its start), and never
 *   while `awaiting_start`;
 * - a pvai/pvp stream without a controller for the controller grace → `end stopped`;
 * - a playing/starting/awaiting_start stream whose execution is not running, past the start
 *   grace → `restart`, or `fail` after `maxRestarts`;
 * - else `keep`.
 * `now` is epoch ms. `executionRunning` is undefined when not checked (paused, scheduled and
 * waiting streams have no execution to check).
 */
export function decideSweep(
  s: Pick<StreamRow, 'mode' | 'status' | 'clientCount' | 'idleSince' | 'controllersGoneSince' | 'updatedAt' | 'restarts' | 'startsAt' | 'livePlayback'>,
  now: number,
  cfg: SweepConfig,
  executionRunning?: boolean,
): SweepAction {
  if (s.status === 'scheduled') {
    if (!isDueToStart(s, now, cfg.scheduleLeadMs ?? SCHEDULE_START_LEAD_MS)) return { action: 'keep' };
    return { action: 'start', ...scheduledStart(s.startsAt ?? now, now) };
  }
  const idleFrom = s.idleSince === undefined ? undefined : Math.max(s.idleSince, s.startsAt ?? s.idleSince);
  if (maySweepIdle(s) && s.clientCount <= 0 && idleFrom !== undefined && now - idleFrom >= cfg.idleTtlMs) {
    return { action: 'end', reason: 'idle' };
  }
  if (s.mode !== 'spectate' && s.controllersGoneSince !== undefined && now - s.controllersGoneSince >= cfg.controllerGraceMs) {
    return { action: 'end', reason: 'stopped' };
  }
  // A live game's live stream has no execution: the ingest function feeds it.
  if (isTickable(s) && s.livePlayback !== 'edge' && executionRunning === false && now - s.updatedAt >= cfg.startGraceMs) {
    if ((s.restarts ?? 0) >= cfg.maxRestarts) {
      return { action: 'fail', failureReason: `the player stopped and was restarted ${s.restarts ?? 0} times (zombie)` };
    }
    return { action: 'restart' };
  }
  return { action: 'keep' };
}
