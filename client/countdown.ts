/**
 * The countdown to a scheduled stream's start (`startsAt`, `POST /streams`), shared by both
 * clients (web/src/core/schedule.ts, scripts/watch/status.ts): when one is due, how it reads,
 * and the clock offset it counts with (client/clock.ts keeps the best of several). Pure; times
 * are epoch milliseconds.
 */
import type { StreamStatus } from '../protocol/messages';

/** True while a stream waits for its start (`scheduled` or `awaiting_start`): a countdown is due. */
export function isPreStart(status: StreamStatus | string): boolean {
  return status === 'scheduled' || status === 'awaiting_start';
}

/**
 * Time left as `m:ss` under an hour (83_000 → "1:23"), `h:mm:ss` from an hour on
 * (3_723_000 → "1:02:03"). Rounds up to whole seconds (0.2 s left shows "0:01", so "0:00"
 * means reached); negative, NaN or infinite input formats as "0:00".
 */
export function formatCountdown(msLeft: number): string {
  const total = Number.isFinite(msLeft) && msLeft > 0 ? Math.ceil(msLeft / 1000) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * The server − local clock offset (ms) from one `ping` round trip: `sentAt`/`receivedAt` on
 * the local clock, `serverAt` = `pong.at` (all epoch ms), taken at the round trip's midpoint.
 */
export function clockOffsetMs(sentAt: number, receivedAt: number, serverAt: number): number {
  return Math.round(serverAt - (sentAt + receivedAt) / 2);
}
