/**
 * The three ways to watch a game, named for what they do (pure; unit-tested in
 * test/web/watch.test.ts):
 *
 * - **Watch with everyone** — the game's shared stream (`spectate:{gameId}`, docs/PROTOCOL.md
 *   "Shared streams"): one per game, at the pace and point it plays for all its viewers;
 * - **Watch on my own** — the viewer's own stream (mode `pvai`): speed, pause and seek;
 * - **Watch party** — a room joined by its invite link (mode `pvp`): the first two people in it
 *   share the controls, anyone after them watches.
 *
 * What a card says of each comes from the catalog's `streams` (protocol/server.ts
 * `CatalogMessage`: `streamId`, `gameId`, `mode`, `status`, `clients`): whether each exists and
 * how many watch it. The listing carries no speed, so the pace of a running shared stream is
 * not shown (it is said on joining: `joined.speed`, and `joined.notice` when the link asked for
 * another); a live game's stream plays at the live pace (1×), and a shared stream that is not
 * running yet starts at 1× (PROTOCOL.md `start`: speed default 1). Private watch parties are
 * never listed (PROTOCOL.md "PvP rooms"), so their count is only of the open ones the listing has.
 */
import type { CatalogMessage, JoinedMessage } from '../../../protocol/messages';
import { formatDuration, formatSpeed } from './format';
import { routeHash, type Route } from './route';

type CatalogStream = CatalogMessage['streams'][number];

/** The names of the ways to watch, as buttons and headings say them. */
export const WAY_NAMES = {
  shared: 'Watch with everyone',
  own: 'Watch on my own',
  party: 'Watch party',
} as const;

/** What one way to watch a game has going on now, from the catalog. */
export interface WayCount {
  /** Streams of this way running now for the game (not ended or failed: the listing leaves those out). */
  streams: number;
  /** Connections watching them, summed. */
  viewers: number;
}

/** The ways to watch one game, from the catalog's streams. */
export interface WatchWays {
  /** The shared stream (`spectate:{gameId}`), when the listing has it; `speed` when the listing says (protocol 1.1 servers do). */
  shared: { streamId: string; status: string; viewers: number; speed?: number } | undefined;
  /** The viewers' own streams of the game (mode `pvai`). */
  own: WayCount;
  /** The listed watch parties of the game (mode `pvp`; private rooms are never listed). */
  party: WayCount;
}

/** The shared stream of a game: `spectate:{gameId}` (docs/ARCHITECTURE.md "Stream keys"). */
function sharedStreamId(gameId: string): string {
  return `spectate:${gameId}`;
}

/** Whether a listed stream is over (the listing leaves these out; a page may still hold one). */
function isOver(s: CatalogStream): boolean {
  return s.status === 'ended' || s.status === 'failed';
}

/**
 * What runs now for game `gameId` in each way to watch, from a catalog's `streams` (any order;
 * ended and failed streams are not counted; a negative `clients` counts as 0).
 */
export function watchWays(gameId: string, streams: readonly CatalogStream[]): WatchWays {
  const own: WayCount = { streams: 0, viewers: 0 };
  const party: WayCount = { streams: 0, viewers: 0 };
  let shared: WatchWays['shared'];
  for (const s of streams) {
    if (s.gameId !== gameId || isOver(s)) continue;
    const viewers = Math.max(0, s.clients);
    if (s.mode === 'spectate' && s.streamId === sharedStreamId(gameId)) shared = { streamId: s.streamId, status: s.status, viewers, ...(typeof s.speed === 'number' && s.speed > 0 ? { speed: s.speed } : {}) };
    else if (s.mode === 'pvai') {
      own.streams++;
      own.viewers += viewers;
    } else if (s.mode === 'pvp') {
      party.streams++;
      party.viewers += viewers;
    }
  }
  return { shared, own, party };
}

/** "1 person" / "3 people". */
function people(n: number): string {
  return `${n} ${n === 1 ? 'person' : 'people'}`;
}

/** The words under each way's button on a game card: what it does, and what runs now (counts from the catalog only). */
export interface WaysText {
  shared: string;
  own: string;
  party: string;
}

