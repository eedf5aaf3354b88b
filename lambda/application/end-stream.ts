/**
 * Ending a stream — `stop` by its player, the sweeper (idle, no controllers, failed), the
 * tick (finished, max_duration, failed), a live game's finish — and waiting for the last
 * batch a fenced-off tick claimed.
 */
import { NO_QUOTAS, type UserQuotas } from '../ports/quotas';
import type { EndReason } from '../../protocol/messages';
import { stateMessage } from '../core/control';
import { isFinished } from '../core/lifecycle';
import type { StreamRow } from '../../contract/rows';
import { executionName } from '../core/stream-keys';
import type { Broadcaster } from '../ports/broadcaster';
import type { Log } from '../ports/log';
import type { StreamStore } from '../ports/streams';
import type { Time } from '../ports/time';
import type { Workflow } from '../ports/workflow';
import { StaleEpochError } from '../ports/errors';

/** Seconds a finished stream row is kept before DynamoDB TTL may delete it: a day. */
export const FINISHED_ROW_TTL_SECONDS = 24 * 3600;
/** Longest `failureReason` stored (characters). */
export const MAX_FAILURE_REASON = 512;
/**
 * Conditional writes an end tries before it gives up (each after a consistent re-read): the
 * row may move on between the read and the write (a control bumped the epoch, a tick
 * claimed a batch), and each lost write means a newer row to end.
 */
export const MAX_END_ATTEMPTS = 8;
/** Time (ms) after a batch is due by which the tick's fan-out has listed the stream's connections. */
export const FANOUT_SETTLE_MS = 250;
/** Longest wait (ms) of {@link untilClaimedBatchSent}. */
const CLAIMED_BATCH_WAIT_MS = 2000;

/** Ports of {@link endStream}. */
export interface EndStreamPorts {
  streams: Pick<StreamStore, 'get' | 'update'>;
  workflow: Pick<Workflow, 'arnFor' | 'stop'>;
  broadcaster: Pick<Broadcaster, 'fanOut'>;
  time: Time;
  log: Log;
  /** The stream's `streams`, `executions` and `scheduled` quota slots are released; default none. */
  quotas?: Pick<UserQuotas, 'release'>;
}

/**
 * The ARN of the execution now serving the stream: its epoch's, at its current
 * continue-as-new generation (the tick records the generation when a successor starts).
 */
export function currentExecutionArn(workflow: Pick<Workflow, 'arnFor'>, s: Pick<StreamRow, 'streamId' | 'epoch' | 'generation'>): string {
  return workflow.arnFor(executionName(s.streamId, s.epoch, s.generation));
}

/**
 * Wait until the last batch the stream's tick claimed has been fanned out: once claimed, a
 * batch is sent when due — `row.anchorAt` (epoch ms) — and its fan-out lists the connections
 * within {@link FANOUT_SETTLE_MS}. Call it after fencing the tick off (a new epoch, a finished
 * status) with the row as it was when fenced, before broadcasting `state` or `ended`, so no
 * frame of the old epoch arrives after them. Returns at once when no claimed batch can still
 * be in flight (none claimed in this epoch, or due long ago); waits at most 2 s.
 */
export async function untilClaimedBatchSent(time: Time, row: Pick<StreamRow, 'anchorAt' | 'positionSeq' | 'epochStartSeq'>): Promise<void> {
  if (row.positionSeq <= row.epochStartSeq) return;
  const waitMs = Math.min(row.anchorAt + FANOUT_SETTLE_MS - time.now(), CLAIMED_BATCH_WAIT_MS);
  if (waitMs > 0) await time.sleep(waitMs);
}

/**
 * End a stream: status `ended` (or `failed` for reason `failed`, with `failureReason` cut to
 * {@link MAX_FAILURE_REASON} characters), `expiresAt` a day on, then stop its execution
 * (unless the caller is that execution: `stopExecution: false`) and broadcast `state` and
 * `ended` to the stream.
 *
 * The write is conditional on the row's epoch. When it loses (a control, restart or tick
 * changed the row since it was read) the row is read again and the end is applied to the
 * newer row, up to {@link MAX_END_ATTEMPTS} writes; a row that has meanwhile gone or finished
 * needs no end. Returns the ended row, or undefined when there was nothing to end.
 * Throws {@link StaleEpochError} only when every attempt lost (the stream kept changing),
 * and the ports' AWS errors.
 */
export async function endStream(
  ports: EndStreamPorts,
  stream: StreamRow,
  reason: EndReason,
  by: string,
  opts: { failureReason?: string; stopExecution?: boolean } = {},
): Promise<StreamRow | undefined> {
  const { failureReason, stopExecution: stop = true } = opts;
  const now = ports.time.now();
  const changes: Partial<StreamRow> = {
    status: reason === 'failed' ? 'failed' : 'ended',
    endedReason: reason,
    updatedAt: now,
    expiresAt: Math.floor(now / 1000) + FINISHED_ROW_TTL_SECONDS,
    ...(failureReason === undefined ? {} : { failureReason: failureReason.slice(0, MAX_FAILURE_REASON) }),
  };
  let current = stream;
  for (let attempt = 1; ; attempt++) {
    try {
      current = await ports.streams.update(current.streamId, current.epoch, changes);
      break;
    } catch (e) {
      if (!(e instanceof StaleEpochError) || attempt >= MAX_END_ATTEMPTS) throw e;
      const fresh = await ports.streams.get(current.streamId, { consistent: true });
      if (!fresh || isFinished(fresh)) return undefined;
      current = fresh;
    }
  }
  ports.log.info('stream ended', { streamId: current.streamId, reason, by, failureReason });
  for (const r of ['streams', 'executions', 'scheduled'] as const) await (ports.quotas ?? NO_QUOTAS).release(r, current.streamId);
  // The tick ends its own execution by returning `end`; stopping it would mark it ABORTED.
  if (stop) {
    await ports.workflow.stop(currentExecutionArn(ports.workflow, current), `stream ${reason}`);
    // Fenced off (no longer playing), its tick may still be sending a batch it claimed.
    await untilClaimedBatchSent(ports.time, current);
  }
  await ports.broadcaster.fanOut(current.streamId, [stateMessage(current, by), { type: 'ended', streamId: current.streamId, reason }]);
  return current;
}
