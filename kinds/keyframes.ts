/**
 * Keyframes: a recording's frames folded once, with the kind's state kept every K frames, so
 * a snapshot at any seq costs at most K − 1 frame applications (wire protocol 1.1,
 * "Snapshots": `snapshot: { seq: S, state }`, `state` after every frame with seq < S).
 *
 * Meant to be computed at ingest beside the recording's index (keyframe `seq`s are the
 * index's multiples too when K is a multiple of the index's `every`), then read back with
 * the frames after the keyframe, which the byte-range index locates. Pure (no I/O); async
 * because a kind's reducer may be (terminal).
 */
import type { AnyGameKind, KindFold, Marker, RecordingHeader, Snapshot, WireFrame } from './kind';
import { jsonBytes, MAX_MARKERS, MAX_SNAPSHOT_BYTES } from './kind';

/** The state after every frame with seq < `seq`. */
export interface Keyframe<S = unknown> {
  seq: number;
  state: S;
}

/**
 * A recording's keyframes, sorted by seq: at seq 0, then K frames after the previous one
 * (0, K, 2K, … when the kind adds none of its own), and right after every frame the kind's
 * `keyframeAfter` asks for — up to and including `frameCount` when one falls there.
 */
export interface Keyframes<S = unknown> {
  kind: string;
  /** K: most frames between two keyframes. */
  every: number;
  frameCount: number;
  keyframes: Keyframe<S>[];
}

/**
 * Apply `frames` to `state` in order: the kind's `fold` when it has one, else `reduce` frame
 * by frame. Never mutates `state`.
 */
export async function applyFrames<S>(kind: KindFold<S>, state: S, frames: readonly WireFrame[]): Promise<S> {
  if (frames.length === 0) return state;
  if (kind.fold) return kind.fold(state, frames);
  let s = state;
  for (const f of frames) s = await kind.reduce(s, f);
  return s;
}

function checkSeqs(frames: readonly WireFrame[], from: number): void {
  frames.forEach((f, i) => {
    if (f.seq !== from + i) throw new RangeError(`frames must be consecutive from seq ${from}: found seq ${f.seq} at position ${i}`);
  });
}

/**
 * Keyframes built frame by frame, as a recording streams by (the index function never holds
 * the whole recording): {@link add} each frame in seq order from 0, then {@link finish}. At
 * most `every` frames are held between keyframes. Each run is folded with `applyFrames`.
 */
export class KeyframeBuilder<S> {
  private state: S;
  private run: WireFrame[] = [];
  private frameCount = 0;
  private readonly keyframes: Keyframe<S>[];

  /** @throws RangeError when `every` is not a positive integer. */
  constructor(
    private readonly kind: KindFold<S>,
    header: RecordingHeader,
    private readonly every: number = kind.keyframeEvery,
  ) {
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`every must be a positive integer, got ${every}`);
    this.state = kind.initialState(header);
    this.keyframes = [{ seq: 0, state: this.state }];
  }

  /** The next frame (seq must be the count so far). @throws RangeError for a frame out of order. */
  async add(frame: WireFrame): Promise<void> {
    if (frame.seq !== this.frameCount) throw new RangeError(`frames must be consecutive from seq 0: found seq ${frame.seq} where ${this.frameCount} was expected`);
    this.frameCount++;
    this.run.push(frame);
    if (this.run.length >= this.every || this.kind.keyframeAfter?.(frame, this.run)) {
      this.state = await applyFrames(this.kind, this.state, this.run);
      this.run = [];
      this.keyframes.push({ seq: this.frameCount, state: this.state });
    }
  }

  /** The keyframes of every frame added. */
  finish(): Keyframes<S> {
    return { kind: this.kind.kind, every: this.every, frameCount: this.frameCount, keyframes: [...this.keyframes] };
  }
}

/**
 * Fold a whole recording once, keeping the state every `every` frames (default the kind's
 * `keyframeEvery`) and after every frame the kind's `keyframeAfter` asks for. `frames` are
 * the recording's, seq 0…n−1.
 *
 * @throws RangeError when `every` is not a positive integer or the frames are not seq 0…n−1.
 */
export async function buildKeyframes<S>(
  kind: KindFold<S>,
  header: RecordingHeader,
  frames: readonly WireFrame[],
  every: number = kind.keyframeEvery,
): Promise<Keyframes<S>> {
  const builder = new KeyframeBuilder(kind, header, every);
  checkSeqs(frames, 0);
  for (const f of frames) await builder.add(f);
  return builder.finish();
}

