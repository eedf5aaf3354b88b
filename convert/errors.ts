/**
 * Errors and small shared rules for the recording converters (tennis point-by-point CSV,
 * asciicast, ttyrec, Cricsheet JSON, generic JSONL → matchcast/1, the recording format of
 * docs/ARCHITECTURE.md "Recording format (matchcast/1)").
 *
 * Pure: no I/O. Every converter throws {@link ConvertError} for bad input, never a bare
 * `Error`/`SyntaxError`, so the ingest CLI and local mode's sample loader (the callers;
 * no Lambda bundles convert/) can print one clear line.
 */
import type { WireFrame } from '../protocol/messages';
import { MAX_FRAME_LINE_BYTES, type RecordingHeader } from '../protocol/recording';
import { GAME_ID_PATTERN, MAX_GAME_ID_CHARS } from '../protocol/ids';

/** Characters a message must not carry raw: C0 controls, DEL, C1 controls, bidirectional controls, lone surrogates. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `s` with every control character written as an escape (`\n`, `\t`, `\x1b`, `\u202e`), so a
 * message that quotes input — a cell, a file name, a JSON value — never puts raw control
 * bytes on a terminal: no ESC sequences (ECMA-48 / ISO 6429 C0 and C1 controls), no line
 * breaks that forge another line, no bidirectional overrides that reorder what is shown
 * (Unicode Standard Annex #9, Bidi_Control), no lone surrogates. Everything else is kept.
 * Idempotent: the escapes themselves are printable ASCII.
 *
 * The one sanitizer for such messages: {@link ConvertError} applies it to its message, and
 * the ingest CLI to its own.
 */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const cp = c.codePointAt(0) as number;
    return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A recording could not be converted.
 *
 * `line` is where: a 1-based line number for text formats (`unit: 'line'`), a byte offset
 * for binary formats such as ttyrec (`unit: 'byte'`), or `undefined` when the problem is
 * the whole file or an option. The message already names the place
 * ("line 12: time went backwards (3.2 < 4.1)", "byte 61590: truncated frame header").
 * The message is passed through {@link printable}: whatever input it quotes, it holds no
 * raw control characters and is one line.
 */
export class ConvertError extends Error {
  readonly line: number | undefined;
  readonly unit: 'line' | 'byte';

  constructor(message: string, line?: number, unit: 'line' | 'byte' = 'line') {
    super(printable(message));
    this.name = 'ConvertError';
    this.line = line;
    this.unit = unit;
  }

  /** `line N: message` — the usual way to report a problem on one input line. */
  static atLine(line: number, message: string): ConvertError {
    return new ConvertError(`line ${line}: ${message}`, line, 'line');
  }

  /** `byte N: message` — for binary inputs. */
  static atByte(offset: number, message: string): ConvertError {
    return new ConvertError(`byte ${offset}: ${message}`, offset, 'byte');
  }
}

/**
 * Largest serialized matchcast/1 frame line, 32 KB (protocol/recording.ts), so any frame
 * fits one WebSocket message: API Gateway quotas allow 128 KB per message
 * (protocol/messages.ts `MAX_MESSAGE_BYTES`).
 */
export { MAX_FRAME_LINE_BYTES };

/**
 * A game id: 1–128 letters, digits, `.`, `_`, `-`, starting with a letter or digit, so it is
 * key- and URL-safe. Defined once in protocol/ids.ts; re-exported for the converters' callers.
 */
export { GAME_ID_PATTERN };

/** Options every converter accepts. */
export interface CommonConvertOptions {
  /** The game id; must match {@link GAME_ID_PATTERN}. Default: derived from `fileName`. */
  gameId?: string;
  /** The source file's name or path (used for the default gameId and title). */
  fileName?: string;
  /** Header title. Default: from the recording itself, else the file name. */
  title?: string;
}

/** Recording file extensions stripped when deriving a game id / title from a file name. */
const EXTENSIONS = /(\.(cast|ttyrec|json|jsonl|ndjson|txt|gz|bz2))+$/i;

/** The file name without directories and recording extensions ("a/b/demo.cast" → "demo"). */
export function baseName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(EXTENSIONS, '');
}

