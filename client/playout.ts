/**
 * The client's playout queue (protocol 1.1, docs/PROTOCOL.md `joined.leadMs`): a stream with
 * `leadMs` > 0 sends each batch up to `leadMs` before its due time, every frame carrying
 * `dueAt` (the server's wall clock, epoch ms). The queue holds such frames until they are due
 * and hands them back then, never before; frames without `dueAt` (a stream with `leadMs` 0:
 * sent when due) are handed back at once.
 *
 * Rules:
 * - A frame is due at `dueAt − offset` on the local clock, where offset = server − local
 *   (client/clock.ts ServerClock, from `ping` → `pong.at`), read at every call (the estimate
 *   improves with samples).
 * - The server sends no frame more than `leadMs` before its `dueAt`, so a frame is due at the
 *   latest `leadMs` after it arrived: a frame is held no longer than that, whatever the offset
 *   says (a bad clock estimate can delay a frame by at most `leadMs`, never stall it).
 * - A `state` (pause, seek, speed, resume) or a newer epoch's `joined` starts a new epoch at
 *   `positionSeq`: every queued frame of an older epoch with seq ≥ `positionSeq` belongs to a
 *   timeline that was replaced, and is dropped ({@link PlayoutQueue.invalidate}); the stream
 *   sends again what the new epoch shows.
 * - Released frames come out in seq order.
 *
 * Shared by both clients through client/session.ts. Pure: no DOM, no Node API, no timers —
 * callers pass the clock and set their own timer for {@link PlayoutQueue.nextDueLocal}.
 * Times: `nowLocal`, `arrivedLocal` and every returned time are epoch ms on the local clock
 * (`Date.now()`); `dueAt` is epoch ms on the server's clock.
 */
import type { WireFrame } from '../protocol/messages';

/**
 * A frame's `dueAt` (epoch ms, server clock), or undefined when it has none or it is not a
 * finite number (messages are not schema-checked on the way in: a bad value counts as none,
 * and the frame is shown on arrival).
 */
export function dueAtOf(frame: WireFrame): number | undefined {
  const due: unknown = frame.dueAt;
  return typeof due === 'number' && Number.isFinite(due) ? due : undefined;
}

/** How the queue reads the clocks. */
export interface PlayoutOptions {
  /**
   * The server − local clock offset (ms) now, e.g. `() => serverClock.offsetMs`. Read at every
   * call. Default: 0 (the clocks agree).
   */
  readonly offsetMs?: () => number;
}

/** A `state` or `joined` as the queue needs it: the epoch it starts and its first seq. */
export interface EpochStart {
  readonly epoch: number;
  readonly positionSeq: number;
}

interface Queued {
  readonly frame: WireFrame;
  readonly epoch: number;
  /** `dueAt` (server epoch ms). */
  readonly dueAt: number;
  /** The latest local time (epoch ms) it may be held to: arrival + the lead then known. */
  readonly holdUntil: number;
}

/** Frames received ahead of their due time, by seq. */
export class PlayoutQueue {
  private readonly queued = new Map<number, Queued>();
  private readonly offset: () => number;
  private lead = 0;

  constructor(opts: PlayoutOptions = {}) {
    this.offset = opts.offsetMs ?? (() => 0);
  }

  /**
   * The stream's `leadMs` (ms, from `joined`): how long a frame may be held after it arrived.
   * 0 (the default) releases every frame on arrival, `dueAt` or not. Negative or non-finite
   * values count as 0.
   */
  get leadMs(): number {
    return this.lead;
  }

  set leadMs(ms: number) {
    this.lead = Number.isFinite(ms) && ms > 0 ? ms : 0;
  }

  /** How many frames wait. */
  get size(): number {
    return this.queued.size;
  }

  /** Whether the frame with this seq waits (received, not yet released). */
  has(seq: number): boolean {
    return this.queued.has(seq);
  }

  /**
   * Frames of `epoch` just taken by the frame buffer (de-duplicated, fenced), arrived at
   * `arrivedLocal`. Returns those to show at once, in seq order: frames without `dueAt`, or
   * already due (a late frame, a rejoin's replay), or when the lead is 0; the rest wait. A seq
   * already queued is replaced.
   */
  push(epoch: number, frames: readonly WireFrame[], arrivedLocal: number): WireFrame[] {
    const now: WireFrame[] = [];
    const holdUntil = arrivedLocal + this.lead;
    for (const frame of frames) {
      const dueAt = dueAtOf(frame);
      if (dueAt === undefined || this.lead === 0 || this.dueLocal(dueAt, holdUntil) <= arrivedLocal) {
        this.queued.delete(frame.seq);
        now.push(frame);
      } else {
        this.queued.set(frame.seq, { frame, epoch, dueAt, holdUntil });
      }
    }
    return now.sort((a, b) => a.seq - b.seq);
  }

  /** Every queued frame due at `nowLocal` (epoch ms, local clock), removed from the queue, in seq order. */
  release(nowLocal: number): WireFrame[] {
    const due: WireFrame[] = [];
    for (const [seq, q] of this.queued) {
      if (this.dueLocal(q.dueAt, q.holdUntil) <= nowLocal) {
        this.queued.delete(seq);
        due.push(q.frame);
      }
    }
    return due.sort((a, b) => a.seq - b.seq);
  }

  /** When the next queued frame is due (epoch ms, local clock): when to call {@link release}; undefined when none waits. */
  nextDueLocal(): number | undefined {
    let next: number | undefined;
    for (const q of this.queued.values()) {
      const at = this.dueLocal(q.dueAt, q.holdUntil);
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  /** The lowest seq waiting, or undefined when none waits. */
  firstSeq(): number | undefined {
    let first: number | undefined;
    for (const seq of this.queued.keys()) if (first === undefined || seq < first) first = seq;
    return first;
  }

  /**
   * The media time (ms, `t`) of the earliest queued frame of `epoch`, or undefined when none
   * of it waits: a playhead must not pass a frame not yet shown.
   */
  firstPendingT(epoch: number): number | undefined {
    let first: Queued | undefined;
    for (const q of this.queued.values()) if (q.epoch === epoch && (!first || q.frame.seq < first.frame.seq)) first = q;
    return first?.frame.t;
  }

  /**
   * A `state` (pause, seek, speed, resume) or a `joined` started `state.epoch` at
   * `state.positionSeq`: drops every queued frame of an older epoch with seq ≥ positionSeq
   * (never to be shown). Returns the dropped seqs, ascending. Frames of that epoch or a newer
   * one, and older frames before positionSeq, stay.
   */
  invalidate(state: EpochStart): number[] {
    const dropped: number[] = [];
    for (const [seq, q] of this.queued) {
      if (q.epoch < state.epoch && seq >= state.positionSeq) {
        this.queued.delete(seq);
        dropped.push(seq);
      }
    }
    return dropped.sort((a, b) => a - b);
  }

  /** Drop the queued frames with these seqs (the frame buffer removed them); returns those that were queued. */
  drop(seqs: readonly number[]): number[] {
    return seqs.filter((seq) => this.queued.delete(seq));
  }

  /** Drop everything (the stream ended, or a different stream). */
  clear(): void {
    this.queued.clear();
  }

  /** Local due time (epoch ms): `dueAt` corrected by the offset, held no later than `holdUntil`. */
  private dueLocal(dueAt: number, holdUntil: number): number {
    const offset = this.offset();
    return Math.min(dueAt - (Number.isFinite(offset) ? offset : 0), holdUntil);
  }
}
