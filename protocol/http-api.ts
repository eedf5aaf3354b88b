/**
 * The HTTP API's live-game bodies (docs/HTTP-API.md "Live games"): the request schemas of
 * `PUT /games/{gameId}` and `POST /games/{gameId}/events`, their limits, and the answers of
 * the three live-game routes — one definition for the function that serves them
 * (lambda/core/live.ts plans the append) and for the publishers that call them
 * (`npm run publish -- --live`, scripts/lib/publish.ts). Pure: zod, no I/O.
 */
import * as z from 'zod';
import { jsonBytes, jsonDepth } from './server';

/** A live game's publishing state (the `Games` row's `liveStatus`; the HTTP API answers it as `live`). */
export type LiveStatus = 'live' | 'finished';

/** Events in one `POST /games/{gameId}/events` (docs/HTTP-API.md). */
export const MAX_EVENTS_PER_BATCH = 500;
/** Bytes of one request body: an API Gateway HTTP API payload may be 10 MB, Lambda's 6 MB; a batch is far less. */
export const MAX_BATCH_BYTES = 1024 * 1024;
/** Serialized bytes of one event's `data` (a frame line stays well under protocol/recording.ts MAX_FRAME_LINE_BYTES, 32 KB). */
export const MAX_EVENT_DATA_BYTES = 16 * 1024;
/** Nesting of one event's `data`. */
export const MAX_EVENT_DATA_DEPTH = 16;
/** Longest idempotency key (`key` of an event), in characters. */
export const MAX_EVENT_KEY_CHARS = 128;

const keySchema = z
  .string()
  .min(1)
  .max(MAX_EVENT_KEY_CHARS)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, ".", "_", ":" and "-" only');

/** One published event. `t`: media ms since the game's start (optional: the server's clock then). */
export const liveEventSchema = z.strictObject({
  key: keySchema,
  type: z.string().min(1).max(64),
  t: z.number().int().min(0).max(30 * 24 * 3600 * 1000).optional(),
  data: z
    .unknown()
    .optional()
    .refine((d) => d === undefined || jsonBytes(d) <= MAX_EVENT_DATA_BYTES, { message: `must be JSON of at most ${MAX_EVENT_DATA_BYTES} bytes` })
    .refine((d) => d === undefined || jsonDepth(d, MAX_EVENT_DATA_DEPTH) <= MAX_EVENT_DATA_DEPTH, { message: `must be nested at most ${MAX_EVENT_DATA_DEPTH} deep` }),
});
export type LiveEvent = z.infer<typeof liveEventSchema>;

/** The body of `POST /games/{gameId}/events`: one event, or `{ events: [...] }`. */
export const liveBatchSchema = z.union([
  z.strictObject({ events: z.array(liveEventSchema).min(1).max(MAX_EVENTS_PER_BATCH) }),
  liveEventSchema.transform((e) => ({ events: [e] })),
]);

/** The body of `PUT /games/{gameId}`. */
export const openLiveGameSchema = z.strictObject({
  kind: z.string().min(1).max(32).regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and "-"'),
  title: z.string().trim().min(1).max(200),
  participants: z.array(z.string().trim().min(1).max(100)).max(16).default([]),
});
export type OpenLiveGame = z.infer<typeof openLiveGameSchema>;

/** `201`/`200` body of `PUT /games/{gameId}` (docs/HTTP-API.md). */
export interface OpenAnswer {
  gameId: string;
  live: LiveStatus;
  frameCount: number;
}

/** `200` body of `POST /games/{gameId}/events`: each event's seq, new or first (duplicates); the game's length after it. */
export interface AppendAnswer {
  gameId: string;
  accepted: Array<{ key: string; seq: number }>;
  duplicates: Array<{ key: string; seq: number }>;
  frameCount: number;
  /** Media ms. */
  durationMs: number;
}

/** `200` body of `POST /games/{gameId}/finish`. */
export interface FinishAnswer extends OpenAnswer {
  /** Media ms. */
  durationMs: number;
}

/**
 * A request the publisher must fix: HTTP 400 `bad_request`, 403 `forbidden` (another
 * publisher's live game), 404 `not_found` or 409 `conflict`, as `code` says.
 */
export class LiveRequestError extends Error {
  constructor(
    readonly code: 'bad_request' | 'forbidden' | 'conflict' | 'not_found',
    message: string,
  ) {
    super(message);
    this.name = 'LiveRequestError';
  }
}

/**
 * Parse a request body with `schema`; the first issue becomes a {@link LiveRequestError}
 * whose message names the field (`events[3].t: …`).
 */
export function parseLiveBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  // A union (one event | a batch): report the issues of the branch the body was meant for —
  // the one that finds the fewest unknown top-level keys, then the fewest issues — so a bad
  // single event names its own field, not the batch's missing `events`. Then the deepest path.
  const issues = r.error.issues.flatMap((i) => (i.code === 'invalid_union' && i.errors.length > 0 ? [...i.errors].sort((a, b) => misfit(a) - misfit(b))[0]! : [i]));
  const issue = issues.sort((a, b) => b.path.length - a.path.length)[0] ?? r.error.issues[0]!;
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
  throw new LiveRequestError('bad_request', `${path === '' ? 'body' : path}: ${issue.message}`);
}

/** How far a union branch's issues say the body is of another shape: unknown top-level keys (× 1000), then issues. */
function misfit(branch: readonly z.core.$ZodIssue[]): number {
  const unknownKeys = branch.reduce((n, i) => n + (i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys.length : 0), 0);
  return unknownKeys * 1000 + branch.length;
}
