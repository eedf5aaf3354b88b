/**
 * Cricsheet JSON (Cricsheet's JSON format, data_version 1.0.0 / 1.1.0, cricsheet.org/format/json,
 * ODC-BY) → matchcast/1, for cricket streams. One frame type per event a viewer follows:
 * 'ball' (a delivery was bowled), 'wicket' (a wicket fell), 'over' (an over is complete),
 * 'innings' (an innings is complete), 'match' (the result), 'milestone' (a batter's fifty,
 * century…, a bowler's hat-trick).
 *
 * Cricsheet has no per-ball times, so the replay supplies its own clock (options
 * `ballSpacingMs`, `overBreakMs`, `inningsBreakMs`): `t` is NOT real match time.
 *
 * Pure: takes the file's text, returns header + frames. Throws {@link ConvertError}.
 */
import type { WireFrame } from '../protocol/messages';
import { type CommonConvertOptions, ConvertError, type ConvertedRecording, MAX_FRAME_LINE_BYTES, frameLineBytes, locateJsonError, resolveGameId } from './errors';

/** Attribution Cricsheet's ODC-BY licence requires; stored in `meta.attribution`. */
export const CRICSHEET_ATTRIBUTION = 'Cricsheet (cricsheet.org), ODC-BY';
/** Cricsheet data versions this converter understands. */
export const CRICSHEET_DATA_VERSIONS = ['1.0.0', '1.1.0'] as const;

/** Options of {@link convertCricsheet}. The three spacings are the replay's clock, not real times. */
export interface CricsheetOptions extends CommonConvertOptions {
  /** Milliseconds between consecutive deliveries. Default 30000. */
  ballSpacingMs?: number;
  /** Extra milliseconds added before the first delivery of each new over. Default 60000. */
  overBreakMs?: number;
  /** Milliseconds between the last delivery of an innings and the first of the next (instead of the ball spacing and over break). Default 600000. */
  inningsBreakMs?: number;
}

/** A batter's line after the ball. */
export interface BatterLine {
  name: string;
  runs: number;
  /** Balls faced (wides are not faced; no-balls are). */
  balls: number;
  fours: number;
  sixes: number;
  out: boolean;
  /** How out ("caught", "run out", …), when out. */
  howOut?: string;
}

/** A bowler's figures after the ball. */
export interface BowlerLine {
  name: string;
  /** Legal balls as "O.B" (e.g. "3.2"). */
  overs: string;
  maidens: number;
  /** Runs conceded: everything except byes, leg byes and penalty runs. */
  runs: number;
  /** Wickets credited to the bowler (not run outs, retirements, obstructing, timed out, handled the ball). */
  wickets: number;
  wides: number;
  noballs: number;
}

/** Extras conceded so far in an innings. */
export interface ExtrasLine {
  wides: number;
  noballs: number;
  byes: number;
  legbyes: number;
  penalty: number;
  total: number;
}

/** The innings score after the ball. */
export interface ScoreLine {
  runs: number;
  wickets: number;
  /** Legal balls as "O.B". */
  overs: string;
  extras: ExtrasLine;
}

/** One dismissal. */
export interface WicketDetail {
  kind: string;
  playerOut: string;
  fielders: string[];
  /** The bowler, when the dismissal is credited to them. */
  bowler?: string;
}

interface InningsRef {
  /** 1-based innings number in the file (super overs continue the count). */
  innings: number;
  team: string;
  bowlingTeam: string;
  superOver: boolean;
}

