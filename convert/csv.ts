/**
 * CSV reading for the converters, by csv-parse (RFC 4180: commas, double-quoted fields with
 * `""` escapes and embedded line breaks, `\n` or `\r\n` line ends). Empty lines are skipped.
 *
 * Every row must have as many columns as the header (the first row): a row with fewer or
 * more is a {@link ConvertError} naming its line — a truncated or damaged file is refused
 * rather than read as short rows. Malformed quoting is refused the same way.
 */
import { gunzipSync } from 'node:zlib';
import { CsvError, parse } from 'csv-parse/sync';
import { ConvertError } from './errors';

/** True when `bytes` open with the gzip magic number (RFC 1952: 0x1f 0x8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The text of a CSV file's bytes, UTF-8: gunzipped first (node:zlib) when they are gzip
 * (`*.csv.gz`, told by the magic number, not the name). A string is returned as it is.
 *
 * @throws ConvertError for gzip bytes that do not decompress (truncated or damaged).
 */
export function csvText(content: string | Uint8Array): string {
  if (typeof content === 'string') return content;
  const buf = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  if (!isGzip(buf)) return buf.toString('utf8');
  try {
    return gunzipSync(buf).toString('utf8');
  } catch (e) {
    throw new ConvertError(`not a readable gzip file (${(e as Error).message})`);
  }
}

/** One CSV row: its fields (untrimmed) and the 1-based line it starts on. */
export interface CsvRow {
  fields: string[];
  line: number;
}

/** The number of line breaks in `s`. */
const breaks = (s: string) => s.match(/\r\n|\r|\n/g)?.length ?? 0;

/**
 * Parse `text` into rows, the header first. Returns `[]` for text without rows.
 *
 * @throws ConvertError `line N: …` when a row's column count differs from the header's, or
 *   for a quote csv-parse cannot read (unclosed, or opening inside a field).
 */
export function readCsv(text: string): CsvRow[] {
  let records: Array<{ record: string[]; info: { lines: number }; raw: string }>;
  try {
    records = parse(text, { info: true, raw: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const err = e as CsvError & { lines?: number; record?: unknown[] };
    const line = typeof err.lines === 'number' ? err.lines : 1;
    if (err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      const m = /expect (\d+), got (\d+)/.exec(err.message);
      throw ConvertError.atLine(line, `row has ${m?.[2] ?? err.record?.length ?? '?'} column(s), the header has ${m?.[1] ?? '?'}: a truncated or damaged row`);
    }
    throw ConvertError.atLine(line, `not valid CSV (${err.message.replace(/ (at|on) line \d+/, '')})`);
  }
  // info.lines is the line a record ends on; a record with quoted line breaks starts earlier.
  return records.map(({ record, info, raw }) => ({ fields: record, line: info.lines - breaks(raw.replace(/^[\r\n]+|[\r\n]+$/g, '')) }));
}

/** The rows' fields only (header first), for callers that need no line numbers. See {@link readCsv}. */
export function parseCsv(text: string): string[][] {
  return readCsv(text).map((r) => r.fields);
}
