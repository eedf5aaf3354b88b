import fc from 'fast-check';
import type { WireFrame } from '../../protocol/messages';
import {
  byteRangeFor,
  firstSeqAtOrAfter,
  indexRecording,
  MAX_FRAME_LINE_BYTES,
  parseFrameLines,
  parseRecording,
  RecordingError,
  RecordingIndexer,
  seekRange,
  serializeRecording,
  type RecordingHeader,
} from '../../protocol/recording';
import { thrown } from '../support/throws';

const header = (frames: WireFrame[], over: Partial<RecordingHeader> = {}): RecordingHeader => ({
  format: 'matchcast/1',
  gameId: 'g-1',
  kind: 'test',
  title: 'A test',
  participants: ['a', 'b'],
  durationMs: frames.at(-1)?.t ?? 0,
  frameCount: frames.length,
  meta: {},
  ...over,
});
const frames = (ts: number[], data: (i: number) => unknown = (i) => ({ i })): WireFrame[] => ts.map((t, seq) => ({ seq, t, type: 'p', data: data(seq) }));
const bytes = (s: string) => new TextEncoder().encode(s);
const slice = (text: string, a: number, b: number) => new TextDecoder().decode(bytes(text).slice(a, b));

const lineError = (text: string): RecordingError => thrown(() => indexRecording(text), RecordingError);

