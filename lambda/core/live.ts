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
import type { GameRow, LiveChunk } from '../../contract/rows';
import { LiveRequestError, type LiveEvent, type OpenLiveGame } from '../../protocol/http-api';
import type { WireFrame } from '../../protocol/server';

export { chunkAtOrBefore, chunksFor } from './live-chunks';

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
