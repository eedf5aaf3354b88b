/**
 * The matchcast wire protocol, version 1.1 — the part without zod: the shared vocabulary
 * (limits, modes, roles, statuses, end reasons, error codes), the byte-size helpers, and
 * every server → client message with its builders (docs/PROTOCOL.md). Modules that only
 * build or read server messages (the tick, fan-out) import this one, so they do not bundle
 * zod; protocol/messages.ts re-exports all of it next to the validated client messages.
 */
/** API Gateway's WebSocket frame limit is 128 KB; we keep every message we send below it. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
/** Inbound messages are far smaller than frames: anything larger is refused as `too_large`. */
export const MAX_INBOUND_BYTES = 16 * 1024;
/** Playback rate bounds (PROTOCOL.md `start.speed`, `speed.speed`). */
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 64;
/** `input.data` limit, serialized (PROTOCOL.md). */
export const MAX_INPUT_BYTES = 4 * 1024;
/**
 * `input.data` nesting limit: objects/arrays inside each other (a pong paddle move is 1–2
 * deep). Every receiver of the relay parses it; deep nesting only costs them.
 */
export const MAX_INPUT_DEPTH = 8;
/** Chat text length in characters (PROTOCOL.md). */
export const MAX_CHAT_CHARS = 500;
/** The fixed set of emoji `react` accepts. */
export const ALLOWED_EMOJI = ['👏', '🔥', '😮', '😂', '🎾', '🏏', '💯', '😢', '❤️', '👍'] as const;

export const MODES = ['spectate', 'pvai', 'pvp'] as const;
export type Mode = (typeof MODES)[number];
export const ROLES = ['player', 'spectator'] as const;
export type Role = (typeof ROLES)[number];
/**
 * Stream status (core/lifecycle.ts).
 * A scheduled stream (`POST /streams`) moves scheduled → awaiting_start (its
 * execution is waiting for `startsAt`) → playing → ended | failed; others start at `starting`.
 */
export const STREAM_STATUSES = ['scheduled', 'awaiting_start', 'starting', 'playing', 'paused', 'ended', 'failed'] as const;
export type StreamStatus = (typeof STREAM_STATUSES)[number];
export const END_REASONS = ['finished', 'stopped', 'idle', 'failed', 'max_duration'] as const;
export type EndReason = (typeof END_REASONS)[number];
export const ERROR_CODES = [
  'bad_request',
  'unknown_action',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'too_large',
  'internal',
  /** A per-user quota is used up (docs/SECURITY.md "Limits"); the message names the limit. */
  'limit_exceeded',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Why a client message was refused, as the `error` reply carries it. */
export interface ProtocolError {
  readonly code: ErrorCode;
  readonly message: string;
  /** The action the client sent, when one could be read. */
  readonly action?: string;
  /** `rate_limited`: milliseconds until the same message can pass. */
  readonly retryAfterMs?: number;
}

const encoder = new TextEncoder();
/** UTF-8 length of a string in bytes (works in Node and browsers). */
export function utf8Bytes(s: string): number {
  return encoder.encode(s).length;
}

/**
 * Nesting depth of a parsed JSON value: 0 for a scalar, 1 for a flat object or array, and so
 * on. Iterative (no recursion limit); stops counting past `limit` (returns `limit + 1`).
 */
export function jsonDepth(value: unknown, limit = MAX_INPUT_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > limit) return limit + 1;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, depth]);
  }
  return deepest;
}

/** Serialized size of a JSON value in bytes (UTF-8); Infinity for values JSON cannot hold. */
export function jsonBytes(value: unknown): number {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? Infinity : utf8Bytes(s);
  } catch {
    return Infinity;
  }
}

// ---------------------------------------------------------------------------------------
// Server → client
// ---------------------------------------------------------------------------------------

/** One recording frame as it travels (matchcast/1 frame line). `t` is media milliseconds. */
export interface WireFrame {
  readonly seq: number;
  readonly t: number;
  readonly type: string;
  readonly data: unknown;
  /**
   * Protocol 1.1, streams with a playout buffer (`joined.leadMs` > 0) only: the wall time
   * (server clock, integer epoch ms) at which the frame is due — a client shows it then
   * (corrected by its clock offset), never before (docs/PROTOCOL.md "Playout buffer (1.1)").
   * Absent: the frame is due on arrival.
   */
  readonly dueAt?: number;
}

