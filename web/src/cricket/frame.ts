/**
 * The ONE adapter from cricket recording frames (matchcast/1 from the cricsheet converter,
 * convert/cricket.ts) to the client's own shapes. Frame types: `ball`, `wicket`,
 * `over`, `innings`, `milestone`, `match`. Everything is read defensively: data from the
 * network that does not fit becomes null (the frame is skipped), never an exception.
 * Pure (unit-tested in test/web/cricket.test.ts).
 */
import type { WireFrame } from '../../../protocol/messages';
export { shortPlayer, teamShort } from '../../../protocol/cricket-notation';

/** A batter's line (runs, balls faced, boundaries, dismissal). */
export interface Batter {
  readonly name: string;
  readonly runs: number;
  readonly balls: number;
  readonly fours: number;
  readonly sixes: number;
  readonly out: boolean;
  readonly howOut?: string;
}

/** A bowler's figures ("O.B" overs, maidens, runs, wickets). */
export interface Bowler {
  readonly name: string;
  readonly overs: string;
  readonly maidens: number;
  readonly runs: number;
  readonly wickets: number;
  readonly wides: number;
  readonly noballs: number;
}

/** Extras conceded in an innings. */
export interface Extras {
  readonly wides: number;
  readonly noballs: number;
  readonly byes: number;
  readonly legbyes: number;
  readonly penalty: number;
  readonly total: number;
}

/** The innings score after a frame. */
export interface Score {
  readonly runs: number;
  readonly wickets: number;
  /** Legal balls as "O.B". */
  readonly overs: string;
  readonly extras: Extras | null;
}

/** Which innings a frame belongs to. */
export interface InningsRef {
  readonly innings: number;
  readonly team: string;
  readonly bowlingTeam: string;
  readonly superOver: boolean;
}

/** One dismissal. */
export interface Dismissal {
  readonly kind: string;
  readonly playerOut: string;
  readonly fielders: readonly string[];
  readonly bowler?: string;
}

/** A delivery (`ball` frame) and the state after it. */
export interface BallEvent extends InningsRef {
  readonly type: 'ball';
  readonly seq: number;
  readonly t: number;
  /** "O.N" as the converter writes it. */
  readonly ball: string;
  readonly batter: string;
  readonly nonStriker: string;
  readonly bowler: string;
  readonly runs: { readonly batter: number; readonly extras: number; readonly total: number };
  readonly extras: Partial<Record<'wides' | 'noballs' | 'byes' | 'legbyes' | 'penalty', number>>;
  readonly legal: boolean;
  readonly boundary: 4 | 6 | null;
  readonly wickets: readonly Dismissal[];
  readonly score: Score;
  readonly striker: Batter | null;
  readonly nonStrikerLine: Batter | null;
  readonly bowlerLine: Bowler | null;
  readonly chase: { readonly target: number; readonly need: number; readonly ballsLeft: number | null } | null;
}

/** A `wicket` frame: the dismissal, the batter's final line, the fall of wicket. */
export interface WicketEvent extends InningsRef {
  readonly type: 'wicket';
  readonly seq: number;
  readonly t: number;
  readonly ball: string;
  readonly wicket: Dismissal;
  readonly batter: Batter | null;
  readonly fall: { readonly wicket: number; readonly runs: number; readonly overs: string };
  readonly partnership: { readonly runs: number; readonly balls: number } | null;
  readonly score: Score | null;
}

/** An `over` frame (after the last delivery of a complete over). */
export interface OverEvent extends InningsRef {
  readonly type: 'over';
  readonly seq: number;
  readonly t: number;
  /** 1-based over number. */
  readonly over: number;
  readonly bowler: string;
  readonly runs: number;
  readonly wickets: number;
  readonly maiden: boolean;
  readonly balls: readonly string[];
  readonly score: Score | null;
  readonly bowlerLine: Bowler | null;
}

/** An `innings` frame (after the innings' last delivery). */
export interface InningsEvent extends InningsRef {
  readonly type: 'innings';
  readonly seq: number;
  readonly t: number;
  readonly runs: number;
  readonly wickets: number;
  readonly overs: string;
  readonly target: number | null;
  readonly summary: string;
  readonly batting: readonly Batter[];
  readonly bowling: readonly Bowler[];
}