/**
 * The card's words for each way to watch, e.g. shared "Running · 3 watching — you join at its
 * pace", own "Your speed, pause and seek · 2 people on their own now", party "Invite link: the
 * first two share the controls". `live`: the game is live (its shared stream plays at the live
 * pace, 1×).
 */
export function waysText(ways: WatchWays, live: boolean): WaysText {
  const s = ways.shared;
  const sharedRunning = s !== undefined && s.status !== 'scheduled' && s.status !== 'awaiting_start';
  let shared: string;
  if (live) shared = s && s.viewers > 0 ? `Live pace 1× · ${s.viewers} watching` : 'Live pace 1× · nobody watching yet';
  else if (sharedRunning) {
    const pace = s.speed === undefined ? 'you join at its pace' : `you join at ${formatSpeed(s.speed)}`;
    shared = s.viewers > 0 ? `Running · ${s.viewers} watching — ${pace}` : `Running — ${pace}`;
  }
  else shared = 'Not running — starts from the beginning at 1×';
  const own = `Your speed, pause and seek${ways.own.viewers > 0 ? ` · ${people(ways.own.viewers)} on their own now` : ''}`;
  const party = `Invite link: the first two share the controls${
    ways.party.streams > 0 ? ` · ${ways.party.streams} open, ${ways.party.viewers} in ${ways.party.streams === 1 ? 'it' : 'them'}` : ''
  }`;
  return { shared, own, party };
}

/** The shared-stream notice as the player shows it, with the way out: the viewer's own stream at what they asked for. */
export interface SharedNotice {
  /** One plain sentence or two. */
  text: string;
  /** The button's words, e.g. "Watch on my own at 64×". */
  button: string;
  /** The route of the viewer's own stream (mode `pvai`) at the asked speed and start point. */
  own: Extract<Route, { name: 'watch' }>;
}

/**
 * The words for `joined.notice` `shared_stream` (PROTOCOL.md "Shared streams"): a `start`
 * asked for `asked.speed` and/or `asked.atMs` (media ms) but joined the shared stream, which
 * plays at `joined.speed` from where it is for all its viewers. Returns the sentence and a
 * button to "Watch on my own at 64×" (or "… from 0:41:10", or both) — a `pvai` route with them.
 */
export function sharedNotice(joined: Pick<JoinedMessage, 'gameId' | 'speed'>, asked: { speed?: number; atMs?: number }): SharedNotice {
  const speed = asked.speed !== undefined && asked.speed !== joined.speed ? asked.speed : undefined;
  const atMs = asked.atMs;
  const wanted = [speed !== undefined ? formatSpeed(speed) : undefined, atMs !== undefined ? `from ${formatDuration(atMs)}` : undefined].filter(Boolean).join(' ');
  const text = `You joined the stream everyone watches together: it plays at ${formatSpeed(joined.speed)} from where it is now for all its viewers, so ${
    wanted ? `${wanted} did not apply` : 'what your link asked for did not apply'
  }. Watch on your own to choose the speed and the moment.`;
  const button = `Watch on my own${speed !== undefined ? ` at ${formatSpeed(speed)}` : ''}${atMs !== undefined ? ` from ${formatDuration(atMs)}` : ''}`;
  const own: Extract<Route, { name: 'watch' }> = {
    name: 'watch',
    gameId: joined.gameId,
    mode: 'pvai',
    ...(asked.speed !== undefined ? { speed: asked.speed } : {}),
    ...(atMs !== undefined ? { atMs } : {}),
  };
  return { text, button, own };
}

/** The hash of {@link SharedNotice.own}. */
export function sharedNoticeHref(n: SharedNotice): string {
  return routeHash(n.own);
}

/**
 * What a watch party says of itself, from its `presence` (`players` in control, `spectators`):
 * waiting for the second person while alone in control, else who shares the controls.
 * Returns `{ waiting, text }`.
 */
export function partyText(players: number, spectators: number): { waiting: boolean; text: string } {
  const watching = spectators > 0 ? ` · ${spectators} more watching` : '';
  if (players < 2) return { waiting: true, text: `Waiting for a second viewer — share this link${watching}` };
  return { waiting: false, text: `Watch party: ${players} people share the controls${watching}` };
}
