/**
 * Bracket view (`#/event/{eventId}`): a tournament from the catalog, one block per draw, one
 * column per round, each match a card at its draw place (core/bracket.ts `layoutDraw`: a grid
 * whose rows line a match up between the two it is fed by; a place the data has no match for
 * says "Not in the recording") with its two players and "Watch on my own" (the viewer's own
 * replay). The rounds scroll sideways inside their block on a narrow screen. Results are never
 * shown by default: a match's winner appears once the viewer has seen it end (its stream ended
 * `finished` in front of them, or a "Replay the tournament" stream of it ended), or for every
 * match with "Show results".
 *
 * "Replay the tournament" schedules the next round of a draw as scheduled streams
 * (docs/HTTP-API.md `POST /streams`, with an operator token: spectate, at the chosen speed, starting
 * together after the chosen "Starts in", 10 s to 5 min)
 * and fills the bracket in as they end, from the catalog listing it refreshes while open (a
 * stream is listed until it ends). Matches the operator's quota of scheduled streams refuses
 * (`429 limit_exceeded`) wait for a free slot: while the bracket is open they are scheduled
 * again, at the speed asked for, once streams of this replay have ended (or a minute after the
 * refusal); a round counts done only when all its matches are scheduled. Any other refusal is
 * shown in the server's words and waits for "Retry". The rules are pure, in core/bracket.ts;
 * what this browser scheduled, what waits and what it saw is kept in localStorage.
 */
import './bracket.css';
import type { CatalogMessage } from '../../../protocol/messages';
import {
  advancer,
  buildBracket,
  EMPTY_REPLAY,
  endedEntries,
  isQuotaRefusal,
  layoutDraw,
  listedStreamIds,
  parseReplayState,
  quotaLimitOf,
  replayButton,
  replayRound,
  replayStatus,
  resultVisible,
  retryDue,
  roundTodo,
  withQuotaRefusal,
  withRefusal,
  withScheduled,
  type Bracket,
  type BracketDraw,
  type BracketMatch,
  type BracketSlot,
  type PendingMatch,
  type ReplayState,
} from '../core/bracket';
import { formatDuration } from '../core/format';
import { routeHash } from '../core/route';
import { formatStartTime } from '../core/schedule';
import { clear, h, setText } from '../ui/dom';

/** What the bracket asks the app for. */
export interface BracketActions {
  /** The whole catalog as last received, or null before the first. */
  catalog(): CatalogMessage | null;
  /** Ask for the catalog again (the view's `update` gets it). */
  refresh(): void;
  /** The server's time now (epoch ms). */
  now(): number;
  /** A bearer token with the operator role, for `POST /streams`; rejects in plain words. */
  token(): Promise<string>;
}

/** How often the catalog is asked for while the bracket is open (ms): its streams tell which matches ended. */
const REFRESH_MS = 5000;
/**
 * How far ahead a round may be scheduled ("Starts in", ms): time for viewers to open the streams
 * before the first point. The shortest stays well clear of the server's 5 s minimum
 * (lambda/core/schedule-request.ts MIN_SCHEDULE_LEAD_MS) after a round trip.
 */
const LEADS_MS = [10_000, 30_000, 60_000, 300_000] as const;
const DEFAULT_LEAD_MS = 30_000;
/** How far ahead matches that waited for a free slot are scheduled (ms), at most: the page is open already. */
const RETRY_LEAD_MS = 10_000;
/** The speeds offered for a tournament replay (PROTOCOL.md `speed`: 0.25–64). */
const SPEEDS = [1, 4, 16, 64] as const;
const DEFAULT_SPEED = 16;

const SEEN_KEY = 'matchcast.seen';
const replayKey = (eventId: string) => `matchcast.replay.${eventId}`;
/** Most game ids remembered as seen (a bound on localStorage). */
const MAX_SEEN = 2000;

