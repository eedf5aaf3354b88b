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
  /** Frames arriving before their due time (more than 1 ms early: Node timers round to whole ms). */
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
}

/**
 * Analyze one run. `clock` is the stream row read right after `joined`; `firstSeq` is
 * `joined.positionSeq`, `frameCount` the row's. Throws if the clock's speed is not positive.
 */
export function analyzeRun(clients: readonly ClientReport[], clock: PlaybackClock, firstSeq: number, frameCount: number): RunAnalysis {
  if (!(clock.speed > 0)) throw new Error(`stream speed must be positive, got ${clock.speed}`);
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
  const msgs = new Map<number, { count: number; lastT: number; first: number; last: number; receivers: number }>();
  const sizes: number[] = [];
  for (const c of clients) {
    if (c.endedAt !== undefined) ended++;
    const seen = new Set<number>();
    let prev = -1;
    let inOrder = true;
    const tBySeq = new Map<number, number>();
    for (const [seq, t, at] of c.frames) {
      tBySeq.set(seq, t);
      tOfSeq.set(seq, t);
      const l = at - dueAt(clock, t);
      late.push(l);
      if (l < -1) early++;
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
      const lastT = tBySeq.get(first + count - 1) ?? tBySeq.get(first) ?? 0;
      const m = msgs.get(first);
      if (!m) msgs.set(first, { count, lastT, first: at, last: at, receivers: 1 });
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
    const start = Math.max(dueAt(clock, m.lastT), previousEnd);
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
  };
}