export interface JoinedMessage {
  type: 'joined';
  streamId: string;
  gameId: string;
  kind: string;
  title: string;
  mode: Mode;
  role: Role;
  status: StreamStatus;
  speed: number;
  epoch: number;
  /** Media time (ms) at the stream's anchor. */
  positionMs: number;
  /** The next seq the stream will send. */
  positionSeq: number;
  durationMs: number;
  frameCount: number;
  clients: number;
  /** Scheduled streams (status `scheduled` or `awaiting_start`): wall time of the first frame, epoch ms — the countdown's target. */
  startsAt?: number;
  /** The game is live: frames arrive as they are published, so `durationMs` and `frameCount` are what exists so far. */
  live?: boolean;
  /** Something the viewer asked for that this stream does not do (e.g. `shared_stream`: its `speed`/`atMs` were not applied). */
  notice?: Notice;
  /**
   * Protocol 1.1: the game's state before the next frame this viewer receives
   * ({@link WireSnapshot}); absent only when the server cannot compute one (a recording
   * indexed without keyframes, a live game past the bound of docs/PROTOCOL.md "Snapshots").
   */
  snapshot?: WireSnapshot;
  /**
   * Protocol 1.1: the recording's moments (≤ {@link MAX_MARKERS}, sorted by seq). When they
   * would make `joined` too large for one message, the rest follow at once in
   * {@link MarkersMessage}s; `markersFollow` is then true. Always sent by a 1.1 server
   * (optional in this type so a 1.0 server's `joined` still parses).
   */
  markers?: WireMarker[];
  /** True when more markers follow in `markers` messages right after this `joined`. */
  markersFollow?: boolean;
  /**
   * Protocol 1.1: the stream's playout buffer, wall ms (always sent by a 1.1 server). > 0: the
   * server sends each frame up to this long before it is due, carrying `dueAt`, and `snapshot`
   * is the state before the playhead (the first frame not yet due), the frames from it to
   * `positionSeq − 1` following at once. 0: nothing is sent before it is due (docs/PROTOCOL.md
   * "Playout buffer (1.1)").
   */
  leadMs?: number;
  /**
   * A `rejoin` whose `epoch` is older than the stream's: the epoch it asked for, so the
   * client can tell the stream moved (its `snapshot` and frames are the current epoch's).
   */
  movedFrom?: number;
}

/**
 * `snapshot: { seq, state }` (protocol 1.1, docs/PROTOCOL.md "Snapshots"): `state` is the
 * game kind's snapshot (kinds/<kind>/index.ts `snapshot()`) after every frame with seq <
 * `seq`; `seq` is the first frame the viewer receives after it. `state` is at most
 * {@link MAX_SNAPSHOT_BYTES} of UTF-8 JSON.
 */
export interface WireSnapshot {
  seq: number;
  state: unknown;
}

/**
 * A moment worth jumping to (protocol 1.1): `t` (media ms) and `seq` of its frame — seeking
 * to `t` shows the state before it, the frame itself plays next; `kind` names the kind of
 * moment ("game", "break", "wicket", "check", "marker", …); `label` is for people.
 */
export interface WireMarker {
  t: number;
  seq: number;
  label: string;
  kind: string;
}

/** Largest snapshot `state`: 64 KB of UTF-8 JSON (protocol 1.1). */
export const MAX_SNAPSHOT_BYTES = 64 * 1024;
/** Most markers of one recording (protocol 1.1). */
export const MAX_MARKERS = 2000;

/** The rest of a `joined`'s markers (protocol 1.1), sent right after it when they did not fit; each under {@link MAX_MESSAGE_BYTES}. */
export interface MarkersMessage {
  type: 'markers';
  streamId: string;
  markers: WireMarker[];
}

/**
 * Codes of {@link Notice} (PROTOCOL.md `joined.notice`):
 * `shared_stream` — the `start` joined a stream shared with other viewers, which plays at its
 * own speed and position: the `start`'s `speed` and `atMs` were not applied.
 */
export const NOTICE_CODES = ['shared_stream'] as const;
export type NoticeCode = (typeof NOTICE_CODES)[number];

