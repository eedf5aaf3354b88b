/**
 * Chess, as text: the board of a FEN (Forsyth–Edwards Notation, PGN specification section
 * 16.1: the first field lists ranks 8 to 1, files a to h, digits for empty squares), both
 * clocks, material and the move list, from the shared chess state (kinds/chess `ChessState`).
 * Pure: no DOM (unit-tested in test/web/kinds-chess.test.ts).
 */
import type { ChessState } from '../../../../kinds/chess';

const NAMES: Record<string, string> = { k: 'king', q: 'queen', r: 'rook', b: 'bishop', n: 'knight', p: 'pawn' };
/** Unicode chess symbols (U+2654–U+265F): white then black. */
const GLYPHS: Record<string, string> = { K: '♔', Q: '♕', R: '♖', B: '♗', N: '♘', P: '♙', k: '♚', q: '♛', r: '♜', b: '♝', n: '♞', p: '♟' };

/** One square of the board. */
export interface Square {
  /** "e4". */
  readonly name: string;
  /** The FEN letter of the piece on it ("P" white pawn, "k" black king), null when empty. */
  readonly piece: string | null;
  readonly glyph: string;
  /** "e4, white pawn", "e5, empty". */
  readonly label: string;
  readonly dark: boolean;
}

/**
 * The 64 squares of a FEN's placement, rank 8 first, files a–h (as White sees the board).
 *
 * @throws RangeError when the placement is not 8 ranks of 8 squares.
 */
export function board(fen: string): Square[] {
  const placement = fen.trim().split(/\s+/)[0] ?? '';
  const ranks = placement.split('/');
  if (ranks.length !== 8) throw new RangeError(`FEN placement needs 8 ranks, got ${ranks.length}`);
  const out: Square[] = [];
  ranks.forEach((rank, r) => {
    let file = 0;
    for (const ch of rank) {
      if (/[1-8]/.test(ch)) {
        for (let k = 0; k < Number(ch); k++) out.push(square(r, file++, null));
      } else if (GLYPHS[ch]) out.push(square(r, file++, ch));
      else throw new RangeError(`FEN placement has an unknown piece "${ch}"`);
    }
    if (file !== 8) throw new RangeError(`FEN rank ${8 - r} has ${file} squares, not 8`);
  });
  return out;
}

function square(r: number, file: number, piece: string | null): Square {
  const name = `${'abcdefgh'[file]}${8 - r}`;
  const label = piece ? `${name}, ${piece === piece.toUpperCase() ? 'white' : 'black'} ${NAMES[piece.toLowerCase()]}` : `${name}, empty`;
  return { name, piece, glyph: piece ? GLYPHS[piece]! : '', label, dark: (r + file) % 2 === 1 };
}

/** The board as 8 lines of text, rank 8 first: pieces as FEN letters, "." empty ("rnbqkbnr", "pppp.ppp", …). */
export function boardText(fen: string): string {
  const sq = board(fen);
  return Array.from({ length: 8 }, (_, r) => sq.slice(r * 8, r * 8 + 8).map((s) => s.piece ?? '.').join('')).join('\n');
}

/** A clock, ms → "1:05:09", "4:59", "0:07.3" under ten seconds; "–" when unknown. */
export function formatClock(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  const t = Math.max(0, ms);
  if (t < 10_000) return `0:0${(Math.floor(t / 100) / 10).toFixed(1)}`;
  const total = Math.floor(t / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Whose move it is, from the FEN's second field. */
export function toMove(fen: string): 'white' | 'black' {
  return fen.trim().split(/\s+/)[1] === 'b' ? 'black' : 'white';
}

/** The move list as numbered pairs: ["1. e4 e5", "2. Nf3 Nc6", …] (a list that starts with Black's ply: "12… Kf8"). */
export function moveLines(s: Pick<ChessState, 'moves' | 'movesFrom'>): string[] {
  const out: string[] = [];
  let ply = s.movesFrom;
  let i = 0;
  if (ply % 2 === 0 && s.moves.length > 0) {
    out.push(`${ply / 2}… ${s.moves[0]}`);
    i = 1;
    ply++;
  }
  for (; i < s.moves.length; i += 2, ply += 2) {
    const n = (ply + 1) / 2;
    out.push(`${n}. ${s.moves[i]}${s.moves[i + 1] !== undefined ? ` ${s.moves[i + 1]}` : ''}`);
  }
  return out;
}

/** "Material: White 39, Black 36 (White +3)". */
export function materialText(s: Pick<ChessState, 'material'>): string {
  const { white, black } = s.material;
  const d = white - black;
  return `Material: White ${white}, Black ${black}${d === 0 ? ' (level)' : ` (${d > 0 ? 'White' : 'Black'} +${Math.abs(d)})`}`;
}

/** The status line: the result, or who is to move (and check). */
export function statusText(s: ChessState): string {
  if (s.result && s.result.result !== '*') {
    const why = s.result.reason ?? s.result.termination;
    return `${s.result.result}${s.result.winner ? ` · ${s.result.winner === 'white' ? s.white : s.black} wins` : ''}${why ? ` (${why})` : ''}`;
  }
  const side = toMove(s.fen);
  return `${side === 'white' ? s.white : s.black} (${side}) to move${s.check ? ' · check' : ''}`;
}
