/**
 * Tennis view state: a pure fold of the points a viewer holds (seq order) into what the
 * scoreboard, court, timeline and the live stats panel show.
 *
 * Only facts the recording states are shown. Two scoring conventions are tolerated, because
 * the source CSV states games *before* the game a point belongs to while scores are *after*
 * the point: when a point resets the score to 0–0 and the recording's games did not move,
 * the point's winner just won that game, and the scoreboard shows it (a tennis fact: the
 * point that ends a game is won by the game's winner). The same rule closes a set.
 * Stats cover the points this viewer has seen (a spectator joining late sees fewer).
 * Pure: no DOM (unit-tested in test/web/tennis-model.test.ts).
 */
import type { Side, TennisPoint } from './frame';

/** Per-player live stats over the points seen. */
export interface PlayerStats {
  pointsWon: number;
  aces: number;
  doubleFaults: number;
  winners: number;
  unforcedErrors: number;
  /** Points served where the recording says whether the first serve went in. */
  serveKnown: number;
  firstServesIn: number;
  breakPointsWon: number;
  breakPointChances: number;
  fastestServeKmh: number | null;
}

/** A completed set as the scoreboard shows it; games are null when the viewer never saw it. */
export interface SetScore {
  readonly set: number;
  readonly games: readonly [number, number] | null;
  readonly winner: Side | null;
}

/** Where a new set begins on the timeline. */
export interface SetBoundary {
  readonly set: number;
  readonly seq: number;
  readonly t: number;
}

/** Everything the tennis views render. */
export interface MatchView {
  readonly pointsSeen: number;
  readonly last: TennisPoint | null;
  /** Current set number (of the last point, or the next set when that point closed one). */
  readonly set: number;
  readonly games: readonly [number, number];
  readonly points: readonly [string, string];
  readonly tiebreak: boolean;
  readonly setsWon: readonly [number, number];
  readonly server: Side | null;
  /** Completed sets, in order (sets before the first point seen have games null). */
  readonly sets: readonly SetScore[];
  readonly boundaries: readonly SetBoundary[];
  readonly stats: readonly [PlayerStats, PlayerStats];
  /** Mean rally length over points with a rally count; null when none had one. */
  readonly avgRally: number | null;
  readonly longestRally: number | null;
  /** The match is over (the last frame of the recording was seen): winner of its last point. */
  readonly matchWinner: Side | null;
}

/** Options of {@link foldMatch}. */
export interface FoldOptions {
  /** Frames in the recording (`joined.frameCount`); the point with seq frameCount − 1 ends the match. */
  readonly frameCount?: number;
}

const emptyStats = (): PlayerStats => ({
  pointsWon: 0,
  aces: 0,
  doubleFaults: 0,
  winners: 0,
  unforcedErrors: 0,
  serveKnown: 0,
  firstServesIn: 0,
  breakPointsWon: 0,
  breakPointChances: 0,
  fastestServeKmh: null,
});

/** Fold points (sorted by seq; gaps allowed) into the view state. */
export function foldMatch(points: readonly TennisPoint[], opts: FoldOptions = {}): MatchView {
  const stats: [PlayerStats, PlayerStats] = [emptyStats(), emptyStats()];
  const sets: SetScore[] = [];
  const boundaries: SetBoundary[] = [];
  let rallySum = 0;
  let rallyCount = 0;
  let longestRally: number | null = null;
  let prev: TennisPoint | null = null;
  let display: Display | null = null;

  for (const p of points) {
    // stats
    if (p.winner) {
      const w = stats[p.winner - 1]!;
      const l = stats[2 - p.winner]!;
      w.pointsWon++;
      if (p.cleanWinner) w.winners++;
      if (p.unforcedError) l.unforcedErrors++;
      if (p.breakPoint && p.server) {
        const receiver = stats[2 - p.server]!;
        receiver.breakPointChances++;
        if (p.winner !== p.server) receiver.breakPointsWon++;
      }
    }
    if (p.server) {
      const s = stats[p.server - 1]!;
      if (p.ace) s.aces++;
      if (p.doubleFault) s.doubleFaults++;
      // only when the recording states the serve: a double fault alone proves one miss, not a rate
      if (p.firstServeIn !== null) {
        s.serveKnown++;
        if (p.firstServeIn && !p.doubleFault) s.firstServesIn++;
      }
      if (p.serveSpeedKmh !== null && !p.doubleFault) {
        s.fastestServeKmh = Math.max(s.fastestServeKmh ?? 0, p.serveSpeedKmh);
      }
    }
    if (p.rally !== null) {
      rallySum += p.rally;
      rallyCount++;
      longestRally = Math.max(longestRally ?? 0, p.rally);
    }

    // sets: a set we had open was closed when a later point is in a later set
    if (display && p.set > display.set) {
      closeSet(sets, display, setWinnerHint(prev, p));
      for (let s = display.set + 1; s < p.set; s++) sets.push({ set: s, games: null, winner: null });
    } else if (!display && p.set > 1) {
      for (let s = 1; s < p.set; s++) sets.push({ set: s, games: null, winner: null });
    }
    if (!display || p.set !== display.set) boundaries.push({ set: p.set, seq: p.seq, t: p.t });
    display = displayFor(p, prev);
    prev = p;
  }

  const last = prev;
  const frameCount = opts.frameCount;
  const over = last !== null && frameCount !== undefined && frameCount > 0 && last.seq >= frameCount - 1;
  let set = 1;
  let games: readonly [number, number] = [0, 0];
  if (display && last) {
    if (display.closedSet || over) {
      const closed = closeSet(sets, display, last.winner);
      set = over ? display.set : display.set + 1;
      games = over ? closed : [0, 0];
    } else {
      set = display.set;
      games = display.games;
    }
  }
  // sets won: trust the recording, but never show fewer than the completed sets prove
  const recorded = display?.setsWon ?? [0, 0];
  const proven: [number, number] = [0, 0];
  for (const s of sets) if (s.winner) proven[s.winner - 1]++;
  const setsWon: readonly [number, number] = [Math.max(recorded[0], proven[0]), Math.max(recorded[1], proven[1])];

  return {
    pointsSeen: points.length,
    last,
    set,
    games,
    points: display?.points ?? ['0', '0'],
    tiebreak: display?.tiebreak ?? false,
    setsWon,
    server: last?.server ?? null,
    sets,
    boundaries,
    stats,
    avgRally: rallyCount > 0 ? rallySum / rallyCount : null,
    longestRally,
    matchWinner: over && last ? last.winner : null,
  };
}

