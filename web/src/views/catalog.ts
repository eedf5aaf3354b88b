/**
 * Catalog view (`#/`): what matchcast is, a search box and a kind filter (kept in the URL as
 * `?q=…&kind=…` so a search can be shared), then "Live now" (live games) and "Coming up"
 * (scheduled streams: start time, a countdown ticking every second, viewers waiting, Join) when
 * they have entries, "Watching now" (other shared streams with viewers), and the recorded games
 * by kind, newest first. Each game card offers the three ways to watch, each saying what it
 * does and what runs now: Watch with everyone, Watch on my own, Watch party (core/watch.ts).
 * The rules (grouping, order, matching, card words without the result, which streams are
 * joinable, the ways' words) are pure, in core/catalog.ts and core/watch.ts.
 */
import type { CatalogMessage } from '../../../protocol/messages';
import {
  cardText,
  catalogQueryString,
  KIND_LABELS,
  KIND_SECTIONS,
  layoutCatalog,
  parseCatalogQuery,
  titleFacts,
  withoutSpoilers,
  type CatalogGame,
  type CatalogQuery,
  type CatalogStream,
  type EventCard,
  type KindFilter,
} from '../core/catalog';
import { modeLabel, statusLabel } from '../core/format';
import { canRetryNow, isUp, linkMessage, type LinkStatus } from '../core/link';
import { routeHash } from '../core/route';
import { countdownText, formatStartTime } from '../core/schedule';
import { WAY_NAMES, watchWays, waysText, type WatchWays } from '../core/watch';
import { clear, h, setText } from '../ui/dom';

/** Letters and digits of a private room's id (32: five random bits each, no 0/1/l/o to misread). */
const INVITE_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * A private PvP room's id, the invite link's secret (docs/PROTOCOL.md "pvp rooms"): 20
 * characters from the browser's CSPRNG (`crypto.getRandomValues`; 256 is a multiple of 32, so
 * unbiased), 100 bits — unguessable, so only those given the link take its seats.
 */
function inviteRoomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => INVITE_ALPHABET[b % 32]).join('');
}

/** What the catalog asks the app to do. */
export interface CatalogActions {
  refresh(): void;
  /** The server's time now (epoch ms): countdowns count to the server's `startsAt`. */
  now(): number;
  /** Connect now instead of at the end of the reconnection delay. */
  retryNow(): void;
}

/** How often the countdowns of scheduled streams are redrawn (ms). */
const COUNTDOWN_TICK_MS = 1000;

/** The catalog page. */
export class CatalogView {
  readonly root: HTMLElement;
  private readonly note: HTMLElement;
  private readonly noteText: HTMLElement;
  private readonly retryBtn: HTMLButtonElement;
  private readonly searchInput: HTMLInputElement;
  private readonly kindSelect: HTMLSelectElement;
  private readonly count: HTMLElement;
  private readonly liveSection: HTMLElement;
  private readonly live: HTMLElement;
  private readonly scheduledSection: HTMLElement;
  private readonly scheduled: HTMLElement;
  private readonly runningSection: HTMLElement;
  private readonly running: HTMLElement;
  private readonly kinds: HTMLElement;
  private readonly noMatch: HTMLElement;
  /** The last catalog shown; undefined until the first arrives. */
  private catalog: CatalogMessage | undefined;
  private link: LinkStatus = { state: 'connecting' };
  private query: CatalogQuery;
  private readonly timer: number;