describe('matchcast/1', () => {
  it('round-trips a recording', () => {
    const fs = frames([0, 10, 10, 500]);
    const text = serializeRecording(header(fs), fs);
    expect(text.endsWith('\n')).toBe(true);
    expect(parseRecording(text)).toEqual({ header: header(fs), frames: fs });
  });

  it('indexes every K frames with UTF-8 byte offsets of line starts', () => {
    const fs = frames([0, 1, 2, 3, 4, 5, 6], (i) => ({ name: 'Đoković ☃'.repeat(i) }));
    const text = serializeRecording(header(fs), fs);
    const { index } = indexRecording(text, { every: 3 });
    expect(index.entries.map((e) => e[0])).toEqual([0, 3, 6]);
    expect(index.totalBytes).toBe(bytes(text).length);
    for (const [seq, t, off] of index.entries) {
      const line = slice(text, off, bytes(text).indexOf(10, off));
      expect(JSON.parse(line)).toMatchObject({ seq, t });
    }
    expect(index.headerBytes).toBe(bytes(text.split('\n')[0]! + '\n').length);
  });

  it.each([
    ['an unknown format', '{"format":"matchcast/2","gameId":"g","kind":"k","title":"t","participants":[],"durationMs":0,"frameCount":0}\n', 1, /unknown format/],
    ['a bad game id', '{"format":"matchcast/1","gameId":"../x","kind":"k","title":"t","participants":[],"durationMs":0,"frameCount":0}\n', 1, /gameId/],
    ['a frame that is not JSON', `${JSON.stringify(header(frames([0])))}\n{"seq":0,`, 2, /JSON/],
    ['a gap in seq', `${JSON.stringify(header(frames([0, 1])))}\n{"seq":0,"t":0,"type":"p","data":1}\n{"seq":2,"t":0,"type":"p","data":1}\n`, 3, /seq 2 where 1/],
    ['t going backwards', `${JSON.stringify(header(frames([5, 1])))}\n{"seq":0,"t":5,"type":"p","data":1}\n{"seq":1,"t":1,"type":"p","data":1}\n`, 3, /backwards \(1 < 5\)/],
    ['a fractional t', `${JSON.stringify(header(frames([0])))}\n{"seq":0,"t":0.5,"type":"p","data":1}\n`, 2, /integer/],
    ['a missing type', `${JSON.stringify(header(frames([0])))}\n{"seq":0,"t":0,"data":1}\n`, 2, /type/],
    ['a wrong frameCount', `${JSON.stringify(header(frames([0]), { frameCount: 2 }))}\n{"seq":0,"t":0,"type":"p","data":1}\n`, 1, /frameCount 2/],
    ['a duration before the last frame', `${JSON.stringify(header(frames([0, 9]), { durationMs: 5 }))}\n{"seq":0,"t":0,"type":"p","data":1}\n{"seq":1,"t":9,"type":"p","data":1}\n`, 1, /durationMs 5/],
  ])('refuses %s, naming the line', (_n, text, line, why) => {
    const e = lineError(text);
    expect(e.line).toBe(line);
    expect(e.message).toMatch(why);
  });

  const h0 = (over: Record<string, unknown>) => JSON.stringify({ ...header([]), ...over }) + '\n';
  it.each([
    ['a header that is not an object', '[1]\n', /header must be a JSON object/],
    ['a header that is not JSON', '{"format":\n', /not valid JSON/],
    ['a gameId over 128 characters', h0({ gameId: 'a'.repeat(129) }), /gameId/],
    ['an empty kind', h0({ kind: '' }), /kind must be a non-empty string/],
    ['a title that is a number', h0({ title: 7 }), /title must be a non-empty string/],
    ['participants that are not strings', h0({ participants: [1] }), /participants/],
    ['a negative durationMs', h0({ durationMs: -1 }), /durationMs must be a non-negative integer/],
    ['a string frameCount', h0({ frameCount: '0' }), /frameCount must be a non-negative integer/],
    ['meta that is an array', h0({ meta: [] }), /meta must be an object/],
    ['an empty first line', '\n', /empty header line/],
  ])('refuses a header with %s (line 1)', (_n, text, why) => {
    const e = lineError(text);
    expect(e.line).toBe(1);
    expect(e.message).toMatch(/^line 1: /);
    expect(e.message).toMatch(why);
  });

  it.each([
    ['no data', '{"seq":0,"t":0,"type":"p"}', /no data/],
    ['an empty type', '{"seq":0,"t":0,"type":"","data":1}', /type must be a non-empty string/],
    ['a negative t', '{"seq":0,"t":-1,"type":"p","data":1}', /t must be a non-negative integer/],
    ['a string seq', '{"seq":"0","t":0,"type":"p","data":1}', /seq must be/],
    ['an array', '[0,0,"p",1]', /frame must be a JSON object/],
  ])('refuses a frame with %s (line 2)', (_n, line, why) => {
    const e = lineError(`${JSON.stringify(header(frames([0])))}\n${line}\n`);
    expect(e.line).toBe(2);
    expect(e.message).toMatch(why);
  });

  it('names the line in the message as "line N: reason"', () => {
    const e = lineError(`${JSON.stringify(header(frames([0, 1, 1, 1, 1, 1300])))}\n${[0, 1300, 1300, 1300, 1300, 1200].map((t, seq) => JSON.stringify({ seq, t, type: 'p', data: 0 })).join('\n')}\n`);
    expect(e.message).toBe('line 7: t went backwards (1200 < 1300)');
  });

  it('accepts one trailing empty line, refuses a blank line inside, and an empty recording', () => {
    const fs = frames([0, 1]);
    const text = serializeRecording(header(fs), fs);
    expect(indexRecording(text + '\n').index.totalBytes).toBe(bytes(text).length);
    const lines = text.split('\n');
    const inside = [lines[0], lines[1], '', lines[2], ''].join('\n');
    expect(lineError(inside).message).toMatch(/line 3: blank line inside/);
    expect(() => new RecordingIndexer().finish()).toThrow(/line 1: empty recording/);
    expect(() => new RecordingIndexer({ every: 0 })).toThrow(/every/);
  });

  it('keeps byte offsets exact for CRLF line ends', () => {
    const fs = frames([0, 1, 2, 3]);
    const crlf = serializeRecording(header(fs), fs).replace(/\n/g, '\r\n');
    const { index } = indexRecording(crlf, { every: 2 });
    expect(index.totalBytes).toBe(bytes(crlf).length);
    expect(parseFrameLines(slice(crlf, index.entries[1]![2], index.totalBytes), 0).map((f) => f.seq)).toEqual([2, 3]);
  });

  it('refuses a frame line over 32 KB', () => {
    const fs = frames([0], () => 'x'.repeat(MAX_FRAME_LINE_BYTES));
    expect(() => serializeRecording(header(fs), fs)).toThrow(/line 2: .*over the 32768-byte limit/);
  });

  it('streams through the indexer line by line', () => {
    const fs = frames([0, 5, 9]);
    const text = serializeRecording(header(fs), fs);
    const ix = new RecordingIndexer({ every: 2 });
    for (const l of text.split('\n')) ix.addLine(l);
    expect(ix.finish().index).toEqual(indexRecording(text, { every: 2 }).index);
  });
});