/**
 * Whether a set's games are a finished set: one side at 6+ with a two-game lead, or 7–6.
 * (Advantage final sets, e.g. Wimbledon before 2019, also satisfy "6+ with a lead of two".)
 */
export function isSetComplete(games: readonly [number, number]): boolean {
  const [a, b] = games;
  const hi = Math.max(a, b);
  const lo = Math.min(a, b);
  return (hi >= 6 && hi - lo >= 2) || (hi === 7 && lo === 6);
}

interface Display {
  set: number;
  games: [number, number];
  points: readonly [string, string];
  tiebreak: boolean;
  setsWon: [number, number];
  /** This point ended a set. */
  closedSet: boolean;
  winner: Side | null;
}

/** Scoreboard after point `p`, correcting a recording that states games before the game. */
function displayFor(p: TennisPoint, prev: TennisPoint | null): Display {
  const games: [number, number] = [p.games[0], p.games[1]];
  const setsWon: [number, number] = [p.setsWon[0], p.setsWon[1]];
  const reset = p.points[0] === '0' && p.points[1] === '0';
  const sameGamesAsBefore =
    prev !== null && prev.set === p.set && prev.games[0] === p.games[0] && prev.games[1] === p.games[1];
  let closedSet = false;
  if (reset && p.winner && sameGamesAsBefore) {
    games[p.winner - 1]++;
    if (isSetComplete(games)) {
      closedSet = true;
      if (prev && prev.setsWon[0] === p.setsWon[0] && prev.setsWon[1] === p.setsWon[1]) setsWon[p.winner - 1]++;
    }
  } else if (isSetComplete(games) && reset) {
    closedSet = true;
  }
  return { set: p.set, games, points: p.points, tiebreak: p.tiebreak, setsWon, closedSet, winner: p.winner };
}

/** Record set `d.set` as completed (once) and return its games. */
function closeSet(sets: SetScore[], d: Display, lastPointWinner: Side | null): readonly [number, number] {
  const existing = sets.find((s) => s.set === d.set);
  if (existing?.games) return existing.games;
  const games: [number, number] = [d.games[0], d.games[1]];
  // the set's last point won its last game: add it when the recording's games stop short
  if (!isSetComplete(games) && lastPointWinner) games[lastPointWinner - 1]++;
  const winner: Side | null = games[0] > games[1] ? 1 : games[1] > games[0] ? 2 : lastPointWinner;
  sets.push({ set: d.set, games, winner });
  return games;
}

/** Who won the set that ended between `prev` and `next`: whose sets-won count rose, else prev's point winner. */
function setWinnerHint(prev: TennisPoint | null, next: TennisPoint): Side | null {
  if (prev) {
    if (next.setsWon[0] > prev.setsWon[0]) return 1;
    if (next.setsWon[1] > prev.setsWon[1]) return 2;
  }
  return prev?.winner ?? null;
}

/** First-serve percentage (0–100, rounded) or null when not derivable. */
export function firstServePct(s: PlayerStats): number | null {
  return s.serveKnown > 0 ? Math.round((100 * s.firstServesIn) / s.serveKnown) : null;
}
