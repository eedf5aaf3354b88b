import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import type { WireFrame } from '../../protocol/messages';
import {
  BallFrameData,
  CRICSHEET_ATTRIBUTION,
  InningsFrameData,
  MatchFrameData,
  MilestoneFrameData,
  OverFrameData,
  WicketFrameData,
  convertCricsheet,
  resultText,
} from '../../convert/cricket';
import { ConvertError, MAX_FRAME_LINE_BYTES, frameLineBytes } from '../../convert/errors';
import { parseRecording, serializeRecording } from '../../protocol/recording';
import { thrown } from '../support/throws';

const SAMPLES = join(__dirname, '../../samples/cricket');
const FIXTURES = join(__dirname, '../fixtures');
const FILES = readdirSync(SAMPLES).filter((f) => f.endsWith('.json')).sort();
const text = (f: string) => readFileSync(join(SAMPLES, f), 'utf8');

/** Innings totals computed straight from the cricsheet data, independently of the converter. */
function totals(doc: any) {
  return doc.innings.map((inn: any) => {
    const ds = inn.overs.flatMap((o: any) => o.deliveries);
    const legal = ds.filter((d: any) => !d.extras?.wides && !d.extras?.noballs).length;
    return {
      team: inn.team,
      runs: ds.reduce((a: number, d: any) => a + d.runs.total, 0),
      wickets: ds.flatMap((d: any) => d.wickets ?? []).filter((w: any) => !/^retired (hurt|not out)$/.test(w.kind)).length,
      overs: `${Math.floor(legal / 6)}.${legal % 6}`,
      deliveries: ds.length,
      completeOvers: inn.overs.filter((o: any) => o.deliveries.filter((d: any) => !d.extras?.wides && !d.extras?.noballs).length >= 6).length,
    };
  });
}
const of = <T>(frames: WireFrame[], type: string) => frames.filter((f) => f.type === type).map((f) => f.data as T);

const errorOf = (fn: () => unknown): ConvertError => thrown(fn, ConvertError);

