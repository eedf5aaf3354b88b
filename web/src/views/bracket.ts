/**
 * Bracket view (`#/event/{eventId}`): a tournament from the catalog, one block per draw, one
 * column per round, each match a card with its two players and "Watch on my own" (the viewer's
 * own replay). Results are never shown by default: a match's winner appears once the viewer has
 * seen it end (its stream ended `finished` in front of them, or a "Replay the tournament" stream
 * of it ended), or for every match with "Show results".
 *
 * "Replay the tournament" schedules the next round of a draw as scheduled streams
 * (docs/HTTP-API.md `POST /streams`, with an operator token: startsAt a little ahead, spectate)
 * and fills the bracket in as they end, from the catalog listing it refreshes while open (a
 * stream is listed until it ends). The rules are pure, in core/bracket.ts; what this browser
 * scheduled and saw is kept in localStorage.
 */
import './bracket.css';
import type { CatalogMessage } from '../../../protocol/messages';
import {
  advancer,
  buildBracket,
  endedEntries,
  listedStreamIds,
  nextRoundToReplay,
  resultVisible,
  scheduledText,
  type Bracket,
  type BracketDraw,
  type BracketMatch,
  type ReplayEntry,
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
/** How far ahead a round is scheduled (ms): time to open the streams before the first point. */
const LEAD_MS = 30_000;
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

function isEntry(x: unknown): x is ReplayEntry {
  const e = x as ReplayEntry;
  return typeof e === 'object' && e !== null && typeof e.gameId === 'string' && typeof e.streamId === 'string' && Number.isFinite(e.startsAt) && Number.isFinite(e.durationMs) && Number.isFinite(e.speed) && e.speed > 0;
}

/** The bracket page. */
export class BracketView {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly note: HTMLElement;
  private readonly body: HTMLElement;
  private readonly showAll: HTMLInputElement;
  private readonly speed: HTMLSelectElement;
  private readonly timer: number;
  private entries: ReplayEntry[];
  private busy = false;
  /** Per draw: what was scheduled last, or why it was refused. */
  private readonly status = new Map<string, { text: string; error: boolean }>();
  private destroyed = false;

  constructor(
    private readonly eventId: string,
    private readonly actions: BracketActions,
  ) {
    const stored = readJson<unknown>(replayKey(eventId), []);
    this.entries = Array.isArray(stored) ? stored.filter(isEntry) : [];
    this.title = h('h1', { id: 'bracket-title', 'data-testid': 'bracket-title' }, 'Bracket');
    this.note = h('p', { class: 'muted', role: 'status', 'data-testid': 'bracket-note' }, 'Loading the catalog…');
    this.showAll = h('input', { type: 'checkbox', id: 'bracket-show', 'data-testid': 'bracket-show-results' });
    this.showAll.addEventListener('change', () => this.render());
    this.speed = h('select', { id: 'bracket-speed', 'data-testid': 'bracket-speed' }, ...SPEEDS.map((s) => h('option', { value: s }, `${s}×`)));
    this.speed.value = String(DEFAULT_SPEED);
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
      ),
      h(
        'p',
        { class: 'muted bracket-about' },
        'Results stay hidden until you have seen a match end. "Replay the tournament" schedules a round as shared streams that start together; the bracket fills in as they finish.',
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

  /** A new catalog: the matches whose replay streams have ended are seen; redraw. */
  update(cat: CatalogMessage): void {
    const ended = endedEntries(this.entries, listedStreamIds(cat.streams), this.actions.now());
    if (ended.length > 0) markSeen(...ended);
    this.render();
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
    const mine = new Map(this.entries.map((e) => [e.gameId, e.streamId]));
    for (const draw of b.draws) {
      const id = `draw-${draw.draw.replace(/[^a-z]/gi, '')}`;
      const status = this.status.get(draw.draw);
      const next = nextRoundToReplay(draw, new Set(this.entries.map((e) => e.gameId)));
      const btn = h(
        'button',
        { class: 'btn primary', type: 'button', 'data-testid': 'replay-round', disabled: !next || this.busy, onclick: () => void this.replayRound(draw.draw) },
        next ? `Replay the tournament: ${next.name} (${next.matches.length})` : 'Every round is scheduled',
      );
      this.body.appendChild(
        h(
          'section',
          { class: 'bracket-draw', 'data-testid': 'bracket-draw', 'data-draw': draw.draw, 'aria-labelledby': id },
          h('h2', { id }, draw.draw),
          h('div', { class: 'bracket-replay' }, btn, status ? h('span', { class: status.error ? 'bracket-error' : 'muted', role: 'status', 'data-testid': 'replay-status' }, status.text) : null),
          h(
            'div',
            { class: 'bracket-rounds' },
            ...draw.rounds.map((round) =>
              h(
                'section',
                { class: 'bracket-round', 'data-testid': 'bracket-round', 'data-round': round.roundNo, 'aria-label': `${draw.draw}, ${round.name}` },
                h('h3', {}, round.name),
                h('ol', { class: 'bracket-matches' }, ...round.matches.map((m) => this.card(draw, m, resultVisible(m, seen, this.showAll.checked), mine.get(m.gameId) ?? streams.get(m.gameId)))),
              ),
            ),
          ),
        ),
      );
    }
  }

  /** A match's card: its two players (the winner marked when the result may be shown), its length, Watch on my own, Join when a stream of it is listed. */
  private card(draw: BracketDraw, m: BracketMatch, visible: boolean, streamId: string | undefined): HTMLElement {
    const won = visible ? advancer(draw, m) : undefined;
    const player = (i: 1 | 2) =>
      h('li', { class: `bracket-player${won === i ? ' won' : ''}`, 'data-testid': 'bracket-player', 'data-won': won === i ? 'true' : undefined }, m.players[i - 1], won === i ? h('span', { class: 'sr-only' }, ' (won)') : null);
    const listed = streamId !== undefined && (this.actions.catalog()?.streams.some((s) => s.streamId === streamId) ?? false);
    return h(
      'li',
      { class: 'bracket-match card', 'data-testid': 'bracket-match', 'data-game-id': m.gameId, 'data-place': m.event.place, 'data-result': visible ? 'shown' : 'hidden' },
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

  /**
   * Schedule the next round of `drawName` not yet scheduled: one `POST /streams` per match, all
   * starting together {@link LEAD_MS} ahead at the chosen speed. Stops at the first refusal (a
   * quota, a bad request) and says, in the server's words, how many were scheduled.
   */
  private async replayRound(drawName: string): Promise<void> {
    const draw = this.bracket()?.draws.find((d) => d.draw === drawName);
    const round = draw ? nextRoundToReplay(draw, new Set(this.entries.map((e) => e.gameId))) : undefined;
    if (!draw || !round || this.busy) return;
    this.busy = true;
    const speed = Number(this.speed.value) || DEFAULT_SPEED;
    const startAt = Math.ceil((this.actions.now() + LEAD_MS) / 1000) * 1000;
    const todo = round.matches.filter((m) => !this.entries.some((e) => e.gameId === m.gameId));
    this.status.set(drawName, { text: `Scheduling ${round.name}…`, error: false });
    this.render();
    let done = 0;
    let refusal: string | undefined;
    let startsAt = startAt;
    try {
      const token = await this.actions.token();
      for (const m of todo) {
        const res = await postStream(token, { gameId: m.gameId, startAt, speed });
        if ('error' in res) {
          refusal = res.error;
          break;
        }
        startsAt = res.startsAt;
        this.entries.push({ gameId: m.gameId, streamId: res.streamId, startsAt: res.startsAt, durationMs: m.durationMs, speed });
        done++;
        writeJson(replayKey(this.eventId), this.entries);
      }
    } catch (e) {
      refusal = (e as Error).message;
    }
    this.busy = false;
    if (this.destroyed) return;
    const at = formatStartTime(startsAt, this.actions.now());
    const text = refusal
      ? `${done > 0 ? `${scheduledText(round, done, at)}; ` : ''}the server refused ${done > 0 ? `the other ${todo.length - done}` : `${round.name}`}: ${refusal}`
      : scheduledText(round, done, at);
    this.status.set(drawName, { text, error: refusal !== undefined });
    this.actions.refresh();
    this.render();
  }
}

/**
 * `POST /streams` (docs/HTTP-API.md): `{ streamId, startsAt }` (epoch ms), or `{ error }` in
 * plain words — the server's own message for a refusal (`limit_exceeded`: "limit reached: at
 * most 50 scheduled streams…"), a sentence otherwise.
 */
async function postStream(token: string, body: { gameId: string; startAt: number; speed: number }): Promise<{ streamId: string; startsAt: number } | { error: string }> {
  let res: Response;
  try {
    res = await fetch('/streams', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store' });
  } catch {
    return { error: 'cannot reach the HTTP API; check the connection and try again' };
  }
  const json = (await res.json().catch(() => undefined)) as { streamId?: unknown; startsAt?: unknown; error?: { message?: unknown } } | undefined;
  if (res.ok && typeof json?.streamId === 'string' && typeof json.startsAt === 'number') return { streamId: json.streamId, startsAt: json.startsAt };
  if (typeof json?.error?.message === 'string') return { error: json.error.message };
  if (res.status === 401 || res.status === 403) return { error: 'scheduling streams needs the operator role (open the page with an operator token)' };
  return { error: `the HTTP API answered ${res.status}; try again in a moment` };
}
