/**
 * The converter registry (kinds/converters.ts): every kind's converters in one list, which
 * convert/index.ts dispatches over and the ingest help lists; and the Lambda bundles never
 * import it (the converters' dependencies stay out of them).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KINDS } from '../../kinds';
import { CONVERTERS, converterFor, inputPatterns } from '../../kinds/converters';
import { convertFiles, isConvertible } from '../../convert';
import { INGEST_HELP } from '../../scripts/ingest';

const ROOT = join(__dirname, '..', '..');

test('each converter makes recordings of a known kind, and every kind has a converter', () => {
  const kinds = new Set(KINDS.map((k) => k.kind));
  for (const c of CONVERTERS) if (c.kind !== '*') expect(kinds.has(c.kind)).toBe(true);
  expect(new Set(CONVERTERS.map((c) => c.kind))).toEqual(new Set([...kinds, '*']));
});

test('dispatch by file name (and a matchcast/1 header for JSON Lines)', () => {
  expect(converterFor('2012-wimbledon-points.csv')?.kind).toBe('tennis');
  expect(converterFor('2012-wimbledon-matches.csv')?.companion).toBe(true);
  expect(converterFor('x.cast')?.kind).toBe('terminal');
  expect(converterFor('x.ttyrec')?.kind).toBe('terminal');
  expect(converterFor('x.json')?.kind).toBe('cricket');
  expect(converterFor('x.pgn')?.kind).toBe('chess');
  expect(converterFor('x.jsonl', { name: 'x.jsonl', content: '{"format":"matchcast/1","gameId":"g"}\n' })?.kind).toBe('*');
  expect(converterFor('x.ndjson', { name: 'x.ndjson', content: '{"t":0,"type":"a"}\n' })?.kind).toBe('generic');
  expect(converterFor('notes.txt')).toBeUndefined();
  expect(['a-points.csv', 'a-matches.csv', 'A.CAST', 'dir/b.pgn', 'c.ndjson'].every(isConvertible)).toBe(true);
  expect(isConvertible('points.csv')).toBe(false);
});

test('the file names come from the registry: ingest help and the refusal of an unknown file', () => {
  expect(inputPatterns()).toEqual(['*-points.csv', '*-points.csv.gz', '*.cast', '*.ttyrec', '*.json', '*.pgn', '*.jsonl', '*.ndjson']);
  for (const c of CONVERTERS.filter((x) => !x.companion)) expect(INGEST_HELP).toContain(`${c.patterns.join(', ')}`.padEnd(17) + ` ${c.format}`);
  expect(() => convertFiles([{ name: 'notes.txt', content: 'hi' }])).toThrow(`notes.txt: no converter for this file (expected ${inputPatterns().join(', ')})`);
});

test('no file under lambda/ imports the converter registry, a kind\'s converters or convert/', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
  const offenders = files(join(ROOT, 'lambda')).filter((f) => /from\s+['"][./]*(kinds\/converters|kinds\/\w+\/(convert|watch)|kinds\/watch|convert\/)/.test(readFileSync(f, 'utf8')));
  expect(offenders).toEqual([]);
});
