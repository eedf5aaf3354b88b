/**
 * The converter registry: every input format `npm run ingest` and local mode's sample loader
 * read, as one list. Each kind names its converters beside it (kinds/<kind>/convert.ts);
 * adding a kind's converter = its file + one entry in {@link CONVERTERS}. convert/index.ts
 * dispatches over this list, and the ingest help and `isConvertible` list file names from it.
 *
 * Kept apart from the kind registry (kinds/index.ts), which the Lambda functions import: the
 * converters (csv-parse, the PGN reader, the ttyrec decoder) must not be bundled into them.
 * Nothing under lambda/ imports this file.
 */
import type { Converter } from '../convert/converter';
import { inputText } from '../convert/converter';
import { parseRecording } from '../protocol/recording';
import { chessConverters } from './chess/convert';
import { cricketConverters } from './cricket/convert';
import { genericConverters } from './generic/convert';
import { tennisConverters } from './tennis/convert';
import { terminalConverters } from './terminal/convert';

export type { Converter, ConvertInput, ConvertOptions, InputFile } from '../convert/converter';

/** A JSON Lines file whose first line is a matchcast/1 header. */
const MATCHCAST_HEADER = /^\s*\{\s*"format"\s*:\s*"matchcast\//;

/**
 * A `*.jsonl` / `*.ndjson` already in matchcast/1 (of any kind): validated as it is
 * (protocol/recording.ts `parseRecording`). Tried before the generic JSONL converter.
 */
export const matchcastConverter: Converter = {
  kind: '*',
  format: 'a recording already in matchcast/1 (validated as it is)',
  patterns: ['*.jsonl', '*.ndjson'],
  accepts: (name) => name.endsWith('.jsonl') || name.endsWith('.ndjson'),
  claims: (file) => MATCHCAST_HEADER.test(inputText(file).split('\n').find((l) => l.trim() !== '') ?? ''),
  convert: ({ file }) => [parseRecording(inputText(file))],
};

/** Every converter, in dispatch order (the first that accepts a file converts it). */
export const CONVERTERS: readonly Converter[] = [
  ...tennisConverters,
  ...terminalConverters,
  ...cricketConverters,
  ...chessConverters,
  matchcastConverter,
  ...genericConverters,
];

/** The converter for a file (its base name lower-cased, and its content for sniffing), or undefined. */
export function converterFor(lowerBaseName: string, file?: { name: string; content: Buffer | string }): Converter | undefined {
  return CONVERTERS.find((c) => c.accepts(lowerBaseName) && (!c.claims || !file || c.claims(file)));
}

/**
 * The input file names the registry reads, for help and error messages, without companions
 * and duplicates, in dispatch order: `['*-points.csv', '*.cast', '*.ttyrec', '*.json', '*.pgn', '*.jsonl', '*.ndjson']`.
 */
export function inputPatterns(): string[] {
  return [...new Set(CONVERTERS.filter((c) => !c.companion).flatMap((c) => c.patterns))];
}
