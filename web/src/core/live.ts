/**
 * The player's live indicator, pure (unit-tested in test/web/live.test.ts): whether a stream IS
 * a live game's live stream (the LIVE badge), or a replay of a live game (then "Behind live by
 * M:SS" and a Jump to live button), and the text of that lag.
 *
 * docs/HTTP-API.md "Live games" → "Watching": `start` with `mode: "spectate"` and no `atMs` on a
 * live game joins its live stream `spectate:{gameId}` (`joined.live: true`); `start` with `atMs`
 * or `mode: "pvai"` plays what exists as the viewer's own replay (`mode: "pvai"`), which reports
 * `joined.live: true` too. So `live` alone does not say "this is the live stream": the mode does.
 *
 * Units: every time here is media milliseconds.
 */
import type { JoinedMessage } from '../../../protocol/messages';

/** The part of `joined` the indicator reads. */
export type LiveFacts = Pick<JoinedMessage, 'live' | 'mode' | 'streamId' | 'gameId'>;

/** What the player shows about live-ness. */
export type LiveKind =
  /** The live game's live stream: the one LIVE badge. */
  | 'live'
  /** A replay of a game that is still live: "Behind live by M:SS" and Jump to live, no LIVE badge. */
  | 'replay-of-live'
  /** A recording (or a live game that has finished): no live indicator at all. */
  | 'recording';

/**
 * Classify a stream from its `joined`: `live` for a live game's live stream (`live: true`,
 * `mode: "spectate"`, streamId `spectate:{gameId}`), `replay-of-live` for any other stream of a
 * live game, `recording` otherwise. `ended` (the session's `live` turning false) makes it a
 * recording: pass `live: false` then.
 */
export function liveKind(j: LiveFacts | undefined): LiveKind {
  if (!j || j.live !== true) return 'recording';
  return j.mode === 'spectate' && j.streamId === `spectate:${j.gameId}` ? 'live' : 'replay-of-live';
}

/**
 * How far a replay's playhead is behind the live game's newest frame (media ms, never below 0):
 * `liveHeadMs` is the live game's length as last reported (the stream's growing `durationMs`, or
 * the catalog's, whichever is larger), `playheadMs` the replay's playhead.
 */
export function behindLiveMs(liveHeadMs: number, playheadMs: number): number {
  if (!Number.isFinite(liveHeadMs) || !Number.isFinite(playheadMs)) return 0;
  return Math.max(0, liveHeadMs - playheadMs);
}

/**
 * A lag as "M:SS" (or "H:MM:SS" from an hour), whole seconds rounded down: 83_500 → "1:23",
 * 3_725_000 → "1:02:05", 0 or less → "0:00".
 */
export function formatLag(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Under this lag (ms) a replay counts as caught up: the newest frames are a moment away. */
export const CAUGHT_UP_MS = 2000;

/** The indicator's text: "Behind live by 1:23", or "Caught up with live" under {@link CAUGHT_UP_MS}. */
export function behindLiveText(ms: number): string {
  return ms < CAUGHT_UP_MS ? 'Caught up with live' : `Behind live by ${formatLag(ms)}`;
}