/** data of a 'ball' frame: one delivery (wides and no-balls included) and the state after it. */
export interface BallFrameData extends InningsRef {
  /** "O.N": completed overs . legal balls in this over including this one (a wide/no-ball carries the number of the ball re-bowled). */
  ball: string;
  batter: string;
  nonStriker: string;
  bowler: string;
  runs: { batter: number; extras: number; total: number };
  extras?: Partial<Record<'wides' | 'noballs' | 'byes' | 'legbyes' | 'penalty', number>>;
  legal: boolean;
  /** 4 or 6 when the batter hit a boundary. */
  boundary?: 4 | 6;
  wickets?: WicketDetail[];
  score: ScoreLine;
  striker: BatterLine;
  nonStrikerLine: BatterLine;
  bowlerLine: BowlerLine;
  /** Chasing side only: runs to win and the target. */
  chase?: { target: number; need: number; ballsLeft?: number };
  review?: unknown;
}
/** data of a 'wicket' frame. */
export interface WicketFrameData extends InningsRef {
  ball: string;
  wicket: WicketDetail;
  /** The dismissed batter's final line. */
  batter: BatterLine;
  /** Fall of wicket: the team's wicket number, score and overs. */
  fall: { wicket: number; runs: number; overs: string };
  /** The partnership that ended. */
  partnership: { runs: number; balls: number };
  score: ScoreLine;
}
/** data of an 'over' frame (emitted after the last delivery of a complete over). */
export interface OverFrameData extends InningsRef {
  /** 1-based over number. */
  over: number;
  bowler: string;
  runs: number;
  wickets: number;
  maiden: boolean;
  /** Per delivery: "." dot, "1".."6" runs, "W" wicket, extras as "1wd", "1nb", "2b", "1lb". */
  balls: string[];
  score: ScoreLine;
  bowlerLine: BowlerLine;
}
/** data of an 'innings' frame (after the innings' last delivery). */
export interface InningsFrameData extends InningsRef {
  runs: number;
  wickets: number;
  overs: string;
  extras: ExtrasLine;
  target?: number;
  /** e.g. "Mumbai Indians 149/8 (20.0 ov)". */
  summary: string;
  batting: BatterLine[];
  bowling: BowlerLine[];
}
/** data of a 'milestone' frame. */
export type MilestoneFrameData = InningsRef &
  (
    | { milestone: 'fifty' | 'century' | `${number}`; player: string; runs: number; balls: number; text: string }
    | { milestone: 'hat-trick'; player: string; victims: string[]; text: string }
  );
/** data of the 'match' frame (the last frame). */
export interface MatchFrameData {
  /** e.g. "Mumbai Indians won by 1 run". */
  result: string;
  /** Who won: `outcome.winner`, or the super over's (`eliminator`) or bowl-out's winner of a tie ({@link winnerOf}). */
  winner?: string;
  outcome: unknown;
  playerOfMatch: string[];
  innings: { innings: number; team: string; superOver: boolean; runs: number; wickets: number; overs: string }[];
}

/** Dismissals credited to the bowler. */
const BOWLER_WICKETS = new Set(['bowled', 'caught', 'caught and bowled', 'lbw', 'stumped', 'hit wicket', 'hit the ball twice']);
/** Dismissals that do not count against the batting side's wickets. */
const NOT_A_TEAM_WICKET = new Set(['retired hurt', 'retired not out']);
/** Short names for event titles. */
const EVENT_SHORT: Record<string, string> = {
  'Indian Premier League': 'IPL',
  'Big Bash League': 'BBL',
  "Women's Big Bash League": 'WBBL',
  'Pakistan Super League': 'PSL',
  'Caribbean Premier League': 'CPL',
};

type Json = Record<string, unknown>;

interface InningsState {
  ref: InningsRef;
  runs: number;
  wickets: number;
  legal: number;
  extras: ExtrasLine;
  batters: Map<string, BatterLine>;
  bowlers: Map<string, BowlerLine & { legal: number }>;
  partnership: { runs: number; balls: number };
  target?: number;
  targetBalls?: number;
}

