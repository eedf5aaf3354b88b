/**
 * The sweep (docs/ARCHITECTURE.md "Lifecycle and cleanup"): starts scheduled streams whose
 * `startsAt` is within its lead (→ `awaiting_start`, execution started; core/schedule.ts),
 * ends streams idle past their TTL and pvai/pvp streams whose controllers stayed away past
 * their grace (`stopped`), restarts a playing stream whose execution died (a zombie) from its
 * persisted position — or fails it after too many restarts — and forgets connections past
 * `expiresAt` (API Gateway does not guarantee `$disconnect`). Decisions are core/sweep.ts's.
 *
 * Gauges (contract/metrics.ts), once per sweep, of the open streams it listed: `ActiveStreams`
 * (one data point per mode and status present) and `Viewers` (their `clientCount`s summed,
 * after any repair).
 */
import { START_LEAD_MS, stateMessage } from '../core/control';
import { needsExecution } from '../core/lifecycle';
import { OPEN_STATUSES, type StreamRow } from '../../contract/rows';
import { scheduledStart } from '../core/schedule';
import { executionName } from '../core/stream-keys';
import { decideSweep, type SweepConfig } from '../core/sweep';
import type { Broadcaster } from '../ports/broadcaster';
import type { ConnectionRegistry } from '../ports/connections';
import { StaleEpochError } from '../ports/errors';
import type { Log } from '../ports/log';
import { NO_METRICS, type Metrics } from '../ports/metrics';
import type { StreamStore } from '../ports/streams';
import type { Time } from '../ports/time';
import type { Workflow } from '../ports/workflow';
import { reconcileClientCount } from './client-count';
import { currentExecutionArn, endStream, untilClaimedBatchSent } from './end-stream';
import { forgetConnection } from './forget-connection';
import { startScheduledStream } from './start-scheduled';

/** Ports of {@link runSweep}. */
export interface SweepPorts {
  streams: StreamStore;
  connections: ConnectionRegistry;
  broadcaster: Broadcaster;
  workflow: Workflow;
  time: Time;
  log: Log;
  /** ActiveStreams, Viewers (default: nowhere). */
  metrics?: Metrics;
}

/** Result counts, for logs and tests. */
export interface SweepReport {
  streams: number;
  /** Scheduled streams started (→ `awaiting_start`). */
  started: number;
  ended: number;
  restarted: number;
  failed: number;
  connectionsForgotten: number;
  /** Streams whose drifted `clientCount` was set back to the connections attached (client-count.ts). */
  countsRepaired: number;
}

/**
 * Sweep once at `now` (epoch ms): forget the expired connections, then decide each open
 * stream (core/sweep.ts `decideSweep`, with whether its execution is RUNNING when it needs
 * one) and act. A stream changed meanwhile (StaleEpochError) is left to the next sweep.
 * Throws the ports' AWS errors.
 */
export async function runSweep(ports: SweepPorts, cfg: SweepConfig, now: number): Promise<SweepReport> {
  const report: SweepReport = { streams: 0, started: 0, ended: 0, restarted: 0, failed: 0, connectionsForgotten: 0, countsRepaired: 0 };
  for (const c of await ports.connections.listExpired(Math.floor(now / 1000))) {
    await forgetConnection(ports, c.connectionId, now);
    report.connectionsForgotten++;
  }
  const active = new Map<string, { mode: string; status: string; count: number }>();
  let viewers = 0;
  for (let s of await ports.streams.listByStatus(OPEN_STATUSES)) {
    report.streams++;
    // The idle TTL and the viewer limit read the count: a drifted one is repaired first, so a
    // quiet stream (no presence broadcast to repair it) is not ended with viewers attached.
    if ((await reconcileClientCount(ports, s.streamId, now)) === 'repaired') {
      report.countsRepaired++;
      s = (await ports.streams.get(s.streamId, { consistent: true })) ?? s;
    }
    const key = `${s.mode} ${s.status}`;
    const entry = active.get(key) ?? { mode: s.mode, status: s.status, count: 0 };
    entry.count++;
    active.set(key, entry);
    viewers += s.clientCount;
    const running = needsExecution(s) ? (await ports.workflow.describe(currentExecutionArn(ports.workflow, s))) === 'RUNNING' : undefined;
    const d = decideSweep(s, now, cfg, running);
    try {
      if (d.action === 'end') {
        await endStream(ports, s, d.reason, 'system');
        report.ended++;
      } else if (d.action === 'fail') {
        await endStream(ports, s, 'failed', 'system', { failureReason: d.failureReason });
        report.failed++;
      } else if (d.action === 'restart') {
        await restart(ports, s, now);
        report.restarted++;
      } else if (d.action === 'start') {
        await startScheduledStream(ports, s, d, now);
        report.started++;
      }
    } catch (e) {
      if (!(e instanceof StaleEpochError)) throw e; // someone changed it meanwhile: next sweep sees the new state
    }
  }
  const metrics = ports.metrics ?? NO_METRICS;
  for (const { mode, status, count } of active.values()) metrics.add('ActiveStreams', count, { mode, status });
  metrics.add('Viewers', viewers);
  ports.log.info('sweep', { ...report });
  return report;
}

/**
 * Restart a zombie from its persisted position under a new epoch. An `awaiting_start` one
 * stays `awaiting_start` with its first frame still at `startsAt` — or, when that
 * has been missed, shifted to now + START_LEAD_MS (core/schedule.ts `scheduledStart`).
 */
async function restart(ports: SweepPorts, s: StreamRow, now: number): Promise<void> {
  const epoch = s.epoch + 1;
  const name = executionName(s.streamId, epoch);
  const waiting = s.status === 'awaiting_start' ? scheduledStart(s.startsAt ?? now, now) : undefined;
  // Conditional on positionSeq too: the listed row may be stale (a GSI read) and a tick still
  // running in its Lambda may have claimed a batch since — then epochStartSeq would be wrong.
  const updated = await ports.streams.update(s.streamId, s.epoch, {
    epoch,
    generation: 0,
    ...(waiting ? { status: 'awaiting_start', startsAt: waiting.startsAt, anchorAt: waiting.startsAt } : { status: 'playing', anchorAt: now + START_LEAD_MS }),
    epochStartSeq: s.positionSeq,
    restarts: (s.restarts ?? 0) + 1,
    executionArn: ports.workflow.arnFor(name),
    updatedAt: now,
  }, { expectPositionSeq: s.positionSeq, ...(waiting ? { expectStatus: ['awaiting_start' as const] } : {}) });
  // A new epoch is announced like any control change, before its first frame (due ≥ 1 s later)
  // and after the last batch a still-running tick of the old epoch claimed.
  await untilClaimedBatchSent(ports.time, s);
  await ports.broadcaster.fanOut(s.streamId, [stateMessage(updated, 'system')]);
  await ports.workflow.start(name, { streamId: s.streamId, epoch, generation: 0, iteration: 0 });
  ports.log.warn('zombie stream restarted', { streamId: s.streamId, epoch, positionSeq: s.positionSeq });
}
