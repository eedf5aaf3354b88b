/**
 * The chess kind and its PGN converter: the lichess sample's final position, result and
 * clocks; an illegal move refused with its ply and move; several games per file; games
 * without clocks; comments, NAGs, variations, escape lines and every result token.
 */
import { ConvertError, convertFiles } from '../../convert';
import { chess, convertPgn, type ChessMoveData, type ChessState } from '../../kinds/chess';
import type { ConvertedRecording } from '../../convert';
import { sample } from './samples';

function finalState(r: ConvertedRecording): ChessState {
  let s = chess.initialState(r.header);
  for (const f of r.frames) s = chess.reduce(s, f) as ChessState;
  return s;
}

test('the lichess sample: 145 plies, final FEN, 1-0, clocks from [%clk]', () => {
  const r = sample('lichess-swlhTnEl-classical');
  expect(r.header.kind).toBe('chess');
  expect(r.header.participants).toEqual(['kevin6765', 'SaltY-8K']);
  expect(r.frames.filter((f) => f.type === 'move')).toHaveLength(145);
  const s = finalState(r);
  expect(s.fen).toBe('5Q2/8/8/8/4K3/8/7k/8 b - - 0 73');
  expect(s.result).toEqual({ result: '1-0', winner: 'white', termination: 'Normal' });
  // 73. f8=Q { [%clk 0:14:31] }, 72... Kxh2 { [%clk 0:00:03] }
  expect(s.clocks).toEqual({ white: 871_000, black: 3_000 });
  expect(s.material).toEqual({ white: 9, black: 0 });
  expect(s.moves[0]).toBe('d4');
  expect(s.moves.at(-1)).toBe('f8=Q');
  // t = the time both players used: (30:00 − 14:31) + (30:00 − 0:03), TimeControl 1800+0.
  expect(r.header.durationMs).toBe((1800 - 871 + 1800 - 3) * 1000);
  // 16. Qb3 { [%clk 0:28:06] } after 15. Nxe4 { [%clk 0:28:20] }: 14 s.
  const qb3 = r.frames.find((f) => f.type === 'move' && (f.data as ChessMoveData).ply === 31)!;
  expect(qb3.data).toMatchObject({ san: 'Qb3', clockMs: 1_686_000, timeMs: 14_000 });
});

test('an illegal move is refused with its line, ply and move', () => {
  const pgn = '[Event "x"]\n[Result "*"]\n\n1. e4 e5 2. Nf3 Nc6\n3. Bb5 Ke7 4. Qxf7 *\n';
  expect(() => convertPgn(pgn, { fileName: 'bad.pgn' })).toThrow(ConvertError);
  expect(() => convertPgn(pgn, { fileName: 'bad.pgn' })).toThrow(/^line 5: ply 7 \(4\. Qxf7\): illegal move "Qxf7"/);
  // Through the dispatcher, the file name comes first.
  expect(() => convertFiles([{ name: 'games/bad.pgn', content: pgn }])).toThrow(/^games\/bad\.pgn: line 5: ply 7/);
});

const MULTI = `[Event "Casual"]
[White "A"]
[Black "B"]
[Result "1-0"]

1. e4 e5 2. Bc4 Nc6 3. Qh5 Nf6?? 4. Qxf7# 1-0

[Event "Casual"]
[White "C"]
[Black "D"]
[Result "0-1"]

1. f3 e5 2. g4 Qh4# 0-1

[Event "Casual"]
[White "E"]
[Black "F"]
[Result "1/2-1/2"]

1. e4 e5 1/2-1/2

[White "G"]
[Black "H"]

1. d4 *
`;

