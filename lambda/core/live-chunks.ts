/**
 * Reading a live game's chunk list (core/live.ts): which chunks hold a seq range, and where
 * a seek starts. Pure and without zod, so the tick — which reads live games' frames — does
 * not bundle the live-game request schemas (protocol/http-api.ts).
 */
import type { LiveChunk } from '../../contract/rows';

/**
 * The chunks holding frames `[fromSeq, toSeq)`, in order, at most `maxChunks` of them.
 * `chunks` must be in seq order without gaps (as the commit writes them).
 */
export function chunksFor(chunks: readonly LiveChunk[], fromSeq: number, toSeq: number, maxChunks = Number.POSITIVE_INFINITY): LiveChunk[] {
  if (toSeq <= fromSeq) return [];
  // Binary search for the chunk holding fromSeq.
  let lo = 0;
  let hi = chunks.length - 1;
  let start = chunks.length;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = chunks[mid]!;
    if (c.seq + c.count <= fromSeq) lo = mid + 1;
    else {
      start = mid;
      hi = mid - 1;
    }
  }
  const out: LiveChunk[] = [];
  for (let i = start; i < chunks.length && out.length < maxChunks && chunks[i]!.seq < toSeq; i++) out.push(chunks[i]!);
  return out;
}

/**
 * The chunk to read from when seeking to `toMs` (media ms), judged by chunk starts: the
 * last chunk starting before `toMs` — the first frame with `t` ≥ `toMs` is in it or after
 * it (a chunk starting exactly at `toMs` may have frames at `toMs` in the one before) — or
 * the first chunk; undefined when there is none.
 */
export function chunkAtOrBefore(chunks: readonly LiveChunk[], toMs: number): LiveChunk | undefined {
  let found: LiveChunk | undefined;
  for (const c of chunks) {
    if (c.t >= toMs) break;
    found = c;
  }
  return found ?? chunks[0];
}
