/**
 * Tennis statistics against the published box score of the 2012 Wimbledon men's final
 * (Roger Federer v Andy Murray, 4-6 7-5 6-3 6-4), as Wimbledon's match statistics gave them:
 * aces Federer 12, Murray 16; winners 62 / 46; unforced errors 38 / 25; break points won
 * Federer 4 of 12, Murray 2 of 7; fastest serve 130 mph (209 km/h) / 133 mph (214 km/h);
 * first serves in 69 % / 56 %.
 */
import { tennis, type TennisState } from '../../kinds/tennis';
import { sample } from './samples';

function finalState(id: string): TennisState {
  const r = sample(id);
  let s = tennis.initialState(r.header);
  for (const f of r.frames) s = tennis.reduce(s, f) as TennisState;
  return s;
}

test('2012 Wimbledon final: score and statistics match the published box score', () => {
  const s = finalState('2012-wimbledon-1701');
  expect(s.sets).toEqual([
    [4, 6],
    [7, 5],
    [6, 3],
    [6, 4],
  ]);
  expect(s.setsWon).toEqual([3, 1]);
  expect(s.winner).toBe(1);
  const [federer, murray] = s.stats;
  expect([federer.aces, murray.aces]).toEqual([12, 16]);
  expect([federer.winners, murray.winners]).toEqual([62, 46]);
  expect([federer.unforcedErrors, murray.unforcedErrors]).toEqual([38, 25]);
  expect([federer.breakPointsWon, federer.breakPointChances]).toEqual([4, 12]);
  expect([murray.breakPointsWon, murray.breakPointChances]).toEqual([2, 7]);
  // Break points faced by one are the other's chances.
  expect([federer.breakPointsFaced, murray.breakPointsFaced]).toEqual([7, 12]);
  expect([federer.fastestServeKmh, murray.fastestServeKmh]).toEqual([209, 214]);
  // Double faults (no published figure in the box score we checked): the data's count.
  expect([federer.doubleFaults, murray.doubleFaults]).toEqual([3, 1]);
  // 1st serve in: published 69 % / 56 %. The file's ServeIndicator column is the next
  // point's server, not the serve number, so no figure is claimed.
  expect([federer.firstServeInPct, murray.firstServeInPct]).toEqual([null, null]);
});

test('ServeIndicator is the next point’s server in every sample, so it cannot give 1st serve %', () => {
  for (const id of ['2011-usopen-2701', '2012-ausopen-1701', '2012-wimbledon-1701', '2013-wimbledon-2701']) {
    const frames = sample(id).frames.map((f) => f.data as { server?: number; serveNumber?: number });
    let same = 0;
    for (let i = 0; i + 1 < frames.length; i++) if (frames[i]!.serveNumber === frames[i + 1]!.server) same++;
    expect(same).toBe(frames.length - 1);
  }
});

test('the scoreboard: sets, points as shown, tie-breaks, server', () => {
  const r = sample('2012-wimbledon-1701');
  let s = tennis.initialState(r.header);
  expect(s.players).toEqual(['Roger Federer', 'Andy Murray']);
  expect(s.bestOf).toBe(5);
  s = tennis.reduce(s, r.frames[0]!) as TennisState;
  expect(s.sets).toEqual([[0, 0]]);
  expect(s.points).toEqual(['0', '15']);
  expect(s.server).toBe(1);
  for (const f of r.frames.slice(1, 6)) s = tennis.reduce(s, f) as TennisState;
  // Murray broke in the first game: 0-1, 0-0 in the new game, Murray to serve.
  expect(s.sets).toEqual([[0, 1]]);
  expect(s.points).toEqual(['0', '0']);
  expect(s.server).toBe(2);
  expect(s.stats[1].breakPointsWon).toBe(1);
  // Unknown statistics stay null, not 0: no sample has rally lengths but the 2011 US Open.
  expect(s.rally).toBeNull();
  expect(finalState('2011-usopen-2701').rally).toEqual({ points: 99, shots: 443, longest: 19 });
});

test('the 2012 Australian Open final: five sets, the fifth 7-5, and every set kept', () => {
  const s = finalState('2012-ausopen-1701');
  expect(s.sets.length).toBe(5);
  expect(s.sets[3]).toEqual([6, 7]);
  expect(s.sets[4]).toEqual([7, 5]);
  const r = sample('2012-ausopen-1701');
  const tb = tennis.markers(r.frames, r.header).filter((m) => m.kind === 'tiebreak');
  expect(tb.map((m) => m.label)).toEqual(['Tie-break, set 4']);
  // During the tie-break the state says so and shows its point counts.
  let st = tennis.initialState(r.header);
  for (const f of r.frames.slice(0, tb[0]!.seq + 1)) st = tennis.reduce(st, f) as TennisState;
  expect(st.tiebreak).toBe(true);
  expect(st.points.every((p) => /^\d+$/.test(p))).toBe(true);
  expect(s.setsWon).toEqual([3, 2]);
  expect(s.winner).toBe(1);
});
