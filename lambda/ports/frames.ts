/**
 * One stream's frame history, whatever holds it: a recording (index + ranged reads) or a
 * live game (its chunk objects). Chosen once per stream by application/frames.ts
 * `frameSourceFor`; `rejoin`, seek, the quiet-moment wait and the tick all read through it.
 */
import type { WireFrame } from '../../protocol/messages';
import type { PlaybackClock } from '../core/clock';
import type { Batch, PlannerConfig } from '../core/planner';
import type { StreamRow } from '../../contract/rows';

/** What a stream knows at the end of its frames (see {@link FrameCursor.refresh}). */
export type FramesAhead = 'finished' | 'waiting' | Pick<StreamRow, 'frameCount' | 'durationMs'>;

/** The tick's read-ahead over the frames from a stream's position on. */
export interface FrameCursor {
  /**
   * The next batch for the stream's clock (core/planner.ts `nextBatch`), reading more until
   * it is complete or the known frames end; undefined when there is nothing left to read.
   * Throws an Error when the history has no frame where one must be.
   */
  nextBatch(clock: PlaybackClock & Pick<StreamRow, 'delayMs'>, cfg: Pick<PlannerConfig, 'batchQuantumMs' | 'leadMs'>): Promise<Batch | undefined>;
  /** The first `n` frames of the last batch were sent: drop them. */
  consumed(n: number): void;
  /**
   * At the end of what the stream knows: `finished` (nothing more will come), `waiting` (a
   * live game with nothing new yet), or the stream's new `frameCount`/`durationMs`.
   */
  refresh(stream: Pick<StreamRow, 'positionSeq'>): Promise<FramesAhead>;
}

/** The frame history of one stream. */
export interface FrameSource {
  /** `live` for a live game's chunks, `recorded` for a recording's index and ranged reads. */
  readonly kind: 'recorded' | 'live';
  /** Frames `[fromSeq, toSeq)`, in seq order, at most `limit` (default 5,000). */
  read(fromSeq: number, toSeq: number, limit?: number): Promise<WireFrame[]>;
  /** The first seq with media time ≥ `toMs` (seek); `frameCount` when no frame is that late. */
  seqAtOrAfter(toMs: number): Promise<number>;
  /** A read-ahead cursor starting at `fromSeq` with `frameCount` frames known (the tick). */
  cursor(fromSeq: number, frameCount: number): FrameCursor;
}
