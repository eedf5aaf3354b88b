/**
 * The matchcast wire protocol, version 1 — every message shape, from this one module.
 *
 * Shared by the Lambda handlers, the local API Gateway, the terminal client and the
 * browser client. The contract is docs/PROTOCOL.md; changing a shape here is a
 * versioned protocol decision, not a refactor.
 *
 * Client → server messages are defined and validated here with zod ({@link parseClientMessage});
 * the shared vocabulary and the server → client messages (plain TypeScript types and their
 * builders) live in protocol/server.ts, which has no zod, and are re-exported here.
 */
import * as z from 'zod';

export * from './server';
import {
  ALLOWED_EMOJI,
  CATALOG_CURSOR_PATTERN,
  jsonBytes,
  jsonDepth,
  MAX_CHAT_CHARS,
  MAX_INBOUND_BYTES,
  MAX_INPUT_BYTES,
  MAX_INPUT_DEPTH,
  MAX_MARKERS,
  MAX_SNAPSHOT_BYTES,
  MAX_SPEED,
  MIN_SPEED,
  MODES,
  utf8Bytes,
  type ErrorCode,
  type ProtocolError,
} from './server';

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
  /** Playback rate; absent: 1 for a new stream (kept absent so a shared stream's `joined.notice` only answers a speed that was asked for). */
  speed: speedSchema.optional(),
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
/** `list`, optionally from a `catalog` page's `next` (protocol/server.ts CATALOG_CURSOR_PATTERN). */
const listSchema = z.strictObject({
  action: z.literal('list'),
  cursor: z.string().max(20).regex(CATALOG_CURSOR_PATTERN, 'cursor: send the "next" of a catalog page').optional(),
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
  list: listSchema,
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
export type ListMessage = z.infer<typeof listSchema>;
export type ClientMessage = { [A in ClientAction]: z.infer<(typeof clientMessageSchemas)[A]> }[ClientAction];


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

/**
 * Protocol 1.1 server → client additions, as zod schemas for clients that validate what they
 * receive (the server builds them with protocol/server.ts types; docs/PROTOCOL.md "Snapshots
 * and markers"). `state` is the game kind's snapshot: checked here only to be present and
 * within MAX_SNAPSHOT_BYTES; its fields are the kind's (kinds/<kind>/fold.ts).
 */
export const wireSnapshotSchema = z.strictObject({
  seq: z.number().int().min(0),
  state: z.unknown().refine((s) => s !== undefined && jsonBytes(s) <= MAX_SNAPSHOT_BYTES, { message: `state must be JSON of at most ${MAX_SNAPSHOT_BYTES} bytes` }),
});
/** One marker: `t` media ms, `seq`, a `label` for people, its `kind` of moment. */
export const wireMarkerSchema = z.strictObject({ t: z.number().int().min(0), seq: z.number().int().min(0), label: z.string(), kind: z.string().min(1) });
/**
 * One frame of a `frames` message: `t` media ms; `dueAt` (protocol 1.1, a stream with a
 * playout buffer only) the wall time, server clock epoch ms, at which it is due.
 */
export const wireFrameSchema = z.object({
  seq: z.number().int().min(0),
  t: z.number().min(0),
  type: z.string().min(1),
  data: z.unknown(),
  dueAt: z.number().int().min(0).optional(),
});
/** The `frames` message: frames of one epoch, in seq order. */
export const framesMessageSchema = z.object({ type: z.literal('frames'), streamId: streamIdSchema, epoch: z.number().int().min(0), frames: z.array(wireFrameSchema) });
/** The protocol 1.1 fields of `joined` (the rest of `joined` is as in 1.0). */
export const joinedSnapshotFieldsSchema = z.object({
  snapshot: wireSnapshotSchema.optional(),
  markers: z.array(wireMarkerSchema).max(MAX_MARKERS).default([]),
  markersFollow: z.literal(true).optional(),
  leadMs: z.number().int().min(0).default(0),
  movedFrom: z.number().int().min(0).optional(),
});
/** `state`'s protocol 1.1 field: `snapshot` after a seek. */
export const stateSnapshotFieldsSchema = z.object({ snapshot: wireSnapshotSchema.optional() });
/** The `markers` follow-up message (after a `joined` with `markersFollow: true`). */
export const markersMessageSchema = z.strictObject({ type: z.literal('markers'), streamId: streamIdSchema, markers: z.array(wireMarkerSchema).max(MAX_MARKERS) });
