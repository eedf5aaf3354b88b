/**
 * Cricket view state: a pure fold of the cricket frames a viewer holds (seq order) into the
 * innings the scorecard shows — score, overs, current batters, bowler figures, extras, the
 * last six deliveries, fall of wickets, the chase — plus earlier innings and the result.
 *
 * Every `ball` frame carries the innings' running totals, so a viewer who joined late still
 * sees the right score; lists built from events (fall of wickets, bowlers, recent balls) cover
 * the frames this viewer has seen, except that an `innings` frame brings the full card.
 * Pure: no DOM (unit-tested in test/web/cricket.test.ts).
 */
import type { WireFrame } from '../../../protocol/messages';
import { ballChip, describeEvent, type BallChip, type FeedLine } from './describe';
import { oversToBalls, toCricketEvent, type BallEvent, type Batter, type Bowler, type CricketEvent, type Extras } from './frame';

/** A batter at the crease. */
export interface CreaseBatter extends Batter {
  readonly onStrike: boolean;
}

/** One fall of wicket. */
export interface FallOfWicket {
  readonly wicket: number;
  readonly runs: number;
  readonly overs: string;
  readonly batter: string;
}

/** The chase, when the batting side has a target. */
export interface Chase {
  readonly target: number;
  readonly need: number;
  readonly ballsLeft: number | null;
  /** Required run rate (runs per 6 balls); null when no balls are left or unknown. */
  readonly requiredRate: number | null;
}

/** A finished innings, as the scorecard lists it. */
export interface InningsSummary {
  readonly innings: number;
  readonly team: string;
  readonly superOver: boolean;
  readonly runs: number;
  /** Null when only inferred (from the chase target). */
  readonly wickets: number | null;
  readonly overs: string | null;
}

/** The innings in progress (or the last one, once it ended). */
export interface InningsView {
  readonly innings: number;
  readonly team: string;
  readonly bowlingTeam: string;
  readonly superOver: boolean;
  readonly runs: number;
  readonly wickets: number;
  readonly overs: string;
  readonly extras: Extras | null;
  /** Current run rate (runs per 6 legal balls); null before a legal ball. */
  readonly runRate: number | null;
  /** The two batters at the crease after the last delivery, striker first (a dismissed batter is left out). */
  readonly batters: readonly CreaseBatter[];
  /** The bowler of the last delivery, with figures. */
  readonly bowler: Bowler | null;
  /** Every bowler seen this innings, latest figures, in order of first appearance. */
  readonly bowlers: readonly Bowler[];
  /** The last six deliveries seen this innings, oldest first. */
  readonly recent: readonly BallChip[];
  readonly fallOfWickets: readonly FallOfWicket[];
  /** The current partnership, when it is known from frames seen. */
  readonly partnership: { readonly runs: number; readonly balls: number } | null;
  readonly chase: Chase | null;
  /** The innings frame arrived: this innings is over. */
  readonly complete: boolean;
}

/** Everything the cricket panels render. */
export interface CricketView {
  /** Cricket frames folded (of any type). */
  readonly framesSeen: number;
  /** Deliveries seen. */
  readonly ballsSeen: number;
  readonly current: InningsView | null;
  /** Completed innings before the current one (from `innings` frames, or inferred from a chase target). */
  readonly previous: readonly InningsSummary[];
  readonly lastBall: BallEvent | null;
  /** The result, once the `match` frame arrived. */
  readonly result: string | null;
  readonly winner: string | null;
  /** Feed lines of every event seen, oldest first. */
  readonly feed: readonly FeedLine[];
}

/** How many deliveries the recent strip keeps. */
export const RECENT_BALLS = 6;

/** Normalise frames and fold them (see {@link foldCricket}). Frames that are not cricket are ignored. */
export function foldFrames(frames: readonly WireFrame[]): CricketView {
  return foldCricket(frames.map(toCricketEvent).filter((e): e is CricketEvent => e !== null));
}

