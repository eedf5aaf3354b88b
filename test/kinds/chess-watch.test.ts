/**
 * The chess view of `npm run watch` (kinds/chess/watch.ts): state → a Unicode board with both
 * clocks, material and the last moves; a move → its line; a late joiner's view equal to a
 * viewer's from the first ply. Data: samples/chess/lichess-swlhTnEl-classical.pgn (lichess.org,
 * CC0).
 */
import { stateAt } from '../../kinds';
import { chess } from '../../kinds/chess';
import { boardLines, chessClock, chessWatch, moveList, renderChess } from '../../kinds/chess/watch';
import { sample } from './samples';

const rec = () => sample('lichess-swlhTnEl-classical');

test('the start position as a board', () => {
  expect(boardLines('rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1')).toEqual([
    '8 ♜ ♞ ♝ ♛ ♚ ♝ ♞ ♜',
    '7 ♟ ♟ ♟ ♟ ♟ ♟ ♟ ♟',
    '6 · · · · · · · ·',
    '5 · · · · · · · ·',
    '4 · · · · · · · ·',
    '3 · · · · · · · ·',
    '2 ♙ ♙ ♙ ♙ ♙ ♙ ♙ ♙',
    '1 ♖ ♘ ♗ ♕ ♔ ♗ ♘ ♖',
    '  a b c d e f g h',
  ]);
  expect(() => boardLines('rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP w')).toThrow('not a FEN placement');
  expect(() => boardLines('rnbqkbnr/ppppXppp/8/8/8/8/PPPPPPPP/RNBQKBNR w')).toThrow('not a FEN placement');
});

test('clocks and move lists', () => {
  expect(chessClock(5_400_000)).toBe('1:30:00');
  expect(chessClock(245_000)).toBe('4:05');
  expect(chessClock(9_540)).toBe('0:09.5');
  expect(chessClock(null)).toBe('–');
  expect(moveList(['e4', 'e5', 'Nf3', 'Nc6', 'Bb5'], 1)).toBe('1. e4 e5 2. Nf3 Nc6 3. Bb5');
  expect(moveList(['e4', 'e5', 'Nf3', 'Nc6', 'Bb5'], 1, 4)).toBe('1... e5 2. Nf3 Nc6 3. Bb5');
});

test('mid-game: both players with clocks and material, the board, the last move, who moves', async () => {
  const r = rec();
  const s = await stateAt(chess, r.header, r.frames, 60);
  const lines = renderChess(s);
  expect(lines[0]).toMatch(new RegExp(`^ {2}♚ ${s.black} +${chessClock(s.clocks.black).replace('.', '\\.')} {3}material ${s.material.black}`));
  expect(lines.slice(1, 10).map((l) => l.slice(2))).toEqual(boardLines(s.fen));
  expect(lines[10]).toMatch(new RegExp(`^ {2}♔ ${s.white} +\\S+ {3}material ${s.material.white}`));
  expect(lines.filter((l) => l.includes('← to move'))).toHaveLength(1);
  expect(lines[11]).toBe(`  last: 30... ${s.lastMove!.san} (${s.lastMove!.from}–${s.lastMove!.to})${s.check ? ' · check' : ''}`);
  expect(lines[12]).toMatch(/^ {2}moves: 25\. /);
});

test('the end: the result; a move line per ply', async () => {
  const r = rec();
  const v = chessWatch.view(chess.snapshot(chess.initialState(r.header)));
  const lines = await v.apply(r.frames);
  expect(lines).toHaveLength(r.frames.length);
  expect(lines[0]).toMatch(/^1\. \S+ +kevin6765 \S+ · SaltY-8K \S+/);
  expect(lines[lines.length - 1]).toMatch(/^result (1-0|0-1|1\/2-1\/2)/);
  const board = await v.lines();
  expect(board[board.length - 1]).toMatch(/^ {2}result: /);
  expect(board.join('\n')).not.toContain('← to move');
});

test('a late joiner sees what a viewer from the first ply sees', async () => {
  const r = rec();
  const S = 77;
  const fromStart = chessWatch.view(chess.snapshot(chess.initialState(r.header)));
  const all = await fromStart.apply(r.frames);
  const late = chessWatch.view(chess.snapshot(await stateAt(chess, r.header, r.frames, S)));
  expect(await late.apply(r.frames.slice(S))).toEqual(all.slice(S));
  expect(await late.lines()).toEqual(await fromStart.lines());
});
