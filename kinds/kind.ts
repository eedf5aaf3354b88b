/**
 * A game kind as one module: what a kind's frames look like, how they fold into the state a
 * viewer sees, and which moments are worth jumping to.
 *
 * The contract it serves (matchcast wire protocol 1.1, "Snapshots"): a viewer who did not
 * see every frame from seq 0 — who joined a running stream, started at `atMs`, seeked, or
 * rejoined into a newer epoch — gets `snapshot: { seq: S, state }`, where `state` is the
 * kind's state after applying every frame with seq < S. The client draws the snapshot, then
 * applies frames from S on; the result at any frame equals what a viewer who watched from
 * seq 0 shows there. `state` is at most {@link MAX_SNAPSHOT_BYTES} (JSON, UTF-8).
 * `markers` — `[{ t, seq, label, kind }]` — are the recording's moments worth jumping to, at
 * most {@link MAX_MARKERS} per recording, sorted by seq.
 *
 * Everything here is pure: no I/O, no clocks; inputs are never mutated.
 */
import type { z } from 'zod';
import type { WireFrame } from '../protocol/messages';
import type { RecordingHeader } from '../protocol/recording';
import { utf8Bytes } from '../protocol/server';

export type { WireFrame, RecordingHeader };

/** A JSON value (what a state must be: it is stored beside the index and sent on the wire). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Largest snapshot `state`, 64 KB of UTF-8 JSON (wire protocol 1.1, "Snapshots"). */
export const MAX_SNAPSHOT_BYTES = 64 * 1024;

/**
 * Default keyframe spacing K, in frames: a multiple of the recording index's spacing
 * (protocol/recording.ts `DEFAULT_INDEX_EVERY`, 32), so every keyframe's seq has an index
 * entry giving the byte offset of the frames after it. Measured on the samples: keyframes of
 * the NetHack ttyrec (408 frames) take 16.7 KB at K = 64 (33 KB at 32, 67 KB at 16), and a
 * snapshot costs at most 63 frame applications — for a terminal one emulator pass, about
 * 10 ms for all 408 NetHack frames against 5.5 ms per frame when each is its own
 * restore → write → serialize.
 */
export const DEFAULT_KEYFRAME_EVERY = 64;

/** Most markers one recording carries (wire protocol 1.1, "Snapshots"). */
export const MAX_MARKERS = 2000;

/**
 * A moment worth jumping to. `t` and `seq` are the frame's (ms on the recording's clock,
 * and its sequence number); seeking to `seq` shows the state before that frame, so the
 * frame itself — the break of serve, the wicket, the check — plays next. `kind` names the
 * kind of moment ("game", "break", "wicket", "check", "marker", …); `label` is for people.
 */
export interface Marker {
  t: number;
  seq: number;
  label: string;
  kind: string;
}

/** `snapshot: { seq, state }` as sent to a viewer: `state` after every frame with seq < `seq`. */
export interface Snapshot {
  seq: number;
  state: Json;
}

