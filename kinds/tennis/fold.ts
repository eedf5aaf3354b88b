/**
 * The tennis kind without its frame schema (kinds/tennis/schema.ts): state, reducer, snapshot and markers,
 * with no zod, for functions that fold frames they already checked (kinds/folds.ts). The kind
 * with its schema is kinds/tennis/index.ts `tennis`.
 */
import { DEFAULT_KEYFRAME_EVERY, type KindFold, type Json, type Marker, type RecordingHeader, type WireFrame, capMarkers } from '../kind';
import type { TennisPointData } from './schema';

/**
 * One player's running statistics. A count is null while the recording has not carried the
 * field it comes from (the column is empty for the whole event), 0 once it has.
 */
export interface TennisPlayerStats {
  pointsWon: number;
  aces: number | null;
  doubleFaults: number | null;
  /** Clean winners (not counting aces). */
  winners: number | null;
  unforcedErrors: number | null;
  /** Points this player served (where the server is known) and won of them. */
  servicePoints: number;
  servicePointsWon: number;
  /** As receiver: break points played, and converted. */
  breakPointChances: number | null;
  breakPointsWon: number | null;
  /** As server: break points faced, and saved. */
  breakPointsFaced: number | null;
  breakPointsSaved: number | null;
  /** First serves in, percent: always null for these files (see the module doc). */
  firstServeInPct: null;
  /** Fastest serve, km/h, where the radar measured one. */
  fastestServeKmh: number | null;
}

/** The tennis state (and snapshot): the scoreboard after the last frame applied. */
export interface TennisState {
  players: [string, string];
  /** Best of 3 or 5 sets when the header says which draw (Grand Slams: men 5, women 3). */
  bestOf: 3 | 5 | null;
  /** Games of every set so far, the current set last: `[[6, 4], [3, 2]]`. */
  sets: [number, number][];
  /** The current game's points as shown ("30","15"; "AD","40"; tie-break counts). */
  points: [string, string];
  /** The current game is a tie-break. */
  tiebreak: boolean;
  /** Who serves next (known from the points played), null before the first point. */
  server: 1 | 2 | null;
  setsWon: [number, number];
  /** The match winner, once one player has won the sets `bestOf` needs. */
  winner: 1 | 2 | null;
  /** Per player, [player 1, player 2]. */
  stats: [TennisPlayerStats, TennisPlayerStats];
  /** Rally length over the points that carry one (shots), null when none does. */
  rally: { points: number; shots: number; longest: number } | null;
  /** Points played so far. */
  pointsPlayed: number;
  /** Tie-break bookkeeping for the server rule: who served its first point. */
  tiebreakFirstServer: 1 | 2 | null;
}

function emptyStats(): TennisPlayerStats {
  return {
    pointsWon: 0,
    aces: null,
    doubleFaults: null,
    winners: null,
    unforcedErrors: null,
    servicePoints: 0,
    servicePointsWon: 0,
    breakPointChances: null,
    breakPointsWon: null,
    breakPointsFaced: null,
    breakPointsSaved: null,
    firstServeInPct: null,
    fastestServeKmh: null,
  };
}

/** Best of 5 for men's singles, 3 for women's singles (Grand Slam rules), from `meta.draw`. */
function bestOf(header: RecordingHeader): 3 | 5 | null {
  const draw = header.meta?.draw;
  return draw === "men's singles" ? 5 : draw === "women's singles" ? 3 : null;
}

function initialState(header: RecordingHeader): TennisState {
  const p = header.participants;
  return {
    players: [p[0] ?? 'Player 1', p[1] ?? 'Player 2'],
    bestOf: bestOf(header),
    sets: [],
    points: ['0', '0'],
    tiebreak: false,
    server: null,
    setsWon: [0, 0],
    winner: null,
    stats: [emptyStats(), emptyStats()],
    rally: null,
    pointsPlayed: 0,
    tiebreakFirstServer: null,
  };
}

const add = (v: number | null, n: number) => (v ?? 0) + n;

