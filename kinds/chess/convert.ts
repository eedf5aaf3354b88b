/**
 * PGN (Portable Game Notation, "Standard: Portable Game Notation Specification and
 * Implementation Guide", 1994) → matchcast/1, for chess streams: one recording per game, one
 * `move` frame per ply and a last `result` frame.
 *
 * Reads any standard PGN: several games per file; tag pairs (`[White "…"]`, with `\"` and
 * `\\` escapes); `{…}` and `;…` comments; `%` escape lines (skipped, spec 6); NAGs (`$1`) and
 * move suffixes (`!`, `?`, `!?`); variations in parentheses, nested or not (skipped: the
 * main line is kept); results `1-0`, `0-1`, `1/2-1/2`, `*`; a `SetUp`/`FEN` start position.
 * Legality and FEN come from chess.js, never our own move generator.
 *
 * Clock: when every move carries a `[%clk H:MM:SS]` comment (the mover's remaining time after
 * the move, as lichess and chess.com write it), a frame's `t` is when the move was made: the
 * sum of the times the moves so far took, a move's time being the mover's clock before it
 * minus after it, plus the increment of the `TimeControl` tag (`base+increment`, seconds; a
 * player's clock before their first move is the base). Without clocks, moves are
 * `moveSpacingMs` apart (default 10 s) — a replay clock, not real time.
 *
 * Pure: takes the file's text, returns header + frames. Throws {@link ConvertError}.
 */
import { Chess } from 'chess.js';
import type { WireFrame } from '../../protocol/messages';
import { type CommonConvertOptions, ConvertError, type ConvertedRecording, baseName, resolveGameId } from '../../convert/errors';
import { type Converter, inputText } from '../../convert/converter';
import { parseTimeControl } from './position';

export { materialOf, parseTimeControl } from './position';

/** Options of {@link convertPgn}. */
export interface PgnOptions extends CommonConvertOptions {
  /** Milliseconds between moves for a game without `[%clk]` on every move. Default 10000. */
  moveSpacingMs?: number;
}

/** `data` of a `move` frame: one ply and the position after it. */
export interface ChessMoveData {
  /** 1-based ply (half-move) number. */
  ply: number;
  /** Full-move number as in the movetext (`12` for both 12. and 12...). */
  moveNumber: number;
  color: 'w' | 'b';
  /** Standard algebraic notation, as chess.js writes it ("Nxe4", "O-O", "f8=Q+"). */
  san: string;
  from: string;
  to: string;
  /** The piece moved: p n b r q k. */
  piece: string;
  /** The piece taken, if any. */
  captured?: string;
  promotion?: string;
  check: boolean;
  mate: boolean;
  /** Forsyth–Edwards Notation of the position after the move. */
  fen: string;
  /** The mover's remaining clock after the move (ms), from `[%clk]`. */
  clockMs?: number;
  /** How long the move took (ms): clock before − after + increment. */
  timeMs?: number;
}

/** `data` of the `result` frame (the last one). */
export interface ChessResultData {
  result: '1-0' | '0-1' | '1/2-1/2' | '*';
  winner?: 'white' | 'black';
  /** The `Termination` tag ("Normal", "Time forfeit", …), when given. */
  termination?: string;
  /** What the final position shows: checkmate, stalemate, … when it shows it. */
  reason?: 'checkmate' | 'stalemate' | 'insufficient material' | 'threefold repetition' | 'fifty-move rule';
}

const RESULTS = new Set(['1-0', '0-1', '1/2-1/2', '*']);

interface PgnMove {
  san: string;
  line: number;
  clockMs?: number;
}
interface PgnGame {
  tags: Record<string, string>;
  moves: PgnMove[];
  result?: string;
  line: number;
}

