/**
 * Grand Slam point-by-point CSV (Jeff Sackmann / Tennis Abstract, "tennis_slam_pointbypoint",
 * CC BY-NC-SA 4.0) → matchcast/1: one recording per `match_id`, one `point` frame per point.
 *
 * Column semantics, read off the real files:
 * - `ElapsedTime` "H:MM:SS" since the match began → `t` (ms). Two points may share a time;
 *   some matches carry timing filled in by the source (every point 60 s after the last):
 *   replayed as it is. A time that goes backwards (38 points in the 2012 French Open file)
 *   is held at the previous time and counted in `meta.timeFixups`.
 * - `P1Score`/`P2Score`, `P1GamesWon`/`P2GamesWon`, `SetNo` are the scoreboard **after** the
 *   point: a game-ending point shows the new game count and 0–0; a set-ending point shows the
 *   final games of the set with `SetWinner` set; the next point starts set+1 at 0–0.
 *   Games show 0/15/30/40/AD; tie-breaks count 0, 1, 2, ….
 * - `PointServer`, `PointWinner` (0 or empty: unknown), `P1Ace`…: the player who served, won,
 *   hit the ace / winner / double fault / unforced error on this point (the `P1`/`P2` prefix
 *   names the player who did it: an ace or clean winner by the point's winner, a double fault
 *   or unforced error by its loser). The data field for a clean winner is `cleanWinner`,
 *   since `winner` is who won the point.
 * - `P1BreakPoint`/`P2BreakPoint` = 1 on the point that was *played as* a break point (the
 *   score before it gave the receiver a chance to break), not on the point that created it.
 * - `GameWinner`/`SetWinner` are 0 except on the point that ended the game / set.
 * - `ServeIndicator` 1|2: the point was played on the first or second serve.
 * - 2011 files start each match with a `PointNumber` 0 row (no point): skipped. Rows without a
 *   set number or score (placeholders in some matches) are skipped and counted in
 *   `meta.skippedRows`.
 * - Columns empty (or all zero) for the whole file (event) — `Rally` in most events — are left
 *   out of the frames rather than claimed; a tracked flag column gives `false` on points
 *   without the event. `Speed_KMH` 0 (no radar reading, whole matches on outside courts) and
 *   `Rally` 0 leave that point's field out.
 *
 * The matches CSV gives match_id → player1, player2, year, slam. `match_num` encodes the draw:
 * first digit 1 = men's singles, 2 = women's; second digit the round (7 = final). Its
 * `status`, `winner`, `event_name`, `round` and `court_name` columns are empty in every
 * published file seen so far; they are used when present. The match's winner is not taken
 * from there: a viewer learns it from the last frame (`setsWon`), as on the day.
 *
 * The event (`meta.event`, listed in the catalog: protocol/server.ts `CatalogEvent`) follows the
 * data set's `match_num` convention, checked on the 2012 French Open's 172 matches: four
 * digits, the first the draw (1 men's, 2 women's singles), the second the round (1 = first
 * round … 7 = final: a draw of 128 has 7 rounds), the last two the match's place in that
 * round's draw (01–64 in round 1, 01–32 in round 2, …; the winners of places 2p − 1 and 2p
 * meet at place p of the next round). Only the matches with points are published: the 2012
 * French Open has 29 of the 64 men's first-round matches. The event's winner (`winner`) is
 * derived from the points only: the player whose sets won reach a majority of the match's
 * sets (men's Grand Slam singles are best of five, women's best of three), each set read off
 * the scoreboard after its last point ({@link setsDecided}); a match whose points stop before
 * that (a retirement, a truncated record: 7 in that event) has none.
 */
import type { CatalogEvent, WireFrame } from '../protocol/messages';
import type { RecordingHeader } from '../protocol/recording';
import { RECORDING_FORMAT } from '../protocol/recording';
import { readCsv } from './csv';
import { ConvertError, type ConvertedRecording } from './errors';

/**
 * The `meta.source` of a recording converted from a points CSV: the published home of the
 * layout, whose licence requires the attribution. A CSV in that layout from elsewhere gets its
 * own with `ConvertOptions.source` (`npm run ingest -- --source`), which replaces this one.
 */