/**
 * The keyframe to start from for a snapshot at `seq`: the last one at or before it.
 *
 * @throws RangeError when `seq` is outside 0…frameCount.
 */
export function keyframeFor<S>(keyframes: Keyframes<S>, seq: number): Keyframe<S> {
  if (!Number.isInteger(seq) || seq < 0 || seq > keyframes.frameCount) {
    throw new RangeError(`seq ${seq} is outside 0…${keyframes.frameCount}`);
  }
  const list = keyframes.keyframes;
  let lo = 0;
  let hi = list.length - 1;
  if (hi < 0 || list[0]!.seq > seq) throw new RangeError(`no keyframe for seq ${seq}`);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (list[mid]!.seq <= seq) lo = mid;
    else hi = mid - 1;
  }
  return list[lo]!;
}

/**
 * The snapshot at `seq` — `{ seq, state: kind.snapshot(state after every frame with seq <
 * seq) }` — from the keyframes and the frames that follow the keyframe
 * (`framesAfterKeyframe[0].seq === keyframeFor(keyframes, seq).seq`, consecutive, at least up
 * to seq − 1; later frames are ignored).
 *
 * @throws RangeError for a seq outside 0…frameCount, keyframes of another kind, or frames
 * that do not start at the keyframe, skip a seq, or stop before `seq`.
 */
export async function snapshotAt<S>(
  kind: KindFold<S>,
  keyframes: Keyframes<S>,
  framesAfterKeyframe: readonly WireFrame[],
  seq: number,
): Promise<Snapshot> {
  if (keyframes.kind !== kind.kind) throw new RangeError(`keyframes of kind ${keyframes.kind}, not ${kind.kind}`);
  const k = keyframeFor(keyframes, seq);
  const need = framesAfterKeyframe.slice(0, seq - k.seq);
  if (need.length < seq - k.seq) {
    throw new RangeError(`snapshot at seq ${seq} needs frames ${k.seq}…${seq - 1}, got ${framesAfterKeyframe.length} from seq ${framesAfterKeyframe[0]?.seq ?? k.seq}`);
  }
  checkSeqs(need, k.seq);
  const state = await applyFrames(kind, k.state, need);
  return { seq, state: kind.snapshot(state) };
}

/** The state after every frame with seq < `seq`, folded from frame 0 (the reference snapshotAt must equal). */
export async function stateAt<S>(kind: KindFold<S>, header: RecordingHeader, frames: readonly WireFrame[], seq: number): Promise<S> {
  return applyFrames(kind, kind.initialState(header), frames.slice(0, seq));
}

/**
 * Keyframes and markers of a game that is still growing (a live game, whose events are
 * appended in batches): the same keyframes as {@link buildKeyframes} over its frames so far
 * (every `every` frames from the previous keyframe, and after every frame the kind's
 * `keyframeAfter` asks for, judged on the frames since the last keyframe that this object
 * folded), plus the markers so far and where the fold stands.
 */
export interface GrowingKeyframes<S = unknown> extends Keyframes<S> {
  /** The markers of the frames folded (seq < `frameCount`), sorted by seq, at most MAX_MARKERS (later ones are dropped). */
  markers: Marker[];
  /** The state after `frameCount` frames, when the last keyframe is before it. */
  tail?: Keyframe<S>;
  /** The frames since the last keyframe (at most `every` − 1), while the kind has a `keyframeAfter` rule to judge. */
  run?: WireFrame[];
  /** The seq of the first frame the kind could not fold (refused or thrown on): nothing from it on is folded. */
  stoppedAt?: number;
}

/** The growing keyframes of a game with no frames yet: one keyframe, the initial state at seq 0. */
export function emptyKeyframes<S>(kind: KindFold<S>, header: RecordingHeader, every: number = kind.keyframeEvery): GrowingKeyframes<S> {
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`every must be a positive integer, got ${every}`);
  return { kind: kind.kind, every, frameCount: 0, keyframes: [{ seq: 0, state: kind.initialState(header) }], markers: [] };
}

/** What {@link extendKeyframes} changed. */
export interface KeyframesExtension<S> {
  keyframes: GrowingKeyframes<S>;
  /** Keyframes added (0: only the tail moved). */
  addedKeyframes: number;
  /** Markers added, sorted by seq. */
  addedMarkers: Marker[];
}

