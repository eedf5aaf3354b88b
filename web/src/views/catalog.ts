/**
 * Catalog view (`#/`): the games (title, kind, duration; live games marked LIVE) with Watch /
 * Play vs AI / PvP room, the scheduled streams coming up (start time, a countdown ticking
 * every second, viewers waiting, Join), and the streams running now with their viewer counts
 * and a Join button.
 */
import type { CatalogMessage } from '../../../protocol/messages';
import { formatDuration, modeLabel, statusLabel } from '../core/format';
import { canRetryNow, isUp, linkMessage, type LinkStatus } from '../core/link';
import { newRoomId, routeHash } from '../core/route';
import { countdownText, formatStartTime, isPreStart } from '../core/schedule';
import { clear, h, setText } from '../ui/dom';

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
  private readonly games: HTMLElement;
  private readonly streams: HTMLElement;
  private readonly note: HTMLElement;
  private readonly noteText: HTMLElement;
  private readonly retryBtn: HTMLButtonElement;
  /** The last catalog shown; undefined until the first arrives. */
  private catalog: CatalogMessage | undefined;
  private link: LinkStatus = { state: 'connecting' };
  private readonly scheduled: HTMLElement;
  private readonly scheduledHead: HTMLElement;
  private readonly timer: number;

  constructor(private readonly actions: CatalogActions) {
    this.noteText = h('span', {}, 'Loading the catalog…');
    this.retryBtn = h('button', { class: 'btn', type: 'button', hidden: true, 'data-testid': 'catalog-retry', onclick: () => this.actions.retryNow() }, 'Retry now');
    this.note = h('p', { class: 'muted catalog-note', 'data-testid': 'catalog-note', role: 'status' }, this.noteText, ' ', this.retryBtn);
    this.games = h('ul', { class: 'game-list', 'data-testid': 'games', 'aria-label': 'Recorded games' });
    this.streams = h('ul', { class: 'stream-list', 'data-testid': 'streams', 'aria-label': 'Streams running now' });
    this.scheduledHead = h('h2', { hidden: true }, 'Coming up');
    this.scheduled = h('ul', { class: 'stream-list', 'data-testid': 'scheduled', 'aria-label': 'Scheduled streams', hidden: true });
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
      this.scheduledHead,
      this.scheduled,
      h('h2', {}, 'Live now'),
      this.streams,
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

  /** Render a `catalog` message. */
  update(cat: CatalogMessage): void {
    clear(this.games);
    clear(this.streams);
    clear(this.scheduled);
    this.catalog = cat;
    this.showNote();
    const titles = new Map(cat.games.map((g) => [g.gameId, g.title]));
    const liveGames = new Set(cat.games.filter((g) => g.live === true).map((g) => g.gameId));
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
            g.live ? liveBadge() : null,
            h('h3', { class: 'game-title' }, g.title || g.gameId),
            g.participants && g.participants.length ? h('p', { class: 'participants' }, g.participants.join(' v ')) : null,
            h(
              'p',
              { class: 'meta' },
              g.live
                ? h('span', { class: 'num', 'aria-label': `${formatDuration(g.durationMs)} so far` }, `${formatDuration(g.durationMs)} so far`)
                : h('span', { class: 'num', 'aria-label': `Duration ${formatDuration(g.durationMs)}` }, formatDuration(g.durationMs)),
              watching > 0 ? h('span', { class: 'live-dot-text' }, ` · ${watching} watching`) : null,
            ),
          ),
          h(
            'div',
            { class: 'game-actions' },
            h('a', { class: 'btn primary', href: routeHash({ name: 'watch', gameId: g.gameId, mode: 'spectate' }), 'aria-label': `Watch ${g.title}`, 'data-action': 'watch' }, '▶ Watch'),
            h('a', { class: 'btn', href: routeHash({ name: 'watch', gameId: g.gameId, mode: 'pvai' }), 'aria-label': `Play vs AI: ${g.title}`, 'data-action': 'pvai' }, 'Play vs AI'),
            h('a', { class: 'btn', href: routeHash({ name: 'room', gameId: g.gameId, room }), 'aria-label': `Open a PvP room for ${g.title}`, 'data-action': 'pvp' }, 'PvP room'),
          ),
        ),
      );
    }
    const upcoming = cat.streams.filter((s) => isPreStart(s.status)).sort((a, b) => (a.startsAt ?? Infinity) - (b.startsAt ?? Infinity));
    const running = cat.streams.filter((s) => !isPreStart(s.status));
    this.scheduled.hidden = this.scheduledHead.hidden = upcoming.length === 0;
    const now = this.actions.now();
    for (const s of upcoming) {
      const title = s.title || titles.get(s.gameId) || s.gameId;
      const countdown = h('span', { class: 'num countdown', 'data-testid': 'countdown' });
      if (s.startsAt !== undefined) countdown.dataset.startsAt = String(s.startsAt);
      this.scheduled.appendChild(
        h(
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
          h('a', { class: 'btn', href: routeHash({ name: 'stream', streamId: s.streamId }), 'aria-label': `Join ${title} (scheduled)`, 'data-action': 'join' }, 'Join'),
        ),
      );
    }
    this.tick();
    if (running.length === 0) {
      this.streams.appendChild(h('li', { class: 'muted' }, 'Nothing is streaming right now — start one above.'));
    }
    for (const s of running) {
      this.streams.appendChild(
        h(
          'li',
          { class: 'stream card', 'data-testid': 'stream', 'data-stream-id': s.streamId },
          h('span', { class: `status-dot status-${safeClass(s.status)}`, 'aria-hidden': 'true' }),
          h(
            'div',
            { class: 'stream-info' },
            h('span', { class: 'stream-title' }, liveGames.has(s.gameId) ? liveBadge() : null, s.title || titles.get(s.gameId) || s.gameId),
            h('span', { class: 'meta' }, `${modeLabel(s.mode)} · ${statusLabel(s.status)} · `, h('span', { class: 'num', 'data-testid': 'viewers' }, `${s.clients} watching`)),
          ),
          h('a', { class: 'btn', href: routeHash({ name: 'stream', streamId: s.streamId }), 'aria-label': `Join stream ${s.streamId}`, 'data-action': 'join' }, 'Join'),
        ),
      );
    }
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

/** The red LIVE mark of a game whose frames are still being published. */
function liveBadge(): HTMLElement {
  return h('span', { class: 'live-badge', 'data-testid': 'live-badge', 'aria-label': 'Live' }, 'LIVE');
}

function safeClass(s: string): string {
  return s.replace(/[^a-z0-9-]/gi, '').slice(0, 20) || 'x';
}
