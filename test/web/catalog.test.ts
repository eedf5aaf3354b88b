import type { CatalogMessage } from '../../protocol/messages';
import {
  cardText,
  catalogQueryString,
  dedupeGames,
  isJoinable,
  kindSection,
  layoutCatalog,
  matchesQuery,
  parseCatalogQuery,
  sortGames,
  titleFacts,
  withoutSpoilers,
  type CatalogGame,
} from '../../web/src/core/catalog';

const game = (over: Partial<CatalogGame> & { gameId: string }): CatalogGame => ({ kind: 'tennis', title: over.gameId, durationMs: 60_000, ...over });

const WIMBLEDON_2013 = game({ gameId: '2013-wimbledon-2701', title: "Wimbledon 2013 women's final: Marion Bartoli v Sabine Lisicki", durationMs: 4_885_000, participants: ['Marion Bartoli', 'Sabine Lisicki'] });
const WIMBLEDON_2012 = game({ gameId: '2012-wimbledon-1701', title: "Wimbledon 2012 men's final: Roger Federer v Andy Murray", durationMs: 14_320_000, participants: ['Roger Federer', 'Andy Murray'] });
const USOPEN_2011 = game({ gameId: '2011-usopen-1701', title: "US Open 2011 men's final: Novak Djoković v Rafael Nadal", durationMs: 15_000_000, participants: ['Novak Djoković', 'Rafael Nadal'] });
const IPL_2019 = game({ gameId: 'ipl-2019-final-1181768', kind: 'cricket', title: 'IPL 2019 final: Mumbai Indians v Chennai Super Kings', durationMs: 12_000_000, participants: ['Mumbai Indians', 'Chennai Super Kings'] });
const IPL_2025 = game({ gameId: '1473456', kind: 'cricket', title: 'IPL 2025 match 64: Lucknow Super Giants v Kolkata Knight Riders', durationMs: 11_000_000, participants: ['Lucknow Super Giants', 'Kolkata Knight Riders'] });
const CAST = game({ gameId: 'asciinema-welcome', kind: 'terminal', title: 'asciinema-welcome', durationMs: 90_000 });
const VIM = game({ gameId: 'asciinema-demo-vim', kind: 'terminal', title: 'Vim demo', durationMs: 60_000 });
const CHESS = game({ gameId: 'lichess-swlhTnEl', kind: 'chess', title: 'Lichess classical 2024: alice v bob', durationMs: 3_600_000 });
const FEED = game({ gameId: 'feed', kind: 'generic', title: 'A JSONL feed' });

describe('catalog sections by kind', () => {
  it('tennis, cricket, terminal, chess, and everything else under other', () => {
    expect(['tennis', 'cricket', 'terminal', 'chess', 'generic', 'pong', 'other'].map(kindSection)).toEqual(['tennis', 'cricket', 'terminal', 'chess', 'other', 'other', 'other']);
  });

  it('lays out the sections in page order, leaving out empty ones', () => {
    const cat: CatalogMessage = { type: 'catalog', games: [CAST, FEED, IPL_2019, WIMBLEDON_2013], streams: [] };
    const layout = layoutCatalog(cat, { q: '', kind: 'all' });
    expect(layout.sections.map((s) => s.kind)).toEqual(['tennis', 'cricket', 'terminal', 'other']);
    expect(layout.liveNow).toEqual([]);
    expect(layout.comingUp).toEqual([]);
  });
});

describe('the order within a kind', () => {
  it('newest first by the year the title tells (the catalog has no date field), then by title', () => {
    expect(sortGames([USOPEN_2011, WIMBLEDON_2012, WIMBLEDON_2013]).map((g) => g.gameId)).toEqual(['2013-wimbledon-2701', '2012-wimbledon-1701', '2011-usopen-1701']);
    expect(sortGames([IPL_2019, IPL_2025]).map((g) => g.gameId)).toEqual(['1473456', 'ipl-2019-final-1181768']);
  });
  it('games without a year come after, by title', () => {
    expect(sortGames([VIM, CAST]).map((g) => g.title)).toEqual(['asciinema-welcome', 'Vim demo']);
    expect(sortGames([CAST, CHESS, VIM]).map((g) => g.gameId)).toEqual(['lichess-swlhTnEl', 'asciinema-welcome', 'asciinema-demo-vim']);
  });
});

describe('what a title tells', () => {
  it('event, year, round and sides of the converters\' titles', () => {
    expect(titleFacts(WIMBLEDON_2013.title)).toEqual({ event: 'Wimbledon 2013', year: 2013, round: "women's final", sides: ['Marion Bartoli', 'Sabine Lisicki'] });
    expect(titleFacts(IPL_2025.title)).toEqual({ event: 'IPL 2025', year: 2025, round: 'match 64', sides: ['Lucknow Super Giants', 'Kolkata Knight Riders'] });
  });
  it('nothing it does not tell', () => {
    expect(titleFacts('Nets')).toEqual({});
    expect(titleFacts('asciinema-welcome')).toEqual({});
  });
});

