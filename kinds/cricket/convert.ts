/**
 * The cricket kind's converter: a Cricsheet match in its JSON format
 * (cricsheet.org/format/json: `meta.data_version` and `innings`). The conversion itself is
 * convert/cricket.ts.
 */
import { ConvertError } from '../../convert/errors';
import { type Converter, inputText } from '../../convert/converter';
import { convertCricsheet } from '../../convert/cricket';

export { convertCricsheet, CRICSHEET_ATTRIBUTION } from '../../convert/cricket';

/** `*.json` holding a Cricsheet match; any other JSON is refused with what was expected. */
export const cricsheetConverter: Converter = {
  kind: 'cricket',
  format: 'Cricsheet match JSON (cricsheet.org/format/json)',
  patterns: ['*.json'],
  accepts: (name) => name.endsWith('.json'),
  convert: ({ file, name, opts }) => {
    const body = inputText(file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ConvertError('not valid JSON');
    }
    const p = parsed as { meta?: { data_version?: unknown }; innings?: unknown } | null;
    if (p?.meta?.data_version === undefined || !Array.isArray(p.innings)) {
      throw new ConvertError('a .json input must be a cricsheet match (meta.data_version and innings)');
    }
    return [convertCricsheet(body, { fileName: name, ...(opts.ballSpacingMs ? { ballSpacingMs: opts.ballSpacingMs } : {}) })];
  },
};

/** The cricket kind's converters, in dispatch order. */
export const cricketConverters: readonly Converter[] = [cricsheetConverter];
