/**
 * Pure text formatting for the browser client: durations, speeds, and the human messages for
 * end reasons (PROTOCOL.md `ended.reason`); the sentences for `error` replies are in ./errors.ts.
 * No DOM here: unit-tested in node (test/web/format.test.ts).
 */
import type { EndReason, Mode, StreamStatus } from '../../../protocol/messages';

/**
 * Format a duration in milliseconds as `h:mm:ss` (e.g. 4_885_000 → "1:21:25").
 * Negative, NaN or infinite input formats as "0:00:00"; fractions of a second are dropped.
 */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** A playback rate as a label: 0.5 → "0.5×", 16 → "16×". */
export function formatSpeed(speed: number): string {
  return `${Number.isFinite(speed) ? +speed.toFixed(2) : 1}×`;
}

/**
 * A stream mode as the way to watch it is named (core/watch.ts): `spectate` "Watch with
 * everyone" (the shared stream), `pvai` "Watch on my own" (there is no AI: it is one viewer's
 * own stream), `pvp` "Watch party" (an invite link); any other mode as it is.
 */
export function modeLabel(mode: Mode | string): string {
  switch (mode) {
    case 'spectate':
      return 'Watch with everyone';
    case 'pvai':
      return 'Watch on my own';
    case 'pvp':
      return 'Watch party';
    default:
      return String(mode);
  }
}

/** Human label of a stream status (PROTOCOL.md `status`). */
export function statusLabel(status: StreamStatus | string): string {
  switch (status) {
    case 'scheduled':
      return 'Scheduled';
    case 'awaiting_start':
      return 'Starting soon';
    case 'starting':
      return 'Starting';
    case 'playing':
      // Not "Live": a stream of a recording plays "as if live", but only a live game is live (core/live.ts).
      return 'Playing';
    case 'paused':
      return 'Paused';
    case 'ended':
      return 'Ended';
    case 'failed':
      return 'Failed';
    default:
      return String(status);
  }
}

const ENDED_TEXT: Record<EndReason, string> = {
  finished: 'The match is over — the recording has finished.',
  stopped: 'The stream was stopped (by a player or an operator, or its players left).',
  idle: 'The stream closed because nobody was watching.',
  failed: 'The stream failed on the server.',
  max_duration: 'The stream reached its maximum duration.',
};

/** Banner text for an `ended` message's `reason`. */
export function endedText(reason: string): string {
  return (ENDED_TEXT as Record<string, string | undefined>)[reason] ?? `The stream ended (${reason}).`;
}

/** Clock time of a chat line, `HH:MM` in the viewer's locale-neutral 24 h form. */
export function formatClockTime(epochMs: number): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '';
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
