/**
 * The session acts on this container's adapters (end a stream, announce presence, read
 * frames back from the recording) for the functions not yet built on their own ports;
 * attach and detach are application/session.ts.
 */
import type { StreamRow } from '../core/model';
import type { EndReason, WireFrame } from '../../protocol/messages';
import { connections, games, streams } from './dynamo';
import { broadcaster } from './fanout';
import { log } from './log';
import { recordingStore } from './recordings';
import { frameSourceFor, type FrameHistory } from '../application/frames';
import type { FrameSource } from '../ports/frames';
import { workflow } from './workflow';
import { announcePresence as announce, PRESENCE_INTERVAL_MS } from '../application/presence';
import { systemTime } from './time';
import {
  currentExecutionArn as executionArnOf,
  endStream as end,
  MAX_FAILURE_REASON,
  untilClaimedBatchSent as waitClaimedBatch,
} from '../application/end-stream';

export { MAX_FAILURE_REASON };

/** application/end-stream.ts `currentExecutionArn` on this container's state machine. */
export function currentExecutionArn(s: Pick<StreamRow, 'streamId' | 'epoch' | 'generation'>): string {
  return executionArnOf(workflow, s);
}

/** application/end-stream.ts `untilClaimedBatchSent` on the system clock. */
export function untilClaimedBatchSent(row: Pick<StreamRow, 'anchorAt' | 'positionSeq' | 'epochStartSeq'>): Promise<void> {
  return waitClaimedBatch(systemTime, row);
}

export { PRESENCE_INTERVAL_MS };

/** application/presence.ts `announcePresence` on this container's adapters. */
export async function announcePresence(streamId: string, version?: number): Promise<void> {
  await announce({ streams: streams(), connections: connections(), broadcaster, time: systemTime, log }, streamId, version);
}

/**
 * application/end-stream.ts `endStream` on this container's adapters: the end is applied to
 * the row as it is now (re-read after each lost conditional write, a bounded number of
 * times); nothing happens when the stream has meanwhile finished.
 */
export async function endStream(
  stream: StreamRow,
  reason: EndReason,
  by: string,
  opts: { failureReason?: string; stopExecution?: boolean } = {},
): Promise<void> {
  await end({ streams: streams(), workflow, broadcaster, time: systemTime, log }, stream, reason, by, opts);
}

/** The frame source of a stream (or a game): application/frames.ts `frameSourceFor` on this container's adapters. */
export function frameSource(history: FrameHistory): FrameSource {
  return frameSourceFor({ recordings: recordingStore, games: games() }, history);
}

/**
 * Frames `[fromSeq, toSeq)` of a stream's history (its recording by byte range, or its live
 * game's chunks): `rejoin`. At most `limit` frames.
 */
export async function readFrames(stream: StreamRow, fromSeq: number, toSeq: number, limit = 5000): Promise<WireFrame[]> {
  return frameSource(stream).read(fromSeq, toSeq, limit);
}

/**
 * The first seq with media time ≥ `toMs` (seek), reading only what can hold it. Returns
 * `frameCount` when no frame is that late.
 */
export async function seqAtOrAfter(stream: FrameHistory, toMs: number): Promise<number> {
  return frameSource(stream).seqAtOrAfter(toMs);
}