/**
 * Convert a cricsheet JSON match to matchcast/1.
 *
 * Frames, per delivery in file order (several at the same t): 'ball' always
 * ({@link BallFrameData}), then one 'wicket' per dismissal, 'milestone' for a batter passing
 * 50/100/150/… or a bowler's hat-trick (three bowler-credited wickets in consecutive
 * deliveries by that bowler in the match; a wide/no-ball without a wicket does not break
 * it), 'over' when an over with ≥ balls_per_over legal balls ends, 'innings' after the
 * innings' last delivery, and 'match' ({@link MatchFrameData}, from info.outcome) after the
 * last one. Super overs are innings with `superOver: true`.
 *
 * Clock: the first delivery is at t=0; each next one `ballSpacingMs` later, plus
 * `overBreakMs` when it opens a new over; the first delivery of a new innings comes
 * `inningsBreakMs` after the previous one.
 *
 * Header: kind 'cricket'; title like "IPL 2019 final: Mumbai Indians v Chennai Super Kings"
 * (options.title overrides); participants = info.teams; meta: venue, city, dates, toss,
 * outcome, result, matchType, gender, season, event, playerOfMatch, overs, ballsPerOver,
 * players, dataVersion, attribution ({@link CRICSHEET_ATTRIBUTION}), clock.
 *
 * @throws ConvertError: not JSON ("line 40: not valid JSON …"), an unknown data_version,
 * a missing/ill-typed field (the message names its path, e.g. "innings[1].overs[3].deliveries[0].runs.total"),
 * no deliveries, a bad clock option.
 */
