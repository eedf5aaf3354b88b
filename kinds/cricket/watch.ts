/**
 * Cricket in `npm run watch`: the scorecards of a {@link CricketState} — every innings'
 * total, the batters and bowlers of the innings in progress, the chase (target, runs needed,
 * required rate) and the result — and one line per frame (ball, wicket, over, innings,
 * milestone, result) in the scorers' notation of protocol/cricket-notation.ts. Pure.
 */
import { ballOutcome, dismissalText, shortPlayer, teamShort } from '../../protocol/cricket-notation';
import type { Json, WireFrame } from '../kind';
import type { KindWatch } from '../watch';
import { reducerView } from '../generic/watch';
import { ballDataSchema, cricket, type CricketState, type InningsCard, inningsDataSchema, matchDataSchema, milestoneDataSchema, overDataSchema, wicketDataSchema } from './index';
import type { z } from 'zod';

const ORDINAL = ['1st', '2nd', '3rd', '4th'];
const inningsName = (c: InningsCard) => (c.superOver ? 'super over' : `${ORDINAL[c.innings - 1] ?? `${c.innings}th`} innings`);

/** `Mumbai Indians 149/8 (20.0 ov)` (`149 all out` at ten wickets). */
export function inningsTotal(c: Pick<InningsCard, 'team' | 'runs' | 'wickets' | 'overs'>): string {
  return `${c.team} ${c.wickets >= 10 ? `${c.runs} all out` : `${c.runs}/${c.wickets}`} (${c.overs} ov)`;
}

/**
 * The scorecards of a cricket state:
 * ```
 *   1st innings  Mumbai Indians 149/8 (20.0 ov) · extras 10
 *   2nd innings  Chennai Super Kings 98/2 (12.3 ov) · extras 4 · target 150 · in progress
 *     Watson *            50 (32)  4×4 6×3
 *     Raina               12 (9)
 *     Bumrah           2.3-0-14-1
 *   need 52 off 45 balls · required rate 6.93 · run rate 7.84
 *   recent: 1 . 4 1wd W
 * ```
 * `*` marks the striker. The result, and the players of the match, close it.
 */
export function renderCricket(s: CricketState): string[] {
  const lines: string[] = [];
  if (s.innings.length === 0) lines.push(`  ${s.teams.join(' v ') || 'cricket'}: no ball bowled yet`);
  const last = s.innings[s.innings.length - 1];
  for (const c of s.innings) {
    const bits = [`extras ${c.extras.total}`];
    if (c.target !== null) bits.push(`target ${c.target}`);
    if (!c.complete) bits.push('in progress');
    lines.push(`  ${inningsName(c).padEnd(12)} ${inningsTotal(c)} · ${bits.join(' · ')}`);
    if (c.fallOfWickets.length > 0 && c === last) {
      lines.push(`    fall of wickets: ${c.fallOfWickets.map((w) => `${w.wicket}-${w.runs} (${shortPlayer(w.batter)}, ${w.overs})`).join(', ')}`);
    }
  }
  if (last && !last.complete) {
    const cur = s.current;
    const inBat = last.batting.filter((b) => !b.out);
    for (const b of inBat) {
      const star = cur && b.name === cur.batter ? ' *' : '';
      const boundaries = [b.fours ? `4×${b.fours}` : '', b.sixes ? `6×${b.sixes}` : ''].filter(Boolean).join(' ');
      lines.push(`    ${`${shortPlayer(b.name)}${star}`.padEnd(20)}${`${b.runs} (${b.balls})`.padStart(9)}${boundaries ? `  ${boundaries}` : ''}`);
    }
    const bowler = cur ? last.bowling.find((b) => b.name === cur.bowler) : undefined;
    if (bowler) lines.push(`    ${shortPlayer(bowler.name).padEnd(20)}${`${bowler.overs.replace(/\.0$/, '')}-${bowler.maidens}-${bowler.runs}-${bowler.wickets}`.padStart(9)}`);
    if (last.partnership.runs > 0 || last.partnership.balls > 0) lines.push(`    partnership ${last.partnership.runs} (${last.partnership.balls})`);
  }
  const rates: string[] = [];
  if (s.chase) {
    rates.push(`need ${s.chase.need}${s.chase.ballsLeft !== null ? ` off ${s.chase.ballsLeft} ball${s.chase.ballsLeft === 1 ? '' : 's'}` : ''}`);
    rates.push(`target ${s.chase.target}`);
    if (s.chase.requiredRate !== null) rates.push(`required rate ${s.chase.requiredRate.toFixed(2)}`);
  }
  if (s.runRate !== null) rates.push(`run rate ${s.runRate.toFixed(2)}`);
  if (rates.length > 0) lines.push(`  ${rates.join(' · ')}`);
  if (s.recent.length > 0) lines.push(`  recent: ${s.recent.join(' ')}`);
  if (s.result) lines.push(`  result: ${s.result}${s.playerOfMatch.length ? ` · player of the match: ${s.playerOfMatch.join(', ')}` : ''}`);
  return lines;
}

