/**
 * The catalog page's rules, pure (no DOM; unit-tested in node: test/web/catalog.test.ts): which
 * section a game goes in, the order within a section, search matching, the card's words (never
 * the result), which streams are offered to join, and the `?q=…&kind=…` query of a shared search.
 *
 * What a `catalog` entry carries (protocol/server.ts `CatalogMessage`): a game has `gameId`,
 * `kind`, `title`, `durationMs`, `participants?`, `live?`; a stream has `streamId`, `gameId`,
 * `mode`, `status`, `clients`, `title?`, `startsAt?`. There is no date, round or event field and
 * no "private" flag: the event, year and round are read from the title (the converters write
 * titles such as "Wimbledon 2013 women's final: Marion Bartoli v Sabine Lisicki" and
 * "IPL 2019 final: Mumbai Indians v Chennai Super Kings"), and privacy is inferred from the mode.
 */
import type { CatalogMessage } from '../../../protocol/messages';
import { MAX_CATALOG_PAGES } from '../../../protocol/server';
import { isPreStart } from './schedule';
import { formatDuration } from './format';

/** One game of a `catalog` message. */
export type CatalogGame = CatalogMessage['games'][number];
/** One stream of a `catalog` message. */
export type CatalogStream = CatalogMessage['streams'][number];

/** The catalog's sections by kind, in page order; `other` holds `generic` and any kind not listed. */
export const KIND_SECTIONS = ['tennis', 'cricket', 'terminal', 'chess', 'other'] as const;
/** A section of the catalog by kind. */
export type KindSection = (typeof KIND_SECTIONS)[number];

/** The heading of each kind section. */
export const KIND_LABELS: Record<KindSection, string> = {
  tennis: 'Tennis',
  cricket: 'Cricket',
  terminal: 'Terminal sessions',
  chess: 'Chess',
  other: 'Other recordings',
};

/** The section of a game's `kind`: itself when it is one of {@link KIND_SECTIONS}, else `other`. */
export function kindSection(kind: string): KindSection {
  return (KIND_SECTIONS as readonly string[]).includes(kind) && kind !== 'other' ? (kind as KindSection) : 'other';
}

/** What the title tells of a game (all optional: a title such as "Nets" tells nothing). */
export interface TitleFacts {
  /** The event before the round, e.g. "Wimbledon 2013", "IPL 2019". */
  event?: string;
  /** The year (four digits, 1900–2099) found in the event, e.g. 2013. */
  year?: number;
  /** The round or stage, e.g. "women's final", "match 12", "semi-final". */
  round?: string;
  /** The players or teams after the colon, split on " v " / " vs ". */
  sides?: string[];
}

const ROUND_RE = /\b((?:men's |women's |mixed )?(?:final|semi-?final|quarter-?final|qualifier \d+|eliminator|round (?:of )?\d+|(?:first|second|third|fourth) round|match \d+|group [a-z0-9]+|\d+(?:st|nd|rd|th) round))\b/i;

/**
 * Read the event, year, round and sides from a title of the form "<event> <round>: <a> v <b>"
 * (convert/tennis.ts and convert/cricket.ts `matchTitle`). The catalog carries no date field, so
 * the year is all there is to sort by; a title without a year gives none.
 */
export function titleFacts(title: string): TitleFacts {
  const facts: TitleFacts = {};
  const colon = title.indexOf(':');
  const head = (colon >= 0 ? title.slice(0, colon) : title).trim();
  const tail = colon >= 0 ? title.slice(colon + 1).trim() : '';
  const year = /\b(19|20)\d{2}\b/.exec(head);
  if (year) facts.year = Number(year[0]);
  const round = ROUND_RE.exec(head);
  if (round) {
    facts.round = round[1]!.toLowerCase();
    const event = head.slice(0, round.index).trim();
    if (event) facts.event = event;
  } else if (year) {
    facts.event = head;
  }
  if (tail) {
    const sides = tail.split(/\s+(?:v|vs\.?|versus)\s+/i).map((s) => s.trim()).filter(Boolean);
    if (sides.length >= 2) facts.sides = sides;
  }
  return facts;
}

/**
 * Words that give a result away: "won by 5 wickets", "beat", "defeated", "def.", "d.", "tied",
 * "winner", a score such as "6-4" or "2-1". Matched case-insensitively.
 */
