/**
 * What `npm run watch` shows of the game itself: the kind's view (kinds/watch.ts) of one
 * stream, started from a snapshot (wire protocol 1.1 "Snapshots": `joined.snapshot`, a
 * seek's `state.snapshot`, a rejoin's `joined` into a newer epoch) or from the kind's
 * initial state, with frames applied by the kind's reducer strictly in seq order, each once.
 * Pure bookkeeping around the view; the session (./session.ts) prints what it returns.
 *
 * Rules:
 * - A snapshot `{ seq: S, state }` is the state after every frame with seq < S: the view is
 *   replaced by one from `state`, and the next frame it applies is S.
 * - Frames are applied in seq order from that point: one that arrives early waits for the
 *   ones before it (a frame that arrived late is applied in its place); one before the
 *   view's next seq is already in the state and is skipped.
 * - Without a snapshot (a protocol 1.0 server) the view starts from the kind's initial
 *   state: {@link StreamView.exact} is then false when the stream did not start at seq 0.
 */
import * as z from 'zod';
import type { JoinedMessage, WireFrame } from '../../protocol/messages';
import { kindOf, type Json, type RecordingHeader } from '../../kinds';
import { generic } from '../../kinds/generic';
import { watchOf, type WatchView } from '../../kinds/watch';

/** A frame that waits longer than this many frames for the ones before it is applied anyway. */
export const MAX_WAITING = 256;

const snapshotSchema = z.object({ seq: z.number().int().nonnegative(), state: z.unknown() });

/** The `snapshot` a `joined` or `state` message carries (wire protocol 1.1), or undefined. */
export function snapshotOf(msg: unknown): { seq: number; state: Json } | undefined {
  const s = snapshotSchema.safeParse((msg as { snapshot?: unknown } | null)?.snapshot);
  return s.success && s.data.state !== undefined ? { seq: s.data.seq, state: s.data.state as Json } : undefined;
}

const markerSchema = z.object({ t: z.number().nonnegative(), seq: z.number().int().nonnegative(), label: z.string(), kind: z.string() });

/** The well-formed `markers` of a `joined` or `markers` message (wire protocol 1.1), or none. */
export function markersOf(msg: unknown): { t: number; seq: number; label: string; kind: string }[] {
  const list = (msg as { markers?: unknown } | null)?.markers;
  if (!Array.isArray(list)) return [];
  return list.flatMap((m) => {
    const r = markerSchema.safeParse(m);
    return r.success ? [r.data] : [];
  });
}

/** Who moved the stream, when a rejoin's `joined` says (`movedBy`, else `by`), or undefined. */
export function movedByOf(msg: unknown): string | undefined {
  const m = msg as { movedBy?: unknown; by?: unknown } | null;
  const by = typeof m?.movedBy === 'string' ? m.movedBy : typeof m?.by === 'string' ? m.by : undefined;
  return by && by !== 'system' ? by : undefined;
}

/**
 * Player names from a title such as "Wimbledon 2012 final: Roger Federer v Andy Murray"
 * (the part after the last ":", split on " v ", " vs ", " – "), else "Player 1"/"Player 2".
 */
export function playerNames(title: string | undefined): [string, string] {
  if (title) {
    const tail = title.includes(':') ? title.slice(title.lastIndexOf(':') + 1) : title;
    const m = /^\s*(.+?)\s+(?:v|vs\.?|versus|–|—)\s+(.+?)\s*$/i.exec(tail);
    if (m?.[1] && m[2]) return [m[1], m[2]];
  }
  return ['Player 1', 'Player 2'];
}

/** The recording header as far as `joined` tells it (participants from the title), for a kind's initial state. */
export function headerOf(j: Pick<JoinedMessage, 'gameId' | 'kind' | 'title' | 'durationMs' | 'frameCount'>): RecordingHeader {
  return { format: 'matchcast/1', gameId: j.gameId, kind: j.kind, title: j.title, participants: playerNames(j.title), durationMs: j.durationMs, frameCount: j.frameCount, meta: {} };
}

/** One stream's view of the game. */
export class StreamView {
  private view: WatchView;
  private next: number;
  private readonly waiting = new Map<number, WireFrame>();
  /** False when the view started without a snapshot past seq 0 (it misses the frames before). */
  exact: boolean;

  /** A view of kind `kind` from `snapshot`, or from the kind's initial state for `header` at `positionSeq`. */
  constructor(
    readonly kind: string,
    private readonly header: RecordingHeader,
    snapshot: { seq: number; state: Json } | undefined,
    positionSeq: number,
  ) {
    this.view = watchOf(kind).view(snapshot ? snapshot.state : this.initial());
    this.next = snapshot ? snapshot.seq : Math.max(0, positionSeq);
    this.exact = snapshot !== undefined || positionSeq <= 0;
  }

  private initial(): Json {
    const k = kindOf(this.kind) ?? generic;
    return k.snapshot(k.initialState(this.header));
  }

  /** The next seq the view applies. */
  get nextSeq(): number {
    return this.next;
  }

  /** Start again from a snapshot (a seek, a rejoin into a newer epoch): frames before its seq are in its state. */
  reset(snapshot: { seq: number; state: Json }): void {
    this.view.dispose();
    this.view = watchOf(this.kind).view(snapshot.state);
    this.next = snapshot.seq;
    this.waiting.clear();
    this.exact = true;
  }

  /**
   * A new epoch at `positionSeq` without a snapshot (a pause, a speed change): frames from
   * there are sent again; the ones waiting are dropped. A move back past what was applied
   * cannot be undone without a snapshot: {@link exact} becomes false.
   */
  position(positionSeq: number): void {
    for (const seq of [...this.waiting.keys()]) if (seq >= positionSeq) this.waiting.delete(seq);
    if (positionSeq < this.next) this.exact = false;
    this.next = Math.max(0, positionSeq);
  }

  /**
   * Take frames (any order) and apply every one that is due, in seq order; returns the
   * lines they earn (kinds/watch.ts `WatchView.apply`). With `all`, frames still waiting for
   * earlier ones are applied too (the stream ended: nothing more will come).
   */
  async take(frames: readonly WireFrame[], all = false): Promise<string[]> {
    for (const f of frames) if (f.seq >= this.next) this.waiting.set(f.seq, f);
    const due: WireFrame[] = [];
    for (;;) {
      const f = this.waiting.get(this.next);
      if (f) {
        this.waiting.delete(this.next);
        due.push(f);
        this.next++;
        continue;
      }
      if (this.waiting.size === 0 || (!all && this.waiting.size <= MAX_WAITING)) break;
      this.next = Math.min(...this.waiting.keys()); // a gap that will not fill
      this.exact = false;
    }
    return due.length > 0 ? this.view.apply(due) : [];
  }

  /** The state as lines (kinds/watch.ts `WatchView.lines`). */
  lines(): Promise<string[]> {
    return this.view.lines();
  }

  /** The view as escape sequences for a real terminal, when the kind draws one (the terminal kind). */
  ansi(): Promise<string> | undefined {
    return this.view.ansi?.();
  }

  dispose(): void {
    this.view.dispose();
  }
}
