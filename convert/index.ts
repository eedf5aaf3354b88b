/**
 * The ingest dispatcher: turns input files into matchcast/1 recordings by their names and
 * contents. Used by `npm run ingest` and by local mode's sample loader. Pure (files come in
 * as bytes).
 *
 * | input | converter |
 * | --- | --- |
 * | `*-points.csv` (+ the `*-matches.csv` of the same event among the inputs) | tennis point-by-point |
 * | `*.cast` | asciicast v2/v3 |
 * | `*.ttyrec` | ttyrec |
 * | `*.json` with cricsheet's `meta.data_version` and `innings` | cricsheet |
 * | `*.jsonl` / `*.ndjson` starting with a matchcast/1 header | validated as is |
 * | other `*.jsonl` / `*.ndjson` | generic JSONL with a time field |
 * | `*.pgn` | chess PGN, one recording per game (kinds/chess/convert.ts) |
 */
import { parseRecording } from '../protocol/recording';
import { convertAsciicast } from './asciicast';
import { convertCricsheet } from './cricket';
import { ConvertError, type ConvertedRecording } from './errors';
import { convertJsonl, type JsonlOptions } from './jsonl';
import { convertTennisPoints, parseMatchesCsv } from './tennis';
import { convertTtyrec } from './ttyrec';
import { convertPgn } from '../kinds/chess/convert';

export { ConvertError, type ConvertedRecording };

/** One input file: its name (a path is fine; only the base name decides) and its bytes. */
export interface InputFile {
  name: string;
  content: Buffer | string;
}

/** Options passed through to the converters. */
export interface ConvertOptions {
  /** Generic JSONL: kind, time field and unit (see jsonl.ts). */
  jsonl?: Omit<JsonlOptions, 'fileName'>;
  /** asciicast: keep `i` (input) events, which are dropped by default because they can hold secrets. */
  keepInput?: boolean;
  /** PGN: milliseconds between moves of a game without `[%clk]` clocks. */
  moveSpacingMs?: number;
  /** cricsheet: milliseconds between balls on the replay clock. */
  ballSpacingMs?: number;
  /**
   * Keep only the recordings with these game ids (e.g. a few `match_id`s of a whole tennis
   * event). An id no input produced is an error.
   */
  gameIds?: readonly string[];
}

const base = (name: string) => name.split(/[\\/]/).pop() ?? name;
const POINTS = /-points\.csv$/i;
const MATCHES = /-matches\.csv$/i;

/** True for a file a converter handles (a matches CSV is a companion: true too). */
export function isConvertible(name: string): boolean {
  const b = base(name).toLowerCase();
  return POINTS.test(b) || MATCHES.test(b) || /\.(cast|ttyrec|json|jsonl|ndjson|pgn)$/.test(b);
}

const text = (f: InputFile) => (typeof f.content === 'string' ? f.content : f.content.toString('utf8'));

/**
 * Convert every input, in input order. A `*-matches.csv` is only read as the companion of
 * its points CSV. Throws ConvertError with the file name in front of the converter's message
 * (`2013-usopen-points.csv: line 12: …`), for a file no converter handles, for a points CSV
 * without its matches CSV, when two inputs produce the same gameId (they would overwrite
 * each other's object), and for a `gameIds` entry no input produced.
 */
export function convertFiles(inputs: readonly InputFile[], opts: ConvertOptions = {}): ConvertedRecording[] {
  const out: ConvertedRecording[] = [];
  const from = new Map<string, string>();
  const keep = opts.gameIds ? new Set(opts.gameIds) : undefined;
  for (const f of inputs) {
    const name = base(f.name);
    let recs: ConvertedRecording[];
    try {
      recs = convertOne(f, name, inputs, opts);
    } catch (e) {
      if (e instanceof ConvertError) throw new ConvertError(`${f.name}: ${e.message}`, e.line, e.unit);
      if (e instanceof Error && e.name === 'RecordingError') throw new ConvertError(`${f.name}: ${e.message}`);
      throw e;
    }
    for (const r of recs) {
      const id = r.header.gameId;
      if (keep && !keep.has(id)) continue;
      const seen = from.get(id);
      if (seen !== undefined) throw new ConvertError(`${f.name}: gameId ${id} is also produced by ${seen}`);
      from.set(id, f.name);
      out.push(r);
    }
  }
  const missing = opts.gameIds?.filter((id) => !from.has(id)) ?? [];
  if (missing.length > 0) throw new ConvertError(`no input produced gameId ${missing.join(', ')}`);
  return out;
}

/** The path's directory part ('' for a bare name). */
const dirOf = (name: string) => name.slice(0, name.length - base(name).length);

function convertOne(f: InputFile, name: string, inputs: readonly InputFile[], opts: ConvertOptions): ConvertedRecording[] {
  const lower = name.toLowerCase();
  if (MATCHES.test(lower)) return [];
  if (POINTS.test(lower)) {
    const want = name.replace(/-points\.csv$/i, '-matches.csv');
    const same = (x: InputFile) => base(x.name).toLowerCase() === want.toLowerCase();
    // Prefer the matches CSV in the same directory, then one of that name anywhere among the inputs.
    const companion = inputs.find((x) => same(x) && dirOf(x.name) === dirOf(f.name)) ?? inputs.find(same);
    if (!companion) throw new ConvertError(`needs ${want} (player names) beside it`);
    return convertTennisPoints(text(f), parseMatchesCsv(text(companion)));
  }
  if (lower.endsWith('.cast')) return [convertAsciicast(text(f), { fileName: name, keepInput: opts.keepInput ?? false })];
  if (lower.endsWith('.ttyrec')) {
    const bytes = typeof f.content === 'string' ? Buffer.from(f.content, 'latin1') : f.content;
    return [convertTtyrec(bytes, { fileName: name })];
  }
  if (lower.endsWith('.json')) {
    const body = text(f);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ConvertError('not valid JSON');
    }
    const p = parsed as { meta?: { data_version?: unknown }; innings?: unknown };
    if (p?.meta?.data_version === undefined || !Array.isArray(p.innings)) {
      throw new ConvertError('a .json input must be a cricsheet match (meta.data_version and innings)');
    }
    return [convertCricsheet(body, { fileName: name, ...(opts.ballSpacingMs ? { ballSpacingMs: opts.ballSpacingMs } : {}) })];
  }
  if (lower.endsWith('.pgn')) {
    return convertPgn(text(f), { fileName: name, ...(opts.moveSpacingMs !== undefined ? { moveSpacingMs: opts.moveSpacingMs } : {}) });
  }
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) {
    const body = text(f);
    const first = body.split('\n').find((l) => l.trim() !== '') ?? '';
    if (/^\s*\{\s*"format"\s*:\s*"matchcast\//.test(first)) return [parseRecording(body)];
    return [convertJsonl(body, { ...opts.jsonl, fileName: name })];
  }
  throw new ConvertError('no converter for this file (expected *-points.csv, .cast, .ttyrec, cricsheet .json, .jsonl, .pgn)');
}
