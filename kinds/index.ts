/**
 * The registry of game kinds: one list. Adding a kind = one folder under kinds/ exporting a
 * {@link GameKind} + one line in {@link KINDS}.
 *
 * | kind | frames | converter |
 * | --- | --- | --- |
 * | tennis | `point` | convert/tennis.ts (Grand Slam point-by-point CSV) |
 * | cricket | `ball` `wicket` `over` `innings` `milestone` `match` | convert/cricket.ts (Cricsheet JSON) |
 * | terminal | `o` `r` `m` `i` `x` | convert/asciicast.ts, convert/ttyrec.ts |
 * | chess | `move` `result` | kinds/chess/convert.ts (PGN) |
 * | generic | any | convert/jsonl.ts (JSON Lines) |
 */
import type { AnyGameKind } from './kind';
import { chess } from './chess';
import { cricket } from './cricket';
import { generic } from './generic';
import { tennis } from './tennis';
import { terminal } from './terminal';

export * from './kind';
export * from './keyframes';

/** Every kind matchcast knows. */
export const KINDS: readonly AnyGameKind[] = [tennis, cricket, terminal, chess, generic];

/** The kind named `name` (a recording header's `kind`), or undefined. */
export function kindOf(name: string): AnyGameKind | undefined {
  return KINDS.find((k) => k.kind === name);
}