export function convertCricsheet(text: string, options: CricsheetOptions = {}): ConvertedRecording {
  const gameId = resolveGameId(options);
  const ballSpacingMs = clockOption('ballSpacingMs', options.ballSpacingMs, 30_000);
  const overBreakMs = clockOption('overBreakMs', options.overBreakMs, 60_000);
  const inningsBreakMs = clockOption('inningsBreakMs', options.inningsBreakMs, 600_000);

  const doc = parseDocument(text);
  const meta0 = obj(doc.meta, 'meta');
  const dataVersion = String(meta0.data_version);
  if (!(CRICSHEET_DATA_VERSIONS as readonly string[]).includes(dataVersion)) {
    throw new ConvertError(
      `unknown cricsheet data_version ${JSON.stringify(meta0.data_version ?? null)} (supported: ${CRICSHEET_DATA_VERSIONS.join(', ')})`,
    );
  }
  const info = obj(doc.info, 'info');
  const teams = arr(info.teams, 'info.teams').map((x, i) => str(x, `info.teams[${i}]`));
  if (teams.length !== 2) throw new ConvertError(`info.teams must name two teams, got ${teams.length}`);
  const bpo = info.balls_per_over === undefined ? 6 : int(info.balls_per_over, 'info.balls_per_over');
  const maxOvers = typeof info.overs === 'number' ? info.overs : undefined;
  const inningsList = arr(doc.innings, 'innings');
  if (inningsList.length === 0) throw new ConvertError('innings: the match has no innings');

  const frames: WireFrame[] = [];
  let t = 0;
  let any = false;
  const push = (type: string, data: unknown) => {
    const frame = { seq: frames.length, t, type, data };
    const size = frameLineBytes(frame);
    if (size > MAX_FRAME_LINE_BYTES) {
      throw new ConvertError(`a '${type}' frame is ${size} bytes, over the ${MAX_FRAME_LINE_BYTES}-byte frame limit`);
    }
    frames.push(frame);
  };
  const finished: InningsState[] = [];
  const hatTrick = new Map<string, string[]>(); // bowler → consecutive bowler-credited victims

  for (let ii = 0; ii < inningsList.length; ii++) {
    const path = `innings[${ii}]`;
    const inn = obj(inningsList[ii], path);
    if (inn.team === undefined && Object.keys(inn).some((k) => /innings/i.test(k))) {
      throw new ConvertError(`${path}: old cricsheet layout ("1st innings" keys); download the data_version 1.x JSON`);
    }
    const team = str(inn.team, `${path}.team`);
    const superOver = inn.super_over === true;
    const ref: InningsRef = {
      innings: ii + 1,
      team,
      bowlingTeam: teams[0] === team ? teams[1] : teams[0],
      superOver,
    };
    const st: InningsState = {
      ref,
      runs: 0,
      wickets: 0,
      legal: 0,
      extras: { wides: 0, noballs: 0, byes: 0, legbyes: 0, penalty: 0, total: 0 },
      batters: new Map(),
      bowlers: new Map(),
      partnership: { runs: 0, balls: 0 },
    };
    // Target: given (1.1.0), else the previous innings' runs + 1 for the chasing side of a
    // limited-overs pair (main innings 2; super overs 2, 4, …).
    if (inn.target !== undefined) {
      const tg = obj(inn.target, `${path}.target`);
      st.target = int(tg.runs, `${path}.target.runs`);
      if (typeof tg.overs === 'number') st.targetBalls = Math.round(tg.overs * bpo);
    } else if (maxOvers !== undefined && finished.length > 0) {
      const firstOfPair = superOver ? finished.filter((f) => f.ref.superOver).length % 2 === 1 : finished.length === 1;
      if (firstOfPair) {
        st.target = finished[finished.length - 1].runs + 1;
        st.targetBalls = (superOver ? 1 : maxOvers) * bpo;
      }
    }
    const overs = arr(inn.overs, `${path}.overs`);
    let firstBallOfInnings = true;
    for (let oi = 0; oi < overs.length; oi++) {
      const opath = `${path}.overs[${oi}]`;
      const over = obj(overs[oi], opath);
      const overIndex = int(over.over, `${opath}.over`);
      const deliveries = arr(over.deliveries, `${opath}.deliveries`);
      let overLegal = 0;
      let overRuns = 0;
      let overWickets = 0;
      let overConceded = 0;
      const overBalls: string[] = [];
      let overBowler = '';
      for (let di = 0; di < deliveries.length; di++) {
        const dpath = `${opath}.deliveries[${di}]`;
        const d = obj(deliveries[di], dpath);
        // The replay clock.
        if (any) {
          if (firstBallOfInnings) t += inningsBreakMs;
          else if (di === 0) t += ballSpacingMs + overBreakMs;
          else t += ballSpacingMs;
        }
        any = true;
        firstBallOfInnings = false;

        const batter = str(d.batter ?? d.batsman, `${dpath}.batter`);
        const nonStriker = str(d.non_striker, `${dpath}.non_striker`);
        const bowler = str(d.bowler, `${dpath}.bowler`);
        overBowler = bowler;
        const r = obj(d.runs, `${dpath}.runs`);
        const runs = {
          batter: int(r.batter, `${dpath}.runs.batter`),
          extras: int(r.extras, `${dpath}.runs.extras`),
          total: int(r.total, `${dpath}.runs.total`),
        };
        const ex: Partial<Record<keyof Omit<ExtrasLine, 'total'>, number>> = {};
        if (d.extras !== undefined) {
          const e = obj(d.extras, `${dpath}.extras`);
          for (const k of ['wides', 'noballs', 'byes', 'legbyes', 'penalty'] as const) {
            if (e[k] !== undefined) ex[k] = int(e[k], `${dpath}.extras.${k}`);
          }
        }
        const wide = (ex.wides ?? 0) > 0;
        const noball = (ex.noballs ?? 0) > 0;
        const legal = !wide && !noball;

        // Batting side.
        const sLine = batterLine(st, batter);
        const nLine = batterLine(st, nonStriker);
        sLine.runs += runs.batter;
        if (!wide) sLine.balls++;
        const boundary = r.non_boundary === true ? undefined : runs.batter === 4 ? 4 : runs.batter === 6 ? 6 : undefined;
        if (boundary === 4) sLine.fours++;
        if (boundary === 6) sLine.sixes++;
        st.runs += runs.total;
        for (const k of Object.keys(ex) as (keyof typeof ex)[]) st.extras[k] += ex[k] as number;
        st.extras.total += runs.extras;
        st.partnership.runs += runs.total;
        if (legal) {
          st.legal++;
          overLegal++;
          st.partnership.balls++;
        }

        // Bowler.
        const bLine = bowlerLine(st, bowler);
        const conceded = runs.total - (ex.byes ?? 0) - (ex.legbyes ?? 0) - (ex.penalty ?? 0);
        bLine.runs += conceded;
        overConceded += conceded;
        overRuns += runs.total;
        if (legal) bLine.legal++;
        if (wide) bLine.wides += ex.wides as number;
        if (noball) bLine.noballs += ex.noballs as number;

        // Wickets.
        const wickets: WicketDetail[] = [];
        if (d.wickets !== undefined) {
          arr(d.wickets, `${dpath}.wickets`).forEach((w0, wi) => {
            const wpath = `${dpath}.wickets[${wi}]`;
            const w = obj(w0, wpath);
            const kind = str(w.kind, `${wpath}.kind`);
            const playerOut = str(w.player_out, `${wpath}.player_out`);
            const fielders =
              w.fielders === undefined
                ? []
                : arr(w.fielders, `${wpath}.fielders`).map((f, fi) =>
                    typeof f === 'string' ? f : str(obj(f, `${wpath}.fielders[${fi}]`).name, `${wpath}.fielders[${fi}].name`),
                  );
            const detail: WicketDetail = { kind, playerOut, fielders };
            if (BOWLER_WICKETS.has(kind)) detail.bowler = bowler;
            wickets.push(detail);
          });
        }
        let bowlerWicketThisBall = false;
        for (const w of wickets) {
          const out = batterLine(st, w.playerOut);
          out.out = true;
          out.howOut = w.kind;
          if (!NOT_A_TEAM_WICKET.has(w.kind)) {
            st.wickets++;
            overWickets++;
          }
          if (w.bowler !== undefined) {
            bLine.wickets++;
            bowlerWicketThisBall = true;
          }
        }
        overBalls.push(ballSymbol(runs, ex, wickets.length > 0));

        const score = scoreLine(st, bpo);
        const ball = `${overIndex}.${legal ? overLegal : overLegal + 1}`;
        const data: BallFrameData = {
          ...ref,
          ball,
          batter,
          nonStriker,
          bowler,
          runs,
          legal,
          score,
          striker: { ...sLine },
          nonStrikerLine: { ...nLine },
          bowlerLine: publicBowler(bLine, bpo),
        };
        if (Object.keys(ex).length > 0) data.extras = ex;
        if (boundary !== undefined) data.boundary = boundary;
        if (wickets.length > 0) data.wickets = wickets;
        if (st.target !== undefined) {
          data.chase = { target: st.target, need: Math.max(0, st.target - st.runs) };
          if (st.targetBalls !== undefined) data.chase.ballsLeft = Math.max(0, st.targetBalls - st.legal);
        }
        if (d.review !== undefined) data.review = d.review;
        push('ball', data);

        for (const w of wickets) {
          if (NOT_A_TEAM_WICKET.has(w.kind)) continue;
          const wd: WicketFrameData = {
            ...ref,
            ball,
            wicket: w,
            batter: { ...batterLine(st, w.playerOut) },
            fall: { wicket: st.wickets, runs: st.runs, overs: score.overs },
            partnership: { ...st.partnership },
            score,
          };
          push('wicket', wd);
          st.partnership = { runs: 0, balls: 0 };
        }

        // Milestones: batter passing a multiple of 50; hat-trick.
        const before = sLine.runs - runs.batter;
        for (let m = (Math.floor(before / 50) + 1) * 50; m <= sLine.runs; m += 50) {
          const name = m === 50 ? 'fifty' : m === 100 ? 'century' : (String(m) as `${number}`);
          push('milestone', {
            ...ref,
            milestone: name,
            player: batter,
            runs: sLine.runs,
            balls: sLine.balls,
            text: `${batter} reaches ${m} off ${sLine.balls} balls`,
          } satisfies MilestoneFrameData);
        }
        const streak = hatTrick.get(bowler) ?? [];
        if (bowlerWicketThisBall) {
          for (const w of wickets) if (w.bowler !== undefined) streak.push(w.playerOut);
          hatTrick.set(bowler, streak);
          if (streak.length >= 3 && streak.length - wickets.filter((w) => w.bowler !== undefined).length < 3) {
            push('milestone', {
              ...ref,
              milestone: 'hat-trick',
              player: bowler,
              victims: streak.slice(-3),
              text: `hat-trick for ${bowler}`,
            } satisfies MilestoneFrameData);
          }
        } else if (legal || wickets.length > 0) {
          hatTrick.set(bowler, []);
        }

        // End of a complete over.
        if (di === deliveries.length - 1 && overLegal >= bpo) {
          const maiden = overConceded === 0;
          if (maiden) bLine.maidens++;
          push('over', {
            ...ref,
            over: overIndex + 1,
            bowler: overBowler,
            runs: overRuns,
            wickets: overWickets,
            maiden,
            balls: overBalls,
            score,
            bowlerLine: publicBowler(bLine, bpo),
          } satisfies OverFrameData);
        }
      }
    }
    if (firstBallOfInnings) continue; // an innings without deliveries (forfeited): nothing to show
    const score = scoreLine(st, bpo);
    push('innings', {
      ...ref,
      runs: st.runs,
      wickets: st.wickets,
      overs: score.overs,
      extras: { ...st.extras },
      ...(st.target !== undefined ? { target: st.target } : {}),
      summary: `${team} ${st.runs}/${st.wickets} (${score.overs} ov)`,
      batting: [...st.batters.values()].map((b) => ({ ...b })),
      bowling: [...st.bowlers.values()].map((b) => publicBowler(b, bpo)),
    } satisfies InningsFrameData);
    finished.push(st);
  }
  if (!any) throw new ConvertError('innings: the match has no deliveries');

  const outcome = info.outcome ?? {};
  const result = resultText(outcome);
  const winner = winnerOf(outcome);
  const playerOfMatch = Array.isArray(info.player_of_match) ? info.player_of_match.map(String) : [];
  push('match', {
    result,
    ...(winner !== undefined ? { winner } : {}),
    outcome,
    playerOfMatch,
    innings: finished.map((s) => ({
      innings: s.ref.innings,
      team: s.ref.team,
      superOver: s.ref.superOver,
      runs: s.runs,
      wickets: s.wickets,
      overs: scoreLine(s, bpo).overs,
    })),
  } satisfies MatchFrameData);

  const meta: Record<string, unknown> = {
    sourceFormat: `cricsheet ${dataVersion}`,
    dataVersion,
    attribution: CRICSHEET_ATTRIBUTION,
    venue: info.venue,
    city: info.city,
    dates: info.dates,
    toss: info.toss,
    outcome,
    result,
    matchType: info.match_type,
    gender: info.gender,
    season: info.season,
    event: info.event,
    playerOfMatch,
    overs: maxOvers,
    ballsPerOver: bpo,
    players: info.players,
    clock: { ballSpacingMs, overBreakMs, inningsBreakMs, note: 'replay clock: cricsheet has no per-ball times' },
  };
  for (const k of Object.keys(meta)) if (meta[k] === undefined) delete meta[k];
  return {
    header: {
      format: 'matchcast/1',
      gameId,
      kind: 'cricket',
      title: options.title ?? matchTitle(info, teams),
      participants: teams,
      durationMs: frames[frames.length - 1].t,
      frameCount: frames.length,
      meta,
    },
    frames,
  };
}

