/**
 * Live games (scored or played as they happen): the pure rules of `PUT /games/{gameId}` and `POST /games/{gameId}/events`
 * (docs/HTTP-API.md) — seq and `t` assignment, idempotency by key, and the chunk list that is
 * a live game's index. The request schemas, limits and answers of those routes are
 * protocol/http-api.ts's (publishers share them).
 *
 * Storage (application/live.ts on the recording store and the game catalog): S3 cannot append, so every accepted batch is one chunk object
 * of JSON Lines frames, `live/{gameId}/{firstSeq}-{batchId}.jsonl` (a batch id in the key, so
 * a writer that loses the commit race never overwrites the winner's chunk); the `Games` row
 * holds the chunk list and is committed with a conditional write on `frameCount` — the
 * serialisation point of concurrent publishers.
 */
import { createHash } from 'node:crypto';
import type { GameRow, LiveChunk } from '../../contract/rows';
import { LiveRequestError, MAX_EVENT_KEY_CHARS, MAX_EVENTS_PER_BATCH, type LiveEvent, type OpenLiveGame } from '../../protocol/http-api';
import type { WireFrame } from '../../protocol/server';

export { chunkAtOrBefore, chunksFor } from './live-chunks';

/**
 * Idempotency keys remembered per game: the keys of the most recent chunks, up to this many.
 * A retry of an event older than that — which a publisher retrying within minutes never is —
 * would be appended again.
 */
export const KEY_WINDOW = 2000;

/**
 * How a chunk remembers an idempotency key (LiveChunk `keys`): `#` and the first 16
 * base64url characters (96 bits) of the key's SHA-256 — 17 bytes whatever the key's length
 * (up to 128), so the window costs the `Games` row ≈ 36 KB, not ≈ 260 KB. `#` is not a key
 * character, so a key stored whole (rows written before digests) is told apart and still
 * matched. Two keys of one game sharing a digest (≈ 2⁻⁹⁶ a pair) would make the second a
 * duplicate.
 */
export function keyDigest(key: string): string {
  return `#${createHash('sha256').update(key, 'utf8').digest('base64url').slice(0, 16)}`;
}

/** Characters of a {@link keyDigest}. */
export const KEY_DIGEST_CHARS = 17;

/** Amazon DynamoDB quotas: an item is at most 400 KB, attribute names included. */
export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;

/**
 * Batches (chunks) one live game may have. The chunk list lives in the game's `Games` row,
 * so the row with this many chunks must fit {@link DYNAMODB_ITEM_LIMIT_BYTES} for the
 * longest ids and keys the HTTP API accepts: {@link worstCaseLiveRow} builds that row and
 * test/lambda/core/live.test.ts checks its {@link dynamoItemBytes} — a 128-character
 * gameId (its chunk keys ≈ 160 bytes each), {@link KEY_WINDOW} key digests remembered on
 * as many one-event chunks, a title and participants of 3-byte characters.
 */
export const MAX_LIVE_CHUNKS = 1700;

/** The publisher acting on a live game: the token's userId (JWT `sub`) and whether it has the operator role. */
export interface LivePublisher {
  userId: string;
  operator: boolean;
}

/** Limits of {@link planAppend}: `maxChunks` batches per game (default {@link MAX_LIVE_CHUNKS}; tests lower it). */
export interface AppendLimits {
  maxChunks?: number;
}

/** The new `Games` row of a live game opened at `now` (epoch ms) by `userId` (its owner; omitted: none recorded). */
export function newLiveGame(gameId: string, open: OpenLiveGame, now: number, userId?: string): GameRow {
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
    ...(userId === undefined ? {} : { userId }),
  };
}

/**
 * Refuse `by` acting on live game `game` (append, reopen, finish) unless it is the publisher
 * who opened it or an operator. No check when `by` is undefined (an in-process caller) or
 * the row records no owner (opened before owners were recorded). Throws
 * {@link LiveRequestError} `forbidden`.
 */
export function assertMayPublish(game: GameRow, by: LivePublisher | undefined): void {
  if (!by || by.operator || game.userId === undefined || game.userId === by.userId) return;
  throw new LiveRequestError(
    'forbidden',
    `live game "${game.gameId}" belongs to the publisher who opened it: only they or an operator may change it; publish your own game under another gameId`,
  );
}

