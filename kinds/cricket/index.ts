/**
 * Cricket, ball by ball: the frames convert/cricket.ts makes from Cricsheet's JSON format
 * (cricsheet.org/format/json), folded into the scorecards a viewer sees.
 *
 * Frames (see {@link cricketFrameSchema}): `ball` (one delivery and the lines after it),
 * `wicket`, `over`, `innings`, `milestone`, `match`. State ({@link CricketState}): one
 * scorecard per innings so far (runs, wickets, overs, batting, bowling, extras by type, fall
 * of wickets), the target and required rate when chasing, and the result.
 */
import type { GameKind } from '../kind';
import { cricketFold, type CricketState } from './fold';
import { cricketFrameSchema } from './schema';

export * from './fold';
export * from './schema';

/** The cricket kind: its fold (kinds/cricket/fold.ts) and its frame schema (kinds/cricket/schema.ts). */
export const cricket: GameKind<CricketState> = { ...cricketFold, frameSchema: cricketFrameSchema };
