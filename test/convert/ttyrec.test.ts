import { readFileSync } from 'fs';
import { join } from 'path';
import { ConvertError, MAX_FRAME_LINE_BYTES, frameLineBytes } from '../../convert/errors';
import { convertTtyrec } from '../../convert/ttyrec';
import { parseRecording, serializeRecording } from '../../protocol/recording';
import { thrown } from '../support/throws';

const NETHACK = readFileSync(join(__dirname, '../../samples/terminal/nethack-nao-2012-02-16-fare.ttyrec'));
const broken = (f: string) => readFileSync(join(__dirname, '../fixtures/broken', f));

/** The ttyrec walked independently of the converter. */
function walk(buf: Buffer): { offset: number; sec: number; usec: number; data: Buffer }[] {
  const out = [];
  let o = 0;
  while (o + 12 <= buf.length) {
    const len = buf.readUInt32LE(o + 8);
    if (o + 12 + len > buf.length) break;
    out.push({ offset: o, sec: buf.readUInt32LE(o), usec: buf.readUInt32LE(o + 4), data: buf.subarray(o + 12, o + 12 + len) });
    o += 12 + len;
  }
  return out;
}

function frame(sec: number, usec: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const h = Buffer.alloc(12);
  h.writeUInt32LE(sec, 0);
  h.writeUInt32LE(usec, 4);
  h.writeUInt32LE(body.length, 8);
  return Buffer.concat([h, body]);
}

const errorOf = (fn: () => unknown): ConvertError => thrown(fn, ConvertError);

describe('convertTtyrec on the real NetHack game', () => {
  const raw = walk(NETHACK);
  const { header, frames } = convertTtyrec(NETHACK, { fileName: 'samples/terminal/nethack-nao-2012-02-16-fare.ttyrec' });

  it('has 408 frames over ≈190.1 s, one per ttyrec frame, at the recorded times', () => {
    expect(raw.length).toBe(408);
    expect(frames.length).toBe(408);
    expect(header.frameCount).toBe(408);
    expect(header.durationMs / 1000).toBeCloseTo(190.1, 1);
    const t0 = raw[0].sec * 1e6 + raw[0].usec;
    frames.forEach((f, i) => {
      expect(f.seq).toBe(i);
      expect(f.type).toBe('o');
      expect(f.t).toBe(Math.round((raw[i].sec * 1e6 + raw[i].usec - t0) / 1000));
      expect(frameLineBytes(f)).toBeLessThanOrEqual(MAX_FRAME_LINE_BYTES);
    });
  });

  it('keeps every byte (ASCII with DEC line drawing via ESC ) 0 and SO/SI)', () => {
    const all = frames.map((f) => f.data).join('');
    expect(all).toBe(Buffer.concat(raw.map((r) => r.data)).toString('latin1'));
    expect(all).toContain('Player: fare');
    expect(all).toContain('Game: NetHack 3.4.3');
    expect(all).toContain('\u001b)0');
    expect(all.split('\u000e').length - 1).toBe(333);
    expect(all.split('\u000f').length - 1).toBe(333);
  });

  it('header: terminal 80x24 by default, utf8 chosen, start time, valid matchcast/1', () => {
    expect(header).toMatchObject({
      gameId: 'nethack-nao-2012-02-16-fare',
      kind: 'terminal',
      title: 'nethack-nao-2012-02-16-fare',
      participants: [],
      meta: { sourceFormat: 'ttyrec', cols: 80, rows: 24, encoding: 'utf8' },
    });
    expect(String(header.meta.startedAt)).toMatch(/^2012-02-16T/);
    const back = parseRecording(serializeRecording(header, frames));
    expect(back.frames).toEqual(frames);
  });

  it('takes size, title, participants and an idle cap from options', () => {
    const r = convertTtyrec(NETHACK, { gameId: 'nh', cols: 132, rows: 50, title: 'fare on NAO', participants: ['fare'], idleTimeLimitS: 1 });
    expect(r.header).toMatchObject({ gameId: 'nh', title: 'fare on NAO', participants: ['fare'], meta: { cols: 132, rows: 50, idleTimeLimitS: 1 } });
    const gaps = r.frames.map((f, i) => f.t - (i === 0 ? 0 : r.frames[i - 1].t));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1001);
    expect(r.header.durationMs).toBeLessThan(header.durationMs);
  });

  it('a copy cut 5 bytes short fails at the last frame’s byte offset', () => {
    const cut = NETHACK.subarray(0, NETHACK.length - 5);
    const e = errorOf(() => convertTtyrec(cut, { gameId: 'nh' }));
    expect(e.unit).toBe('byte');
    expect(e.line).toBe(raw[407].offset);
    expect(e.message).toBe(`byte ${raw[407].offset}: truncated frame 408: declares ${raw[407].data.length} bytes, ${raw[407].data.length - 5} present`);
  });
});

