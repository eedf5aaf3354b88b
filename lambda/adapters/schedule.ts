/**
 * Scheduled streams over the adapters: create one, list the streams not ended,
 * and start one when it is due (the sweeper). Decisions are core/schedule.ts's; the
 * DynamoDB access reuses dynamo.ts's conditional writes.
 */
import { OPEN_STATUSES } from '../core/lifecycle';
import type { StreamRow } from '../core/model';
import type { ScheduledStart } from '../core/schedule';
import { startScheduledStream as startScheduled } from '../application/start-scheduled';
import { createStream, listStreamsByStatus, streams } from './dynamo';
import { broadcaster } from './fanout';
import { log } from './log';
import { workflow } from './workflow';

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

/** application/start-scheduled.ts `startScheduledStream` on this container's adapters. */
export function startScheduledStream(s: StreamRow, start: ScheduledStart, now: number): Promise<StreamRow> {
  return startScheduled({ streams: streams(), broadcaster, workflow, log }, s, start, now);
}