/** Fold cricket events (seq order; gaps allowed) into the view state. */
export function foldCricket(events: readonly CricketEvent[]): CricketView {
  let cur: Mutable | null = null;
  const previous: InningsSummary[] = [];
  const feed: FeedLine[] = [];
  let lastBall: BallEvent | null = null;
  let ballsSeen = 0;
  let result: string | null = null;
  let winner: string | null = null;

  const open = (e: { innings: number; team: string; bowlingTeam: string; superOver: boolean }): Mutable => {
    if (cur && cur.innings === e.innings) return cur;
    if (cur && !cur.complete) previous.push(summaryOf(cur));
    cur = newInnings(e);
    return cur;
  };

  for (const e of events) {
    feed.push(describeEvent(e));
    switch (e.type) {
      case 'ball': {
        const inn = open(e);
        ballsSeen++;
        lastBall = e;
        inn.runs = e.score.runs;
        inn.wickets = e.score.wickets;
        inn.overs = e.score.overs;
        if (e.score.extras) inn.extras = e.score.extras;
        // batters: the striker and the non-striker after the ball, without a dismissed one
        const lines = [e.striker ? { ...e.striker, onStrike: true } : null, e.nonStrikerLine ? { ...e.nonStrikerLine, onStrike: false } : null];
        inn.batters = lines.filter((b): b is CreaseBatter => b !== null && !b.out);
        if (e.bowlerLine) {
          inn.bowler = e.bowlerLine;
          const i = inn.bowlers.findIndex((b) => b.name === e.bowlerLine!.name);
          if (i >= 0) inn.bowlers[i] = e.bowlerLine;
          else inn.bowlers.push(e.bowlerLine);
        }
        inn.recent.push(ballChip(e));
        if (inn.recent.length > RECENT_BALLS) inn.recent.shift();
        if (inn.partnership) {
          inn.partnership.runs += e.runs.total;
          if (e.legal) inn.partnership.balls++;
        } else if (e.score.wickets === 0 && e.wickets.length === 0) {
          // no wicket yet: the partnership is the whole innings
          const balls = oversToBalls(e.score.overs);
          if (balls !== null) inn.partnership = { runs: e.score.runs, balls };
        }
        if (e.chase) {
          const left = e.chase.ballsLeft;
          inn.chase = {
            target: e.chase.target,
            need: e.chase.need,
            ballsLeft: left,
            requiredRate: left !== null && left > 0 && e.chase.need > 0 ? (6 * e.chase.need) / left : null,
          };
          if (!previous.some((p) => p.innings === e.innings - 1) && e.innings > 1 && !e.superOver) {
            previous.push({ innings: e.innings - 1, team: e.bowlingTeam, superOver: false, runs: e.chase.target - 1, wickets: null, overs: null });
          }
        }
        break;
      }
      case 'wicket': {
        const inn = open(e);
        inn.fallOfWickets.push({ wicket: e.fall.wicket, runs: e.fall.runs, overs: e.fall.overs, batter: e.wicket.playerOut });
        inn.batters = inn.batters.filter((b) => b.name !== e.wicket.playerOut);
        inn.partnership = { runs: 0, balls: 0 };
        if (e.score) {
          inn.runs = e.score.runs;
          inn.wickets = e.score.wickets;
        }
        break;
      }
      case 'over': {
        const inn = open(e);
        if (e.bowlerLine) {
          const i = inn.bowlers.findIndex((b) => b.name === e.bowlerLine!.name);
          if (i >= 0) inn.bowlers[i] = e.bowlerLine;
          else inn.bowlers.push(e.bowlerLine);
        }
        break;
      }
      case 'innings': {
        const inn = open(e);
        inn.runs = e.runs;
        inn.wickets = e.wickets;
        inn.overs = e.overs;
        inn.complete = true;
        if (e.bowling.length) inn.bowlers = [...e.bowling];
        const at = previous.findIndex((p) => p.innings === e.innings);
        if (at >= 0) previous.splice(at, 1);
        previous.push(summaryOf(inn));
        break;
      }
      case 'milestone':
        break;
      case 'match':
        result = e.result;
        winner = e.winner;
        // the final scores of every innings: fill in what this viewer joined too late to see
        for (const i of e.innings) {
          const at = previous.findIndex((p) => p.innings === i.innings);
          if (at >= 0) previous.splice(at, 1);
          previous.push(i);
        }
        break;
    }
  }

  const c = cur as Mutable | null;
  const current: InningsView | null = c
    ? {
        ...c,
        runRate: (() => {
          const balls = oversToBalls(c.overs);
          return balls ? (6 * c.runs) / balls : null;
        })(),
        partnership: c.partnership ? { ...c.partnership } : null,
        recent: [...c.recent],
        fallOfWickets: [...c.fallOfWickets],
        bowlers: [...c.bowlers],
      }
    : null;
  return {
    framesSeen: events.length,
    ballsSeen,
    current,
    // the current innings, once complete, is shown as current, not twice
    previous: previous.filter((p) => !(c && c.complete && p.innings === c.innings)).sort((a, b) => a.innings - b.innings),
    lastBall,
    result,
    winner,
    feed,
  };
}

/** A run rate as shown: two decimals ("8.45"). */
export function formatRate(rate: number | null): string {
  return rate === null || !Number.isFinite(rate) ? '–' : rate.toFixed(2);
}

/** Bowling figures "O-M-R-W", e.g. "4-0-24-2". */
export function bowlingFigures(b: Bowler): string {
  return `${b.overs.endsWith('.0') ? b.overs.slice(0, -2) : b.overs}-${b.maidens}-${b.runs}-${b.wickets}`;
}

interface Mutable {
  innings: number;
  team: string;
  bowlingTeam: string;
  superOver: boolean;
  runs: number;
  wickets: number;
  overs: string;
  extras: Extras | null;
  batters: CreaseBatter[];
  bowler: Bowler | null;
  bowlers: Bowler[];
  recent: BallChip[];
  fallOfWickets: FallOfWicket[];
  partnership: { runs: number; balls: number } | null;
  chase: Chase | null;
  complete: boolean;
}

function newInnings(e: { innings: number; team: string; bowlingTeam: string; superOver: boolean }): Mutable {
  return {
    innings: e.innings,
    team: e.team,
    bowlingTeam: e.bowlingTeam,
    superOver: e.superOver,
    runs: 0,
    wickets: 0,
    overs: '0.0',
    extras: null,
    batters: [],
    bowler: null,
    bowlers: [],
    recent: [],
    fallOfWickets: [],
    partnership: null,
    chase: null,
    complete: false,
  };
}

function summaryOf(m: Mutable): InningsSummary {
  return { innings: m.innings, team: m.team, superOver: m.superOver, runs: m.runs, wickets: m.wickets, overs: m.overs };
}