function readJson<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or refused: the bracket then forgets on reload, nothing worse.
  }
}

/** The game ids this browser has seen end (localStorage). */
export function seenGames(): Set<string> {
  const v = readJson<unknown>(SEEN_KEY, []);
  return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
}

/** Remember that the viewer saw `gameIds` end (their results may then be shown in a bracket). */
export function markSeen(...gameIds: string[]): void {
  const seen = seenGames();
  const before = seen.size;
  for (const id of gameIds) seen.add(id);
  if (seen.size !== before) writeJson(SEEN_KEY, [...seen].slice(-MAX_SEEN));
}

/** The bracket page. */
export class BracketView {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly note: HTMLElement;
  private readonly body: HTMLElement;
  private readonly showAll: HTMLInputElement;
  private readonly speed: HTMLSelectElement;
  private readonly lead: HTMLSelectElement;
  private readonly timer: number;
  private state: ReplayState;
  private busy = false;
  /** Per draw: the last refusal that was not the quota's, in plain words (cleared by a scheduling that goes through). */
  private readonly errors = new Map<string, string>();
  private destroyed = false;

  constructor(
    private readonly eventId: string,
    private readonly actions: BracketActions,
  ) {
    this.state = parseReplayState(readJson<unknown>(replayKey(eventId), EMPTY_REPLAY));
    this.title = h('h1', { id: 'bracket-title', 'data-testid': 'bracket-title' }, 'Bracket');
    this.note = h('p', { class: 'muted', role: 'status', 'data-testid': 'bracket-note' }, 'Loading the catalog…');
    this.showAll = h('input', { type: 'checkbox', id: 'bracket-show', 'data-testid': 'bracket-show-results' });
    this.showAll.addEventListener('change', () => this.render());
    this.speed = h('select', { id: 'bracket-speed', 'data-testid': 'bracket-speed' }, ...SPEEDS.map((s) => h('option', { value: s }, `${s}×`)));
    this.speed.value = String(DEFAULT_SPEED);
    this.lead = h('select', { id: 'bracket-lead', 'data-testid': 'bracket-lead' }, ...LEADS_MS.map((ms) => h('option', { value: ms }, ms < 60_000 ? `${ms / 1000} s` : `${ms / 60_000} min`)));
    this.lead.value = String(DEFAULT_LEAD_MS);
    this.body = h('div', { class: 'bracket-draws', 'data-testid': 'bracket' });
    this.root = h(
      'main',
      { class: 'bracket-page', 'data-testid': 'bracket-page', 'aria-labelledby': 'bracket-title' },
      h('p', {}, h('a', { href: routeHash({ name: 'catalog' }) }, '← All matches')),
      this.title,
      h(
        'div',
        { class: 'bracket-tools' },
        h('label', { class: 'bracket-toggle' }, this.showAll, ' Show results'),
        h('label', { for: 'bracket-speed' }, 'Replay speed '),
        this.speed,
        h('label', { for: 'bracket-lead' }, 'Starts in '),
        this.lead,
      ),
      h(
        'p',
        { class: 'muted bracket-about' },
        'Results stay hidden until you have seen a match end. "Replay the tournament" schedules a round as shared streams that start together; the bracket fills in as they finish. Matches past the server\'s limit of scheduled streams wait, and are scheduled while this page is open as streams end.',
      ),
      this.note,
      this.body,
    );
    this.timer = window.setInterval(() => this.actions.refresh(), REFRESH_MS);
    const cat = this.actions.catalog();
    if (cat) this.update(cat);
  }

  /** Stop refreshing (the view is left). */
  destroy(): void {
    this.destroyed = true;
    window.clearInterval(this.timer);
  }

