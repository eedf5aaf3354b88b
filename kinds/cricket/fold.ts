/**
 * The cricket kind without its frame schema (kinds/cricket/schema.ts): state, reducer, snapshot and markers,
 * with no zod, for functions that fold frames they already checked (kinds/folds.ts). The kind
 * with its schema is kinds/cricket/index.ts `cricket`.
 */
import type * as z from 'zod';
import { DEFAULT_KEYFRAME_EVERY, type KindFold, type Json, type Marker, type RecordingHeader, type WireFrame, capMarkers, lastN } from '../kind';
import type { BallData, BatterLine, BowlerLine, ExtrasLine, inningsDataSchema, matchDataSchema, overDataSchema, wicketDataSchema } from './schema';

/** One innings' scorecard. */
export interface InningsCard {
  innings: number;
  team: string;
  bowlingTeam: string;
  superOver: boolean;
  runs: number;
  wickets: number;
  /** Legal balls as "O.B". */
  overs: string;
  extras: ExtrasLine;
  /** In the order the batters came in. */
  batting: BatterLine[];
  /** In the order the bowlers first bowled. */
  bowling: BowlerLine[];
  fallOfWickets: { wicket: number; runs: number; overs: string; batter: string }[];
  /** The target when this innings is a chase. */
  target: number | null;
  /** The current partnership (runs, legal balls). */
  partnership: { runs: number; balls: number };
  /** The innings is over (its `innings` frame was seen). */
  complete: boolean;
}

/** The cricket state (and snapshot). */
export interface CricketState {
  teams: string[];
  ballsPerOver: number;
  /** One scorecard per innings so far (super overs included), the current last; at most {@link MAX_INNINGS}. */
  innings: InningsCard[];
  /** While chasing: target, runs needed, legal balls left, required rate (runs per over). */
  chase: { target: number; need: number; ballsLeft: number | null; requiredRate: number | null } | null;
  /** Current run rate of the innings in progress (runs per over), null before its first legal ball. */
  runRate: number | null;
  /** Who is in: striker and non-striker after the last ball, and its bowler. */
  current: { batter: string; nonStriker: string; bowler: string } | null;
  /** The last deliveries of the innings in progress, e.g. ["1", ".", "4", "1wd", "W"]; at most {@link RECENT_BALLS}. */
  recent: string[];
  result: string | null;
  winner: string | null;
  playerOfMatch: string[];
}

/** Scorecards kept (a Test has 4 innings; super overs add 2 each). */
export const MAX_INNINGS = 12;
/** Deliveries kept in `recent`. */
export const RECENT_BALLS = 12;

function initialState(header: RecordingHeader): CricketState {
  const bpo = header.meta?.ballsPerOver;
  return {
    teams: [...header.participants],
    ballsPerOver: typeof bpo === 'number' && bpo > 0 ? bpo : 6,
    innings: [],
    chase: null,
    runRate: null,
    current: null,
    recent: [],
    result: null,
    winner: null,
    playerOfMatch: [],
  };
}

const legalBalls = (o: string, bpo: number) => {
  const [a, b] = o.split('.').map(Number);
  return (a ?? 0) * bpo + (b ?? 0);
};
const round2 = (x: number) => Math.round(x * 100) / 100;

/** The symbol a scorer writes for a delivery: "." dot, runs, "1wd", "1nb", "2b", "1lb", "W". */
function ballSymbol(d: BallData): string {
  const ex = d.extras ?? {};
  const total = d.runs.total;
  let s = ex.wides ? `${total}wd` : ex.noballs ? `${total}nb` : ex.byes ? `${total}b` : ex.legbyes ? `${total}lb` : total === 0 ? '.' : String(total);
  if (d.wickets && d.wickets.length > 0) s = s === '.' ? 'W' : `${s}W`;
  return s;
}

function upsert<T extends { name: string }>(list: T[], line: T): T[] {
  const i = list.findIndex((x) => x.name === line.name);
  if (i < 0) return [...list, { ...line }];
  const out = [...list];
  out[i] = { ...line };
  return out;
}

function card(state: CricketState, r: { innings: number; team: string; bowlingTeam: string; superOver: boolean }): [InningsCard, InningsCard[]] {
  const list = state.innings;
  const last = list[list.length - 1];
  if (last && last.innings === r.innings) return [last, list.slice(0, -1)];
  const fresh: InningsCard = {
    innings: r.innings,
    team: r.team,
    bowlingTeam: r.bowlingTeam,
    superOver: r.superOver,
    runs: 0,
    wickets: 0,
    overs: '0.0',
    extras: { wides: 0, noballs: 0, byes: 0, legbyes: 0, penalty: 0, total: 0 },
    batting: [],
    bowling: [],
    fallOfWickets: [],
    target: null,
    partnership: { runs: 0, balls: 0 },
    complete: false,
  };
  return [fresh, lastN(list, MAX_INNINGS - 1)];
}