  constructor(private readonly actions: CatalogActions) {
    this.query = parseCatalogQuery(location.search);
    this.noteText = h('span', {}, 'Loading the catalog…');
    this.retryBtn = h('button', { class: 'btn', type: 'button', hidden: true, 'data-testid': 'catalog-retry', onclick: () => this.actions.retryNow() }, 'Retry now');
    this.note = h('p', { class: 'muted catalog-note', 'data-testid': 'catalog-note', role: 'status' }, this.noteText, ' ', this.retryBtn);

    this.searchInput = h('input', {
      id: 'catalog-q', class: 'catalog-q', type: 'search', name: 'q', autocomplete: 'off', spellcheck: 'false',
      placeholder: 'e.g. Federer, Mumbai, 2013', value: this.query.q, 'data-testid': 'catalog-search',
    });
    this.searchInput.value = this.query.q;
    this.searchInput.addEventListener('input', () => this.setQuery({ ...this.query, q: this.searchInput.value }));
    this.kindSelect = h(
      'select',
      { id: 'catalog-kind', class: 'catalog-kind', name: 'kind', 'data-testid': 'catalog-kind' },
      h('option', { value: 'all' }, 'All kinds'),
      ...KIND_SECTIONS.map((k) => h('option', { value: k }, KIND_LABELS[k])),
    );
    this.kindSelect.value = this.query.kind;
    this.kindSelect.addEventListener('change', () => this.setQuery({ ...this.query, kind: this.kindSelect.value as KindFilter }));
    this.count = h('p', { class: 'muted catalog-count', 'data-testid': 'catalog-count', role: 'status' });
    const clearBtn = h('button', { class: 'btn', type: 'button', 'data-testid': 'catalog-clear', onclick: () => this.clearSearch() }, 'Clear the search');
    this.noMatch = h('p', { class: 'muted', hidden: true, 'data-testid': 'catalog-no-match' }, 'No game matches this search. ', clearBtn);
    const form = h(
      'form',
      { class: 'catalog-search', role: 'search', 'aria-label': 'Search the catalog', onsubmit: (e: Event) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: 'catalog-q' }, 'Search by title, player or team'), this.searchInput),
      h('div', { class: 'field' }, h('label', { for: 'catalog-kind' }, 'Kind'), this.kindSelect),
    );

    this.live = h('ul', { class: 'game-list', 'data-testid': 'streams', 'aria-labelledby': 'live-now-title' });
    this.liveSection = h('section', { class: 'catalog-section', hidden: true, 'data-testid': 'live-now', 'aria-labelledby': 'live-now-title' }, h('h2', { id: 'live-now-title' }, 'Live now'), this.live);
    this.scheduled = h('ul', { class: 'stream-list', 'data-testid': 'scheduled', 'aria-labelledby': 'coming-up-title' });
    this.scheduledSection = h('section', { class: 'catalog-section', hidden: true, 'data-testid': 'coming-up', 'aria-labelledby': 'coming-up-title' }, h('h2', { id: 'coming-up-title' }, 'Coming up'), this.scheduled);
    this.running = h('ul', { class: 'stream-list', 'data-testid': 'running', 'aria-labelledby': 'running-title' });
    this.runningSection = h(
      'section',
      { class: 'catalog-section', hidden: true, 'data-testid': 'running-now', 'aria-labelledby': 'running-title' },
      h('h2', { id: 'running-title' }, 'Watching now'),
      h('p', { class: 'muted section-note' }, 'Recordings other viewers are watching together right now: join to watch along, at their pace.'),
      this.running,
    );
    this.kinds = h('div', { class: 'catalog-kinds', 'data-testid': 'games' });

    this.root = h(
      'main',
      { class: 'catalog', 'data-testid': 'catalog', 'aria-labelledby': 'catalog-title' },
      h(
        'div',
        { class: 'catalog-head' },
        h(
          'div',
          { class: 'catalog-intro' },
          h('h1', { id: 'catalog-title' }, 'Matches'),
          h(
            'p',
            { class: 'catalog-about', 'data-testid': 'catalog-about' },
            'matchcast plays recorded games — tennis point by point, cricket ball by ball, chess move by move, terminal sessions — as if they were happening now, and live games as they happen. Watch with everyone (one shared stream, at its pace), watch on your own (your speed, pause and seek), or start a watch party (an invite link: the two of you share the controls).',
          ),
        ),
        h('button', { class: 'btn ghost', type: 'button', 'aria-label': 'Refresh the catalog', onclick: () => this.actions.refresh() }, '↻ Refresh'),
      ),
      form,
      this.note,
      this.count,
      this.noMatch,
      this.liveSection,
      this.scheduledSection,
      this.runningSection,
      this.kinds,
    );
    this.timer = window.setInterval(() => this.tick(), COUNTDOWN_TICK_MS);
  }

  /** Stop the countdown timer (the view is left). */
  destroy(): void {
    window.clearInterval(this.timer);
  }

  /**
   * The connection changed (or its countdown ticked): while the server is out of reach the note
   * says so, with the countdown to the next attempt and a Retry now button, instead of
   * "Loading the catalog…" for ever; the games already shown stay, marked as possibly out of date.
   */
  setLink(link: LinkStatus): void {
    this.link = link;
    this.showNote();
  }

  private showNote(): void {
    const cat = this.catalog;
    const up = isUp(this.link);
    this.note.dataset.state = up ? (cat ? 'loaded' : 'loading') : 'down';
    this.retryBtn.hidden = up || !canRetryNow(this.link);
    if (!up) {
      setText(this.noteText, `${linkMessage(this.link)}${cat ? ' The list below may be out of date.' : ''}`);
      this.note.hidden = false;
      return;
    }
    setText(this.noteText, !cat ? 'Loading the catalog…' : cat.games.length === 0 ? 'No games have been uploaded yet.' : '');
    this.note.hidden = cat !== undefined && cat.games.length > 0;
  }

  /** A new search or kind: keep it in the URL (`?q=…&kind=…`, the hash route unchanged) and redraw. */
  private setQuery(query: CatalogQuery): void {
    this.query = query;
    const url = `${location.pathname}${catalogQueryString(query)}${location.hash}`;
    if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(history.state, '', url);
    if (this.catalog) this.render(this.catalog);
  }

  private clearSearch(): void {
    this.searchInput.value = '';
    this.kindSelect.value = 'all';
    this.setQuery({ q: '', kind: 'all' });
    this.searchInput.focus();
  }

  /** Render a `catalog` message. */
  update(cat: CatalogMessage): void {
    this.catalog = cat;
    this.showNote();
    this.render(cat);
  }

  private render(cat: CatalogMessage): void {
    clear(this.live);
    clear(this.scheduled);
    clear(this.running);
    clear(this.kinds);
    const layout = layoutCatalog(cat, this.query);
    const titles = new Map(cat.games.map((g) => [g.gameId, g.title]));

    this.liveSection.hidden = layout.liveNow.length === 0;
    const ways = (gameId: string) => watchWays(gameId, cat.streams);
    for (const e of layout.liveNow) this.live.appendChild(gameCard(e.game, ways(e.game.gameId), e.streamId));

    this.scheduledSection.hidden = layout.comingUp.length === 0;
    const now = this.actions.now();
    for (const s of layout.comingUp) this.scheduled.appendChild(scheduledCard(s, streamTitle(s, titles), now));
    this.tick();

    this.runningSection.hidden = layout.running.length === 0;
    for (const s of layout.running) this.running.appendChild(runningCard(s, streamTitle(s, titles)));

    for (const section of layout.sections) {
      const id = `kind-${section.kind}-title`;
      this.kinds.appendChild(
        h(
          'section',
          { class: 'catalog-section', 'data-testid': 'kind-section', 'data-kind': section.kind, 'aria-labelledby': id },
          h('h2', { id }, KIND_LABELS[section.kind]),
          h('ul', { class: 'game-list', 'aria-labelledby': id }, ...section.events.map(eventCard), ...section.games.map((g) => gameCard(g, ways(g.gameId)))),
        ),
      );
    }

    const filtering = this.query.q.trim() !== '' || this.query.kind !== 'all';
    const total = cat.games.length > 0;
    this.noMatch.hidden = !(filtering && total && layout.matched === 0 && layout.comingUp.length === 0 && layout.running.length === 0);
    setText(this.count, filtering && total ? `${layout.matched} game${layout.matched === 1 ? '' : 's'} match${layout.matched === 1 ? 'es' : ''} this search.` : '');
    this.count.hidden = !(filtering && total);
  }

  /** Redraw the countdowns of the scheduled streams ("Starts in 1:23", then "Starting…"). */
  private tick(): void {
    const now = this.actions.now();
    for (const el of this.scheduled.querySelectorAll<HTMLElement>('[data-starts-at]')) {
      setText(el, countdownText(Number(el.dataset.startsAt), now));
    }
  }

  /** Show a problem in place of the list. */
  showError(text: string): void {
    this.note.hidden = false;
    this.note.textContent = text;
  }
}

