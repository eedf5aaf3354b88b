/**
 * Recording format matchcast/1 and its index (docs/ARCHITECTURE.md "Recording format"). Pure: no AWS,
 * no file system.
 *
 * JSON Lines with `\n` endings. Line 1 is the header, every later line one frame:
 * ```
 * {"format":"matchcast/1","gameId":"…","kind":"tennis","title":"…","participants":[…],"durationMs":17820000,"frameCount":420,"meta":{}}
 * {"seq":0,"t":0,"type":"point","data":{…}}
 * ```
 * `seq` counts from 0 without gaps; `t` is integer milliseconds since the start, never
 * decreasing; a frame line is at most {@link MAX_FRAME_LINE_BYTES} bytes so that any frame
 * fits one 128 KB API Gateway message.
 *
 * The index ({@link RecordingIndex}) holds `[seq, t, byteOffset]` every K frames, so a
 * reader can fetch just the byte range holding the frames it needs (ranged GetObject).
 */
import type { WireFrame, WireMarker } from './messages';

export const RECORDING_FORMAT = 'matchcast/1';
export const INDEX_FORMAT = 'matchcast-index/1';
/** Longest frame line, in bytes (UTF-8, without the newline). */
export const MAX_FRAME_LINE_BYTES = 32 * 1024;
/** Longest header line, in bytes. */
export const MAX_HEADER_LINE_BYTES = 64 * 1024;
/** Default index spacing: one entry every 32 frames. */
export const DEFAULT_INDEX_EVERY = 32;
const GAME_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Line 1 of a recording. `durationMs` ≥ the last frame's `t`; `frameCount` = number of frames. */
export interface RecordingHeader {
  format: typeof RECORDING_FORMAT;
  /** 1–128 characters of letters, digits, `.`, `_`, `-`; starts with a letter or digit. */
  gameId: string;
  kind: string;
  title: string;
  participants: string[];
  durationMs: number;
  frameCount: number;
  meta: Record<string, unknown>;
}

/**
 * The index object stored beside a recording. `entries` holds `[seq, t, byteOffset]` for seq
 * 0, every, 2·every, …; `byteOffset` is the UTF-8 offset of that frame's line start.
 */
export interface RecordingIndex {
  format: typeof INDEX_FORMAT;
  gameId: string;
  /** Byte offset of frame 0's line (the header line's length + 1). */
  headerBytes: number;
  /** Total bytes of the recording. */
  totalBytes: number;
  frameCount: number;
  durationMs: number;
  every: number;
  entries: Array<[seq: number, t: number, byteOffset: number]>;
}

/** Format of a recording's keyframes object (contract/keys.ts `keyframesKeyFor`). */
export const KEYFRAMES_FORMAT = 'matchcast-keyframes/1';

/**
 * The keyframes object stored beside a recording and its index by the index function:
 * the recording's frames folded once by its game kind (kinds/keyframes.ts `Keyframes`:
 * `keyframes[i].state` is the kind's state after every frame with seq < `keyframes[i].seq`,
 * sorted by seq, at most `every` frames apart) and its markers (protocol 1.1, ≤ 2,000,
 * sorted by seq). A snapshot at seq S = the last keyframe at or before S, then the frames
 * from it to S − 1, which the index locates by byte range.
 */
export interface RecordingKeyframes {
  format: typeof KEYFRAMES_FORMAT;
  gameId: string;
  /** The kind whose states these are (the header's `kind`, or `generic` for a kind matchcast does not know). */
  kind: string;
  every: number;
  frameCount: number;
  keyframes: Array<{ seq: number; state: unknown }>;
  markers: WireMarker[];
}

/** A recording that breaks the format. `line` is 1-based (line 1 is the header). */
export class RecordingError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'RecordingError';
  }
}

const encoder = new TextEncoder();
const byteLength = (s: string) => encoder.encode(s).length;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Validates and indexes a recording fed one line at a time (without its `\n`), so a large
 * recording can be streamed from S3 without being held in memory. Every rule of the format
 * is checked; the first breach throws {@link RecordingError} naming the line.
 */
export class RecordingIndexer {
  private readonly every: number;
  private header?: RecordingHeader;
  private line = 0;
  private offset = 0;
  private frames = 0;
  private lastT = 0;
  private trailingBlank = false;
  private readonly entries: Array<[number, number, number]> = [];

  constructor(opts: { every?: number } = {}) {
    this.every = opts.every ?? DEFAULT_INDEX_EVERY;
    if (!Number.isInteger(this.every) || this.every < 1) throw new Error(`every must be a positive integer, got ${opts.every}`);
  }

