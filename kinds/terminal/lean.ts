/**
 * The terminal kind without its emulator: the frame schema, the initial state, markers, and
 * a snapshot path that needs no VT parsing — what the control function (joins, seeks,
 * rejoins) uses, so @xterm/headless stays out of its bundle. The full kind (kinds/terminal/
 * index.ts) folds frames through a real emulator; it runs where keyframes are built.
 *
 * Why concatenation is enough: a keyframe's `screen` is a string that, written to a fresh
 * cols × rows terminal, reproduces the screen and the modes later output depends on
 * (kinds/terminal/index.ts, module doc). Writing that string and then the raw `o` output of
 * the frames after the keyframe to a fresh terminal is the same as having written every
 * frame — so the snapshot at seq S is `{ cols, rows, screen: keyframe.screen + o(k…S−1) }`.
 * Two things break it, and the keyframes avoid both ({@link terminalKeyframeAfter}): a
 * resize (`r`: the earlier output was laid out at another size), so a keyframe is stored
 * right after every resize; and size, so a keyframe is stored once the output since the last
 * one passes {@link LEAN_OUTPUT_BUDGET} bytes, which keeps a snapshot under the 64 KB limit
 * (kinds/kind.ts `MAX_SNAPSHOT_BYTES`) as long as a keyframe's own screen is under ~40 KB
 * (an 80 × 24 NetHack screen serializes to 2–4 KB).
 */
import { DEFAULT_KEYFRAME_EVERY, type KindFold, type Json, type Marker, type RecordingHeader, type WireFrame, capMarkers } from '../kind';

/** The terminal state (and snapshot). */
export interface TerminalState {
  cols: number;
  rows: number;
  /** Written to a fresh cols × rows terminal, reproduces the screen (see kinds/terminal/index.ts). */
  screen: string;
  /** The exit status of an asciicast v3 `x` event, once seen. */
  exit: string | null;
}

/** Default size when the header has none (the convention of NetHack servers' ttyrecs). */
const DEFAULT_SIZE = { cols: 80, rows: 24 };

/** The state before frame 0: the header's `meta.cols`/`meta.rows` (default 80 × 24), a blank screen. */
export function terminalInitialState(header: RecordingHeader): TerminalState {
  const cols = header.meta?.cols;
  const rows = header.meta?.rows;
  return {
    cols: typeof cols === 'number' && cols > 0 ? cols : DEFAULT_SIZE.cols,
    rows: typeof rows === 'number' && rows > 0 ? rows : DEFAULT_SIZE.rows,
    screen: '',
    exit: null,
  };
}

/** Markers: asciicast `m` events (label: the marker's text, or "marker N"). */
export function terminalMarkers(frames: readonly WireFrame[]): Marker[] {
  return terminalMarkersFrom(frames, 0);
}

/** The markers of `frames` when `earlier` markers came before them (the unnamed ones are numbered on). */
export function terminalMarkersFrom(frames: readonly WireFrame[], earlier: number): Marker[] {
  const out: Marker[] = [];
  for (const f of frames) {
    if (f.type !== 'm') continue;
    const label = typeof f.data === 'string' && f.data.trim() !== '' ? f.data : `marker ${earlier + out.length + 1}`;
    out.push({ t: f.t, seq: f.seq, label, kind: 'marker' });
  }
  return capMarkers(out);
}

/** UTF-8 bytes of `o` output after which a keyframe is stored (see the module doc). */
export const LEAN_OUTPUT_BUDGET = 16 * 1024;

/**
 * Room (bytes) a terminal keyframe's state leaves under the snapshot limit (kinds/kind.ts
 * `keyframeHeadroomBytes`): a snapshot after it adds the output since it — under
 * {@link LEAN_OUTPUT_BUDGET} before the frame that reaches the budget, and that frame's own.
 * Twice the budget covers frames of up to its size.
 */
export const TERMINAL_KEYFRAME_HEADROOM_BYTES = 2 * LEAN_OUTPUT_BUDGET;

/**
 * True when a keyframe must be stored right after `frame` (kinds/kind.ts `keyframeAfter`):
 * it is a resize, or the `o` output of `sinceKeyframe` (the frames since the last keyframe,
 * `frame` last) has reached {@link LEAN_OUTPUT_BUDGET} bytes.
 */
export function terminalKeyframeAfter(frame: WireFrame, sinceKeyframe: readonly WireFrame[]): boolean {
  if (frame.type === 'r') return true;
  let bytes = 0;
  for (const f of sinceKeyframe) if (f.type === 'o') bytes += Buffer.byteLength(f.data as string, 'utf8');
  return bytes >= LEAN_OUTPUT_BUDGET;
}

/**
 * The frames folded without an emulator: `o` output appended to `screen`, `x` sets `exit`,
 * `m`/`i` change nothing. Valid from a keyframe up to (not including) the next one, which
 * never spans a resize.
 *
 * @throws RangeError for an `r` (resize) frame: a resize needs the emulator (store a
 * keyframe after it, {@link terminalKeyframeAfter}).
 */
export function leanFold(state: TerminalState, frames: readonly WireFrame[]): TerminalState {
  let screen = state.screen;
  let exit = state.exit;
  for (const f of frames) {
    if (f.type === 'o') screen += f.data as string;
    else if (f.type === 'x') exit = f.data as string;
    else if (f.type === 'r') throw new RangeError(`frame ${f.seq} resizes the terminal: a snapshot across a resize needs the emulator (a keyframe after it)`);
  }
  return { cols: state.cols, rows: state.rows, screen, exit };
}

/**
 * The terminal fold for snapshots from keyframes (the control function's registry,
 * kinds/lean.ts, adds the frame schema): same name, initial state, markers and keyframe
 * rule as the full kind; its `reduce`/`fold` are {@link leanFold}. Its states are not
 * serialized screens (they grow by the raw output), so keyframes are built with the full
 * kind only.
 */
export const terminalLeanFold: KindFold<TerminalState> = {
  kind: 'terminal',
  keyframeEvery: DEFAULT_KEYFRAME_EVERY,
  initialState: terminalInitialState,
  reduce: (state, frame) => leanFold(state, [frame]),
  fold: async (state, frames) => leanFold(state, frames),
  keyframeAfter: terminalKeyframeAfter,
  keyframeHeadroomBytes: TERMINAL_KEYFRAME_HEADROOM_BYTES,
  snapshot: (s) => s as unknown as Json,
  markers: terminalMarkers,
  markersFrom: (_state, frames, _header, earlier) => terminalMarkersFrom(frames, earlier.length),
};
