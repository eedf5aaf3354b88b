import type { CatalogEvent, CatalogMessage } from '../../protocol/messages';
import {
  advancer,
  buildBracket,
  endedEntries,
  eventsOf,
  expectedEnd,
  feeders,
  gameOfStreamId,
  EMPTY_REPLAY,
  inconsistencies,
  isQuotaRefusal,
  layoutDraw,
  MAX_LAYOUT_ROWS,
  nextMatch,
  nextRoundToReplay,
  parseReplayState,
  QUOTA_RETRY_IDLE_MS,
  quotaLimitOf,
  replayButton,
  replayRound,
  replayStatus,
  resultVisible,
  retryDue,
  roundTodo,
  scheduledText,
  withQuotaRefusal,
  withRefusal,
  withScheduled,
  type BracketLayout,
  type ReplayEntry,
  type ReplayState,
} from '../../web/src/core/bracket';
import { eventCards, layoutCatalog } from '../../web/src/core/catalog';
import { parseRoute, routeHash } from '../../web/src/core/route';

type Game = CatalogMessage['games'][number];

const ROUNDS = ['Round 1', 'Round 2', 'Round 3', 'Round 4', 'Quarter-final', 'Semi-final', 'Final'];
const ev = (draw: string, roundNo: number, place: number, winner?: 1 | 2): CatalogEvent => ({
  id: '2012-frenchopen',
  name: '2012 French Open',
  draw,
  roundNo,
  rounds: 7,
  round: ROUNDS[roundNo - 1]!,
  place,
  ...(winner ? { winner } : {}),
});
const game = (id: string, players: [string, string], event?: CatalogEvent): Game => ({
  gameId: id,
  kind: 'tennis',
  title: `French Open 2012: ${players[0]} v ${players[1]}`,
  durationMs: 3_600_000,
  participants: players,
  ...(event ? { event } : {}),
});

// The real last seven men's matches of the 2012 French Open (places as in match_num), listed out of order.
const MEN = "men's singles";
const lastSeven: Game[] = [
  game('fo-1701', ['Rafael Nadal', 'Novak Djokovic'], ev(MEN, 7, 1, 1)),
  game('fo-1602', ['Rafael Nadal', 'David Ferrer'], ev(MEN, 6, 2, 1)),
  game('fo-1601', ['Novak Djokovic', 'Roger Federer'], ev(MEN, 6, 1, 1)),
  game('fo-1504', ['Rafael Nadal', 'Nicolas Almagro'], ev(MEN, 5, 4, 1)),
  game('fo-1503', ['David Ferrer', 'Andy Murray'], ev(MEN, 5, 3, 1)),
  game('fo-1502', ['Roger Federer', 'Juan Martin del Potro'], ev(MEN, 5, 2, 1)),
  game('fo-1501', ['Novak Djokovic', 'Jo-Wilfried Tsonga'], ev(MEN, 5, 1, 1)),
];

