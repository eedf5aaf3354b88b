import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConvertError, convertFiles, isConvertible } from '../../convert';
import { serializeRecording } from '../../protocol/recording';
import { thrown } from '../support/throws';

const root = join(__dirname, '../..');
const sample = (name: string) => ({ name: `samples/tennis/${name}`, content: readFileSync(join(root, 'samples/tennis', name)) });
const wimbledon = () => [sample('2012-wimbledon-points.csv'), sample('2012-wimbledon-matches.csv')];

const failure = (fn: () => unknown): ConvertError => thrown(fn, ConvertError);

describe('convertFiles (the ingest dispatcher)', () => {
  it('converts a points CSV with its matches CSV, which gives no recording of its own', () => {
    const recs = convertFiles(wimbledon());
    expect(recs.map((r) => r.header.gameId)).toEqual(['2012-wimbledon-1701']);
    // Order of the inputs does not matter.
    expect(convertFiles(wimbledon().reverse()).map((r) => r.header.gameId)).toEqual(['2012-wimbledon-1701']);
  });

  it('names the matches CSV it needs when it is not among the inputs', () => {
    expect(failure(() => convertFiles([sample('2012-wimbledon-points.csv')])).message).toBe(
      'samples/tennis/2012-wimbledon-points.csv: needs 2012-wimbledon-matches.csv (player names) beside it',
    );
  });

  it('stores --source as every recording\'s meta.source, trimmed; without it a points CSV names Sackmann\'s files', () => {
    const cast = { name: 'demo.cast', content: '{"version":2,"width":80,"height":24}\n[0.5,"o","hi"]\n' };
    expect(convertFiles(wimbledon())[0]!.header.meta.source).toMatch(/^Jeff Sackmann .*CC BY-NC-SA 4\.0/);
    const recs = convertFiles([...wimbledon(), cast], { source: '  club archive, CC BY 4.0 ' });
    expect(recs.map((r) => r.header.meta.source)).toEqual(['club archive, CC BY 4.0', 'club archive, CC BY 4.0']);
    // the rest of the header is the converter's
    expect(recs[0]!.header.meta).toMatchObject({ slam: 'wimbledon', year: 2012 });
  });

  it('refuses an empty, overlong or multi-line --source before converting anything', () => {
    expect(failure(() => convertFiles(wimbledon(), { source: '  ' })).message).toBe('the source (--source) is empty: say where the recordings come from and their licence');
    expect(failure(() => convertFiles(wimbledon(), { source: 'x'.repeat(301) })).message).toBe('the source (--source) is 301 characters long; at most 300');
    expect(failure(() => convertFiles(wimbledon(), { source: 'a\nb' })).message).toMatch(/control character/);
  });

  it('prefers the matches CSV in the same directory', () => {
    const wrong = { name: 'other/2012-wimbledon-matches.csv', content: 'match_id,player1,player2\n2012-wimbledon-1701,X,Y\n' };
    const [r] = convertFiles([wrong, ...wimbledon()]);
    expect(r!.header.participants).toEqual(['Roger Federer', 'Andy Murray']);
  });

  it('validates a .jsonl already in matchcast/1 and passes it through', () => {
    const [w] = convertFiles(wimbledon());
    const text = serializeRecording(w!.header, w!.frames);
    const [r] = convertFiles([{ name: 'x/federer.jsonl', content: Buffer.from(text) }]);
    expect(r).toEqual(w);
    const broken = text.replace('"seq":5,', '"seq":6,');
    expect(failure(() => convertFiles([{ name: 'federer.jsonl', content: broken }])).message).toMatch(/^federer\.jsonl: line 7: seq 6 where 5 was expected/);
  });

  it('refuses an unknown extension with a clear message', () => {
    expect(isConvertible('notes.txt')).toBe(false);
    expect(failure(() => convertFiles([{ name: 'notes.txt', content: 'hi' }])).message).toMatch(/^notes\.txt: no converter for this file \(expected \*-points\.csv/);
  });

  it('refuses two inputs that produce the same gameId', () => {
    const [w] = convertFiles(wimbledon());
    const text = serializeRecording(w!.header, w!.frames);
    expect(failure(() => convertFiles([...wimbledon(), { name: 'copy.jsonl', content: text }])).message).toBe(
      'copy.jsonl: gameId 2012-wimbledon-1701 is also produced by samples/tennis/2012-wimbledon-points.csv',
    );
  });

  it('keeps only the requested gameIds, and names one no input produced', () => {
    const fo = (n: string) => ({ name: n, content: readFileSync(join(root, 'test/fixtures/tennis', n)) });
    const inputs = [fo('2012-frenchopen-points.csv'), fo('2012-frenchopen-matches.csv'), ...wimbledon()];
    const recs = convertFiles(inputs, { gameIds: ['2012-frenchopen-1701', '2012-wimbledon-1701'] });
    expect(recs.map((r) => r.header.title)).toEqual([
      "French Open 2012 men's final: Novak Djokovic v Rafael Nadal",
      "Wimbledon 2012 men's final: Roger Federer v Andy Murray",
    ]);
    // Nadal won the 2012 French Open final 6-4 6-3 2-6 7-5.
    expect((recs[0]!.frames.at(-1)!.data as { setsWon: number[] }).setsWon).toEqual([1, 3]);
    expect(failure(() => convertFiles(wimbledon(), { gameIds: ['nope'] })).message).toBe('no input produced gameId nope');
  });
});
