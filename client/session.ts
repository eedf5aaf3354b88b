/**
 * What a client knows of the one stream it watches, shared by both clients (the web client's
 * player view, `npm run watch`): the frame buffer (client/buffer.ts: de-dup by seq, epoch
 * fencing, the `rejoin` cursor), the playback state from `joined` and every `state` (status,
 * speed, and the playhead's anchor), the recording's known length (fixed, or growing with the
 * frames of a live game), and a scheduled stream's `startsAt`. Pure: callers pass the clock.
 *
 * Units: `positionMs`, `durationMs`, `t` are media milliseconds; `now` is a reading of one
 * local clock in ms (`performance.now()` in the browser, `Date.now()` in the terminal client);
 * `startsAt` is wall-clock epoch ms on the server's clock.
 */
import type { EndReason, JoinedMessage, RejoinMessage, StateMessage, StreamStatus, WireFrame } from '../protocol/messages';
import { FrameBuffer, type BufferChange } from './buffer';
import { isPreStart } from './countdown';
import { playheadMs } from './playback';

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

/** One viewer's knowledge of one stream. */
export class StreamSession {
  /** The frames held: de-dup by seq, epoch fencing, the rejoin cursor. */
  readonly buffer = new FrameBuffer();
  private joinedMsg: JoinedMessage | undefined;
  private currentStatus: StreamStatus = 'starting';
  private currentSpeed = 1;
  private anchor = { positionMs: 0, at: 0 };
  private isLive = false;
  private knownLength: KnownLength = { durationMs: 0, frameCount: 0 };
  private start: number | undefined;

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

  /**
   * A `joined` message (the first, or a rejoin's) at local time `now`. Takes its status, speed,
   * anchor, `live`, `startsAt` and length (a live game's: at least what the held frames tell), and
   * starts its epoch in the buffer. `first` is true for the first `joined` of this session.
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
    this.knownLength = this.isLive ? grownLength(stated, first ? [] : this.buffer.sorted(), true) : stated;
    return { first, change: this.buffer.position(msg.epoch, msg.positionSeq) };
  }

  /**
   * A `state` message at local time `now`: the new status, speed and anchor; a newer epoch
   * starts in the buffer (removing what a seek back replaced). The countdown target is dropped
   * once the stream leaves `scheduled`/`awaiting_start`. Returns the state before and the change.
   */
  onState(msg: StateMessage, now: number): { prev: PreviousState; change: BufferChange } {
    const prev = { status: this.currentStatus, speed: this.currentSpeed };
    this.currentStatus = msg.status;
    this.currentSpeed = msg.speed;
    this.anchor = { positionMs: msg.positionMs, at: now };
    if (isPreStart(prev.status) && !isPreStart(msg.status)) this.start = undefined;
    return { prev, change: this.buffer.position(msg.epoch, msg.positionSeq) };
  }

  /**
   * A `frames` message at local time `now`: the buffer takes what is new (see
   * {@link FrameBuffer.add}); a live game's length grows; while playing, a frame past the
   * estimated playhead moves the playhead to it (the frame is the truth). `grew` is true when
   * the known length changed.
   */
  onFrames(epoch: number, frames: readonly WireFrame[], now: number): { change: BufferChange; grew: boolean } {
    const change = this.buffer.add(epoch, frames);
    if (change.added.length === 0) return { change, grew: false };
    const known = grownLength(this.knownLength, change.added, this.isLive);
    const grew = known !== this.knownLength;
    this.knownLength = known;
    const lastT = change.added[change.added.length - 1]!.t;
    if (this.currentStatus === 'playing' && lastT > this.playhead(now)) this.anchor = { positionMs: lastT, at: now };
    return { change, grew };
  }

  /**
   * The stream ended (`ended`, or the client gave up on it) at local time `now`: status `ended`,
   * no longer live; when the recording finished, the playhead stands at its end.
   */
  onEnded(reason: EndReason | string, now: number): void {
    this.currentStatus = 'ended';
    this.isLive = false;
    if (reason === 'finished' && this.joinedMsg) this.anchor = { positionMs: this.knownLength.durationMs, at: now };
  }

  /** The playhead (media ms) at local time `now`: the anchor advanced at `speed` while playing, within the known length. */
  playhead(now: number): number {
    const durationMs = this.joinedMsg ? this.knownLength.durationMs : Infinity;
    return playheadMs({ status: this.currentStatus, speed: this.currentSpeed, positionMs: this.anchor.positionMs, anchorAt: this.anchor.at }, now, durationMs);
  }

  /** The `rejoin` message after a reconnect, or undefined before the first `joined`. */
  rejoinMessage(): RejoinMessage | undefined {
    return this.joinedMsg ? this.buffer.rejoinMessage(this.joinedMsg.streamId) : undefined;
  }
}