const INDENT = '      ';

/**
 * One line per cricket frame, or null for none:
 * - `ball`:      `12.3  Bumrah to Kohli         FOUR         IND 98/2` (+ `  need 52 off 46` when chasing)
 * - `wicket`:    `      ✖ WICKET  Kohli c Dhoni b Thakur 29 (17) · fall 2-98 (12.3 ov) · partnership 45 (29)`
 * - `over`:      `      ── end of over 13 · Bumrah 1-0-9-1 · 9 runs, 1 wkt · . 1 4 . W 4 · IND 107/2`
 * - `innings`:   `══ end of innings: Mumbai Indians 149/8 (20.0 ov)` (+ ` · target 150` when it had one)
 * - `milestone`: `      ★ SR Watson reaches 50 off 44 balls`
 * - `match`:     `🏆 Mumbai Indians won by 1 run · player of the match: JJ Bumrah`
 * Takes frames the kind's schema accepted (kinds/cricket/index.ts).
 */
export function cricketFrameLine(f: WireFrame): string | null {
  switch (f.type) {
    case 'ball': {
      const d = f.data as z.infer<typeof ballDataSchema>;
      const ex = d.extras ?? {};
      const what = ballOutcome({
        runs: { batter: d.runs.batter, total: d.runs.total },
        extras: { wides: ex.wides ?? 0, noballs: ex.noballs ?? 0, legbyes: ex.legbyes ?? 0, byes: ex.byes ?? 0 },
        boundary: d.boundary ?? null,
        wickets: d.wickets ?? [],
      });
      const who = `${shortPlayer(d.bowler)} to ${shortPlayer(d.batter)}`;
      const need = d.chase && d.chase.need > 0 ? `  need ${d.chase.need}${d.chase.ballsLeft !== undefined ? ` off ${d.chase.ballsLeft}` : ''}` : '';
      return `${d.ball.padStart(5)}  ${who.padEnd(26)}  ${what.padEnd(11)}  ${teamShort(d.team)} ${d.score.runs}/${d.score.wickets}${need}`;
    }
    case 'wicket': {
      const d = f.data as z.infer<typeof wicketDataSchema>;
      const how = dismissalText({ kind: d.wicket.kind, fielders: d.wicket.fielders, ...(d.wicket.bowler ? { bowler: d.wicket.bowler } : {}) });
      return `${INDENT}✖ WICKET  ${shortPlayer(d.wicket.playerOut)} ${how} ${d.batter.runs} (${d.batter.balls}) · fall ${d.fall.wicket}-${d.fall.runs} (${d.fall.overs} ov) · partnership ${d.partnership.runs} (${d.partnership.balls})`;
    }
    case 'over': {
      const d = f.data as z.infer<typeof overDataSchema>;
      const bl = d.bowlerLine;
      const wk = d.wickets ? `, ${d.wickets} wkt${d.wickets === 1 ? '' : 's'}` : '';
      const runs = d.maiden ? 'maiden' : `${d.runs} run${d.runs === 1 ? '' : 's'}`;
      const balls = d.balls.length ? ` · ${d.balls.join(' ')}` : '';
      return `${INDENT}── end of over ${d.over} · ${shortPlayer(d.bowler)} ${bl.overs.replace(/\.0$/, '')}-${bl.maidens}-${bl.runs}-${bl.wickets} · ${runs}${wk}${balls} · ${teamShort(d.team)} ${d.score.runs}/${d.score.wickets}`;
    }
    case 'innings': {
      const d = f.data as z.infer<typeof inningsDataSchema>;
      return `══ end of ${d.superOver ? 'super over' : 'innings'}: ${d.summary || inningsTotal(d)}${d.target !== undefined ? ` · target ${d.target}` : ''}`;
    }
    case 'milestone': {
      const d = f.data as z.infer<typeof milestoneDataSchema>;
      return `${INDENT}★ ${d.text || `${d.player}: ${d.milestone}`}`;
    }
    case 'match': {
      const d = f.data as z.infer<typeof matchDataSchema>;
      return `🏆 ${d.result || 'match over'}${d.playerOfMatch.length ? ` · player of the match: ${d.playerOfMatch.join(', ')}` : ''}`;
    }
    default:
      return null;
  }
}

/** The cricket kind's terminal side. */
export const cricketWatch: KindWatch = {
  kind: 'cricket',
  view: (state: Json) => reducerView(cricket, state as unknown as CricketState, renderCricket, (f) => cricketFrameLine(f)),
};
