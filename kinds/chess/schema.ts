/**
 * The chess frame schema (zod): what kinds/chess/index.ts `chess.frameSchema` accepts.
 */
import * as z from 'zod';

const n = z.number().int().nonnegative();
const square = z.string().regex(/^[a-h][1-8]$/);
const piece = z.enum(['p', 'n', 'b', 'r', 'q', 'k']);

export const chessMoveDataSchema = z
  .object({
    ply: z.number().int().positive(),
    moveNumber: z.number().int().positive(),
    color: z.enum(['w', 'b']),
    san: z.string().min(2).max(10),
    from: square,
    to: square,
    piece,
    captured: piece.optional(),
    promotion: piece.optional(),
    check: z.boolean(),
    mate: z.boolean(),
    fen: z.string().min(15).max(100),
    clockMs: n.optional(),
    timeMs: n.optional(),
  })
  .strict();
export const chessResultDataSchema = z
  .object({
    result: z.enum(['1-0', '0-1', '1/2-1/2', '*']),
    winner: z.enum(['white', 'black']).optional(),
    termination: z.string().optional(),
    reason: z.enum(['checkmate', 'stalemate', 'insufficient material', 'threefold repetition', 'fifty-move rule']).optional(),
  })
  .strict();
/** A whole chess frame, by type. */
export const chessFrameSchema = z.discriminatedUnion('type', [
  z.object({ seq: n, t: n, type: z.literal('move'), data: chessMoveDataSchema }),
  z.object({ seq: n, t: n, type: z.literal('result'), data: chessResultDataSchema }),
]);
