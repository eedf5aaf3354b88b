/**
 * The tennis web view's model (web/src/kinds/tennis/model.ts) and the fold it draws from
 * (web/src/kinds/fold.ts), on the samples' Grand Slam finals folded by the shared reducer
 * (kinds/tennis).
 */
import { stateAt } from '../../kinds/keyframes';
import { tennis, type TennisState } from '../../kinds/tennis';
import { FoldedState } from '../../web/src/kinds/fold';
import { courtBadges, type CourtPoint } from '../../web/src/kinds/tennis/court';
import { describePoint, namesFrom, scoreboard, scoreLine, statRows, statsNote } from '../../web/src/kinds/tennis/model';
import { sample } from '../kinds/samples';

/** Wimbledon 2013 women's final: Bartoli beat Lisicki 6-1 6-4 (123 points). */
const FINAL = sample('2013-wimbledon-2701');
/** Wimbledon 2012 men's final: Federer beat Murray 4-6 7-5 6-3 6-4 (288 points). */
const MEN = sample('2012-wimbledon-1701');

const at = (r: typeof FINAL, seq: number) => stateAt(tennis, r.header, r.frames, seq) as Promise<TennisState>;

describe('tennis scoreboard from the state', () => {
  it('at the end: every set, the winner, no current game', async () => {
    const s = await at(FINAL, FINAL.frames.length);
    const sb = scoreboard(s);
    expect(sb.over).toBe(true);
    expect(sb.badge).toBe('Bartoli wins');
    expect(sb.rows[0].sets.map((x) => x.games)).toEqual(['1', '4']);
    expect(sb.rows[1].sets.map((x) => x.games)).toEqual(['6', '6']);
    expect(sb.rows[1].sets.every((x) => x.won)).toBe(true);
    expect(sb.rows[1].points).toBe('✓');
    expect(sb.rows[0].games).toBe('');
  });

  it('mid-match: completed sets, the set in progress, the server and the points of the game', async () => {
    const s = await at(MEN, 200);
    const sb = scoreboard(s);
    const done = s.setsWon[0] + s.setsWon[1];
    expect(done).toBeGreaterThanOrEqual(2);
    expect(sb.rows[0].sets).toHaveLength(done);
    expect(sb.rows[0].sets.map((x) => Number(x.games))).toEqual(s.sets.slice(0, done).map((g) => g[0]));
    expect(sb.set).toBe(done + 1);
    expect(sb.badge).toMatch(new RegExp(`SET ${done + 1}$`));
    expect([sb.rows[0].points, sb.rows[1].points]).toEqual(s.points);
    expect(sb.rows.filter((r) => r.serving)).toHaveLength(1);
    expect(sb.rows[(s.server ?? 1) - 1]!.serving).toBe(true);
  });

  it('a tie-break says so (Australian Open 2012 final, fourth set 7-6)', () => {
    const ao = sample('2012-ausopen-1701');
    let s = tennis.initialState(ao.header);
    let seen = false;
    for (const f of ao.frames) {
      s = tennis.reduce(s, f) as TennisState;
      if (s.tiebreak && !seen) {
        seen = true;
        expect(scoreboard(s).badge).toMatch(/^TIE-BREAK · SET 4$/);
      }
    }
    expect(seen).toBe(true);
  });

  it('stats are the whole match so far, not the points seen', async () => {
    const s = await at(MEN, 200);
    const rows = statRows(s);
    const won = rows.find((r) => r.label === 'Points won')!;
    expect(won.na + won.nb).toBe(200);
    expect(statsNote(s)).toMatch(/^200 points played\./);
    expect(rows.find((r) => r.label === 'Aces')!.a).toBe(String(s.stats[0].aces ?? '–'));
  });

  it('names from participants, else the title', () => {
    expect(namesFrom('x', ['A B', 'C D'])).toEqual(['A B', 'C D']);
    expect(namesFrom('US Open 2011 final: Serena Williams v Samantha Stosur')).toEqual(['Serena Williams', 'Samantha Stosur']);
    expect(namesFrom('Just a title')).toBeUndefined();
  });

  it('describes a point and its score', () => {
    const d = { set: 2, games: [3, 4] as [number, number], points: ['40', 'AD'] as [string, string], tiebreak: false, setsWon: [0, 1] as [number, number], server: 2 as const, winner: 2 as const, ace: true, serveSpeedKmh: 189 };
    expect(describePoint(d, ['Lisicki', 'Bartoli'])).toBe('Bartoli ace · 189 km/h');
    expect(scoreLine(d)).toBe('S2 3–4 · 40–AD');
  });
});