const SPOILER_RE = /\b(?:won|wins|win by|beat|beats|defeats?|defeated|def\.|d\.|bt\.|winner|champion|result|tied|no result)(?=\W|$)|\b\d{1,2}-\d{1,2}\b/i;
/** Where a clause starts: a dash, comma, semicolon, bracket or bar (a colon starts the sides). */
const CLAUSE_RE = /\s*(?:—|–|\s-\s|,|;|\(|\[|\|)/g;

/**
 * `text` without any result it gives away, trimmed: cut at the start of the clause holding the
 * first result word ("…v Chennai Super Kings — Mumbai Indians won by 1 run" → "…v Chennai Super
 * Kings"), or at the word itself when its clause is the whole side ("Bartoli d. Lisicki" → "Bartoli").
 */
export function withoutSpoilers(text: string): string {
  const hit = SPOILER_RE.exec(text);
  if (!hit) return text.trim();
  const before = text.slice(0, hit.index);
  let cut = hit.index;
  const colon = before.lastIndexOf(':');
  for (const m of before.matchAll(CLAUSE_RE)) if (m.index > colon) cut = Math.min(cut, m.index);
  return text.slice(0, cut).replace(/[\s:,;—–|([-]+$/, '').trim();
}

/** What a game card says: every string here is free of the result (no spoilers). */
export interface CardText {
  /** The kind as shown, e.g. "tennis". */
  kind: string;
  /** Event, round and year when the title tells them, e.g. "Wimbledon 2013 · women's final". */
  heading: string;
  /** Players or teams, "A v B"; empty when unknown. */
  sides: string;
  /** The length: "1:21:25", or "1:02:05 so far" for a live game. */
  length: string;
  /** The title as shown (the result, if the title carried one, cut off). */
  title: string;
}

/**
 * The words of a game's card: kind, event/round/year when known, players or teams (the
 * listing's `participants`, else the title's sides), length — never the result. A finished
 * game's card is the same as while it was upcoming, whatever its recording holds.
 */
export function cardText(g: CatalogGame): CardText {
  const title = withoutSpoilers(g.title || g.gameId) || g.gameId;
  const facts = titleFacts(title);
  const heading = [facts.event, facts.round].filter(Boolean).join(' · ');
  const names = g.participants && g.participants.length ? g.participants : facts.sides ?? [];
  const sides = names.map(withoutSpoilers).filter(Boolean).join(' v ');
  const length = g.live ? `${formatDuration(g.durationMs)} so far` : formatDuration(g.durationMs);
  return { kind: g.kind, heading, sides, length, title };
}

/** Lower case, accents removed ("Djoković" matches "djokovic"). */
function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * Whether a game matches a search: every word of `query` (split on spaces, case and accents
 * ignored) occurs in its title or its participants (players, teams). An empty query matches all.
 */
export function matchesQuery(g: CatalogGame, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = fold([g.title, ...(g.participants ?? [])].join(' \u0000 '));
  return words.every((w) => hay.includes(w));
}

/** The kind filter: one section, or `all`. */
export type KindFilter = KindSection | 'all';

/** A search as kept in the URL: `?q=…&kind=…` (both optional). */
export interface CatalogQuery {
  q: string;
  kind: KindFilter;
}

/** Read `?q=…&kind=…` from `location.search` (an unknown kind is `all`). */
export function parseCatalogQuery(search: string): CatalogQuery {
  const p = new URLSearchParams(search);
  const kind = p.get('kind') ?? 'all';
  return { q: (p.get('q') ?? '').slice(0, 200), kind: (KIND_SECTIONS as readonly string[]).includes(kind) ? (kind as KindSection) : 'all' };
}

/** The `location.search` of a search: "" when empty, else "?q=…&kind=…" with only what is set. */
export function catalogQueryString(query: CatalogQuery): string {
  const p = new URLSearchParams();
  if (query.q.trim()) p.set('q', query.q.trim());
  if (query.kind !== 'all') p.set('kind', query.kind);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * Newest first by the year the title tells; games without a year after those with one; then by
 * title (locale order), then gameId. Returns a new array.
 */
export function sortGames(games: readonly CatalogGame[]): CatalogGame[] {
  const year = new Map(games.map((g) => [g, titleFacts(g.title || g.gameId).year]));
  return [...games].sort((a, b) => {
    const ya = year.get(a);
    const yb = year.get(b);
    if (ya !== yb) {
      if (ya === undefined) return 1;
      if (yb === undefined) return -1;
      return yb - ya;
    }
    return (a.title || a.gameId).localeCompare(b.title || b.gameId) || a.gameId.localeCompare(b.gameId);
  });
}

/**
 * One card per match: a finished live game (published live as `{gameId}-live`, scripts/publish.ts,
 * next to the recording it came from) has the same kind, title and participants as that
 * recording. Among finished games with the same kind, title and participants only one is kept:
 * the longest recording, then the shortest gameId. A live game is always kept (it is in
 * "Live now", not in its kind's section). Listing order is kept otherwise.
 */
export function dedupeGames(games: readonly CatalogGame[]): CatalogGame[] {
  const keyOf = (g: CatalogGame) => [g.kind, fold(g.title || g.gameId).trim(), ...(g.participants ?? []).map(fold)].join('\u0000');
  const best = new Map<string, CatalogGame>();
  const seenIds = new Set<string>();
  for (const g of games) {
    if (g.live || seenIds.has(g.gameId)) continue;
    seenIds.add(g.gameId);
    const k = keyOf(g);
    const cur = best.get(k);
    if (!cur || g.durationMs > cur.durationMs || (g.durationMs === cur.durationMs && g.gameId.length < cur.gameId.length)) best.set(k, g);
  }
  const kept = new Set(best.values());
  const liveIds = new Set<string>();
  return games.filter((g) => {
    if (g.live) {
      if (liveIds.has(g.gameId)) return false;
      liveIds.add(g.gameId);
      return true;
    }
    if (!kept.has(g)) return false;
    kept.delete(g); // the same object twice in a listing shows once
    return true;
  });
}

/** The live stream of a live game: `spectate:{gameId}` (docs/HTTP-API.md "Live games"). */
export function liveStreamId(gameId: string): string {
  return `spectate:${gameId}`;
}

/** A live game in "Live now", with the viewers of its live stream. */
export interface LiveEntry {
  game: CatalogGame;
  /** The live stream (`spectate:{gameId}`). */
  streamId: string;
  /** Connections watching it now (0 when the listing has no stream for it yet). */
  clients: number;
}

/** The catalog page's content, in page order. */
export interface CatalogLayout {
  /** Live games (`live: true`), matching the search, in listing order. */
  liveNow: LiveEntry[];
  /** Streams not yet started (`scheduled`, `awaiting_start`), soonest `startsAt` first. */
  comingUp: CatalogStream[];
  /** Other shared streams running now that a viewer may join (see {@link isJoinable}). */
  running: CatalogStream[];
  /**
   * Finished / recorded games by kind section, each sorted by {@link sortGames}, and the events
   * (tournaments) among them as one card each ({@link eventCards}: their games are not listed
   * one by one); sections with neither are left out.
   */
  sections: { kind: KindSection; games: CatalogGame[]; events: EventCard[] }[];
  /** Viewers of each game's own spectate stream (`spectate:{gameId}`), for "N watching" on its card. */
  watching: Map<string, number>;
  /** How many games matched the search (live and recorded). */
  matched: number;
}

/**
 * Whether a running stream is offered with a Join button. The listing has no "private" flag, so
 * this goes by what it has: only `spectate` streams are shared broadcasts (a `pvai` stream is one
 * viewer's own replay, a `pvp` room is joined by its invite link); a stream that has ended or
 * failed, or has 0 viewers and is not a live game's, is not offered.
 */
export function isJoinable(s: CatalogStream, liveGameIds: ReadonlySet<string>): boolean {
  if (s.mode !== 'spectate') return false;
  if (s.status === 'ended' || s.status === 'failed') return false;
  return s.clients > 0 || liveGameIds.has(s.gameId);
}

/**
 * Lay the catalog out: "Live now" (live games), "Coming up" (scheduled streams), "Watching now"
 * (other shared streams with viewers), then the recorded games by kind, filtered by `query`.
 * A game's own spectate stream (`spectate:{gameId}`) is its card (the Watch button joins it),
 * never a second card; scheduled streams and running streams are filtered by their game's match
 * (or their own title) too.
 */
export function layoutCatalog(cat: CatalogMessage, query: CatalogQuery): CatalogLayout {
  const games = dedupeGames(cat.games);
  const byId = new Map(cat.games.map((g) => [g.gameId, g]));
  const liveIds = new Set(games.filter((g) => g.live).map((g) => g.gameId));
  const inKind = (g: CatalogGame | undefined) => query.kind === 'all' || (g !== undefined && kindSection(g.kind) === query.kind);
  const gameMatches = (g: CatalogGame) => inKind(g) && matchesQuery(g, query.q);
  const streamMatches = (s: CatalogStream) => {
    const g = byId.get(s.gameId);
    if (!inKind(g)) return false;
    const probe: CatalogGame = { gameId: s.gameId, kind: g?.kind ?? '', title: [s.title, g?.title].filter(Boolean).join(' '), durationMs: 0, participants: g?.participants ?? [] };
    return matchesQuery(probe, query.q);
  };
  const watching = new Map<string, number>();
  for (const s of cat.streams) {
    if (s.streamId === liveStreamId(s.gameId) && !isPreStart(s.status)) watching.set(s.gameId, (watching.get(s.gameId) ?? 0) + s.clients);
  }
  const live = games.filter((g) => g.live && gameMatches(g));
  const liveNow = live.map((game) => ({ game, streamId: liveStreamId(game.gameId), clients: watching.get(game.gameId) ?? 0 }));
  const comingUp = cat.streams
    .filter((s) => isPreStart(s.status) && streamMatches(s))
    .sort((a, b) => (a.startsAt ?? Infinity) - (b.startsAt ?? Infinity));
  const running = cat.streams.filter(
    (s) => !isPreStart(s.status) && s.streamId !== liveStreamId(s.gameId) && isJoinable(s, liveIds) && streamMatches(s),
  );
  const recorded = games.filter((g) => !g.live && gameMatches(g));
  const brackets = bracketEventIds(games);
  const events = eventCards(recorded.filter((g) => g.event && brackets.has(g.event.id)));
  const single = recorded.filter((g) => !g.event || !brackets.has(g.event.id));
  const sections = KIND_SECTIONS.map((kind) => ({ kind, games: sortGames(single.filter((g) => kindSection(g.kind) === kind)), events: events.filter((e) => e.kind === kind) })).filter(
    (s) => s.games.length > 0 || s.events.length > 0,
  );
  return { liveNow, comingUp, running, sections, watching, matched: live.length + recorded.length };
}

/** A tournament in the catalog: one card, "2012 French Open — bracket", linking to its bracket (`#/event/{id}`). */
export interface EventCard {
  /** The event's id (catalog game `event.id`). */
  id: string;
  /** "2012 French Open". */
  name: string;
  /** The section its games are in (the kind of its first game). */
  kind: KindSection;
  /** How many of its games are in `games` (those matching the search). */
  matchCount: number;
  /** Draws, e.g. ["men's singles", "women's singles"]. */
  draws: string[];
}

/**
 * The events with a bracket: those with at least two recorded games in the catalog (a final
 * ingested alone keeps its own card). Returns their ids.
 */
export function bracketEventIds(games: readonly CatalogGame[]): Set<string> {
  const count = new Map<string, number>();
  for (const g of games) if (g.event && !g.live) count.set(g.event.id, (count.get(g.event.id) ?? 0) + 1);
  return new Set([...count].filter(([, n]) => n >= 2).map(([id]) => id));
}

/**
 * The events (catalog game `event`) among `games`, one {@link EventCard} each, newest name
 * first by the year it holds, then by name: a tournament's 172 matches are one card, never 172.
 */
export function eventCards(games: readonly CatalogGame[]): EventCard[] {
  const by = new Map<string, EventCard>();
  for (const g of games) {
    if (!g.event) continue;
    const cur = by.get(g.event.id);
    if (!cur) by.set(g.event.id, { id: g.event.id, name: g.event.name, kind: kindSection(g.kind), matchCount: 1, draws: [g.event.draw] });
    else {
      cur.matchCount++;
      if (!cur.draws.includes(g.event.draw)) cur.draws.push(g.event.draw);
    }
  }
  const year = (e: EventCard) => titleFacts(e.name).year ?? 0;
  return [...by.values()].map((e) => ({ ...e, draws: [...e.draws].sort() })).sort((a, b) => year(b) - year(a) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** What {@link CatalogPages.add} says: ask for the page after (`next`: the `list` cursor), or the whole catalog (`done`). */
export type CatalogPageStep = { next: string } | { done: CatalogMessage; truncated: boolean };

/**
 * Collects the pages of one catalog (PROTOCOL.md `catalog`: a page carries `next` while more
 * follow) into one `catalog`: streams and games in page order, each id once (the first seen:
 * the lists may change between two pages). Bounded: after `maxPages` pages (default
 * MAX_CATALOG_PAGES, protocol/server.ts) it stops and reports what it has (`truncated`).
 * {@link reset} before each fresh `list` (one without a cursor).
 */
export class CatalogPages {
  private games: CatalogGame[] = [];
  private streams: CatalogStream[] = [];
  private pages = 0;

  constructor(private readonly maxPages: number = MAX_CATALOG_PAGES) {}

  /** Forget the pages collected so far (a fresh `list` is on its way). */
  reset(): void {
    this.games = [];
    this.streams = [];
    this.pages = 0;
  }

  /** Take one page; returns the cursor to ask for next, or the whole catalog (then starts afresh). */
  add(page: CatalogMessage): CatalogPageStep {
    this.pages++;
    this.games.push(...page.games);
    this.streams.push(...page.streams);
    if (page.next !== undefined && this.pages < this.maxPages) return { next: page.next };
    const unique = <T>(items: T[], id: (x: T) => string) => {
      const seen = new Set<string>();
      return items.filter((x) => !seen.has(id(x)) && seen.add(id(x)) !== undefined);
    };
    const done: CatalogMessage = { type: 'catalog', games: unique(this.games, (g) => g.gameId), streams: unique(this.streams, (s) => s.streamId) };
    const truncated = page.next !== undefined;
    this.reset();
    return { done, truncated };
  }
}