/**
 * A match title from cricsheet `info`: "<event short name> <year> <final | match N>:
 * <team1> v <team2>", e.g. "IPL 2019 final: Mumbai Indians v Chennai Super Kings".
 */
export function matchTitle(info: Json, teams: string[]): string {
  const year = Array.isArray(info.dates) && typeof info.dates[0] === 'string' ? info.dates[0].slice(0, 4) : undefined;
  const event = info.event && typeof info.event === 'object' ? (info.event as Json) : undefined;
  const parts: string[] = [];
  if (event && typeof event.name === 'string') {
    const name = EVENT_SHORT[event.name] ?? event.name;
    parts.push(year && !/\d{4}/.test(name) ? `${name} ${year}` : name);
    if (typeof event.stage === 'string') parts.push(event.stage.toLowerCase());
    else if (event.match_number !== undefined) parts.push(`match ${String(event.match_number)}`);
  } else {
    parts.push([info.match_type, year].filter((x) => typeof x === 'string').join(' ') || 'Match');
  }
  return `${parts.join(' ')}: ${teams[0]} v ${teams[1]}`;
}

/**
 * Who won, from Cricsheet's `info.outcome` (Cricsheet JSON format, "info section": `winner`,
 * or — a tie decided by a super over or a bowl-out — `eliminator` / `bowl_out`); undefined for
 * a tie left standing, a draw or no result.
 */
