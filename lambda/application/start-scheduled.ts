/** Starting a scheduled stream when it is due: the sweeper, and `POST /streams` for a start within the lead. */
import { stateMessage } from '../core/control';
import type { StreamRow } from '../../contract/rows';
import type { ScheduledStart } from '../core/schedule';
import { executionName } from '../core/stream-keys';
import type { Broadcaster } from '../ports/broadcaster';
import type { Log } from '../ports/log';
import type { StreamStore } from '../ports/streams';
import type { Workflow } from '../ports/workflow';

/** Ports of {@link startScheduledStream}. */
export interface StartScheduledPorts {
  streams: Pick<StreamStore, 'update'>;
  broadcaster: Pick<Broadcaster, 'fanOut'>;
  workflow: Pick<Workflow, 'arnFor' | 'start'>;
  log: Log;
}

/**
 * Start a `scheduled` stream (when `startsAt` is within its lead, core/schedule.ts): one
 * conditional update — still `scheduled` at the epoch read — to `awaiting_start` with its
 * first-frame time `start.startsAt` (also `anchorAt`, epoch ms) and the `executionArn` it is
 * about to have; then a `state` (by `system`) to its viewers; then StartExecution named
 * `executionName(streamId, epoch)` with `{ streamId, epoch, generation: 0, iteration: 0 }`
 * (a duplicate start is a no-op). Returns the updated row. `now` is epoch ms.
 *
 * Throws `StaleEpochError` when the row is no longer `scheduled` at that epoch (another
 * sweep started it, or it was ended): nothing was done. A crash after the update leaves an
 * `awaiting_start` row without an execution, which the sweeper's zombie check restarts.
 */
export async function startScheduledStream(ports: StartScheduledPorts, s: StreamRow, start: ScheduledStart, now: number): Promise<StreamRow> {
  const name = executionName(s.streamId, s.epoch);
  const updated = await ports.streams.update(
    s.streamId,
    s.epoch,
    {
      status: 'awaiting_start',
      startsAt: start.startsAt,
      anchorAt: start.startsAt,
      generation: 0,
      executionArn: ports.workflow.arnFor(name),
      updatedAt: now,
    },
    { expectStatus: ['scheduled'] },
  );
  await ports.broadcaster.fanOut(s.streamId, [stateMessage(updated, 'system')]);
  await ports.workflow.start(name, { streamId: s.streamId, epoch: s.epoch, generation: 0, iteration: 0 });
  const fields = { streamId: s.streamId, epoch: s.epoch, startsAt: start.startsAt, plannedAt: s.startsAt, lateMs: start.lateMs };
  if (start.lateMs > 0) ports.log.warn('scheduled stream started late: it plays shifted by lateMs', fields);
  else ports.log.info('scheduled stream started', fields);
  return updated;
}