/**
 * Fold the frames appended to a growing game into its keyframes and markers. `frames` are
 * consecutive; those with seq < `kf.frameCount` were folded already and are skipped (so a
 * batch handed twice changes nothing: idempotent by seq). Each frame is applied once: from
 * the tail (or the last keyframe), never from frame 0. A frame `accept` refuses, or one the
 * kind's reducer throws on, stops the fold there (`stoppedAt`), and so does a frame after
 * which a keyframe's state would leave less than the kind's `keyframeHeadroomBytes` under
 * MAX_SNAPSHOT_BYTES (the snapshots after it could be over the limit);
 * after that nothing changes.
 * Never mutates `kf`. The keyframes equal {@link buildKeyframes}'s over the same frames
 * (for kinds whose `keyframeAfter` only looks at the frames since the keyframe).
 *
 * @throws RangeError when the frames leave a gap after `kf.frameCount` (read the missing
 * ones first) or `kf` is of another kind.
 */
export async function extendKeyframes<S>(
  kind: KindFold<S>,
  header: RecordingHeader,
  kf: GrowingKeyframes<S>,
  frames: readonly WireFrame[],
  accept: (f: WireFrame) => boolean = () => true,
): Promise<KeyframesExtension<S>> {
  if (kf.kind !== kind.kind) throw new RangeError(`keyframes of kind ${kf.kind}, not ${kind.kind}`);
  const fresh = frames.filter((f) => f.seq >= kf.frameCount);
  const unchanged = { keyframes: kf, addedKeyframes: 0, addedMarkers: [] };
  if (kf.stoppedAt !== undefined || fresh.length === 0) return unchanged;
  checkSeqs(fresh, kf.frameCount);
  const keyframes = [...kf.keyframes];
  const last = keyframes.at(-1)!;
  let state = kf.tail && kf.tail.seq === kf.frameCount ? kf.tail.state : last.state;
  if (!kf.tail && last.seq !== kf.frameCount) throw new RangeError(`keyframes folded to seq ${kf.frameCount} have neither a tail nor a keyframe there`);
  let sinceKeyframe = kf.frameCount - keyframes.at(-1)!.seq;
  let run: WireFrame[] = kind.keyframeAfter ? [...(kf.run ?? [])] : [];
  const folded: WireFrame[] = [];
  const before = state;
  let stoppedAt: number | undefined;
  for (const f of fresh) {
    let next: S;
    try {
      if (!accept(f)) throw new RangeError(`frame ${f.seq} refused`);
      next = await applyFrames(kind, state, [f]);
    } catch {
      stoppedAt = f.seq;
      break;
    }
    sinceKeyframe++;
    if (kind.keyframeAfter) run.push(f);
    const atKeyframe = sinceKeyframe >= kf.every || kind.keyframeAfter?.(f, run) === true;
    if (atKeyframe && jsonBytes(next) > MAX_SNAPSHOT_BYTES - (kind.keyframeHeadroomBytes ?? 0)) {
      // A state this large makes no snapshot up to the next keyframe (a lean terminal's output
      // since its last full screen): stop before `f`, the tail and the run as they were before it.
      stoppedAt = f.seq;
      run.pop();
      break;
    }
    state = next;
    folded.push(f);
    if (atKeyframe) {
      keyframes.push({ seq: f.seq + 1, state });
      sinceKeyframe = 0;
      run = [];
    }
  }
  const frameCount = kf.frameCount + folded.length;
  let addedMarkers: Marker[] = [];
  if (folded.length > 0 && kf.markers.length < MAX_MARKERS) {
    try {
      const found = kind.markersFrom ? kind.markersFrom(before, folded, header, kf.markers) : kind.markers(folded, header);
      addedMarkers = [...found].sort((a, b) => a.seq - b.seq).slice(0, MAX_MARKERS - kf.markers.length);
    } catch {
      addedMarkers = [];
    }
  }
  const out: GrowingKeyframes<S> = { kind: kf.kind, every: kf.every, frameCount, keyframes, markers: [...kf.markers, ...addedMarkers] };
  if (keyframes.at(-1)!.seq !== frameCount) out.tail = { seq: frameCount, state };
  if (run.length > 0) out.run = run;
  if (stoppedAt !== undefined) out.stoppedAt = stoppedAt;
  return { keyframes: out, addedKeyframes: keyframes.length - kf.keyframes.length, addedMarkers };
}

/** UTF-8 JSON bytes of a set of keyframes (what storing them beside the index costs). */
export function keyframesBytes(keyframes: Keyframes): number {
  return jsonBytes(keyframes);
}

export type { AnyGameKind };
