/**
 * The ONE adapter from a tennis recording frame (`type: 'point'`, matchcast/1) to the
 * client's own {@link TennisPoint}. Every field-name guess lives here, so a converter that
 * names a field differently changes this file only.
 *
 * Expected frame data (the ingest converter's output; each field read defensively):
 * `{ set, games: [p1,p2], points: ['15','0'] | [3,5] (tie-break), tiebreak, setsWon: [p1,p2],
 *    server: 1|2, winner: 1|2 (who won the point), ace?, doubleFault?, clean|winnerShot?
 *    (the point ended on a clean winner), unforcedError?, serveSpeedKmh?, rally?, breakPoint?,
 *    firstServeIn? | serveNumber? | serveIndicator? (1 = first serve, 2 = second) }`.
 * Values of the source CSV (Tennis Abstract slam point-by-point) are kept as they are; unknown
 * or missing values become `null`/`false`, never invented ones.
 * Pure (unit-tested in test/web/tennis-frame.test.ts).
 */
import type { WireFrame } from '../../../protocol/messages';

/** A player by number, as the recording numbers them. */
export type Side = 1 | 2;

/** One point, normalised. Scores are as the recording states them after/around the point. */
export interface TennisPoint {
  readonly seq: number;
  /** Media time of the point (ms since the match began). */
  readonly t: number;
  /** Set number, from 1. */
  readonly set: number;
  /** Games in the current set, [player 1, player 2]. */
  readonly games: readonly [number, number];
  /** Points in the current game as shown on a scoreboard: "0","15","30","40","AD" or tie-break numbers. */
  readonly points: readonly [string, string];
  readonly tiebreak: boolean;
  /** Sets won so far, [player 1, player 2]. */
  readonly setsWon: readonly [number, number];
  /** Who served the point; null when the recording does not say. */
  readonly server: Side | null;
  /** Who won the point; null when the recording does not say. */
  readonly winner: Side | null;
  readonly ace: boolean;
  readonly doubleFault: boolean;
  /** The point ended on a clean winner (by {@link winner}). */
  readonly cleanWinner: boolean;
  /** The point ended on an unforced error (by the loser). */
  readonly unforcedError: boolean;
  /** Serve speed in km/h; null when absent or 0 (the source writes 0 for "not measured"). */
  readonly serveSpeedKmh: number | null;
  /** Shots in the rally; null when absent. */
  readonly rally: number | null;
  readonly breakPoint: boolean;
  /** First serve in? null when the recording does not say. */
  readonly firstServeIn: boolean | null;
}

type Rec = Record<string, unknown>;

/**
 * Normalise a frame; null when it is not a tennis point (another frame type, or data without
 * any score). Never throws.
 */
export function toTennisPoint(frame: WireFrame): TennisPoint | null {
  if (frame.type !== 'point' || typeof frame.data !== 'object' || frame.data === null) return null;
  const d = frame.data as Rec;
  const games = pair(pick(d, 'games', 'gamesWon', 'game'), ['p1Games', 'P1GamesWon'], ['p2Games', 'P2GamesWon'], d);
  const pointsRaw = pick(d, 'points', 'score', 'pointScore');
  const points = scorePair(pointsRaw, d);
  if (!games && !points) return null;
  const winnerField = d.winner;
  const winner = side(typeof winnerField === 'boolean' ? undefined : winnerField) ?? side(pick(d, 'pointWinner', 'PointWinner'));
  const tiebreakRaw = pick(d, 'tiebreak', 'tieBreak', 'isTiebreak');
  const pts = points ?? ['0', '0'];
  const tiebreak =
    typeof tiebreakRaw === 'boolean' ? tiebreakRaw : pts.every((p) => /^\d+$/.test(p) && !['0', '15', '30', '40'].includes(p));
  return {
    seq: frame.seq,
    t: frame.t,
    set: posInt(pick(d, 'set', 'setNo', 'SetNo'), 1),
    games: games ?? [0, 0],
    points: pts,
    tiebreak,
    setsWon: pair(pick(d, 'setsWon', 'sets'), ['p1Sets'], ['p2Sets'], d) ?? [0, 0],
    server: side(pick(d, 'server', 'pointServer', 'PointServer')),
    winner,
    ace: flag(pick(d, 'ace', 'isAce')),
    doubleFault: flag(pick(d, 'doubleFault', 'df', 'isDoubleFault')),
    cleanWinner: flag(pick(d, 'clean', 'winnerShot', 'cleanWinner', 'isWinner', 'winnerFlag')) || winnerField === true,
    unforcedError: flag(pick(d, 'unforcedError', 'unforced', 'unfErr', 'ue')),
    serveSpeedKmh: positive(pick(d, 'serveSpeedKmh', 'speedKmh', 'serveSpeed', 'Speed_KMH')),
    rally: positive(pick(d, 'rally', 'rallyLength', 'rallyCount', 'Rally')),
    breakPoint: flag(pick(d, 'breakPoint', 'isBreakPoint')),
    firstServeIn: firstServe(d),
  };
}