describe('bracket: grouping, order, who advances', () => {
  it('groups an event by draw and round (first round first), each round by place', () => {
    const women = game('fo-2701', ['Maria Sharapova', 'Sara Errani'], ev("women's singles", 7, 1, 1));
    const b = buildBracket([...lastSeven, women, game('other', ['A', 'B'])], '2012-frenchopen')!;
    expect(b).toMatchObject({ id: '2012-frenchopen', name: '2012 French Open', matchCount: 8 });
    expect(b.draws.map((d) => d.draw)).toEqual([MEN, "women's singles"]);
    const men = b.draws[0]!;
    expect(men.rounds.map((r) => [r.roundNo, r.name])).toEqual([
      [5, 'Quarter-final'],
      [6, 'Semi-final'],
      [7, 'Final'],
    ]);
    expect(men.rounds[0]!.matches.map((m) => m.gameId)).toEqual(['fo-1501', 'fo-1502', 'fo-1503', 'fo-1504']);
    expect(men.rounds[0]!.matches[0]!.players).toEqual(['Novak Djokovic', 'Jo-Wilfried Tsonga']);
  });

  it('is undefined for an event the catalog does not hold; live games are left out', () => {
    expect(buildBracket(lastSeven, 'nope')).toBeUndefined();
    expect(buildBracket([{ ...lastSeven[0]!, live: true }], '2012-frenchopen')).toBeUndefined();
    expect(buildBracket([], '2012-frenchopen')).toBeUndefined();
  });

  it('places 2p − 1 and 2p feed place p of the next round', () => {
    const men = buildBracket(lastSeven, '2012-frenchopen')!.draws[0]!;
    const [sf1, sf2] = men.rounds[1]!.matches;
    expect(feeders(men, sf1!).map((m) => m?.gameId)).toEqual(['fo-1501', 'fo-1502']);
    expect(feeders(men, sf2!).map((m) => m?.gameId)).toEqual(['fo-1503', 'fo-1504']);
    expect(nextMatch(men, men.rounds[0]!.matches[3]!)?.gameId).toBe('fo-1602');
    expect(nextMatch(men, men.rounds[2]!.matches[0]!)).toBeUndefined();
    expect(feeders(men, men.rounds[0]!.matches[0]!)).toEqual([undefined, undefined]);
  });

  it('who advances: the winner the points decide, else the player found in the next round', () => {
    const undecided = lastSeven.map((g) => (g.gameId === 'fo-1503' ? { ...g, event: ev(MEN, 5, 3) } : g));
    const men = buildBracket(undecided, '2012-frenchopen')!.draws[0]!;
    const qf3 = men.rounds[0]!.matches[2]!;
    expect(qf3.event.winner).toBeUndefined();
    expect(advancer(men, qf3)).toBe(1); // Ferrer plays the semi-final
    // No result and no next match: nobody can tell.
    const final = { ...men.rounds[2]!.matches[0]!, event: ev(MEN, 7, 1) };
    expect(advancer(men, final)).toBeUndefined();
    expect(inconsistencies(buildBracket(lastSeven, '2012-frenchopen')!)).toEqual([]);
  });

  it('finds a bracket that contradicts itself', () => {
    const wrong = lastSeven.map((g) => (g.gameId === 'fo-1501' ? { ...g, event: ev(MEN, 5, 1, 2) } : g));
    expect(inconsistencies(buildBracket(wrong, '2012-frenchopen')!)).toEqual(['fo-1601: Jo-Wilfried Tsonga (from fo-1501) is not a player']);
  });

  it('lists the events of a catalog', () => {
    expect(eventsOf([...lastSeven, game('x', ['A', 'B'])])).toEqual([{ id: '2012-frenchopen', name: '2012 French Open', matchCount: 7 }]);
  });
});

describe('bracket: no spoilers, the tournament replay', () => {
  it('shows a result only once seen, or when all are asked for', () => {
    expect(resultVisible({ gameId: 'fo-1701' }, new Set(), false)).toBe(false);
    expect(resultVisible({ gameId: 'fo-1701' }, new Set(['fo-1701']), false)).toBe(true);
    expect(resultVisible({ gameId: 'fo-1701' }, new Set(), true)).toBe(true);
  });

  it('a scheduled match has ended once its stream is no longer listed and its end was due', () => {
    const e: ReplayEntry = { gameId: 'fo-1501', streamId: 'scheduled:fo-1501:abc', startsAt: 1_000_000, durationMs: 640_000, speed: 64 };
    expect(expectedEnd(e)).toBe(1_010_000);
    expect(endedEntries([e], new Set([e.streamId]), 2_000_000)).toEqual([]); // still listed
    expect(endedEntries([e], new Set(), 1_005_000)).toEqual([]); // gone early: stopped, not finished
    expect(endedEntries([e], new Set(), 1_010_000)).toEqual(['fo-1501']);
  });

  it('replays the earliest round not yet scheduled, and says what it scheduled', () => {
    const men = buildBracket(lastSeven, '2012-frenchopen')!.draws[0]!;
    expect(nextRoundToReplay(men, new Set())?.name).toBe('Quarter-final');
    expect(nextRoundToReplay(men, new Set(['fo-1501', 'fo-1502', 'fo-1503', 'fo-1504']))?.name).toBe('Semi-final');
    expect(nextRoundToReplay(men, new Set(lastSeven.map((g) => g.gameId)))).toBeUndefined();
    expect(scheduledText({ name: 'Round 1' }, 64, '18:30')).toBe('Round 1: 64 matches at 18:30');
    expect(scheduledText({ name: 'Final' }, 1, '18:30')).toBe('Final: 1 match at 18:30');
  });

  it('reads the game id of every kind of stream id', () => {
    expect(gameOfStreamId('scheduled:2012-frenchopen-1701:Ab_9')).toBe('2012-frenchopen-1701');
    expect(gameOfStreamId('pvai:2012-frenchopen-1701:alice@example.com')).toBe('2012-frenchopen-1701');
    expect(gameOfStreamId('spectate:g1')).toBe('g1');
    expect(gameOfStreamId('nonsense')).toBeUndefined();
  });
});

