/**
 * The chess kind without its frame schema (kinds/chess/schema.ts): state, reducer, snapshot and markers,
 * with no zod, for functions that fold frames they already checked (kinds/folds.ts). The kind
 * with its schema is kinds/chess/index.ts `chess`.
 */
import { DEFAULT_KEYFRAME_EVERY, type KindFold, type Json, type Marker, type RecordingHeader, type WireFrame, capMarkers, lastN } from '../kind';
import type { ChessMoveData, ChessResultData } from './convert';
import { materialOf, parseTimeControl } from './position';

/** Moves kept in `moves` (a game rarely has more than 300 plies). */
export const MAX_MOVES = 1000;

/** The chess state (and snapshot). */
export interface ChessState {
  white: string;
  black: string;
  /** FEN of the position. */
  fen: string;
  /** Remaining time, ms; null when neither TimeControl nor a `[%clk]` has said. */
  clocks: { white: number | null; black: number | null };
  /** SAN of the plies so far; the last {@link MAX_MOVES} when longer (then `movesFrom` > 1). */
  moves: string[];
  /** Ply number of `moves[0]`. */
  movesFrom: number;
  /** Plies played. */
  ply: number;
  /** Pawn 1, knight and bishop 3, rook 5, queen 9. */
  material: { white: number; black: number };
  lastMove: { from: string; to: string; san: string } | null;
  check: boolean;
  result: ChessResultData | null;
}

const START = 'rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1';

function initialState(header: RecordingHeader): ChessState {
  const meta = header.meta ?? {};
  const fen = typeof meta.startFen === 'string' ? meta.startFen : START;
  const tc = (meta.timeControl as { baseMs?: unknown } | null | undefined) ?? parseTimeControl(undefined);
  const base = tc && typeof tc.baseMs === 'number' ? tc.baseMs : null;
  return {
    white: header.participants[0] ?? 'White',
    black: header.participants[1] ?? 'Black',
    fen,
    clocks: { white: base, black: base },
    moves: [],
    movesFrom: 1,
    ply: 0,
    material: materialOf(fen),
    lastMove: null,
    check: false,
    result: null,
  };
}

function reduce(s: ChessState, f: WireFrame): ChessState {
  if (f.type === 'move') {
    const d = f.data as ChessMoveData;
    const all = [...s.moves, d.san];
    const moves = lastN(all, MAX_MOVES);
    return {
      ...s,
      fen: d.fen,
      clocks: d.clockMs === undefined ? { ...s.clocks } : d.color === 'w' ? { ...s.clocks, white: d.clockMs } : { ...s.clocks, black: d.clockMs },
      moves,
      movesFrom: s.movesFrom + (all.length - moves.length),
      ply: d.ply,
      material: materialOf(d.fen),
      lastMove: { from: d.from, to: d.to, san: d.san },
      check: d.check,
    };
  }
  if (f.type === 'result') return { ...s, result: { ...(f.data as ChessResultData) } };
  return s;
}

const PIECE: Record<string, string> = { q: 'queen', r: 'rook' };

/** Markers: checks ("check"), checkmate ("checkmate"), captures of a queen or rook ("capture"), the result ("result"). */
function markers(frames: readonly WireFrame[]): Marker[] {
  const out: Marker[] = [];
  for (const f of frames) {
    const m = (kind: string, label: string) => out.push({ t: f.t, seq: f.seq, label, kind });
    if (f.type === 'move') {
      const d = f.data as ChessMoveData;
      const name = `${d.moveNumber}${d.color === 'w' ? '.' : '...'} ${d.san}`;
      if (d.captured && PIECE[d.captured]) m('capture', `${name} takes the ${PIECE[d.captured]}`);
      if (d.mate) m('checkmate', `${name} checkmate`);
      else if (d.check) m('check', `${name} check`);
    } else if (f.type === 'result') {
      const d = f.data as ChessResultData;
      if (d.result !== '*') m('result', `${d.result}${d.reason ? ` (${d.reason})` : d.termination ? ` (${d.termination})` : ''}`);
    }
  }
  return capMarkers(out, ['result', 'checkmate', 'capture', 'check']);
}

/** The chess kind: `kind: 'chess'`. */
export const chessFold: KindFold<ChessState> = {
  kind: 'chess',
  keyframeEvery: DEFAULT_KEYFRAME_EVERY,
  initialState,
  reduce,
  snapshot: (s) => s as unknown as Json,
  markers,
};