function reduce(state: TennisState, frame: WireFrame): TennisState {
  if (frame.type !== 'point') return state;
  const d = frame.data as TennisPointData;
  const sets = state.sets.map((s) => [s[0], s[1]] as [number, number]);
  while (sets.length < d.set) sets.push([0, 0]);
  sets[d.set - 1] = [d.games[0], d.games[1]];
  const stats = state.stats.map((s) => ({ ...s })) as [TennisPlayerStats, TennisPlayerStats];
  const w = d.winner;
  const l = w ? ((3 - w) as 1 | 2) : undefined;
  if (w) stats[w - 1].pointsWon++;
  if (d.ace !== undefined) for (const s of stats) s.aces = add(s.aces, 0);
  if (d.doubleFault !== undefined) for (const s of stats) s.doubleFaults = add(s.doubleFaults, 0);
  if (d.cleanWinner !== undefined) for (const s of stats) s.winners = add(s.winners, 0);
  if (d.unforcedError !== undefined) for (const s of stats) s.unforcedErrors = add(s.unforcedErrors, 0);
  if (w && l) {
    if (d.ace) stats[w - 1].aces = add(stats[w - 1].aces, 1);
    if (d.cleanWinner) stats[w - 1].winners = add(stats[w - 1].winners, 1);
    if (d.doubleFault) stats[l - 1].doubleFaults = add(stats[l - 1].doubleFaults, 1);
    if (d.unforcedError) stats[l - 1].unforcedErrors = add(stats[l - 1].unforcedErrors, 1);
  }
  const srv = d.server;
  if (srv) {
    const rcv = (3 - srv) as 1 | 2;
    const S = stats[srv - 1];
    const R = stats[rcv - 1];
    S.servicePoints++;
    if (w === srv) S.servicePointsWon++;
    if (d.serveSpeedKmh !== undefined) S.fastestServeKmh = Math.max(S.fastestServeKmh ?? 0, d.serveSpeedKmh);
    if (d.breakPoint !== undefined) {
      S.breakPointsFaced = add(S.breakPointsFaced, 0);
      S.breakPointsSaved = add(S.breakPointsSaved, 0);
      R.breakPointChances = add(R.breakPointChances, 0);
      R.breakPointsWon = add(R.breakPointsWon, 0);
      if (d.breakPoint) {
        S.breakPointsFaced = add(S.breakPointsFaced, 1);
        R.breakPointChances = add(R.breakPointChances, 1);
        if (w === srv) S.breakPointsSaved = add(S.breakPointsSaved, 1);
        if (w === rcv) R.breakPointsWon = add(R.breakPointsWon, 1);
      }
    }
  }
  const rally =
    d.rally !== undefined
      ? {
          points: (state.rally?.points ?? 0) + 1,
          shots: (state.rally?.shots ?? 0) + d.rally,
          longest: Math.max(state.rally?.longest ?? 0, d.rally),
        }
      : state.rally;
  // Who serves next: the other player after a game; in a tie-break the serve changes after
  // the first point and then every two points; the set after a tie-break opens with the
  // player who received the tie-break's first point (the rules of tennis, ITF, rule 5 and 28).
  let server = state.server;
  let tiebreakFirstServer = state.tiebreakFirstServer;
  const gameOver = d.gameWinner !== undefined;
  if (d.tiebreak && srv) {
    const played = tbPoints(d.points);
    if (tiebreakFirstServer === null || played === 1) tiebreakFirstServer = played === 1 ? srv : tiebreakFirstServer ?? srv;
    if (gameOver) {
      server = tiebreakFirstServer ? ((3 - tiebreakFirstServer) as 1 | 2) : ((3 - srv) as 1 | 2);
      tiebreakFirstServer = null;
    } else server = played % 2 === 1 ? ((3 - srv) as 1 | 2) : srv;
  } else if (srv) {
    server = gameOver ? ((3 - srv) as 1 | 2) : srv;
    tiebreakFirstServer = null;
  }
  const setsWon: [number, number] = [d.setsWon[0], d.setsWon[1]];
  const need = state.bestOf ? Math.ceil(state.bestOf / 2) : null;
  const winner = need !== null ? (setsWon[0] >= need ? 1 : setsWon[1] >= need ? 2 : null) : null;
  return {
    ...state,
    sets,
    points: [d.points[0], d.points[1]],
    tiebreak: d.tiebreak && !gameOver,
    server,
    setsWon,
    winner,
    stats,
    rally,
    pointsPlayed: state.pointsPlayed + 1,
    tiebreakFirstServer,
  };
}

/** Points played in a tie-break from its shown score (numbers); 0 when not numeric. */
function tbPoints(p: readonly [string, string]): number {
  const a = Number(p[0]);
  const b = Number(p[1]);
  return Number.isInteger(a) && Number.isInteger(b) ? a + b : 0;
}