/** A `milestone` frame: a fifty, a century, a hat-trick… */
export interface MilestoneEvent extends InningsRef {
  readonly type: 'milestone';
  readonly seq: number;
  readonly t: number;
  readonly milestone: string;
  readonly player: string;
  readonly text: string;
}

/** The `match` frame (the last one): the result. */
export interface MatchEvent {
  readonly type: 'match';
  readonly seq: number;
  readonly t: number;
  readonly result: string;
  readonly winner: string | null;
  readonly playerOfMatch: readonly string[];
  /** Every innings' final score. */
  readonly innings: readonly { readonly innings: number; readonly team: string; readonly superOver: boolean; readonly runs: number; readonly wickets: number; readonly overs: string }[];
}

/** Any cricket frame, normalised. */
export type CricketEvent = BallEvent | WicketEvent | OverEvent | InningsEvent | MilestoneEvent | MatchEvent;

type Rec = Record<string, unknown>;

/** Normalise a cricket frame; null for other frame types or data that does not fit. Never throws. */
export function toCricketEvent(f: WireFrame): CricketEvent | null {
  const d = rec(f.data);
  if (!d) return null;
  const base = { seq: f.seq, t: f.t };
  const ref = (): InningsRef | null => {
    const innings = int(d.innings);
    if (innings === null || innings < 1) return null;
    return { innings, team: text(d.team) || 'Batting side', bowlingTeam: text(d.bowlingTeam) || 'Bowling side', superOver: d.superOver === true };
  };
  switch (f.type) {
    case 'ball': {
      const r = ref();
      const score = toScore(d.score);
      const runs = rec(d.runs);
      if (!r || !score || !runs) return null;
      const ex = rec(d.extras) ?? {};
      const extras: BallEvent['extras'] = {};
      for (const k of ['wides', 'noballs', 'byes', 'legbyes', 'penalty'] as const) {
        const n = int(ex[k]);
        if (n !== null && n > 0) extras[k] = n;
      }
      const chase = rec(d.chase);
      const target = chase ? int(chase.target) : null;
      return {
        type: 'ball',
        ...base,
        ...r,
        ball: text(d.ball),
        batter: text(d.batter),
        nonStriker: text(d.nonStriker),
        bowler: text(d.bowler),
        runs: { batter: int(runs.batter) ?? 0, extras: int(runs.extras) ?? 0, total: int(runs.total) ?? 0 },
        extras,
        legal: d.legal !== false,
        boundary: d.boundary === 4 || d.boundary === 6 ? d.boundary : null,
        wickets: Array.isArray(d.wickets) ? d.wickets.map(toDismissal).filter((w): w is Dismissal => w !== null) : [],
        score,
        striker: toBatter(d.striker),
        nonStrikerLine: toBatter(d.nonStrikerLine),
        bowlerLine: toBowler(d.bowlerLine),
        chase: chase && target !== null ? { target, need: int(chase.need) ?? 0, ballsLeft: int(chase.ballsLeft) } : null,
      };
    }
    case 'wicket': {
      const r = ref();
      const w = toDismissal(d.wicket);
      const fall = rec(d.fall);
      if (!r || !w || !fall) return null;
      const p = rec(d.partnership);
      return {
        type: 'wicket',
        ...base,
        ...r,
        ball: text(d.ball),
        wicket: w,
        batter: toBatter(d.batter),
        fall: { wicket: int(fall.wicket) ?? 0, runs: int(fall.runs) ?? 0, overs: text(fall.overs) },
        partnership: p ? { runs: int(p.runs) ?? 0, balls: int(p.balls) ?? 0 } : null,
        score: toScore(d.score),
      };
    }
    case 'over': {
      const r = ref();
      const over = int(d.over);
      if (!r || over === null) return null;
      return {
        type: 'over',
        ...base,
        ...r,
        over,
        bowler: text(d.bowler),
        runs: int(d.runs) ?? 0,
        wickets: int(d.wickets) ?? 0,
        maiden: d.maiden === true,
        balls: Array.isArray(d.balls) ? d.balls.map((b) => text(b)).filter(Boolean) : [],
        score: toScore(d.score),
        bowlerLine: toBowler(d.bowlerLine),
      };
    }
    case 'innings': {
      const r = ref();
      if (!r) return null;
      const runs = int(d.runs) ?? 0;
      const wickets = int(d.wickets) ?? 0;
      const overs = text(d.overs);
      return {
        type: 'innings',
        ...base,
        ...r,
        runs,
        wickets,
        overs,
        target: int(d.target),
        summary: text(d.summary) || `${r.team} ${runs}/${wickets} (${overs} ov)`,
        batting: Array.isArray(d.batting) ? d.batting.map(toBatter).filter((b): b is Batter => b !== null) : [],
        bowling: Array.isArray(d.bowling) ? d.bowling.map(toBowler).filter((b): b is Bowler => b !== null) : [],
      };
    }
    case 'milestone': {
      const r = ref();
      const player = text(d.player);
      if (!r || !player) return null;
      const milestone = text(d.milestone);
      return { type: 'milestone', ...base, ...r, milestone, player, text: text(d.text) || `${player}: ${milestone}` };
    }
    case 'match':
      return {
        type: 'match',
        ...base,
        result: text(d.result) || 'Match over',
        winner: text(d.winner) || null,
        playerOfMatch: Array.isArray(d.playerOfMatch) ? d.playerOfMatch.map((p) => text(p)).filter(Boolean) : [],
        innings: (Array.isArray(d.innings) ? d.innings : []).flatMap((x) => {
          const i = rec(x);
          const n = i ? int(i.innings) : null;
          if (!i || n === null) return [];
          return [{ innings: n, team: text(i.team), superOver: i.superOver === true, runs: int(i.runs) ?? 0, wickets: int(i.wickets) ?? 0, overs: text(i.overs) }];
        }),
      };
    default:
      return null;
  }
}