export const TENNIS_ATTRIBUTION =
  'Jeff Sackmann / Tennis Abstract, tennis_slam_pointbypoint (github.com/JeffSackmann), CC BY-NC-SA 4.0 — non-commercial use only';

/** One row of a `*-matches.csv`. */
export interface TennisMatchInfo {
  matchId: string;
  player1: string;
  player2: string;
  year?: string;
  slam?: string;
  matchNum?: string;
  /** The `round` column (e.g. "R128", "F"); empty in the published files. */
  round?: string;
  court?: string;
  eventName?: string;
  /** The `winner` column (1 / 2 or a name) as published; empty in the published files. */
  winner?: string;
  status?: string;
}

/** A tennis `point` frame's data. Optional fields are absent when the source has no such data for the match. */
export interface TennisPointData {
  /** Set number, from 1. */
  set: number;
  /** Games in the current set after the point, [player 1, player 2]. */
  games: [number, number];
  /** Points in the current game after the point: "0" "15" "30" "40" "AD", or tie-break counts. */
  points: [string, string];
  tiebreak: boolean;
  /** Sets won after the point. */
  setsWon: [number, number];
  server?: 1 | 2;
  /** Who won the point. */
  winner?: 1 | 2;
  /** The point ended a game / a set: who won it. */
  gameWinner?: 1 | 2;
  setWinner?: 1 | 2;
  ace?: boolean;
  doubleFault?: boolean;
  /** The point ended on a clean winner by the point's winner. */
  cleanWinner?: boolean;
  /** The point ended on an unforced error by the loser. */
  unforcedError?: boolean;
  /** It was a break point for the receiver. */
  breakPoint?: boolean;
  /** 1 = played on the first serve, 2 = on the second. */
  serveNumber?: 1 | 2;
  serveSpeedKmh?: number;
  rally?: number;
}

const SLAMS: Record<string, string> = {
  ausopen: 'Australian Open',
  frenchopen: 'French Open',
  wimbledon: 'Wimbledon',
  usopen: 'US Open',
};
const ROUNDS = ['first round', 'second round', 'third round', 'fourth round', 'quarter-final', 'semi-final', 'final'];
const GAME_SCORES = new Set(['0', '15', '30', '40', 'AD']);

/** Parse a `*-matches.csv`. Throws ConvertError on a file without the needed columns. */
export function parseMatchesCsv(text: string): Map<string, TennisMatchInfo> {
  const rows = readCsv(text);
  const out = new Map<string, TennisMatchInfo>();
  const head = rows[0]?.fields;
  if (!head || !head.includes('match_id') || !head.includes('player1') || !head.includes('player2')) {
    throw ConvertError.atLine(1, 'matches CSV needs match_id, player1 and player2 columns');
  }
  const col = (name: string) => head.indexOf(name);
  rows.slice(1).forEach(({ fields: r, line }) => {
    const get = (name: string) => (col(name) >= 0 ? (r[col(name)] ?? '').trim() : '');
    const matchId = get('match_id');
    if (!matchId) return;
    if (!get('player1') || !get('player2')) throw ConvertError.atLine(line, `match ${matchId} has no player names`);
    out.set(matchId, {
      matchId,
      player1: get('player1'),
      player2: get('player2'),
      ...(get('year') ? { year: get('year') } : {}),
      ...(get('slam') ? { slam: get('slam') } : {}),
      ...(get('match_num') ? { matchNum: get('match_num') } : {}),
      ...(get('round') ? { round: get('round') } : {}),
      ...(get('court_name') ? { court: get('court_name') } : {}),
      ...(get('event_name') ? { eventName: get('event_name') } : {}),
      ...(get('winner') ? { winner: get('winner') } : {}),
      ...(get('status') ? { status: get('status') } : {}),
    });
  });
  return out;
}

/** "men's singles" / "women's singles" from `match_num`'s first digit, if it says. */
export function matchDraw(m: TennisMatchInfo): string | undefined {
  return m.matchNum?.[0] === '1' ? "men's singles" : m.matchNum?.[0] === '2' ? "women's singles" : undefined;
}

/** The round's name: from `match_num`'s second digit ("final", "semi-final", …), else the `round` column. */
export function matchRound(m: TennisMatchInfo): string | undefined {
  const fromNum = m.matchNum && /^\d{4}$/.test(m.matchNum) ? ROUNDS[Number(m.matchNum[1]) - 1] : undefined;
  return fromNum ?? m.round;
}

