/** The web client's catalog paging (web/src/core/catalog.ts `CatalogPages`) over pages the server's pager builds. */
import { catalogPage, type CatalogMessage } from '../../protocol/server';
import { CatalogPages } from '../../web/src/core/catalog';

const games = Array.from({ length: 300 }, (_, i) => ({ gameId: `g${i}`, kind: 'tennis', title: `${'Long title '.repeat(40)}${i}`, durationMs: 1000 }));
const streams = Array.from({ length: 80 }, (_, i) => ({ streamId: `spectate:g${i}`, gameId: `g${i}`, mode: 'spectate' as const, status: 'playing' as const, clients: i }));

describe('CatalogPages', () => {
  it('asks for each next page and gives the whole catalog after the last, each id once', () => {
    const pages = new CatalogPages();
    let step = pages.add(catalogPage(games, streams));
    let asked = 0;
    while ('next' in step) {
      asked++;
      // A repeated entry (the lists changed between two pages) shows once.
      const page = catalogPage(games, streams, step.next);
      step = pages.add({ ...page, games: [...page.games, games[0]!] });
    }
    expect(asked).toBeGreaterThan(1);
    expect(step.truncated).toBe(false);
    expect(step.done.games.map((g) => g.gameId)).toEqual(games.map((g) => g.gameId));
    expect(step.done.streams).toEqual(streams);
  });

  it('a catalog of one page (or an older server without next) is done at once', () => {
    const only: CatalogMessage = { type: 'catalog', games: games.slice(0, 2), streams: [] };
    expect(new CatalogPages().add(only)).toEqual({ done: only, truncated: false });
  });

  it('stops after its page bound and says the catalog is truncated', () => {
    const pages = new CatalogPages(3);
    let step = pages.add(catalogPage(games, streams, undefined, 2000));
    let n = 1;
    while ('next' in step) {
      step = pages.add(catalogPage(games, streams, step.next, 2000));
      n++;
    }
    expect(n).toBe(3);
    expect(step.truncated).toBe(true);
  });
});
