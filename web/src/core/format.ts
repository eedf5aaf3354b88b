/**
 * Pure text formatting for the browser client: durations, speeds, and the human messages for
 * protocol error codes and end reasons (PROTOCOL.md `error.code`, `ended.reason`).
 * No DOM here: unit-tested in node (test/web/format.test.ts).
 */
import type { EndReason, ErrorCode, Mode, StreamStatus } from '../../../protocol/messages';

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

/** Human title of a stream mode. */
export function modeLabel(mode: Mode | string): string {
  switch (mode) {
    case 'spectate':
      return 'Spectating';
    case 'pvai':
      return 'Player vs AI';
    case 'pvp':
      return 'PvP room';
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
      return 'Live';
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

const ERROR_TEXT: Record<ErrorCode, string> = {
  bad_request: 'The server could not accept that request.',
  unknown_action: 'The server does not know that command — this page may be out of date; reload it.',
  forbidden: 'Only the players of this stream can control playback.',
  not_found: 'That game or stream does not exist (it may have ended).',
  conflict: 'Someone else changed the stream at the same moment — try again.',
  rate_limited: 'Slow down — too many messages in a short time.',
  too_large: 'That message is too large to send.',
  internal: 'Something went wrong on the server. Please try again.',
};

/**
 * The message a person sees (in a toast) for an `error` reply. The server's own `message`
 * is appended as detail for codes where it helps (`bad_request`, `not_found`, `conflict`);
 * unknown codes fall back to the server message. Returned text is plain: render it with
 * `textContent`.
 */
export function errorText(code: string, serverMessage?: string): string {
  const known = (ERROR_TEXT as Record<string, string | undefined>)[code];
  if (!known) return serverMessage ? `Error: ${serverMessage}` : 'Something went wrong.';
  const detailed = code === 'bad_request' || code === 'not_found' || code === 'conflict';
  return detailed && serverMessage ? `${known} (${serverMessage})` : known;
}

const ENDED_TEXT: Record<EndReason, string> = {
  finished: 'The match is over — the recording has finished.',
  stopped: 'The stream was stopped by its player.',
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