/** "Wimbledon 2012 men's final: Roger Federer v Andy Murray". */
export function matchTitle(m: TennisMatchInfo): string {
  const slam = (m.slam && SLAMS[m.slam]) ?? m.slam ?? 'Grand Slam';
  const draw = m.matchNum?.[0] === '1' ? "men's " : m.matchNum?.[0] === '2' ? "women's " : '';
  const round = matchRound(m);
  const event = [slam, m.year].filter(Boolean).join(' ');
  return `${event}${round ? ` ${draw}${round}` : ''}: ${m.player1} v ${m.player2}`;
}

/** Rounds of a Grand Slam singles draw of 128: round 1 … the final (round 7). */
const SLAM_ROUNDS = 7;

/** "Round 1" … "Round 4", then "Quarter-final", "Semi-final", "Final" (counted from the last round). */
export function roundName(roundNo: number, rounds: number): string {
  const fromEnd = rounds - roundNo;
  return fromEnd === 0 ? 'Final' : fromEnd === 1 ? 'Semi-final' : fromEnd === 2 ? 'Quarter-final' : `Round ${roundNo}`;
}

/** Sets that win a match: 3 in men's singles (best of five), 2 in women's (best of three); undefined when the draw is unknown. */
export function setsToWin(m: TennisMatchInfo): number | undefined {
  return m.matchNum?.[0] === '1' ? 3 : m.matchNum?.[0] === '2' ? 2 : undefined;
}

/**
 * Sets won [player 1, player 2] by the scoreboard: each set's games after its last point, a set
 * counting for the player on 6 or more games and 2 ahead, or 7–6 (a tie-break); a set that
 * stops before (the last one of a retirement or a truncated record) counts for nobody. The
 * `SetWinner` flags are not used for the result: some matches flag a set twice or not at all.
 */
export function setsDecided(sets: Iterable<readonly [number, number]>): [number, number] {
  const won: [number, number] = [0, 0];
  for (const [a, b] of sets) {
    const hi = Math.max(a, b);
    const lo = Math.min(a, b);
    if (hi >= 6 && (hi - lo >= 2 || (hi === 7 && lo === 6))) won[a > b ? 0 : 1]++;
  }
  return won;
}

/**
 * Who won, from the sets each player won in the points ([player 1, player 2]): the player who
 * reached {@link setsToWin}; undefined when nobody did (retirement, truncated record) or the
 * draw is unknown.
 */
export function matchWinner(m: TennisMatchInfo, setsWon: readonly [number, number]): 1 | 2 | undefined {
  const need = setsToWin(m);
  if (need === undefined) return undefined;
  return setsWon[0] >= need && setsWon[0] > setsWon[1] ? 1 : setsWon[1] >= need && setsWon[1] > setsWon[0] ? 2 : undefined;
}

/**
 * The match's place in its event (see the file's docstring for the `match_num` convention):
 * id `{year}-{slam}` ("2012-frenchopen"), name "2012 French Open", draw, round, place, and the
 * `winner` when given. Undefined without a year, a slam or a four-digit `match_num` whose draw
 * digit is 1 or 2 and whose round is 1–7 and place at least 1.
 */
export function matchEvent(m: TennisMatchInfo, winner?: 1 | 2): CatalogEvent | undefined {
  const draw = matchDraw(m);
  if (!m.year || !m.slam || !m.matchNum || !/^\d{4}$/.test(m.matchNum) || !draw || !/^[a-z0-9]+$/i.test(m.slam)) return undefined;
  const roundNo = Number(m.matchNum[1]);
  const place = Number(m.matchNum.slice(2));
  if (roundNo < 1 || roundNo > SLAM_ROUNDS || place < 1) return undefined;
  return {
    id: `${m.year}-${m.slam}`,
    name: `${m.year} ${SLAMS[m.slam] ?? m.slam}`,
    draw,
    roundNo,
    rounds: SLAM_ROUNDS,
    round: roundName(roundNo, SLAM_ROUNDS),
    place,
    ...(winner ? { winner } : {}),
  };
}

function elapsedMs(s: string, line: number): number {
  const m = /^(\d+):(\d{1,2}):(\d{1,2})$/.exec(s.trim());
  if (!m) throw ConvertError.atLine(line, `ElapsedTime "${s}" is not H:MM:SS`);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
}

