/**
 * Live games (scored or played as they happen): the pure rules of `PUT /games/{gameId}` and `POST /games/{gameId}/events`
 * (docs/HTTP-API.md) — request schemas, seq and `t` assignment, idempotency by key, and the
 * chunk list that is a live game's index.
 *
 * Storage (application/live.ts on the recording store and the game catalog): S3 cannot append, so every accepted batch is one chunk object
 * of JSON Lines frames, `live/{gameId}/{firstSeq}-{batchId}.jsonl` (a batch id in the key, so
 * a writer that loses the commit race never overwrites the winner's chunk); the `Games` row
 * holds the chunk list and is committed with a conditional write on `frameCount` — the
 * serialisation point of concurrent publishers.
 */
import * as z from 'zod';
import type { GameRow, LiveChunk, LiveStatus } from '../../contract/rows';
import { jsonBytes, jsonDepth, type WireFrame } from '../../protocol/server';

export { chunkAtOrBefore, chunksFor } from './live-chunks';

/** Events in one `POST /games/{gameId}/events` (docs/HTTP-API.md). */
export const MAX_EVENTS_PER_BATCH = 500;
/** Bytes of one request body: an API Gateway HTTP API payload may be 10 MB, Lambda's 6 MB; a batch is far less. */
export const MAX_BATCH_BYTES = 1024 * 1024;
/** Serialized bytes of one event's `data` (a frame line stays well under protocol/recording.ts MAX_FRAME_LINE_BYTES, 32 KB). */
export const MAX_EVENT_DATA_BYTES = 16 * 1024;
/** Nesting of one event's `data`. */
export const MAX_EVENT_DATA_DEPTH = 16;
/**
 * Chunks one live game may have. The chunk list lives in the game's `Games` row, and a
 * DynamoDB item is at most 400 KB: 4,000 entries of ~70 bytes leave room for the keys below.
 */
export const MAX_LIVE_CHUNKS = 4000;
/**
 * Idempotency keys remembered per game: the keys of the most recent chunks, up to this many
 * (a key is ≤ 128 bytes: ≤ 256 KB of the row). A retry of an event older than that — which a
 * publisher retrying within minutes never is — would be appended again.
 */
export const KEY_WINDOW = 2000;

const keySchema = z
  .string()
  .min(1)
  .max(128)
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

/** A request the publisher must fix (HTTP 400 `bad_request`, or 409 `conflict` when `code` says so). */
export class LiveRequestError extends Error {
  constructor(
    readonly code: 'bad_request' | 'conflict' | 'not_found',
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

/** The new `Games` row of a live game opened at `now` (epoch ms). */
export function newLiveGame(gameId: string, open: OpenLiveGame, now: number): GameRow {
  return {
    gameId,
    title: open.title,
    kind: open.kind,
    recordingKey: liveChunkPrefix(gameId),
    indexKey: '',
    durationMs: 0,
    frameCount: 0,
    participants: open.participants,
    createdAt: now,
    liveStatus: 'live',
    startedAt: now,
    chunks: [],
  };
}

/** The S3 prefix of a live game's chunk objects. */
export function liveChunkPrefix(gameId: string): string {
  return `live/${gameId}/`;
}

/** What appending a batch to a live game comes to. */
export interface AppendPlan {
  /** Events to append, with their seq and `t`, in body order (empty: all were duplicates). */
  frames: WireFrame[];
  accepted: Array<{ key: string; seq: number }>;
  /** Events whose key the game has seen: their first seq; nothing is appended for them. */
  duplicates: Array<{ key: string; seq: number }>;
  /** The chunk entry to append (undefined when nothing is appended). */
  chunk?: LiveChunk;
  /** The game's `frameCount` and `durationMs` after the append. */
  frameCount: number;
  durationMs: number;
  /** Indexes into `game.chunks` whose `keys` fall out of {@link KEY_WINDOW} with this append. */
  forgetKeysOf: number[];
}

/**
 * Plan the append of `events` to live game `game` at wall time `now` (epoch ms): the next
 * seqs in body order; `t` as given (≥ the previous event's `t`) or `now − startedAt`
 * (clamped to ≥ the previous `t`); events whose key the game remembers, or that repeat a key
 * earlier in the same batch, are duplicates with their first seq. `chunkKey(firstSeq)` names
 * the chunk object.
 * Throws {@link LiveRequestError}: `conflict` when the game is not live (finished, or a
 * recorded game) or has {@link MAX_LIVE_CHUNKS} chunks; `bad_request` naming the event
 * (`events[i].t`) when a `t` goes back in time.
 */
export function planAppend(game: GameRow, events: readonly LiveEvent[], now: number, chunkKey: (firstSeq: number) => string): AppendPlan {
  if (game.liveStatus !== 'live') {
    throw new LiveRequestError('conflict', game.liveStatus === 'finished' ? `game "${game.gameId}" is finished` : `game "${game.gameId}" is a recorded game, not a live one`);
  }
  const chunks = game.chunks ?? [];
  const known = new Map<string, number>();
  for (const c of chunks) c.keys?.forEach((k, i) => known.set(k, c.seq + i));
  let seq = game.frameCount;
  let lastT = game.durationMs;
  const frames: WireFrame[] = [];
  const accepted: AppendPlan['accepted'] = [];
  const duplicates: AppendPlan['duplicates'] = [];
  events.forEach((e, i) => {
    const first = known.get(e.key);
    if (first !== undefined) {
      duplicates.push({ key: e.key, seq: first });
      return;
    }
    let t: number;
    if (e.t === undefined) {
      t = Math.max(lastT, now - (game.startedAt ?? game.createdAt));
    } else if (e.t < lastT) {
      throw new LiveRequestError('bad_request', `events[${i}].t: ${e.t} ms is before the previous event's t (${lastT} ms)`);
    } else {
      t = e.t;
    }
    frames.push({ seq, t, type: e.type, data: e.data ?? null });
    accepted.push({ key: e.key, seq });
    known.set(e.key, seq);
    lastT = t;
    seq++;
  });
  if (frames.length === 0) return { frames, accepted, duplicates, frameCount: game.frameCount, durationMs: game.durationMs, forgetKeysOf: [] };
  if (chunks.length >= MAX_LIVE_CHUNKS) {
    throw new LiveRequestError('conflict', `game "${game.gameId}" has ${MAX_LIVE_CHUNKS} batches, the most one live game may have: finish it and open another`);
  }
  const chunk: LiveChunk = { seq: frames[0]!.seq, t: frames[0]!.t, count: frames.length, key: chunkKey(frames[0]!.seq), keys: accepted.map((a) => a.key) };
  // Keep keys on the newest chunks only, up to KEY_WINDOW keys (this chunk's included).
  // Once one chunk does not fit, every older one goes too: the window has no holes (a
  // small old chunk must not outlive a bigger newer one).
  const forgetKeysOf: number[] = [];
  let kept = chunk.keys!.length;
  let full = false;
  for (let i = chunks.length - 1; i >= 0; i--) {
    const n = chunks[i]!.keys?.length ?? 0;
    if (n === 0) continue;
    if (full || kept + n > KEY_WINDOW) {
      full = true;
      forgetKeysOf.push(i);
    } else kept += n;
  }
  return { frames, accepted, duplicates, chunk, frameCount: seq, durationMs: lastT, forgetKeysOf };
}

/** Serialize frames as a chunk object: JSON Lines, one frame a line (protocol/recording.ts frame lines). */
export function serializeChunk(frames: readonly WireFrame[]): string {
  return frames.map((f) => JSON.stringify({ seq: f.seq, t: f.t, type: f.type, data: f.data })).join('\n') + '\n';
}