  /**
   * Feed the next line (without its `\n`; its bytes count as UTF-8 + 1). One empty line is
   * accepted as the last line (what `text.split('\n')` yields for text ending in `\n`); any
   * line after it is refused. A `\r` left at a line's end (CRLF) is tolerated by JSON and
   * counted in the byte offsets, so the offsets stay exact for the object as stored.
   * Returns the frame the line holds (undefined for the header and the final blank line).
   * Throws {@link RecordingError} at the first breach.
   */
  addLine(text: string): WireFrame | undefined {
    this.line++;
    const start = this.offset;
    const bytes = byteLength(text);
    this.offset += bytes + 1;
    if (this.trailingBlank) throw new RecordingError(this.line - 1, 'blank line inside the recording');
    if (text === '') {
      if (this.header) {
        this.trailingBlank = true;
        return undefined;
      }
      throw new RecordingError(this.line, 'empty header line');
    }
    if (this.header === undefined) {
      if (bytes > MAX_HEADER_LINE_BYTES) throw new RecordingError(this.line, `header is over ${MAX_HEADER_LINE_BYTES} bytes`);
      this.header = parseHeader(text, this.line);
      return undefined;
    }
    if (bytes > MAX_FRAME_LINE_BYTES) throw new RecordingError(this.line, `frame line is ${bytes} bytes, over the ${MAX_FRAME_LINE_BYTES}-byte limit`);
    const frame = parseFrame(text, this.line);
    if (frame.seq !== this.frames) throw new RecordingError(this.line, `seq ${frame.seq} where ${this.frames} was expected (seq counts from 0 without gaps)`);
    if (frame.t < this.lastT) throw new RecordingError(this.line, `t went backwards (${frame.t} < ${this.lastT})`);
    if (frame.seq % this.every === 0) this.entries.push([frame.seq, frame.t, start]);
    this.lastT = frame.t;
    this.frames++;
    return frame;
  }

  /** The header, once its line has been added (the kind of the frames that follow). */
  get headerSoFar(): RecordingHeader | undefined {
    return this.header;
  }

  /** Finish: checks the header's counts against the frames. Returns the header and the index. */
  finish(): { header: RecordingHeader; index: RecordingIndex } {
    const h = this.header;
    if (!h) throw new RecordingError(1, 'empty recording: no header line');
    if (h.frameCount !== this.frames) throw new RecordingError(1, `header says frameCount ${h.frameCount} but the recording has ${this.frames} frames`);
    if (h.durationMs < this.lastT) throw new RecordingError(1, `header durationMs ${h.durationMs} is before the last frame's t ${this.lastT}`);
    const headerBytes = this.entries[0]?.[2] ?? this.offset;
    return {
      header: h,
      index: {
        format: INDEX_FORMAT,
        gameId: h.gameId,
        headerBytes,
        totalBytes: this.offset - (this.trailingBlank ? 1 : 0),
        frameCount: this.frames,
        durationMs: h.durationMs,
        every: this.every,
        entries: this.entries,
      },
    };
  }
}

function parseJson(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RecordingError(line, 'not valid JSON');
  }
}

