/**
 * The registry of game kinds for snapshots from keyframes: the same kinds as kinds/index.ts
 * `KINDS`, but terminal without its emulator (kinds/terminal/lean.ts `terminalLean`), so a
 * function that only answers joins and seeks — the control function — bundles no
 * @xterm/headless. Its kinds reproduce `kind.snapshot(state)` from a stored keyframe and the
 * frames after it (kinds/keyframes.ts `snapshotAt`); they never build keyframes (terminal's
 * lean states are not serialized screens: use kinds/index.ts for that).
 */
import type { AnyGameKind } from './kind';
import { chess } from './chess';
import { cricket } from './cricket';
import { generic } from './generic';
import { tennis } from './tennis';
import { terminalLean } from './terminal/lean';

/** Every kind matchcast knows, for snapshots from keyframes. */
export const LEAN_KINDS: readonly AnyGameKind[] = [tennis, cricket, terminalLean, chess, generic];

/** The lean kind named `name` (a recording header's `kind`), or undefined. */
export function leanKindOf(name: string): AnyGameKind | undefined {
  return LEAN_KINDS.find((k) => k.kind === name);
}