/** A stream's title as shown: its own, else its game's, else its game id — the result cut off. */
function streamTitle(s: CatalogStream, titles: ReadonlyMap<string, string>): string {
  return withoutSpoilers(s.title || titles.get(s.gameId) || s.gameId) || s.gameId;
}

/**
 * A game's card: kind, year and round when the title tells them, title, players or teams,
 * length — never the result (core/catalog.ts `cardText`) — then the ways to watch it, each
 * with what it does and what runs now (core/watch.ts): Watch with everyone (the shared stream,
 * `spectate`), Watch on my own (`pvai`: speed, pause, seek), Watch party (`pvp`: an invite
 * link, the first two share the controls). A live game's card (in "Live now") carries its live
 * stream's id and the LIVE badge; its shared stream is the live one, and From the start plays
 * the viewer's own replay from 0.
 */
function gameCard(g: CatalogGame, ways: WatchWays, liveStreamId?: string): HTMLElement {
  const text = cardText(g);
  const facts = titleFacts(text.title);
  const when = [facts.year, facts.round].filter((x) => x !== undefined).join(' · ');
  const room = inviteRoomId();
  const title = text.title;
  const words = waysText(ways, g.live === true);
  const way = (name: keyof WatchWays, link: HTMLElement, note: string, extra?: HTMLElement | null) =>
    h('div', { class: 'way', 'data-way': name }, h('div', { class: 'way-buttons' }, link, extra ?? null), h('span', { class: 'way-note', 'data-testid': `way-${name}` }, note));
  const sharedName = g.live ? 'Watch live with everyone' : WAY_NAMES.shared;
  return h(
    'li',
    { class: 'game card', 'data-testid': 'game', 'data-game-id': g.gameId, 'data-stream-id': liveStreamId, 'data-year': facts.year },
    h(
      'div',
      { class: 'game-info' },
      h('span', { class: `kind kind-${safeClass(g.kind)}` }, text.kind),
      g.live ? liveBadge() : null,
      when ? h('span', { class: 'when', 'data-testid': 'when' }, when) : null,
      h('h3', { class: 'game-title' }, title),
      // Players or teams, unless the title already names them as "A v B".
      text.sides && !title.includes(text.sides) ? h('p', { class: 'participants' }, text.sides) : null,
      h('p', { class: 'meta' }, h('span', { class: 'num', 'data-testid': 'length' }, g.live ? text.length : `Length ${text.length}`)),
    ),
    h(
      'div',
      { class: 'game-actions ways', role: 'group', 'aria-label': `Ways to watch ${title}` },
      way(
        'shared',
        h('a', { class: 'btn primary', href: routeHash({ name: 'watch', gameId: g.gameId, mode: 'spectate' }), 'aria-label': `${sharedName}: ${title}`, 'data-action': 'watch' }, `▶ ${sharedName}`),
        words.shared,
      ),
      way(
        'own',
        h('a', { class: 'btn', href: routeHash({ name: 'watch', gameId: g.gameId, mode: 'pvai' }), 'aria-label': `${WAY_NAMES.own}: ${title}`, 'data-action': 'pvai' }, WAY_NAMES.own),
        words.own,
        g.live
          ? h('a', { class: 'btn', href: routeHash({ name: 'watch', gameId: g.gameId, mode: 'spectate', atMs: 0 }), 'aria-label': `From the start: ${title}`, 'data-action': 'from-start' }, 'From the start')
          : null,
      ),
      way(
        'party',
        h('a', { class: 'btn', href: routeHash({ name: 'room', gameId: g.gameId, room }), 'aria-label': `${WAY_NAMES.party}: ${title}`, 'data-action': 'pvp' }, WAY_NAMES.party),
        words.party,
      ),
    ),
  );
}

