import { playerNames, shortName, toTennisPoint, type TennisPoint } from '../../web/src/tennis/frame';
import { firstServePct, foldMatch, isSetComplete } from '../../web/src/tennis/model';
import type { WireFrame } from '../../protocol/messages';

const frame = (seq: number, data: Record<string, unknown>): WireFrame => ({ seq, t: seq * 30_000, type: 'point', data });
const pt = (seq: number, data: Record<string, unknown>): TennisPoint => {
  const p = toTennisPoint(frame(seq, data));
  if (!p) throw new Error('not a point');
  return p;
};

describe('toTennisPoint (the adapter)', () => {
  it('reads the documented shape', () => {
    const p = pt(4, {
      set: 2, games: [3, 4], points: ['40', 'AD'], tiebreak: false, setsWon: [0, 1], server: 2, winner: 2,
      ace: true, serveSpeedKmh: 189, rally: 1, breakPoint: true,
    });
    expect(p).toMatchObject({ set: 2, games: [3, 4], points: ['40', 'AD'], setsWon: [0, 1], server: 2, winner: 2, ace: true, serveSpeedKmh: 189, rally: 1, breakPoint: true, cleanWinner: false });
  });
  it('accepts other names for the clean-winner flag, and a boolean "winner"', () => {
    const base = { set: 1, games: [0, 0], points: ['15', '0'], setsWon: [0, 0], server: 1 };
    expect(pt(0, { ...base, winner: 1, clean: true }).cleanWinner).toBe(true);
    expect(pt(0, { ...base, winner: 1, winnerShot: 1 }).cleanWinner).toBe(true);
    const b = pt(0, { ...base, pointWinner: 1, winner: true });
    expect(b.cleanWinner).toBe(true);
    expect(b.winner).toBe(1);
  });
  it('never invents: missing and zero values are null/false', () => {
    const p = pt(0, { set: 1, games: [0, 0], points: [0, 15], setsWon: [0, 0], serveSpeedKmh: 0, rally: '' });
    expect(p.serveSpeedKmh).toBeNull();
    expect(p.rally).toBeNull();
    expect(p.server).toBeNull();
    expect(p.winner).toBeNull();
    expect(p.firstServeIn).toBeNull();
    expect(p.points).toEqual(['0', '15']);
  });
  it('infers a tie-break from numeric scores when not flagged', () => {
    expect(pt(0, { set: 1, games: [6, 6], points: [3, 2], setsWon: [0, 0] }).tiebreak).toBe(true);
    expect(pt(0, { set: 1, games: [6, 6], points: ['30', '15'], setsWon: [0, 0] }).tiebreak).toBe(false);
  });
  it('rejects other frame types and scoreless data', () => {
    expect(toTennisPoint({ seq: 0, t: 0, type: 'o', data: 'text' })).toBeNull();
    expect(toTennisPoint({ seq: 0, t: 0, type: 'point', data: { hello: 1 } })).toBeNull();
    expect(toTennisPoint({ seq: 0, t: 0, type: 'point', data: null })).toBeNull();
  });
});

describe('playerNames', () => {
  it('prefers participants, then the title, then placeholders', () => {
    expect(playerNames('x', ['Sabine Lisicki', 'Marion Bartoli'])).toEqual(['Sabine Lisicki', 'Marion Bartoli']);
    expect(playerNames('US Open 2011 final: Serena Williams v Samantha Stosur')).toEqual(['Serena Williams', 'Samantha Stosur']);
    expect(playerNames('Lisicki vs Bartoli')).toEqual(['Lisicki', 'Bartoli']);
    expect(playerNames('a recording')).toEqual(['Player 1', 'Player 2']);
    expect(shortName('Serena Williams')).toBe('Williams');
  });
});

