/**
 * The tennis frame schema (zod): what kinds/tennis/index.ts `tennis.frameSchema` accepts.
 */
import * as z from 'zod';

const side = z.union([z.literal(1), z.literal(2)]);
const count = z.number().int().nonnegative();
/** A shown score: 0/15/30/40/AD in a game, 0, 1, 2, … in a tie-break. */
const score = z.string().regex(/^(AD|\d{1,3})$/);

/** `data` of a tennis `point` frame: what convert/tennis.ts `TennisPointData` holds, no more. */
export const tennisPointDataSchema = z
  .object({
    /** Set number, from 1. */
    set: z.number().int().positive(),
    /** Games in the current set after the point, [player 1, player 2]. */
    games: z.tuple([count, count]),
    /** Points in the current game after the point, as shown; "0","0" after a game-ending point. */
    points: z.tuple([score, score]),
    /** The point belongs to a tie-break game (the converter marks the whole game). */
    tiebreak: z.boolean(),
    setsWon: z.tuple([count, count]),
    server: side.optional(),
    /** Who won the point. */
    winner: side.optional(),
    gameWinner: side.optional(),
    setWinner: side.optional(),
    /** An ace by the point's winner. */
    ace: z.boolean().optional(),
    /** A double fault by the point's loser. */
    doubleFault: z.boolean().optional(),
    /** A clean winner by the point's winner. */
    cleanWinner: z.boolean().optional(),
    /** An unforced error by the point's loser. */
    unforcedError: z.boolean().optional(),
    /** The point was played as a break point (the receiver could break with it). */
    breakPoint: z.boolean().optional(),
    /** The source's ServeIndicator; NOT the serve number in the published files (see the module doc). */
    serveNumber: side.optional(),
    serveSpeedKmh: z.number().positive().optional(),
    rally: z.number().int().positive().optional(),
  })
  .strict();

/** A whole tennis frame. */
export const tennisPointSchema = z.object({
  seq: count,
  t: count,
  type: z.literal('point'),
  data: tennisPointDataSchema,
});

export type TennisPointData = z.infer<typeof tennisPointDataSchema>;