  /**
   * A new catalog: the matches whose replay streams have ended are seen; matches waiting for a
   * free slot are scheduled again when that is due (core/bracket.ts `retryDue`); redraw.
   */
  update(cat: CatalogMessage): void {
    const ended = this.ended(cat);
    if (ended.length > 0) markSeen(...ended);
    if (!this.busy && !this.destroyed && retryDue(this.state, ended.length, this.actions.now())) void this.schedule([...this.state.pending], Math.min(RETRY_LEAD_MS, this.leadMs()));
    this.render();
  }

  /** The game ids of this replay's streams that have ended, by `cat`'s listing. */
  private ended(cat: CatalogMessage | null = this.actions.catalog()): string[] {
    return cat ? endedEntries(this.state.entries, listedStreamIds(cat.streams), this.actions.now()) : [];
  }

  private save(state: ReplayState): void {
    this.state = state;
    writeJson(replayKey(this.eventId), state);
  }

  private bracket(): Bracket | undefined {
    const cat = this.actions.catalog();
    return cat ? buildBracket(cat.games, this.eventId) : undefined;
  }

  private render(): void {
    const cat = this.actions.catalog();
    const b = this.bracket();
    clear(this.body);
    if (!b) {
      setText(this.note, cat ? `No tournament "${this.eventId}" in the catalog.` : 'Loading the catalog…');
      this.note.hidden = false;
      return;
    }
    document.title = `matchcast — ${b.name} bracket`;
    setText(this.title, `${b.name} — bracket`);
    this.note.hidden = true;
    const seen = seenGames();
    // Shared streams only (a pvai stream is someone's own replay): scheduled ones are `spectate`.
    const streams = new Map(cat!.streams.filter((s) => s.mode === 'spectate').map((s) => [s.gameId, s.streamId]));
    const mine = new Map(this.state.entries.map((e) => [e.gameId, e.streamId]));
    const at = (ms: number) => formatStartTime(ms, this.actions.now());
    for (const draw of b.draws) {
      const id = `draw-${draw.draw.replace(/[^a-z]/gi, '')}`;
      const button = replayButton(draw, this.state);
      const round = replayRound(draw, this.state);
      const status = round ? replayStatus(round, this.state, at) : undefined;
      const error = this.errors.get(draw.draw);
      const btn = h(
        'button',
        { class: 'btn primary', type: 'button', 'data-testid': 'replay-round', disabled: !button.round || this.busy, onclick: () => void this.replayRound(draw.draw) },
        button.label,
      );
      const card = (m: BracketMatch) => this.card(draw, m, resultVisible(m, seen, this.showAll.checked), mine.get(m.gameId) ?? streams.get(m.gameId));
      this.body.appendChild(
        h(
          'section',
          { class: 'bracket-draw', 'data-testid': 'bracket-draw', 'data-draw': draw.draw, 'aria-labelledby': id },
          h('h2', { id }, draw.draw),
          h(
            'div',
            { class: 'bracket-replay' },
            btn,
            status ? h('span', { class: 'muted', role: 'status', 'data-testid': 'replay-status' }, status) : null,
            error ? h('span', { class: 'bracket-error', role: 'alert', 'data-testid': 'replay-error' }, error) : null,
          ),
          this.grid(draw, card),
        ),
      );
    }
  }

