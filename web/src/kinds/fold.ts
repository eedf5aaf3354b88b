/**
 * The state a kind's web view draws, folded with the kind's shared reducer (kinds/<kind>):
 * from a base — the server's snapshot (`state` after every frame with seq < `seq`), or the
 * kind's initial state at seq 0 — through the frames held with seq ≥ base.seq, in seq order.
 *
 * Frames are checked against the kind's `frameSchema` first; a frame that does not pass is
 * skipped (never applied, never thrown). For synchronous reducers only (every kind but
 * terminal, whose browser view writes to xterm.js itself).
 */
import type { GameKind, RecordingHeader } from '../../../kinds/kind';
import type { JoinedMessage, WireFrame } from '../../../protocol/messages';
import type { WireSnapshot } from './types';

/**
 * The recording header as far as the client knows it from `joined` (and the catalog's
 * participants): enough for a kind's `initialState` when no snapshot came (a server before
 * protocol 1.1). `meta` is empty: sizes, draws and start positions then take the kind's defaults.
 */
export function headerOf(joined: JoinedMessage, participants: readonly string[] | undefined): RecordingHeader {
  return {
    format: 'matchcast/1',
    gameId: joined.gameId,
    kind: joined.kind,
    title: joined.title,
    participants: [...(participants ?? [])],
    durationMs: joined.durationMs,
    frameCount: joined.frameCount,
    meta: {},
  } as RecordingHeader;
}

/** A kind's state, kept in step with the frames held. */
export class FoldedState<S> {
  private baseSeq = 0;
  private baseState: S;
  private current: S;
  /** The next seq to apply (one past the last applied). */
  private next = 0;
  private lastFrame: WireFrame | null = null;

  constructor(
    private readonly kind: GameKind<S>,
    private readonly initial: () => S,
  ) {
    this.baseState = initial();
    this.current = this.baseState;
  }

  /** The state after the last frame applied. */
  get state(): S {
    return this.current;
  }

  /** The last frame applied since the base (null right after a snapshot). */
  get last(): WireFrame | null {
    return this.lastFrame;
  }

  /** The state covers every frame with seq < this (one past the last frame applied, or the base's seq). */
  get upTo(): number {
    return this.next;
  }

  /** The base's seq: frames before it are in the snapshot. */
  get from(): number {
    return this.baseSeq;
  }

  /** Start over from `base` (undefined: the initial state at seq 0) and apply `held`. */
  reset(base: WireSnapshot | undefined, held: readonly WireFrame[]): void {
    this.baseSeq = base ? base.seq : 0;
    this.baseState = base ? (base.state as S) : this.initial();
    this.replay(held);
  }

  /**
   * Apply newly held frames. When one of them comes before a frame already applied (a gap
   * filled after a reconnect), the state is folded again from the base through `held`.
   */
  add(frames: readonly WireFrame[], held: readonly WireFrame[]): void {
    if (frames.some((f) => f.seq < this.next && f.seq >= this.baseSeq)) this.replay(held);
    else this.apply(frames);
  }

  private replay(held: readonly WireFrame[]): void {
    this.current = this.baseState;
    this.next = this.baseSeq;
    this.lastFrame = null;
    this.apply(held);
  }

  private apply(frames: readonly WireFrame[]): void {
    for (const f of frames) {
      if (f.seq < this.next || f.seq < this.baseSeq) continue;
      this.next = f.seq + 1;
      if (!this.kind.frameSchema.safeParse(f).success) continue;
      const s = this.kind.reduce(this.current, f);
      if (s instanceof Promise) throw new TypeError(`kind ${this.kind.kind} reduces asynchronously: FoldedState is for synchronous kinds`);
      this.current = s;
      this.lastFrame = f;
    }
  }
}
