/**
 * Scheduled streams (`POST /streams`) as the browser shows them, pure: the countdown text to a
 * stream's `startsAt` and the start time in the viewer's time zone. The server clock these
 * count against is client/clock.ts (`pong.at`); a live game's growing length is
 * client/session.ts. No DOM, no clock reads (callers pass `now`); unit-tested in
 * test/web/schedule.test.ts.
 *
 * Units: `startsAt`, `now` are wall-clock epoch milliseconds; remaining times are milliseconds.
 */
import { formatCountdown, isPreStart } from '../../../client/countdown';

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
