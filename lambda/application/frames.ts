/**
 * The two frame sources (ports/frames.ts `FrameSource`) and the factory that picks one per
 * stream: a recording (its index and ranged reads of the matchcast/1 object) or a live game
 * (the chunk objects listed on its `Games` row, which grows while the game is live).
 *
 * Read sizes: a history read spans up to 8 index intervals per ranged GET, the tick's
 * read-ahead 2 intervals per GET; a live game is read 16 chunk objects per tick step, 8 of
 * them at once; a seek reads one index interval (recording) or two chunks (live game).
 */
import type { WireFrame } from '../../protocol/messages';
import { forEachPool } from '../core/concurrency';
import { chunkAtOrBefore, chunksFor } from '../core/live-chunks';
import type { GameRow, LiveChunk, StreamRow } from '../../contract/rows';
import { nextBatch, type Batch, type PlannerConfig } from '../core/planner';
import type { PlaybackClock } from '../core/clock';
import { byteRangeFor, firstSeqAtOrAfter, parseFrameLines, seekRange, type RecordingIndex } from '../../protocol/recording';
import type { FrameCursor, FrameSource, FramesAhead } from '../ports/frames';
import type { GameCatalog } from '../ports/games';
import type { RecordingStore } from '../ports/recordings';

/** Chunk objects of a live game read at once. */
export const LIVE_READ_CONCURRENCY = 8;
/** Chunk objects the tick reads per step of a replay of a live game (each one published batch). */
export const LIVE_CHUNKS_PER_READ = 16;
/** Index intervals per ranged GET of the tick's read-ahead. */
export const TICK_INTERVALS_PER_READ = 2;
/** Frames per read of the tick's read-ahead of a live game. */
const LIVE_FRAMES_PER_READ = 2000;
/** Default most frames of one {@link FrameSource.read}. */
const DEFAULT_READ_LIMIT = 5000;

/** Ports of the frame sources. */
export interface FramePorts {
  recordings: Pick<RecordingStore, 'getIndex' | 'readRange' | 'readText'>;
  games: Pick<GameCatalog, 'get'>;
}

/** What a frame source needs of a stream (or a game, before its stream exists). */
export type FrameHistory = Pick<StreamRow, 'gameId' | 'recordingKey' | 'indexKey' | 'frameCount'> & {
  /** Spacing (ms) of a recording without times; seek then needs no read. */
  delayMs?: number;
  /** Set for a live game (GameRow `liveStatus`): its frames are in chunk objects. */
  liveStatus?: unknown;
  /** Set for a stream of a live game (StreamRow `livePlayback`): its frames are in chunk objects. */
  livePlayback?: unknown;
};

/** The frame source of `history`: live chunks when it is (a stream of) a live game, else the recording. Chosen once per stream. */
export function frameSourceFor(ports: FramePorts, history: FrameHistory): FrameSource {
  return history.liveStatus !== undefined || history.livePlayback !== undefined ? new LiveFrameSource(ports, history) : new RecordedFrameSource(ports, history);
}

/**
 * Frames `[fromSeq, toSeq)` of a live game from its chunk objects (`chunks`, the `Games` row's
 * index), in order, at most `limit` frames from at most `maxChunks` chunks. Each chunk is read
 * whole, up to {@link LIVE_READ_CONCURRENCY} at once.
 */
export async function readLiveFrames(
  recordings: Pick<RecordingStore, 'readText'>,
  chunks: readonly LiveChunk[],
  fromSeq: number,
  toSeq: number,
  limit = DEFAULT_READ_LIMIT,
  maxChunks = Number.POSITIVE_INFINITY,
): Promise<WireFrame[]> {
  const end = Math.min(toSeq, fromSeq + limit);
  const wanted = chunksFor(chunks, fromSeq, end, maxChunks);
  const texts: string[] = new Array<string>(wanted.length);
  await forEachPool(wanted, LIVE_READ_CONCURRENCY, async (c, i) => {
    texts[i] = await recordings.readText(c.key);
  });
  return texts.flatMap((text) => parseFrameLines(text, fromSeq)).filter((f) => f.seq < end);
}