const side = (v: string): 1 | 2 | undefined => (v === '1' ? 1 : v === '2' ? 2 : undefined);
const num = (v: string | undefined): number => (v === undefined || v.trim() === '' ? NaN : Number(v));

/**
 * Convert a points CSV into one recording per match (in file order), or only `matchIds`.
 * `header.gameId` is the `match_id`; `t` is ElapsedTime in ms; one `point` frame per point
 * with {@link TennisPointData}. Throws ConvertError naming the line on a malformed row, when
 * a match has no entry in `matches` (players unknown), when a match has no points, and when
 * a requested `matchIds` entry is not in the file.
 */
export function convertTennisPoints(
  pointsCsv: string,
  matches: Map<string, TennisMatchInfo>,
  opts: { matchIds?: readonly string[] } = {},
): ConvertedRecording[] {
  const rows = readCsv(pointsCsv);
  const head = rows[0]?.fields;
  if (!head) throw ConvertError.atLine(1, 'empty points CSV');
  for (const c of ['match_id', 'ElapsedTime', 'SetNo', 'P1Score', 'P2Score', 'PointNumber']) {
    if (!head.includes(c)) throw ConvertError.atLine(1, `points CSV has no ${c} column`);
  }
  const idx = new Map(head.map((h, i) => [h, i]));
  const groups = new Map<string, Array<{ line: number; get: (c: string) => string }>>();
  const wanted = opts.matchIds ? new Set(opts.matchIds) : undefined;
  rows.slice(1).forEach(({ fields: r, line }) => {
    const get = (c: string) => {
      const j = idx.get(c);
      return j === undefined ? '' : (r[j] ?? '').trim();
    };
    const id = get('match_id');
    if (!id) throw ConvertError.atLine(line, 'row has no match_id');
    if (wanted && !wanted.has(id)) return;
    if (!groups.has(id)) groups.set(id, []);
    groups.get(id)!.push({ line, get });
  });
  const absent = opts.matchIds?.filter((id) => !groups.has(id)) ?? [];
  if (absent.length > 0) throw new ConvertError(`no points for match ${absent.join(', ')} in the points CSV`);
  const present = presentColumns(head, rows.slice(1).map((r) => r.fields));
  return [...groups].map(([id, group]) => {
    const info = matches.get(id);
    if (!info) throw ConvertError.atLine(group[0]!.line, `match ${id} is not in the matches CSV`);
    return convertMatch(info, group, present);
  });
}

type Present = Record<'speed' | 'rally' | 'serve' | 'ace' | 'df' | 'winner' | 'ue' | 'bp', boolean>;

/**
 * Which optional columns carry data anywhere in the file (the event). A column that is empty
 * or all zero for the whole event is not tracked there; one that has data somewhere is, so
 * a match without a single ace still says `ace: false` rather than nothing.
 */
function presentColumns(head: string[], rows: string[][]): Present {
  const has = (c: string) => {
    const j = head.indexOf(c);
    return j >= 0 && rows.some((r) => (r[j] ?? '').trim() !== '' && (r[j] ?? '').trim() !== '0');
  };
  const serve = head.indexOf('ServeIndicator');
  return {
    speed: has('Speed_KMH'),
    rally: has('Rally'),
    serve: serve >= 0 && rows.some((r) => r[serve]?.trim() === '1' || r[serve]?.trim() === '2'),
    ace: has('P1Ace') || has('P2Ace'),
    df: has('P1DoubleFault') || has('P2DoubleFault'),
    winner: has('P1Winner') || has('P2Winner'),
    ue: has('P1UnfErr') || has('P2UnfErr'),
    bp: has('P1BreakPoint') || has('P2BreakPoint'),
  };
}

