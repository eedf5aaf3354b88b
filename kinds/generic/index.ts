/**
 * Generic events: the frames convert/jsonl.ts makes from an engine's own JSON Lines log
 * (header kind `generic`, the converter's default). Nothing is known about the game, so the
 * state is what any client can show: how many events of each type have been seen, and the
 * latest events themselves.
 *
 * Frame: any non-empty `type` (from the log's type field, else `event`), `data` the log
 * line's object without its time and type fields (see {@link genericFrameSchema}).
 */
import type { GameKind } from '../kind';
import { genericFold, type GenericState } from './fold';
import { genericFrameSchema } from './schema';

export * from './fold';
export * from './schema';

/** The generic kind: its fold (kinds/generic/fold.ts) and its frame schema (kinds/generic/schema.ts). */
export const generic: GameKind<GenericState> = { ...genericFold, frameSchema: genericFrameSchema };