describe('search matching', () => {
  it('matches title, players and teams; case and accents ignored; every word must match', () => {
    expect(matchesQuery(WIMBLEDON_2013, 'bartoli')).toBe(true);
    expect(matchesQuery(USOPEN_2011, 'djokovic')).toBe(true);
    expect(matchesQuery(USOPEN_2011, 'DJOKOVIĆ nadal')).toBe(true);
    expect(matchesQuery(USOPEN_2011, 'djokovic federer')).toBe(false);
    expect(matchesQuery(IPL_2019, 'chennai')).toBe(true);
    expect(matchesQuery(game({ gameId: 'x', title: 'Final', participants: ['Chennai Super Kings'] }), 'super kings')).toBe(true);
    expect(matchesQuery(IPL_2019, '2019')).toBe(true);
    expect(matchesQuery(game({ gameId: 'ipl-2020-super-overs', title: 'IPL 2020 match 36: Mumbai Indians v Kings XI Punjab' }), 'super kings')).toBe(false); // the gameId is not searched
    expect(matchesQuery(IPL_2019, '   ')).toBe(true);
  });

  it('filters by kind and query, live and scheduled entries included', () => {
    const live = game({ gameId: 'nets', kind: 'cricket', title: 'Nets: Mumbai v Delhi', live: true });
    const cat: CatalogMessage = {
      type: 'catalog',
      games: [WIMBLEDON_2013, IPL_2019, live],
      streams: [{ streamId: 'scheduled:2013-wimbledon-2701:s1', gameId: '2013-wimbledon-2701', mode: 'spectate', status: 'scheduled', clients: 1, startsAt: 1 }],
    };
    const tennis = layoutCatalog(cat, { q: '', kind: 'tennis' });
    expect(tennis.liveNow).toEqual([]);
    expect(tennis.comingUp.map((s) => s.gameId)).toEqual(['2013-wimbledon-2701']);
    expect(tennis.sections.map((s) => s.kind)).toEqual(['tennis']);
    const mumbai = layoutCatalog(cat, { q: 'mumbai', kind: 'all' });
    expect(mumbai.liveNow.map((e) => e.game.gameId)).toEqual(['nets']);
    expect(mumbai.comingUp).toEqual([]);
    expect(mumbai.sections.flatMap((s) => s.games.map((g) => g.gameId))).toEqual(['ipl-2019-final-1181768']);
    expect(mumbai.matched).toBe(2);
  });

  it('keeps the search in the URL: ?q=…&kind=…', () => {
    expect(catalogQueryString({ q: ' Bartoli ', kind: 'tennis' })).toBe('?q=Bartoli&kind=tennis');
    expect(catalogQueryString({ q: '', kind: 'all' })).toBe('');
    expect(parseCatalogQuery('?q=Super+Kings&kind=cricket')).toEqual({ q: 'Super Kings', kind: 'cricket' });
    expect(parseCatalogQuery('?kind=bogus')).toEqual({ q: '', kind: 'all' });
    expect(parseCatalogQuery(catalogQueryString({ q: 'a&b=c', kind: 'chess' }))).toEqual({ q: 'a&b=c', kind: 'chess' });
  });
});

describe('card text has no spoilers', () => {
  const allText = (g: CatalogGame) => Object.values(cardText(g)).join(' | ');

  it('a finished tennis game: kind, event, round, players, length — not who won', () => {
    const t = cardText(WIMBLEDON_2013);
    expect(t).toEqual({ kind: 'tennis', heading: "Wimbledon 2013 · women's final", sides: 'Marion Bartoli v Sabine Lisicki', length: '1:21:25', title: WIMBLEDON_2013.title });
    expect(allText(WIMBLEDON_2013)).not.toMatch(/won|beat|def|6-1|champion/i);
  });

  it('a finished cricket game: teams and length, not the margin', () => {
    const t = cardText(IPL_2019);
    expect(t.sides).toBe('Mumbai Indians v Chennai Super Kings');
    expect(t.heading).toBe('IPL 2019 · final');
    expect(allText(IPL_2019)).not.toMatch(/won|runs?\b|wickets?/i);
  });

  it('a title that carries the result has it cut off', () => {
    expect(withoutSpoilers('IPL 2019 final: Mumbai Indians v Chennai Super Kings — Mumbai Indians won by 1 run')).toBe('IPL 2019 final: Mumbai Indians v Chennai Super Kings');
    expect(withoutSpoilers('Wimbledon 2013 final: Bartoli d. Lisicki 6-1 6-4')).toBe('Wimbledon 2013 final: Bartoli');
    expect(withoutSpoilers('US Open 2011 final, Djokovic beat Nadal')).toBe('US Open 2011 final');
    expect(withoutSpoilers('IPL 2020 match 36: Kings XI Punjab v Mumbai Indians (tied; super over)')).toBe('IPL 2020 match 36: Kings XI Punjab v Mumbai Indians');
    const spoiled = game({ gameId: 'x', kind: 'cricket', title: 'T20 2024 final: A v B, A won by 5 wickets', participants: ['A', 'B'] });
    expect(allText(spoiled)).not.toMatch(/won|wickets/);
  });

  it('titles without a result are left alone', () => {
    for (const g of [WIMBLEDON_2012, USOPEN_2011, IPL_2025, CHESS, CAST]) expect(withoutSpoilers(g.title)).toBe(g.title);
  });

  it('a live game says how long so far', () => {
    expect(cardText(game({ gameId: 'nets', durationMs: 3_725_000, live: true })).length).toBe('1:02:05 so far');
  });
});

