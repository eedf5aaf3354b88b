import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { convertAsciicast } from '../../convert/asciicast';
import { ConvertError, MAX_FRAME_LINE_BYTES, frameLineBytes } from '../../convert/errors';
import { parseRecording, serializeRecording } from '../../protocol/recording';
import { thrown } from '../support/throws';

const SAMPLES = join(__dirname, '../../samples/terminal');
const FIXTURES = join(__dirname, '../fixtures');
const sample = (f: string) => readFileSync(join(SAMPLES, f), 'utf8');
const CASTS = readdirSync(SAMPLES).filter((f) => f.endsWith('.cast')).sort();

/** The cast read independently of the converter: header and events. */
function rawCast(text: string): { header: Record<string, unknown>; events: [number, string, string][] } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return { header: JSON.parse(lines[0]), events: lines.slice(1).map((l) => JSON.parse(l)) };
}

const errorOf = (fn: () => unknown): ConvertError => thrown(fn, ConvertError);

describe('convertAsciicast on every real sample', () => {
  it('has the four samples', () => {
    expect(CASTS).toEqual(['asciinema-demo-vim.cast', 'asciinema-welcome.cast', 'edgemax-openwrt-flash.cast', 'rps-rs-demo.cast']);
  });

  it.each(CASTS)('%s: valid matchcast/1 keeping all output, size and order', (file) => {
    const text = sample(file);
    const raw = rawCast(text);
    const { header, frames } = convertAsciicast(text, { fileName: `samples/terminal/${file}` });

    // Round-trips through the format's own validator.
    const back = parseRecording(serializeRecording(header, frames));
    expect(back.frames).toEqual(frames);
    expect(back.header).toEqual(header);

    expect(header.gameId).toBe(file.replace(/\.cast$/, ''));
    expect(header.kind).toBe('terminal');
    expect(header.meta.cols).toBe(raw.header.width);
    expect(header.meta.rows).toBe(raw.header.height);
    expect(header.meta.sourceFormat).toBe('asciicast v2');
    expect(header.frameCount).toBe(frames.length);
    expect(header.durationMs).toBe(frames[frames.length - 1].t);
    frames.forEach((f, i) => {
      expect(f.seq).toBe(i);
      expect(Number.isInteger(f.t)).toBe(true);
      if (i > 0) expect(f.t).toBeGreaterThanOrEqual(frames[i - 1].t);
      expect(frameLineBytes(f)).toBeLessThanOrEqual(MAX_FRAME_LINE_BYTES);
    });
    // Every output byte survives, in order.
    const outRaw = raw.events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    const outConv = frames.filter((f) => f.type === 'o').map((f) => f.data).join('');
    expect(outConv).toBe(outRaw);
    // Input is dropped by default.
    expect(frames.some((f) => f.type === 'i')).toBe(false);
    expect(header.meta.droppedInputEvents).toBe(raw.events.filter((e) => e[1] === 'i').length);
  });

  it('asciinema-demo-vim: idle_time_limit 2.0 caps its 4.2 s gap', () => {
    const text = sample('asciinema-demo-vim.cast');
    const raw = rawCast(text);
    expect(raw.header.idle_time_limit).toBe(2);
    const gaps = raw.events.map((e, i) => e[0] - (i === 0 ? 0 : raw.events[i - 1][0]));
    expect(Math.max(...gaps)).toBeCloseTo(4.2, 1);

    const capped = convertAsciicast(text, { fileName: 'asciinema-demo-vim.cast' });
    expect(capped.header.meta.idleTimeLimitS).toBe(2);
    // With every event kept, no gap between frames exceeds the limit (±1 ms rounding).
    const all = convertAsciicast(text, { fileName: 'x.cast', keepInput: true }).frames;
    const frameGaps = all.map((f, i) => f.t - (i === 0 ? 0 : all[i - 1].t));
    expect(Math.max(...frameGaps)).toBeLessThanOrEqual(2001);
    expect(Math.max(...frameGaps)).toBeGreaterThanOrEqual(1999);
    // Duration = sum of capped gaps up to the last kept (output) event.
    let lastOut = 0;
    raw.events.forEach((e, i) => {
      if (e[1] === 'o') lastOut = i;
    });
    const expected = gaps.slice(0, lastOut + 1).reduce((a, g) => a + Math.min(g, 2), 0);
    expect(Math.abs(capped.header.durationMs - expected * 1000)).toBeLessThanOrEqual(1);
    expect(capped.header.durationMs).toBeLessThan(raw.events[lastOut][0] * 1000 - 2000);

    // null: no cap; real times kept, the 4.2 s gap is back.
    const uncapped = convertAsciicast(text, { fileName: 'x.cast', idleTimeLimitS: null });
    expect(uncapped.header.durationMs).toBe(Math.round(raw.events[lastOut][0] * 1000));
    expect(uncapped.header.meta.idleTimeLimitS).toBeUndefined();
    const big = uncapped.frames.map((f, i) => f.t - (i === 0 ? 0 : uncapped.frames[i - 1].t));
    expect(Math.max(...big)).toBeGreaterThan(4000);

    // An explicit number overrides the header.
    const tight = convertAsciicast(text, { fileName: 'x.cast', idleTimeLimitS: 0.5 });
    expect(tight.header.durationMs).toBeLessThan(capped.header.durationMs);
  });

  it('asciinema-demo-vim: keepInput keeps its 9 input events as type i', () => {
    const text = sample('asciinema-demo-vim.cast');
    const inputs = rawCast(text).events.filter((e) => e[1] === 'i');
    expect(inputs.length).toBe(9);
    const { frames } = convertAsciicast(text, { fileName: 'x.cast', keepInput: true });
    expect(frames.filter((f) => f.type === 'i').map((f) => f.data)).toEqual(inputs.map((e) => e[2]));
  });

  it("asciinema-welcome: all 1,520 events' output kept; same-millisecond events merged", () => {
    const text = sample('asciinema-welcome.cast');
    const raw = rawCast(text);
    expect(raw.events.length).toBe(1520);
    expect(raw.events.every((e) => e[1] === 'o')).toBe(true);
    const { header, frames } = convertAsciicast(text, { fileName: 'asciinema-welcome.cast' });
    expect(frames.map((f) => f.data).join('')).toBe(raw.events.map((e) => e[2]).join(''));
    // Events landing on the same millisecond become one frame; no two frames share a t.
    const distinctMs = new Set(raw.events.map((e) => Math.round(e[0] * 1000)));
    expect(frames.length).toBe(distinctMs.size);
    expect(new Set(frames.map((f) => f.t)).size).toBe(frames.length);
    expect(header.durationMs).toBe(Math.round(raw.events[1519][0] * 1000));
    expect(header.durationMs / 1000).toBeCloseTo(231.1, 1);
    expect(header.meta).toMatchObject({ cols: 80, rows: 16 });
  });

  it('edgemax-openwrt-flash: no idle limit, the real 44.0 s device wait is kept', () => {
    const { header, frames } = convertAsciicast(sample('edgemax-openwrt-flash.cast'), { fileName: 'e.cast' });
    expect(header.meta).toMatchObject({ cols: 145, rows: 38 });
    const gaps = frames.map((f, i) => f.t - (i === 0 ? 0 : frames[i - 1].t));
    expect(Math.max(...gaps) / 1000).toBeCloseTo(44.0, 1);
    expect(header.durationMs / 1000).toBeCloseTo(415.0, 1);
  });

  it('rps-rs-demo: 187x45, 35.6 s', () => {
    const { header } = convertAsciicast(sample('rps-rs-demo.cast'), { fileName: 'r.cast' });
    expect(header.meta).toMatchObject({ cols: 187, rows: 45, env: { TERM: 'xterm-ghostty' } });
    expect(header.durationMs / 1000).toBeCloseTo(35.6, 1);
  });

  it('the same recording as v3 (intervals, term) converts to the same output and duration', () => {
    const text = sample('asciinema-welcome.cast');
    const raw = rawCast(text);
    const v3 = [
      JSON.stringify({ version: 3, term: { cols: 80, rows: 16 } }),
      ...raw.events.map((e, i) => JSON.stringify([+(e[0] - (i === 0 ? 0 : raw.events[i - 1][0])).toFixed(6), e[1], e[2]])),
    ].join('\n');
    const a = convertAsciicast(text, { fileName: 'a.cast' });
    const b = convertAsciicast(v3, { fileName: 'b.cast' });
    expect(b.header.meta.sourceFormat).toBe('asciicast v3');
    expect(b.frames.map((f) => f.data).join('')).toBe(a.frames.map((f) => f.data).join(''));
    expect(Math.abs(b.header.durationMs - a.header.durationMs)).toBeLessThanOrEqual(2);
  });
});

