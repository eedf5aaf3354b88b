/**
 * Turning what the viewers received into the benchmark's figures. Pure: no I/O, no clock.
 *
 * - **Lateness** of a frame at a viewer = arrival − due time, where due time is
 *   `anchorAt + (t − positionMs) / speed` (lambda/core/clock.ts `dueAt`) on the stream row's
 *   clock read right after `joined` (the claim writes keep that line, so one read serves
 *   the whole epoch). Milliseconds; negative would mean early.
 * - **Completeness**: a viewer is complete when it received exactly the expected seqs
 *   (`positionSeq` at `joined` … `frameCount − 1`), each once, in order.
 * - **Fan-out** of one `frames` message: the tick claims a batch, sleeps until it is due,
 *   then fans it out, one batch after the other. So message i's fan-out runs from
 *   `max(due_i, last arrival of message i−1)` to its own last arrival at any viewer (when
 *   the previous fan-out overran the gap, the next one starts as soon as it ends: that
 *   backlog is lateness, not fan-out time). Deliveries/s = Σ posts (message × viewer) /
 *   Σ those busy intervals, which do not overlap.
 *
 * With a playout buffer (`leadMs` > 0: the stream sends a batch `leadMs` before its last frame
 * is due, so no frame goes out more than `leadMs` before its due time, and every frame carries
 * `dueAt`, the server's epoch ms at which a viewer shows it — docs/PROTOCOL.md "Playout buffer"):
 * - a message's fan-out starts at `max(due of its last frame − leadMs, previous fan-out's end)`;
 * - *early* counts frames that arrived more than `leadMs` (+ 1 ms) before their due time,
 *   i.e. sent before the buffer allows;
 * - {@link PlayoutFigures}: the share of (viewer, frame) pairs that arrived at or before
 *   their `dueAt` (+ the viewer's clock offset), and *display lateness* =
 *   `max(arrival, dueAt + offset) − due`: when the viewer can show the frame, against when it
 *   was due (≈ 0 when the frame was buffered in time, its lateness when it came too late).
 */
import { dueAt, type PlaybackClock } from '../../lambda/engine';
import type { ClientReport } from './viewers';
import { summarize, type Summary } from './stats';

/** The figures of one spectator run. Times in ms unless named otherwise. */
export interface RunAnalysis {
  viewers: number;
  expectedFrames: number;
  /** frames messages the stream sent (distinct first seqs seen). */
  messages: number;
  /** Lateness of every (viewer, frame) received, ms. */
  lateness: Summary;
  /** Lateness of the first viewer to get each frame (the fan-out's head: claim + query + one post), ms. */
  firstArrivalLateness: Summary;
  /** Per message: last arrival − first arrival across viewers (the fan-out queue), ms. */
  spreadMs: Summary;
  /** Per message: its fan-out's busy interval (see the module note), ms. */
  fanOutMs: Summary;
  /** Wall time between consecutive frames' due times, (t[i+1] − t[i]) / speed, ms: the time one fan-out has before the next is due. */
  frameGapMs: Summary;
  /** Frames arriving more than `leadMs` + 1 ms before their due time (Node timers round to whole ms). */
  early: number;
  completeness: {
    /** Viewers that got every expected frame, each once, in order. */
    complete: number;
    /** Viewers that got `ended`. */
    ended: number;
    /** Expected (viewer, frame) pairs never received. */
    missing: number;
    duplicates: number;
    outOfOrder: number;
  };
  fanOut: {
    /** PostToConnection deliveries of frames messages (message × viewer). */
    posts: number;
    /** frames × viewers delivered. */
    frameDeliveries: number;
    /** Σ over messages of their fan-out busy intervals, seconds. */
    seconds: number;
    postsPerSecond: number;
    frameDeliveriesPerSecond: number;
  };
  /** Median `frames` message size, bytes. */
  medianMessageBytes: number;
  /** The stream's playout lead (`joined.leadMs`), ms; 0 without a buffer. */
  leadMs: number;
  /** Figures of the playout buffer; present when `leadMs` > 0 or a frame carried `dueAt`. */
  playout?: PlayoutFigures;
}

/** What a viewer with a playout buffer sees. Times in ms. */
export interface PlayoutFigures {
  /** (viewer, frame) pairs received. */
  pairs: number;
  /** Of them, pairs whose frame carried `dueAt`. */
  withDueAt: number;
  /** Pairs that arrived at or before their `dueAt` (+ offset); a frame without `dueAt` counts when it arrived by its due time. */
  beforeDueAt: number;
  /** beforeDueAt / pairs (NaN without pairs). */
  shareBeforeDueAt: number;
  /** max(arrival, dueAt + offset) − due, over every pair, ms. */
  displayLateness: Summary;
  /** How far ahead of due each pair arrived: due − arrival, ms (positive = buffered). */
  headroom: Summary;
  /** `dueAt` − due on the stream clock, over frames with `dueAt` (the server rounds to whole ms). */
  dueAtSkew: Summary;
}

/** Options of {@link analyzeRun}. */
export interface AnalyzeOptions {
  /** The stream's playout lead, ms (`joined.leadMs`). @default 0 */
  leadMs?: number;
  /** The viewers' clock offset to the server (server − viewer, ms), added to `dueAt`. @default 0 (same machine) */
  clockOffsetMs?: number;
}