describe('ranged reads', () => {
  const fs = frames(Array.from({ length: 100 }, (_, i) => Math.floor(i / 3) * 100)); // equal t in threes
  const text = serializeRecording(header(fs), fs);
  const { index } = indexRecording(text, { every: 8 });

  it('reads only whole lines holding the wanted frames, bounded in intervals', () => {
    const r = byteRangeFor(index, 10, 1_000, 2)!;
    const got = parseFrameLines(slice(text, r.startByte, r.endByte), 10);
    expect(got[0]!.seq).toBe(10);
    expect(got.at(-1)!.seq).toBe(23); // two intervals: 8..23
    expect(byteRangeFor(index, 100, Infinity)).toBeNull();
  });

  it('stops at the first interval starting after untilMs', () => {
    const r = byteRangeFor(index, 0, 250, 50)!;
    const got = parseFrameLines(slice(text, r.startByte, r.endByte), 0);
    // Entries at seq 0 (t 0), 8 (t 200), 16 (t 500): the range ends where t first exceeds 250.
    expect(got.map((f) => f.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('seeks with one interval read: seekRange then firstSeqAtOrAfter, also across equal t at a boundary', () => {
    // Entries every 8 frames; t is equal in threes, so seq 8 (an entry) shares t 200 with seq 6 and 7.
    for (const toMs of [0, 1, 99, 100, 199, 200, 201, 250, 300, 3200, 3300, 3301, 5000]) {
      const r = seekRange(index, toMs);
      const chunk = parseFrameLines(slice(text, r.startByte, r.endByte), 0);
      const want = fs.find((f) => f.t >= toMs)?.seq ?? fs.length;
      expect(firstSeqAtOrAfter(index, chunk, toMs)).toBe(want);
      // One interval at most: never more than `every` frames read.
      expect(chunk.length).toBeLessThanOrEqual(index.every);
    }
    // toMs 200: frames 6 and 7 (t 200) lie before the entry at seq 8 (t 200): the interval from seq 0 holds them.
    expect(seekRange(index, 200)).toEqual({ startByte: index.entries[0]![2], endByte: index.entries[1]![2] });
  });

  it('takes the next entry from the index when the interval holds no frame late enough', () => {
    const f = frames([0, 0, 0, 0, 10, 10]); // entries every 2: seq 0 (t 0), 2 (t 0), 4 (t 10)
    const txt = serializeRecording(header(f), f);
    const ix = indexRecording(txt, { every: 2 }).index;
    const r = seekRange(ix, 5); // last entry with t < 5 is seq 2: frames 2, 3 (both t 0)
    const chunk = parseFrameLines(slice(txt, r.startByte, r.endByte), 0);
    expect(chunk.map((x) => x.seq)).toEqual([2, 3]);
    expect(firstSeqAtOrAfter(ix, chunk, 5)).toBe(4);
    expect(firstSeqAtOrAfter(ix, parseFrameLines(slice(txt, seekRange(ix, 11).startByte, seekRange(ix, 11).endByte), 0), 11)).toBe(6);
  });

  it('includes frames with t equal to untilMs past an entry boundary', () => {
    // Entry at seq 8 has t 200, like seq 6 and 7; untilMs 200 must reach into the interval from seq 8.
    const r = byteRangeFor(index, 0, 200, 50)!;
    const got = parseFrameLines(slice(text, r.startByte, r.endByte), 0);
    expect(got.map((f) => f.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(r.endByte).toBe(index.entries[2]![2]);
  });

  it('starts at the entry at or before fromSeq, and is null past the end', () => {
    expect(byteRangeFor(index, 8, 0)!.startByte).toBe(index.entries[1]![2]);
    expect(byteRangeFor(index, 15, 0)!.startByte).toBe(index.entries[1]![2]);
    expect(byteRangeFor(index, 99, Infinity)).toEqual({ startByte: index.entries.at(-1)![2], endByte: index.totalBytes });
    expect(byteRangeFor(index, 100, Infinity)).toBeNull();
    const empty = indexRecording(serializeRecording(header([]), [])).index;
    expect(byteRangeFor(empty, 0, Infinity)).toBeNull();
    expect(firstSeqAtOrAfter(empty, [], 0)).toBe(0);
  });

  it('covers every frame with seq ≥ fromSeq and t ≤ untilMs when unbounded (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 9 }),
        fc.nat(),
        fc.integer({ min: 0, max: 2500 }),
        (gaps, every, from, untilMs) => {
          let t = 0;
          const f = frames(gaps.map((g) => (t += g)));
          const txt = serializeRecording(header(f), f);
          const ix = indexRecording(txt, { every }).index;
          const fromSeq = from % f.length;
          const r = byteRangeFor(ix, fromSeq, untilMs, 1_000)!;
          const got = parseFrameLines(slice(txt, r.startByte, r.endByte), fromSeq).map((x) => x.seq);
          const want = f.filter((x) => x.seq >= fromSeq && x.t <= untilMs).map((x) => x.seq);
          expect(got.slice(0, want.length)).toEqual(want);
          expect(got[0]).toBe(fromSeq);
        },
      ),
    );
  });

  it('reading ranges repeatedly from seq 0 yields every frame exactly once, in order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 4 }),
        (gaps, every, maxEntries) => {
          let t = 0;
          const f = frames(gaps.map((g) => (t += g)), (i) => 'é'.repeat(i % 5));
          const txt = serializeRecording(header(f), f);
          const ix = indexRecording(txt, { every }).index;
          const seen: number[] = [];
          let next = 0;
          for (let guard = 0; guard < 1000; guard++) {
            const r = byteRangeFor(ix, next, Infinity, maxEntries);
            if (!r) break;
            const got = parseFrameLines(slice(txt, r.startByte, r.endByte), next);
            seen.push(...got.map((g) => g.seq));
            next = got.at(-1)!.seq + 1;
          }
          expect(seen).toEqual(f.map((x) => x.seq));
        },
      ),
    );
  });
});