/** Each column of a layout as `[roundNo, [[place, row, span, gameIds…]…]]`. */
const grid = (l: BracketLayout) => l.columns.map((c) => [c.round.roundNo, c.slots.map((s) => [s.place, s.row, s.span, ...s.matches.map((m) => m.gameId)])]);

describe('bracket: each match at its draw place', () => {
  it('a draw starting at a later round: the quarter-finals one row each, a semi-final across its two, the final across all', () => {
    const l = layoutDraw(buildBracket(lastSeven, '2012-frenchopen')!.draws[0]!);
    expect([l.firstRound, l.rows, l.aligned]).toEqual([5, 4, true]);
    expect(grid(l)).toEqual([
      [5, [[1, 1, 1, 'fo-1501'], [2, 2, 1, 'fo-1502'], [3, 3, 1, 'fo-1503'], [4, 4, 1, 'fo-1504']]],
      [6, [[1, 1, 2, 'fo-1601'], [2, 3, 2, 'fo-1602']]],
      [7, [[1, 1, 4, 'fo-1701']]],
    ]);
  });

  it('a place the data has no match for is an empty slot, and the rounds still line up', () => {
    // Round 1 places 1 and 3, round 2 place 2 (fed by round 1's places 3 and 4).
    const games = [game('a', ['A', 'B'], ev(MEN, 1, 1, 1)), game('c', ['C', 'D'], ev(MEN, 1, 3, 2)), game('x', ['D', 'E'], ev(MEN, 2, 2))];
    const l = layoutDraw(buildBracket(games, '2012-frenchopen')!.draws[0]!);
    expect(l.rows).toBe(4);
    expect(grid(l)).toEqual([
      [1, [[1, 1, 1, 'a'], [2, 2, 1], [3, 3, 1, 'c'], [4, 4, 1]]],
      [2, [[1, 1, 2], [2, 3, 2, 'x']]],
    ]);
  });

  it('rows: enough for every match, a whole number of the last round\'s places; a round missing altogether has no column', () => {
    // A draw with rounds 1 and 3 only: round 1 place 5 needs 5 rows, a whole number of round 3's
    // places (4 rows each) is 8; round 3 place 1 spans rows 1-4.
    const games = [game('r1p5', ['A', 'B'], ev(MEN, 1, 5)), game('r3p1', ['C', 'D'], ev(MEN, 3, 1))];
    const l = layoutDraw(buildBracket(games, '2012-frenchopen')!.draws[0]!);
    expect(l.rows).toBe(8);
    expect(l.columns.map((c) => c.round.roundNo)).toEqual([1, 3]);
    expect(l.columns[0]!.slots).toHaveLength(8);
    expect(l.columns[0]!.slots[4]).toMatchObject({ place: 5, row: 5, span: 1 });
    expect(grid(l)[1]).toEqual([3, [[1, 1, 4, 'r3p1'], [2, 5, 4]]]);
  });

  it('a place held twice keeps both in its slot', () => {
    const games = [game('a', ['A', 'B'], ev(MEN, 1, 1)), game('a2', ['A', 'B'], ev(MEN, 1, 1)), game('b', ['C', 'D'], ev(MEN, 1, 2))];
    expect(grid(layoutDraw(buildBracket(games, '2012-frenchopen')!.draws[0]!))).toEqual([[1, [[1, 1, 1, 'a', 'a2'], [2, 2, 1, 'b']]]]);
  });

  it('a draw too big to line up is listed round by round, nothing left out', () => {
    const games = [game('far', ['A', 'B'], ev(MEN, 1, MAX_LAYOUT_ROWS + 1)), game('near', ['C', 'D'], ev(MEN, 1, 1)), game('f', ['A', 'C'], ev(MEN, 7, 1))];
    const l = layoutDraw(buildBracket(games, '2012-frenchopen')!.draws[0]!);
    expect(l.aligned).toBe(false);
    expect(grid(l)).toEqual([
      [1, [[1, 1, 1, 'near'], [MAX_LAYOUT_ROWS + 1, 2, 1, 'far']]],
      [7, [[1, 1, 1, 'f']]],
    ]);
    expect(l.rows).toBe(2);
  });
});

