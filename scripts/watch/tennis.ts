/**
 * Tennis point lines of `npm run watch`: a `point` frame's data normalised to a
 * {@link TennisPoint}, and one line per point (score, server, who won it and how). Pure;
 * unit-tested in test/scripts/watch/tennis.test.ts.
 *
 * Units: `t` is media milliseconds; serve speeds are km/h.
 */
import { cleanForTerminal as clean } from './clean';
import { formatClock } from '../lib/format';

type Rec = Record<string, unknown>;

/** A player by number, as the recording numbers them. */
export type Side = 1 | 2;

/**
 * One tennis point, normalised from a frame of type `point`. Scores are what the frame says
 * (the converter's convention: the score after the point). Missing values are null/false,
 * never invented.
 */
export interface TennisPoint {
  /** Set number, from 1. */
  set: number;
  /** Games in the current set, [player 1, player 2]. */
  games: [number, number];
  /** Points in the game: "0" "15" "30" "40" "AD", or tie-break counts as strings. */
  points: [string, string];
  tiebreak: boolean;
  /** Sets won so far, or null when the frame does not say. */
  setsWon: [number, number] | null;
  server: Side | null;
  /** Who won the point. */
  winner: Side | null;
  ace: boolean;
  doubleFault: boolean;
  /** The point ended on a clean winner. */
  cleanWinner: boolean;
  unforcedError: boolean;
  /** Serve speed in km/h; null when absent or 0 (the source writes 0 for "not measured"). */
  serveSpeedKmh: number | null;
  /** Shots in the rally; null when absent. */
  rally: number | null;
  breakPoint: boolean;
}

/**
 * Normalise a tennis frame's `data`. Reads the converter's names (`set`, `games`, `points`,
 * `tiebreak`, `setsWon`, `server`, `winner`, `ace`, `doubleFault`, `winnerShot`/`clean`,
 * `unforcedError`, `serveSpeedKmh`/`speedKmh`, `rally`, `breakPoint`) and the source CSV's
 * (`SetNo`, `P1GamesWon`, `P1Score`, `PointServer`, `PointWinner`, `Speed_KMH`, `Rally`,
 * `P1Ace`…). Null when the data holds no score at all. Never throws.
 */
export function toTennisPoint(data: unknown): TennisPoint | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const d = data as Rec;
  const games = numPair(pick(d, 'games', 'gamesWon')) ?? numPair([pick(d, 'P1GamesWon', 'p1Games'), pick(d, 'P2GamesWon', 'p2Games')]);
  const points = strPair(pick(d, 'points', 'score')) ?? strPair([pick(d, 'P1Score', 'p1Score'), pick(d, 'P2Score', 'p2Score')]);
  if (!games && !points) return null;
  const pts = points ?? ['0', '0'];
  const tbRaw = pick(d, 'tiebreak', 'tieBreak', 'isTiebreak');
  const tiebreak = typeof tbRaw === 'boolean' ? tbRaw : tbRaw !== undefined ? flag(tbRaw) : pts.some((p) => /^\d+$/.test(p) && !['0', '15', '30', '40'].includes(p));
  const server = side(pick(d, 'server', 'pointServer', 'PointServer'));
  const winnerRaw = d.winner;
  const winner = side(typeof winnerRaw === 'boolean' ? undefined : winnerRaw) ?? side(pick(d, 'pointWinner', 'PointWinner'));
  const bySide = (p1: string, p2: string) => flag(d[p1]) || flag(d[p2]);
  return {
    set: posInt(pick(d, 'set', 'setNo', 'SetNo')) ?? 1,
    games: games ?? [0, 0],
    points: pts,
    tiebreak,
    setsWon: numPair(pick(d, 'setsWon', 'sets')),
    server,
    winner,
    ace: flag(pick(d, 'ace', 'isAce')) || bySide('P1Ace', 'P2Ace'),
    doubleFault: flag(pick(d, 'doubleFault', 'df')) || bySide('P1DoubleFault', 'P2DoubleFault'),
    cleanWinner: flag(pick(d, 'winnerShot', 'clean', 'cleanWinner')) || winnerRaw === true || bySide('P1Winner', 'P2Winner'),
    unforcedError: flag(pick(d, 'unforcedError', 'unforced', 'ue')) || bySide('P1UnfErr', 'P2UnfErr'),
    serveSpeedKmh: positive(pick(d, 'serveSpeedKmh', 'speedKmh', 'serveSpeed', 'Speed_KMH')),
    rally: positive(pick(d, 'rally', 'rallyLength', 'Rally')),
    breakPoint: flag(pick(d, 'breakPoint', 'isBreakPoint')) || bySide('P1BreakPoint', 'P2BreakPoint'),
  };
}

