/**
 * The registry of kind folds without frame schemas (kinds/kind.ts `KindFold`): the kinds of
 * kinds/index.ts `KINDS` with their full reducers — terminal with its emulator — but no zod
 * and no chess.js, for the function that builds keyframes (the index function), whose bundle
 * the emulator already makes large. Frames reach it already checked against the matchcast/1
 * format; a kind's reducer meeting a frame it cannot use throws, which stops the folding.
 */
import type { KindFold } from './kind';
import { chessFold } from './chess/fold';
import { cricketFold } from './cricket/fold';
import { genericFold } from './generic/fold';
import { tennisFold } from './tennis/fold';
import { terminalFold } from './terminal/fold';

/** Every kind's fold. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const FOLDS: readonly KindFold<any>[] = [tennisFold, cricketFold, terminalFold, chessFold, genericFold];

/** The fold of the kind named `name`, or undefined. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function foldOf(name: string): KindFold<any> | undefined {
  return FOLDS.find((k) => k.kind === name);
}

/** The fold for a recording's keyframes: its kind's, or `generic`'s for a kind matchcast does not know. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function keyframeFoldFor(name: string): KindFold<any> {
  return foldOf(name) ?? genericFold;
}
