/**
 * Catalog view (`#/`): the games (title, kind, duration) with Watch / Play vs AI / PvP room,
 * and the streams running now with their viewer counts and a Join button.
 */
import type { CatalogMessage } from '../../../lambda/core/protocol';
import { formatDuration, modeLabel, statusLabel } from '../core/format';
import { newRoomId, routeHash } from '../core/route';
import { clear, h } from '../ui/dom';

/** What the catalog asks the app to do. */
export interface CatalogActions {
  refresh(): void;
}

/** The catalog page. */
export class CatalogView {
  readonly root: HTMLElement;
  private readonly games: HTMLElement;
  private readonly streams: HTMLElement;
  private readonly note: HTMLElement;

  constructor(private readonly actions: CatalogActions) {
    this.note = h('p', { class: 'muted', 'data-testid': 'catalog-note' }, 'Loading the catalog…');
    this.games = h('ul', { class: 'game-list', 'data-testid': 'games', 'aria-label': 'Recorded games' });
    this.streams = h('ul', { class: 'stream-list', 'data-testid': 'streams', 'aria-label': 'Streams running now' });
    this.root = h(
      'main',
      { class: 'catalog', 'data-testid': 'catalog', 'aria-labelledby': 'catalog-title' },
      h(
        'div',
        { class: 'catalog-head' },
        h('h1', { id: 'catalog-title' }, 'Matches'),
        h('button', { class: 'btn ghost', type: 'button', 'aria-label': 'Refresh the catalog', onclick: () => this.actions.refresh() }, '↻ Refresh'),
      ),
      this.note,
      this.games,
      h('h2', {}, 'Live now'),
      this.streams,
    );
  }

  /** Render a `catalog` message. */
  update(cat: CatalogMessage): void {
    clear(this.games);
    clear(this.streams);
    this.note.textContent = cat.games.length === 0 ? 'No games have been uploaded yet.' : '';
    this.note.hidden = cat.games.length > 0;
    const titles = new Map(cat.games.map((g) => [g.gameId, g.title]));
    for (const g of cat.games) {
      const room = newRoomId();
      const watching = cat.streams.filter((s) => s.gameId === g.gameId).reduce((n, s) => n + s.clients, 0);
      this.games.appendChild(
        h(
          'li',
          { class: 'game card', 'data-testid': 'game', 'data-game-id': g.gameId },
          h(
            'div',
            { class: 'game-info' },
            h('span', { class: `kind kind-${safeClass(g.kind)}` }, g.kind),
            h('h3', { class: 'game-title' }, g.title || g.gameId),
            g.participants && g.participants.length ? h('p', { class: 'participants' }, g.participants.join(' v ')) : null,
            h(
              'p',
              { class: 'meta' },
              h('span', { class: 'num', 'aria-label': `Duration ${formatDuration(g.durationMs)}` }, formatDuration(g.durationMs)),
              watching > 0 ? h('span', { class: 'live-dot-text' }, ` · ${watching} watching`) : null,
            ),
          ),
          h(
            'div',
            { class: 'game-actions' },
            h('a', { class: 'btn primary', href: routeHash({ name: 'watch', gameId: g.gameId, mode: 'spectate' }), 'aria-label': `Watch ${g.title}`, 'data-action': 'watch' }, '▶ Watch'),
            h('a', { class: 'btn', href: routeHash({ name: 'watch', gameId: g.gameId, mode: 'pvai' }), 'aria-label': `Play ${g.title} against the AI`, 'data-action': 'pvai' }, 'Play vs AI'),
            h('a', { class: 'btn', href: routeHash({ name: 'room', gameId: g.gameId, room }), 'aria-label': `Open a PvP room for ${g.title}`, 'data-action': 'pvp' }, 'PvP room'),
          ),
        ),
      );
    }
    if (cat.streams.length === 0) {
      this.streams.appendChild(h('li', { class: 'muted' }, 'Nothing is streaming right now — start one above.'));
    }
    for (const s of cat.streams) {
      this.streams.appendChild(
        h(
          'li',
          { class: 'stream card', 'data-testid': 'stream', 'data-stream-id': s.streamId },
          h('span', { class: `status-dot status-${safeClass(s.status)}`, 'aria-hidden': 'true' }),
          h(
            'div',
            { class: 'stream-info' },
            h('span', { class: 'stream-title' }, titles.get(s.gameId) ?? s.gameId),
            h('span', { class: 'meta' }, `${modeLabel(s.mode)} · ${statusLabel(s.status)} · `, h('span', { class: 'num' }, `${s.clients} watching`)),
          ),
          h('a', { class: 'btn', href: routeHash({ name: 'stream', streamId: s.streamId }), 'aria-label': `Join stream ${s.streamId}`, 'data-action': 'join' }, 'Join'),
        ),
      );
    }
  }

  /** Show a problem in place of the list. */
  showError(text: string): void {
    this.note.hidden = false;
    this.note.textContent = text;
  }
}

function safeClass(s: string): string {
  return s.replace(/[^a-z0-9-]/gi, '').slice(0, 20) || 'x';
}
