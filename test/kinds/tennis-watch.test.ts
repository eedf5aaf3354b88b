/**
 * The tennis view of `npm run watch` (kinds/tennis/watch.ts): state → scoreboard lines, a
 * point → its line, and a late joiner's view (snapshot + the frames after it) showing what a
 * viewer from the first point shows. Data: the 2012 Wimbledon final (samples/tennis, Jeff
 * Sackmann / Tennis Abstract, CC BY-NC-SA 4.0), which Federer won 4-6 7-5 6-3 6-4.
 */
import { stateAt } from '../../kinds';
import { tennis, type TennisPointData, type TennisState } from '../../kinds/tennis';
import { renderTennis, tennisPointLine, tennisWatch } from '../../kinds/tennis/watch';
import { sample } from './samples';

const rec = () => sample('2012-wimbledon-1701');

test('the final state: every set, the winner, both players\' statistics', async () => {
  const r = rec();
  const s = await stateAt(tennis, r.header, r.frames, r.frames.length);
  const lines = renderTennis(s);
  expect(lines[0]).toMatch(/^ {2}Roger Federer +4 +7 +6 +6 +won$/);
  expect(lines[1]).toMatch(/^ {2}Andy Murray +6 +5 +3 +4$/);
  expect(lines[2]).toBe('  sets 3-1 · 288 points played · best of 5 · Roger Federer wins');
  expect(lines[3]).toMatch(/^ +Federer +Murray$/);
  const row = (label: string) => lines.find((l) => l.trimStart().startsWith(label))!;
  expect(row('points won').trim().split(/\s+/).slice(2).map(Number)).toEqual([s.stats[0].pointsWon, s.stats[1].pointsWon]);
  expect(row('service points won')).toContain(`${s.stats[0].servicePointsWon}/${s.stats[0].servicePoints}`);
  expect(row('fastest serve km/h')).toMatch(/\d{3} +\d{3}$/);
});

test('mid-match: the current game\'s points and who serves', async () => {
  const r = rec();
  const s = await stateAt(tennis, r.header, r.frames, 150);
  const lines = renderTennis(s);
  const serving = s.server === 1 ? lines[0] : lines[1];
  expect(serving).toContain('•');
  expect(lines[0]!.trimEnd().endsWith(s.points[0])).toBe(true);
  expect(lines[1]!.trimEnd().endsWith(s.points[1])).toBe(true);
});

test('a count the recording never carried shows –, not 0', () => {
  const s = tennis.initialState({ ...rec().header, participants: ['A B', 'C D'] });
  const lines = renderTennis(s);
  expect(lines.find((l) => l.includes('aces'))).toMatch(/aces +– +–$/);
  expect(lines[2]).toBe('  sets 0-0 · 0 points played · best of 5');
});

test('a point line: score after it, server, winner and how, a game or the match it won', () => {
  const d: TennisPointData = { set: 1, games: [0, 2], points: ['15', '15'], tiebreak: false, setsWon: [0, 0], server: 1, winner: 1, ace: true, serveSpeedKmh: 189 };
  const names: [string, string] = ['Roger Federer', 'Andy Murray'];
  expect(tennisPointLine(520_000, d, names)).toMatch(/^0:08:40 {2}set 1 {2}0-2 {2}15-15 +serve Federer +→ Federer · ace · 189 km\/h$/);
  const tb: TennisPointData = { set: 2, games: [6, 6], points: ['5', '4'], tiebreak: true, setsWon: [1, 0], server: 2, winner: 1, breakPoint: false };
  expect(tennisPointLine(0, tb, names)).toContain('set 2 (1-0)  6-6  TB 5-4');
  const game: TennisPointData = { set: 4, games: [6, 4], points: ['0', '0'], tiebreak: false, setsWon: [3, 1], server: 1, winner: 1, gameWinner: 1, setWinner: 1 };
  expect(tennisPointLine(0, game, names, 1)).toMatch(/→ Federer · match Federer$/);
  expect(tennisPointLine(0, game, names)).toMatch(/→ Federer · set Federer$/);
});

test('a late joiner: the snapshot\'s view plus the frames after it shows what a viewer from the first point shows', async () => {
  const r = rec();
  const S = 200;
  const fromStart = tennisWatch.view(tennis.snapshot(tennis.initialState(r.header)));
  const early = await fromStart.apply(r.frames);
  const late = tennisWatch.view(tennis.snapshot(await stateAt(tennis, r.header, r.frames, S)));
  const after = await late.apply(r.frames.slice(S));
  expect(await late.lines()).toEqual(await fromStart.lines());
  expect(after).toEqual(early.slice(S));
  expect(early).toHaveLength(288); // one line per point
});

test('a frame that is not a tennis point is not applied; its line says so', async () => {
  const r = rec();
  const v = tennisWatch.view(tennis.snapshot(tennis.initialState(r.header)));
  const lines = await v.apply([{ seq: 0, t: 0, type: 'point', data: { note: 'rain delay' } }]);
  expect(lines).toEqual(['? frame 0 is not a tennis frame: {"type":"point","data":{"note":"rain delay"}}']);
  expect((await v.lines())[2]).toContain('0 points played');
  const broken = tennisWatch.view({ nonsense: true });
  expect(await broken.lines()).toEqual([expect.stringMatching(/^\? this tennis state cannot be shown/)]);
  expect(((await stateAt(tennis, r.header, r.frames, 0)) as TennisState).pointsPlayed).toBe(0);
});