/**
 * Would winning the next point win the match for `x`? From the scoreboard before the point
 * (`prev`), the point being a tie-break point (`tiebreak`), and sets to win (`need`).
 * Regular games: 40 v < 40, or AD. Tie-breaks: 6+ points and a lead (first to 7 by 2). Sets:
 * 6+ games by 2, or the tie-break.
 */
function wouldWinMatch(prev: TennisState, tiebreak: boolean, x: 1 | 2, need: number): boolean {
  const i = x - 1;
  const o = 1 - i;
  if (prev.setsWon[i] + 1 < need) return false;
  const [px, po] = [prev.points[i], prev.points[o]];
  let game: boolean;
  if (tiebreak) {
    const a = Number(px);
    const b = Number(po);
    game = a + 1 >= 7 && a + 1 - b >= 2;
  } else game = px === 'AD' || (px === '40' && po !== '40' && po !== 'AD');
  if (!game) return false;
  if (tiebreak) return true;
  const g = prev.sets[prev.sets.length - 1] ?? [0, 0];
  return g[i] + 1 >= 6 && g[i] + 1 - g[o] >= 2;
}

const lastWord = (name: string) => name.trim().split(/\s+/).pop() || name;

/**
 * Markers: every game ("game", or "break" when the receiver won it), every set ("set"), the
 * start of each tie-break ("tiebreak"), every point played at match point ("matchpoint",
 * when the header says best of 3 or 5), and the end ("match").
 */
function markers(frames: readonly WireFrame[], header: RecordingHeader): Marker[] {
  return capMarkers(markersFrom(initialState(header), frames), PRIORITY);
}

const PRIORITY = ['match', 'set', 'matchpoint', 'tiebreak', 'break', 'game'];

/**
 * The markers of `frames` played from `state` (the state after every frame before them),
 * uncapped: what {@link markers} finds for those frames in the whole recording.
 */
function markersFrom(state: TennisState, frames: readonly WireFrame[]): Marker[] {
  let st = state;
  const names = st.players.map(lastWord);
  const need = st.bestOf ? Math.ceil(st.bestOf / 2) : null;
  const out: Marker[] = [];
  // A tie-break already under way when these frames start has had its marker.
  let lastTbGame = st.tiebreak ? `${st.sets.length}` : '';
  for (const f of frames) {
    if (f.type !== 'point') continue;
    const d = f.data as TennisPointData;
    const m = (kind: string, label: string) => out.push({ t: f.t, seq: f.seq, label, kind });
    const newSet = st.sets.length > 0 && d.set > st.sets.length;
    const before: TennisState = newSet ? { ...st, sets: [...st.sets, [0, 0]], points: ['0', '0'] } : st;
    if (d.tiebreak && lastTbGame !== `${d.set}`) {
      lastTbGame = `${d.set}`;
      m('tiebreak', `Tie-break, set ${d.set}`);
    }
    if (need !== null && st.winner === null) {
      for (const x of [1, 2] as const) if (wouldWinMatch(before, d.tiebreak, x, need)) m('matchpoint', `Match point ${names[x - 1]}`);
    }
    const next = reduce(st, f);
    const g = `${d.games[0]}-${d.games[1]}`;
    if (d.gameWinner) {
      const brk = d.server !== undefined && d.server !== d.gameWinner;
      m(brk ? 'break' : 'game', `${brk ? 'Break' : 'Game'} ${names[d.gameWinner - 1]} (${g}, set ${d.set})`);
    }
    if (d.setWinner) m('set', `Set ${d.set} ${names[d.setWinner - 1]} ${g}`);
    if (next.winner !== null && st.winner === null) m('match', `${st.players[next.winner - 1]} wins ${next.sets.map((s) => `${s[0]}-${s[1]}`).join(' ')}`);
    st = next;
  }
  return out;
}

/** The tennis kind: `kind: 'tennis'`, frames `point`. */
export const tennisFold: KindFold<TennisState> = {
  kind: 'tennis',
  keyframeEvery: DEFAULT_KEYFRAME_EVERY,
  initialState,
  reduce,
  snapshot: (s) => s as unknown as Json,
  markers,
  markersFrom: (state, frames) => capMarkers(markersFrom(state, frames), PRIORITY),
};
