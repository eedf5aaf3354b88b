/**
 * What a converter is, for the converter registry (kinds/converters.ts): the file names it
 * reads, the kind of the recordings it makes, and the function that makes them. Each kind
 * names its own converters beside it (kinds/<kind>/convert.ts); convert/index.ts dispatches
 * over the registry's list, and `npm run ingest`'s help and {@link isConvertible} list the
 * file names from it. Types only, and pure.
 */
import type { ConvertedRecording } from './errors';
import type { JsonlOptions } from './jsonl';

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
  /**
   * Where the recordings come from and under which licence, in plain words (e.g. "Lichess
   * game swlhTnEl, CC0"): stored as every recording's `meta.source`, replacing what a converter
   * derives. The tennis converter otherwise names Jeff Sackmann's tennis_slam_pointbypoint, the
   * published home of its column layout, which a CSV in that layout from elsewhere is not.
   * 1–{@link MAX_SOURCE_LENGTH} characters, no control characters; else a ConvertError.
   */
  source?: string;
}

/** Most characters of {@link ConvertOptions.source}. */
export const MAX_SOURCE_LENGTH = 300;

/** What a converter is given: the file, its base name, every input (for companions), the options. */
export interface ConvertInput {
  file: InputFile;
  /** The file's base name (no directory), as given (not lower-cased). */
  name: string;
  /** Every input of this run, in order (a points CSV finds its matches CSV among them). */
  inputs: readonly InputFile[];
  opts: ConvertOptions;
}

/**
 * One converter. The registry tries converters in order; the first whose {@link accepts}
 * holds for a file's base name (and whose {@link claims}, when it has one, holds for its
 * content) converts it.
 *
 * - `kind`: the kind (kinds/index.ts) of the recordings it makes; `'*'` when the file says
 *   (a recording already in matchcast/1).
 * - `patterns`: the file names it reads, for people (`*-points.csv`, `*.cast`).
 * - `companion`: the file is read only beside another input (a tennis `*-matches.csv`) and
 *   gives no recording of its own; it is convertible (ingest takes it) but not listed as an
 *   input format.
 * - `convert` throws ConvertError (convert/errors.ts) for bad input.
 */
export interface Converter {
  readonly kind: string;
  /** What it reads, one line for people: "Grand Slam point-by-point CSV (tennis_slam_pointbypoint)". */
  readonly format: string;
  readonly patterns: readonly string[];
  readonly companion?: boolean;
  accepts(lowerBaseName: string): boolean;
  claims?(file: InputFile): boolean;
  convert(input: ConvertInput): ConvertedRecording[];
}

/** The file's content as UTF-8 text. */
export function inputText(f: InputFile): string {
  return typeof f.content === 'string' ? f.content : f.content.toString('utf8');
}

/** The base name of a path (`/` or `\` separated). */
export function inputBaseName(name: string): string {
  return name.split(/[\\/]/).pop() ?? name;
}
