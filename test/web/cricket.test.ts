/**
 * The browser's cricket model: frames from the real cricsheet converter on the IPL 2019 final
 * sample (Mumbai Indians 149/8 beat Chennai Super Kings 148/7 by 1 run), folded whole and
 * from a late join, plus hand-made deliveries for the strip's extras and wickets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WireFrame } from '../../protocol/messages';
import { convertCricsheet } from '../../convert/cricket';
import { ballChip, ballOutcome, describeEvent } from '../../web/src/cricket/describe';
import { oversToBalls, toCricketEvent, type BallEvent } from '../../web/src/cricket/frame';
import { bowlingFigures, foldFrames, formatRate } from '../../web/src/cricket/model';

const FINAL = convertCricsheet(readFileSync(join(__dirname, '../../samples/cricket/ipl-2019-final-1181768.json'), 'utf8'), {
  fileName: 'ipl-2019-final-1181768.json',
}).frames;

const inningsTwoStart = FINAL.findIndex((f) => (f.data as { innings?: number }).innings === 2);

function ball(seq: number, over: string, extra: Record<string, unknown> = {}): WireFrame {
  const data = {
    innings: 1, team: 'India', bowlingTeam: 'Australia', superOver: false, ball: over, batter: 'V Kohli', nonStriker: 'RG Sharma', bowler: 'PJ Cummins',
    runs: { batter: 0, extras: 0, total: 0 }, legal: true,
    score: { runs: 10, wickets: 0, overs: over, extras: { wides: 0, noballs: 0, byes: 0, legbyes: 0, penalty: 0, total: 0 } },
    striker: { name: 'V Kohli', runs: 6, balls: 5, fours: 1, sixes: 0, out: false },
    nonStrikerLine: { name: 'RG Sharma', runs: 4, balls: 3, fours: 0, sixes: 0, out: false },
    bowlerLine: { name: 'PJ Cummins', overs: over, maidens: 0, runs: 10, wickets: 0, wides: 0, noballs: 0 },
    ...extra,
  };
  return { seq, t: seq * 30_000, type: 'ball', data };
}

describe('toCricketEvent (the adapter)', () => {
  it('reads every frame type the converter writes', () => {
    const types = new Set(FINAL.map((f) => toCricketEvent(f)?.type));
    expect([...types].sort()).toEqual(['ball', 'innings', 'match', 'milestone', 'over', 'wicket']);
  });
  it('skips other frames and data that does not fit, never throws', () => {
    expect(toCricketEvent({ seq: 0, t: 0, type: 'o', data: 'text' })).toBeNull();
    expect(toCricketEvent({ seq: 0, t: 0, type: 'ball', data: null })).toBeNull();
    expect(toCricketEvent({ seq: 0, t: 0, type: 'ball', data: { innings: 1, score: { runs: 'x' } } })).toBeNull();
    expect(toCricketEvent({ seq: 0, t: 0, type: 'wicket', data: { innings: 1 } })).toBeNull();
  });
  it('overs to legal balls', () => {
    expect(oversToBalls('19.4')).toBe(118);
    expect(oversToBalls('x')).toBeNull();
  });
});

describe('foldFrames on the whole IPL 2019 final', () => {
  const v = foldFrames(FINAL);
  it('ends on the chase: CSK 148/7 in 20 overs, the result, both innings', () => {
    const c = v.current!;
    expect(c).toMatchObject({ innings: 2, team: 'Chennai Super Kings', runs: 148, wickets: 7, overs: '20.0', complete: true });
    expect(v.result).toBe('Mumbai Indians won by 1 run');
    expect(v.winner).toBe('Mumbai Indians');
    expect(v.previous).toEqual([{ innings: 1, team: 'Mumbai Indians', superOver: false, runs: 149, wickets: 8, overs: '20.0' }]);
    expect(c.chase).toMatchObject({ target: 150, need: 2, ballsLeft: 0, requiredRate: null });
    expect(c.runRate).toBeCloseTo(7.4, 5);
    expect(v.ballsSeen).toBe(247);
  });
  it('fall of wickets and the bowling card of the second innings', () => {
    const c = v.current!;
    expect(c.fallOfWickets).toHaveLength(7);
    expect(c.fallOfWickets.map((f) => f.wicket)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(c.fallOfWickets[6]!.runs).toBeLessThanOrEqual(148);
    // the innings frame brings the full card: Bumrah's 4-0-14-2
    const bumrah = c.bowlers.find((b) => b.name === 'JJ Bumrah')!;
    expect(bowlingFigures(bumrah)).toBe('4-0-14-2');
    expect(c.recent).toHaveLength(6);
    // the last delivery: Malinga traps Thakur lbw, 2 needed
    expect(c.recent[5]!.kind).toBe('wicket');
    expect(v.feed[v.feed.length - 1]!.tone).toBe('match');
  });
});

describe('foldFrames from a late join (mid chase)', () => {
  const from = inningsTwoStart + 60;
  const v = foldFrames(FINAL.slice(from));
  const firstBall = FINAL.slice(from).find((f) => f.type === 'ball')!;
  it('takes the running score from the first ball seen and infers the first innings from the target', () => {
    expect(v.previous).toEqual([{ innings: 1, team: 'Mumbai Indians', superOver: false, runs: 149, wickets: 8, overs: '20.0' }]);
    const partial = foldFrames(FINAL.slice(from, from + 3).filter((f) => f.type === 'ball'));
    const d = firstBall.data as { score: { runs: number; wickets: number } };
    expect(partial.current).toMatchObject({ innings: 2, wickets: expect.any(Number) });
    expect(partial.current!.runs).toBeGreaterThanOrEqual(d.score.runs);
    expect(partial.previous).toEqual([{ innings: 1, team: 'Mumbai Indians', superOver: false, runs: 149, wickets: null, overs: null }]);
    const chase = partial.current!.chase!;
    expect(chase.target).toBe(150);
    expect(chase.requiredRate).toBeCloseTo((6 * chase.need) / chase.ballsLeft!, 6);
  });
});

describe('the current innings, from hand-made deliveries', () => {
  it('recent strip: dots, runs, boundaries, extras and wickets; keeps the last six', () => {
    const frames = [
      ball(0, '0.1'),
      ball(1, '0.2', { runs: { batter: 4, extras: 0, total: 4 }, boundary: 4 }),
      ball(2, '0.3', { runs: { batter: 0, extras: 1, total: 1 }, extras: { wides: 1 }, legal: false }),
      ball(3, '0.3', { runs: { batter: 6, extras: 0, total: 6 }, boundary: 6 }),
      ball(4, '0.4', { runs: { batter: 0, extras: 2, total: 2 }, extras: { legbyes: 2 } }),
      ball(5, '0.5', { runs: { batter: 1, extras: 0, total: 1 } }),
      ball(6, '0.6', {
        wickets: [{ kind: 'caught', playerOut: 'V Kohli', fielders: ['SPD Smith'], bowler: 'PJ Cummins' }],
        striker: { name: 'V Kohli', runs: 6, balls: 6, fours: 1, sixes: 0, out: true, howOut: 'caught' },
        score: { runs: 24, wickets: 1, overs: '1.0', extras: { wides: 1, noballs: 0, byes: 0, legbyes: 2, penalty: 0, total: 3 } },
      }),
    ];
    const v = foldFrames(frames);
    const c = v.current!;
    expect(c.recent.map((r) => r.label)).toEqual(['4', '1wd', '6', '2lb', '1', 'W']);
    expect(c.recent.map((r) => r.kind)).toEqual(['four', 'extra', 'six', 'extra', 'run', 'wicket']);
    expect(c.batters.map((b) => b.name)).toEqual(['RG Sharma']); // Kohli is out
    expect(c).toMatchObject({ runs: 24, wickets: 1, overs: '1.0' });
    expect(c.extras!.total).toBe(3);
    expect(formatRate(c.runRate)).toBe('24.00');
    expect(c.chase).toBeNull();
  });

  it('a wicket frame records the fall, resets the partnership; a new innings resets the card', () => {
    const wicket: WireFrame = {
      seq: 7, t: 210_000, type: 'wicket',
      data: {
        innings: 1, team: 'India', bowlingTeam: 'Australia', superOver: false, ball: '0.6',
        wicket: { kind: 'caught', playerOut: 'V Kohli', fielders: ['SPD Smith'], bowler: 'PJ Cummins' },
        batter: { name: 'V Kohli', runs: 6, balls: 6, fours: 1, sixes: 0, out: true, howOut: 'caught' },
        fall: { wicket: 1, runs: 24, overs: '1.0' }, partnership: { runs: 24, balls: 6 },
        score: { runs: 24, wickets: 1, overs: '1.0' },
      },
    };
    const v = foldFrames([ball(0, '0.1'), wicket, ball(8, '1.1', { runs: { batter: 2, extras: 0, total: 2 } })]);
    expect(v.current!.fallOfWickets).toEqual([{ wicket: 1, runs: 24, overs: '1.0', batter: 'V Kohli' }]);
    expect(v.current!.partnership).toEqual({ runs: 2, balls: 1 });
    expect(describeEvent(toCricketEvent(wicket)!).text).toBe('Kohli c Smith b Cummins 6 (6) · 24/1');

    const second = ball(20, '0.1', { innings: 2, team: 'Australia', bowlingTeam: 'India', chase: { target: 200, need: 200, ballsLeft: 119 } });
    const v2 = foldFrames([ball(0, '0.1'), wicket, second]);
    expect(v2.current!.innings).toBe(2);
    expect(v2.current!.fallOfWickets).toEqual([]);
    expect(v2.current!.recent).toHaveLength(1);
    expect(v2.current!.chase!.requiredRate).toBeCloseTo(1200 / 119, 6);
    expect(v2.previous.map((p) => p.innings)).toEqual([1]);
  });
});

describe('descriptions', () => {
  const ev = (f: WireFrame) => toCricketEvent(f) as BallEvent;
  it('outcomes and chips', () => {
    expect(ballOutcome(ev(ball(0, '0.1')))).toBe('no run');
    expect(ballChip(ev(ball(0, '0.1'))).label).toBe('•');
    expect(ballOutcome(ev(ball(0, '0.1', { runs: { batter: 4, extras: 0, total: 4 }, boundary: 4 })))).toBe('FOUR');
    expect(ballOutcome(ev(ball(0, '0.1', { runs: { batter: 0, extras: 5, total: 5 }, extras: { wides: 5 }, legal: false })))).toBe('5 wides');
    expect(ballOutcome(ev(ball(0, '0.1', { runs: { batter: 1, extras: 1, total: 2 }, extras: { noballs: 1 }, legal: false })))).toBe('no ball + 1');
    expect(describeEvent(ev(ball(0, '12.3', { runs: { batter: 4, extras: 0, total: 4 }, boundary: 4 })))).toMatchObject({ head: '12.3', text: 'Cummins to Kohli, FOUR', tone: 'boundary' });
  });
});
