/**
 * ttyrec (binary, as recorded by `ttyrec` and by NetHack servers such as nethack.alt.org)
 * → matchcast/1, for terminal streams (e.g. spectating a recorded NetHack game).
 *
 * Format (as the ttyrec program writes it and ttyplay reads it, 0xcc.net/ttyrec): repeated
 * frames of a 12-byte little-endian header — uint32 seconds, uint32 microseconds (Unix
 * epoch), uint32 length — followed by `length` bytes of terminal output.
 * No terminal size is recorded (80x24 is the NetHack servers' convention).
 *
 * Pure: takes the file's bytes, returns header + frames. Throws {@link ConvertError} with
 * `unit: 'byte'` and `line` = the byte offset of the bad frame.
 */
import { TerminalFrameBuilder } from './asciicast';
import { type CommonConvertOptions, ConvertError, type ConvertedRecording, baseName, resolveGameId } from './errors';

/**
 * How the output bytes become the string the browser's xterm.js writes.
 * - 'utf8': UTF-8, decoded as one stream (a character split across two ttyrec frames lands
 *   whole in the later frame); invalid bytes become U+FFFD.
 * - 'cp437': each byte through the IBM PC code page 437 (NetHack's IBMgraphics); bytes
 *   0x00–0x7F stay as they are (control characters and escape sequences intact).
 * - 'latin1': each byte to the code point of the same value.
 * - 'auto' (default): 'utf8' when the whole recording is valid UTF-8, else 'cp437'.
 * NetHack's DECgraphics is plain ASCII with SO/SI and `ESC ) 0` (line drawing in G1), which
 * every choice keeps byte-exact and xterm.js renders natively — the sample is pure ASCII.
 */
export type TtyrecEncoding = 'auto' | 'utf8' | 'cp437' | 'latin1';

/** Options of {@link convertTtyrec}. */
export interface TtyrecOptions extends CommonConvertOptions {
  /** Terminal size for meta (ttyrec records none). Default 80x24. */
  cols?: number;
  rows?: number;
  /** Byte decoding; default 'auto' (see {@link TtyrecEncoding}). */
  encoding?: TtyrecEncoding;
  /**
   * Cap on every gap between frames, in SECONDS (like asciicast's idle_time_limit).
   * Default: none — real times are kept.
   */
  idleTimeLimitS?: number;
  /**
   * A frame whose timestamp is earlier than the previous one (clock adjustments happen in
   * real ttyrecs): 'error' (default) throws; 'clamp' plays it at the previous frame's time.
   */
  onBackwards?: 'error' | 'clamp';
  /** Header participants (e.g. the NetHack player). Default: []. */
  participants?: string[];
}

const HEADER_BYTES = 12;

/** The upper half (0x80–0xFF) of IBM code page 437. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function decodeSingleByte(bytes: Uint8Array, table: 'cp437' | 'latin1'): string {
  let s = '';
  for (const b of bytes) s += b < 0x80 || table === 'latin1' ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  return s;
}

interface RawFrame {
  offset: number;
  sec: number;
  usec: number;
  bytes: Uint8Array;
}

/**
 * Convert a ttyrec recording to matchcast/1.
 *
 * One frame of type 'o' per ttyrec frame (data: the decoded output string); a ttyrec frame
 * whose output would make a frame line over 32 KB is split into several frames with the
 * same t; empty ttyrec frames are skipped. `t` = frame time − first frame time, integer ms
 * (with gaps capped by `idleTimeLimitS` when given).
 * Header: kind 'terminal'; title = options.title ?? file base name; meta `{ sourceFormat:
 * 'ttyrec', cols, rows, encoding (the one used), startedAt (ISO time of the first frame),
 * idleTimeLimitS? }`.
 *
 * @throws ConvertError (`unit: 'byte'`, `line` = byte offset): a truncated header or a
 * frame shorter than its declared length ("byte 61590: truncated frame 409: declares 200
 * bytes, 50 present"), a timestamp going backwards (unless `onBackwards: 'clamp'`), an
 * empty file; plain ConvertError for bad options.
 */
