/**
 * The tennis kind's converters: Grand Slam point-by-point CSVs (Jeff Sackmann / Tennis
 * Abstract, tennis_slam_pointbypoint): an event's `*-points.csv` (or `*-points.csv.gz`), read with the
 * `*-matches.csv` of the same event (it holds the players). The conversion itself is
 * convert/tennis.ts. One recording per match.
 */
import { ConvertError } from '../../convert/errors';
import { type Converter, type InputFile, inputBaseName, inputText } from '../../convert/converter';
import { csvText } from '../../convert/csv';
import { convertTennisPoints, parseMatchesCsv } from '../../convert/tennis';

export { convertTennisPoints, parseMatchesCsv, TENNIS_ATTRIBUTION } from '../../convert/tennis';

/** A points CSV, plain or gzipped (`*-points.csv.gz`, read with node:zlib). */
const POINTS = /-points\.csv(\.gz)?$/i;
const MATCHES = /-matches\.csv$/i;
const dirOf = (name: string) => name.slice(0, name.length - inputBaseName(name).length);

/** `*-points.csv` (or `*-points.csv.gz`), with its `*-matches.csv` (same directory first, else any input of that name). */
export const tennisPointsConverter: Converter = {
  kind: 'tennis',
  format: 'tennis point by point (its *-matches.csv beside it is read too)',
  patterns: ['*-points.csv', '*-points.csv.gz'],
  accepts: (name) => POINTS.test(name),
  convert: ({ file, name, inputs }) => {
    const want = name.replace(POINTS, '-matches.csv');
    const same = (x: InputFile) => inputBaseName(x.name).toLowerCase() === want.toLowerCase();
    // Prefer the matches CSV in the same directory, then one of that name anywhere among the inputs.
    const companion = inputs.find((x) => same(x) && dirOf(x.name) === dirOf(file.name)) ?? inputs.find(same);
    if (!companion) throw new ConvertError(`needs ${want} (player names) beside it`);
    return convertTennisPoints(csvText(file.content), parseMatchesCsv(inputText(companion)));
  },
};

/** `*-matches.csv`: only read as the companion of its points CSV (no recording of its own). */
export const tennisMatchesConverter: Converter = {
  kind: 'tennis',
  format: 'the players of a points CSV',
  patterns: ['*-matches.csv'],
  companion: true,
  accepts: (name) => MATCHES.test(name),
  convert: () => [],
};

/** The tennis kind's converters, in dispatch order. */
export const tennisConverters: readonly Converter[] = [tennisPointsConverter, tennisMatchesConverter];
