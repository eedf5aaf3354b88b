/**
 * The matchcast wire protocol, version 1 — every message shape in one module.
 *
 * Shared by the Lambda handlers, the local API Gateway, the terminal client and the
 * browser client. The contract is docs/PROTOCOL.md; changing a shape here is a
 * versioned protocol decision, not a refactor.
 *
 * Client → server messages are validated with zod ({@link parseClientMessage});
 * server → client messages are plain TypeScript types built by the `msg` helpers.
 */
import * as z from 'zod';

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
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A game id or room id: short, URL- and key-safe. */
const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only');
/** A stream id is built from ids, mode and (pvai) a user id (see stream-keys.ts), so it may hold ":" and "@". */
const streamIdSchema = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'not a stream id');
const speedSchema = z.number().finite().min(MIN_SPEED).max(MAX_SPEED);
const mediaMsSchema = z.number().int().min(0).max(7 * 24 * 3600 * 1000);

const startSchema = z.strictObject({
  action: z.literal('start'),
  gameId: idSchema,
  mode: z.enum(MODES).default('spectate'),
  room: idSchema.optional(),
  speed: speedSchema.default(1),
  /** Seconds between frames, for recordings without times (`delay`). */
  delay: z.number().finite().min(0.05).max(3600).optional(),
  atMs: mediaMsSchema.optional(),
});
const joinSchema = z.strictObject({ action: z.literal('join'), streamId: streamIdSchema });
const rejoinSchema = z.strictObject({
  action: z.literal('rejoin'),
  streamId: streamIdSchema,
  lastSeq: z.number().int().min(-1),
  epoch: z.number().int().min(0),
});
const bare = <A extends string>(action: A) => z.strictObject({ action: z.literal(action) });
const speedMsgSchema = z.strictObject({ action: z.literal('speed'), speed: speedSchema });
const seekSchema = z.strictObject({ action: z.enum(['seek', 'scrub']), toMs: mediaMsSchema });
const inputSchema = z.strictObject({
  action: z.literal('input'),
  data: z
    .unknown()
    .refine((d) => d !== undefined && jsonBytes(d) <= MAX_INPUT_BYTES, { message: `data must be JSON of at most ${MAX_INPUT_BYTES} bytes` })
    .refine((d) => jsonDepth(d) <= MAX_INPUT_DEPTH, { message: `data must be nested at most ${MAX_INPUT_DEPTH} deep` }),
});
const chatSchema = z.strictObject({
  action: z.literal('chat'),
  text: z.string().trim().min(1).max(MAX_CHAT_CHARS),
});
const reactSchema = z.strictObject({ action: z.literal('react'), emoji: z.enum(ALLOWED_EMOJI) });

/** Every client → server message schema, keyed by `action` (the API Gateway route key). */
export const clientMessageSchemas = {
  start: startSchema,
  join: joinSchema,
  rejoin: rejoinSchema,
  pause: bare('pause'),
  resume: bare('resume'),
  speed: speedMsgSchema,
  seek: seekSchema,
  scrub: seekSchema,
  stop: bare('stop'),
  input: inputSchema,
  chat: chatSchema,
  react: reactSchema,
  list: bare('list'),
  ping: bare('ping'),
} as const;

export type ClientAction = keyof typeof clientMessageSchemas;
export const CLIENT_ACTIONS = Object.keys(clientMessageSchemas) as ClientAction[];
export type StartMessage = z.infer<typeof startSchema>;
export type JoinMessage = z.infer<typeof joinSchema>;
export type RejoinMessage = z.infer<typeof rejoinSchema>;
export type SpeedMessage = z.infer<typeof speedMsgSchema>;
export type SeekMessage = z.infer<typeof seekSchema>;
export type InputMessage = z.infer<typeof inputSchema>;
export type ChatMessage = z.infer<typeof chatSchema>;
export type ReactMessage = z.infer<typeof reactSchema>;
export type ClientMessage = { [A in ClientAction]: z.infer<(typeof clientMessageSchemas)[A]> }[ClientAction];

/** Why a client message was refused, as the `error` reply carries it. */
export interface ProtocolError {
  readonly code: ErrorCode;
  readonly message: string;
  /** The action the client sent, when one could be read. */
  readonly action?: string;
}

/** Result of {@link parseClientMessage}. */
export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: ProtocolError };

/**
 * Parse and validate one raw client message (the WebSocket text frame).
 *
 * Never throws. Refusals carry the protocol's code: `too_large` over {@link MAX_INBOUND_BYTES}
 * bytes, `bad_request` for non-JSON / non-object / missing or wrong fields,
 * `unknown_action` for an `action` not in PROTOCOL.md.
 */
export function parseClientMessage(raw: string | undefined | null): ParseResult {
  if (raw === undefined || raw === null || raw.length === 0) {
    return fail('bad_request', 'empty message: send a JSON object with an "action"');
  }
  if (utf8Bytes(raw) > MAX_INBOUND_BYTES) {
    return fail('too_large', `message is over ${MAX_INBOUND_BYTES} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return fail('bad_request', 'message is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('bad_request', 'message must be a JSON object with an "action"');
  }
  const action = (value as Record<string, unknown>).action;
  if (typeof action !== 'string') {
    return fail('bad_request', 'message has no string "action"');
  }
  if (!Object.prototype.hasOwnProperty.call(clientMessageSchemas, action)) {
    return fail('unknown_action', `unknown action "${printable(action)}"`, printable(action));
  }
  const schema = clientMessageSchemas[action as ClientAction];
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return fail('bad_request', `${where}${issue?.message ?? 'invalid message'}`, action);
  }
  return { ok: true, message: parsed.data as ClientMessage };
}

function fail(code: ErrorCode, message: string, action?: string): ParseResult {
  return { ok: false, error: action === undefined ? { code, message } : { code, message, action } };
}

function printable(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
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
}
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
  from: string;
  text: string;
  /** Epoch milliseconds. */
  at: number;
}
export interface ReactionMessage {
  type: 'reaction';
  streamId: string;
  from: string;
  emoji: string;
  at: number;
}
export interface InputOutMessage {
  type: 'input';
  streamId: string;
  from: string;
  data: unknown;
}
export interface CatalogMessage {
  type: 'catalog';
  /** `live`: frames are still being published. */
  games: { gameId: string; kind: string; title: string; durationMs: number; participants?: string[]; live?: boolean }[];
  /** `startsAt` (epoch ms) for scheduled streams. */
  streams: { streamId: string; gameId: string; mode: Mode; status: StreamStatus; clients: number; title?: string; startsAt?: number }[];
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
}
export interface PongMessage {
  type: 'pong';
  /** Server time, epoch milliseconds. */
  at: number;
}

export type ServerMessage =
  | JoinedMessage
  | FramesMessage
  | StateMessage
  | PresenceMessage
  | ChatOutMessage
  | ReactionMessage
  | InputOutMessage
  | CatalogMessage
  | EndedMessage
  | ErrorMessage
  | PongMessage;

/** Build an `error` reply from a {@link ProtocolError}. */
export function errorMessage(e: ProtocolError): ErrorMessage {
  return e.action === undefined
    ? { type: 'error', code: e.code, message: e.message }
    : { type: 'error', code: e.code, message: e.message, action: e.action };
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
