/**
 * The generic kind's converter: an engine's own JSON Lines log (`*.jsonl`, `*.ndjson`, one
 * JSON object per line with a time field). The conversion itself is convert/jsonl.ts.
 */
import { type Converter, inputText } from '../../convert/converter';
import { convertJsonl } from '../../convert/jsonl';

export { convertJsonl } from '../../convert/jsonl';

/** `*.jsonl` / `*.ndjson` (after the registry's matchcast/1 pass-through declined it). */
export const jsonlConverter: Converter = {
  kind: 'generic',
  format: 'JSON Lines event log with a time field',
  patterns: ['*.jsonl', '*.ndjson'],
  accepts: (name) => name.endsWith('.jsonl') || name.endsWith('.ndjson'),
  convert: ({ file, name, opts }) => [convertJsonl(inputText(file), { ...opts.jsonl, fileName: name })],
};

/** The generic kind's converters, in dispatch order. */
export const genericConverters: readonly Converter[] = [jsonlConverter];
