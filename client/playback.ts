/**
 * Playback controls as both clients offer them (the web client's buttons and keys, the
 * terminal client's keys): ONE speed ladder, ONE seek step, and the playhead estimate between
 * two `state` messages. Pure: callers pass the clock.
 *
 * Units: `positionMs`, `durationMs`, `toMs` are media milliseconds; `anchorAt`, `now` are
 * readings of one local clock in milliseconds (any monotonic clock: `Date.now()`,
 * `performance.now()`); speeds are playback rates (1 = real time).
 */
import { MAX_SPEED, MIN_SPEED, type StreamStatus } from '../protocol/messages';

/**
 * The speeds a viewer steps through, slowest first: every doubling from the protocol's
 * {@link MIN_SPEED} (0.25×) to its {@link MAX_SPEED} (64×).
 */
export const SPEED_STEPS: readonly number[] = ladder(MIN_SPEED, MAX_SPEED);

/** How far one seek step (← / →) moves, in media ms. */
export const SEEK_STEP_MS = 30_000;

/**
 * The step of {@link SPEED_STEPS} above (`dir` 1) or below (`dir` −1) `speed`; a speed
 * between two steps (a `?speed=3` link) goes to the nearest step in that direction (4 or 2).
 * At either end of the ladder it returns that end.
 */
export function stepSpeed(speed: number, dir: 1 | -1): number {
  if (dir > 0) return SPEED_STEPS.find((s) => s > speed + 1e-9) ?? SPEED_STEPS[SPEED_STEPS.length - 1]!;
  return [...SPEED_STEPS].reverse().find((s) => s < speed - 1e-9) ?? SPEED_STEPS[0]!;
}

/**
 * The `toMs` of a seek to media time `toMs`, made valid for the `seek` action: rounded to
 * whole ms and clamped to `[0, durationMs]` (the server refuses a `toMs` past the stream's
 * `durationMs` with `bad_request`).
 */
export function clampSeekMs(toMs: number, durationMs: number): number {
  const end = Math.max(0, Number.isFinite(durationMs) ? durationMs : 0);
  return Math.round(Math.min(Math.max(0, Number.isFinite(toMs) ? toMs : 0), end));
}

/** The `toMs` of one seek step from `positionMs`: `dir` 1 forward, −1 back ({@link SEEK_STEP_MS}, clamped). */
export function seekStepMs(positionMs: number, dir: 1 | -1, durationMs: number): number {
  return clampSeekMs(positionMs + dir * SEEK_STEP_MS, durationMs);
}

/** How far PageUp / PageDown move the timeline slider, in media ms (ten seek steps). */
export const PAGE_STEP_MS = 10 * SEEK_STEP_MS;

/**
 * The `toMs` a key asks for on the timeline slider (WAI-ARIA Authoring Practices, "Slider
 * pattern": arrows one step, PageUp/PageDown a larger step, Home/End the ends): ← / ↓ and → / ↑
 * one {@link SEEK_STEP_MS}, PageDown / PageUp one {@link PAGE_STEP_MS}, Home 0, End `durationMs`;
 * clamped. Undefined for any other key (`key` is `KeyboardEvent.key`).
 */
export function sliderKeyMs(key: string, positionMs: number, durationMs: number): number | undefined {
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return seekStepMs(positionMs, -1, durationMs);
    case 'ArrowRight':
    case 'ArrowUp':
      return seekStepMs(positionMs, 1, durationMs);
    case 'PageDown':
      return clampSeekMs(positionMs - PAGE_STEP_MS, durationMs);
    case 'PageUp':
      return clampSeekMs(positionMs + PAGE_STEP_MS, durationMs);
    case 'Home':
      return 0;
    case 'End':
      return clampSeekMs(durationMs, durationMs);
    default:
      return undefined;
  }
}

/** The last known playback state: from `joined`, then every `state`. */
export interface PlayheadAnchor {
  readonly status: StreamStatus;
  readonly speed: number;
  /** Media time (ms) at `anchorAt`. */
  readonly positionMs: number;
  /** When that was true, on the caller's clock (ms). */
  readonly anchorAt: number;
}

/**
 * The media position (ms) at `now`: `positionMs` advanced at `speed` since `anchorAt` while
 * `playing`, standing still otherwise; clamped to `[0, durationMs]`.
 */
export function playheadMs(anchor: PlayheadAnchor, now: number, durationMs: number): number {
  const advanced = anchor.status === 'playing' ? anchor.positionMs + Math.max(0, now - anchor.anchorAt) * anchor.speed : anchor.positionMs;
  return Math.min(Math.max(0, advanced), Math.max(0, durationMs));
}

function ladder(min: number, max: number): number[] {
  const steps: number[] = [];
  for (let s = min; s <= max; s *= 2) steps.push(s);
  return steps;
}
