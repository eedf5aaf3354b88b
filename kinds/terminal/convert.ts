/**
 * The terminal kind's converters: asciicast v2/v3 (`*.cast`, docs.asciinema.org "asciicast
 * file format") and ttyrec (`*.ttyrec`). The conversions themselves are convert/asciicast.ts
 * and convert/ttyrec.ts.
 */
import { type Converter, inputText } from '../../convert/converter';
import { convertAsciicast } from '../../convert/asciicast';
import { convertTtyrec } from '../../convert/ttyrec';

export { convertAsciicast } from '../../convert/asciicast';
export { convertTtyrec } from '../../convert/ttyrec';

/** `*.cast`: input (`i`) events are dropped unless `keepInput` (they can hold secrets). */
export const asciicastConverter: Converter = {
  kind: 'terminal',
  format: 'asciicast v2/v3 terminal recording',
  patterns: ['*.cast'],
  accepts: (name) => name.endsWith('.cast'),
  convert: ({ file, name, opts }) => [convertAsciicast(inputText(file), { fileName: name, keepInput: opts.keepInput ?? false })],
};

/** `*.ttyrec`: binary; a string content is taken as Latin-1 bytes. */
export const ttyrecConverter: Converter = {
  kind: 'terminal',
  format: 'ttyrec terminal recording',
  patterns: ['*.ttyrec'],
  accepts: (name) => name.endsWith('.ttyrec'),
  convert: ({ file, name }) => [convertTtyrec(typeof file.content === 'string' ? Buffer.from(file.content, 'latin1') : file.content, { fileName: name })],
};

/** The terminal kind's converters, in dispatch order. */
export const terminalConverters: readonly Converter[] = [asciicastConverter, ttyrecConverter];
