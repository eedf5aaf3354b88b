/**
 * Cricket lines of `npm run watch`: one line per frame of the cricsheet converter (ball,
 * wicket, over, innings, milestone, match), in the scorers' notation of
 * protocol/cricket-notation.ts. Pure; unit-tested in test/scripts/watch/cricket.test.ts.
 */
import { ballOutcome, dismissalText, shortPlayer, teamShort } from '../../protocol/cricket-notation';
import type { WireFrame } from '../../protocol/messages';
import { cleanForTerminal as clean } from './clean';

type Rec = Record<string, unknown>;

/**
 * One line per cricket frame (the cricsheet converter's frame types), or null when the data
 * does not fit (the caller then prints the frame as JSON):
 * - `ball`:      `12.3  Bumrah to Kohli         FOUR         IND 98/2` (+ `  need 52 off 46` when chasing)
 * - `wicket`:    `      ✖ WICKET  Kohli c Dhoni b Thakur 29 (17) · fall 2-98 (12.3 ov) · partnership 45 (29)`
 * - `over`:      `      ── end of over 13 · Bumrah 1-0-9-1 · 9 runs, 1 wkt · . 1 4 . W 4 · IND 107/2`
 * - `innings`:   `══ end of innings: Mumbai Indians 149/8 (20.0 ov)` (+ ` · target 150` when it had one)
 * - `milestone`: `      ★ SR Watson reaches 50 off 44 balls`
 * - `match`:     `🏆 Mumbai Indians won by 1 run · player of the match: JJ Bumrah`
 * Text from the recording is cleaned of control characters.
 */
export function formatCricket(frame: WireFrame): string | null {
  const d = frame.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return null;
  const r = d as Rec;
  const team = typeof r.team === 'string' ? teamShort(r.team) : '';
  const score = (v: unknown) => {
    const sc = obj(v);
    return sc && typeof sc.runs === 'number' && typeof sc.wickets === 'number' ? `${team} ${sc.runs}/${sc.wickets}`.trim() : '';
  };
  const str = (v: unknown) => (typeof v === 'string' ? clean(v) : '');
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const indent = '      ';
  switch (frame.type) {
    case 'ball': {
      const runs = obj(r.runs);
      const sc = score(r.score);
      if (!runs || !sc) return null;
      const ex = obj(r.extras) ?? {};
      const what = ballOutcome({
        runs: { batter: n(runs.batter), total: n(runs.total) },
        extras: { wides: n(ex.wides), noballs: n(ex.noballs), legbyes: n(ex.legbyes), byes: n(ex.byes) },
        boundary: r.boundary === 4 || r.boundary === 6 ? r.boundary : null,
        wickets: Array.isArray(r.wickets) ? r.wickets : [],
      });
      const who = `${shortPlayer(str(r.bowler))} to ${shortPlayer(str(r.batter))}`;
      const chase = obj(r.chase);
      let need = '';
      if (chase && typeof chase.need === 'number' && chase.need > 0) {
        need = `  need ${chase.need}${typeof chase.ballsLeft === 'number' ? ` off ${chase.ballsLeft}` : ''}`;
      }
      return `${str(r.ball).padStart(5)}  ${who.padEnd(26)}  ${what.padEnd(11)}  ${sc}${need}`;
    }
    case 'wicket': {
      const w = obj(r.wicket);
      const fall = obj(r.fall);
      if (!w || !fall) return null;
      const fielders = Array.isArray(w.fielders) ? w.fielders.filter((x): x is string => typeof x === 'string') : [];
      const b = obj(r.batter);
      const fig = b ? ` ${n(b.runs)} (${n(b.balls)})` : '';
      const p = obj(r.partnership);
      const part = p ? ` · partnership ${n(p.runs)} (${n(p.balls)})` : '';
      const how = dismissalText({ kind: str(w.kind), fielders, bowler: typeof w.bowler === 'string' ? w.bowler : undefined });
      return `${indent}✖ WICKET  ${shortPlayer(str(w.playerOut))} ${how}${fig} · fall ${n(fall.wicket)}-${n(fall.runs)} (${str(fall.overs)} ov)${part}`;
    }
    case 'over': {
      if (typeof r.over !== 'number') return null;
      const bl = obj(r.bowlerLine);
      const figures = bl ? ` ${str(bl.overs).replace(/\.0$/, '')}-${n(bl.maidens)}-${n(bl.runs)}-${n(bl.wickets)}` : '';
      const balls = Array.isArray(r.balls) ? r.balls.map(str).join(' ') : '';
      const wk = n(r.wickets) ? `, ${n(r.wickets)} wkt${n(r.wickets) === 1 ? '' : 's'}` : '';
      const runs = r.maiden === true ? 'maiden' : `${n(r.runs)} run${n(r.runs) === 1 ? '' : 's'}`;
      const sc = score(r.score);
      return `${indent}── end of over ${r.over} · ${shortPlayer(str(r.bowler))}${figures} · ${runs}${wk}${balls ? ` · ${balls}` : ''}${sc ? ` · ${sc}` : ''}`;
    }
    case 'innings': {
      const summary = str(r.summary) || `${str(r.team)} ${n(r.runs)}/${n(r.wickets)} (${str(r.overs)} ov)`;
      const target = typeof r.target === 'number' ? ` · target ${r.target}` : '';
      return `══ end of ${r.superOver === true ? 'super over' : 'innings'}: ${summary}${target}`;
    }
    case 'milestone':
      return r.text || r.player ? `${indent}★ ${str(r.text) || `${str(r.player)}: ${str(r.milestone)}`}` : null;
    case 'match': {
      const pom = Array.isArray(r.playerOfMatch) ? r.playerOfMatch.filter((x): x is string => typeof x === 'string').map(clean) : [];
      return `🏆 ${str(r.result) || 'match over'}${pom.length ? ` · player of the match: ${pom.join(', ')}` : ''}`;
    }
    default:
      return null;
  }
}

function obj(v: unknown): Rec | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : null;
}
