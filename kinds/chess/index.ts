/**
 * Chess, ply by ply: the frames kinds/chess/convert.ts makes from PGN, folded into the
 * position, both clocks, material and the move list a viewer sees.
 *
 * Frames (see {@link chessFrameSchema}): `move` (one ply and the FEN after it), `result`.
 * State ({@link ChessState}): `fen`, `clocks` (ms, white and black), `moves` (SAN so far),
 * material, the last move, the result.
 */
import type { GameKind } from '../kind';
import { chessFold, type ChessState } from './fold';
import { chessFrameSchema } from './schema';

export { convertPgn, type ChessMoveData, type ChessResultData, type PgnOptions } from './convert';
export * from './fold';
export * from './schema';

/** The chess kind: its fold (kinds/chess/fold.ts) and its frame schema (kinds/chess/schema.ts). */
export const chess: GameKind<ChessState> = { ...chessFold, frameSchema: chessFrameSchema };
