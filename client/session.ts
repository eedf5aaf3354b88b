/**
 * What a client knows of the one stream it watches, shared by both clients (the web client's
 * player view, `npm run watch`): the frame buffer (client/buffer.ts: de-dup by seq, epoch
 * fencing, the `rejoin` cursor), the playout queue (client/playout.ts: frames sent ahead of
 * their `dueAt` wait until due), the playback state from `joined` and every `state` (status,
 * speed, and the playhead's anchor), the recording's known length (fixed, or growing with the
 * frames of a live game), and a scheduled stream's `startsAt`. Pure: callers pass the clock
 * and run the timer ({@link StreamSession.nextWakeAt} → {@link StreamSession.releaseDue}).
 *
 * Shown vs held: the buffer holds every frame received (the rejoin cursor counts them); a
 * client draws only the frames the session handed out to show — those returned by
 * {@link StreamSession.onFrames} and {@link StreamSession.releaseDue}, all of them listed by
 * {@link StreamSession.shown}. A frame a `state` dropped before it was due is never shown.
 * The playhead never passes a frame of the current epoch that waits to be shown.
 *
 * Units: `positionMs`, `durationMs`, `t` are media milliseconds; `now` is the local wall clock
 * in epoch ms (`Date.now()`, in both clients: frames' `dueAt` are compared with it);
 * `startsAt` and `dueAt` are wall-clock epoch ms on the server's clock.
 */
import type { EndReason, JoinedMessage, RejoinMessage, StateMessage, StreamStatus, WireFrame } from '../protocol/messages';
import { FrameBuffer, type BufferChange } from './buffer';
import { isPreStart } from './countdown';
import { playheadMs } from './playback';
import { PlayoutQueue } from './playout';

/** What is known of a recording's length: media ms and frames. */
export interface KnownLength {
  readonly durationMs: number;
  readonly frameCount: number;
}

/**
 * A live game's length after `frames` arrived: `durationMs` grows to the largest `t`,
 * `frameCount` to the largest `seq` + 1; it never shrinks (frames removed by a seek back still
 * exist). Recorded games are returned unchanged when `live` is false (their length is fixed).
 * Returns `known` itself when nothing grew.
 */
export function grownLength(known: KnownLength, frames: readonly Pick<WireFrame, 'seq' | 't'>[], live: boolean): KnownLength {
  if (!live || frames.length === 0) return known;
  let durationMs = known.durationMs;
  let frameCount = known.frameCount;
  for (const f of frames) {
    if (Number.isFinite(f.t) && f.t > durationMs) durationMs = f.t;
    if (Number.isInteger(f.seq) && f.seq + 1 > frameCount) frameCount = f.seq + 1;
  }
  return durationMs === known.durationMs && frameCount === known.frameCount ? known : { durationMs, frameCount };
}

/** The stream's state before a `state` message changed it. */
export interface PreviousState {
  readonly status: StreamStatus;
  readonly speed: number;
}

/** How a session reads the server clock. */
export interface SessionOptions {
  /**
   * The server − local clock offset (ms) now (client/clock.ts `ServerClock.offsetMs`), read
   * whenever a frame's `dueAt` is compared with the local clock. Default: 0.
   */
  readonly clockOffsetMs?: () => number;
}

/** What a `frames` message did: the buffer's change, the frames to show now, and whether the length grew. */
export interface FramesChange {
  /** What the buffer took and removed (see {@link FrameBuffer.add}). */
  readonly change: BufferChange;
  /** Frames to show now, in seq order: those without `dueAt` or already due, plus any queued frame due by now. */
  readonly shown: WireFrame[];
  /** True when the known length changed. */
  readonly grew: boolean;
}

/** One viewer's knowledge of one stream. */
export class StreamSession {
  /** The frames held: de-dup by seq, epoch fencing, the rejoin cursor. */
  readonly buffer = new FrameBuffer();
  /** Frames held but not yet due (client/playout.ts). */
  private readonly playout: PlayoutQueue;
  private shownCache: { from: readonly WireFrame[]; version: number; list: readonly WireFrame[] } | undefined;
  /** Bumped whenever the playout queue changes (for the {@link shown} cache). */
  private playoutVersion = 0;
  private joinedMsg: JoinedMessage | undefined;
  private currentStatus: StreamStatus = 'starting';
  private currentSpeed = 1;
  private anchor = { positionMs: 0, at: 0 };
  private isLive = false;
  private knownLength: KnownLength = { durationMs: 0, frameCount: 0 };
  private start: number | undefined;

  constructor(opts: SessionOptions = {}) {
    this.playout = new PlayoutQueue({ offsetMs: opts.clockOffsetMs });
  }