export function convertTtyrec(input: Uint8Array, options: TtyrecOptions = {}): ConvertedRecording {
  const gameId = resolveGameId(options);
  const cols = options.cols ?? 80;
  const rows = options.rows ?? 24;
  if (!Number.isInteger(cols) || cols <= 0 || !Number.isInteger(rows) || rows <= 0) {
    throw new ConvertError(`cols and rows must be positive integers, got ${cols}x${rows}`);
  }
  const limit = options.idleTimeLimitS;
  if (limit !== undefined && !(Number.isFinite(limit) && limit > 0)) {
    throw new ConvertError(`idleTimeLimitS must be a positive number of seconds, got ${String(limit)}`);
  }

  const raw = readFrames(input);
  if (raw.length === 0) throw ConvertError.atByte(0, 'the file holds no ttyrec frames');

  let encoding = options.encoding ?? 'auto';
  if (encoding === 'auto') encoding = isValidUtf8(raw) ? 'utf8' : 'cp437';
  const utf8 = encoding === 'utf8' ? new TextDecoder('utf-8') : undefined;

  const out = new TerminalFrameBuilder();
  const first = raw[0];
  let prevUs = 0; // µs since the first frame, uncapped
  let clockUs = 0; // µs after idle capping
  for (let i = 0; i < raw.length; i++) {
    const f = raw[i];
    let us = (f.sec - first.sec) * 1e6 + (f.usec - first.usec);
    if (us < prevUs) {
      if (options.onBackwards !== 'clamp') {
        throw ConvertError.atByte(
          f.offset,
          `frame ${i + 1}: time went backwards (${(us / 1e6).toFixed(6)} s < ${(prevUs / 1e6).toFixed(6)} s after the first frame)`,
        );
      }
      us = prevUs;
    }
    const gap = us - prevUs;
    prevUs = us;
    clockUs += limit !== undefined ? Math.min(gap, limit * 1e6) : gap;
    const text =
      utf8 !== undefined
        ? utf8.decode(f.bytes, { stream: i < raw.length - 1 })
        : decodeSingleByte(f.bytes, encoding as 'cp437' | 'latin1');
    if (text.length === 0) continue;
    // One frame per ttyrec frame: never merge two ttyrec frames, even at the same ms.
    out.text(Math.round(clockUs / 1000), 'o', text, false);
  }
  out.flush();
  const frames = out.frames;
  if (frames.length === 0) throw ConvertError.atByte(0, 'every ttyrec frame is empty');

  const meta: Record<string, unknown> = {
    sourceFormat: 'ttyrec',
    cols,
    rows,
    encoding,
    startedAt: new Date(first.sec * 1000 + Math.floor(first.usec / 1000)).toISOString(),
  };
  if (limit !== undefined) meta.idleTimeLimitS = limit;
  return {
    header: {
      format: 'matchcast/1',
      gameId,
      kind: 'terminal',
      title: options.title ?? (options.fileName ? baseName(options.fileName) : gameId),
      participants: options.participants ?? [],
      durationMs: frames[frames.length - 1].t,
      frameCount: frames.length,
      meta,
    },
    frames,
  };
}

function readFrames(input: Uint8Array): RawFrame[] {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const frames: RawFrame[] = [];
  let offset = 0;
  while (offset < input.byteLength) {
    const n = frames.length + 1;
    const left = input.byteLength - offset;
    if (left < HEADER_BYTES) {
      throw ConvertError.atByte(offset, `truncated frame ${n}: header has ${left} of ${HEADER_BYTES} bytes`);
    }
    const sec = view.getUint32(offset, true);
    const usec = view.getUint32(offset + 4, true);
    const len = view.getUint32(offset + 8, true);
    if (usec >= 1_000_000) {
      throw ConvertError.atByte(offset, `frame ${n}: microseconds field is ${usec} (must be < 1000000): not a ttyrec file?`);
    }
    const body = offset + HEADER_BYTES;
    if (len > input.byteLength - body) {
      throw ConvertError.atByte(
        offset,
        `truncated frame ${n}: declares ${len} bytes, ${input.byteLength - body} present`,
      );
    }
    frames.push({ offset, sec, usec, bytes: input.subarray(body, body + len) });
    offset = body + len;
  }
  return frames;
}

function isValidUtf8(frames: RawFrame[]): boolean {
  const d = new TextDecoder('utf-8', { fatal: true });
  try {
    for (let i = 0; i < frames.length; i++) d.decode(frames[i].bytes, { stream: i < frames.length - 1 });
    return true;
  } catch {
    return false;
  }
}
