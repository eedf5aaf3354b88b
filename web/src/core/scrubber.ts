/**
 * The timeline as a replay scrubber, pure (no DOM; unit-tested in test/web/scrubber.test.ts):
 * the marker at or before a point (the hover and touch preview), the next and previous marker
 * (of any kind or of one kind: set, game, break, wicket, over…), the number keys 0–9 as 0–90 %
 * of the match (as asciinema's player does), and the "Share this moment" link.
 *
 * Markers are the recording's (protocol 1.1 `joined.markers`): `t` is the media time in ms,
 * `label` the kind's own words — tennis and cricket labels carry the score ("Game Bartoli
 * (3-2, set 1)", "End of over 6: {team} 45/1"), so the preview shows the label and never makes up
 * a score of its own.
 */
import type { WireMarker } from '../../../protocol/messages';
import { formatDuration } from './format';
import { routeHash } from './route';

/**
 * How far past a marker the playhead may be and still count as "at" it for "previous marker"
 * (ms): pressing previous just after a jump to a marker goes to the one before it, as a
 * media player's previous-track button does, instead of back to the same marker.
 */
export const PREV_GRACE_MS = 3_000;

/**
 * How far ahead of the playhead a marker must be for "next marker" (ms): a playhead that
 * stands on a marker (just jumped to it) does not count it as next.
 */
export const NEXT_EPSILON_MS = 500;

/** The markers sorted by media time `t` (then seq), as a new array. */
export function byTime(markers: readonly WireMarker[]): WireMarker[] {
  return [...markers].sort((a, b) => a.t - b.t || a.seq - b.seq);
}

/**
 * The last marker at or before media time `ms` (of kind `kind` when given), or undefined when
 * none is. `markers` in any order; among markers at the same `t`, the one with the highest seq.
 */
export function markerAtOrBefore(markers: readonly WireMarker[], ms: number, kind?: string): WireMarker | undefined {
  let best: WireMarker | undefined;
  for (const m of markers) {
    if (kind !== undefined && m.kind !== kind) continue;
    if (m.t > ms) continue;
    if (!best || m.t > best.t || (m.t === best.t && m.seq > best.seq)) best = m;
  }
  return best;
}

/**
 * The marker to jump to from the playhead at `positionMs` (media ms): `dir` 1 the first one
 * more than {@link NEXT_EPSILON_MS} after it, `dir` -1 the last one more than
 * {@link PREV_GRACE_MS} before it; only markers of kind `kind` when given. Undefined when there
 * is none that way (the caller leaves the playhead where it is).
 */
export function stepMarker(markers: readonly WireMarker[], positionMs: number, dir: 1 | -1, kind?: string): WireMarker | undefined {
  const list = byTime(kind === undefined ? markers : markers.filter((m) => m.kind === kind));
  if (dir === 1) return list.find((m) => m.t > positionMs + NEXT_EPSILON_MS);
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.t < positionMs - PREV_GRACE_MS) return list[i];
  return undefined;
}

/** Names of marker kinds as a jump filter shows them (plural); other kinds show as their own name. */
const KIND_NAMES: Record<string, string> = {
  set: 'Sets',
  game: 'Games',
  break: 'Breaks',
  tiebreak: 'Tie-breaks',
  matchpoint: 'Match points',
  match: 'Match',
  over: 'Overs',
  wicket: 'Wickets',
  boundary: 'Fours and sixes',
  milestone: 'Milestones',
  innings: 'Innings',
  result: 'Result',
  check: 'Checks',
  checkmate: 'Checkmate',
  capture: 'Captures',
};

/** A marker kind as the jump filter names it: "set" → "Sets", an unknown "foo" → "foo". */
export function kindName(kind: string): string {
  return KIND_NAMES[kind] ?? kind;
}

/**
 * The kinds among `markers`, each once, with how many there are, in order of first appearance
 * (by time): the choices of the "next/previous of the same kind" filter.
 */
export function markerKinds(markers: readonly WireMarker[]): { kind: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const m of byTime(markers)) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => ({ kind, count }));
}

/**
 * The preview at media time `ms` (hover or touch on the timeline): the time "h:mm:ss" and,
 * when a marker is at or before it, that marker's label — e.g. "0:41:10 · Game Bartoli (3-2, set 1)".
 * Returns `{ time, label? , markerSeq? }`; `label` is the marker's own text, unchanged.
 */
export function previewAt(markers: readonly WireMarker[], ms: number): { time: string; label?: string; markerSeq?: number } {
  const time = formatDuration(ms);
  const m = markerAtOrBefore(markers, ms);
  return m ? { time, label: m.label, markerSeq: m.seq } : { time };
}

/**
 * The media time (ms) a number key seeks to: "0"–"9" are 0 %–90 % of `durationMs` (as
 * asciinema's player does), rounded down to a whole ms. Undefined for any other key or when the
 * length is not known yet (`durationMs` ≤ 0 or not finite).
 */
export function digitKeyMs(key: string, durationMs: number): number | undefined {
  if (!/^[0-9]$/.test(key) || !Number.isFinite(durationMs) || durationMs <= 0) return undefined;
  return Math.floor((Number(key) / 10) * durationMs);
}

/**
 * The "Share this moment" link: `base` (the page's address without its hash, e.g.
 * "https://example.org/") followed by the route that opens game `gameId` as the viewer's own
 * stream ("Watch on my own", mode `pvai`) at media time `atMs`, in whole seconds (rounded down,
 * never negative) — e.g. "https://example.org/#/watch/g1?mode=pvai&at=2460000".
 */
export function shareMomentLink(base: string, gameId: string, atMs: number): string {
  const at = Number.isFinite(atMs) && atMs > 0 ? Math.floor(atMs / 1000) * 1000 : 0;
  return `${base.replace(/#.*$/, '')}${routeHash({ name: 'watch', gameId, mode: 'pvai', atMs: at })}`;
}
