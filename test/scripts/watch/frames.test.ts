/**
 * Tennis frames are modelled on real rows of match 2012-wimbledon-1701 (Federer v Murray) from
 * Jeff Sackmann's slam point-by-point data (Tennis Abstract, CC BY-NC-SA 4.0), in the
 * converter's field names and in the CSV's own names.
 */
import type { WireFrame } from '../../../protocol/messages';
import { renderFrame, type FrameContext } from '../../../scripts/watch/frames';

const NAMES: [string, string] = ['Federer', 'Murray'];
const TENNIS: FrameContext = { kind: 'tennis', names: NAMES, raw: false };

/** Row 13 of the match: 0:08:40, Federer aces at 189 km/h, 0-2 in the first set, 15-15. */
const aceFrame: WireFrame = {
  seq: 13,
  t: 520_000,
  type: 'point',
  data: { set: 1, games: [0, 2], points: ['15', '15'], tiebreak: false, setsWon: [0, 0], server: 1, winner: 1, ace: true, serveSpeedKmh: 189 },
};

describe('renderFrame', () => {
  test('tennis points become lines; unreadable tennis data falls back to JSON', () => {
    expect(renderFrame(aceFrame, TENNIS)).toEqual({ kind: 'line', text: expect.stringContaining('→ Federer · ace') });
    const odd: WireFrame = { seq: 1, t: 0, type: 'point', data: { note: 'rain delay' } };
    expect(renderFrame(odd, TENNIS)).toEqual({ kind: 'line', text: '{"seq":1,"t":0,"type":"point","data":{"note":"rain delay"}}' });
  });

  test('terminal output is raw; its other frame types print nothing', () => {
    const ctx: FrameContext = { kind: 'terminal', names: NAMES, raw: false };
    expect(renderFrame({ seq: 0, t: 0, type: 'o', data: '\u001b[1mhi\r\n' }, ctx)).toEqual({ kind: 'raw', text: '\u001b[1mhi\r\n' });
    expect(renderFrame({ seq: 1, t: 5, type: 'r', data: '80x24' }, ctx)).toEqual({ kind: 'none' });
  });

  test('other kinds print one JSON line per frame; --raw writes data as it is', () => {
    const ball: WireFrame = { seq: 7, t: 7000, type: 'ball', data: { over: 1.1, runs: 4 } };
    expect(renderFrame(ball, { kind: 'cricket', names: NAMES, raw: false })).toEqual({ kind: 'line', text: JSON.stringify(ball) });
    expect(renderFrame(ball, { kind: 'cricket', names: NAMES, raw: true })).toEqual({ kind: 'raw', text: '{"over":1.1,"runs":4}\n' });
    expect(renderFrame(aceFrame, { ...TENNIS, raw: true }).kind).toBe('raw');
  });
});