export function winnerOf(outcome: unknown): string | undefined {
  const o = (outcome && typeof outcome === 'object' ? outcome : {}) as Json;
  if (typeof o.winner === 'string') return o.winner;
  if (o.result === 'tie' && typeof o.eliminator === 'string') return o.eliminator;
  if (o.result === 'tie' && typeof o.bowl_out === 'string') return o.bowl_out;
  return undefined;
}

/** "Mumbai Indians won by 1 run", "Match tied; Kings XI Punjab won the super over", "No result". */
export function resultText(outcome: unknown): string {
  const o = (outcome && typeof outcome === 'object' ? outcome : {}) as Json;
  const method = typeof o.method === 'string' ? ` (${o.method} method)` : '';
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (typeof o.winner === 'string') {
    const by = (o.by && typeof o.by === 'object' ? o.by : {}) as Json;
    if (typeof by.innings === 'number' && typeof by.runs === 'number') {
      return `${o.winner} won by an innings and ${plural(by.runs, 'run')}${method}`;
    }
    if (typeof by.runs === 'number') return `${o.winner} won by ${plural(by.runs, 'run')}${method}`;
    if (typeof by.wickets === 'number') return `${o.winner} won by ${plural(by.wickets, 'wicket')}${method}`;
    return `${o.winner} won${method}`;
  }
  if (o.result === 'tie') {
    if (typeof o.eliminator === 'string') return `Match tied; ${o.eliminator} won the super over`;
    if (typeof o.bowl_out === 'string') return `Match tied; ${o.bowl_out} won the bowl-out`;
    return 'Match tied';
  }
  if (o.result === 'no result') return 'No result';
  if (o.result === 'draw') return 'Match drawn';
  return typeof o.result === 'string' ? o.result : 'Result unknown';
}