describe('foldMatch', () => {
  // The source CSV's convention: games as they stood before the game, scores after the point.
  // Player 2 serves a love game (an ace, a winner, an unforced error by player 1), then player 1 double-faults.
  const csvStyle: TennisPoint[] = [
    pt(0, { set: 1, games: [0, 0], points: ['0', '15'], setsWon: [0, 0], server: 2, winner: 2, ace: true, serveSpeedKmh: 180, firstServeIn: true }),
    pt(1, { set: 1, games: [0, 0], points: ['0', '30'], setsWon: [0, 0], server: 2, winner: 2, clean: true, rally: 5, firstServeIn: false }),
    pt(2, { set: 1, games: [0, 0], points: ['0', '40'], setsWon: [0, 0], server: 2, winner: 2, rally: 3, firstServeIn: true }),
    pt(3, { set: 1, games: [0, 0], points: ['0', '0'], setsWon: [0, 0], server: 2, winner: 2, unforcedError: true, rally: 7, firstServeIn: true }),
    pt(4, { set: 1, games: [0, 1], points: ['0', '15'], setsWon: [0, 0], server: 1, winner: 2, doubleFault: true, serveIndicator: 2 }),
  ];

  it('scores the game a point ends for its winner even when the recording lags', () => {
    const after4 = foldMatch(csvStyle.slice(0, 4));
    expect(after4.games).toEqual([0, 1]);
    expect(after4.points).toEqual(['0', '0']);
    const after5 = foldMatch(csvStyle);
    expect(after5.games).toEqual([0, 1]); // no double counting once the recording catches up
    expect(after5.points).toEqual(['0', '15']);
    expect(after5.server).toBe(1);
  });

  it('derives live stats from the points seen', () => {
    const v = foldMatch(csvStyle);
    const [p1, p2] = v.stats;
    expect(p2.aces).toBe(1);
    expect(p2.winners).toBe(1);
    expect(p1.unforcedErrors).toBe(1); // player 1 lost point 3 on an unforced error
    expect(p1.doubleFaults).toBe(1);
    expect(p2.pointsWon).toBe(5);
    expect(firstServePct(p2)).toBe(75);
    expect(firstServePct(p1)).toBe(0); // a double fault misses the first serve
    expect(p2.fastestServeKmh).toBe(180);
    expect(v.avgRally).toBe(5);
    expect(v.longestRally).toBe(7);
  });

  it('does not invent a first-serve rate from a lone double fault', () => {
    const v = foldMatch([pt(0, { set: 1, games: [0, 0], points: ['0', '15'], setsWon: [0, 0], server: 1, winner: 2, doubleFault: true })]);
    expect(firstServePct(v.stats[0])).toBeNull();
    expect(v.stats[0].doubleFaults).toBe(1);
  });

  it('closes a set when its last point is seen (CSV convention) and counts it', () => {
    const pts = [
      pt(10, { set: 1, games: [1, 5], points: ['0', '40'], setsWon: [0, 0], server: 2, winner: 2 }),
      pt(11, { set: 1, games: [1, 5], points: ['0', '0'], setsWon: [0, 0], server: 2, winner: 2 }),
    ];
    const v = foldMatch(pts);
    expect(v.sets).toEqual([{ set: 1, games: [1, 6], winner: 2 }]);
    expect(v.set).toBe(2);
    expect(v.games).toEqual([0, 0]);
    expect(v.setsWon).toEqual([0, 1]);
    const next = foldMatch([...pts, pt(12, { set: 2, games: [0, 0], points: ['15', '0'], setsWon: [0, 1], server: 1, winner: 1 })]);
    expect(next.sets).toEqual([{ set: 1, games: [1, 6], winner: 2 }]);
    expect(next.boundaries.map((b) => b.set)).toEqual([1, 2]);
    expect(next.boundaries[1]!.seq).toBe(12);
  });

  it('handles a recording that states scores after the point (post-point games)', () => {
    const pts = [
      pt(0, { set: 1, games: [5, 1], points: ['40', '0'], setsWon: [0, 0], server: 1, winner: 1 }),
      pt(1, { set: 1, games: [6, 1], points: ['0', '0'], setsWon: [1, 0], server: 1, winner: 1 }),
      pt(2, { set: 2, games: [0, 0], points: ['0', '15'], setsWon: [1, 0], server: 2, winner: 2 }),
    ];
    const v = foldMatch(pts);
    expect(v.sets).toEqual([{ set: 1, games: [6, 1], winner: 1 }]);
    expect(v.setsWon).toEqual([1, 0]);
    expect(v.games).toEqual([0, 0]);
  });

  it('marks sets never seen as unknown when joining late, and ends the match on the last frame', () => {
    const pts = [
      pt(121, { set: 2, games: [4, 5], points: ['0', '30'], setsWon: [0, 1], server: 2, winner: 2 }),
      pt(122, { set: 2, games: [4, 5], points: ['0', '0'], setsWon: [0, 1], server: 2, winner: 2 }),
    ];
    const live = foldMatch(pts.slice(0, 1), { frameCount: 123 });
    expect(live.sets).toEqual([{ set: 1, games: null, winner: null }]);
    expect(live.matchWinner).toBeNull();
    const over = foldMatch(pts, { frameCount: 123 });
    expect(over.matchWinner).toBe(2);
    expect(over.sets[1]).toEqual({ set: 2, games: [4, 6], winner: 2 });
    expect(over.setsWon).toEqual([0, 2]);
  });

  it('recognises finished sets', () => {
    expect(isSetComplete([6, 4])).toBe(true);
    expect(isSetComplete([7, 6])).toBe(true);
    expect(isSetComplete([6, 5])).toBe(false);
    expect(isSetComplete([9, 11])).toBe(true);
    expect(isSetComplete([0, 0])).toBe(false);
  });

  it('is empty before any point', () => {
    const v = foldMatch([]);
    expect(v.pointsSeen).toBe(0);
    expect(v.last).toBeNull();
    expect(v.games).toEqual([0, 0]);
    expect(v.avgRally).toBeNull();
  });
});