describe('convertCricsheet on every real match', () => {
  it('has the four samples', () => {
    expect(FILES.length).toBe(4);
  });

  it.each(FILES)('%s: valid matchcast/1 whose scores match the data', (file) => {
    const src = text(file);
    const doc = JSON.parse(src);
    const want = totals(doc);
    const { header, frames } = convertCricsheet(src, { fileName: file });

    const back = parseRecording(serializeRecording(header, frames));
    expect(back.frames).toEqual(frames);
    expect(header).toMatchObject({ kind: 'cricket', participants: doc.info.teams, gameId: file.replace(/\.json$/, '') });
    expect(header.meta).toMatchObject({ attribution: CRICSHEET_ATTRIBUTION, venue: doc.info.venue, dates: doc.info.dates, toss: doc.info.toss, outcome: doc.info.outcome });
    expect(CRICSHEET_ATTRIBUTION).toBe('Cricsheet (cricsheet.org), ODC-BY');
    frames.forEach((f, i) => {
      expect(f.seq).toBe(i);
      if (i > 0) expect(f.t).toBeGreaterThanOrEqual(frames[i - 1].t);
      expect(frameLineBytes(f)).toBeLessThanOrEqual(MAX_FRAME_LINE_BYTES);
    });

    // One 'ball' per delivery (wides and no-balls included).
    expect(of<BallFrameData>(frames, 'ball').length).toBe(want.reduce((a: number, w: any) => a + w.deliveries, 0));
    // Innings totals.
    const innings = of<InningsFrameData>(frames, 'innings');
    expect(innings.map((i) => ({ team: i.team, runs: i.runs, wickets: i.wickets, overs: i.overs }))).toEqual(
      want.map((w: any) => ({ team: w.team, runs: w.runs, wickets: w.wickets, overs: w.overs })),
    );
    // Scorecard consistency: batters + extras = total; bowlers + byes + leg byes + penalty = total.
    for (const i of innings) {
      expect(i.batting.reduce((a, b) => a + b.runs, 0) + i.extras.total).toBe(i.runs);
      expect(i.bowling.reduce((a, b) => a + b.runs, 0) + i.extras.byes + i.extras.legbyes + i.extras.penalty).toBe(i.runs);
      expect(i.bowling.reduce((a, b) => a + b.wickets, 0)).toBeLessThanOrEqual(i.wickets);
      expect(i.batting.filter((b) => b.out).length).toBeGreaterThanOrEqual(i.wickets);
    }
    expect(of<OverFrameData>(frames, 'over').length).toBe(want.reduce((a: number, w: any) => a + w.completeOvers, 0));
    expect(of<WicketFrameData>(frames, 'wicket').length).toBe(want.reduce((a: number, w: any) => a + w.wickets, 0));
    // The last frame is the match result, at the last ball's t.
    const last = frames[frames.length - 1];
    expect(last.type).toBe('match');
    expect((last.data as MatchFrameData).result).toBe(resultText(doc.info.outcome));
    expect(last.t).toBe(header.durationMs);
    const balls = frames.filter((f) => f.type === 'ball');
    expect(last.t).toBe(balls[balls.length - 1].t);
  });

  it('IPL 2019 final: Mumbai Indians 149/8 beat Chennai Super Kings 148/7 by 1 run', () => {
    const { header, frames } = convertCricsheet(text('ipl-2019-final-1181768.json'), { fileName: 'ipl-2019-final-1181768.json' });
    expect(header.title).toBe('IPL 2019 final: Mumbai Indians v Chennai Super Kings');
    expect(header.participants).toEqual(['Mumbai Indians', 'Chennai Super Kings']);
    expect(header.meta).toMatchObject({ venue: 'Rajiv Gandhi International Stadium', dataVersion: '1.0.0', playerOfMatch: ['JJ Bumrah'] });
    expect(of<InningsFrameData>(frames, 'innings').map((i) => i.summary)).toEqual([
      'Mumbai Indians 149/8 (20.0 ov)',
      'Chennai Super Kings 148/7 (20.0 ov)',
    ]);
    const match = frames[frames.length - 1];
    expect(match.type).toBe('match');
    expect(match.data).toMatchObject({ result: 'Mumbai Indians won by 1 run', winner: 'Mumbai Indians' });
    // The last ball: Malinga traps Shardul Thakur lbw with 2 needed — ball, wicket, over, innings, match at one t.
    const tail = frames.slice(-5);
    expect(tail.map((f) => f.type)).toEqual(['ball', 'wicket', 'over', 'innings', 'match']);
    expect(new Set(tail.map((f) => f.t)).size).toBe(1);
    const lastBall = tail[0].data as BallFrameData;
    expect(lastBall).toMatchObject({ ball: '19.6', bowler: 'SL Malinga', batter: 'SN Thakur', chase: { target: 150, need: 2, ballsLeft: 0 } });
    expect(tail[1].data).toMatchObject({ wicket: { kind: 'lbw', playerOut: 'SN Thakur', bowler: 'SL Malinga' }, fall: { wicket: 7, runs: 148, overs: '20.0' } });
    // Watson's fifty is a milestone; he was run out for 80.
    const m = of<MilestoneFrameData>(frames, 'milestone');
    expect(m).toEqual([expect.objectContaining({ milestone: 'fifty', player: 'SR Watson', team: 'Chennai Super Kings', runs: 50 })]);
    const watson = of<InningsFrameData>(frames, 'innings')[1].batting.find((b) => b.name === 'SR Watson');
    expect(watson).toMatchObject({ runs: 80, out: true, howOut: 'run out' });
  });

  it('IPL 2020 match 36: six innings, two tied super overs, Kings XI Punjab win', () => {
    const { header, frames } = convertCricsheet(text('ipl-2020-super-overs-1216517.json'), { fileName: 'ipl-2020-super-overs-1216517.json' });
    expect(header.title).toBe('IPL 2020 match 36: Mumbai Indians v Kings XI Punjab');
    const innings = of<InningsFrameData>(frames, 'innings');
    expect(innings.map((i) => [i.summary, i.superOver, i.target])).toEqual([
      ['Mumbai Indians 176/6 (20.0 ov)', false, undefined],
      ['Kings XI Punjab 176/6 (20.0 ov)', false, 177],
      ['Kings XI Punjab 5/2 (1.0 ov)', true, undefined],
      ['Mumbai Indians 5/1 (1.0 ov)', true, 6],
      ['Mumbai Indians 11/1 (1.0 ov)', true, undefined],
      ['Kings XI Punjab 15/0 (0.4 ov)', true, 12],
    ]);
    expect(frames[frames.length - 1].data).toMatchObject({ result: 'Match tied; Kings XI Punjab won the super over', winner: 'Kings XI Punjab' });
    const lastBall = of<BallFrameData>(frames, 'ball').pop() as BallFrameData;
    expect(lastBall).toMatchObject({ innings: 6, superOver: true, chase: { target: 12, need: 0, ballsLeft: 2 } });
    // The super-over innings with two wickets ends the innings (all out in a super over).
    expect(of<WicketFrameData>(frames, 'wicket').filter((w) => w.innings === 3).length).toBe(2);
  });

  it('IPL 2025 LSG v KKR: 1.1.0 target, result by 4 runs, fifties', () => {
    const { header, frames } = convertCricsheet(text('1473456_IPL2025_LSG-v-KKR.json'), { fileName: '1473456_IPL2025_LSG-v-KKR.json' });
    expect(header.title).toBe('IPL 2025 match 21: Lucknow Super Giants v Kolkata Knight Riders');
    expect(header.meta.dataVersion).toBe('1.1.0');
    expect(frames[frames.length - 1].data).toMatchObject({ result: 'Lucknow Super Giants won by 4 runs' });
    const innings = of<InningsFrameData>(frames, 'innings');
    expect(innings.map((i) => i.summary)).toEqual(['Lucknow Super Giants 238/3 (20.0 ov)', 'Kolkata Knight Riders 234/7 (20.0 ov)']);
    expect(innings[1].target).toBe(239);
    expect(of<MilestoneFrameData>(frames, 'milestone').map((m) => m.player)).toEqual(['MR Marsh', 'N Pooran', 'AM Rahane']);
  });

  it("Uganda v Namibia women's T20I: Uganda won by 2 runs", () => {
    const { frames } = convertCricsheet(text('1479929_T20I-women_Uganda-v-Namibia.json'), { fileName: 'u.json' });
    expect(of<InningsFrameData>(frames, 'innings').map((i) => i.summary)).toEqual(['Uganda 98/5 (20.0 ov)', 'Namibia 96/6 (20.0 ov)']);
    expect(frames[frames.length - 1].data).toMatchObject({ result: 'Uganda won by 2 runs', winner: 'Uganda' });
    // Run outs name both fielders and are not credited to the bowler.
    const runOut = of<WicketFrameData>(frames, 'wicket').find((w) => w.wicket.playerOut === 'B Manuel');
    expect(runOut?.wicket).toEqual({ kind: 'run out', playerOut: 'B Manuel', fielders: ['PE Kulume', 'K Awino'] });
  });

  it('the replay clock: ball spacing, over break, innings break (defaults and options)', () => {
    const src = text('ipl-2019-final-1181768.json');
    for (const opts of [{}, { ballSpacingMs: 1000, overBreakMs: 5000, inningsBreakMs: 60_000 }]) {
      const ball = opts.ballSpacingMs ?? 30_000;
      const over = opts.overBreakMs ?? 60_000;
      const inn = opts.inningsBreakMs ?? 600_000;
      const { header, frames } = convertCricsheet(src, { fileName: 'x.json', ...opts });
      expect(header.meta.clock).toMatchObject({ ballSpacingMs: ball, overBreakMs: over, inningsBreakMs: inn });
      const balls = frames.filter((f) => f.type === 'ball');
      expect(balls[0].t).toBe(0);
      for (let i = 1; i < balls.length; i++) {
        const a = balls[i - 1].data as BallFrameData;
        const b = balls[i].data as BallFrameData;
        const gap = balls[i].t - balls[i - 1].t;
        if (a.innings !== b.innings) expect(gap).toBe(inn);
        else if (a.ball.split('.')[0] !== b.ball.split('.')[0]) expect(gap).toBe(ball + over);
        else expect(gap).toBe(ball);
      }
      // 247 deliveries, 38 over changes inside innings, one innings break.
      expect(header.durationMs).toBe(245 * ball + 38 * over + inn);
    }
  });
});