describe('live now, coming up, and what is joinable', () => {
  const LIVE = game({ gameId: 'ipl-2019-final-1181768-live', kind: 'cricket', title: IPL_2019.title, participants: IPL_2019.participants, durationMs: 600_000, live: true });

  it('a live game is in Live now with its live stream\'s viewers, not also in its kind', () => {
    const cat: CatalogMessage = {
      type: 'catalog',
      games: [IPL_2019, LIVE],
      streams: [{ streamId: `spectate:${LIVE.gameId}`, gameId: LIVE.gameId, mode: 'spectate', status: 'playing', clients: 12 }],
    };
    const layout = layoutCatalog(cat, { q: '', kind: 'all' });
    expect(layout.liveNow).toEqual([{ game: LIVE, streamId: `spectate:${LIVE.gameId}`, clients: 12 }]);
    expect(layout.sections.flatMap((s) => s.games.map((g) => g.gameId))).toEqual([IPL_2019.gameId]);
    expect(layout.running).toEqual([]); // the live stream is the Live now card itself
  });

  it('a finished live game does not show as a duplicate card of its recording', () => {
    const finished = { ...LIVE, live: false };
    expect(dedupeGames([IPL_2019, finished]).map((g) => g.gameId)).toEqual([IPL_2019.gameId]);
    expect(dedupeGames([finished, IPL_2019]).map((g) => g.gameId)).toEqual([IPL_2019.gameId]);
    expect(dedupeGames([WIMBLEDON_2013, WIMBLEDON_2013]).map((g) => g.gameId)).toEqual([WIMBLEDON_2013.gameId]);
    const cat: CatalogMessage = { type: 'catalog', games: [IPL_2019, finished], streams: [{ streamId: `spectate:${LIVE.gameId}`, gameId: LIVE.gameId, mode: 'spectate', status: 'ended', clients: 0 }] };
    const layout = layoutCatalog(cat, { q: '', kind: 'all' });
    expect(layout.liveNow).toEqual([]);
    expect(layout.running).toEqual([]);
    expect(layout.sections.flatMap((s) => s.games)).toHaveLength(1);
  });

  it('coming up: soonest first; running: shared streams with viewers only', () => {
    const s = (over: Partial<CatalogMessage['streams'][number]> & { streamId: string }) => ({ gameId: WIMBLEDON_2012.gameId, mode: 'spectate' as const, status: 'playing' as const, clients: 1, ...over });
    const cat: CatalogMessage = {
      type: 'catalog',
      games: [WIMBLEDON_2012],
      streams: [
        s({ streamId: 'scheduled:w:late', status: 'scheduled', startsAt: 2_000 }),
        s({ streamId: 'scheduled:w:soon', status: 'awaiting_start', startsAt: 1_000 }),
        s({ streamId: 'scheduled:w:started', status: 'playing', clients: 3 }),
        s({ streamId: 'scheduled:w:empty', status: 'playing', clients: 0 }),
        s({ streamId: 'scheduled:w:over', status: 'ended', clients: 2 }),
        s({ streamId: 'pvai:w:alice', mode: 'pvai', clients: 1 }),
        s({ streamId: `spectate:${WIMBLEDON_2012.gameId}`, clients: 5 }),
      ],
    };
    const layout = layoutCatalog(cat, { q: '', kind: 'all' });
    expect(layout.comingUp.map((x) => x.streamId)).toEqual(['scheduled:w:soon', 'scheduled:w:late']);
    expect(layout.running.map((x) => x.streamId)).toEqual(['scheduled:w:started']);
    expect(layout.watching.get(WIMBLEDON_2012.gameId)).toBe(5); // the game's own spectate stream counts on its card
    expect(isJoinable(s({ streamId: 'pvp:w:room1', mode: 'pvp', clients: 2 }), new Set())).toBe(false);
    expect(isJoinable(s({ streamId: 'spectate:nets', gameId: 'nets', clients: 0 }), new Set(['nets']))).toBe(true);
  });
});
