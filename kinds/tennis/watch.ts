/**
 * Tennis in `npm run watch`: the scoreboard of a {@link TennisState} — every set's games,
 * the current game's points, who serves, sets won — and both players' statistics, plus one
 * line per point (score after it, server, who won it and how). Pure.
 *
 * Units: `t` is ms on the recording's clock; serve speeds are km/h.
 */
import type { Json, WireFrame } from '../kind';
import type { KindWatch } from '../watch';
import { reducerView } from '../generic/watch';
import { tennis, type TennisPlayerStats, type TennisPointData, type TennisState } from './index';

/** The last word of a name ("Serena Williams" → "Williams"), for one-line output. */
export function shortName(name: string): string {
  const parts = name.trim().split(/\s+/);
  return parts[parts.length - 1] || name;
}

/**
 * The scoreboard and statistics of a tennis state:
 * ```
 *   Roger Federer  •   4  7  6   30
 *   Andy Murray        6  5  3   15
 *   sets 2-1 · 173 points played · tie-break
 *                        Federer  Murray
 *   points won               90      83
 *   aces                     10       4
 *   …
 * ```
 * `•` marks who serves next; a count the recording never carried shows `–`.
 */
export function renderTennis(s: TennisState): string[] {
  const names = s.players;
  const width = Math.max(names[0].length, names[1].length, 6);
  const row = (i: 0 | 1) => {
    const serve = s.winner === null && s.server === i + 1 ? '•' : ' ';
    const games = s.sets.map((g) => String(g[i]).padStart(3)).join('');
    const pts = s.winner === null ? `   ${(s.points[i] ?? '').padStart(3)}` : s.winner === i + 1 ? '   won' : '';
    return `  ${names[i].padEnd(width)}  ${serve} ${games}${pts}`;
  };
  const status = [`sets ${s.setsWon[0]}-${s.setsWon[1]}`, `${s.pointsPlayed} point${s.pointsPlayed === 1 ? '' : 's'} played`];
  if (s.bestOf) status.push(`best of ${s.bestOf}`);
  if (s.tiebreak) status.push('tie-break');
  if (s.winner !== null) status.push(`${names[s.winner - 1]} wins`);
  const lines = [row(0), row(1), `  ${status.join(' · ')}`];
  const [a, b] = s.stats;
  const n = (v: number | null) => (v === null ? '–' : String(v));
  const ratio = (won: number | null, of: number | null) => (won === null || of === null ? '–' : `${won}/${of}${of > 0 ? ` ${Math.round((100 * won) / of)}%` : ''}`);
  const rows: [string, (x: TennisPlayerStats) => string][] = [
    ['points won', (x) => String(x.pointsWon)],
    ['aces', (x) => n(x.aces)],
    ['double faults', (x) => n(x.doubleFaults)],
    ['winners', (x) => n(x.winners)],
    ['unforced errors', (x) => n(x.unforcedErrors)],
    ['service points won', (x) => ratio(x.servicePointsWon, x.servicePoints)],
    ['break points won', (x) => ratio(x.breakPointsWon, x.breakPointChances)],
    ['break points saved', (x) => ratio(x.breakPointsSaved, x.breakPointsFaced)],
    ['fastest serve km/h', (x) => n(x.fastestServeKmh === null ? null : Math.round(x.fastestServeKmh))],
  ];
  const table = [['', shortName(names[0]), shortName(names[1])], ...rows.map(([label, f]) => [label, f(a), f(b)])];
  const col = Math.max(...table.flatMap((r) => [r[1]!.length, r[2]!.length])) + 2;
  for (const r of table) lines.push(`  ${r[0]!.padEnd(20)}${r[1]!.padStart(col)}${r[2]!.padStart(col)}`);
  if (s.rally) lines.push(`  rallies: ${(s.rally.shots / s.rally.points).toFixed(1)} shots on average, longest ${s.rally.longest}`);
  return lines;
}

/** `set 1  3-2  30-15`, `set 1  6-6  TB 5-4`, `set 3 (1-1)  0-0  15-0`: a point's score after it. */
export function pointScore(d: TennisPointData): string {
  const sets = d.setsWon[0] > 0 || d.setsWon[1] > 0 ? ` (${d.setsWon[0]}-${d.setsWon[1]})` : '';
  const pts = d.tiebreak ? `TB ${d.points[0]}-${d.points[1]}` : `${d.points[0]}-${d.points[1]}`;
  return `set ${d.set}${sets}  ${d.games[0]}-${d.games[1]}  ${pts}`;
}

/**
 * One line per point: media time, score after it, server, who won it and how:
 * `0:00:38  set 1  0-0  15-15     serve Federer  → Federer · ace · 177 km/h`; a game, set or
 * match it won is said at the end (`· game Federer`, `· set Murray`, `· match Federer`).
 * `names` are the players' full names (the state's); lines use the last word.
 */
export function tennisPointLine(t: number, d: TennisPointData, names: readonly [string, string], matchWinner: 1 | 2 | null = null): string {
  const nm = (x: 1 | 2 | undefined) => (x ? shortName(names[x - 1]!) : '?');
  const parts: string[] = [];
  if (d.ace) parts.push('ace');
  else if (d.doubleFault) parts.push('double fault');
  else if (d.cleanWinner) parts.push('winner');
  else if (d.unforcedError) parts.push('unforced error');
  if (d.breakPoint) parts.push(d.server && d.winner && d.winner !== d.server ? 'break!' : 'break point');
  if (d.rally !== undefined) parts.push(`rally ${d.rally}`);
  if (d.serveSpeedKmh !== undefined && !d.doubleFault) parts.push(`${Math.round(d.serveSpeedKmh)} km/h`);
  if (matchWinner) parts.push(`match ${nm(matchWinner)}`);
  else if (d.setWinner) parts.push(`set ${nm(d.setWinner)}`);
  else if (d.gameWinner) parts.push(`game ${nm(d.gameWinner)}`);
  const serve = d.server ? `serve ${nm(d.server)}` : '';
  const width = Math.max(shortName(names[0]).length, shortName(names[1]).length) + 6;
  const won = `→ ${nm(d.winner)}`;
  return `${clock(t)}  ${pointScore(d).padEnd(24)}  ${serve.padEnd(width)}  ${[won, ...parts].join(' · ')}`;
}

/** The tennis kind's terminal side. */
export const tennisWatch: KindWatch = {
  kind: 'tennis',
  view: (state: Json) =>
    reducerView(tennis, state as unknown as TennisState, renderTennis, (f: WireFrame, before, after) =>
      f.type === 'point' ? tennisPointLine(f.t, f.data as TennisPointData, after.players, before.winner === null ? after.winner : null) : null,
    ),
};

function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  return `${h}:${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