function parseHeader(text: string, line: number): RecordingHeader {
  const v = parseJson(text, line);
  if (!isObject(v)) throw new RecordingError(line, 'header must be a JSON object');
  if (v.format !== RECORDING_FORMAT) throw new RecordingError(line, `unknown format ${JSON.stringify(v.format)} (expected "${RECORDING_FORMAT}")`);
  if (typeof v.gameId !== 'string' || v.gameId.length > 128 || !GAME_ID.test(v.gameId)) {
    throw new RecordingError(line, 'gameId must be 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  for (const k of ['kind', 'title'] as const) {
    if (typeof v[k] !== 'string' || (v[k] as string).trim() === '') throw new RecordingError(line, `header ${k} must be a non-empty string`);
  }
  if (!Array.isArray(v.participants) || !v.participants.every((p) => typeof p === 'string')) {
    throw new RecordingError(line, 'header participants must be an array of strings');
  }
  if (!isMs(v.durationMs)) throw new RecordingError(line, 'header durationMs must be a non-negative integer (ms)');
  if (!isMs(v.frameCount)) throw new RecordingError(line, 'header frameCount must be a non-negative integer');
  if (v.meta !== undefined && !isObject(v.meta)) throw new RecordingError(line, 'header meta must be an object');
  return {
    format: RECORDING_FORMAT,
    gameId: v.gameId,
    kind: v.kind as string,
    title: v.title as string,
    participants: v.participants as string[],
    durationMs: v.durationMs,
    frameCount: v.frameCount,
    meta: (v.meta as Record<string, unknown> | undefined) ?? {},
  };
}

function parseFrame(text: string, line: number): WireFrame {
  const v = parseJson(text, line);
  if (!isObject(v)) throw new RecordingError(line, 'frame must be a JSON object');
  if (!isMs(v.seq)) throw new RecordingError(line, 'frame seq must be a non-negative integer');
  if (!isMs(v.t)) throw new RecordingError(line, 'frame t must be a non-negative integer (ms)');
  if (typeof v.type !== 'string' || v.type === '') throw new RecordingError(line, 'frame type must be a non-empty string');
  if (!('data' in v)) throw new RecordingError(line, 'frame has no data');
  return { seq: v.seq, t: v.t, type: v.type, data: v.data };
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Validate and index a whole recording held in memory. Throws {@link RecordingError}. */
export function indexRecording(text: string, opts: { every?: number } = {}): { header: RecordingHeader; index: RecordingIndex } {
  const indexer = new RecordingIndexer(opts);
  for (const line of splitLines(text)) indexer.addLine(line);
  return indexer.finish();
}

/** Parse and validate a whole recording. Throws {@link RecordingError}. */
export function parseRecording(text: string): { header: RecordingHeader; frames: WireFrame[] } {
  const lines = splitLines(text);
  const { header } = indexRecording(text);
  return { header, frames: lines.slice(1).map((l, i) => parseFrame(l, i + 2)) };
}

/**
 * Serialize a recording to matchcast/1 text (ending with `\n`), validating it on the way.
 * Throws {@link RecordingError} with the line the frame would have had.
 */
export function serializeRecording(header: RecordingHeader, frames: readonly WireFrame[]): string {
  const lines = [JSON.stringify({ ...header, format: RECORDING_FORMAT }), ...frames.map((f) => JSON.stringify({ seq: f.seq, t: f.t, type: f.type, data: f.data }))];
  const text = lines.join('\n') + '\n';
  indexRecording(text);
  return text;
}

/** Index of the last entry whose seq ≤ `seq` (entries are sorted by seq). */
function entryAtOrBefore(index: RecordingIndex, seq: number): number {
  let lo = 0;
  let hi = index.entries.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (index.entries[mid]![0] <= seq) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The byte range `[startByte, endByte)` of whole lines, aligned on index entries, holding
 * every frame with seq ≥ `fromSeq` and t ≤ `untilMs` — but at most `maxEntries` index
 * intervals long, so one read stays bounded (read again from the next seq). The range may
 * start with a few frames before `fromSeq` (the interval's start); {@link parseFrameLines}
 * drops them. Returns null when `fromSeq` is past the last frame.
 */
export function byteRangeFor(index: RecordingIndex, fromSeq: number, untilMs: number, maxEntries = 8): { startByte: number; endByte: number } | null {
  if (fromSeq >= index.frameCount || index.entries.length === 0) return null;
  const first = entryAtOrBefore(index, Math.max(0, fromSeq));
  const limit = Math.min(index.entries.length, first + Math.max(1, maxEntries));
  let end = first + 1;
  while (end < limit && index.entries[end]![1] <= untilMs) end++;
  return {
    startByte: index.entries[first]![2],
    endByte: end < index.entries.length ? index.entries[end]![2] : index.totalBytes,
  };
}

/**
 * Seek, step 1: the byte range `[startByte, endByte)` of the one index interval to read for
 * the first frame with t ≥ `toMs`: from the last entry with t < `toMs` (or entry 0) up to the
 * next entry. The frame is either inside that interval or is the next entry's frame itself
 * (its seq is in the index, no read needed): step 2, {@link firstSeqAtOrAfter}, tells which.
 * Equal t across an entry boundary is safe: the interval starts at an entry whose t is
 * strictly below `toMs`, so no earlier frame can qualify.
 */
export function seekRange(index: RecordingIndex, toMs: number): { startByte: number; endByte: number } {
  const e = index.entries;
  if (e.length === 0) return { startByte: index.headerBytes, endByte: index.totalBytes };
  const i = lastEntryBefore(index, toMs);
  return { startByte: e[i]![2], endByte: i + 1 < e.length ? e[i + 1]![2] : index.totalBytes };
}

/** Index of the last entry with t < `toMs`, or 0 (entries are sorted by t). */
function lastEntryBefore(index: RecordingIndex, toMs: number): number {
  let lo = 0;
  let hi = index.entries.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (index.entries[mid]![1] < toMs) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Seek, step 2: the seq of the first frame with t ≥ `toMs`, given the frames parsed from
 * {@link seekRange}'s range (`parseFrameLines(chunk, 0)`). When none of them qualifies, the
 * answer is the next index entry's seq — or `index.frameCount` when no frame is that late
 * (seek past the end).
 */
export function firstSeqAtOrAfter(index: RecordingIndex, frames: readonly WireFrame[], toMs: number): number {
  const hit = frames.find((f) => f.t >= toMs);
  if (hit) return hit.seq;
  const last = frames.at(-1)?.seq ?? -1;
  const next = index.entries.find((en) => en[0] > last && en[1] >= toMs);
  return next ? next[0] : index.frameCount;
}

/**
 * Parse a chunk of whole lines (as {@link byteRangeFor} returns) into frames with
 * seq ≥ `fromSeq`, in order. A header line (a chunk read from byte 0) is skipped.
 * Throws {@link RecordingError} (line numbers relative to the chunk) on a bad line.
 */
export function parseFrameLines(text: string, fromSeq: number): WireFrame[] {
  const out: WireFrame[] = [];
  splitLines(text).forEach((line, i) => {
    if (line === '') return;
    const v = parseJson(line, i + 1);
    if (isObject(v) && v.format === RECORDING_FORMAT) return;
    const f = parseFrame(line, i + 1);
    if (f.seq >= fromSeq) out.push(f);
  });
  return out;
}
