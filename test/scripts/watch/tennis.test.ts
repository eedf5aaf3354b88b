/**
 * Tennis frames are modelled on real rows of match 2012-wimbledon-1701 (Federer v Murray) from
 * Jeff Sackmann's slam point-by-point data (Tennis Abstract, CC BY-NC-SA 4.0), in the
 * converter's field names and in the CSV's own names.
 */
import type { WireFrame } from '../../../protocol/messages';
import { formatPoint, playerNames, scoreLine, shortName, toTennisPoint } from '../../../scripts/watch/tennis';

const NAMES: [string, string] = ['Federer', 'Murray'];

/** Row 13 of the match: 0:08:40, Federer aces at 189 km/h, 0-2 in the first set, 15-15. */
const aceFrame: WireFrame = {
  seq: 13,
  t: 520_000,
  type: 'point',
  data: { set: 1, games: [0, 2], points: ['15', '15'], tiebreak: false, setsWon: [0, 0], server: 1, winner: 1, ace: true, serveSpeedKmh: 189 },
};

describe('tennis points', () => {
  test('converter-style frame: score, server, winner and how', () => {
    const p = toTennisPoint(aceFrame.data);
    expect(p).toMatchObject({ set: 1, games: [0, 2], points: ['15', '15'], server: 1, winner: 1, ace: true, serveSpeedKmh: 189, tiebreak: false });
    const line = formatPoint(aceFrame.t, p!, NAMES);
    expect(line.startsWith('0:08:40  set 1  0-2  15-15')).toBe(true);
    expect(line).toContain('serve Federer');
    expect(line).toMatch(/→ Federer · ace · 189 km\/h$/);
  });

  test('CSV-style frame (row 239: Murray double-faults on a break point at 3:10:40)', () => {
    const data = {
      SetNo: '4', P1GamesWon: '1', P2GamesWon: '1', PointWinner: '1', PointServer: '2', Speed_KMH: '0', Rally: '',
      P1Score: '15', P2Score: '0', P1Ace: '0', P2Ace: '0', P1Winner: '0', P2Winner: '0', P1DoubleFault: '0', P2DoubleFault: '1',
      P1UnfErr: '0', P2UnfErr: '1', P1BreakPoint: '0', P2BreakPoint: '0',
    };
    const p = toTennisPoint(data)!;
    expect(p).toMatchObject({ set: 4, games: [1, 1], points: ['15', '0'], server: 2, winner: 1, doubleFault: true, serveSpeedKmh: null, rally: null });
    const line = formatPoint(11_440_000, p, NAMES);
    expect(line).toContain('3:10:40  set 4  1-1  15-0');
    expect(line).toContain('serve Murray');
    expect(line).toMatch(/→ Federer · double fault$/); // 0 km/h is "not measured", not printed
  });

  test('advantage, sets won, tie-break and break point', () => {
    const adv = toTennisPoint({ set: 2, games: [4, 4], points: ['A', '40'], setsWon: [1, 0], server: 1, winner: 1, rally: 7, winnerShot: true })!;
    expect(scoreLine(adv)).toBe('set 2 (1-0)  4-4  AD-40');
    expect(formatPoint(5_857_000, adv, NAMES)).toMatch(/→ Federer · winner · rally 7$/);
    const tb = toTennisPoint({ set: 1, games: [6, 6], points: [5, 4], server: 2, winner: 1 })!;
    expect(tb.tiebreak).toBe(true);
    expect(scoreLine(tb)).toBe('set 1  6-6  TB 5-4');
    const bp = toTennisPoint({ set: 1, games: [2, 3], points: ['40', '0'], server: 2, winner: 1, breakPoint: true, unforcedError: true })!;
    expect(formatPoint(0, bp, NAMES)).toMatch(/→ Federer · unforced error · break!$/);
  });

  test('data without a score is not a point; missing fields are never invented', () => {
    expect(toTennisPoint({ foo: 1 })).toBeNull();
    expect(toTennisPoint('0:00')).toBeNull();
    expect(toTennisPoint(null)).toBeNull();
    const p = toTennisPoint({ points: ['0', '15'] })!;
    expect(p).toMatchObject({ set: 1, games: [0, 0], server: null, winner: null, setsWon: null });
    expect(formatPoint(0, p, NAMES)).toMatch(/→ \?$/);
  });

  test('player names from titles', () => {
    expect(playerNames('Wimbledon 2012 final: Roger Federer v Andy Murray')).toEqual(['Roger Federer', 'Andy Murray']);
    expect(playerNames('Serena Williams vs Samantha Stosur')).toEqual(['Serena Williams', 'Samantha Stosur']);
    expect(playerNames('a terminal session')).toEqual(['Player 1', 'Player 2']);
    expect(shortName('Juan Martin del Potro')).toBe('Potro');
  });
});
