/**
 * Cricket, as text: the score bug, both (every) innings' scorecards — batting, bowling,
 * extras, fall of wickets — the target, the required rate and the result, from the shared
 * cricket state (kinds/cricket `CricketState`), and the ball-by-ball feed line of a frame.
 * Pure: no DOM (unit-tested in test/web/kinds-cricket.test.ts).
 */
import { cricket, type BowlerLine, type CricketState, type InningsCard } from '../../../../kinds/cricket';
import { ballOutcome, dismissalText, shortPlayer, teamShort } from '../../../../protocol/cricket-notation';
import type { WireFrame } from '../../../../protocol/messages';

export { shortPlayer, teamShort };

/** A rate (runs per over) with two decimals, "–" when unknown. */
export function formatRate(rate: number | null): string {
  return rate === null || !Number.isFinite(rate) ? '–' : rate.toFixed(2);
}

/** Bowling figures "O-M-R-W", e.g. "4-0-24-2". */
export function bowlingFigures(b: BowlerLine): string {
  return `${b.overs.endsWith('.0') ? b.overs.slice(0, -2) : b.overs}-${b.maidens}-${b.runs}-${b.wickets}`;
}

/** "1st", "2nd", "3rd", "4th"… */
export function ordinal(n: number): string {
  return n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

/** An innings' name: "1st innings", "Super over". */
export function inningsName(c: Pick<InningsCard, 'innings' | 'superOver'>): string {
  return c.superOver ? 'Super over' : `${ordinal(c.innings)} innings`;
}

/** "Mumbai Indians 149/8 (20.0 ov)". */
export function inningsSummary(c: InningsCard): string {
  return `${c.team} ${c.runs}/${c.wickets} (${c.overs} ov)`;
}

/** How a delivery looks in the "recent balls" strip. */
export type ChipKind = 'dot' | 'run' | 'four' | 'six' | 'wicket' | 'extra';

/** A chip of the recent-balls strip from the state's scorer symbol ("." "1" "4" "1wd" "W" "1W"). */
export function chip(symbol: string): { label: string; kind: ChipKind; aria: string } {
  if (symbol.endsWith('W')) return { label: symbol === 'W' ? 'W' : `W+${symbol.slice(0, -1)}`, kind: 'wicket', aria: symbol === 'W' ? 'wicket' : `wicket, ${symbol.slice(0, -1)}` };
  if (symbol === '.') return { label: '•', kind: 'dot', aria: 'dot ball' };
  if (/(wd|nb|lb|b)$/.test(symbol)) {
    const aria = symbol.replace(/wd$/, ' wide').replace(/nb$/, ' no ball').replace(/lb$/, ' leg byes').replace(/(\d)b$/, '$1 byes');
    return { label: symbol, kind: 'extra', aria };
  }
  return { label: symbol, kind: symbol === '4' ? 'four' : symbol === '6' ? 'six' : 'run', aria: symbol };
}

/** The score bug and the line under it. */
export interface ScoreBug {
  readonly team: string;
  readonly teamShort: string;
  readonly score: string;
  readonly overs: string;
  /** "MI 149/8 (20.0)  ·  Target 150  ·  CRR 7.20  ·  RRR 9.50". */
  readonly context: string;
  /** The result, "End of innings · …", "CSK need 9 runs from 6 balls", "1st innings · CSK bowling". */
  readonly badge: string;
  readonly tone: '' | 'chase' | 'over';
}

/** The innings in progress (or the last one, once it ended); null before the first ball. */
export function currentInnings(s: CricketState): InningsCard | null {
  return s.innings[s.innings.length - 1] ?? null;
}

/** The score bug of a state; null before the first ball. */
export function scoreBug(s: CricketState): ScoreBug | null {
  const c = currentInnings(s);
  if (!c) return null;
  const ctx: string[] = [];
  for (const p of s.innings.slice(0, -1)) ctx.push(`${teamShort(p.team)} ${p.runs}/${p.wickets} (${p.overs})`);
  const target = s.chase?.target ?? c.target;
  if (target !== null) ctx.push(`Target ${target}`);
  if (!c.complete) ctx.push(`CRR ${formatRate(s.runRate)}`);
  if (s.chase && s.chase.requiredRate !== null && !c.complete) ctx.push(`RRR ${formatRate(s.chase.requiredRate)}`);
  let badge: string;
  let tone: ScoreBug['tone'] = '';
  if (s.result) {
    badge = s.result;
    tone = 'over';
  } else if (c.complete) badge = `End of innings · ${teamShort(c.team)} ${c.runs}/${c.wickets}`;
  else if (s.chase) {
    const { need, ballsLeft: left } = s.chase;
    badge =
      need <= 0
        ? `${teamShort(c.team)} reach the target`
        : `${teamShort(c.team)} need ${need} run${need === 1 ? '' : 's'}${left !== null ? ` from ${left} ball${left === 1 ? '' : 's'}` : ''}`;
    tone = 'chase';
  } else badge = c.superOver ? 'Super over' : `${ordinal(c.innings)} innings · ${teamShort(c.bowlingTeam)} bowling`;
  return { team: c.team, teamShort: teamShort(c.team), score: `${c.runs}/${c.wickets}`, overs: `${c.overs} ov`, context: ctx.join('  ·  '), badge, tone };
}

/** One batter's row of a scorecard. */
export interface BattingRow {
  readonly name: string;
  /** "c Jadeja b Thakur", "not out", "batting". */
  readonly howOut: string;
  readonly runs: number;
  readonly balls: number;
  readonly fours: number;
  readonly sixes: number;
  readonly strikeRate: string;
  readonly onStrike: boolean;
}

/** One bowler's row of a scorecard. */
export interface BowlingRow {
  readonly name: string;
  readonly overs: string;
  readonly maidens: number;
  readonly runs: number;
  readonly wickets: number;
  readonly economy: string;
  readonly bowling: boolean;
}

/** A whole innings' scorecard, as shown. */
export interface CardModel {
  readonly innings: number;
  readonly title: string;
  readonly summary: string;
  readonly batting: readonly BattingRow[];
  readonly bowling: readonly BowlingRow[];
  /** "Extras 8 (wd 5, nb 1, b 0, lb 2)". */
  readonly extras: string;
  /** "Fall of wickets: 1-45 (Rohit Sharma, 4.5), …", "" when none fell. */
  readonly fallOfWickets: string;
  /** "Target 150", "" when not a chase. */
  readonly target: string;
  /** "Partnership 23 (14)" while the innings is in progress, else "". */
  readonly partnership: string;
  readonly complete: boolean;
}

const legalBalls = (overs: string, bpo: number) => {
  const m = /^(\d+)\.(\d+)$/.exec(overs);
  return m ? Number(m[1]) * bpo + Number(m[2]) : 0;
};

/** Every innings' scorecard, in the order they were played. */
export function scorecards(s: CricketState): CardModel[] {
  const last = s.innings.length - 1;
  return s.innings.map((c, i) => {
    const live = i === last && !c.complete;
    const batting = c.batting.map((b) => ({
      name: b.name,
      howOut: b.out ? (b.howOut ?? 'out') : live && s.current && (b.name === s.current.batter || b.name === s.current.nonStriker) ? 'batting' : 'not out',
      runs: b.runs,
      balls: b.balls,
      fours: b.fours,
      sixes: b.sixes,
      strikeRate: b.balls > 0 ? ((100 * b.runs) / b.balls).toFixed(1) : '–',
      onStrike: live && s.current?.batter === b.name,
    }));
    const bowling = c.bowling.map((b) => {
      const balls = legalBalls(b.overs, s.ballsPerOver);
      return {
        name: b.name,
        overs: b.overs,
        maidens: b.maidens,
        runs: b.runs,
        wickets: b.wickets,
        economy: balls ? ((s.ballsPerOver * b.runs) / balls).toFixed(2) : '–',
        bowling: live && s.current?.bowler === b.name,
      };
    });
    const e = c.extras;
    return {
      innings: c.innings,
      title: `${inningsName(c)} · ${c.team}`,
      summary: inningsSummary(c),
      batting,
      bowling,
      extras: `Extras ${e.total} (wd ${e.wides}, nb ${e.noballs}, b ${e.byes}, lb ${e.legbyes}${e.penalty ? `, pen ${e.penalty}` : ''})`,
      fallOfWickets: c.fallOfWickets.length ? `Fall of wickets: ${c.fallOfWickets.map((f) => `${f.wicket}-${f.runs} (${shortPlayer(f.batter)}, ${f.overs})`).join(', ')}` : '',
      target: c.target !== null ? `Target ${c.target}` : '',
      partnership: live ? `Partnership ${c.partnership.runs} (${c.partnership.balls})` : '',
      complete: c.complete,
    };
  });
}

/** Importance of a feed line, for highlighting. */
export type FeedTone = 'ball' | 'boundary' | 'wicket' | 'over' | 'innings' | 'milestone' | 'match';

/** One line of the ball-by-ball feed. */
export interface FeedLine {
  readonly seq: number;
  readonly head: string;
  readonly text: string;
  readonly tone: FeedTone;
}

/** The feed line of a cricket frame (null for a frame the kind's schema does not accept). */
export function feedLine(f: WireFrame): FeedLine | null {
  const parsed = cricket.frameSchema.safeParse(f);
  if (!parsed.success) return null;
  const fr = parsed.data as { type: string; data: unknown };
  const seq = f.seq;
  switch (fr.type) {
    case 'ball': {
      const d = fr.data as { ball: string; bowler: string; batter: string; runs: { batter: number; total: number }; extras?: Record<string, number>; boundary?: 4 | 6; wickets?: unknown[] };
      const what = ballOutcome({ runs: d.runs, extras: d.extras ?? {}, boundary: d.boundary ?? null, wickets: d.wickets ?? [] });
      const tone: FeedTone = d.wickets?.length ? 'wicket' : d.boundary ? 'boundary' : 'ball';
      return { seq, head: d.ball, text: `${shortPlayer(d.bowler)} to ${shortPlayer(d.batter)}, ${what}`, tone };
    }
    case 'wicket': {
      const d = fr.data as { wicket: { kind: string; playerOut: string; fielders: string[]; bowler?: string }; batter: { runs: number; balls: number }; fall: { runs: number; wicket: number } };
      return { seq, head: 'WICKET', text: `${shortPlayer(d.wicket.playerOut)} ${dismissalText(d.wicket)} ${d.batter.runs} (${d.batter.balls}) · ${d.fall.runs}/${d.fall.wicket}`, tone: 'wicket' };
    }
    case 'over': {
      const d = fr.data as { over: number; maiden: boolean; runs: number; wickets: number; bowler: string; team: string; score: { runs: number; wickets: number } };
      return {
        seq,
        head: `Over ${d.over}`,
        text: `${d.maiden ? 'Maiden' : `${d.runs} run${d.runs === 1 ? '' : 's'}`}${d.wickets ? `, ${d.wickets} wkt` : ''} · ${shortPlayer(d.bowler)} · ${teamShort(d.team)} ${d.score.runs}/${d.score.wickets}`,
        tone: 'over',
      };
    }
    case 'innings': {
      const d = fr.data as { superOver: boolean; summary: string };
      return { seq, head: d.superOver ? 'Super over' : 'Innings', text: d.summary, tone: 'innings' };
    }
    case 'milestone': {
      const d = fr.data as { milestone: string; text: string };
      return { seq, head: d.milestone === 'hat-trick' ? 'Hat-trick' : 'Milestone', text: d.text, tone: 'milestone' };
    }
    case 'match': {
      const d = fr.data as { result: string; playerOfMatch: string[] };
      return { seq, head: 'Result', text: `${d.result}${d.playerOfMatch.length ? ` · player of the match ${d.playerOfMatch.join(', ')}` : ''}`, tone: 'match' };
    }
    default:
      return null;
  }
}
