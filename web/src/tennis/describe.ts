/** Plain-text descriptions of points for the feed, the timeline tooltips and screen readers. Pure. */
import type { TennisPoint } from './frame';

/**
 * One line about a point, e.g. "Bartoli ace · 165 km/h" or "Lisicki wins the point · rally 7".
 * `names` are the (short) player names, [player 1, player 2].
 */
export function describePoint(p: TennisPoint, names: readonly [string, string]): string {
  const nm = (s: 1 | 2 | null) => (s ? names[s - 1] : 'Someone');
  const loser = p.winner ? ((3 - p.winner) as 1 | 2) : null;
  let what: string;
  if (p.ace) what = `${nm(p.server)} ace`;
  else if (p.doubleFault) what = `${nm(p.server)} double fault`;
  else if (p.cleanWinner) what = `${nm(p.winner)} winner`;
  else if (p.unforcedError) what = `${nm(loser)} unforced error`;
  else what = p.winner ? `Point ${nm(p.winner)}` : 'Point';
  const extra: string[] = [];
  if (p.breakPoint) extra.push(p.server && p.winner && p.winner !== p.server ? 'break!' : 'break point');
  if (p.serveSpeedKmh !== null && !p.doubleFault) extra.push(`${Math.round(p.serveSpeedKmh)} km/h`);
  if (p.rally !== null) extra.push(`rally ${p.rally}`);
  return [what, ...extra].join(' · ');
}

/** The score a point left, e.g. "S2 4–5 · 0–30" or "S1 6–6 · TB 3–2". */
export function scoreLine(p: TennisPoint): string {
  const pts = p.tiebreak ? `TB ${p.points[0]}–${p.points[1]}` : `${p.points[0]}–${p.points[1]}`;
  return `S${p.set} ${p.games[0]}–${p.games[1]} · ${pts}`;
}