  /** The last `joined` (the first, or a rejoin's); undefined before any. */
  get joined(): JoinedMessage | undefined {
    return this.joinedMsg;
  }

  /** The stream's id, from `joined`. */
  get streamId(): string | undefined {
    return this.joinedMsg?.streamId;
  }

  get status(): StreamStatus {
    return this.currentStatus;
  }

  /** Playback rate (1 = real time). */
  get speed(): number {
    return this.currentSpeed;
  }

  /** The game is live (`joined.live`, until it ends): its length grows with its frames. */
  get live(): boolean {
    return this.isLive;
  }

  /** The recording's length as far as it is known. */
  get known(): KnownLength {
    return this.knownLength;
  }

  /** A scheduled stream's start (server epoch ms) while it is announced and not yet playing. */
  get startsAt(): number | undefined {
    return this.start;
  }

  /** The stream's playout lead (ms, `joined.leadMs`; 0 before `joined` or when absent). */
  get leadMs(): number {
    return this.playout.leadMs;
  }

  /** How many frames are held but not yet shown (waiting for their `dueAt`). */
  get pending(): number {
    return this.playout.size;
  }

  /**
   * The lowest seq held but not yet shown (undefined when none waits): a view that follows a
   * new epoch's `positionSeq` must not skip past it (it is still to be shown).
   */
  get firstPendingSeq(): number | undefined {
    return this.playout.firstSeq();
  }

  /**
   * Every frame held that was handed out to show, in seq order (the buffer's frames minus those
   * waiting for their `dueAt`): what a client draws from. Shared array: do not mutate it.
   */
  shown(): readonly WireFrame[] {
    const from = this.buffer.sorted();
    const c = this.shownCache;
    if (c && c.from === from && c.version === this.playoutVersion) return c.list;
    const list = this.playout.size === 0 ? from : from.filter((f) => !this.playout.has(f.seq));
    this.shownCache = { from, version: this.playoutVersion, list };
    return list;
  }

  /** When the next held frame is due (epoch ms, local clock): call {@link releaseDue} then. Undefined when none waits. */
  nextWakeAt(): number | undefined {
    return this.playout.nextDueLocal();
  }

  /**
   * The frames due at local time `now` (epoch ms), in seq order, now shown: a live game's
   * length grows with them and, while playing, the playhead moves to the last of them when it
   * is past the estimate. Empty when nothing is due.
   */
  releaseDue(now: number): WireFrame[] {
    const due = this.playout.release(now);
    if (due.length) this.touchPlayout();
    this.showing(due, now);
    return due;
  }

  /**
   * A `joined` message (the first, or a rejoin's) at local time `now`. Takes its status, speed,
   * anchor, `live`, `startsAt`, `leadMs` and length (a live game's: at least what the frames
   * shown tell), and starts its epoch in the buffer and the playout queue (a newer epoch drops
   * what it replaced, shown or waiting) at `positionSeq`, or at `snapshot.seq` when that is
   * earlier (frames sent ahead: the snapshot is at the playhead). `first` is true for the first
   * `joined` of this session.
   */
  onJoined(msg: JoinedMessage, now: number): { first: boolean; change: BufferChange } {
    const first = this.joinedMsg === undefined;
    this.joinedMsg = msg;
    this.currentStatus = msg.status;
    this.currentSpeed = msg.speed;
    this.anchor = { positionMs: msg.positionMs, at: now };
    this.start = msg.startsAt;
    this.isLive = msg.live === true;
    // A rejoin's `joined` may say less than the frames already held tell (they arrived since).
    const stated = { durationMs: msg.durationMs, frameCount: msg.frameCount };
    this.knownLength = this.isLive ? grownLength(stated, first ? [] : this.shown(), true) : stated;
    this.playout.leadMs = msg.leadMs ?? 0;
    // With frames sent ahead, `snapshot` is the state at the playhead, before `positionSeq`: the
    // epoch starts there (the frames from it to positionSeq − 1 follow, with their dueAt).
    const seq = msg.snapshot?.seq;
    const from = Number.isInteger(seq) && (seq as number) >= 0 ? Math.min(msg.positionSeq, seq as number) : msg.positionSeq;
    return { first, change: this.position(msg.epoch, from) };
  }

