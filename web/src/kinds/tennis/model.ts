/**
 * Tennis, as text: what the scoreboard, the stats panel and the point feed show, from the
 * shared tennis state (kinds/tennis `TennisState`: every set, the current game, tie-break,
 * server, sets won and the running statistics of the whole match so far) and from a point
 * frame's data (kinds/tennis `TennisPointData`). Pure: no DOM (unit-tested in test/web/kinds-tennis.test.ts).
 */
import type { TennisPlayerStats, TennisPointData, TennisState } from '../../../../kinds/tennis';

/** One player's row of the scoreboard. */
export interface ScoreRow {
  readonly name: string;
  /** Games of every completed set, then the set in progress, as text ("6", "7"). */
  readonly sets: readonly { readonly games: string; readonly won: boolean; readonly set: number }[];
  /** Games in the set in progress ("" once the match is over). */
  readonly games: string;
  /** Points in the current game as shown ("30", "AD", tie-break "5"); "✓" for the match winner. */
  readonly points: string;
  readonly serving: boolean;
  readonly won: boolean;
  /** For screen readers: "Bartoli: sets 1, games 4, points 30, serving". */
  readonly label: string;
}

/** The whole scoreboard. */
export interface Scoreboard {
  readonly rows: readonly [ScoreRow, ScoreRow];
  /** "SET 2", "TIE-BREAK · SET 1", "Bartoli wins", "" before the first point. */
  readonly badge: string;
  readonly tiebreak: boolean;
  readonly over: boolean;
  /** The set in progress (or the last one, once the match is over), from 1. */
  readonly set: number;
  readonly pointsPlayed: number;
}

/** A short name for tight spaces: the last word ("Serena Williams" → "Williams"). */
export function shortName(name: string): string {
  const parts = name.trim().split(/\s+/);
  return parts[parts.length - 1] || name;
}

/**
 * Sets completed so far: as many as the sets won say (a set is over when its winner is
 * counted), every set once the match is over.
 */
function completedSets(s: TennisState): number {
  return s.winner !== null ? s.sets.length : Math.min(s.sets.length, s.setsWon[0] + s.setsWon[1]);
}

/** The scoreboard of a state. `names` default to the state's players. */
export function scoreboard(s: TennisState, names: readonly [string, string] = s.players): Scoreboard {
  const over = s.winner !== null;
  const done = completedSets(s);
  const current = over ? undefined : s.sets[done];
  const setNo = over ? s.sets.length : done + 1;
  const rows = [0, 1].map((i) => {
    const side = (i + 1) as 1 | 2;
    const sets = s.sets.slice(0, done).map((g, k) => ({ set: k + 1, games: String(g[i]), won: g[i]! > g[1 - i]! }));
    const games = over ? '' : String(current?.[i] ?? 0);
    const points = over ? (s.winner === side ? '✓' : '') : String(s.points[i]);
    const serving = !over && s.server === side;
    return {
      name: names[i]!,
      sets,
      games,
      points,
      serving,
      won: over && s.winner === side,
      label: `${names[i]}: sets ${s.setsWon[i]}, games ${current?.[i] ?? 0}, points ${s.points[i]}${serving ? ', serving' : ''}`,
    };
  }) as unknown as [ScoreRow, ScoreRow];
  const badge = over ? `${shortName(names[s.winner! - 1]!)} wins` : s.pointsPlayed === 0 ? '' : `${s.tiebreak ? 'TIE-BREAK · ' : ''}SET ${setNo}`;
  return { rows, badge, tiebreak: s.tiebreak && !over, over, set: setNo, pointsPlayed: s.pointsPlayed };
}

/** One row of the stats panel: label, player 1's and player 2's text, and the numbers for the bar. */
export interface StatRow {
  readonly label: string;
  readonly a: string;
  readonly b: string;
  readonly na: number;
  readonly nb: number;
}

const dash = (n: number | null) => (n === null ? '–' : String(n));
const pct = (won: number, of: number) => (of > 0 ? `${Math.round((100 * won) / of)}%` : '–');

/**
 * The stats panel: the running statistics of the whole match so far (the state's, so a late
 * joiner sees the same figures as a viewer who watched from the first point). A dash is a
 * figure the recording never carries.
 */