describe('bracket: the replay and the quota of scheduled streams', () => {
  // A first round of five, two scheduled before the quota (2) refused the third.
  const r1 = ['p1', 'p2', 'p3', 'p4', 'p5'].map((id, i) => game(id, [`A${i}`, `B${i}`], ev(MEN, 1, i + 1)));
  const r2 = [game('q1', ['A0', 'A2'], ev(MEN, 2, 1))];
  const draw = buildBracket([...r1, ...r2], '2012-frenchopen')!.draws[0]!;
  const round1 = draw.rounds[0]!;
  const entry = (gameId: string, startsAt = 1_000_000): ReplayEntry => ({ gameId, streamId: `scheduled:${gameId}:x`, startsAt, durationMs: 3_600_000, speed: 16 });
  const at = (ms: number) => (ms === 1_000_000 ? '18:30' : '18:41');
  const refusal = 'POST /streams: limit reached: at most 2 scheduled streams not yet ended per user; wait until one has ended';
  const NOW = 5_000_000;
  const afterRefusal = (): ReplayState => {
    let s = withScheduled(withScheduled(EMPTY_REPLAY, entry('p1')), entry('p2'));
    const todo = roundTodo(round1, EMPTY_REPLAY, 16);
    s = withQuotaRefusal(s, todo.slice(2), 0, NOW, quotaLimitOf(refusal));
    return s;
  };

  it('tells the quota\'s refusal from the others, and reads its limit', () => {
    expect(isQuotaRefusal(429, 'limit_exceeded')).toBe(true);
    expect(isQuotaRefusal(429, 'rate_limited')).toBe(false);
    expect(isQuotaRefusal(400, 'limit_exceeded')).toBe(false);
    expect(quotaLimitOf(refusal)).toBe(2);
    expect(quotaLimitOf('POST /streams: limit reached: at most 50 scheduled streams not yet ended per user')).toBe(50);
    expect(quotaLimitOf('gameId: no game "x"')).toBeUndefined();
  });

  it('the matches refused by the quota stay pending, at the speed asked for; the round is not done', () => {
    const s = afterRefusal();
    expect(s.entries.map((e) => e.gameId)).toEqual(['p1', 'p2']);
    expect(s.pending).toEqual(['p3', 'p4', 'p5'].map((gameId) => ({ gameId, durationMs: 3_600_000, speed: 16 })));
    expect([s.waitEnded, s.refusedAt, s.limit]).toEqual([0, NOW, 2]);
    expect(nextRoundToReplay(draw, new Set(s.entries.map((e) => e.gameId)))?.roundNo).toBe(1);
    expect(replayButton(draw, s)).toMatchObject({ label: 'Try the 3 waiting now', round: { roundNo: 1 } });
    expect(replayRound(draw, s)?.roundNo).toBe(1);
    expect(replayStatus(round1, s, at)).toBe('Round 1: 2 matches at 18:30; 3 wait for a free slot (at most 2 scheduled streams at once)');
    // Pending ones keep their speed when the round is scheduled again at another.
    expect(roundTodo(round1, s, 64).map((p) => p.speed)).toEqual([16, 16, 16]);
  });

  it('tries again when a stream of this replay has ended, or a minute after the refusal; never with nothing pending', () => {
    const s = afterRefusal();
    expect(retryDue(s, 0, NOW + 5_000)).toBe(false);
    expect(retryDue(s, 1, NOW + 5_000)).toBe(true);
    expect(retryDue(s, 0, NOW + QUOTA_RETRY_IDLE_MS)).toBe(true);
    expect(retryDue({ ...s, pending: [] }, 2, NOW + QUOTA_RETRY_IDLE_MS)).toBe(false);
  });

  it('a retry schedules what it can; refused again, the rest still waits, counted from then', () => {
    let s = withScheduled(afterRefusal(), entry('p3', 2_000_000));
    s = withQuotaRefusal(s, s.pending.slice(0), 1, NOW + 60_000, 2);
    expect(s.pending.map((p) => p.gameId)).toEqual(['p4', 'p5']);
    expect([s.waitEnded, s.refusedAt]).toEqual([1, NOW + 60_000]);
    expect(retryDue(s, 1, NOW + 65_000)).toBe(false);
    expect(replayStatus(round1, s, at)).toBe('Round 1: 2 matches at 18:30, 1 at 18:41; 2 wait for a free slot (at most 2 scheduled streams at once)');
    s = withScheduled(withScheduled(s, entry('p4', 2_000_000)), entry('p5', 2_000_000));
    expect(s.pending).toEqual([]);
    expect(replayStatus(round1, s, at)).toBe('Round 1: 2 matches at 18:30, 3 at 18:41');
    expect(replayButton(draw, s)).toMatchObject({ label: 'Replay the tournament: Round 2 (1)', round: { roundNo: 2 } });
    expect(replayRound(draw, s)?.roundNo).toBe(1);
  });

  it('any other refusal is not retried by itself: no longer pending, the round offers a Retry', () => {
    const s = withRefusal(afterRefusal(), 'p3');
    expect(s.pending.map((p) => p.gameId)).toEqual(['p4', 'p5']);
    const none = withRefusal(withRefusal(s, 'p4'), 'p5');
    expect(retryDue(none, 5, NOW + QUOTA_RETRY_IDLE_MS)).toBe(false);
    expect(replayButton(draw, none)).toMatchObject({ label: 'Retry Round 1 (3 not scheduled)', round: { roundNo: 1 } });
    expect(roundTodo(round1, none, 4).map((p) => [p.gameId, p.speed])).toEqual([['p3', 4], ['p4', 4], ['p5', 4]]);
    expect(replayStatus(round1, none, at)).toBe('Round 1: 2 matches at 18:30');
    expect(replayButton(draw, EMPTY_REPLAY)).toMatchObject({ label: 'Replay the tournament: Round 1 (5)' });
    const wholeRound = roundTodo(round1, EMPTY_REPLAY, 16).map((p) => entry(p.gameId)).reduce(withScheduled, EMPTY_REPLAY);
    expect(replayButton(draw, wholeRound)).toMatchObject({ label: 'Replay the tournament: Round 2 (1)' });
    expect(replayButton(draw, withScheduled(wholeRound, entry('q1')))).toEqual({ label: 'Every round is scheduled' });
  });

  it('nothing scheduled yet, everything waiting: says so', () => {
    const s = withQuotaRefusal(EMPTY_REPLAY, roundTodo(round1, EMPTY_REPLAY, 16), 0, NOW, undefined);
    expect(replayStatus(round1, s, at)).toBe('Round 1: 5 wait for a free slot (the limit of scheduled streams at once)');
    expect(replayStatus(draw.rounds[1]!, s, at)).toBeUndefined();
    // One pending match again does not double it.
    expect(withQuotaRefusal(s, [{ gameId: 'p1', durationMs: 1, speed: 64 }], 0, NOW, 2).pending).toEqual(s.pending);
  });

  it('reads back what was stored: the current form, the earlier list of entries, or nothing usable', () => {
    const s = afterRefusal();
    expect(parseReplayState(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(parseReplayState([entry('p1'), { gameId: 'bad' }])).toEqual({ ...EMPTY_REPLAY, entries: [entry('p1')] });
    expect(parseReplayState('nonsense')).toEqual(EMPTY_REPLAY);
    expect(parseReplayState(null)).toEqual(EMPTY_REPLAY);
    const odd = parseReplayState({ entries: [entry('p1')], pending: [{ gameId: 'p1', durationMs: 1, speed: 16 }, { gameId: 'p2', durationMs: 1, speed: 0 }, { gameId: 'p3', durationMs: 1, speed: 4 }], waitEnded: 'x', limit: -1 });
    expect(odd).toEqual({ entries: [entry('p1')], pending: [{ gameId: 'p3', durationMs: 1, speed: 4 }], waitEnded: 0, refusedAt: 0 });
  });
});

describe('catalog: one card per event, its route', () => {
  it('an event is one card in its section instead of one card per match', () => {
    const cat: CatalogMessage = { type: 'catalog', games: [...lastSeven, game('w-1701', ['Roger Federer', 'Andy Murray'])], streams: [] };
    const layout = layoutCatalog(cat, { q: '', kind: 'all' });
    const tennis = layout.sections.find((s) => s.kind === 'tennis')!;
    expect(tennis.games.map((g) => g.gameId)).toEqual(['w-1701']);
    expect(tennis.events).toEqual([{ id: '2012-frenchopen', name: '2012 French Open', kind: 'tennis', matchCount: 7, draws: [MEN] }]);
    // A search keeps the event when one of its matches matches.
    expect(layoutCatalog(cat, { q: 'almagro', kind: 'all' }).sections[0]!.events.map((e) => e.matchCount)).toEqual([1]);
    expect(eventCards([game('x', ['A', 'B'])])).toEqual([]);
    // An event with one match in the catalog (a final ingested alone) keeps its own card.
    const alone = layoutCatalog({ type: 'catalog', games: [lastSeven[0]!], streams: [] }, { q: '', kind: 'all' }).sections[0]!;
    expect([alone.games.map((g) => g.gameId), alone.events]).toEqual([['fo-1701'], []]);
  });

  it('#/event/{id} round-trips; a bad id is the catalog', () => {
    expect(parseRoute('#/event/2012-frenchopen')).toEqual({ name: 'event', eventId: '2012-frenchopen' });
    expect(routeHash({ name: 'event', eventId: '2012-frenchopen' })).toBe('#/event/2012-frenchopen');
    expect(parseRoute('#/event/%3Cx%3E')).toEqual({ name: 'catalog' });
  });
});
