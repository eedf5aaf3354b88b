/**
 * The registry of game kinds for snapshots from keyframes: the same kinds as kinds/index.ts
 * `KINDS`, but terminal without its emulator (kinds/terminal/lean.ts) and chess without
 * chess.js (only its PGN converter needs it), so a function that only answers joins and
 * seeks — the control function — stays small. Its kinds reproduce `kind.snapshot(state)`
 * from a stored keyframe and the frames after it (kinds/keyframes.ts `snapshotAt`); they
 * never build keyframes (terminal's lean states are not serialized screens).
 */
import type { AnyGameKind, GameKind } from './kind';
import { chessFold, type ChessState } from './chess/fold';
import { chessFrameSchema } from './chess/schema';
import { cricket } from './cricket';
import { generic } from './generic';
import { tennis } from './tennis';
import { terminalLeanFold, type TerminalState } from './terminal/lean';
import { terminalFrameSchema } from './terminal/schema';

/** The terminal kind without its emulator: kinds/terminal/lean.ts `terminalLeanFold` with the frame schema. */
export const terminalLean: GameKind<TerminalState> = { ...terminalLeanFold, frameSchema: terminalFrameSchema };
const chessLean: GameKind<ChessState> = { ...chessFold, frameSchema: chessFrameSchema };

/** Every kind matchcast knows, for snapshots from keyframes. */
export const LEAN_KINDS: readonly AnyGameKind[] = [tennis, cricket, terminalLean, chessLean, generic];

/** The lean kind named `name` (a recording header's `kind`), or undefined. */
export function leanKindOf(name: string): AnyGameKind | undefined {
  return LEAN_KINDS.find((k) => k.kind === name);
}