function batterLine(st: InningsState, name: string): BatterLine {
  let b = st.batters.get(name);
  if (!b) {
    b = { name, runs: 0, balls: 0, fours: 0, sixes: 0, out: false };
    st.batters.set(name, b);
  }
  return b;
}

function bowlerLine(st: InningsState, name: string): BowlerLine & { legal: number } {
  let b = st.bowlers.get(name);
  if (!b) {
    b = { name, overs: '0.0', maidens: 0, runs: 0, wickets: 0, wides: 0, noballs: 0, legal: 0 };
    st.bowlers.set(name, b);
  }
  return b;
}

function oversText(legal: number, bpo: number): string {
  return `${Math.floor(legal / bpo)}.${legal % bpo}`;
}

function publicBowler(b: BowlerLine & { legal: number }, bpo: number): BowlerLine {
  return {
    name: b.name,
    overs: oversText(b.legal, bpo),
    maidens: b.maidens,
    runs: b.runs,
    wickets: b.wickets,
    wides: b.wides,
    noballs: b.noballs,
  };
}

function scoreLine(st: InningsState, bpo: number): ScoreLine {
  return { runs: st.runs, wickets: st.wickets, overs: oversText(st.legal, bpo), extras: { ...st.extras } };
}

function ballSymbol(
  runs: { batter: number; extras: number; total: number },
  ex: Partial<Record<string, number>>,
  wicket: boolean,
): string {
  let s: string;
  if (ex.wides) s = `${runs.total}wd`;
  else if (ex.noballs) s = `${runs.total}nb`;
  else if (ex.byes) s = `${runs.total}b`;
  else if (ex.legbyes) s = `${runs.total}lb`;
  else s = runs.total === 0 ? '.' : String(runs.total);
  if (wicket) s = s === '.' ? 'W' : `${s}W`;
  return s;
}

function clockOption(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 0) throw new ConvertError(`${name} must be a non-negative integer of milliseconds, got ${v}`);
  return v;
}

function parseDocument(text: string): Json {
  let doc: unknown;
  text = text.replace(/^\uFEFF/, '');
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const { line, column } = locateJsonError(text);
    throw ConvertError.atLine(line, `not valid JSON at column ${column} (${msg})`);
  }
  return obj(doc, 'the document');
}

function obj(v: unknown, path: string): Json {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ConvertError(`${path}: expected an object`);
  return v as Json;
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new ConvertError(`${path}: expected an array`);
  return v;
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') throw new ConvertError(`${path}: expected a non-empty string`);
  return v;
}
function int(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new ConvertError(`${path}: expected a non-negative integer, got ${JSON.stringify(v ?? null)}`);
  }
  return v;
}