/** The first seq of a live game with `t` ≥ `toMs` (reads the two chunks that can hold it); `frameCount` when none is that late. */
export async function liveSeqAtOrAfter(recordings: Pick<RecordingStore, 'readText'>, game: Pick<GameRow, 'chunks' | 'frameCount'>, toMs: number): Promise<number> {
  const chunks = game.chunks ?? [];
  const from = chunkAtOrBefore(chunks, toMs);
  if (!from) return game.frameCount;
  // The first such frame is in that chunk, or first in the next one.
  const frames = await readLiveFrames(recordings, chunks, from.seq, game.frameCount, Number.POSITIVE_INFINITY, 2);
  return frames.find((f) => f.t >= toMs)?.seq ?? game.frameCount;
}

/** A recording uploaded whole: read through its index by byte range. */
export class RecordedFrameSource implements FrameSource {
  readonly kind = 'recorded' as const;

  constructor(
    private readonly ports: FramePorts,
    private readonly history: FrameHistory,
  ) {}

  async read(fromSeq: number, toSeq: number, limit = DEFAULT_READ_LIMIT): Promise<WireFrame[]> {
    const { recordingKey, indexKey, frameCount } = this.history;
    const index = await this.ports.recordings.getIndex(indexKey);
    const out: WireFrame[] = [];
    let next = Math.max(0, fromSeq);
    const end = Math.min(toSeq, frameCount, fromSeq + limit);
    while (next < end) {
      const range = byteRangeFor(index, next, Number.POSITIVE_INFINITY);
      if (!range) break;
      const frames = parseFrameLines(await this.ports.recordings.readRange(recordingKey, range.startByte, range.endByte), next);
      if (frames.length === 0) break;
      for (const f of frames) {
        if (f.seq >= end) break;
        out.push(f);
      }
      next = frames.at(-1)!.seq + 1;
    }
    return out;
  }

  async seqAtOrAfter(toMs: number): Promise<number> {
    const { delayMs, frameCount, indexKey, recordingKey } = this.history;
    if (delayMs !== undefined) return Math.min(frameCount, Math.ceil(toMs / delayMs));
    const index = await this.ports.recordings.getIndex(indexKey);
    const range = seekRange(index, toMs);
    return firstSeqAtOrAfter(index, parseFrameLines(await this.ports.recordings.readRange(recordingKey, range.startByte, range.endByte), 0), toMs);
  }

  cursor(fromSeq: number, frameCount: number): FrameCursor {
    return new RecordedCursor(this.ports.recordings, this.history.recordingKey, this.history.indexKey, fromSeq, frameCount);
  }
}

/** A live game (or a replay of one): its frames are the chunk objects on its `Games` row, read fresh. */
export class LiveFrameSource implements FrameSource {
  readonly kind = 'live' as const;

  constructor(
    private readonly ports: FramePorts,
    private readonly history: FrameHistory,
  ) {}

  async read(fromSeq: number, toSeq: number, limit = DEFAULT_READ_LIMIT): Promise<WireFrame[]> {
    // The chunk list grows: read it fresh.
    const game = await this.ports.games.get(this.history.gameId, { consistent: true });
    return readLiveFrames(this.ports.recordings, game?.chunks ?? [], Math.max(0, fromSeq), Math.min(toSeq, game?.frameCount ?? 0), limit);
  }

  async seqAtOrAfter(toMs: number): Promise<number> {
    const { delayMs, frameCount, gameId } = this.history;
    if (delayMs !== undefined) return Math.min(frameCount, Math.ceil(toMs / delayMs));
    const game = await this.ports.games.get(gameId, { consistent: true });
    return game ? liveSeqAtOrAfter(this.ports.recordings, game, toMs) : frameCount;
  }

  cursor(fromSeq: number, frameCount: number): FrameCursor {
    return new LiveCursor(this.ports, this.history.gameId, fromSeq, frameCount);
  }
}

type Clock = PlaybackClock & Pick<StreamRow, 'delayMs'>;

