/**
 * Terminal sessions (asciicast and ttyrec, convert/asciicast.ts and convert/ttyrec.ts): the
 * kind as the registry has it — the emulator fold (kinds/terminal/fold.ts, @xterm/headless,
 * where the module doc explains the state) with the frame schema (kinds/terminal/schema.ts).
 * kinds/terminal/lean.ts is the emulator-free snapshot path the control function uses.
 */
import type { GameKind } from '../kind';
import { terminalFold } from './fold';
import { terminalFrameSchema } from './schema';
import type { TerminalState } from './lean';

export { screenText, terminalFold, textOf } from './fold';
export { LEAN_OUTPUT_BUDGET, leanFold, terminalKeyframeAfter, terminalLeanFold, type TerminalState } from './lean';
export { terminalFrameSchema } from './schema';

/** The terminal kind: `kind: 'terminal'` (asciicast and ttyrec). */
export const terminal: GameKind<TerminalState> = { ...terminalFold, frameSchema: terminalFrameSchema };

/** The emulator-free terminal kind for snapshots from keyframes (kinds/lean.ts). */
export { terminalLean } from '../lean';
