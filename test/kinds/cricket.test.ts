/**
 * The cricket kind's scorecards against the IPL 2019 final (Cricsheet match 1181768): Mumbai
 * Indians 149/8 beat Chennai Super Kings 148/7 by 1 run; and the 2020 super-over match
 * (six innings, two super overs).
 */
import { cricket, type CricketState } from '../../kinds/cricket';
import { sample } from './samples';

function fold(id: string, until?: (s: CricketState) => boolean): CricketState {
  const r = sample(id);
  let s = cricket.initialState(r.header);
  for (const f of r.frames) {
    s = cricket.reduce(s, f) as CricketState;
    if (until?.(s)) break;
  }
  return s;
}

test('IPL 2019 final: both scorecards, fall of wickets, extras, result', () => {
  const s = fold('ipl-2019-final-1181768');
  expect(s.innings.map((i) => [i.team, i.runs, i.wickets, i.overs, i.complete])).toEqual([
    ['Mumbai Indians', 149, 8, '20.0', true],
    ['Chennai Super Kings', 148, 7, '20.0', true],
  ]);
  const [mi, csk] = s.innings;
  expect(mi!.batting[0]).toEqual({ name: 'Q de Kock', runs: 29, balls: 17, fours: 0, sixes: 4, out: true, howOut: 'caught' });
  expect(mi!.fallOfWickets[0]).toEqual({ wicket: 1, runs: 45, overs: '4.5', batter: 'Q de Kock' });
  expect(mi!.fallOfWickets).toHaveLength(8);
  expect(csk!.fallOfWickets).toHaveLength(7);
  expect(csk!.target).toBe(150);
  expect(csk!.extras).toEqual({ wides: 4, noballs: 0, byes: 5, legbyes: 0, penalty: 0, total: 9 });
  const bowled = csk!.bowling.reduce((a, b) => a + Number(b.overs.split('.')[0]) * 6 + Number(b.overs.split('.')[1]), 0);
  expect(bowled).toBe(120);
  expect(s.result).toBe('Mumbai Indians won by 1 run');
  expect(s.winner).toBe('Mumbai Indians');
  expect(s.chase).toBeNull();
});

test('mid-chase: target, runs needed, balls left and the required rate', () => {
  const s = fold('ipl-2019-final-1181768', (x) => x.innings.length === 2 && x.innings[1]!.overs === '15.0');
  expect(s.chase).toEqual({ target: 150, need: 62, ballsLeft: 30, requiredRate: 12.4 });
  expect(s.runRate).toBe(5.87);
  expect(s.recent.length).toBeLessThanOrEqual(12);
  expect(s.current).toEqual({ batter: 'DJ Bravo', nonStriker: 'SR Watson', bowler: 'MJ McClenaghan' });
});

test('super overs: every innings kept, the result names the super-over winner', () => {
  const s = fold('ipl-2020-super-overs-1216517');
  expect(s.innings.map((i) => [i.team, i.runs, i.wickets, i.superOver])).toEqual([
    ['Mumbai Indians', 176, 6, false],
    ['Kings XI Punjab', 176, 6, false],
    ['Kings XI Punjab', 5, 2, true],
    ['Mumbai Indians', 5, 1, true],
    ['Mumbai Indians', 11, 1, true],
    ['Kings XI Punjab', 15, 0, true],
  ]);
  expect(s.result).toBe('Match tied; Kings XI Punjab won the super over');
});