/** Any kind (the registry's element type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyGameKind = GameKind<any>;

/**
 * One game kind. `S` is its state: plain JSON data (it is stored in keyframes), bounded
 * (every list capped), never mutated.
 *
 * - `frameSchema` validates a whole frame (`{ seq, t, type, data }`); it is the single
 *   source of the kind's frame `data` contract and accepts exactly what the kind's converter
 *   emits. `reduce` may assume a frame that passed it; frames of a type the kind does not
 *   know are rejected by the schema (and ignored by `reduce`).
 * - `initialState(header)` is the state before frame 0 (players, board size, …).
 * - `reduce(state, frame)` is the state after one more frame. Pure: returns a new state and
 *   leaves `state` as it was. Synchronous for every kind except terminal, whose emulator
 *   (@xterm/headless) parses writes asynchronously: callers `await` the result.
 * - `fold(state, frames)` (optional) is `reduce` over many frames at once, for kinds where
 *   that is much cheaper than frame by frame (terminal: one emulator for the whole run).
 *   Must give the same state as reducing one frame at a time.
 * - `snapshot(state)` is the JSON a viewer gets (≤ {@link MAX_SNAPSHOT_BYTES}).
 * - `markers(frames, header)` lists the moments worth jumping to over a whole recording
 *   (≤ {@link MAX_MARKERS}, sorted by seq).
 * - `keyframeEvery` is the spacing K (in frames) of the kind's keyframes (kinds/keyframes.ts).
 * - `keyframeAfter(frame, sinceKeyframe)` (optional): true when a keyframe must also be
 *   stored right after `frame`, off the K grid; `sinceKeyframe` is every frame since the
 *   last keyframe, `frame` last. Terminal: after a resize, and once the output since the
 *   last keyframe is large (kinds/terminal/lean.ts), so a snapshot needs no emulator.
 * - `keyframeHeadroomBytes` (optional, default 0): room a keyframe's state leaves under
 *   {@link MAX_SNAPSHOT_BYTES} for what the frames up to the next keyframe add to a snapshot
 *   folded from it. A growing game whose keyframe state would leave less stops its fold there
 *   (kinds/keyframes.ts `extendKeyframes`). Terminal: twice the lean output budget, since a
 *   lean snapshot is the keyframe's screen plus the raw output after it.
 * - `markersFrom(state, frames, header, earlier)` (optional): the markers of `frames` played
 *   from `state` (the state after every frame before them), `earlier` the markers found
 *   before — for a game that grows (a live game: kinds/keyframes.ts `extendKeyframes`).
 *   Kinds whose markers depend on the frame alone leave it out: `markers(frames, header)` is
 *   then used on the new frames.
 */
export interface GameKind<S = unknown> {
  readonly kind: string;
  readonly frameSchema: z.ZodType;
  readonly keyframeEvery: number;
  initialState(header: RecordingHeader): S;
  reduce(state: S, frame: WireFrame): S | Promise<S>;
  fold?(state: S, frames: readonly WireFrame[]): Promise<S>;
  keyframeAfter?(frame: WireFrame, sinceKeyframe: readonly WireFrame[]): boolean;
  readonly keyframeHeadroomBytes?: number;
  snapshot(state: S): Json;
  markers(frames: readonly WireFrame[], header: RecordingHeader): Marker[];
  markersFrom?(state: S, frames: readonly WireFrame[], header: RecordingHeader, earlier: readonly Marker[]): Marker[];
}

/**
 * A kind without its frame schema: what folding frames needs (kinds/keyframes.ts). Each
 * kind's `fold.ts` exports one without zod, so a function that only folds frames it already
 * trusts (the index function, which also runs the terminal emulator) stays small.
 */
export type KindFold<S = unknown> = Omit<GameKind<S>, 'frameSchema'>;

/** UTF-8 bytes of a value's JSON. */
export function jsonBytes(value: unknown): number {
  return utf8Bytes(JSON.stringify(value));
}

/**
 * Cap a marker list at {@link MAX_MARKERS}: sorted by seq (stable), and when there are too
 * many, whole marker kinds are dropped from the end of `priority` (least important last)
 * until the rest fit; if even the most important kind alone is too many, it is thinned
 * evenly. Kinds not in `priority` count as least important.
 */
export function capMarkers(markers: readonly Marker[], priority: readonly string[] = []): Marker[] {
  const sorted = [...markers].sort((a, b) => a.seq - b.seq);
  if (sorted.length <= MAX_MARKERS) return sorted;
  const rank = (k: string) => {
    const i = priority.indexOf(k);
    return i < 0 ? priority.length : i;
  };
  let keep = sorted;
  for (let r = priority.length; r > 0 && keep.length > MAX_MARKERS; r--) keep = keep.filter((m) => rank(m.kind) < r);
  if (keep.length <= MAX_MARKERS) return keep;
  const step = keep.length / MAX_MARKERS;
  return Array.from({ length: MAX_MARKERS }, (_, i) => keep[Math.floor(i * step)]!);
}

/** Keep the last `n` items of a list (the bound every state list gets). */
export function lastN<T>(list: readonly T[], n: number): T[] {
  return list.length <= n ? [...list] : list.slice(list.length - n);
}
