/**
 * The sweeper (EventBridge, every minute): starts scheduled streams whose `startsAt` is
 * within its lead (→ `awaiting_start`, execution started; core/schedule.ts), ends
 * streams idle past their TTL and pvai/pvp
 * streams whose controllers stayed away past their grace (`stopped`), restarts a
 * playing stream whose execution died (a zombie) from its persisted position — or fails it
 * after too many restarts — and forgets connections past `expiresAt` (API Gateway does not
 * guarantee `$disconnect`). docs/ARCHITECTURE.md "Lifecycle and cleanup".
 */
import { START_LEAD_MS, stateMessage } from '../core/control';
import { needsExecution, OPEN_STATUSES } from '../core/lifecycle';
import type { StreamRow } from '../core/model';
import { scheduledStart } from '../core/schedule';
import { decideSweep, type SweepConfig } from '../core/sweep';
import { executionName } from '../core/stream-keys';
import { ENV, numberEnv } from '../adapters/config';
import { listExpiredConnections, listStreamsByStatus, updateStream } from '../adapters/dynamo';
import { StaleEpochError } from '../adapters/errors';
import { fanOut, forgetConnection } from '../adapters/fanout';
import { logger } from '../adapters/log';
import { startScheduledStream } from '../adapters/schedule';
import { currentExecutionArn, endStream, untilClaimedBatchSent } from '../adapters/session';
import { describeExecution, executionArnFor, startExecution } from '../adapters/workflow';

const cfg: SweepConfig = {
  idleTtlMs: numberEnv(ENV.idleTtlSeconds, 300) * 1000,
  maxRestarts: 3,
  startGraceMs: numberEnv(ENV.zombieGraceSeconds, 60) * 1000,
  controllerGraceMs: numberEnv(ENV.controllerGraceSeconds, 30) * 1000,
};

/** Result counts, for logs and tests. */
export interface SweepReport {
  streams: number;
  /** Scheduled streams started (→ `awaiting_start`). */
  started: number;
  ended: number;
  restarted: number;
  failed: number;
  connectionsForgotten: number;
}

/** Sweep once at `now` (epoch ms). */
export async function sweep(now = Date.now()): Promise<SweepReport> {
  const report: SweepReport = { streams: 0, started: 0, ended: 0, restarted: 0, failed: 0, connectionsForgotten: 0 };
  for (const c of await listExpiredConnections(Math.floor(now / 1000))) {
    await forgetConnection(c.connectionId);
    report.connectionsForgotten++;
  }
  for (const s of await listStreamsByStatus(OPEN_STATUSES)) {
    report.streams++;
    const running = needsExecution(s) ? await isRunning(s) : undefined;
    const d = decideSweep(s, now, cfg, running);
    try {
      if (d.action === 'end') {
        await endStream(s, d.reason, 'system');
        report.ended++;
      } else if (d.action === 'fail') {
        await endStream(s, 'failed', 'system', { failureReason: d.failureReason });
        report.failed++;
      } else if (d.action === 'restart') {
        await restart(s, now);
        report.restarted++;
      } else if (d.action === 'start') {
        await startScheduledStream(s, d, now);
        report.started++;
      }
    } catch (e) {
      if (!(e instanceof StaleEpochError)) throw e; // someone changed it meanwhile: next sweep sees the new state
    }
  }
  logger.info('sweep', { ...report });
  return report;
}

async function isRunning(s: StreamRow): Promise<boolean> {
  const status = await describeExecution(currentExecutionArn(s));
  return status === 'RUNNING';
}

/**
 * Restart a zombie from its persisted position under a new epoch. An `awaiting_start` one
 * stays `awaiting_start` with its first frame still at `startsAt` — or, when that
 * has been missed, shifted to now + START_LEAD_MS (core/schedule.ts `scheduledStart`).
 */
async function restart(s: StreamRow, now: number): Promise<void> {
  const epoch = s.epoch + 1;
  const name = executionName(s.streamId, epoch);
  const waiting = s.status === 'awaiting_start' ? scheduledStart(s.startsAt ?? now, now) : undefined;
  // Conditional on positionSeq too: the listed row may be stale (a GSI read) and a tick still
  // running in its Lambda may have claimed a batch since — then epochStartSeq would be wrong.
  const updated = await updateStream(s.streamId, s.epoch, {
    epoch,
    generation: 0,
    ...(waiting ? { status: 'awaiting_start', startsAt: waiting.startsAt, anchorAt: waiting.startsAt } : { status: 'playing', anchorAt: now + START_LEAD_MS }),
    epochStartSeq: s.positionSeq,
    restarts: (s.restarts ?? 0) + 1,
    executionArn: executionArnFor(name),
    updatedAt: now,
  }, { expectPositionSeq: s.positionSeq, ...(waiting ? { expectStatus: ['awaiting_start' as const] } : {}) });
  // A new epoch is announced like any control change, before its first frame (due ≥ 1 s later)
  // and after the last batch a still-running tick of the old epoch claimed.
  await untilClaimedBatchSent(s);
  await fanOut(s.streamId, [stateMessage(updated, 'system')]);
  await startExecution(name, { streamId: s.streamId, epoch, generation: 0, iteration: 0 });
  logger.warn('zombie stream restarted', { streamId: s.streamId, epoch, positionSeq: s.positionSeq });
}

export const handler = async (): Promise<SweepReport> => sweep();
