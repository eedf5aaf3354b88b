/**
 * Generic JSON Lines (jsonlines.org: one JSON object per line), each line with a time field
 * → matchcast/1: the way in for an engine's own event log that is neither matchcast/1 nor
 * one of the formats with a converter of their own.
 *
 * Not for files that already are matchcast/1 (their line 1 has `"format":"matchcast/1"`):
 * those are refused with a ConvertError so they are not wrapped twice.
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
  frameLineBytes,
  resolveGameId,
} from './errors';

/** Time field names tried, in order, when `timeField` is not given. */
export const JSONL_TIME_FIELDS = ['t', 'time', 'ts'] as const;
/** Type field names tried, in order, when `typeField` is not given. */
export const JSONL_TYPE_FIELDS = ['type', 'event'] as const;

/** Options of {@link convertJsonl}. */
export interface JsonlOptions extends CommonConvertOptions {
  /** Field holding each line's time. Default: the first of 't', 'time', 'ts' present on the first line. */
  timeField?: string;
  /**
   * Unit of numeric times: 'ms' (default), 's' or 'us'. No guessing: set it explicitly for
   * second- or microsecond-based logs. ISO 8601 date strings are accepted whatever the unit.
   */
  timeUnit?: 'ms' | 's' | 'us';
  /** Field holding each line's frame type. Default: 'type' if the first line has it, else 'event'. */
  typeField?: string;
  /** Frame type for a line without the type field. Default 'event'. */
  defaultType?: string;
  /** Header kind. Default 'generic'. */
  kind?: string;
  /** Header participants. Default []. */
  participants?: string[];
}

const UNIT_MS = { ms: 1, s: 1000, us: 0.001 } as const;

/**
 * Convert generic JSONL to matchcast/1.
 *
 * Each non-blank line must be a JSON object with the time field. Frame: `t` = (time − the
 * first line's time) in integer ms (so absolute epoch times work), `type` = the type field
 * (a string or number, else `defaultType`), `data` = the object without the time and type
 * fields. Times are numbers (in `timeUnit`), numeric strings, or ISO 8601 date strings.
 * Header: kind = options.kind ?? 'generic'; title = options.title ?? file base name;
 * meta `{ sourceFormat: 'jsonl', timeField, typeField, timeUnit, firstTime }` (firstTime: the
 * first line's raw time value).
 *
 * @throws ConvertError with `line`: not JSON / not an object ("line 3: not valid JSON …"),
 * missing or unreadable time, time going backwards ("line 12: time went backwards (3200 <
 * 4100)", values in the file's unit), a frame line over 32 KB, an empty file, a file that is
 * already matchcast/1.
 */
export function convertJsonl(text: string, options: JsonlOptions = {}): ConvertedRecording {
  const gameId = resolveGameId(options);
  const unit = options.timeUnit ?? 'ms';
  if (!(unit in UNIT_MS)) throw new ConvertError(`timeUnit must be 'ms', 's' or 'us', got ${JSON.stringify(unit)}`);
  const defaultType = options.defaultType ?? 'event';
  const lines = text.replace(/^\uFEFF/, '').split('\n');

  const frames: WireFrame[] = [];
  let timeField = options.timeField;
  let typeField = options.typeField;
  let firstMs: number | undefined;
  let firstRaw: unknown;
  let prevMs = -Infinity;
  let prevRaw: unknown;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i].replace(/\r$/, '');
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw ConvertError.atLine(lineNo, `not valid JSON (${(err as Error).message})`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw ConvertError.atLine(lineNo, 'expected a JSON object');
    }
    const o = value as Record<string, unknown>;
    if (firstMs === undefined) {
      if (o.format === 'matchcast/1') {
        throw ConvertError.atLine(lineNo, 'this file is already matchcast/1: store it as it is, do not convert it');
      }
      timeField ??= JSONL_TIME_FIELDS.find((f) => f in o);
      if (timeField === undefined) {
        throw ConvertError.atLine(lineNo, `no time field: none of ${JSONL_TIME_FIELDS.join(', ')} (set options.timeField)`);
      }
      typeField ??= JSONL_TYPE_FIELDS.find((f) => f in o) ?? 'type';
    }
    const tf = timeField as string;
    if (!(tf in o)) throw ConvertError.atLine(lineNo, `missing time field "${tf}"`);
    const ms = toMs(o[tf], unit, lineNo, tf);
    if (ms < prevMs) {
      throw ConvertError.atLine(lineNo, `time went backwards (${show(o[tf])} < ${show(prevRaw)})`);
    }
    prevMs = ms;
    prevRaw = o[tf];
    if (firstMs === undefined) {
      firstMs = ms;
      firstRaw = o[tf];
    }
    const yf = typeField as string;
    const tv = o[yf];
    const type = typeof tv === 'string' && tv !== '' ? tv : typeof tv === 'number' ? String(tv) : defaultType;
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (k !== tf && k !== yf) data[k] = v;
    const frame: WireFrame = { seq: frames.length, t: Math.round(ms - firstMs), type, data };
    const size = frameLineBytes(frame);
    if (size > MAX_FRAME_LINE_BYTES) {
      throw ConvertError.atLine(lineNo, `frame is ${size} bytes serialized, over the ${MAX_FRAME_LINE_BYTES}-byte limit`);
    }
    frames.push(frame);
  }
  if (frames.length === 0) throw new ConvertError('the file has no lines to convert', 1);

  return {
    header: {
      format: 'matchcast/1',
      gameId,
      kind: options.kind ?? 'generic',
      title: options.title ?? (options.fileName ? baseName(options.fileName) : gameId),
      participants: options.participants ?? [],
      durationMs: frames[frames.length - 1].t,
      frameCount: frames.length,
      meta: { sourceFormat: 'jsonl', timeField, typeField, timeUnit: unit, firstTime: firstRaw },
    },
    frames,
  };
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** A time value → ms (not yet relative). */
function toMs(v: unknown, unit: 'ms' | 's' | 'us', lineNo: number, field: string): number {
  let n: number;
  if (typeof v === 'number') n = v * UNIT_MS[unit];
  else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) n = Number(v) * UNIT_MS[unit];
  else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) && Number.isFinite(Date.parse(v))) n = Date.parse(v);
  else {
    throw ConvertError.atLine(lineNo, `"${field}" must be a number (${unit}), a numeric string or an ISO 8601 date, got ${JSON.stringify(v)}`);
  }
  if (!Number.isFinite(n)) throw ConvertError.atLine(lineNo, `"${field}" is not a finite time: ${JSON.stringify(v)}`);
  return n;
}