/** The S3 prefix of a live game's chunk objects. */
export function liveChunkPrefix(gameId: string): string {
  return `live/${gameId}/`;
}

/**
 * The S3 key of the chunk object of one batch: `live/{gameId}/{firstSeq}-{batchId}.jsonl`,
 * `firstSeq` zero-padded to 10 digits (keys list in seq order); `batchId` is random per
 * append (application/live.ts: 8 characters), so a writer that loses the commit race never
 * overwrites the winner's chunk.
 */
export function chunkObjectKey(gameId: string, firstSeq: number, batchId: string): string {
  return `${liveChunkPrefix(gameId)}${String(firstSeq).padStart(10, '0')}-${batchId}.jsonl`;
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
  /** The whole chunk list after the append — `game.chunks` without the forgotten keys, then `chunk` (undefined when nothing is appended). */
  chunks?: LiveChunk[];
}

/**
 * Plan the append of `events` to live game `game` at wall time `now` (epoch ms): the next
 * seqs in body order; `t` as given (≥ the previous event's `t`) or `now − startedAt`
 * (clamped to ≥ the previous `t`); events whose key the game remembers, or that repeat a key
 * earlier in the same batch, are duplicates with their first seq. `chunkKey(firstSeq)` names
 * the chunk object.
 * Throws {@link LiveRequestError}: `conflict` when the game is not live (finished, or a
 * recorded game) or already has `limits.maxChunks` ({@link MAX_LIVE_CHUNKS}) chunks and the
 * batch has a new event (a batch of duplicates only is still answered); `bad_request`
 * naming the event (`events[i].t`) when a `t` goes back in time.
 */
export function planAppend(game: GameRow, events: readonly LiveEvent[], now: number, chunkKey: (firstSeq: number) => string, limits: AppendLimits = {}): AppendPlan {
  const maxChunks = limits.maxChunks ?? MAX_LIVE_CHUNKS;
  if (game.liveStatus !== 'live') {
    throw new LiveRequestError('conflict', game.liveStatus === 'finished' ? `game "${game.gameId}" is finished` : `game "${game.gameId}" is a recorded game, not a live one`);
  }
  const chunks = game.chunks ?? [];
  const known = new Map<string, number>();
  // Remembered keys are digests (keyDigest), or whole keys on rows written before digests.
  for (const c of chunks) c.keys?.forEach((k, i) => known.set(k, c.seq + i));
  let seq = game.frameCount;
  let lastT = game.durationMs;
  const frames: WireFrame[] = [];
  const accepted: AppendPlan['accepted'] = [];
  const duplicates: AppendPlan['duplicates'] = [];
  const digests = events.map((e) => keyDigest(e.key));
  events.forEach((e, i) => {
    const first = known.get(digests[i]!) ?? known.get(e.key);
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
    known.set(digests[i]!, seq);
    lastT = t;
    seq++;
  });
  if (frames.length === 0) return { frames, accepted, duplicates, frameCount: game.frameCount, durationMs: game.durationMs, forgetKeysOf: [] };
  if (chunks.length >= maxChunks) {
    throw new LiveRequestError(
      'conflict',
      `game "${game.gameId}" has ${maxChunks} batches, the most one live game may have; nothing of this batch was stored: finish this game and publish the rest as a new one (another gameId)`,
    );
  }
  const chunk: LiveChunk = { seq: frames[0]!.seq, t: frames[0]!.t, count: frames.length, key: chunkKey(frames[0]!.seq), keys: accepted.map((a) => keyDigest(a.key)) };
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
  const forget = new Set(forgetKeysOf);
  const next = chunks.map((c, i) => (forget.has(i) ? withoutKeys(c) : c));
  next.push(chunk);
  return { frames, accepted, duplicates, chunk, frameCount: seq, durationMs: lastT, forgetKeysOf, chunks: next };
}

/** `c` without its `keys` (the property absent, not undefined: DynamoDB cannot store undefined). */
function withoutKeys(c: LiveChunk): LiveChunk {
  const { keys: _keys, ...rest } = c;
  return rest;
}

