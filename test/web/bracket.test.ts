import type { CatalogEvent, CatalogMessage } from '../../protocol/messages';
import {
  advancer,
  buildBracket,
  endedEntries,
  eventsOf,
  expectedEnd,
  feeders,
  gameOfStreamId,
  inconsistencies,
  nextMatch,
  nextRoundToReplay,
  resultVisible,
  scheduledText,
  type ReplayEntry,
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