/** A note to the viewer in `joined`: a code of {@link NOTICE_CODES} and a sentence saying what happened and what to do. */
export interface Notice {
  code: NoticeCode;
  message: string;
}
/** A batch of frames of one epoch, in seq order; with a playout buffer each frame carries `dueAt` ({@link WireFrame}). */
export interface FramesMessage {
  type: 'frames';
  streamId: string;
  epoch: number;
  frames: WireFrame[];
}
export interface StateMessage {
  type: 'state';
  streamId: string;
  status: StreamStatus;
  speed: number;
  epoch: number;
  positionMs: number;
  positionSeq: number;
  /** User id of whoever changed it, or `system`. */
  by: string;
  /** Protocol 1.1: after a seek, the state before `positionSeq` (the frames of the new epoch start there). */
  snapshot?: WireSnapshot;
}
export interface PresenceMessage {
  type: 'presence';
  streamId: string;
  clients: number;
  players: number;
  spectators: number;
}
export interface ChatOutMessage {
  type: 'chat';
  streamId: string;
  /** The sender's display name (cleaned of bidi controls and invisible characters). */
  from: string;
  /**
   * The sender's short stable id ({@link senderIdOf}: 6 characters derived from the userId), shown
   * next to `from` so a copied display name cannot pass for someone else.
   */
  fromId?: string;
  text: string;
  /** Epoch milliseconds. */
  at: number;
}
/** One reaction, as relayed one by one before `reactions` summed them; no longer sent by the server. */
export interface ReactionMessage {
  type: 'reaction';
  streamId: string;
  from: string;
  emoji: string;
  at: number;
}
/**
 * The reactions of one window on a stream, summed: `counts` is emoji → how many `react`s
 * arrived in the `windowMs` milliseconds ending at `at` (epoch ms). One message per window,
 * however many viewers reacted: the fan-out cost of reactions does not grow with the clicks.
 */
export interface ReactionsMessage {
  type: 'reactions';
  streamId: string;
  counts: Record<string, number>;
  windowMs: number;
  at: number;
}
export interface InputOutMessage {
  type: 'input';
  streamId: string;
  from: string;
  /** The sender's short stable id (as `chat.fromId`). */
  fromId?: string;
  data: unknown;
}
/**
 * Most serialized bytes of one `catalog` page: well under {@link MAX_MESSAGE_BYTES} (API Gateway
 * quotas: 128 KB per WebSocket message), so a catalog of any size goes out in pages.
 */
export const CATALOG_PAGE_BYTES = 64 * 1024;
/** Most `catalog` pages a client fetches for one catalog (a bound, not a server limit): 200 pages of {@link CATALOG_PAGE_BYTES}. */
export const MAX_CATALOG_PAGES = 200;
/** The `cursor` of `list` / `next` of `catalog`: `{streams offset}.{games offset}`, both decimal. */
export const CATALOG_CURSOR_PATTERN = /^\d{1,9}\.\d{1,9}$/;

/**
 * One page of the catalog (PROTOCOL.md `catalog`): streams first, then games, each in the
 * catalog's order, at most {@link CATALOG_PAGE_BYTES} serialized. `next`, when present, is the
 * `cursor` of the `list` that fetches the following page; the last page has none.
 */
export interface CatalogMessage {
  type: 'catalog';
  /** Send `{"action":"list","cursor":next}` for the next page; absent on the last (or only) page. */
  next?: string;
  /** `live`: frames are still being published. */
  games: { gameId: string; kind: string; title: string; durationMs: number; participants?: string[]; live?: boolean }[];
  /** `startsAt` (epoch ms) for scheduled streams. */
  streams: { streamId: string; gameId: string; mode: Mode; status: StreamStatus; clients: number; title?: string; startsAt?: number }[];
}
/**
 * The answer to a `stop` that did not end the stream (a spectator's, or a pvp player's): the
 * connection is detached from `streamId`, which plays on for its other viewers.
 */
export interface DetachedMessage {
  type: 'detached';
  streamId: string;
}
export interface EndedMessage {
  type: 'ended';
  streamId: string;
  reason: EndReason;
}
export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
  action?: string;
  /** `rate_limited` only: milliseconds until the same message can pass. */
  retryAfterMs?: number;
}
export interface PongMessage {
  type: 'pong';
  /** Server time, epoch milliseconds. */
  at: number;
}

