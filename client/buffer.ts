/**
 * The client's frame buffer: de-dup by `seq`, epoch fencing, and the cursor `rejoin` needs.
 *
 * Rules (PROTOCOL.md "Guarantees", "rejoin"):
 * - A `seq` names one line of an immutable recording, so a frame already held is never taken
 *   twice, whatever epoch re-sends it (duplicates after a rejoin or a seek are dropped).
 * - Every control change starts a new epoch at `positionSeq`. Frames at or after that seq
 *   that we hold belong to a timeline the change replaced (a seek backwards): they are
 *   removed, and the stream sends them again when they are due.
 * - Frames of an older epoch than the newest seen are stale and ignored.
 * - After a reconnect, `{action:'rejoin', streamId, lastSeq, epoch}` asks for every frame
 *   after `lastSeq` that the stream already sent in `epoch`: `lastSeq` is the last seq held
 *   contiguously from the current epoch's start (or start − 1 when none arrived yet).
 * Shared by both clients (the web client's player view, `npm run watch`). Pure: no DOM, no
 * Node API, no timers (unit-tested in test/client/buffer.test.ts).
 */
import type { RejoinMessage, WireFrame } from '../protocol/messages';

/** What a `frames` message or a position change did to the buffer. */
export interface BufferChange {
  /** Frames newly taken, in seq order. */
  readonly added: WireFrame[];
  /** Seqs removed because a new epoch replaced them (a seek backwards). */
  readonly removed: number[];
}

/** Frames held by one viewer of one stream, keyed by seq. */
export class FrameBuffer {
  private readonly frames = new Map<number, WireFrame>();
  private sortedCache: WireFrame[] | null = [];
  private currentEpoch = -1;
  /** The next seq expected in the current epoch (contiguous from the epoch's start). */
  private nextSeq = 0;

  /** The newest epoch seen (−1 before any). */
  get epoch(): number {
    return this.currentEpoch;
  }

  /** How many frames are held. */
  get size(): number {
    return this.frames.size;
  }

  /** The cursor for a `rejoin` message: `lastSeq` ≥ −1 and the epoch it belongs to (≥ 0). */
  rejoinCursor(): { lastSeq: number; epoch: number } {
    return { lastSeq: this.nextSeq - 1, epoch: Math.max(0, this.currentEpoch) };
  }

  /**
   * The `rejoin` message to send for `streamId` after a reconnect:
   * `{ action: 'rejoin', streamId, epoch, lastSeq }` with this buffer's {@link rejoinCursor}.
   */
  rejoinMessage(streamId: string): RejoinMessage {
    const { lastSeq, epoch } = this.rejoinCursor();
    return { action: 'rejoin', streamId, epoch, lastSeq };
  }

  /** Whether a frame with this seq is held. */
  has(seq: number): boolean {
    return this.frames.has(seq);
  }

  /** Every held frame in seq order (the returned array is shared: do not mutate it). */
  sorted(): readonly WireFrame[] {
    if (!this.sortedCache) this.sortedCache = [...this.frames.values()].sort((a, b) => a.seq - b.seq);
    return this.sortedCache;
  }

  /**
   * A `joined` or `state` message: when `epoch` is newer than the buffer's, start it at
   * `positionSeq` (dropping held frames at or after it). Same or older epochs change nothing.
   */
  position(epoch: number, positionSeq: number): BufferChange {
    if (!Number.isInteger(epoch) || epoch <= this.currentEpoch) return { added: [], removed: [] };
    const removed: number[] = [];
    for (const seq of this.frames.keys()) if (seq >= positionSeq) removed.push(seq);
    for (const seq of removed) this.frames.delete(seq);
    removed.sort((a, b) => a - b);
    if (removed.length) this.sortedCache = null;
    this.currentEpoch = epoch;
    this.nextSeq = Math.max(0, positionSeq);
    this.advance();
    return { added: [], removed };
  }

  /**
   * A `frames` message. Older epochs are ignored; a newer epoch than known (its `state` was
   * lost, or has not arrived yet) starts at the first frame's seq, removing held frames at or
   * after it. Frames already held (by seq) and malformed frames (seq not an integer ≥ 0, `t`
   * not a number) are skipped. Returns the frames newly taken, in seq order, and the seqs removed.
   */
  add(epoch: number, frames: readonly WireFrame[]): BufferChange {
    if (!Number.isInteger(epoch) || epoch < this.currentEpoch || frames.length === 0) {
      return { added: [], removed: [] };
    }
    let removed: number[] = [];
    if (epoch > this.currentEpoch) {
      const first = Math.min(...frames.map((f) => f.seq));
      removed = this.position(epoch, first).removed;
    }
    const added: WireFrame[] = [];
    for (const f of frames) {
      if (!isFrame(f) || this.frames.has(f.seq)) continue;
      this.frames.set(f.seq, f);
      added.push(f);
    }
    if (added.length) {
      this.sortedCache = null;
      this.advance();
    }
    added.sort((a, b) => a.seq - b.seq);
    return { added, removed };
  }

  /** Forget everything (a different stream). */
  reset(): void {
    this.frames.clear();
    this.sortedCache = [];
    this.currentEpoch = -1;
    this.nextSeq = 0;
  }

  private advance(): void {
    let guard = this.frames.size + 1;
    while (this.frames.has(this.nextSeq) && guard-- > 0) this.nextSeq++;
  }
}

function isFrame(f: unknown): f is WireFrame {
  const o = f as Partial<WireFrame> | null;
  return (
    typeof o === 'object' && o !== null && Number.isInteger(o.seq) && (o.seq as number) >= 0 && typeof o.t === 'number'
  );
}
