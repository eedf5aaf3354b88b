/**
 * The playback clock: maps media time (ms since the recording's start) to wall time
 * (epoch ms) for one stream epoch, and back. Pure; no I/O, no `Date.now()` inside.
 *
 * The rule (PROTOCOL.md "Guarantees"; docs/ARCHITECTURE.md "The Player workflow"): frame `t` is due at
 * `anchorAt + (t − positionMs) / speed`. Every control change re-anchors the clock at the
 * current instant, so position stays exact across any sequence of pause/resume/speed/seek.
 */

/** The clock fields of a `Streams` row. `anchorAt` is wall epoch ms; `positionMs` is media ms. */
export interface PlaybackClock {
  readonly anchorAt: number;
  readonly positionMs: number;
  /** Playback rate (media ms per wall ms), > 0. */
  readonly speed: number;
}

/** Wall time (epoch ms) at which media time `tMs` is due. */
export function dueAt(clock: PlaybackClock, tMs: number): number {
  return clock.anchorAt + (tMs - clock.positionMs) / clock.speed;
}

/**
 * Media time (ms) showing at wall time `now`, never before the anchor's position (before the
 * anchor — e.g. during a start lead — the clock has not started moving).
 */
export function mediaAt(clock: PlaybackClock, now: number): number {
  return clock.positionMs + Math.max(0, now - clock.anchorAt) * clock.speed;
}

/**
 * The clock re-anchored at `now`, optionally at a new speed: the media time showing at `now`
 * becomes the new `positionMs`, so frames not yet due keep their order and none becomes
 * early. `capMs` bounds the position (the recording's duration).
 */
export function rebase(clock: PlaybackClock, now: number, opts: { speed?: number; capMs?: number } = {}): PlaybackClock {
  const m = mediaAt(clock, now);
  return {
    anchorAt: now,
    positionMs: opts.capMs === undefined ? m : Math.min(m, opts.capMs),
    speed: opts.speed ?? clock.speed,
  };
}

/**
 * Media time of a frame: its `t`, or `seq × delayMs` for a stream played with a fixed spacing
 * (`delay`, for recordings without times).
 */
export function frameTime(frame: { seq: number; t: number }, delayMs?: number): number {
  return delayMs === undefined ? frame.t : frame.seq * delayMs;
}
