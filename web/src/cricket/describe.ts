/** Plain-text descriptions of cricket frames for the ball-by-ball feed and screen readers. Pure. */
import { ballOutcome, dismissalText } from '../../../protocol/cricket-notation';
import { shortPlayer, teamShort, type BallEvent, type CricketEvent, type Score } from './frame';

export { ballOutcome, dismissalText };

/** How a delivery looks in the "recent balls" strip. */
export type ChipKind = 'dot' | 'run' | 'four' | 'six' | 'wicket' | 'extra';

/** A delivery's chip: label ("4", "W", "1wd", "•") and kind (its colour). */
export interface BallChip {
  readonly seq: number;
  readonly label: string;
  readonly kind: ChipKind;
}

/** The chip of a delivery: W for a wicket, 4/6 boundaries, extras as "1wd" / "1nb" / "2lb" / "1b", "•" a dot. */
export function ballChip(b: BallEvent): BallChip {
  const ex = b.extras;
  let label: string;
  let kind: ChipKind;
  if (ex.wides) [label, kind] = [`${b.runs.total}wd`, 'extra'];
  else if (ex.noballs) [label, kind] = [`${b.runs.total}nb`, 'extra'];
  else if (ex.legbyes) [label, kind] = [`${b.runs.total}lb`, 'extra'];
  else if (ex.byes) [label, kind] = [`${b.runs.total}b`, 'extra'];
  else if (b.boundary === 6) [label, kind] = ['6', 'six'];
  else if (b.boundary === 4) [label, kind] = ['4', 'four'];
  else if (b.runs.total === 0) [label, kind] = ['•', 'dot'];
  else [label, kind] = [String(b.runs.total), 'run'];
  if (b.wickets.length > 0) [label, kind] = [label === '•' ? 'W' : `W+${label}`, 'wicket'];
  return { seq: b.seq, label, kind };
}

/** "MI 98/2" (team abbreviated). */
export function scoreText(team: string, s: Pick<Score, 'runs' | 'wickets'>): string {
  return `${teamShort(team)} ${s.runs}/${s.wickets}`;
}

/** Importance of a feed line, for highlighting. */
export type FeedTone = 'ball' | 'boundary' | 'wicket' | 'over' | 'innings' | 'milestone' | 'match';

/** One line of the ball-by-ball feed: a left column (ball / over), the text and its tone. */
export interface FeedLine {
  readonly seq: number;
  readonly head: string;
  readonly text: string;
  readonly tone: FeedTone;
}

/** The feed line of any cricket event. */
export function describeEvent(e: CricketEvent): FeedLine {
  switch (e.type) {
    case 'ball': {
      const what = ballOutcome(e);
      const tone: FeedTone = e.wickets.length > 0 ? 'wicket' : e.boundary ? 'boundary' : 'ball';
      return { seq: e.seq, head: e.ball, text: `${shortPlayer(e.bowler)} to ${shortPlayer(e.batter)}, ${what}`, tone };
    }
    case 'wicket': {
      const b = e.batter;
      const fig = b ? ` ${b.runs} (${b.balls})` : '';
      return {
        seq: e.seq,
        head: 'WICKET',
        text: `${shortPlayer(e.wicket.playerOut)} ${dismissalText(e.wicket)}${fig} · ${e.fall.runs}/${e.fall.wicket}`,
        tone: 'wicket',
      };
    }
    case 'over':
      return {
        seq: e.seq,
        head: `Over ${e.over}`,
        text: `${e.maiden ? 'Maiden' : `${e.runs} run${e.runs === 1 ? '' : 's'}`}${e.wickets ? `, ${e.wickets} wkt` : ''} · ${shortPlayer(e.bowler)}${e.score ? ` · ${scoreText(e.team, e.score)}` : ''}`,
        tone: 'over',
      };
    case 'innings':
      return { seq: e.seq, head: e.superOver ? 'Super over' : 'Innings', text: e.summary, tone: 'innings' };
    case 'milestone':
      return { seq: e.seq, head: e.milestone === 'hat-trick' ? 'Hat-trick' : 'Milestone', text: e.text, tone: 'milestone' };
    case 'match':
      return {
        seq: e.seq,
        head: 'Result',
        text: `${e.result}${e.playerOfMatch.length ? ` · player of the match ${e.playerOfMatch.join(', ')}` : ''}`,
        tone: 'match',
      };
  }
}
