/**
 * The pace of screen-reader announcements of new points, balls and frames: at 64× a point
 * arrives every few hundred ms, far faster than a screen reader can speak, so at most one
 * announcement per {@link ANNOUNCE_GAP_MS}; what arrived in between is summed up in the next one
 * ("…, and 3 more"). Pure: the caller passes the clock (ms) and owns the timer and the live
 * region. Unit-tested in test/web/announce.test.ts.
 */

/** Least time between two announcements (ms). */
export const ANNOUNCE_GAP_MS = 4000;

/** What to do after {@link AnnounceThrottle.push}: speak `say` now, or call `flush` at `dueAt` (ms). */
export type AnnounceStep = { readonly say: string } | { readonly dueAt: number } | Record<string, never>;

/** Collects lines and lets one announcement through per gap. */
export class AnnounceThrottle {
  private lastAt = -Infinity;
  private latest: string | undefined;
  private skipped = 0;
  private waiting = false;

  constructor(private readonly gapMs = ANNOUNCE_GAP_MS) {}

  /** A new line at time `now` (ms): spoken at once when the gap has passed, else held for {@link flush}. */
  push(line: string, now: number): AnnounceStep {
    if (this.latest !== undefined) this.skipped++;
    this.latest = line;
    if (now - this.lastAt >= this.gapMs) return { say: this.take(now) };
    if (this.waiting) return {};
    this.waiting = true;
    return { dueAt: this.lastAt + this.gapMs };
  }

  /** The held announcement at time `now` (ms), or undefined when there is none. */
  flush(now: number): string | undefined {
    this.waiting = false;
    return this.latest === undefined ? undefined : this.take(now);
  }

  /** Forget what is held (the stream was left or replaced). */
  reset(): void {
    this.latest = undefined;
    this.skipped = 0;
    this.waiting = false;
  }

  private take(now: number): string {
    const text = this.skipped > 0 ? `${this.latest}, and ${this.skipped} more` : this.latest!;
    this.lastAt = now;
    this.latest = undefined;
    this.skipped = 0;
    return text;
  }
}
