/**
 * The chess web view's model (web/src/kinds/chess/model.ts): the board of a FEN, clocks, the
 * move list, material; on the lichess sample folded by the shared reducer (kinds/chess).
 */
import { Chess } from 'chess.js';
import { chess, type ChessState } from '../../kinds/chess';
import { stateAt } from '../../kinds/keyframes';
import { FoldedState } from '../../web/src/kinds/fold';
import { board, boardText, formatClock, materialText, moveLines, statusText, toMove } from '../../web/src/kinds/chess/model';
import { sample } from '../kinds/samples';

const GAME = sample('lichess-swlhTnEl-classical');
const START = 'rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1';

describe('chess board', () => {
  it('reads the start position, rank 8 first, with labels', () => {
    const sq = board(START);
    expect(sq).toHaveLength(64);
    expect(sq[0]).toMatchObject({ name: 'a8', piece: 'r', glyph: '♜', label: 'a8, black rook', dark: false });
    expect(sq[60]).toMatchObject({ name: 'e1', piece: 'K', glyph: '♔', label: 'e1, white king' });
    expect(sq[36]).toMatchObject({ name: 'e4', piece: null, label: 'e4, empty' });
    expect(sq[63]!.dark).toBe(false); // h1 is a light square
    expect(sq[56]!.dark).toBe(true); // a1 is dark
    expect(boardText(START).split('\n')).toEqual(['rnbqkbnr', 'pppppppp', '........', '........', '........', '........', 'PPPPPPPP', 'RNBQKBNR']);
  });

  it('refuses a placement that is not 8 × 8', () => {
    expect(() => board('8/8/8 w - - 0 1')).toThrow(RangeError);
    expect(() => board('9/8/8/8/8/8/8/8 w - - 0 1')).toThrow(RangeError);
    expect(() => board('x7/8/8/8/8/8/8/8 w - - 0 1')).toThrow(RangeError);
  });

  it('agrees with chess.js on every position of the sample game', async () => {
    const s = (await stateAt(chess, GAME.header, GAME.frames, GAME.frames.length)) as ChessState;
    const g = new Chess();
    for (const san of s.moves) g.move(san);
    const want = g.board().map((rank) => rank.map((p) => (p ? (p.color === 'w' ? p.type.toUpperCase() : p.type) : '.')).join('')).join('\n');
    expect(boardText(s.fen)).toBe(want);
  });
});

describe('chess text', () => {
  it('clocks', () => {
    expect(formatClock(null)).toBe('–');
    expect(formatClock(5_400_000)).toBe('1:30:00');
    expect(formatClock(299_000)).toBe('4:59');
    expect(formatClock(7_340)).toBe('0:07.3');
  });

  it('move list in numbered pairs, also when it starts with Black', () => {
    expect(moveLines({ moves: ['e4', 'e5', 'Nf3'], movesFrom: 1 })).toEqual(['1. e4 e5', '2. Nf3']);
    expect(moveLines({ moves: ['Kf8', 'Qd1'], movesFrom: 24 })).toEqual(['12… Kf8', '13. Qd1']);
  });

  it('material, side to move and the result', async () => {
    const mid = (await stateAt(chess, GAME.header, GAME.frames, 40)) as ChessState;
    expect(materialText(mid)).toMatch(/^Material: White \d+, Black \d+ \((level|White \+\d+|Black \+\d+)\)$/);
    expect(toMove(mid.fen)).toBe('white'); // 40 plies played
    expect(statusText(mid)).toMatch(/\(white\) to move/);
    const end = (await stateAt(chess, GAME.header, GAME.frames, GAME.frames.length)) as ChessState;
    expect(end.result).not.toBeNull();
    expect(statusText(end)).toMatch(/^(1-0|0-1|1\/2-1\/2)/);
  });

  it('a snapshot plus the frames after it equals the fold from frame 0', async () => {
    const f = new FoldedState(chess, () => chess.initialState(GAME.header));
    f.reset({ seq: 64, state: chess.snapshot((await stateAt(chess, GAME.header, GAME.frames, 64)) as ChessState) }, GAME.frames.slice(60, 100));
    expect(f.state).toEqual(await stateAt(chess, GAME.header, GAME.frames, 100));
  });
});
