/**
 * asciicast v2 / v3 (`.cast`, asciinema) → matchcast/1, for terminal streams: a recorded
 * terminal session played back to spectators as if live.
 *
 * Format (the asciicast v2 and v3 specs, docs.asciinema.org/manual/asciicast/v2/ and
 * …/v3/): line 1 is a JSON header, every later line an event
 * `[time, code, data]`.
 * - v2: `time` is seconds since the start (absolute); size is `width`/`height`.
 * - v3: `time` is seconds since the previous event (an interval); size is `term.cols/rows`;
 *   lines starting with `#` are comments.
 * Codes: `o` output, `i` input, `m` marker, `r` resize ("COLSxROWS"), `x` exit (v3).
 *
 * Pure: takes the file's text, returns header + frames. Throws {@link ConvertError}.
 */
import type { WireFrame } from '../protocol/messages';
import {
  type CommonConvertOptions,
  ConvertError,
  type ConvertedRecording,
  MAX_FRAME_LINE_BYTES,
  baseName,
  resolveGameId,
  splitJsonString,
  utf8Length,
} from './errors';

/** Options of {@link convertAsciicast}. */
export interface AsciicastOptions extends CommonConvertOptions {
  /**
   * Keep `i` (keyboard input) events as frames of type 'i'. Default false: input is
   * dropped because it can hold secrets (passwords typed at a prompt are not echoed in the
   * output, but they are in the input stream).
   */
  keepInput?: boolean;
  /**
   * Cap on every gap between events, in SECONDS, applied as asciinema's player does (a
   * longer pause plays as exactly this long; later events shift earlier).
   * Default (undefined): the header's `idle_time_limit`, if any. `null`: no cap even if the
   * header has one. A number overrides the header.
   */
  idleTimeLimitS?: number | null;
  /** Header participants. Default: []. */
  participants?: string[];
}

/**
 * Collects terminal frames: assigns seq, merges consecutive same-type text frames at the
 * same `t` (asciicast `o` events within one millisecond), and splits text that would make a
 * frame line over {@link MAX_FRAME_LINE_BYTES} into several frames with the same `t`.
 * Shared by the asciicast and ttyrec converters.
 */
export class TerminalFrameBuilder {
  readonly frames: WireFrame[] = [];
  private pending: { t: number; type: string; text: string } | undefined;

  /** Append text output (`type` 'o' or 'i'); merged with the previous one if same type and t. */
  text(t: number, type: string, text: string, merge = true): void {
    if (merge && this.pending && this.pending.t === t && this.pending.type === type) {
      this.pending.text += text;
      return;
    }
    this.flush();
    this.pending = { t, type, text };
  }

  /** Append a non-text frame (resize, marker, exit). */
  other(t: number, type: string, data: unknown): void {
    this.flush();
    this.frames.push({ seq: this.frames.length, t, type, data });
  }

  /** Emit the pending text frame(s). Call once at the end. */
  flush(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const envelope = utf8Length(
      JSON.stringify({ seq: Number.MAX_SAFE_INTEGER, t: Number.MAX_SAFE_INTEGER, type: p.type, data: '' }),
    );
    for (const piece of splitJsonString(p.text, MAX_FRAME_LINE_BYTES - envelope)) {
      this.frames.push({ seq: this.frames.length, t: p.t, type: p.type, data: piece });
    }
  }
}

interface CastHeader {
  version: 2 | 3;
  cols: number;
  rows: number;
  title?: string;
  env?: Record<string, unknown>;
  timestamp?: number;
  idleTimeLimitS?: number;
}

/**
 * Convert an asciicast v2 or v3 recording to matchcast/1.
 *
 * Frames: `o` → type 'o' (data: the output string); `r` → type 'r' (data `{cols, rows}`);
 * `m` → type 'm' (data: the label); `i` → dropped, or type 'i' with `keepInput`;
 * `x` (v3 exit) → type 'x' (data: the status string). Unknown codes are skipped (counted in
 * `meta.skippedEvents`), as asciinema's player ignores them. One frame per event, except
 * consecutive `o` events landing on the same millisecond, which merge into one frame;
 * an output too big for one 32 KB frame line is split into several frames with the same t.
 *
 * Times: `t` = (event time with every gap capped to the idle limit), seconds → integer ms.
 * Header: kind 'terminal'; title = options.title ?? cast title ?? file base name;
 * meta `{ sourceFormat, cols, rows, title?, env?, timestamp?, idleTimeLimitS?, skippedEvents,
 * droppedInputEvents }`.
 *
 * @throws ConvertError with `line`: bad JSON ("line 7: not valid JSON …"), unknown version
 * ("line 1: unknown asciicast version 4"), missing size, malformed event, v2 time going
 * backwards ("line 12: time went backwards (3.2 < 4.1)"), negative v3 interval, bad resize,
 * no frames at all.
 */
