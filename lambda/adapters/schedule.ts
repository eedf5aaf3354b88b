/**
 * Scheduled streams over the adapters: create one, list the streams not ended,
 * and start one when it is due (the sweeper). Decisions are core/schedule.ts's; the
 * DynamoDB access reuses dynamo.ts's conditional writes.
 */
import { stateMessage } from '../core/control';
import { OPEN_STATUSES } from '../core/lifecycle';
import type { StreamRow } from '../core/model';
import type { ScheduledStart } from '../core/schedule';
import { executionName } from '../core/stream-keys';
import { createStream, listStreamsByStatus, updateStream } from './dynamo';
import { fanOut } from './fanout';
import { logger } from './log';
import { executionArnFor, startExecution } from './workflow';

/**
 * Create a scheduled stream's row (core/schedule.ts `newScheduledStreamRow`) with the
 * conditional put of every new stream (`attribute_not_exists(streamId)`).
 * Throws `StreamExistsError` when a row has this id (a collision of the random id part:
 * draw another), `AwsServiceError`/`ThrottledError` when DynamoDB fails.
 */
export async function createScheduledStream(row: StreamRow): Promise<void> {
  if (row.status !== 'scheduled') throw new Error(`createScheduledStream: ${row.streamId} has status ${row.status}, not scheduled`);
  await createStream(row);
}

/**
 * Every stream not ended or failed (`scheduled`, `awaiting_start`, `starting`, `playing`,
 * `paused`), from the `byStatus` index (eventually consistent), at most 5,000.
 */
export async function listOpenStreams(): Promise<StreamRow[]> {
  return listStreamsByStatus(OPEN_STATUSES);
}

/**
 * Start a `scheduled` stream (the sweeper, when `startsAt` is within its lead): one
 * conditional update — still `scheduled` at the epoch read — to `awaiting_start` with its
 * first-frame time `start.startsAt` (also `anchorAt`, epoch ms) and the `executionArn` it is
 * about to have; then a `state` (by `system`) to its viewers; then StartExecution named
 * `executionName(streamId, epoch)` with `{ streamId, epoch, generation: 0, iteration: 0 }`
 * (a duplicate start is a no-op). Returns the updated row.
 *
 * Throws `StaleEpochError` when the row is no longer `scheduled` at that epoch (another
 * sweep started it, or it was ended): nothing was done. A crash after the update leaves an
 * `awaiting_start` row without an execution, which the sweeper's zombie check restarts.
 */
export async function startScheduledStream(s: StreamRow, start: ScheduledStart, now: number): Promise<StreamRow> {
  const name = executionName(s.streamId, s.epoch);
  const updated = await updateStream(
    s.streamId,
    s.epoch,
    {
      status: 'awaiting_start',
      startsAt: start.startsAt,
      anchorAt: start.startsAt,
      generation: 0,
      executionArn: executionArnFor(name),
      updatedAt: now,
    },
    { expectStatus: ['scheduled'] },
  );
  await fanOut(s.streamId, [stateMessage(updated, 'system')]);
  await startExecution(name, { streamId: s.streamId, epoch: s.epoch, generation: 0, iteration: 0 });
  const fields = { streamId: s.streamId, epoch: s.epoch, startsAt: start.startsAt, plannedAt: s.startsAt, lateMs: start.lateMs };
  if (start.lateMs > 0) logger.warn('scheduled stream started late: it plays shifted by lateMs', fields);
  else logger.info('scheduled stream started', fields);
  return updated;
}
