/**
 * The cricket view of `npm run watch` (kinds/cricket/watch.ts): state → scorecards (both
 * innings, target, required rate, result), frames → the scorers' lines, and a late joiner's
 * view equal to a viewer's from the first ball. Data: the IPL 2019 final
 * (samples/cricket/ipl-2019-final-1181768.json, Cricsheet, ODC-BY): Mumbai Indians 149/8
 * beat Chennai Super Kings 148/7 by 1 run.
 */
import { stateAt } from '../../kinds';
import { cricket } from '../../kinds/cricket';
import { cricketFrameLine, cricketWatch, renderCricket } from '../../kinds/cricket/watch';
import { sample } from './samples';

const rec = () => sample('ipl-2019-final-1181768');

test('during the chase: both innings, the batters in, the bowler, target, runs needed, required rate', async () => {
  const r = rec();
  const S = 250;
  const s = await stateAt(cricket, r.header, r.frames, S);
  const lines = renderCricket(s);
  expect(lines[0]).toBe('  1st innings  Mumbai Indians 149/8 (20.0 ov) · extras 3');
  expect(lines[1]).toMatch(/^ {2}2nd innings {2}Chennai Super Kings \d+\/\d \(\d+\.\d ov\) · extras \d+ · target 150 · in progress$/);
  expect(lines.some((l) => / \*\s+\d+ \(\d+\)/.test(l))).toBe(true); // the striker
  const rates = lines.find((l) => l.includes('required rate'))!;
  expect(rates).toMatch(/^ {2}need \d+ off \d+ balls · target 150 · required rate \d+\.\d\d · run rate \d+\.\d\d$/);
  expect(rates).toContain(`need ${s.chase!.need} off ${s.chase!.ballsLeft} balls`);
});

test('the end: both totals and the result', async () => {
  const r = rec();
  const lines = renderCricket(await stateAt(cricket, r.header, r.frames, r.frames.length));
  expect(lines[0]).toBe('  1st innings  Mumbai Indians 149/8 (20.0 ov) · extras 3');
  expect(lines[1]).toMatch(/^ {2}2nd innings {2}Chennai Super Kings 148\/7 \(20\.0 ov\) · extras \d+ · target 150$/);
  expect(lines[lines.length - 1]).toBe('  result: Mumbai Indians won by 1 run · player of the match: JJ Bumrah');
});

test('one line per frame in the scorers\' notation', () => {
  const lines = rec().frames.map((f) => cricketFrameLine(f));
  expect(lines.every((l) => l !== null)).toBe(true);
  expect(lines.filter((l) => l!.includes('✖ WICKET'))).toHaveLength(15);
  expect(lines.filter((l) => l!.includes('── end of over'))).toHaveLength(40);
  expect(lines.find((l) => /^ {2}0\.1 /.test(l!))).toMatch(/^ {2}0\.1 {2}\S.* to .* MI \d+\/\d$/);
  expect(lines.find((l) => l!.startsWith('══ end of innings'))).toBe('══ end of innings: Mumbai Indians 149/8 (20.0 ov)');
  expect(lines[lines.length - 1]).toBe('🏆 Mumbai Indians won by 1 run · player of the match: JJ Bumrah');
});

test('a late joiner sees what a viewer from the first ball sees', async () => {
  const r = rec();
  const S = 180;
  const fromStart = cricketWatch.view(cricket.snapshot(cricket.initialState(r.header)));
  const all = await fromStart.apply(r.frames.slice(0, 260));
  const late = cricketWatch.view(cricket.snapshot(await stateAt(cricket, r.header, r.frames, S)));
  expect(await late.apply(r.frames.slice(S, 260))).toEqual(all.slice(S));
  expect(await late.lines()).toEqual(await fromStart.lines());
});

test('before the first ball', () => {
  expect(renderCricket(cricket.initialState(rec().header))).toEqual(['  Mumbai Indians v Chennai Super Kings: no ball bowled yet']);
});