describe('convertAsciicast on the v3 fixture', () => {
  const text = readFileSync(join(FIXTURES, 'terminal/synthetic-v3.cast'), 'utf8');

  it('reads term size, title, comments, idle cap, merges same-time output, maps r/m/x', () => {
    const { header, frames } = convertAsciicast(text, { fileName: 'fixtures/synthetic-v3.cast' });
    expect(header.title).toBe('A v3 demo');
    expect(header.meta).toMatchObject({ sourceFormat: 'asciicast v3', cols: 100, rows: 30, idleTimeLimitS: 1.5, droppedInputEvents: 1 });
    expect(frames).toEqual([
      { seq: 0, t: 250, type: 'o', data: '$ ' },
      { seq: 1, t: 760, type: 'o', data: 'secret' }, // two events at the same time → one frame
      { seq: 2, t: 2260, type: 'm', data: 'after a long pause' }, // 3.0 s interval capped to 1.5
      { seq: 3, t: 2360, type: 'r', data: { cols: 120, rows: 40 } },
      { seq: 4, t: 2560, type: 'o', data: '\r\nbye\r\n' },
      { seq: 5, t: 2610, type: 'x', data: '0' },
    ]);
    expect(header.durationMs).toBe(2610);
    serializeRecording(header, frames);
  });

  it('keepInput keeps the input and does not merge it into output', () => {
    const { frames } = convertAsciicast(text, { fileName: 'v3.cast', keepInput: true });
    expect(frames.slice(0, 3).map((f) => [f.t, f.type, f.data])).toEqual([
      [250, 'o', '$ '],
      [750, 'i', 's'],
      [760, 'o', 'secret'],
    ]);
  });
});