describe('convertTtyrec encodings', () => {
  it('auto: valid UTF-8 decoded as one stream (a character split across frames lands whole)', () => {
    const e = Buffer.from('é', 'utf8');
    const buf = Buffer.concat([frame(100, 0, Buffer.concat([Buffer.from('caf'), e.subarray(0, 1)])), frame(100, 250_000, Buffer.concat([e.subarray(1), Buffer.from('!')]))]);
    const { header, frames } = convertTtyrec(buf, { gameId: 'u' });
    expect(header.meta.encoding).toBe('utf8');
    expect(frames.map((f) => [f.t, f.data])).toEqual([
      [0, 'caf'],
      [250, 'é!'],
    ]);
  });

  it('auto: not UTF-8 → CP437 (IBMgraphics walls), controls untouched', () => {
    const buf = frame(5, 0, Buffer.from([0x1b, 0x5b, 0x48, 0xc9, 0xcd, 0xbb, 0x0d, 0x0a, 0xba, 0xfa, 0xba]));
    const { header, frames } = convertTtyrec(buf, { gameId: 'c' });
    expect(header.meta.encoding).toBe('cp437');
    expect(frames[0].data).toBe('\u001b[H╔═╗\r\n║·║');
  });

  it('latin1 on request', () => {
    const buf = frame(5, 0, Buffer.from([0x41, 0xe9]));
    expect(convertTtyrec(buf, { gameId: 'l', encoding: 'latin1' }).frames[0].data).toBe('Aé');
  });
});

describe('convertTtyrec limits', () => {
  it('splits a frame too big for one 32 KB line into frames with the same t; skips empty frames', () => {
    const big = Buffer.from('\u001b[1;1H'.repeat(4000) + '@'.repeat(40_000), 'latin1');
    const buf = Buffer.concat([frame(10, 0, 'a'), frame(10, 1000, ''), frame(11, 0, big)]);
    const { header, frames } = convertTtyrec(buf, { gameId: 'big' });
    expect(frames[0]).toEqual({ seq: 0, t: 0, type: 'o', data: 'a' });
    const rest = frames.slice(1);
    expect(rest.length).toBeGreaterThan(2);
    expect(rest.every((f) => f.t === 1000)).toBe(true);
    expect(rest.map((f) => f.data).join('')).toBe(big.toString('latin1'));
    for (const f of frames) expect(frameLineBytes(f)).toBeLessThanOrEqual(MAX_FRAME_LINE_BYTES);
    serializeRecording(header, frames);
  });
});

describe('convertTtyrec on broken files', () => {
  it('truncated.ttyrec: frame 3 declares more bytes than remain, at byte 42', () => {
    const e = errorOf(() => convertTtyrec(broken('truncated.ttyrec'), { gameId: 'b' }));
    expect(e).toMatchObject({ line: 42, unit: 'byte' });
    expect(e.message).toBe('byte 42: truncated frame 3: declares 100 bytes, 10 present');
  });

  it('truncated-header.ttyrec: a partial 12-byte header at byte 42', () => {
    const e = errorOf(() => convertTtyrec(broken('truncated-header.ttyrec'), { gameId: 'b' }));
    expect(e.message).toBe('byte 42: truncated frame 3: header has 7 of 12 bytes');
  });

  it('time-backwards.ttyrec: an error at byte 42, or clamped on request', () => {
    const buf = broken('time-backwards.ttyrec');
    const e = errorOf(() => convertTtyrec(buf, { gameId: 'b' }));
    expect(e.line).toBe(42);
    expect(e.message).toMatch(/^byte 42: frame 3: time went backwards \(-1\.000000 s < 0\.500000 s/);
    const { frames } = convertTtyrec(buf, { gameId: 'b', onBackwards: 'clamp' });
    expect(frames.map((f) => f.t)).toEqual([0, 500, 500]);
  });

  it('empty input, a non-ttyrec file, bad options', () => {
    expect(errorOf(() => convertTtyrec(Buffer.alloc(0), { gameId: 'b' })).message).toBe('byte 0: the file holds no ttyrec frames');
    expect(errorOf(() => convertTtyrec(Buffer.from('{"version": 2, "width": 80}\n'), { gameId: 'b' })).message).toMatch(/^byte 0: frame 1: microseconds field/);
    expect(errorOf(() => convertTtyrec(NETHACK, { gameId: 'b', cols: 0 })).message).toMatch(/cols and rows/);
  });
});
