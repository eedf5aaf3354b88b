/**
 * Chess in `npm run watch`: a {@link ChessState} as a Unicode board (white at the bottom,
 * files a–h, ranks 1–8) with both players' clocks and material, the last moves and the
 * result, and one line per move. Pure; the position comes from the state's FEN (Forsyth–
 * Edwards Notation, PGN standard 1994 section 16.1), read here only to place the pieces.
 *
 * Units: clocks are ms of remaining time, shown as `h:mm:ss` (or `m:ss` under an hour).
 */
import type { Json, WireFrame } from '../kind';
import type { KindWatch } from '../watch';
import { reducerView } from '../generic/watch';
import { chess, type ChessMoveData, type ChessResultData, type ChessState } from './index';

/** Unicode chess symbols (U+2654–U+265F), by FEN letter: upper case white, lower case black. */
const SYMBOL: Record<string, string> = { K: '♔', Q: '♕', R: '♖', B: '♗', N: '♘', P: '♙', k: '♚', q: '♛', r: '♜', b: '♝', n: '♞', p: '♟' };

/** Plies shown in the move list. */
export const LAST_PLIES = 12;

/**
 * The 8 board rows of a FEN's placement field, rank 8 first: `8 ♜ ♞ ♝ ♛ ♚ ♝ ♞ ♜`, empty
 * squares `·`, then the files line `  a b c d e f g h`. Throws on a placement that is not 8
 * ranks of 8 squares.
 */
export function boardLines(fen: string): string[] {
  const ranks = (fen.split(' ')[0] ?? '').split('/');
  if (ranks.length !== 8) throw new Error(`not a FEN placement: ${fen.slice(0, 80)}`);
  const rows = ranks.map((rank, i) => {
    const squares: string[] = [];
    for (const c of rank) {
      if (/[1-8]/.test(c)) for (let k = 0; k < Number(c); k++) squares.push('·');
      else if (SYMBOL[c]) squares.push(SYMBOL[c]!);
      else throw new Error(`not a FEN placement: ${fen.slice(0, 80)}`);
    }
    if (squares.length !== 8) throw new Error(`not a FEN placement: ${fen.slice(0, 80)}`);
    return `${8 - i} ${squares.join(' ')}`;
  });
  return [...rows, '  a b c d e f g h'];
}

/** Remaining time: `1:29:59`, `4:05`, `0:09.5` under ten seconds; `–` when unknown. */
export function chessClock(ms: number | null): string {
  if (ms === null) return '–';
  const t = Math.max(0, ms);
  if (t < 10_000) return `0:0${(Math.floor(t / 100) / 10).toFixed(1)}`;
  const s = Math.floor(t / 1000);
  const h = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** The last plies as numbered moves: `21. Nf3 Nc6 22. Bb5` (a list starting with Black: `21... Nc6`). */
export function moveList(moves: readonly string[], firstPly: number, last = LAST_PLIES): string {
  const from = Math.max(0, moves.length - last);
  const out: string[] = [];
  for (let i = from; i < moves.length; i++) {
    const ply = firstPly + i;
    const n = Math.ceil(ply / 2);
    if (ply % 2 === 1) out.push(`${n}. ${moves[i]}`);
    else out.push(i === from ? `${n}... ${moves[i]}` : moves[i]!);
  }
  return out.join(' ');
}

function resultText(r: ChessResultData): string {
  const why = r.reason ?? r.termination;
  return `${r.result}${r.winner ? ` (${r.winner} wins${why ? `, ${why}` : ''})` : why ? ` (${why})` : ''}`;
}

/**
 * A chess state as lines: Black's player line (clock, material), the board, White's line,
 * then `last: 21. Nf3 (g1–f3) · check`, the move list and the result:
 * ```
 *   ♚ Black Player   1:28:02   material 39
 *   8 ♜ ♞ ♝ ♛ ♚ ♝ ♞ ♜
 *   …
 *     a b c d e f g h
 *   ♔ White Player   1:29:40   material 39   ← to move
 * ```
 */
export function renderChess(s: ChessState): string[] {
  const toMove = (s.fen.split(' ')[1] ?? 'w') === 'b' ? 'b' : 'w';
  const width = Math.max(s.white.length, s.black.length);
  const player = (c: 'w' | 'b') => {
    const name = c === 'w' ? s.white : s.black;
    const clock = chessClock(c === 'w' ? s.clocks.white : s.clocks.black);
    const material = c === 'w' ? s.material.white : s.material.black;
    const turn = s.result === null && toMove === c ? '   ← to move' : '';
    return `  ${c === 'w' ? '♔' : '♚'} ${name.padEnd(width)}  ${clock.padStart(8)}   material ${material}${turn}`;
  };
  const lines = [player('b'), ...boardLines(s.fen).map((l) => `  ${l}`), player('w')];
  if (s.lastMove) {
    const n = Math.ceil(s.ply / 2);
    lines.push(`  last: ${n}${s.ply % 2 === 1 ? '.' : '...'} ${s.lastMove.san} (${s.lastMove.from}–${s.lastMove.to})${s.check ? ' · check' : ''}`);
  }
  if (s.moves.length > 0) lines.push(`  moves: ${moveList(s.moves, s.movesFrom)}`);
  if (s.result) lines.push(`  result: ${resultText(s.result)}`);
  return lines;
}

/** One line per frame: `21. Nf3+  White 1:29:40 · Black 1:28:02`, `result 1-0 (white wins, checkmate)`. */
export function chessFrameLine(f: WireFrame, after: ChessState): string | null {
  if (f.type === 'move') {
    const d = f.data as ChessMoveData;
    const move = `${d.moveNumber}${d.color === 'w' ? '.' : '...'} ${d.san}`;
    return `${move.padEnd(14)}  ${after.white} ${chessClock(after.clocks.white)} · ${after.black} ${chessClock(after.clocks.black)}${d.mate ? ' · checkmate' : d.check ? ' · check' : ''}`;
  }
  if (f.type === 'result') return `result ${resultText(f.data as ChessResultData)}`;
  return null;
}

/** The chess kind's terminal side. */
export const chessWatch: KindWatch = {
  kind: 'chess',
  view: (state: Json) => reducerView(chess, state as unknown as ChessState, renderChess, (f, _before, after) => chessFrameLine(f, after)),
};
