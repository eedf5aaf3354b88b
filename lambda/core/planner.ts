/**
 * The tick planner: which frames go out next, when, and what the tick does with the gap
 * that follows. Pure; the tick handler (lambda/handlers/tick.ts) supplies frames, the
 * clock and the time, and acts on the answers.
 */
import type { WireFrame } from '../../protocol/messages';
import { dueAt, frameTime, type PlaybackClock } from './clock';
import { leadOf } from './lifecycle';
import { executionName } from './stream-keys';
import type { StreamRow } from '../../contract/rows';
import { MAX_ITERATIONS_PER_EXECUTION, type TickInput, type TickNext, type TickOutput } from './workflow';

/** Tuning of the planner; every field in milliseconds. */
export interface PlannerConfig {
  /**
   * Frames due within this span of the first one travel as one `frames` message, sent when
   * the last of them is due (never early). 0 batches only frames due at the same instant.
   */
  readonly batchQuantumMs: number;
  /**
   * The stream's playout buffer (StreamRow `leadMs`; docs/PROTOCOL.md "Playout buffer (1.1)"):
   * when > 0, a batch is every frame due within `max(batchQuantumMs, leadMs)` of the first,
   * sent `leadMs` before the last of them is due — so no frame goes out more than `leadMs`
   * early, and a dense recording's frames of one lead window travel in one message (split
   * only by the message size cap). Absent or 0: nothing is sent before it is due.
   */
  readonly leadMs?: number;
  /** Gaps at least this long are handed to the `Wait` state (see cost.ts). */
  readonly waitThresholdMs: number;
  /** How early a `Wait` ends before the next batch is due (Wait latency + a cold start). */
  readonly wakeLeadMs: number;
  /** Time kept in reserve before the Lambda's deadline; the tick returns rather than sleep into it. */
  readonly deadlineMarginMs: number;
}

/** The next batch of frames and its due time (wall epoch ms). */
export interface Batch {
  readonly frames: WireFrame[];
  /** When the last of its frames is due (wall epoch ms): without a playout buffer, when it is sent. */
  readonly dueAt: number;
  /**
   * With a playout buffer (`leadMs` > 0) only: when the batch is sent, wall epoch ms —
   * `dueAt − leadMs`, which is at or after every frame's due time less `leadMs` and at most
   * `leadMs` before the first frame's. Absent: it is sent at `dueAt`.
   */
  readonly sendAt?: number;
  /**
   * False when the buffer ran out while the batch could still grow (a later frame, not yet
   * read, might fall within the quantum): read more, or treat it as complete at the end of
   * the recording.
   */
  readonly complete: boolean;
}

/**
 * The batch that starts at `buffer[0]` (the stream's next frame): every following frame due
 * within `batchQuantumMs` of the first — or, with a playout buffer (`cfg.leadMs` > 0), within
 * `max(batchQuantumMs, leadMs)`, the batch then carrying `sendAt` ({@link Batch}). Returns
 * undefined for an empty buffer.
 */
export function nextBatch(
  buffer: readonly WireFrame[],
  clock: PlaybackClock,
  cfg: Pick<PlannerConfig, 'batchQuantumMs' | 'leadMs'>,
  delayMs?: number,
): Batch | undefined {
  const first = buffer[0];
  if (first === undefined) return undefined;
  const leadMs = cfg.leadMs ?? 0;
  const windowMs = Math.max(cfg.batchQuantumMs, leadMs);
  const firstDue = dueAt(clock, frameTime(first, delayMs));
  const batch = (n: number, last: number, complete: boolean): Batch =>
    leadMs > 0 ? { frames: buffer.slice(0, n), dueAt: last, sendAt: last - leadMs, complete } : { frames: buffer.slice(0, n), dueAt: last, complete };
  let last = firstDue;
  let n = 1;
  while (n < buffer.length) {
    const d = dueAt(clock, frameTime(buffer[n]!, delayMs));
    if (d - firstDue > windowMs) return batch(n, last, true);
    last = d;
    n++;
  }
  return batch(buffer.length, last, false);
}

/**
 * `frames` as they travel on `clock`'s stream: with a playout buffer (`leadMs` > 0) each
 * carries `dueAt`, its due time on `clock` rounded up to an integer epoch ms (a client shows
 * it then, never before); without one, unchanged. Pure.
 */
export function withDueAt(frames: readonly WireFrame[], clock: PlaybackClock & Pick<StreamRow, 'delayMs' | 'leadMs' | 'livePlayback'>): WireFrame[] {
  if (leadOf(clock) <= 0) return [...frames];
  return frames.map((f) => ({ ...f, dueAt: Math.ceil(dueAt(clock, frameTime(f, clock.delayMs))) }));
}

/** What the tick does about the time until the next batch is due. */
export type GapDecision =
  | { readonly action: 'sleep'; readonly ms: number }
  | { readonly action: 'return'; readonly next: 'wait'; readonly waitSeconds: number }
  | { readonly action: 'return'; readonly next: 'tick' };

/**
 * Decide how to spend a gap of `gapMs` with `remainingMs` of Lambda time left:
 * - a gap at or above the wait threshold → `Wait` for whole seconds (Step Functions takes
 *   integers only), ending `wakeLeadMs` early; the next tick sleeps the rest;
 * - a shorter gap (or none: an overdue batch, slept 0 ms) that fits before the deadline
 *   with `deadlineMarginMs` to spare (the batch's claim and fan-out) → sleep in the Lambda;
 * - otherwise → return `tick` so a fresh invocation sleeps it (or `wait` when it is long
 *   enough for a whole second).
 */
export function decideGap(gapMs: number, remainingMs: number, cfg: PlannerConfig): GapDecision {
  const waitSeconds = Math.floor((gapMs - cfg.wakeLeadMs) / 1000);
  if (gapMs >= cfg.waitThresholdMs && waitSeconds >= 1) return { action: 'return', next: 'wait', waitSeconds };
  // An overdue batch (gap ≤ 0: the tick is behind, e.g. fan-out slower than the frame rate)
  // is sent at once — but only while the deadline margin is left, or a backlogged tick would
  // never yield and run into the Lambda timeout.
  const sleepMs = Math.max(0, gapMs);
  if (sleepMs + cfg.deadlineMarginMs <= remainingMs) return { action: 'sleep', ms: sleepMs };
  if (waitSeconds >= 1) return { action: 'return', next: 'wait', waitSeconds };
  return { action: 'return', next: 'tick' };
}

/**
 * The tick's output for the workflow. After {@link MAX_ITERATIONS_PER_EXECUTION} loops a
 * `tick`/`wait` becomes `continue`: the execution starts its successor (same epoch, next
 * generation) and succeeds, keeping each execution far below the 25,000-event history limit.
 */
export function tickOutput(
  input: TickInput,
  next: TickNext,
  waitSeconds = 0,
  maxIterations = MAX_ITERATIONS_PER_EXECUTION,
): TickOutput {
  const base: TickInput = {
    streamId: input.streamId,
    epoch: input.epoch,
    generation: input.generation,
    iteration: input.iteration + 1,
  };
  if ((next === 'tick' || next === 'wait') && base.iteration >= maxIterations) {
    const generation = input.generation + 1;
    return {
      ...base,
      next: 'continue',
      waitSeconds: 0,
      successor: {
        streamId: input.streamId,
        epoch: input.epoch,
        generation,
        iteration: 0,
        name: executionName(input.streamId, input.epoch, generation),
      },
    };
  }
  return { ...base, next, waitSeconds: next === 'wait' ? waitSeconds : 0 };
}