  /**
   * A `state` message at local time `now`: the new status, speed and anchor; a newer epoch
   * starts in the buffer (removing what a seek back replaced) and in the playout queue (frames
   * of an older epoch waiting with seq ≥ `positionSeq` are dropped: never shown; their seqs are
   * in `change.removed` too). The countdown target is dropped once the stream leaves
   * `scheduled`/`awaiting_start`. Returns the state before and the change.
   */
  onState(msg: StateMessage, now: number): { prev: PreviousState; change: BufferChange } {
    const prev = { status: this.currentStatus, speed: this.currentSpeed };
    this.currentStatus = msg.status;
    this.currentSpeed = msg.speed;
    this.anchor = { positionMs: msg.positionMs, at: now };
    if (isPreStart(prev.status) && !isPreStart(msg.status)) this.start = undefined;
    return { prev, change: this.position(msg.epoch, msg.positionSeq) };
  }

  /**
   * A `frames` message at local time `now` (epoch ms): the buffer takes what is new (see
   * {@link FrameBuffer.add}; a newer epoch than known drops what it replaced, waiting frames
   * too); the new frames go through the playout queue. `shown` are the frames to show now: new
   * ones without `dueAt` or already due, and any waiting frame due by `now`. A live game's
   * length grows with the frames shown; while playing, a shown frame past the estimated
   * playhead moves the playhead to it (the frame is the truth). Frames before the first
   * `joined` are ignored (nothing taken, nothing shown): they belong to a batch that raced
   * this viewer's join, and `joined` (its `positionSeq` past them, its snapshot covering them)
   * is where the stream starts for it.
   */
  onFrames(epoch: number, frames: readonly WireFrame[], now: number): FramesChange {
    if (this.joinedMsg === undefined) return { change: { added: [], removed: [] }, shown: [], grew: false };
    const change = this.buffer.add(epoch, frames);
    if (change.removed.length && this.playout.drop(change.removed).length) this.touchPlayout();
    const immediate = change.added.length ? this.playout.push(epoch, change.added, now) : [];
    if (immediate.length !== change.added.length) this.touchPlayout();
    const due = this.playout.release(now);
    if (due.length) this.touchPlayout();
    const shown = due.length ? [...immediate, ...due].sort((a, b) => a.seq - b.seq) : immediate;
    return { change, shown, grew: this.showing(shown, now) };
  }

  /**
   * The stream ended (`ended`, or the client gave up on it) at local time `now`: status `ended`,
   * no longer live; frames still waiting are dropped (a client that wants them shown first
   * waits until {@link pending} is 0: `ended` `finished` may arrive up to `leadMs` before the
   * last frame is due); when the recording finished, the playhead stands at its end.
   */
  onEnded(reason: EndReason | string, now: number): void {
    if (this.playout.size) this.touchPlayout();
    this.playout.clear();
    this.currentStatus = 'ended';
    this.isLive = false;
    if (reason === 'finished' && this.joinedMsg) this.anchor = { positionMs: this.knownLength.durationMs, at: now };
  }

  /**
   * The playhead (media ms) at local time `now`: the anchor advanced at `speed` while playing,
   * within the known length, and never past the first frame of the current epoch still waiting
   * to be shown (nor back behind the anchor).
   */
  playhead(now: number): number {
    const durationMs = this.joinedMsg ? this.knownLength.durationMs : Infinity;
    const head = playheadMs({ status: this.currentStatus, speed: this.currentSpeed, positionMs: this.anchor.positionMs, anchorAt: this.anchor.at }, now, durationMs);
    const waiting = this.playout.firstPendingT(this.buffer.epoch);
    return waiting === undefined ? head : Math.min(head, Math.max(waiting, this.anchor.positionMs));
  }

  /** The `rejoin` message after a reconnect, or undefined before the first `joined`. */
  rejoinMessage(): RejoinMessage | undefined {
    return this.joinedMsg ? this.buffer.rejoinMessage(this.joinedMsg.streamId) : undefined;
  }

  /** Start `epoch` at `positionSeq` in the buffer and the playout queue; the buffer's change. */
  private position(epoch: number, positionSeq: number): BufferChange {
    const change = this.buffer.position(epoch, positionSeq);
    const dropped = this.playout.invalidate({ epoch, positionSeq });
    if (dropped.length || change.removed.length) this.touchPlayout();
    return change;
  }

  /** Frames handed out to show at local time `now`: the length grows, the playhead follows. True when the length grew. */
  private showing(frames: readonly WireFrame[], now: number): boolean {
    if (frames.length === 0) return false;
    const known = grownLength(this.knownLength, frames, this.isLive);
    const grew = known !== this.knownLength;
    this.knownLength = known;
    const lastT = frames[frames.length - 1]!.t;
    if (this.currentStatus === 'playing' && lastT > this.playhead(now)) this.anchor = { positionMs: lastT, at: now };
    return grew;
  }

  private touchPlayout(): void {
    this.playoutVersion++;
  }
}