/** `[%clk 0:29:57]` / `[%clk 1:02:03.4]` → ms. */
function clockOf(comment: string): number | undefined {
  const m = /\[%clk\s+(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)\s*\]/.exec(comment);
  if (!m) return undefined;
  return Math.round(((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000);
}

/** Split a PGN text into games (tags, main-line moves with their line numbers and clocks). */
export function parsePgn(text: string): PgnGame[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const games: PgnGame[] = [];
  let game: PgnGame | undefined;
  const current = (line: number): PgnGame => {
    if (!game) game = { tags: {}, moves: [], line };
    return game;
  };
  const finish = () => {
    if (game && (game.moves.length > 0 || game.result !== undefined || Object.keys(game.tags).length > 0)) games.push(game);
    game = undefined;
  };
  let depth = 0; // variation nesting
  let inComment = false;
  let commentText = '';
  for (let li = 0; li < lines.length; li++) {
    const lineNo = li + 1;
    const raw = lines[li] ?? '';
    if (!inComment && raw.startsWith('%')) continue; // escape line
    let i = 0;
    while (i < raw.length) {
      if (inComment) {
        const end = raw.indexOf('}', i);
        if (end < 0) {
          commentText += raw.slice(i) + '\n';
          i = raw.length;
          continue;
        }
        commentText += raw.slice(i, end);
        i = end + 1;
        inComment = false;
        const ms = clockOf(commentText);
        const g = game;
        if (depth === 0 && g && ms !== undefined && g.moves.length > 0) g.moves[g.moves.length - 1]!.clockMs = ms;
        commentText = '';
        continue;
      }
      const c = raw[i]!;
      if (c === ' ' || c === '\t') {
        i++;
        continue;
      }
      if (c === '{') {
        inComment = true;
        commentText = '';
        i++;
        continue;
      }
      if (c === ';') break; // rest-of-line comment
      if (c === '(') {
        depth++;
        i++;
        continue;
      }
      if (c === ')') {
        if (depth === 0) throw ConvertError.atLine(lineNo, 'unmatched ")"');
        depth--;
        i++;
        continue;
      }
      if (c === '[' && depth === 0) {
        if (game && (game.moves.length > 0 || game.result !== undefined)) finish();
        const m = /^\[\s*([A-Za-z0-9_]+)\s+"((?:[^"\\]|\\.)*)"\s*\]/.exec(raw.slice(i));
        if (!m) throw ConvertError.atLine(lineNo, `malformed tag pair ${JSON.stringify(raw.slice(i, i + 40))}`);
        current(lineNo).tags[m[1]!] = m[2]!.replace(/\\(["\\])/g, '$1');
        i += m[0].length;
        continue;
      }
      const m = /^[^\s{}();[\]]+/.exec(raw.slice(i));
      const tok = m ? m[0] : c;
      i += tok.length;
      if (depth > 0) continue;
      if (RESULTS.has(tok)) {
        current(lineNo).result = tok;
        finish();
        continue;
      }
      if (/^\$\d+$/.test(tok)) continue; // NAG
      const san = tok.replace(/^\d+\.+/, ''); // "12." "12..." "12.e4"
      if (san === '' || /^\d+$/.test(san) || /^\.+$/.test(san)) continue; // a move number or a lone "..."
      const clean = san.replace(/[!?]+$/, '').replace(/^0-0-0/, 'O-O-O').replace(/^0-0/, 'O-O');
      if (clean === '') continue;
      current(lineNo).moves.push({ san: clean, line: lineNo });
    }
  }
  if (inComment) throw ConvertError.atLine(lines.length, 'comment "{" not closed');
  if (depth > 0) throw ConvertError.atLine(lines.length, 'variation "(" not closed');
  finish();
  return games;
}

function convertGame(g: PgnGame, gameId: string, opts: PgnOptions, spacing: number): ConvertedRecording {
  const setup = g.tags.FEN;
  let chess: Chess;
  try {
    chess = setup ? new Chess(setup) : new Chess();
  } catch (e) {
    throw ConvertError.atLine(g.line, `FEN tag is not a valid position: ${(e as Error).message}`);
  }
  const startFen = chess.fen();
  const tc = parseTimeControl(g.tags.TimeControl);
  const clocked = g.moves.length > 0 && g.moves.every((m) => m.clockMs !== undefined);
  const frames: WireFrame[] = [];
  const before = { w: tc?.baseMs as number | undefined, b: tc?.baseMs as number | undefined };
  let t = 0;
  const startMoveNo = Number(startFen.split(' ')[5] ?? 1) || 1;
  let moveNumber = startMoveNo;
  g.moves.forEach((pm, idx) => {
    const ply = idx + 1;
    const color = chess.turn();
    const label = `${moveNumber}${color === 'w' ? '.' : '...'} ${pm.san}`;
    let mv;
    try {
      mv = chess.move(pm.san);
    } catch {
      throw ConvertError.atLine(pm.line, `ply ${ply} (${label}): illegal move "${pm.san}" in position ${chess.fen()}`);
    }
    const data: ChessMoveData = {
      ply,
      moveNumber,
      color,
      san: mv.san,
      from: mv.from,
      to: mv.to,
      piece: mv.piece,
      ...(mv.captured ? { captured: mv.captured } : {}),
      ...(mv.promotion ? { promotion: mv.promotion } : {}),
      check: chess.isCheck(),
      mate: chess.isCheckmate(),
      fen: chess.fen(),
    };
    if (clocked) {
      const after = pm.clockMs as number;
      const prev = before[color] ?? after;
      const took = Math.max(0, prev - after + (tc?.incrementMs ?? 0));
      before[color] = after;
      t += took;
      data.clockMs = after;
      data.timeMs = took;
    } else if (idx > 0) t += spacing;
    frames.push({ seq: frames.length, t, type: 'move', data });
    if (color === 'b') moveNumber++;
  });
  const tagResult = g.tags.Result && RESULTS.has(g.tags.Result) ? g.tags.Result : undefined;
  const result = (g.result ?? tagResult ?? '*') as ChessResultData['result'];
  if (g.result && tagResult && g.result !== tagResult) {
    throw ConvertError.atLine(g.line, `the movetext ends ${g.result} but the Result tag says ${tagResult}`);
  }
  const reason: ChessResultData['reason'] | undefined = chess.isCheckmate()
    ? 'checkmate'
    : chess.isStalemate()
      ? 'stalemate'
      : chess.isInsufficientMaterial()
        ? 'insufficient material'
        : chess.isThreefoldRepetition()
          ? 'threefold repetition'
          : chess.isDrawByFiftyMoves()
            ? 'fifty-move rule'
            : undefined;
  const res: ChessResultData = {
    result,
    ...(result === '1-0' ? { winner: 'white' as const } : result === '0-1' ? { winner: 'black' as const } : {}),
    ...(g.tags.Termination ? { termination: g.tags.Termination } : {}),
    ...(reason ? { reason } : {}),
  };
  frames.push({ seq: frames.length, t, type: 'result', data: res });
  const white = g.tags.White && g.tags.White !== '?' ? g.tags.White : 'White';
  const black = g.tags.Black && g.tags.Black !== '?' ? g.tags.Black : 'Black';
  const event = [g.tags.Event, g.tags.Date].filter((x) => x && x !== '?' && !/^[?.]+$/.test(x)).join(' ');
  return {
    header: {
      format: 'matchcast/1',
      gameId,
      kind: 'chess',
      title: opts.title ?? `${event ? `${event}: ` : ''}${white} v ${black}`,
      participants: [white, black],
      durationMs: t,
      frameCount: frames.length,
      meta: {
        sourceFormat: 'pgn',
        tags: { ...g.tags },
        startFen,
        timeControl: tc,
        result,
        clock: clocked ? 'pgn [%clk]: real move times' : { moveSpacingMs: spacing, note: 'replay clock: the PGN has no [%clk] on every move' },
      },
    },
    frames,
  };
}

/**
 * Convert a PGN file: one recording per game, in file order. gameId: `options.gameId` (one
 * game) or the file's base name, with `-2`, `-3`, … for the second, third game of a file.
 * Frames: `move` ({@link ChessMoveData}) per ply of the main line, then `result`
 * ({@link ChessResultData}). Header: kind 'chess'; title "Event Date: White v Black";
 * participants [White, Black]; meta `{ sourceFormat, tags, startFen, timeControl, result, clock }`.
 *
 * @throws ConvertError naming the line: an illegal move ("line 20: ply 12 (6... Qxh2):
 * illegal move …"), a malformed tag, an unclosed comment or variation, a bad FEN tag, a
 * result that contradicts the Result tag, no game at all, a bad `moveSpacingMs`.
 */
export function convertPgn(text: string, options: PgnOptions = {}): ConvertedRecording[] {
  const spacing = options.moveSpacingMs ?? 10_000;
  if (!Number.isInteger(spacing) || spacing < 0) throw new ConvertError(`moveSpacingMs must be a non-negative integer of milliseconds, got ${spacing}`);
  const games = parsePgn(text);
  if (games.length === 0) throw new ConvertError('no game in this PGN');
  if (options.gameId !== undefined && games.length > 1) {
    throw new ConvertError(`gameId given but the PGN holds ${games.length} games`);
  }
  const base = resolveGameId(options.gameId !== undefined ? options : { ...options, fileName: options.fileName ? baseName(options.fileName).replace(/\.pgn$/i, '') : undefined });
  return games.map((g, i) => convertGame(g, i === 0 ? base : `${base.slice(0, 120)}-${i + 1}`, options, spacing));
}

/**
 * The chess kind's converter: PGN ("Standard: Portable Game Notation Specification and
 * Implementation Guide", 1994), one recording per game ({@link convertPgn}).
 */
export const pgnConverter: Converter = {
  kind: 'chess',
  format: 'chess PGN, one recording per game',
  patterns: ['*.pgn'],
  accepts: (name) => name.endsWith('.pgn'),
  convert: ({ file, name, opts }) =>
    convertPgn(inputText(file), { fileName: name, ...(opts.moveSpacingMs !== undefined ? { moveSpacingMs: opts.moveSpacingMs } : {}) }),
};

/** The chess kind's converters, in dispatch order. */
export const chessConverters: readonly Converter[] = [pgnConverter];