describe('convertAsciicast limits and options', () => {
  it('splits output too big for one 32 KB frame line into frames with the same t', () => {
    const chunk = '\u001b[31m█é"\\x\u0000🎾'; // escapes, multibyte, astral
    const big = chunk.repeat(6000);
    const text = [JSON.stringify({ version: 2, width: 80, height: 24 }), JSON.stringify([1.5, 'o', big]), JSON.stringify([2, 'o', 'end'])].join('\n');
    const { header, frames } = convertAsciicast(text, { gameId: 'big' });
    const bigFrames = frames.filter((f) => f.t === 1500);
    expect(bigFrames.length).toBeGreaterThan(3);
    for (const f of frames) expect(frameLineBytes(f)).toBeLessThanOrEqual(MAX_FRAME_LINE_BYTES);
    expect(bigFrames.map((f) => f.data).join('')).toBe(big);
    // No piece ends inside a surrogate pair.
    for (const f of bigFrames) expect(/[\ud800-\udbff]$/.test(f.data as string)).toBe(false);
    expect(frames[frames.length - 1]).toMatchObject({ t: 2000, data: 'end' });
    serializeRecording(header, frames);
  });

  it('derives a safe gameId from the file name, validates an explicit one', () => {
    const text = sample('rps-rs-demo.cast');
    expect(convertAsciicast(text, { fileName: '/tmp/My Demo (v2)!.cast' }).header.gameId).toBe('My-Demo-v2-');
    expect(convertAsciicast(text, { fileName: '__x.cast' }).header.gameId).toBe('x');
    expect(convertAsciicast(text, { gameId: 'rps.1', title: 'RPS' }).header).toMatchObject({ gameId: 'rps.1', title: 'RPS' });
    expect(errorOf(() => convertAsciicast(text, { gameId: 'no spaces' })).message).toMatch(/gameId "no spaces" is not valid/);
    expect(errorOf(() => convertAsciicast(text)).message).toMatch(/no gameId/);
  });
});

describe('convertAsciicast on broken files', () => {
  const broken = (f: string) => readFileSync(join(FIXTURES, 'broken', f), 'utf8');

  it('a truncated line names line 4', () => {
    const e = errorOf(() => convertAsciicast(broken('truncated-line.cast'), { fileName: 't.cast' }));
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^line 4: not valid JSON/);
  });

  it('time going backwards names line 5 and both times', () => {
    const e = errorOf(() => convertAsciicast(broken('time-backwards.cast'), { fileName: 't.cast' }));
    expect(e.line).toBe(5);
    expect(e.message).toBe('line 5: time went backwards (3.2 < 4.1)');
  });

  it('an unknown version names it', () => {
    const e = errorOf(() => convertAsciicast(broken('unknown-version.cast'), { fileName: 't.cast' }));
    expect(e.line).toBe(1);
    expect(e.message).toBe('line 1: unknown asciicast version 4');
  });

  it('a negative v3 interval names line 3', () => {
    const e = errorOf(() => convertAsciicast(broken('negative-interval-v3.cast'), { fileName: 't.cast' }));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^line 3: event time must be a non-negative number/);
  });

  it('a malformed resize names line 3', () => {
    const e = errorOf(() => convertAsciicast(broken('bad-resize.cast'), { fileName: 't.cast' }));
    expect(e.message).toBe('line 3: resize data must be "COLSxROWS", got "wide"');
  });

  it('other malformed input', () => {
    const h = JSON.stringify({ version: 2, width: 80, height: 24 });
    expect(errorOf(() => convertAsciicast(`${h}\n{"a":1}`, { gameId: 'g' })).message).toBe('line 2: an event must be an array [time, code, data]');
    expect(errorOf(() => convertAsciicast('{"version": 2, "width": 80}', { gameId: 'g' })).message).toMatch(/^line 1: header needs the terminal size/);
    expect(errorOf(() => convertAsciicast(h, { gameId: 'g' })).message).toMatch(/no events/);
    expect(errorOf(() => convertAsciicast('{\n"version": 1,\n"stdout": []\n}', { gameId: 'g' })).message).toMatch(/version 1 is not supported/);
    expect(errorOf(() => convertAsciicast(`${h}\n[1, "o", "a"]`, { gameId: 'g', idleTimeLimitS: 0 })).message).toMatch(/idleTimeLimitS/);
  });
});
