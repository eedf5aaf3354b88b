import { readFileSync } from 'node:fs';
import type { WireFrame } from '../../../protocol/messages';
import { convertCricsheet } from '../../../convert/cricket';
import { formatCricket } from '../../../scripts/watch/cricket';
import { renderFrame, type FrameContext } from '../../../scripts/watch/frames';

/**
 * Cricket frames as the cricsheet converter writes them, modelled on the IPL 2019 final
 * (samples/cricket/ipl-2019-final-1181768.json, Cricsheet, ODC-BY), plus the real converter's
 * output for the whole match.
 */
describe('cricket frames', () => {
  const CRICKET: FrameContext = { kind: 'cricket', names: ['Player 1', 'Player 2'], raw: false };
  const inn = { innings: 2, team: 'Chennai Super Kings', bowlingTeam: 'Mumbai Indians', superOver: false };
  const ballFrame = (extra: Record<string, unknown>): WireFrame => ({
    seq: 240, t: 9_000_000, type: 'ball',
    data: {
      ...inn, ball: '15.4', batter: 'SR Watson', nonStriker: 'DJ Bravo', bowler: 'SL Malinga',
      runs: { batter: 4, extras: 0, total: 4 }, legal: true, boundary: 4,
      score: { runs: 103, wickets: 4, overs: '15.4', extras: { wides: 3, noballs: 0, byes: 1, legbyes: 0, penalty: 0, total: 4 } },
      chase: { target: 150, need: 47, ballsLeft: 26 },
      ...extra,
    },
  });
  const line = (f: WireFrame) => {
    const o = renderFrame(f, CRICKET);
    if (o.kind !== 'line') throw new Error(`not a line: ${o.kind}`);
    return o.text;
  };

  test('a delivery: over.ball, bowler to batter, what happened, the score, the chase', () => {
    const text = line(ballFrame({}));
    expect(text).toMatch(/^ 15\.4  Malinga to Watson +FOUR +CSK 103\/4  need 47 off 26$/);
    expect(line(ballFrame({ runs: { batter: 0, extras: 0, total: 0 }, boundary: undefined }))).toMatch(/Malinga to Watson +no run +CSK/);
    expect(line(ballFrame({ runs: { batter: 6, extras: 0, total: 6 }, boundary: 6 }))).toMatch(/ SIX /);
    expect(line(ballFrame({ runs: { batter: 0, extras: 1, total: 1 }, extras: { wides: 1 }, boundary: undefined, legal: false }))).toMatch(/ wide /);
    expect(line(ballFrame({ runs: { batter: 0, extras: 2, total: 2 }, extras: { legbyes: 2 }, boundary: undefined }))).toMatch(/ 2 leg byes /);
    expect(line(ballFrame({ runs: { batter: 1, extras: 1, total: 2 }, extras: { noballs: 1 }, boundary: undefined, legal: false }))).toMatch(/ no ball \+ 1 /);
    const out = line(ballFrame({ runs: { batter: 0, extras: 0, total: 0 }, boundary: undefined, wickets: [{ kind: 'lbw', playerOut: 'SN Thakur', fielders: [] }] }));
    expect(out).toMatch(/ OUT +CSK/);
    // first innings: no chase
    expect(line(ballFrame({ ...inn, innings: 1, team: 'Mumbai Indians', chase: undefined }))).toMatch(/FOUR +MI 103\/4$/);
  });

  test('a wicket, an over, an innings, a milestone, the result', () => {
    const wicket: WireFrame = {
      seq: 34, t: 1_110_000, type: 'wicket',
      data: {
        ...inn, innings: 1, team: 'Mumbai Indians', ball: '4.5',
        wicket: { kind: 'caught', playerOut: 'Q de Kock', fielders: ['MS Dhoni'], bowler: 'SN Thakur' },
        batter: { name: 'Q de Kock', runs: 29, balls: 17, fours: 0, sixes: 4, out: true, howOut: 'caught' },
        fall: { wicket: 1, runs: 45, overs: '4.5' }, partnership: { runs: 45, balls: 29 },
      },
    };
    expect(line(wicket)).toBe('      ✖ WICKET  de Kock c Dhoni b Thakur 29 (17) · fall 1-45 (4.5 ov) · partnership 45 (29)');
    const over: WireFrame = {
      seq: 150, t: 4_800_000, type: 'over',
      data: {
        ...inn, innings: 1, team: 'Mumbai Indians', over: 20, bowler: 'DJ Bravo', runs: 9, wickets: 1, maiden: false,
        balls: ['.', '.', '.', '1W', '4', '4'], score: { runs: 149, wickets: 8, overs: '20.0' },
        bowlerLine: { name: 'DJ Bravo', overs: '3.0', maidens: 0, runs: 24, wickets: 0, wides: 1, noballs: 0 },
      },
    };
    expect(line(over)).toBe('      ── end of over 20 · Bravo 3-0-24-0 · 9 runs, 1 wkt · . . . 1W 4 4 · MI 149/8');
    const innings: WireFrame = { seq: 304, t: 10_230_000, type: 'innings', data: { ...inn, runs: 148, wickets: 7, overs: '20.0', target: 150, summary: 'Chennai Super Kings 148/7 (20.0 ov)' } };
    expect(line(innings)).toBe('══ end of innings: Chennai Super Kings 148/7 (20.0 ov) · target 150');
    const milestone: WireFrame = { seq: 269, t: 9_210_000, type: 'milestone', data: { ...inn, milestone: 'fifty', player: 'SR Watson', runs: 50, balls: 44, text: 'SR Watson reaches 50 off 44 balls' } };
    expect(line(milestone)).toBe('      ★ SR Watson reaches 50 off 44 balls');
    const match: WireFrame = { seq: 305, t: 10_230_000, type: 'match', data: { result: 'Mumbai Indians won by 1 run', winner: 'Mumbai Indians', playerOfMatch: ['JJ Bumrah'], innings: [] } };
    expect(line(match)).toBe('🏆 Mumbai Indians won by 1 run · player of the match: JJ Bumrah');
  });

  test('names, teams, dismissals; control characters never reach the terminal', () => {
    expect(line(ballFrame({ batter: 'X\u001b[2JY' }))).not.toContain('\u001b');
  });

  test('data that does not fit prints as JSON; every frame of the real final prints one line', () => {
    expect(formatCricket({ seq: 1, t: 0, type: 'ball', data: { nope: 1 } })).toBeNull();
    expect(line({ seq: 1, t: 0, type: 'ball', data: { nope: 1 } })).toBe('{"seq":1,"t":0,"type":"ball","data":{"nope":1}}');
    const frames = convertCricsheet(readFileSync(`${__dirname}/../../../samples/cricket/ipl-2019-final-1181768.json`, 'utf8'), { fileName: 'ipl-2019-final-1181768.json' }).frames;
    const lines = frames.map((f) => formatCricket(f));
    expect(lines.every((l) => l !== null && !l.startsWith('{'))).toBe(true);
    expect(lines.filter((l) => l!.includes('✖ WICKET'))).toHaveLength(15);
    expect(lines.filter((l) => l!.includes('── end of over'))).toHaveLength(40);
    expect(lines[lines.length - 1]).toBe('🏆 Mumbai Indians won by 1 run · player of the match: JJ Bumrah');
  });
});