/**
 * Player names from a title such as "Wimbledon 2012 final: Roger Federer v Andy Murray"
 * (the part after the last ":", split on " v ", " vs ", " – "), else "Player 1"/"Player 2".
 */
export function playerNames(title: string | undefined): [string, string] {
  if (title) {
    const tail = title.includes(':') ? title.slice(title.lastIndexOf(':') + 1) : title;
    const m = /^\s*(.+?)\s+(?:v|vs\.?|versus|–|—)\s+(.+?)\s*$/i.exec(tail);
    if (m?.[1] && m[2]) return [m[1], m[2]];
  }
  return ['Player 1', 'Player 2'];
}

/** The last word of a name ("Serena Williams" → "Williams"), for one-line output. */
export function shortName(name: string): string {
  const parts = name.trim().split(/\s+/);
  return parts[parts.length - 1] || name;
}

/**
 * The score part of a point line: `set 1  3-2  30-15`, `set 1  6-6  TB 5-4`, and the sets
 * won when any has been: `set 3 (1-1)  0-0  15-0`.
 */
export function scoreLine(p: TennisPoint): string {
  const sets = p.setsWon && (p.setsWon[0] > 0 || p.setsWon[1] > 0) ? ` (${p.setsWon[0]}-${p.setsWon[1]})` : '';
  const pts = p.tiebreak ? `TB ${p.points[0]}-${p.points[1]}` : `${p.points[0]}-${p.points[1]}`;
  return `set ${p.set}${sets}  ${p.games[0]}-${p.games[1]}  ${pts}`;
}

/**
 * One line per point: elapsed media time, score, server marker, who won the point and how:
 * `0:00:38  set 1  0-0  15-15     serve Federer  → Federer · ace · 177 km/h`.
 * `names` are short names [player 1, player 2].
 */
export function formatPoint(t: number, p: TennisPoint, names: readonly [string, string]): string {
  const nm = (s: Side | null) => (s ? names[s - 1] : '?');
  const parts: string[] = [];
  if (p.ace) parts.push('ace');
  else if (p.doubleFault) parts.push('double fault');
  else if (p.cleanWinner) parts.push('winner');
  else if (p.unforcedError) parts.push('unforced error');
  if (p.breakPoint) parts.push(p.server && p.winner && p.winner !== p.server ? 'break!' : 'break point');
  if (p.rally !== null) parts.push(`rally ${p.rally}`);
  if (p.serveSpeedKmh !== null && !p.doubleFault) parts.push(`${Math.round(p.serveSpeedKmh)} km/h`);
  const serve = p.server ? `serve ${nm(p.server)}` : '';
  const width = Math.max(names[0].length, names[1].length) + 6;
  const won = p.winner ? `→ ${nm(p.winner)}` : '→ ?';
  return `${formatClock(t)}  ${scoreLine(p).padEnd(24)}  ${serve.padEnd(width)}  ${[won, ...parts].join(' · ')}`;
}

function pick(d: Rec, ...names: string[]): unknown {
  for (const n of names) if (d[n] !== undefined && d[n] !== null && d[n] !== '') return d[n];
  return undefined;
}

function numPair(v: unknown): [number, number] | null {
  if (!Array.isArray(v) || v.length < 2 || v[0] === undefined || v[1] === undefined) return null;
  const a = Number(v[0]);
  const b = Number(v[1]);
  return Number.isFinite(a) && Number.isFinite(b) ? [Math.max(0, Math.trunc(a)), Math.max(0, Math.trunc(b))] : null;
}

function strPair(v: unknown): [string, string] | null {
  if (!Array.isArray(v) || v.length < 2 || (v[0] === undefined && v[1] === undefined)) return null;
  return [scoreText(v[0]), scoreText(v[1])];
}

function scoreText(v: unknown): string {
  if (v === undefined || v === null || v === '') return '0';
  const s = String(v).trim().toUpperCase();
  return s === 'A' || s === 'ADV' ? 'AD' : clean(s).slice(0, 3);
}

function side(v: unknown): Side | null {
  const n = Number(v);
  return v !== undefined && v !== null && (n === 1 || n === 2) ? n : null;
}

function flag(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v > 0;
  if (typeof v === 'string') return v === '1' || v.toLowerCase() === 'true';
  return false;
}

function posInt(v: unknown): number | null {
  const n = Number(v);
  return v !== undefined && Number.isInteger(n) && n > 0 ? n : null;
}

function positive(v: unknown): number | null {
  const n = Number(v);
  return v !== undefined && v !== null && Number.isFinite(n) && n > 0 ? n : null;
}