export type ServerMessage =
  | JoinedMessage
  | MarkersMessage
  | FramesMessage
  | StateMessage
  | PresenceMessage
  | ChatOutMessage
  | ReactionMessage
  | ReactionsMessage
  | InputOutMessage
  | CatalogMessage
  | EndedMessage
  | DetachedMessage
  | ErrorMessage
  | PongMessage;

/** Bytes a `joined` and each `markers` message is kept within: API Gateway's 128 KB less room for the gateway's framing. */
export const MARKERS_MESSAGE_BUDGET = MAX_MESSAGE_BYTES - 4 * 1024;

/**
 * `joined` with its markers (protocol 1.1): as many of `markers` (in order) as keep the
 * `joined` within {@link MARKERS_MESSAGE_BUDGET} bytes go in it; the rest follow in `markers`
 * messages, each within the same budget, to be sent right after it in order. `joined.snapshot`
 * (≤ 64 KB) always fits. Returns `[joined, ...markers messages]`.
 */
export function joinedWithMarkers(joined: JoinedMessage, markers: readonly WireMarker[]): [JoinedMessage, ...MarkersMessage[]] {
  const sizes = markers.map((m) => jsonBytes(m) + 1);
  const take = (from: number, room: number): number => {
    let end = from;
    for (let used = 0; end < markers.length && used + sizes[end]! <= room; end++) used += sizes[end]!;
    return end;
  };
  const inJoined = take(0, MARKERS_MESSAGE_BUDGET - jsonBytes({ ...joined, markers: [], markersFollow: true }));
  const out: [JoinedMessage, ...MarkersMessage[]] = [
    inJoined < markers.length ? { ...joined, markers: markers.slice(0, inJoined), markersFollow: true } : { ...joined, markers: [...markers] },
  ];
  const room = MARKERS_MESSAGE_BUDGET - jsonBytes({ type: 'markers', streamId: joined.streamId, markers: [] });
  for (let from = inJoined; from < markers.length; ) {
    const end = Math.max(from + 1, take(from, room));
    out.push({ type: 'markers', streamId: joined.streamId, markers: markers.slice(from, end) });
    from = end;
  }
  return out;
}

/** Build an `error` reply from a {@link ProtocolError}. */
export function errorMessage(e: ProtocolError): ErrorMessage {
  const base: ErrorMessage =
    e.action === undefined ? { type: 'error', code: e.code, message: e.message } : { type: 'error', code: e.code, message: e.message, action: e.action };
  return e.retryAfterMs === undefined ? base : { ...base, retryAfterMs: e.retryAfterMs };
}

/**
 * A sender's short stable id: the first 6 characters of the base-36 FNV-1a (32-bit) hash of
 * `userId` — the same on every connection and every server, different for different users
 * with overwhelming likelihood among a stream's viewers (36⁶ ≈ 2·10⁹ values). Not a secret
 * and not a proof of identity: a label the clients show next to the display name, which
 * anyone can choose, so that two people named alike stay apart.
 */
export function senderIdOf(userId: string): string {
  let h = 0x811c9dc5;
  for (const ch of new TextEncoder().encode(userId)) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Two rounds so short ids spread over all 6 characters.
  let g = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  g = (g ^ (g >>> 16)) >>> 0;
  return (g.toString(36) + h.toString(36)).padStart(6, '0').slice(0, 6);
}

/** Bidi controls (Unicode: U+202A–U+202E embeddings/overrides, U+2066–U+2069 isolates) and every format character (category Cf: zero-width space, joiners, BOM, U+200E/F marks …). */
const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\p{Cf}]/gu;
/** Control characters (category Cc: C0, DEL, C1). */
const CONTROL = /\p{Cc}/gu;

/**
 * A display name made safe to show: bidi controls and invisible format characters (Unicode
 * category Cf, which includes U+202A–U+202E and U+2066–U+2069) and control characters (Cc)
 * removed, runs of whitespace collapsed to one space, trimmed, at most `maxChars` (default
 * 64) code points. Returns `fallback` when nothing is left. Pure; never throws.
 */
