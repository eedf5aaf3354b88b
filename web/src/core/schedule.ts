/**
 * Scheduled streams (`POST /streams`) and live games as the browser shows them, pure: the
 * countdown text to a stream's `startsAt`, the start time in the viewer's time zone, and the
 * known length of a live game that grows as its frames arrive. The server clock these count
 * against is client/clock.ts (`pong.at`). No DOM, no clock reads (callers pass `now`);
 * unit-tested in test/web/schedule.test.ts.
 *
 * Units: `startsAt`, `now` are wall-clock epoch milliseconds; `t`, `durationMs` are media
 * milliseconds; remaining times are milliseconds.
 */
import { formatCountdown, isPreStart } from '../../../client/countdown';
import type { WireFrame } from '../../../protocol/messages';

export { formatCountdown, isPreStart };

/**
 * The countdown line for a stream starting at `startsAt` seen at server time `now` (both epoch
 * ms): "Starts in 1:23", "Starts in 1:02:03", or "Starting…" once the start is reached.
 */
export function countdownText(startsAt: number, now: number): string {
  const left = startsAt - now;
  return left > 0 ? `Starts in ${formatCountdown(left)}` : 'Starting…';
}

/**
 * A start time as people read it in the viewer's time zone: "20:00" today, "Tue 20:00" within
 * the coming week, "23 Nov 20:00" beyond (both arguments epoch ms; `now` decides "today").
 */
export function formatStartTime(startsAt: number, now: number): string {
  const d = new Date(startsAt);
  if (!Number.isFinite(startsAt) || Number.isNaN(d.getTime())) return '';
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  if (sameDay) return hm;
  const days = (startsAt - now) / 86_400_000;
  if (days > 0 && days < 6) return `${WEEKDAYS[d.getDay()]} ${hm}`;
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${hm}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** What is known of a recording's length: media ms and frames. */
export interface KnownLength {
  readonly durationMs: number;
  readonly frameCount: number;
}

/**
 * A live game's length after `frames` arrived: `durationMs` grows to the largest `t`,
 * `frameCount` to the largest `seq` + 1; it never shrinks (frames removed by a seek back still
 * exist). Recorded games are returned unchanged when `live` is false (their length is fixed).
 */
export function grownLength(known: KnownLength, frames: readonly Pick<WireFrame, 'seq' | 't'>[], live: boolean): KnownLength {
  if (!live || frames.length === 0) return known;
  let durationMs = known.durationMs;
  let frameCount = known.frameCount;
  for (const f of frames) {
    if (Number.isFinite(f.t) && f.t > durationMs) durationMs = f.t;
    if (Number.isInteger(f.seq) && f.seq + 1 > frameCount) frameCount = f.seq + 1;
  }
  return durationMs === known.durationMs && frameCount === known.frameCount ? known : { durationMs, frameCount };
}