export function convertAsciicast(text: string, options: AsciicastOptions = {}): ConvertedRecording {
  const gameId = resolveGameId(options);
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const head = parseHeader(lines[0] ?? '', text);
  const limit = options.idleTimeLimitS === undefined ? head.idleTimeLimitS : options.idleTimeLimitS ?? undefined;
  if (limit !== undefined && !(Number.isFinite(limit) && limit > 0)) {
    throw new ConvertError(`idleTimeLimitS must be a positive number of seconds, got ${String(limit)}`);
  }

  const out = new TerminalFrameBuilder();
  let prevTime = 0; // v2: last absolute time seen, seconds
  let clock = 0; // seconds after idle capping
  let skipped = 0;
  let droppedInput = 0;
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i].replace(/\r$/, '');
    if (raw.trim() === '') continue;
    if (head.version === 3 && raw.startsWith('#')) continue;
    const ev = parseJson(raw, lineNo);
    if (!Array.isArray(ev) || ev.length < 3) {
      throw ConvertError.atLine(lineNo, 'an event must be an array [time, code, data]');
    }
    const [time, code, data] = ev as unknown[];
    if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
      throw ConvertError.atLine(lineNo, `event time must be a non-negative number of seconds, got ${JSON.stringify(time)}`);
    }
    if (typeof code !== 'string' || typeof data !== 'string') {
      throw ConvertError.atLine(lineNo, 'event code and data must be strings');
    }
    let gap: number;
    if (head.version === 2) {
      if (time < prevTime) throw ConvertError.atLine(lineNo, `time went backwards (${time} < ${prevTime})`);
      gap = time - prevTime;
      prevTime = time;
    } else {
      gap = time; // v3: interval since the previous event (checked non-negative above)
    }
    clock += limit !== undefined ? Math.min(gap, limit) : gap;
    const t = Math.round(clock * 1000);
    switch (code) {
      case 'o':
        out.text(t, 'o', data);
        break;
      case 'i':
        if (options.keepInput) out.text(t, 'i', data, false);
        else droppedInput++;
        break;
      case 'm':
        out.other(t, 'm', data);
        break;
      case 'r':
        out.other(t, 'r', parseSize(data, lineNo));
        break;
      case 'x':
        out.other(t, 'x', data);
        break;
      default:
        skipped++;
    }
  }
  out.flush();
  const frames = out.frames;
  if (frames.length === 0) throw new ConvertError('the recording has no events to play', 1);

  const meta: Record<string, unknown> = {
    sourceFormat: `asciicast v${head.version}`,
    cols: head.cols,
    rows: head.rows,
  };
  if (head.title !== undefined) meta.title = head.title;
  if (head.env !== undefined) meta.env = head.env;
  if (head.timestamp !== undefined) meta.timestamp = head.timestamp;
  if (limit !== undefined) meta.idleTimeLimitS = limit;
  meta.skippedEvents = skipped;
  meta.droppedInputEvents = droppedInput;
  return {
    header: {
      format: 'matchcast/1',
      gameId,
      kind: 'terminal',
      title: options.title ?? head.title ?? (options.fileName ? baseName(options.fileName) : gameId),
      participants: options.participants ?? [],
      durationMs: frames[frames.length - 1].t,
      frameCount: frames.length,
      meta,
    },
    frames,
  };
}

function parseJson(raw: string, lineNo: number): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw ConvertError.atLine(lineNo, `not valid JSON (${(err as Error).message})`);
  }
}

function parseHeader(first: string, whole: string): CastHeader {
  let h: unknown;
  try {
    h = JSON.parse(first);
  } catch (err) {
    // asciicast v1 is one JSON document spread over many lines.
    try {
      const doc = JSON.parse(whole) as { version?: unknown };
      if (doc && typeof doc === 'object' && doc.version === 1) {
        throw ConvertError.atLine(1, 'asciicast version 1 is not supported (convert it with `asciinema convert`)');
      }
    } catch (inner) {
      if (inner instanceof ConvertError) throw inner;
    }
    throw ConvertError.atLine(1, `header is not valid JSON (${(err as Error).message})`);
  }
  if (!h || typeof h !== 'object' || Array.isArray(h)) throw ConvertError.atLine(1, 'header must be a JSON object');
  const o = h as Record<string, unknown>;
  if (o.version !== 2 && o.version !== 3) {
    throw ConvertError.atLine(1, `unknown asciicast version ${JSON.stringify(o.version ?? null)}`);
  }
  let cols: unknown;
  let rows: unknown;
  if (o.version === 2) {
    cols = o.width;
    rows = o.height;
  } else {
    const term = o.term as Record<string, unknown> | undefined;
    cols = term?.cols;
    rows = term?.rows;
  }
  const where = o.version === 2 ? '"width"/"height"' : '"term": {"cols", "rows"}';
  if (!isPositiveInt(cols) || !isPositiveInt(rows)) {
    throw ConvertError.atLine(1, `header needs the terminal size as positive integers in ${where}`);
  }
  const head: CastHeader = { version: o.version, cols, rows };
  if (typeof o.title === 'string' && o.title.trim() !== '') head.title = o.title;
  if (o.env && typeof o.env === 'object' && !Array.isArray(o.env)) head.env = o.env as Record<string, unknown>;
  if (typeof o.timestamp === 'number') head.timestamp = o.timestamp;
  if (o.idle_time_limit !== undefined && o.idle_time_limit !== null) {
    if (typeof o.idle_time_limit !== 'number' || !(o.idle_time_limit > 0)) {
      throw ConvertError.atLine(1, `idle_time_limit must be a positive number of seconds, got ${JSON.stringify(o.idle_time_limit)}`);
    }
    head.idleTimeLimitS = o.idle_time_limit;
  }
  return head;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** "COLSxROWS" → `{cols, rows}`. */
function parseSize(data: string, lineNo: number): { cols: number; rows: number } {
  const m = /^(\d+)x(\d+)$/.exec(data.trim());
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) {
    throw ConvertError.atLine(lineNo, `resize data must be "COLSxROWS", got ${JSON.stringify(data)}`);
  }
  return { cols: Number(m[1]), rows: Number(m[2]) };
}