/**
 * Analyze one run. `clock` is the stream row read right after `joined`; `firstSeq` is
 * `joined.positionSeq`, `frameCount` the row's; `opts.leadMs` the stream's playout lead.
 * Throws if the clock's speed is not positive or `leadMs` / `clockOffsetMs` is not finite
 * (`leadMs` must also be ≥ 0).
 */
export function analyzeRun(clients: readonly ClientReport[], clock: PlaybackClock, firstSeq: number, frameCount: number, opts: AnalyzeOptions = {}): RunAnalysis {
  if (!(clock.speed > 0)) throw new Error(`stream speed must be positive, got ${clock.speed}`);
  const leadMs = opts.leadMs ?? 0;
  const offset = opts.clockOffsetMs ?? 0;
  if (!(Number.isFinite(leadMs) && leadMs >= 0)) throw new Error(`leadMs must be a finite number ≥ 0, got ${leadMs}`);
  if (!Number.isFinite(offset)) throw new Error(`clockOffsetMs must be finite, got ${offset}`);
  const display: number[] = [];
  const headroom: number[] = [];
  const skew: number[] = [];
  let withDueAt = 0;
  let beforeDueAt = 0;
  const expected = Math.max(0, frameCount - firstSeq);
  const late: number[] = [];
  let early = 0;
  let complete = 0;
  let ended = 0;
  let missing = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  const firstAt = new Map<number, number>();
  const tOfSeq = new Map<number, number>();
  const msgs = new Map<number, { count: number; firstT: number; lastT: number; first: number; last: number; receivers: number }>();
  const sizes: number[] = [];
  for (const c of clients) {
    if (c.endedAt !== undefined) ended++;
    const seen = new Set<number>();
    let prev = -1;
    let inOrder = true;
    const tBySeq = new Map<number, number>();
    for (const [seq, t, at, serverDueAt] of c.frames) {
      tBySeq.set(seq, t);
      tOfSeq.set(seq, t);
      const due = dueAt(clock, t);
      const l = at - due;
      late.push(l);
      if (l < -leadMs - 1) early++;
      const shownAt = serverDueAt !== undefined ? serverDueAt + offset : due;
      if (serverDueAt !== undefined) {
        withDueAt++;
        skew.push(serverDueAt - due);
      }
      if (at <= shownAt) beforeDueAt++;
      display.push(Math.max(at, shownAt) - due);
      headroom.push(due - at);
      const f = firstAt.get(seq);
      if (f === undefined || l < f) firstAt.set(seq, l);
      if (seen.has(seq)) duplicates++;
      seen.add(seq);
      if (seq <= prev) {
        outOfOrder++;
        inOrder = false;
      }
      prev = seq;
    }
    let got = 0;
    for (let s = firstSeq; s < frameCount; s++) if (seen.has(s)) got++;
    missing += expected - got;
    if (got === expected && seen.size === c.frames.length && c.frames.length === expected && inOrder) complete++;
    for (const [first, count, at, bytes] of c.messages) {
      sizes.push(bytes);
      const firstT = tBySeq.get(first) ?? 0;
      const lastT = tBySeq.get(first + count - 1) ?? firstT;
      const m = msgs.get(first);
      if (!m) msgs.set(first, { count, firstT, lastT, first: at, last: at, receivers: 1 });
      else {
        m.first = Math.min(m.first, at);
        m.last = Math.max(m.last, at);
        m.receivers++;
      }
    }
  }
  let posts = 0;
  let frameDeliveries = 0;
  let ms = 0;
  const spread: number[] = [];
  const busy: number[] = [];
  let previousEnd = Number.NEGATIVE_INFINITY;
  for (const [, m] of [...msgs.entries()].sort((a, b) => a[0] - b[0])) {
    posts += m.receivers;
    frameDeliveries += m.receivers * m.count;
    // A batch goes out `leadMs` (0 without a buffer) before its last frame is due.
    const sendAt = dueAt(clock, m.lastT) - leadMs;
    const start = Math.max(sendAt, previousEnd);
    const span = Math.max(0, m.last - start);
    busy.push(span);
    ms += span;
    previousEnd = Math.max(previousEnd, m.last);
    spread.push(m.last - m.first);
  }
  sizes.sort((a, b) => a - b);
  const ts = [...tOfSeq.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
  const gaps = ts.slice(1).map((t, i) => (t - ts[i]!) / clock.speed);
  const seconds = ms / 1000;
  return {
    viewers: clients.length,
    expectedFrames: expected,
    messages: msgs.size,
    lateness: summarize(late),
    firstArrivalLateness: summarize([...firstAt.values()]),
    spreadMs: summarize(spread),
    fanOutMs: summarize(busy),
    frameGapMs: summarize(gaps),
    early,
    completeness: { complete, ended, missing, duplicates, outOfOrder },
    fanOut: {
      posts,
      frameDeliveries,
      seconds,
      postsPerSecond: seconds > 0 ? posts / seconds : NaN,
      frameDeliveriesPerSecond: seconds > 0 ? frameDeliveries / seconds : NaN,
    },
    medianMessageBytes: sizes.length ? sizes[Math.floor(sizes.length / 2)]! : 0,
    leadMs,
    ...(leadMs > 0 || withDueAt > 0
      ? {
          playout: {
            pairs: late.length,
            withDueAt,
            beforeDueAt,
            shareBeforeDueAt: late.length > 0 ? beforeDueAt / late.length : NaN,
            displayLateness: summarize(display),
            headroom: summarize(headroom),
            dueAtSkew: summarize(skew),
          },
        }
      : {}),
  };
}