describe('convertCricsheet on the synthetic fixture', () => {
  const { header, frames } = convertCricsheet(readFileSync(join(FIXTURES, 'cricket/synthetic-hat-trick.json'), 'utf8'), {
    fileName: 'synthetic-hat-trick.json',
  });

  it('a hat-trick through a wide, a retired hurt that is not a wicket, the all-run four', () => {
    expect(header.title).toBe('Synthetic Cup 2025 final: Ayes v Bees');
    const hat = of<MilestoneFrameData>(frames, 'milestone').filter((m) => m.milestone === 'hat-trick');
    expect(hat).toEqual([expect.objectContaining({ player: 'P Bowler', victims: ['A2', 'A3', 'A4'], innings: 1 })]);
    const seq = frames.findIndex((f) => f.type === 'milestone');
    expect(frames.slice(seq - 2, seq + 1).map((f) => f.type)).toEqual(['ball', 'wicket', 'milestone']);
    expect((frames[seq - 2].data as BallFrameData).ball).toBe('0.5');

    const inn1 = of<InningsFrameData>(frames, 'innings')[0];
    expect(inn1).toMatchObject({ runs: 24, wickets: 4, overs: '2.0', extras: { wides: 1, noballs: 1, legbyes: 2, byes: 0, total: 4 } });
    expect(inn1.batting.find((b) => b.name === 'A1')).toMatchObject({ out: true, howOut: 'retired hurt', runs: 2 });
    expect(inn1.batting.find((b) => b.name === 'A5')).toMatchObject({ runs: 4, fours: 0 });
    expect(inn1.batting.find((b) => b.name === 'A6')).toMatchObject({ runs: 10, balls: 4, fours: 1, sixes: 1 });
    expect(inn1.bowling).toEqual([
      { name: 'P Bowler', overs: '1.0', maidens: 0, runs: 10, wickets: 3, wides: 1, noballs: 0 },
      { name: 'R Other', overs: '1.0', maidens: 0, runs: 12, wickets: 0, wides: 0, noballs: 1 },
    ]);
    expect(of<WicketFrameData>(frames, 'wicket').map((w) => [w.wicket.playerOut, w.fall.wicket, w.partnership.runs])).toEqual([
      ['A2', 1, 5],
      ['A3', 2, 1],
      ['A4', 3, 0],
      ['A5', 4, 5],
    ]);
    const overs = of<OverFrameData>(frames, 'over');
    expect(overs[0]).toMatchObject({ over: 1, bowler: 'P Bowler', runs: 10, wickets: 3, balls: ['1', '4', 'W', '1wd', 'W', 'W', '4'] });
    expect(overs[1].balls).toEqual(['1W', 'W', '2lb', '5nb', '6', '.', '.']);
    expect(overs[1].wickets).toBe(1);
  });

  it('the chase: a maiden-with-byes over, target, need, an unfinished last over', () => {
    const overs = of<OverFrameData>(frames, 'over').filter((o) => o.innings === 2);
    expect(overs).toEqual([expect.objectContaining({ over: 1, maiden: true, runs: 1, balls: ['.', '.', '.', '.', '.', '1b'] })]);
    const last = of<BallFrameData>(frames, 'ball').pop() as BallFrameData;
    expect(last).toMatchObject({ ball: '1.5', score: { runs: 31, wickets: 0, overs: '1.5' }, chase: { target: 25, need: 0, ballsLeft: 1 } });
    expect(frames.slice(-2).map((f) => f.type)).toEqual(['innings', 'match']);
    expect(frames[frames.length - 1].data).toMatchObject({ result: 'Bees won by 10 wickets', playerOfMatch: ['B2'] });
    serializeRecording(header, frames);
  });
});

