/**
 * The terminal viewer's side of every kind: how `npm run watch` (scripts/watch/) shows a
 * kind's STATE as text and what line a frame earns, one module per kind
 * (kinds/<kind>/watch.ts) and one entry per kind in {@link WATCHES}.
 *
 * A view starts from a state — a `joined`/seek snapshot's `state` (wire protocol 1.1,
 * "Snapshots"), or the kind's `initialState` — and applies frames in seq order with the
 * kind's own reducer (kinds/<kind>/index.ts), so what it shows at any frame equals what a
 * viewer who watched from seq 0 shows there. The terminal kind keeps one emulator instead
 * (kinds/terminal/watch.ts).
 *
 * The lines are plain text for people; the caller (scripts/watch/session.ts) removes control
 * bytes from every line before printing it (scripts/watch/clean.ts). Only a terminal view's
 * {@link WatchView.ansi} — its own emulator's screen — is written as escape sequences.
 * Not imported by lambda/ (the terminal view loads the emulator).
 */
import type { Json, WireFrame } from './kind';
import { chessWatch } from './chess/watch';
import { cricketWatch } from './cricket/watch';
import { genericWatch } from './generic/watch';

export { reducerView } from './generic/watch';
import { tennisWatch } from './tennis/watch';
import { terminalWatch } from './terminal/watch';

/** One stream's view: a state and the frames applied to it so far. */
export interface WatchView {
  /**
   * Apply frames (in seq order, each once) and return the play-by-play lines they earn
   * (none for a frame that changes no line: a terminal's output, a resize). A frame the
   * kind's schema refuses is not applied; its line says so.
   */
  apply(frames: readonly WireFrame[]): Promise<string[]>;
  /** The state as lines of text (a scoreboard, a board, a screen). */
  lines(): Promise<string[]>;
  /** For a real terminal, the view as escape sequences that draw it (the terminal kind's emulated screen). */
  ansi?(): Promise<string>;
  /** Free what the view holds (an emulator). */
  dispose(): void;
}

/** A kind's terminal side: a view from a state (a snapshot's, or the kind's initial state). */
export interface KindWatch {
  readonly kind: string;
  view(state: Json): WatchView;
}

/** Every kind's terminal side. */
export const WATCHES: readonly KindWatch[] = [tennisWatch, cricketWatch, terminalWatch, chessWatch, genericWatch];

/** The terminal side of kind `name`; kinds without one are shown as generic events. */
export function watchOf(name: string): KindWatch {
  return WATCHES.find((w) => w.kind === name) ?? genericWatch;
}