/**
 * Player names for a match: the catalog's `participants` when given, else parsed from a title
 * like "US Open 2011 final: Serena Williams v Samantha Stosur", else "Player 1"/"Player 2".
 */
export function playerNames(title: string | undefined, participants?: readonly string[]): [string, string] {
  if (participants && participants.length >= 2 && participants[0] && participants[1]) {
    return [participants[0], participants[1]];
  }
  if (title) {
    const tail = title.includes(':') ? title.slice(title.lastIndexOf(':') + 1) : title;
    const m = /^\s*(.+?)\s+(?:v|vs\.?|versus|–|-)\s+(.+?)\s*$/i.exec(tail);
    if (m && m[1] && m[2]) return [m[1], m[2]];
  }
  return ['Player 1', 'Player 2'];
}

/** A short name for tight spaces: the last word ("Serena Williams" → "Williams"). */
export function shortName(name: string): string {
  const parts = name.trim().split(/\s+/);
  return parts[parts.length - 1] || name;
}

function pick(d: Rec, ...names: string[]): unknown {
  for (const n of names) if (d[n] !== undefined && d[n] !== null && d[n] !== '') return d[n];
  return undefined;
}

function pair(v: unknown, p1Names: string[], p2Names: string[], d: Rec): [number, number] | null {
  if (Array.isArray(v) && v.length >= 2) {
    const a = Number(v[0]);
    const b = Number(v[1]);
    if (Number.isFinite(a) && Number.isFinite(b)) return [Math.max(0, Math.trunc(a)), Math.max(0, Math.trunc(b))];
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Rec;
    const a = Number(o.p1 ?? o['1']);
    const b = Number(o.p2 ?? o['2']);
    if (Number.isFinite(a) && Number.isFinite(b)) return [a, b];
  }
  const a = Number(pick(d, ...p1Names));
  const b = Number(pick(d, ...p2Names));
  if (pick(d, ...p1Names) !== undefined && Number.isFinite(a) && Number.isFinite(b)) return [a, b];
  return null;
}

function scorePair(v: unknown, d: Rec): [string, string] | null {
  if (Array.isArray(v) && v.length >= 2) return [scoreText(v[0]), scoreText(v[1])];
  const a = pick(d, 'p1Score', 'P1Score');
  const b = pick(d, 'p2Score', 'P2Score');
  if (a !== undefined || b !== undefined) return [scoreText(a), scoreText(b)];
  return null;
}

function scoreText(v: unknown): string {
  if (v === undefined || v === null || v === '') return '0';
  const s = String(v).trim().toUpperCase();
  return s === 'A' || s === 'ADV' ? 'AD' : s.slice(0, 3);
}

function side(v: unknown): Side | null {
  const n = Number(v);
  return n === 1 || n === 2 ? n : null;
}

function flag(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v > 0;
  if (typeof v === 'string') return v === '1' || v.toLowerCase() === 'true';
  return false;
}

function posInt(v: unknown, fallback: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function positive(v: unknown): number | null {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 ? n : null;
}

function firstServe(d: Rec): boolean | null {
  const direct = pick(d, 'firstServeIn', 'firstServe', 'firstIn');
  if (typeof direct === 'boolean') return direct;
  if (direct === 0 || direct === 1) return direct === 1;
  const serveNo = Number(pick(d, 'serveNumber', 'serveNo', 'serve', 'serveIndicator', 'ServeNumber', 'ServeIndicator'));
  if (serveNo === 1 || serveNo === 2) return serveNo === 1;
  return null;
}