describe('resultText', () => {
  it.each([
    [{ winner: 'A', by: { runs: 1 } }, 'A won by 1 run'],
    [{ winner: 'A', by: { wickets: 3 }, method: 'D/L' }, 'A won by 3 wickets (D/L method)'],
    [{ winner: 'A', by: { innings: 1, runs: 12 } }, 'A won by an innings and 12 runs'],
    [{ result: 'tie', eliminator: 'B' }, 'Match tied; B won the super over'],
    [{ result: 'tie', bowl_out: 'B' }, 'Match tied; B won the bowl-out'],
    [{ result: 'no result' }, 'No result'],
    [{ result: 'draw' }, 'Match drawn'],
    [{}, 'Result unknown'],
  ])('%j → %s', (outcome, want) => {
    expect(resultText(outcome)).toBe(want);
  });
});

describe('convertCricsheet on broken files', () => {
  const broken = (f: string) => readFileSync(join(FIXTURES, 'broken', f), 'utf8');

  it('a truncated file names the line where the input ends', () => {
    const src = broken('truncated.cricket.json');
    const e = errorOf(() => convertCricsheet(src, { fileName: 't.json' }));
    expect(e.line).toBe(src.split('\n').length);
    expect(e.line).toBe(188);
    expect(e.message).toMatch(/^line 188: not valid JSON at column \d+ \(/);
  });

  it('a syntax error mid-file names its line and column', () => {
    const src = text('ipl-2019-final-1181768.json').split('\n');
    const at = src.findIndex((l) => l.includes('"non_striker"'));
    src[at] = src[at].replace('"non_striker":', '"non_striker" ');
    const e = errorOf(() => convertCricsheet(src.join('\n'), { fileName: 't.json' }));
    expect(e.line).toBe(at + 1);
  });

  it('an unknown data_version', () => {
    const e = errorOf(() => convertCricsheet(broken('unknown-data-version.cricket.json'), { fileName: 't.json' }));
    expect(e.message).toBe('unknown cricsheet data_version "2.0.0" (supported: 1.0.0, 1.1.0)');
  });

  it('a missing field names its path; bad clock options', () => {
    const doc = JSON.parse(text('ipl-2019-final-1181768.json'));
    delete doc.innings[1].overs[3].deliveries[2].runs.total;
    const e = errorOf(() => convertCricsheet(JSON.stringify(doc), { fileName: 't.json' }));
    expect(e.message).toBe('innings[1].overs[3].deliveries[2].runs.total: expected a non-negative integer, got null');
    expect(errorOf(() => convertCricsheet(text('ipl-2019-final-1181768.json'), { fileName: 't.json', ballSpacingMs: -1 })).message).toMatch(
      /ballSpacingMs must be a non-negative integer/,
    );
  });
});