/** Legal balls from "O.B" overs (`ballsPerOver` 6 unless given); null when not of that form. */
export function oversToBalls(overs: string, ballsPerOver = 6): number | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(overs.trim());
  if (!m) return null;
  return Number(m[1]) * ballsPerOver + Number(m[2] ?? 0);
}

function toScore(v: unknown): Score | null {
  const s = rec(v);
  if (!s) return null;
  const runs = int(s.runs);
  const wickets = int(s.wickets);
  if (runs === null || wickets === null) return null;
  const e = rec(s.extras);
  const extras: Extras | null = e
    ? {
        wides: int(e.wides) ?? 0,
        noballs: int(e.noballs) ?? 0,
        byes: int(e.byes) ?? 0,
        legbyes: int(e.legbyes) ?? 0,
        penalty: int(e.penalty) ?? 0,
        total: int(e.total) ?? 0,
      }
    : null;
  return { runs, wickets, overs: text(s.overs) || '0.0', extras };
}

function toBatter(v: unknown): Batter | null {
  const b = rec(v);
  if (!b || !text(b.name)) return null;
  const howOut = text(b.howOut);
  return {
    name: text(b.name),
    runs: int(b.runs) ?? 0,
    balls: int(b.balls) ?? 0,
    fours: int(b.fours) ?? 0,
    sixes: int(b.sixes) ?? 0,
    out: b.out === true,
    ...(howOut ? { howOut } : {}),
  };
}

function toBowler(v: unknown): Bowler | null {
  const b = rec(v);
  if (!b || !text(b.name)) return null;
  return {
    name: text(b.name),
    overs: text(b.overs) || '0.0',
    maidens: int(b.maidens) ?? 0,
    runs: int(b.runs) ?? 0,
    wickets: int(b.wickets) ?? 0,
    wides: int(b.wides) ?? 0,
    noballs: int(b.noballs) ?? 0,
  };
}

function toDismissal(v: unknown): Dismissal | null {
  const w = rec(v);
  if (!w || !text(w.playerOut) || !text(w.kind)) return null;
  const bowler = text(w.bowler);
  return {
    kind: text(w.kind),
    playerOut: text(w.playerOut),
    fielders: Array.isArray(w.fielders) ? w.fielders.map((f) => text(f)).filter(Boolean) : [],
    ...(bowler ? { bowler } : {}),
  };
}

function rec(v: unknown): Rec | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : null;
}

function int(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.slice(0, 200) : '';
}
