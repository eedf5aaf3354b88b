/**
 * The ingest dispatcher: turns input files into matchcast/1 recordings by their names and
 * contents. Used by `npm run ingest` and by local mode's sample loader. Pure (files come in
 * as bytes).
 *
 * Which converter reads a file is the converter registry's (kinds/converters.ts
 * `CONVERTERS`): each kind names its converters in kinds/<kind>/convert.ts; the first that
 * accepts a file's base name (and, for a `.jsonl` already in matchcast/1, its first line)
 * converts it. Today:
 *
 * | input | converter |
 * | --- | --- |
 * | `*-points.csv` (+ the `*-matches.csv` of the same event among the inputs) | tennis point-by-point |
 * | `*.cast` | asciicast v2/v3 |
 * | `*.ttyrec` | ttyrec |
 * | `*.json` with cricsheet's `meta.data_version` and `innings` | cricsheet |
 * | `*.pgn` | chess PGN, one recording per game (kinds/chess/convert.ts) |
 * | `*.jsonl` / `*.ndjson` starting with a matchcast/1 header | validated as is |
 * | other `*.jsonl` / `*.ndjson` | generic JSONL with a time field |
 */
import { CONVERTERS, converterFor, inputPatterns } from '../kinds/converters';
import { type ConvertOptions, type InputFile, inputBaseName, MAX_SOURCE_LENGTH } from './converter';
import { ConvertError, type ConvertedRecording } from './errors';

export { ConvertError, type ConvertedRecording };
export type { ConvertOptions, Converter, InputFile } from './converter';
export { MAX_SOURCE_LENGTH };
export { CONVERTERS, inputPatterns };

/** True for a file a converter handles (a matches CSV is a companion: true too). */
export function isConvertible(name: string): boolean {
  return converterFor(inputBaseName(name).toLowerCase()) !== undefined;
}

/**
 * Convert every input, in input order. A companion (a tennis `*-matches.csv`) is only read
 * beside the file that needs it. Throws ConvertError with the file name in front of the
 * converter's message (`2013-usopen-points.csv: line 12: …`), for a file no converter
 * handles, for a points CSV without its matches CSV, when two inputs produce the same gameId
 * (they would overwrite each other's object), for a `gameIds` entry no input produced, and
 * for a `source` that is empty (once trimmed), longer than {@link MAX_SOURCE_LENGTH} or holds control
 * characters (before reading any input). With `source`, every recording's `meta.source` is it.
 */
export function convertFiles(inputs: readonly InputFile[], opts: ConvertOptions = {}): ConvertedRecording[] {
  const source = opts.source === undefined ? undefined : checkedSource(opts.source);
  const out: ConvertedRecording[] = [];
  const from = new Map<string, string>();
  const keep = opts.gameIds ? new Set(opts.gameIds) : undefined;
  for (const f of inputs) {
    const name = inputBaseName(f.name);
    let recs: ConvertedRecording[];
    try {
      const converter = converterFor(name.toLowerCase(), f);
      if (!converter) throw new ConvertError(`no converter for this file (expected ${inputPatterns().join(', ')})`);
      recs = converter.convert({ file: f, name, inputs, opts });
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
      out.push(source === undefined ? r : { ...r, header: { ...r.header, meta: { ...r.header.meta, source } } });
    }
  }
  const missing = opts.gameIds?.filter((id) => !from.has(id)) ?? [];
  if (missing.length > 0) throw new ConvertError(`no input produced gameId ${missing.join(', ')}`);
  return out;
}

/**
 * `source` trimmed; throws ConvertError unless that is 1–{@link MAX_SOURCE_LENGTH} characters
 * without control characters.
 */
function checkedSource(source: string): string {
  const s = source.trim();
  if (s === '') throw new ConvertError('the source (--source) is empty: say where the recordings come from and their licence');
  if (s.length > MAX_SOURCE_LENGTH) throw new ConvertError(`the source (--source) is ${s.length} characters long; at most ${MAX_SOURCE_LENGTH}`);
  if (/[\u0000-\u001f\u007f]/.test(s)) throw new ConvertError('the source (--source) holds a control character (a line break, a tab…): one plain line');
  return s;
}