export function statRows(s: TennisState): StatRow[] {
  const [a, b] = s.stats;
  const row = (label: string, f: (x: TennisPlayerStats) => number | null, text: (x: TennisPlayerStats) => string = (x) => dash(f(x))): StatRow => ({
    label,
    a: text(a),
    b: text(b),
    na: f(a) ?? 0,
    nb: f(b) ?? 0,
  });
  return [
    row('Points won', (x) => x.pointsWon),
    row('Aces', (x) => x.aces),
    row('Double faults', (x) => x.doubleFaults),
    row('Winners', (x) => x.winners),
    row('Unforced errors', (x) => x.unforcedErrors),
    row('Service points won', (x) => x.servicePointsWon, (x) => (x.servicePoints > 0 ? `${x.servicePointsWon}/${x.servicePoints} (${pct(x.servicePointsWon, x.servicePoints)})` : '–')),
    row('Break points won', (x) => x.breakPointsWon, (x) => (x.breakPointChances ? `${x.breakPointsWon ?? 0}/${x.breakPointChances}` : '–')),
    row('Break points saved', (x) => x.breakPointsSaved, (x) => (x.breakPointsFaced ? `${x.breakPointsSaved ?? 0}/${x.breakPointsFaced}` : '–')),
    row('Fastest serve (km/h)', (x) => x.fastestServeKmh, (x) => (x.fastestServeKmh === null ? '–' : String(Math.round(x.fastestServeKmh)))),
  ];
}

/** The note under the stats: points played and the rally lengths, over the whole match so far. */
export function statsNote(s: TennisState): string {
  if (s.pointsPlayed === 0) return 'No points yet.';
  const r = s.rally;
  const rally = r && r.points > 0 ? ` Average rally ${(r.shots / r.points).toFixed(1)} shots (longest ${r.longest}).` : '';
  return `${s.pointsPlayed} point${s.pointsPlayed === 1 ? '' : 's'} played.${rally}`;
}

/**
 * One line about a point, e.g. "Bartoli ace · 165 km/h" or "Point Lisicki · rally 7".
 * `names` are the (short) player names, [player 1, player 2].
 */
export function describePoint(p: TennisPointData, names: readonly [string, string]): string {
  const nm = (x: 1 | 2 | undefined) => (x ? names[x - 1]! : 'Someone');
  const loser = p.winner ? ((3 - p.winner) as 1 | 2) : undefined;
  let what: string;
  if (p.ace) what = `${nm(p.server ?? p.winner)} ace`;
  else if (p.doubleFault) what = `${nm(p.server ?? loser)} double fault`;
  else if (p.cleanWinner) what = `${nm(p.winner)} winner`;
  else if (p.unforcedError) what = `${nm(loser)} unforced error`;
  else what = p.winner ? `Point ${nm(p.winner)}` : 'Point';
  const extra: string[] = [];
  if (p.breakPoint) extra.push(p.server && p.winner && p.winner !== p.server ? 'break!' : 'break point');
  if (p.serveSpeedKmh !== undefined && !p.doubleFault) extra.push(`${Math.round(p.serveSpeedKmh)} km/h`);
  if (p.rally !== undefined) extra.push(`rally ${p.rally}`);
  return [what, ...extra].join(' · ');
}

/** The score a point left, e.g. "S2 4–5 · 0–30" or "S1 6–6 · TB 3–2". */
export function scoreLine(p: TennisPointData): string {
  const pts = p.tiebreak ? `TB ${p.points[0]}–${p.points[1]}` : `${p.points[0]}–${p.points[1]}`;
  return `S${p.set} ${p.games[0]}–${p.games[1]} · ${pts}`;
}

/**
 * Player names for a match: the catalog's `participants` when given, else parsed from a title
 * like "US Open 2011 final: Serena Williams v Samantha Stosur", else undefined.
 */
export function namesFrom(title: string | undefined, participants?: readonly string[]): [string, string] | undefined {
  if (participants && participants.length >= 2 && participants[0] && participants[1]) return [participants[0], participants[1]];
  if (title) {
    const tail = title.includes(':') ? title.slice(title.lastIndexOf(':') + 1) : title;
    const m = /^\s*(.+?)\s+(?:v|vs\.?|versus|–|-)\s+(.+?)\s*$/i.exec(tail);
    if (m && m[1] && m[2]) return [m[1], m[2]];
  }
  return undefined;
}