describe('the court’s words for a point', () => {
  const point = (seq: number) => ({ ...(FINAL.frames[seq]!.data as object), seq }) as CourtPoint;

  it('a double fault is one badge on the server’s half, though the data also marks it an unforced error', () => {
    const seq = FINAL.frames.findIndex((f) => (f.data as { doubleFault?: boolean }).doubleFault === true);
    const p = point(seq);
    expect(p.unforcedError).toBe(true); // the recording's own flags: the same mistake twice
    expect(courtBadges(p)).toEqual([{ side: p.server, text: 'DOUBLE FAULT', tone: 'bad' }]);
  });

  it('every point of the final gets one badge at most per half, and a word when it has a winner', () => {
    for (let seq = 0; seq < FINAL.frames.length; seq++) {
      const p = point(seq);
      const badges = courtBadges(p);
      for (const side of [1, 2]) expect(badges.filter((b) => b.side === side).length).toBeLessThanOrEqual(1);
      if (p.winner) expect(badges.length).toBeGreaterThanOrEqual(1);
    }
  });

  it('an ace is ACE, not also WINNER; an unforced error sits on the loser’s half', () => {
    expect(courtBadges({ seq: 1, server: 1, winner: 1, ace: true, cleanWinner: true } as unknown as CourtPoint)).toEqual([{ side: 1, text: 'ACE', tone: 'good' }]);
    expect(courtBadges({ seq: 2, server: 1, winner: 1, unforcedError: true } as unknown as CourtPoint)).toEqual([{ side: 2, text: 'UNFORCED ERROR', tone: 'warn' }]);
  });
});

describe('FoldedState: a snapshot plus the frames after it equals the fold from frame 0', () => {
  it.each([40, 100, 250])('joining at seq %i', async (S) => {
    const snap = { seq: S, state: tennis.snapshot(await at(MEN, S)) };
    const f = new FoldedState(tennis, () => tennis.initialState(MEN.header));
    // the buffer may hold earlier frames too (seen before a seek): they are in the snapshot already
    f.reset(snap, MEN.frames.slice(S - 5, S + 10));
    expect(f.state).toEqual(await at(MEN, S + 10));
    f.add(MEN.frames.slice(S + 10, S + 30), MEN.frames.slice(S - 5, S + 30));
    expect(f.state).toEqual(await at(MEN, S + 30));
    expect(f.last?.seq).toBe(S + 29);
  });

  it('a gap filled later (a rejoin) folds again from the snapshot', async () => {
    const f = new FoldedState(tennis, () => tennis.initialState(MEN.header));
    f.reset({ seq: 10, state: tennis.snapshot(await at(MEN, 10)) }, []);
    f.add(MEN.frames.slice(10, 15), MEN.frames.slice(10, 15));
    f.add(MEN.frames.slice(20, 25), [...MEN.frames.slice(10, 15), ...MEN.frames.slice(20, 25)]);
    f.add(MEN.frames.slice(15, 20), MEN.frames.slice(10, 25));
    expect(f.state).toEqual(await at(MEN, 25));
  });

  it('without a snapshot folds from the initial state; frames that fail the schema are skipped', async () => {
    const f = new FoldedState(tennis, () => tennis.initialState(FINAL.header));
    const bad = { seq: 3, t: 1, type: 'point', data: { set: 'one' } };
    f.reset(undefined, [...FINAL.frames.slice(0, 3), bad, ...FINAL.frames.slice(4, 6)]);
    const expected = [...FINAL.frames.slice(0, 3), ...FINAL.frames.slice(4, 6)].reduce((s, fr) => tennis.reduce(s, fr) as TennisState, tennis.initialState(FINAL.header));
    expect(f.state).toEqual(expected);
  });
});