test('a PGN with several games: one recording each, results and markers', () => {
  const recs = convertPgn(MULTI, { fileName: 'casual.pgn' });
  expect(recs.map((r) => r.header.gameId)).toEqual(['casual', 'casual-2', 'casual-3', 'casual-4']);
  expect(recs.map((r) => r.header.participants)).toEqual([
    ['A', 'B'],
    ['C', 'D'],
    ['E', 'F'],
    ['G', 'H'],
  ]);
  const finals = recs.map(finalState);
  expect(finals.map((s) => s.result?.result)).toEqual(['1-0', '0-1', '1/2-1/2', '*']);
  expect(finals[0]!.result).toMatchObject({ winner: 'white', reason: 'checkmate' });
  expect(finals[1]!.result).toMatchObject({ winner: 'black', reason: 'checkmate' });
  expect(finals[0]!.fen).toBe('r1bqkb1r/pppp1Qpp/2n2n2/4p3/2B1P3/8/PPPP1PPP/RNB1K1NR b KQkq - 0 4');
  const ms = chess.markers(recs[0]!.frames, recs[0]!.header);
  expect(ms.map((m) => m.kind)).toEqual(['checkmate', 'result']);
  expect(ms[0]!.label).toBe('4. Qxf7# checkmate');
  // The dispatcher registers .pgn.
  expect(convertFiles([{ name: 'casual.pgn', content: MULTI }])).toHaveLength(4);
});

test('a PGN without clocks: moves moveSpacingMs apart, clocks from TimeControl only', () => {
  const pgn = '[White "A"]\n[Black "B"]\n[TimeControl "300+2"]\n[Result "*"]\n\n1. e4 c5 2. Nf3 *\n';
  const [r] = convertPgn(pgn, { fileName: 'noclock.pgn', moveSpacingMs: 4000 });
  expect(r!.frames.map((f) => f.t)).toEqual([0, 4000, 8000, 8000]);
  expect(r!.header.meta.clock).toEqual(expect.objectContaining({ moveSpacingMs: 4000 }));
  const s = finalState(r!);
  expect(s.clocks).toEqual({ white: 300_000, black: 300_000 });
  expect(s.moves).toEqual(['e4', 'c5', 'Nf3']);
  const [bare] = convertPgn('1. e4 e5 *', { fileName: 'bare.pgn' });
  expect(finalState(bare!).clocks).toEqual({ white: null, black: null });
  expect(bare!.frames.map((f) => f.t)).toEqual([0, 10_000, 10_000]);
});

test('comments, NAGs, suffixes, nested variations, escape lines and ; comments: the main line is kept', () => {
  const pgn = [
    '% an escape line: ignored (PGN spec 6)',
    '[Event "Annotated \\"test\\""]',
    '[White "W"]',
    '[Black "Bl"]',
    '[TimeControl "60+1"]',
    '[Result "1-0"]',
    '',
    '{ opening comment } 1. e4 $1 { [%clk 0:01:00] } 1... e5!? { [%clk 0:01:00] }',
    '2. Nf3 (2. f4 exf4 (2... d5) 3. Nf3) { [%clk 0:00:58] } 2... Nc6 ; rest of line: 2... Nf6',
    '{ [%clk 0:00:59.5] } 3. Bb5 { [%clk 0:00:57] } 3. ... a6 { [%clk 0:00:50] } 1-0',
  ].join('\n');
  const [r] = convertPgn(pgn, { fileName: 'annotated.pgn' });
  const moves = r!.frames.filter((f) => f.type === 'move').map((f) => (f.data as ChessMoveData).san);
  expect(moves).toEqual(['e4', 'e5', 'Nf3', 'Nc6', 'Bb5', 'a6']);
  expect((r!.header.meta.tags as Record<string, string>).Event).toBe('Annotated "test"');
  // Move times: clock before − after + increment (1 s).
  const times = r!.frames.filter((f) => f.type === 'move').map((f) => (f.data as ChessMoveData).timeMs);
  expect(times).toEqual([1000, 1000, 3000, 1500, 2000, 10500]);
  expect(finalState(r!).clocks).toEqual({ white: 57_000, black: 50_000 });
});

test('a result that contradicts the Result tag, and malformed PGN, are refused', () => {
  expect(() => convertPgn('[Result "1-0"]\n\n1. e4 0-1', { fileName: 'x.pgn' })).toThrow(/Result tag says 1-0/);
  expect(() => convertPgn('1. e4 { never closed', { fileName: 'x.pgn' })).toThrow(/comment "\{" not closed/);
  expect(() => convertPgn('1. e4 (1. d4', { fileName: 'x.pgn' })).toThrow(/variation "\(" not closed/);
  expect(() => convertPgn('', { fileName: 'x.pgn' })).toThrow(/no game/);
});
