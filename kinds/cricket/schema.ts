/**
 * The cricket frame schema (zod): what kinds/cricket/index.ts `cricket.frameSchema` accepts.
 */
import * as z from 'zod';

const n = z.number().int().nonnegative();
const name = z.string().min(1);
/** Legal balls as "O.B". */
const overs = z.string().regex(/^\d+\.\d+$/);

const batterLine = z.object({ name, runs: n, balls: n, fours: n, sixes: n, out: z.boolean(), howOut: z.string().optional() }).strict();
const bowlerLine = z.object({ name, overs, maidens: n, runs: n, wickets: n, wides: n, noballs: n }).strict();
const extrasLine = z.object({ wides: n, noballs: n, byes: n, legbyes: n, penalty: n, total: n }).strict();
const scoreLine = z.object({ runs: n, wickets: n, overs, extras: extrasLine }).strict();
const wicketDetail = z.object({ kind: name, playerOut: name, fielders: z.array(z.string()), bowler: name.optional() }).strict();
const ref = { innings: z.number().int().positive(), team: name, bowlingTeam: name, superOver: z.boolean() };

/** `ball`: one delivery (wides and no-balls included) and the state after it. */
export const ballDataSchema = z
  .object({
    ...ref,
    ball: z.string().regex(/^\d+\.\d+$/),
    batter: name,
    nonStriker: name,
    bowler: name,
    runs: z.object({ batter: n, extras: n, total: n }).strict(),
    extras: z.object({ wides: n, noballs: n, byes: n, legbyes: n, penalty: n }).partial().strict().optional(),
    legal: z.boolean(),
    boundary: z.union([z.literal(4), z.literal(6)]).optional(),
    wickets: z.array(wicketDetail).optional(),
    score: scoreLine,
    striker: batterLine,
    nonStrikerLine: batterLine,
    bowlerLine,
    chase: z.object({ target: n, need: n, ballsLeft: n.optional() }).strict().optional(),
    review: z.unknown().optional(),
  })
  .strict();
export const wicketDataSchema = z
  .object({
    ...ref,
    ball: z.string(),
    wicket: wicketDetail,
    batter: batterLine,
    fall: z.object({ wicket: n, runs: n, overs }).strict(),
    partnership: z.object({ runs: n, balls: n }).strict(),
    score: scoreLine,
  })
  .strict();
export const overDataSchema = z
  .object({ ...ref, over: z.number().int().positive(), bowler: name, runs: n, wickets: n, maiden: z.boolean(), balls: z.array(z.string()), score: scoreLine, bowlerLine })
  .strict();
export const inningsDataSchema = z
  .object({ ...ref, runs: n, wickets: n, overs, extras: extrasLine, target: n.optional(), summary: z.string(), batting: z.array(batterLine), bowling: z.array(bowlerLine) })
  .strict();
export const milestoneDataSchema = z.union([
  z.object({ ...ref, milestone: z.string().regex(/^(fifty|century|\d+)$/), player: name, runs: n, balls: n, text: z.string() }).strict(),
  z.object({ ...ref, milestone: z.literal('hat-trick'), player: name, victims: z.array(name), text: z.string() }).strict(),
]);
export const matchDataSchema = z
  .object({
    result: z.string(),
    winner: z.string().optional(),
    outcome: z.unknown(),
    playerOfMatch: z.array(z.string()),
    innings: z.array(z.object({ innings: n, team: name, superOver: z.boolean(), runs: n, wickets: n, overs }).strict()),
  })
  .strict();

const frame = <T extends string, D extends z.ZodType>(type: T, data: D) => z.object({ seq: n, t: n, type: z.literal(type), data });
/** A whole cricket frame, by type. */
export const cricketFrameSchema = z.discriminatedUnion('type', [
  frame('ball', ballDataSchema),
  frame('wicket', wicketDataSchema),
  frame('over', overDataSchema),
  frame('innings', inningsDataSchema),
  frame('milestone', milestoneDataSchema),
  frame('match', matchDataSchema),
]);

export type BatterLine = z.infer<typeof batterLine>;
export type BowlerLine = z.infer<typeof bowlerLine>;
export type ExtrasLine = z.infer<typeof extrasLine>;
export type BallData = z.infer<typeof ballDataSchema>;