  /**
   * A draw's rounds on one grid (core/bracket.ts `layoutDraw`): a header row, then one row per
   * place of the draw's first round; each round a column whose slots span the rows of the places
   * that feed them (CSS subgrid, bracket.css), scrolling sideways inside its block.
   */
  private grid(draw: BracketDraw, card: (m: BracketMatch) => HTMLElement): HTMLElement {
    const layout = layoutDraw(draw);
    const grid = h('div', { class: 'bracket-grid', 'data-testid': 'bracket-grid', 'data-aligned': String(layout.aligned) });
    grid.style.gridTemplateColumns = `repeat(${layout.columns.length}, var(--bracket-col))`;
    grid.style.gridTemplateRows = `auto repeat(${layout.rows}, auto)`;
    layout.columns.forEach(({ round, slots }, i) => {
      const column = h(
        'section',
        { class: 'bracket-round', 'data-testid': 'bracket-round', 'data-round': round.roundNo, 'aria-label': `${draw.draw}, ${round.name}` },
        h('h3', {}, round.name),
        h('ol', { class: 'bracket-matches' }, ...slots.map((slot) => this.slot(slot, card))),
      );
      column.style.gridColumn = String(i + 1);
      column.style.gridRow = `1 / span ${layout.rows + 1}`;
      const list = column.lastElementChild as HTMLElement;
      list.style.gridRow = `2 / span ${layout.rows}`;
      grid.appendChild(column);
    });
    return h(
      'div',
      { class: 'bracket-rounds', role: 'region', tabindex: 0, 'aria-label': `${draw.draw}: the draw by round` },
      layout.aligned ? null : h('p', { class: 'muted' }, 'This draw has too many places to line up by place: its matches are listed round by round.'),
      grid,
    );
  }

  /** One draw place: its match (two when the data holds the place twice), or "Not in the recording". */
  private slot(slot: BracketSlot, card: (m: BracketMatch) => HTMLElement): HTMLElement {
    const li = h(
      'li',
      { class: 'bracket-slot', 'data-testid': 'bracket-slot', 'data-place': slot.place },
      ...(slot.matches.length > 0 ? slot.matches.map(card) : [h('span', { class: 'bracket-empty', 'data-testid': 'bracket-empty' }, 'Not in the recording')]),
    );
    li.style.gridRow = `${slot.row} / span ${slot.span}`;
    return li;
  }

  /** A match's card: its two players (the winner marked when the result may be shown), its length, Watch on my own, Join when a stream of it is listed. */
  private card(draw: BracketDraw, m: BracketMatch, visible: boolean, streamId: string | undefined): HTMLElement {
    const won = visible ? advancer(draw, m) : undefined;
    const player = (i: 1 | 2) =>
      h('li', { class: `bracket-player${won === i ? ' won' : ''}`, 'data-testid': 'bracket-player', 'data-won': won === i ? 'true' : undefined }, m.players[i - 1], won === i ? h('span', { class: 'sr-only' }, ' (won)') : null);
    const listed = streamId !== undefined && (this.actions.catalog()?.streams.some((s) => s.streamId === streamId) ?? false);
    return h(
      'article',
      { class: 'bracket-match card', 'data-testid': 'bracket-match', 'aria-label': `${m.players[0]} v ${m.players[1]}`, 'data-game-id': m.gameId, 'data-place': m.event.place, 'data-result': visible ? 'shown' : 'hidden' },
      h('ul', { class: 'bracket-players', 'aria-label': `${m.players[0]} v ${m.players[1]}` }, player(1), player(2)),
      h(
        'p',
        { class: 'bracket-actions' },
        h('span', { class: 'muted num' }, formatDuration(m.durationMs)),
        ' ',
        h('a', { href: routeHash({ name: 'watch', gameId: m.gameId, mode: 'pvai' }), 'data-action': 'watch-own', 'aria-label': `Watch on my own: ${m.players[0]} v ${m.players[1]}` }, 'Watch on my own'),
        listed ? ' · ' : null,
        listed ? h('a', { href: routeHash({ name: 'stream', streamId: streamId! }), 'data-action': 'join', 'aria-label': `Join the stream: ${m.players[0]} v ${m.players[1]}` }, 'Join') : null,
      ),
    );
  }

  /** The "Starts in" chosen (ms). */
  private leadMs(): number {
    return Number(this.lead.value) || DEFAULT_LEAD_MS;
  }