/** A tournament's card: its name, draws and match count, and a link to its bracket (`#/event/{id}`) — one card instead of one per match. */
function eventCard(e: EventCard): HTMLElement {
  const label = `${e.name} — bracket`;
  return h(
    'li',
    { class: 'game card event-card', 'data-testid': 'event-card', 'data-event-id': e.id },
    h(
      'div',
      { class: 'game-info' },
      h('span', { class: `kind kind-${safeClass(e.kind)}` }, 'tournament'),
      h('h3', { class: 'game-title' }, label),
      h('p', { class: 'meta' }, `${e.matchCount} match${e.matchCount === 1 ? '' : 'es'} · ${e.draws.join(', ')}`),
    ),
    h('div', { class: 'game-actions' }, h('a', { class: 'btn primary', href: routeHash({ name: 'event', eventId: e.id }), 'aria-label': `Open the bracket: ${e.name}`, 'data-action': 'bracket' }, 'Open the bracket')),
  );
}

/** A scheduled stream: start time, countdown (redrawn by `tick`), viewers waiting, Join. */
function scheduledCard(s: CatalogStream, title: string, now: number): HTMLElement {
  const countdown = h('span', { class: 'num countdown', 'data-testid': 'countdown' });
  if (s.startsAt !== undefined) countdown.dataset.startsAt = String(s.startsAt);
  return h(
    'li',
    { class: 'stream card', 'data-testid': 'scheduled-stream', 'data-stream-id': s.streamId, 'data-status': s.status },
    h('span', { class: `status-dot status-${safeClass(s.status)}`, 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'stream-info' },
      h('span', { class: 'stream-title' }, title),
      h(
        'span',
        { class: 'meta' },
        s.startsAt !== undefined ? h('span', { 'data-testid': 'starts-at' }, `${formatStartTime(s.startsAt, now)} · `) : `${statusLabel(s.status)} · `,
        s.startsAt !== undefined ? countdown : null,
        s.startsAt !== undefined ? ' · ' : null,
        h('span', { class: 'num', 'data-testid': 'viewers' }, `${s.clients} waiting`),
      ),
    ),
    h('a', { class: 'btn', href: routeHash({ name: 'stream', streamId: s.streamId }), 'aria-label': `Join: ${title} (scheduled)`, 'data-action': 'join' }, 'Join'),
  );
}

/** A shared stream of a recording that others are watching now: mode, status, viewers, Join. No LIVE badge: it is a replay. */
function runningCard(s: CatalogStream, title: string): HTMLElement {
  return h(
    'li',
    { class: 'stream card', 'data-testid': 'stream', 'data-stream-id': s.streamId },
    h('span', { class: `status-dot status-${safeClass(s.status)}`, 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'stream-info' },
      h('span', { class: 'stream-title' }, title),
      h('span', { class: 'meta' }, `Replay · ${modeLabel(s.mode)} · ${statusLabel(s.status)} · `, h('span', { class: 'num', 'data-testid': 'viewers' }, `${s.clients} watching`)),
    ),
    h('a', { class: 'btn', href: routeHash({ name: 'stream', streamId: s.streamId }), 'aria-label': `Join: ${title}`, 'data-action': 'join' }, 'Join'),
  );
}

/** The red LIVE mark of a game whose frames are still being published. */
function liveBadge(): HTMLElement {
  return h('span', { class: 'live-badge', 'data-testid': 'live-badge' }, 'LIVE');
}

function safeClass(s: string): string {
  return s.replace(/[^a-z0-9-]/gi, '').slice(0, 20) || 'x';
}