function reduce(state: CricketState, f: WireFrame): CricketState {
  const bpo = state.ballsPerOver;
  switch (f.type) {
    case 'ball': {
      const d = f.data as BallData;
      const [c, rest] = card(state, d);
      const fresh = c.batting.length === 0 && c.bowling.length === 0 && c.runs === 0 && c.overs === '0.0';
      let batting = upsert(c.batting, d.striker);
      batting = upsert(batting, d.nonStrikerLine);
      const next: InningsCard = {
        ...c,
        runs: d.score.runs,
        wickets: d.score.wickets,
        overs: d.score.overs,
        extras: { ...d.score.extras },
        batting,
        bowling: upsert(c.bowling, d.bowlerLine),
        target: d.chase ? d.chase.target : c.target,
        partnership: { runs: c.partnership.runs + d.runs.total, balls: c.partnership.balls + (d.legal ? 1 : 0) },
      };
      const balls = legalBalls(d.score.overs, bpo);
      const chase = d.chase
        ? {
            target: d.chase.target,
            need: d.chase.need,
            ballsLeft: d.chase.ballsLeft ?? null,
            requiredRate: d.chase.ballsLeft ? round2((d.chase.need * bpo) / d.chase.ballsLeft) : null,
          }
        : null;
      return {
        ...state,
        innings: [...rest, next],
        chase,
        runRate: balls > 0 ? round2((d.score.runs * bpo) / balls) : null,
        current: { batter: d.batter, nonStriker: d.nonStriker, bowler: d.bowler },
        recent: lastN([...(fresh ? [] : state.recent), ballSymbol(d)], RECENT_BALLS),
      };
    }
    case 'wicket': {
      const d = f.data as z.infer<typeof wicketDataSchema>;
      const [c, rest] = card(state, d);
      const next: InningsCard = {
        ...c,
        batting: upsert(c.batting, d.batter),
        fallOfWickets: lastN([...c.fallOfWickets, { ...d.fall, batter: d.wicket.playerOut }], 20),
        partnership: { runs: 0, balls: 0 },
      };
      return { ...state, innings: [...rest, next] };
    }
    case 'over': {
      const d = f.data as z.infer<typeof overDataSchema>;
      const [c, rest] = card(state, d);
      return { ...state, innings: [...rest, { ...c, bowling: upsert(c.bowling, d.bowlerLine) }] };
    }
    case 'innings': {
      const d = f.data as z.infer<typeof inningsDataSchema>;
      const [c, rest] = card(state, d);
      const next: InningsCard = {
        ...c,
        runs: d.runs,
        wickets: d.wickets,
        overs: d.overs,
        extras: { ...d.extras },
        batting: d.batting.map((b) => ({ ...b })),
        bowling: d.bowling.map((b) => ({ ...b })),
        target: d.target ?? c.target,
        complete: true,
      };
      return { ...state, innings: [...rest, next], chase: null, runRate: null, current: null, recent: [] };
    }
    case 'match': {
      const d = f.data as z.infer<typeof matchDataSchema>;
      return { ...state, result: d.result, winner: d.winner ?? null, playerOfMatch: [...d.playerOfMatch] };
    }
    default:
      return state;
  }
}

const PRIORITY = ['result', 'innings', 'wicket', 'milestone', 'over', 'boundary'];

/**
 * Markers: every completed over ("over"), wicket ("wicket"), boundary ("boundary": a four or
 * a six), milestone ("milestone": fifty, century, hat-trick), innings ("innings") and the
 * result ("result").
 */
function markers(frames: readonly WireFrame[]): Marker[] {
  const out: Marker[] = [];
  for (const f of frames) {
    const m = (kind: string, label: string) => out.push({ t: f.t, seq: f.seq, label, kind });
    const d = f.data as Record<string, unknown>;
    switch (f.type) {
      case 'ball': {
        const b = d as unknown as BallData;
        if (b.boundary) m('boundary', `${b.boundary === 6 ? 'Six' : 'Four'}: ${b.batter} (${b.ball}, ${b.team} ${b.score.runs}/${b.score.wickets})`);
        break;
      }
      case 'wicket': {
        const w = d as unknown as z.infer<typeof wicketDataSchema>;
        m('wicket', `Wicket: ${w.wicket.playerOut} ${w.batter.runs} (${w.batter.balls}), ${w.wicket.kind} — ${w.team} ${w.fall.runs}/${w.fall.wicket}`);
        break;
      }
      case 'over': {
        const o = d as unknown as z.infer<typeof overDataSchema>;
        m('over', `End of over ${o.over}: ${o.team} ${o.score.runs}/${o.score.wickets}`);
        break;
      }
      case 'innings':
        m('innings', String(d.summary));
        break;
      case 'milestone':
        m('milestone', String(d.text));
        break;
      case 'match':
        m('result', String(d.result));
        break;
      default:
    }
  }
  return capMarkers(out, PRIORITY);
}

/** The cricket kind: `kind: 'cricket'`. */
export const cricketFold: KindFold<CricketState> = {
  kind: 'cricket',
  keyframeEvery: DEFAULT_KEYFRAME_EVERY,
  initialState,
  reduce,
  snapshot: (s) => s as unknown as Json,
  markers,
};