function convertMatch(info: TennisMatchInfo, rows: Array<{ line: number; get: (c: string) => string }>, present: Present): ConvertedRecording {
  const frames: WireFrame[] = [];
  const setsWon: [number, number] = [0, 0];
  /** Each set's games after its last point (the scoreboard), for the result: {@link setsDecided}. */
  const setGames = new Map<number, [number, number]>();
  let lastT = 0;
  let timeFixups = 0;
  let skippedRows = 0;
  let tiebreakGame = '';
  for (const { line, get } of rows) {
    if (get('PointNumber') === '0' || get('SetNo') === '' || (get('P1Score') === '' && get('P2Score') === '')) {
      skippedRows++;
      continue;
    }
    let t = elapsedMs(get('ElapsedTime'), line);
    if (t < lastT) {
      t = lastT;
      timeFixups++;
    }
    lastT = t;
    const set = num(get('SetNo'));
    const games: [number, number] = [num(get('P1GamesWon')), num(get('P2GamesWon'))];
    if (!Number.isInteger(set) || set < 1 || !games.every((g) => Number.isInteger(g) && g >= 0)) {
      throw ConvertError.atLine(line, `bad set/games (SetNo "${get('SetNo')}", games "${get('P1GamesWon')}-${get('P2GamesWon')}")`);
    }
    const points: [string, string] = [get('P1Score').toUpperCase() || '0', get('P2Score').toUpperCase() || '0'];
    const game = `${set}:${get('GameNo')}`;
    if (points.some((p) => !GAME_SCORES.has(p))) tiebreakGame = game;
    const tiebreak = tiebreakGame === game && get('GameNo') !== '';
    const winner = side(get('PointWinner'));
    const server = side(get('PointServer'));
    const gameWinner = side(get('GameWinner'));
    const setWinner = side(get('SetWinner'));
    if (setWinner) setsWon[setWinner - 1]++;
    setGames.set(set, games);
    const flag = (c: string) => (winner ? get(`P${winner}${c}`) === '1' : get(`P1${c}`) === '1' || get(`P2${c}`) === '1');
    const loserFlag = (c: string) => (winner ? get(`P${3 - winner}${c}`) === '1' : get(`P1${c}`) === '1' || get(`P2${c}`) === '1');
    const data: TennisPointData = {
      set,
      games,
      points,
      tiebreak,
      setsWon: [setsWon[0], setsWon[1]],
      ...(server ? { server } : {}),
      ...(winner ? { winner } : {}),
      ...(gameWinner ? { gameWinner } : {}),
      ...(setWinner ? { setWinner } : {}),
      ...(present.ace ? { ace: flag('Ace') } : {}),
      ...(present.df ? { doubleFault: loserFlag('DoubleFault') } : {}),
      ...(present.winner ? { cleanWinner: flag('Winner') } : {}),
      ...(present.ue ? { unforcedError: loserFlag('UnfErr') } : {}),
      ...(present.bp ? { breakPoint: get('P1BreakPoint') === '1' || get('P2BreakPoint') === '1' } : {}),
      ...(present.serve && (get('ServeIndicator') === '1' || get('ServeIndicator') === '2') ? { serveNumber: Number(get('ServeIndicator')) as 1 | 2 } : {}),
      ...(present.speed && num(get('Speed_KMH')) > 0 ? { serveSpeedKmh: num(get('Speed_KMH')) } : {}),
      ...(present.rally && num(get('Rally')) > 0 ? { rally: num(get('Rally')) } : {}),
    };
    frames.push({ seq: frames.length, t, type: 'point', data });
  }
  if (frames.length === 0) throw ConvertError.atLine(rows[0]!.line, `match ${info.matchId} has no points`);
  const event = matchEvent(info, matchWinner(info, setsDecided(setGames.values())));
  const header: RecordingHeader = {
    format: RECORDING_FORMAT,
    gameId: info.matchId,
    kind: 'tennis',
    title: matchTitle(info),
    participants: [info.player1, info.player2],
    durationMs: lastT,
    frameCount: frames.length,
    meta: {
      ...(info.slam ? { slam: info.slam } : {}),
      ...(info.year ? { year: Number(info.year) } : {}),
      ...(info.matchNum ? { matchNum: info.matchNum } : {}),
      ...(matchDraw(info) ? { draw: matchDraw(info) } : {}),
      ...(matchRound(info) ? { round: matchRound(info) } : {}),
      ...(info.court ? { court: info.court } : {}),
      ...(info.eventName ? { eventName: info.eventName } : {}),
      ...(event ? { event } : {}),
      setsWon: [...setsWon],
      ...(timeFixups ? { timeFixups } : {}),
      ...(skippedRows ? { skippedRows } : {}),
      source: TENNIS_ATTRIBUTION,
    },
  };
  return { header, frames };
}