/**
 * Resolve the header's gameId: `options.gameId` when given (validated, not rewritten), else
 * the file's base name sanitised to {@link GAME_ID_PATTERN} (runs of other characters become
 * "-", leading non-alphanumerics dropped, at most 128 characters).
 *
 * @throws ConvertError when neither gives a usable id.
 */
export function resolveGameId(options: CommonConvertOptions): string {
  if (options.gameId !== undefined) {
    if (!GAME_ID_PATTERN.test(options.gameId)) {
      throw new ConvertError(
        `gameId "${options.gameId}" is not valid: letters, digits, ".", "_" and "-" only, starting with a letter or digit, at most ${MAX_GAME_ID_CHARS} characters`,
      );
    }
    return options.gameId;
  }
  if (options.fileName === undefined) {
    throw new ConvertError('no gameId: pass options.gameId or options.fileName');
  }
  const id = baseName(options.fileName)
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, MAX_GAME_ID_CHARS);
  if (!GAME_ID_PATTERN.test(id)) {
    throw new ConvertError(`cannot derive a gameId from file name "${options.fileName}": pass options.gameId`);
  }
  return id;
}

/** UTF-8 byte length of a string. */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Serialized size of one frame line (no newline), UTF-8 bytes. */
export function frameLineBytes(frame: { seq: number; t: number; type: string; data: unknown }): number {
  return utf8Length(JSON.stringify({ seq: frame.seq, t: frame.t, type: frame.type, data: frame.data }));
}

/** JSON-escaped UTF-8 size of one code point as it appears inside a JSON string. */
function escapedBytes(cp: number): number {
  if (cp === 0x22 || cp === 0x5c) return 2; // \" \\
  if (cp < 0x20) return cp === 0x08 || cp === 0x09 || cp === 0x0a || cp === 0x0c || cp === 0x0d ? 2 : 6;
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp >= 0xd800 && cp <= 0xdfff) return 6; // a lone surrogate is written as \udxxx
  if (cp < 0x10000) return 3;
  return 4;
}

/**
 * Split a string so each piece, as a JSON string value, takes at most `maxBytes` bytes
 * (quotes excluded). Never splits a surrogate pair; may split an escape sequence, which is
 * harmless for a terminal (xterm.js parses a byte stream). Returns `[s]` when it fits.
 */
export function splitJsonString(s: string, maxBytes: number): string[] {
  if (maxBytes < 8) throw new RangeError('maxBytes too small');
  const out: string[] = [];
  let start = 0;
  let size = 0;
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i) as number;
    const units = cp > 0xffff ? 2 : 1;
    const b = escapedBytes(cp);
    if (size + b > maxBytes) {
      out.push(s.slice(start, i));
      start = i;
      size = 0;
    }
    size += b;
    i += units;
  }
  out.push(s.slice(start));
  return out;
}

/**
 * What every converter returns: the matchcast/1 header and its frames (docs/ARCHITECTURE.md
 * "Recording format (matchcast/1)"): seq from 0 without gaps, t integer ms non-decreasing,
 * `header.frameCount === frames.length`, `header.durationMs` = the last frame's t.
 */
export interface ConvertedRecording {
  header: RecordingHeader;
  frames: WireFrame[];
}

/**
 * Where the first JSON syntax error in `text` is, as `{ line, column }` (1-based), for
 * messages about whole-document formats (cricsheet), since V8's JSON.parse messages do not
 * always give a position. Call only after JSON.parse failed; a valid document returns the
 * end of the text.
 */
export function locateJsonError(text: string): { line: number; column: number } {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const str = () => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          fail();
        }
      } else i++;
    }
    fail();
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += (m as RegExpExecArray)[0].length;
  };
  // Recursive descent; nesting deeper than 1000 is reported as an error there (bounded stack).
  const value = (depth: number): void => {
    if (depth > 1000) fail();
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    } else if (c === '"') str();
    else if (c === 't') lit('true');
    else if (c === 'f') lit('false');
    else if (c === 'n') lit('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) num();
    else fail();
  };
  let at = n;
  try {
    value(0);
    ws();
    if (i < n) at = i;
  } catch (pos) {
    if (typeof pos !== 'number') throw pos;
    at = Math.min(pos, n);
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}