  /**
   * The button of `drawName`: schedule what its next round still needs (core/bracket.ts
   * `roundTodo`: new matches at the chosen speed, waiting ones at theirs), all starting together
   * "Starts in" ({@link LEADS_MS}) ahead.
   */
  private async replayRound(drawName: string): Promise<void> {
    const draw = this.bracket()?.draws.find((d) => d.draw === drawName);
    const round = draw ? replayButton(draw, this.state).round : undefined;
    if (!draw || !round || this.busy) return;
    await this.schedule(roundTodo(round, this.state, Number(this.speed.value) || DEFAULT_SPEED), this.leadMs());
  }

  /**
   * `POST /streams` for each of `todo` in order, all with startAt `leadMs` ahead (rounded up to
   * the second). Each one scheduled is kept at once. A quota refusal (`429 limit_exceeded`)
   * leaves it and the rest pending, to try again when {@link update} finds it due; any other
   * refusal (or no operator token) stops there and is shown in plain words for its draw, its
   * match no longer pending (a "Retry" schedules it).
   */
  private async schedule(todo: readonly PendingMatch[], leadMs: number): Promise<void> {
    if (this.busy || todo.length === 0) return;
    this.busy = true;
    this.render();
    const drawOf = (gameId: string) => this.bracket()?.draws.find((d) => d.rounds.some((r) => r.matches.some((m) => m.gameId === gameId)))?.draw ?? '';
    const startAt = Math.ceil((this.actions.now() + leadMs) / 1000) * 1000;
    let token: string | undefined;
    try {
      token = await this.actions.token();
    } catch (e) {
      for (const m of todo) {
        this.save(withRefusal(this.state, m.gameId));
        this.errors.set(drawOf(m.gameId), `Not scheduled: ${(e as Error).message}`);
      }
    }
    for (let i = 0; token !== undefined && i < todo.length; i++) {
      const m = todo[i]!;
      const res = await postStream(token, { gameId: m.gameId, startAt, speed: m.speed });
      if ('streamId' in res) {
        this.save(withScheduled(this.state, { gameId: m.gameId, streamId: res.streamId, startsAt: res.startsAt, durationMs: m.durationMs, speed: m.speed }));
        this.errors.delete(drawOf(m.gameId));
      } else if (res.quota) {
        this.save(withQuotaRefusal(this.state, todo.slice(i), this.ended().length, this.actions.now(), quotaLimitOf(res.error)));
        break;
      } else {
        this.save(withRefusal(this.state, m.gameId));
        this.errors.set(drawOf(m.gameId), `The server refused to schedule the rest of this round: ${res.error}`);
        break;
      }
    }
    this.busy = false;
    if (this.destroyed) return;
    this.actions.refresh();
    this.render();
  }
}

/**
 * `POST /streams` (docs/HTTP-API.md): `{ streamId, startsAt }` (epoch ms), or `{ error, quota }`:
 * `error` in plain words — the server's own message for a refusal (`limit_exceeded`: "limit
 * reached: at most 50 scheduled streams…"), a sentence otherwise — and `quota` true for the
 * quota's refusal (core/bracket.ts `isQuotaRefusal`). Never throws.
 */
async function postStream(token: string, body: { gameId: string; startAt: number; speed: number }): Promise<{ streamId: string; startsAt: number } | { error: string; quota: boolean }> {
  let res: Response;
  try {
    res = await fetch('/streams', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store' });
  } catch {
    return { error: 'cannot reach the HTTP API; check the connection and try again', quota: false };
  }
  const json = (await res.json().catch(() => undefined)) as { streamId?: unknown; startsAt?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
  if (res.ok && typeof json?.streamId === 'string' && typeof json.startsAt === 'number') return { streamId: json.streamId, startsAt: json.startsAt };
  const quota = isQuotaRefusal(res.status, typeof json?.error?.code === 'string' ? json.error.code : undefined);
  if (typeof json?.error?.message === 'string') return { error: json.error.message, quota };
  if (res.status === 401 || res.status === 403) return { error: 'scheduling streams needs the operator role (open the page with an operator token)', quota };
  return { error: `the HTTP API answered ${res.status}; try again in a moment`, quota };
}
