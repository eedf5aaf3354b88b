/**
 * Hash routes of the browser client (pure; unit-tested in test/web/route.test.ts).
 *
 * - `#/`                                  catalog
 * - `#/watch/{gameId}?mode=spectate|pvai&speed=64&at=3600000`   start a stream (`at` in media ms)
 * - `#/room/{gameId}/{room}`              PvP room (shareable: the first two people control it)
 * - `#/stream/{streamId}`                 join a running stream by id (URI-encoded: it holds ":",
 *                                         and "@" when a user id does)
 * - `#/event/{eventId}`                   a tournament's bracket (catalog game `event.id`)
 *
 * Game, room and stream ids are checked with the protocol's own patterns (protocol/ids.ts), so
 * a link to any stream the server can name opens that stream.
 */
import { GAME_ID_PATTERN, STREAM_ID_PATTERN } from '../../../protocol/ids';
import { MAX_SPEED, MIN_SPEED, type Mode } from '../../../protocol/messages';

/** A parsed route. */
export type Route =
  | { readonly name: 'catalog' }
  | { readonly name: 'watch'; readonly gameId: string; readonly mode: Exclude<Mode, 'pvp'>; readonly speed?: number; readonly atMs?: number }
  | { readonly name: 'room'; readonly gameId: string; readonly room: string; readonly speed?: number; readonly atMs?: number }
  | { readonly name: 'stream'; readonly streamId: string }
  | { readonly name: 'event'; readonly eventId: string };

/** Game ids and PvP room ids share one pattern. */
const ID = GAME_ID_PATTERN;
const STREAM_ID = STREAM_ID_PATTERN;

/** Parse `location.hash`. Anything unknown or malformed is the catalog. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart, queryPart = ''] = raw.split('?', 2);
  const parts = (pathPart ?? '').split('/').filter((p) => p.length > 0).map(safeDecode);
  const q = new URLSearchParams(queryPart);
  const speed = parseSpeed(q.get('speed'));
  const atMs = parseMs(q.get('at'));
  const extra = { ...(speed !== undefined ? { speed } : {}), ...(atMs !== undefined ? { atMs } : {}) };
  if (parts[0] === 'watch' && parts.length === 2 && ID.test(parts[1]!)) {
    const mode = q.get('mode') === 'pvai' ? 'pvai' : 'spectate';
    return { name: 'watch', gameId: parts[1]!, mode, ...extra };
  }
  if (parts[0] === 'room' && parts.length === 3 && ID.test(parts[1]!) && ID.test(parts[2]!)) {
    return { name: 'room', gameId: parts[1]!, room: parts[2]!, ...extra };
  }
  if (parts[0] === 'stream' && parts.length === 2 && STREAM_ID.test(parts[1]!)) {
    return { name: 'stream', streamId: parts[1]! };
  }
  if (parts[0] === 'event' && parts.length === 2 && ID.test(parts[1]!)) {
    return { name: 'event', eventId: parts[1]! };
  }
  return { name: 'catalog' };
}

/** Build the hash for a route (inverse of {@link parseRoute}). */
export function routeHash(route: Route): string {
  switch (route.name) {
    case 'catalog':
      return '#/';
    case 'watch': {
      const q = new URLSearchParams();
      if (route.mode !== 'spectate') q.set('mode', route.mode);
      if (route.speed !== undefined) q.set('speed', String(route.speed));
      if (route.atMs !== undefined) q.set('at', String(route.atMs));
      const qs = q.toString();
      return `#/watch/${encodeURIComponent(route.gameId)}${qs ? `?${qs}` : ''}`;
    }
    case 'room': {
      const q = new URLSearchParams();
      if (route.speed !== undefined) q.set('speed', String(route.speed));
      if (route.atMs !== undefined) q.set('at', String(route.atMs));
      const qs = q.toString();
      return `#/room/${encodeURIComponent(route.gameId)}/${encodeURIComponent(route.room)}${qs ? `?${qs}` : ''}`;
    }
    case 'stream':
      return `#/stream/${encodeURIComponent(route.streamId)}`;
    case 'event':
      return `#/event/${encodeURIComponent(route.eventId)}`;
  }
}

/** A fresh PvP room id: 8 lowercase letters/digits from `random` (default Math.random). */
export function newRoomId(random: () => number = Math.random): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  let s = '';
  for (let i = 0; i < 8; i++) s += alphabet[Math.floor(random() * alphabet.length) % alphabet.length];
  return s;
}

/** The PvP room id inside a stream id `pvp:{gameId}:{room}` (docs/ARCHITECTURE.md "Stream keys"), or undefined. */
export function roomOfStreamId(streamId: string): string | undefined {
  const m = /^pvp:[^:]+:([^:]+)$/.exec(streamId);
  return m ? m[1] : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}

function parseSpeed(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= MIN_SPEED && n <= MAX_SPEED ? n : undefined;
}

function parseMs(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
