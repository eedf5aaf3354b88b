/**
 * The cricket web view's model (web/src/kinds/cricket/model.ts) on the IPL 2019 final
 * (samples/cricket, Cricsheet) folded by the shared reducer (kinds/cricket): MI 149/8 beat
 * CSK 148/7 by 1 run.
 */
import { cricket, type CricketState } from '../../kinds/cricket';
import { stateAt } from '../../kinds/keyframes';
import { FoldedState } from '../../web/src/kinds/fold';
import { bowlingFigures, chip, feedLine, formatRate, scoreBug, scorecards } from '../../web/src/kinds/cricket/model';
import { sample } from '../kinds/samples';

const FINAL = sample('ipl-2019-final-1181768');
const at = (seq: number) => stateAt(cricket, FINAL.header, FINAL.frames, seq) as Promise<CricketState>;
/** The seq of the first ball of the second innings. */
const chaseStart = FINAL.frames.findIndex((f) => f.type === 'ball' && (f.data as { innings: number }).innings === 2);

describe('cricket model from the state', () => {
  it('at the end: both innings cards, the result', async () => {
    const s = await at(FINAL.frames.length);
    const cards = scorecards(s);
    expect(cards.map((c) => c.summary)).toEqual(['Mumbai Indians 149/8 (20.0 ov)', 'Chennai Super Kings 148/7 (20.0 ov)']);
    expect(cards[0]!.batting.length).toBeGreaterThanOrEqual(9);
    expect(cards[0]!.bowling.length).toBeGreaterThanOrEqual(5);
    expect(cards[0]!.fallOfWickets).toMatch(/^Fall of wickets: 1-45 /);
    expect(cards[1]!.target).toBe('Target 150');
    expect(cards[0]!.extras).toMatch(/^Extras \d+ \(wd \d+, nb \d+, b \d+, lb \d+\)$/);
    const bug = scoreBug(s)!;
    expect(bug.badge).toBe('Mumbai Indians won by 1 run');
    expect(bug.score).toBe('148/7');
    expect(bug.context).toMatch(/^MI 149\/8 \(20\.0\)  ·  Target 150$/);
  });

  it('in the chase: the first innings card, the target, the required rate', async () => {
    const s = await at(chaseStart + 60);
    const cards = scorecards(s);
    expect(cards).toHaveLength(2);
    expect(cards[0]!.complete).toBe(true);
    expect(cards[1]!.complete).toBe(false);
    expect(cards[1]!.batting.filter((b) => b.howOut === 'batting').length).toBeGreaterThanOrEqual(1);
    expect(cards[1]!.batting.filter((b) => b.onStrike)).toHaveLength(1);
    expect(cards[1]!.partnership).toMatch(/^Partnership \d+ \(\d+\)$/);
    const bug = scoreBug(s)!;
    expect(bug.team).toBe('Chennai Super Kings');
    expect(bug.badge).toMatch(/^CSK need \d+ runs? from \d+ balls?$/);
    expect(bug.context).toMatch(/Target 150  ·  CRR \d+\.\d\d  ·  RRR \d+\.\d\d$/);
    expect(bug.context).toContain(`RRR ${formatRate(s.chase!.requiredRate)}`);
  });

  it('before the first ball there is no score bug', async () => {
    expect(scoreBug(await at(0))).toBeNull();
    expect(scorecards(await at(0))).toEqual([]);
  });

  it('chips and figures', () => {
    expect(chip('.')).toEqual({ label: '•', kind: 'dot', aria: 'dot ball' });
    expect(chip('W').kind).toBe('wicket');
    expect(chip('1W')).toMatchObject({ label: 'W+1', kind: 'wicket' });
    expect(chip('4').kind).toBe('four');
    expect(chip('6').kind).toBe('six');
    expect(chip('1wd')).toMatchObject({ kind: 'extra', aria: '1 wide' });
    expect(chip('2lb')).toMatchObject({ kind: 'extra', aria: '2 leg byes' });
    expect(bowlingFigures({ name: 'x', overs: '4.0', maidens: 0, runs: 24, wickets: 2, wides: 0, noballs: 0 })).toBe('4-0-24-2');
  });

  it('feed lines for every frame type; none for a frame the schema refuses', () => {
    const types = new Set<string>();
    for (const f of FINAL.frames) {
      const l = feedLine(f);
      expect(l).not.toBeNull();
      types.add(l!.tone);
    }
    expect([...types].sort()).toEqual(expect.arrayContaining(['ball', 'boundary', 'innings', 'match', 'over', 'wicket']));
    expect(feedLine({ seq: 1, t: 0, type: 'ball', data: { nope: true } })).toBeNull();
    const result = FINAL.frames.find((f) => f.type === 'match')!;
    expect(feedLine(result)!.text).toMatch(/^Mumbai Indians won by 1 run/);
  });

  it('a snapshot mid-chase plus the frames after it equals the fold from frame 0', async () => {
    const S = chaseStart + 30;
    const f = new FoldedState(cricket, () => cricket.initialState(FINAL.header));
    f.reset({ seq: S, state: cricket.snapshot(await at(S)) }, FINAL.frames.slice(S, S + 40));
    expect(f.state).toEqual(await at(S + 40));
    expect(scorecards(f.state)).toEqual(scorecards(await at(S + 40)));
  });
});
