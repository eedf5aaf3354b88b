/**
 * Text helpers shared by the CLIs (`npm run watch`, `streams`, `ingest`, `publish`): media
 * times, playback rates, relative and wall-clock times, and cleaning text others wrote before it
 * reaches a terminal. Pure: no I/O, no clock reads (the caller passes `now`); unit-tested in
 * test/scripts/lib/format.test.ts. What `watch` prints per message and per frame is in
 * scripts/watch/ (status.ts, view.ts) and the kinds' views (kinds/<kind>/watch.ts).
 *
 * Units: `ms` is milliseconds (media or elapsed); `thenMs`, `nowMs`, `epochMs`, `now` are epoch
 * milliseconds.
 */
import { withoutControls } from '../../protocol/cricket-notation';

/** Milliseconds as `h:mm:ss` (`3723000` → `1:02:03`; negatives clamp to `0:00:00`; seconds truncate). */
export function formatClock(ms: number): string {
  const total = Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 1000)) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** A playback rate as shown to people: `4×`, `0.25×`, `1.5×`. */
export function formatSpeed(speed: number): string {
  return `${Number(speed.toFixed(2))}×`;
}

/**
 * How long ago `thenMs` was, relative to `nowMs` (both epoch ms): `just now` (under 1 s),
 * `3s ago`, `5m ago`, `2h ago`, `3d ago`; a time in the future (clock skew) is `in 3s`;
 * undefined is `never`.
 */
export function formatRelative(thenMs: number | undefined, nowMs: number): string {
  if (thenMs === undefined || !Number.isFinite(thenMs)) return 'never';
  const diff = nowMs - thenMs;
  const abs = Math.abs(diff);
  if (abs < 1000) return 'just now';
  const s = Math.floor(abs / 1000);
  const text = s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : s < 86400 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86400)}d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** Wall-clock time (epoch ms) as `HH:MM:SS` in this machine's time zone, plus ` YYYY-MM-DD` when not on `now`'s day. */
export function formatWallClock(epochMs: number, now: number = epochMs): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '?';
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? time : `${time} ${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/**
 * Remove control characters (ESC, CR, …) from text others wrote, keeping it on one line: a
 * chat line or a recording's title must not drive the terminal.
 */
export const clean = withoutControls;