/** Serialize frames as a chunk object: JSON Lines, one frame a line (protocol/recording.ts frame lines). */
export function serializeChunk(frames: readonly WireFrame[]): string {
  return frames.map((f) => JSON.stringify({ seq: f.seq, t: f.t, type: f.type, data: f.data })).join('\n') + '\n';
}

/**
 * The size of a DynamoDB item in bytes, by the rules of the Amazon DynamoDB Developer Guide
 * ("Item sizes and formats"): per attribute its name's UTF-8 bytes plus its value's size — a
 * string its UTF-8 bytes; a number 1 byte per two significant digits plus 1 (counted here
 * as 2 + ⌈digits ÷ 2⌉, an upper bound); true/false/null 1 byte; a list or map 3 bytes plus
 * 1 byte per element plus its elements (a map's with their names). `item`: plain JSON
 * values (undefined properties are skipped, as the document client drops them).
 */
export function dynamoItemBytes(item: Record<string, unknown>): number {
  let n = 0;
  for (const [name, value] of Object.entries(item)) if (value !== undefined) n += Buffer.byteLength(name, 'utf8') + valueBytes(value);
  return n;
}

function valueBytes(v: unknown): number {
  if (v === null || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (typeof v === 'number') {
    const digits = String(Math.abs(v)).replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
    return 2 + Math.ceil(Math.max(1, digits) / 2);
  }
  if (Array.isArray(v)) return 3 + v.reduce((sum: number, e) => sum + 1 + valueBytes(e), 0);
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, e]) => e !== undefined);
    return 3 + entries.length + dynamoItemBytes(Object.fromEntries(entries));
  }
  throw new Error(`dynamoItemBytes: cannot size a ${typeof v}`);
}

/**
 * The biggest `Games` row a live game with `chunkCount` chunks can have, for
 * {@link MAX_LIVE_CHUNKS}: the longest gameId (protocol/ids.ts GAME_ID_PATTERN: 128
 * characters) and userId (USER_ID_PATTERN: 64), a 200-character title and 16 participants
 * of 100 characters, each character 3 UTF-8 bytes (a UTF-16 code unit is at most 3), the
 * longest chunk keys (`live/{gameId}/{10 digits}-{8-character batch id}.jsonl`), numbers
 * with every digit significant, and {@link KEY_WINDOW} remembered keys ({@link keyDigest}:
 * {@link KEY_DIGEST_CHARS} characters each, whatever the key's length up to
 * MAX_EVENT_KEY_CHARS) on as many chunks of one event (each chunk carrying keys adds its own
 * `keys` list: the most overhead).
 */
export function worstCaseLiveRow(chunkCount: number): GameRow {
  const gameId = 'g'.repeat(128);
  const wide = (n: number) => '\u20ac'.repeat(n); // €: 3 UTF-8 bytes
  const digits = (n: number) => Number('9'.repeat(n));
  const game = newLiveGame(gameId, { kind: 'k'.repeat(32), title: wide(200), participants: Array.from({ length: 16 }, () => wide(100)) }, digits(13), 'u'.repeat(64));
  // KEY_WINDOW keys (fewer when the chunks cannot hold that many) on the newest chunks, as
  // many chunks carrying keys as there can be.
  const keyed = Math.min(chunkCount, KEY_WINDOW);
  const keyCount = Math.min(KEY_WINDOW, chunkCount * MAX_EVENTS_PER_BATCH);
  const chunks: LiveChunk[] = Array.from({ length: chunkCount }, (_, i) => {
    const k = i - (chunkCount - keyed); // index among the keyed chunks
    const n = k < 0 ? 0 : Math.floor(keyCount / keyed) + (k < keyCount % keyed ? 1 : 0);
    return {
      seq: digits(String(chunkCount * MAX_EVENTS_PER_BATCH).length),
      t: 2_591_999_999,
      count: 499,
      key: chunkObjectKey(gameId, 9_999_999_999, 'x'.repeat(8)),
      ...(n > 0 ? { keys: Array.from({ length: n }, (_, j) => keyDigest(`${'k'.repeat(MAX_EVENT_KEY_CHARS - 12)}${String(i * 500 + j).padStart(12, '0')}`)) } : {}),
    };
  });
  return { ...game, chunks, frameCount: digits(String(chunkCount * 500).length), durationMs: 2_591_999_999 };
}