export function cleanDisplayName(name: string, fallback: string, maxChars = 64): string {
  const cleaned = name.replace(INVISIBLE, '').replace(CONTROL, ' ').replace(/\s+/gu, ' ').trim();
  const clipped = [...cleaned].slice(0, maxChars).join('');
  return clipped === '' ? fallback : clipped;
}

/**
 * Split frames into `frames` messages of at most {@link MAX_MESSAGE_BYTES} serialized bytes,
 * keeping seq order. A single frame larger than the limit throws (the index Lambda refuses
 * such recordings, so this only fires on a bug).
 */
export function framesMessages(streamId: string, epoch: number, frames: readonly WireFrame[]): FramesMessage[] {
  const envelope = utf8Bytes(JSON.stringify({ type: 'frames', streamId, epoch, frames: [] }));
  const out: FramesMessage[] = [];
  let batch: WireFrame[] = [];
  let size = envelope;
  for (const f of frames) {
    const bytes = jsonBytes(f) + 1; // + the comma
    if (envelope + bytes > MAX_MESSAGE_BYTES) {
      throw new Error(`frame seq ${f.seq} alone is over ${MAX_MESSAGE_BYTES} bytes`);
    }
    if (size + bytes > MAX_MESSAGE_BYTES && batch.length > 0) {
      out.push({ type: 'frames', streamId, epoch, frames: batch });
      batch = [];
      size = envelope;
    }
    batch.push(f);
    size += bytes;
  }
  if (batch.length > 0) out.push({ type: 'frames', streamId, epoch, frames: batch });
  return out;
}

/**
 * Parse a server → client message (for clients and tests). Throws if it is not JSON with a
 * string `type`; the shape beyond that is trusted (the server built it from these types).
 */
export function parseServerMessage(raw: string): ServerMessage {
  const v = JSON.parse(raw) as { type?: unknown };
  if (typeof v !== 'object' || v === null || typeof v.type !== 'string') {
    throw new Error('server message has no "type"');
  }
  return v as ServerMessage;
}

/**
 * One page of a catalog: from `cursor` (a `list`'s, {@link CATALOG_CURSOR_PATTERN}; absent:
 * the first page) as many streams, then games, as fit in {@link CATALOG_PAGE_BYTES}
 * serialized bytes, with `next` when any are left. A page holds at least one entry, so paging
 * always moves on; an entry too large for a page alone (over {@link MAX_MESSAGE_BYTES}) goes
 * without its `participants`. Offsets past the end give an empty last page. The lists may
 * change between two pages (a stream starts or ends): a client then sees an entry twice (it
 * keeps one per id) or misses one until its next `list`.
 */
export function catalogPage(
  games: readonly CatalogMessage['games'][number][],
  streams: readonly CatalogMessage['streams'][number][],
  cursor?: string,
  pageBytes: number = CATALOG_PAGE_BYTES,
): CatalogMessage {
  const [s0, g0] = cursor && CATALOG_CURSOR_PATTERN.test(cursor) ? cursor.split('.').map(Number) as [number, number] : [0, 0];
  // The envelope with room for the longest `next`.
  let size = utf8Bytes(JSON.stringify({ type: 'catalog', next: '999999999.999999999', games: [], streams: [] }));
  const page: CatalogMessage = { type: 'catalog', games: [], streams: [] };
  let s = Math.min(s0, streams.length);
  let g = Math.min(g0, games.length);
  const fits = (entry: unknown) => {
    const bytes = jsonBytes(entry) + 1; // + the comma
    if (size + bytes > pageBytes && page.games.length + page.streams.length > 0) return false;
    size += bytes;
    return true;
  };
  for (; s < streams.length && fits(streams[s]); s++) page.streams.push(streams[s]!);
  if (s >= streams.length) {
    for (; g < games.length; g++) {
      let entry = games[g]!;
      if (size + jsonBytes(entry) > MAX_MESSAGE_BYTES) entry = { gameId: entry.gameId, kind: entry.kind, title: entry.title, durationMs: entry.durationMs, ...(entry.live ? { live: true } : {}) };
      if (!fits(entry)) break;
      page.games.push(entry);
    }
  }
  if (s < streams.length || g < games.length) page.next = `${s}.${g}`;
  return page;
}
