import { readFileSync } from 'fs';
import { join } from 'path';
import { ConvertError } from '../../convert/errors';
import { convertJsonl } from '../../convert/jsonl';
import { parseRecording, serializeRecording } from '../../protocol/recording';
import { thrown } from '../support/throws';

const broken = (f: string) => readFileSync(join(__dirname, '../fixtures/broken', f), 'utf8');

/** Real events to feed the generic converter: the asciinema welcome cast's 1,520 output events. */
const WELCOME = readFileSync(join(__dirname, '../../samples/terminal/asciinema-welcome.cast'), 'utf8')
  .split('\n')
  .slice(1)
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as [number, string, string]);

const errorOf = (fn: () => unknown): ConvertError => thrown(fn, ConvertError);

describe('convertJsonl', () => {
  it('seconds with a "time" field and an "event" type: auto-detected fields, times relative to the first line', () => {
    const text = WELCOME.map(([time, event, data]) => JSON.stringify({ time, event, data, extra: 1 })).join('\n') + '\n';
    const { header, frames } = convertJsonl(text, { fileName: 'welcome-events.jsonl', timeUnit: 's', kind: 'terminal' });
    expect(frames.length).toBe(1520);
    expect(header).toMatchObject({
      gameId: 'welcome-events',
      kind: 'terminal',
      title: 'welcome-events',
      frameCount: 1520,
      meta: { sourceFormat: 'jsonl', timeField: 'time', typeField: 'event', timeUnit: 's', firstTime: WELCOME[0][0] },
    });
    const t0 = WELCOME[0][0];
    frames.forEach((f, i) => {
      expect(f).toEqual({ seq: i, t: Math.round((WELCOME[i][0] - t0) * 1000), type: 'o', data: { data: WELCOME[i][2], extra: 1 } });
    });
    expect(header.durationMs).toBe(frames[1519].t);
    expect(parseRecording(serializeRecording(header, frames)).frames).toEqual(frames);
  });

  it('absolute epoch times in µs under "ts"; ISO dates; numeric strings; explicit fields', () => {
    const epochUs = 1_700_000_000_000_000;
    const us = WELCOME.slice(0, 50).map(([time, , data]) => JSON.stringify({ ts: epochUs + Math.round(time * 1e6), type: 'out', data }));
    const a = convertJsonl(us.join('\n'), { gameId: 'us', timeUnit: 'us' });
    expect(a.frames[0].t).toBe(0);
    expect(a.frames[49].t).toBe(Math.round((WELCOME[49][0] - WELCOME[0][0]) * 1000));
    expect(a.header.meta.timeField).toBe('ts');

    const iso = ['{"at":"2024-05-01T10:00:00.000Z","kind":"start"}', '{"at":"2024-05-01T10:00:02.500Z","kind":"goal","team":"A"}', '{"at":"2024-05-01T10:01:00Z"}'];
    const b = convertJsonl(iso.join('\r\n'), { gameId: 'iso', timeField: 'at', typeField: 'kind', defaultType: 'note', participants: ['A', 'B'] });
    expect(b.frames).toEqual([
      { seq: 0, t: 0, type: 'start', data: {} },
      { seq: 1, t: 2500, type: 'goal', data: { team: 'A' } },
      { seq: 2, t: 60000, type: 'note', data: {} },
    ]);
    expect(b.header).toMatchObject({ kind: 'generic', participants: ['A', 'B'], durationMs: 60000 });

    const c = convertJsonl('{"t":"10","type":1}\n\n{"t":"12.6","type":2}\n', { gameId: 'num' });
    expect(c.frames.map((f) => [f.t, f.type])).toEqual([
      [0, '1'],
      [3, '2'],
    ]);
  });

  it('time going backwards names the line and both values (the file’s own unit)', () => {
    const e = errorOf(() => convertJsonl(broken('time-backwards.jsonl'), { fileName: 'b.jsonl' }));
    expect(e.line).toBe(4);
    expect(e.message).toBe('line 4: time went backwards (3200 < 4100)');
  });

  it('a truncated line names it', () => {
    const e = errorOf(() => convertJsonl(broken('truncated-line.jsonl'), { fileName: 'b.jsonl' }));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^line 3: not valid JSON/);
  });

  it('refuses matchcast/1 input, missing times, non-objects, oversized frames, empty files', () => {
    const mc = serializeRecording(
      { format: 'matchcast/1', gameId: 'g', kind: 'generic', title: 'g', participants: [], durationMs: 0, frameCount: 1, meta: {} },
      [{ seq: 0, t: 0, type: 'x', data: null }],
    );
    expect(errorOf(() => convertJsonl(mc, { gameId: 'g' })).message).toMatch(/^line 1: this file is already matchcast\/1/);
    expect(errorOf(() => convertJsonl('{"when":1}', { gameId: 'g' })).message).toBe('line 1: no time field: none of t, time, ts (set options.timeField)');
    expect(errorOf(() => convertJsonl('{"t":1}\n{"x":2}', { gameId: 'g' })).message).toBe('line 2: missing time field "t"');
    expect(errorOf(() => convertJsonl('{"t":1}\n[2]', { gameId: 'g' })).message).toBe('line 2: expected a JSON object');
    expect(errorOf(() => convertJsonl('{"t":"soon"}', { gameId: 'g' })).message).toMatch(/^line 1: "t" must be a number \(ms\)/);
    const e = errorOf(() => convertJsonl(`{"t":1}\n${JSON.stringify({ t: 2, blob: 'x'.repeat(40_000) })}`, { gameId: 'g' }));
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/over the 32768-byte limit/);
    expect(errorOf(() => convertJsonl('\n\n', { gameId: 'g' })).message).toMatch(/no lines/);
    expect(errorOf(() => convertJsonl('{"t":1}', { gameId: 'g', timeUnit: 'min' as never })).message).toMatch(/timeUnit/);
  });
});