/** The tick's read-ahead of a recording: {@link TICK_INTERVALS_PER_READ} index intervals per ranged GET. */
class RecordedCursor implements FrameCursor {
  private buffer: WireFrame[] = [];
  private index: RecordingIndex | undefined;

  constructor(
    private readonly recordings: FramePorts['recordings'],
    private readonly recordingKey: string,
    private readonly indexKey: string,
    private nextSeq: number,
    private readonly frameCount: number,
  ) {}

  async nextBatch(clock: Clock, cfg: Pick<PlannerConfig, 'batchQuantumMs' | 'leadMs'>): Promise<Batch | undefined> {
    for (;;) {
      const batch = nextBatch(this.buffer, clock, cfg, clock.delayMs);
      if ((batch && batch.complete) || this.nextSeq >= this.frameCount) return batch;
      await this.readMore();
    }
  }

  consumed(n: number): void {
    this.buffer = this.buffer.slice(n);
  }

  async refresh(): Promise<FramesAhead> {
    return 'finished';
  }

  private async readMore(): Promise<void> {
    this.index ??= await this.recordings.getIndex(this.indexKey);
    const range = byteRangeFor(this.index, this.nextSeq, Number.POSITIVE_INFINITY, TICK_INTERVALS_PER_READ);
    if (!range) {
      this.nextSeq = this.frameCount;
      return;
    }
    const frames = parseFrameLines(await this.recordings.readRange(this.recordingKey, range.startByte, range.endByte), this.nextSeq);
    if (frames.length === 0 || frames[0]!.seq !== this.nextSeq) {
      throw new Error(`recording ${this.recordingKey}: expected frame ${this.nextSeq} at bytes ${range.startByte}-${range.endByte}`);
    }
    this.buffer.push(...frames);
    this.nextSeq = frames.at(-1)!.seq + 1;
  }
}

/**
 * The tick's read-ahead of a live game: {@link LIVE_CHUNKS_PER_READ} chunks per step; at the
 * end of what exists it re-reads the game's row, so a replay catches up with live and ends
 * only once the game is finished.
 */
class LiveCursor implements FrameCursor {
  private buffer: WireFrame[] = [];
  private chunks: LiveChunk[] = [];

  constructor(
    private readonly ports: FramePorts,
    private readonly gameId: string,
    private nextSeq: number,
    private frameCount: number,
  ) {}

  async nextBatch(clock: Clock, cfg: Pick<PlannerConfig, 'batchQuantumMs' | 'leadMs'>): Promise<Batch | undefined> {
    for (;;) {
      const batch = nextBatch(this.buffer, clock, cfg, clock.delayMs);
      if ((batch && batch.complete) || this.nextSeq >= this.frameCount) return batch;
      const lastChunk = this.chunks.at(-1);
      if (!lastChunk || lastChunk.seq + lastChunk.count < this.frameCount) await this.refresh({ positionSeq: this.nextSeq });
      const frames = await readLiveFrames(this.ports.recordings, this.chunks, this.nextSeq, this.frameCount, LIVE_FRAMES_PER_READ, LIVE_CHUNKS_PER_READ);
      if (frames.length === 0 || frames[0]!.seq !== this.nextSeq) throw new Error(`live game ${this.gameId}: no frame ${this.nextSeq} in its chunks`);
      this.buffer.push(...frames);
      this.nextSeq = frames.at(-1)!.seq + 1;
    }
  }

  consumed(n: number): void {
    this.buffer = this.buffer.slice(n);
  }

  async refresh(stream: Pick<StreamRow, 'positionSeq'>): Promise<FramesAhead> {
    const game = await this.ports.games.get(this.gameId, { consistent: true });
    if (!game) return 'finished';
    this.chunks = game.chunks ?? [];
    this.frameCount = game.frameCount;
    if (game.frameCount > stream.positionSeq) return { frameCount: game.frameCount, durationMs: game.durationMs };
    return game.liveStatus === 'live' ? 'waiting' : 'finished';
  }
}
