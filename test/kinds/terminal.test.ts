/**
 * The terminal kind reproduces screens: for frames of the NetHack ttyrec and of asciicast
 * samples, a terminal that had every frame written shows the same screen text (rows and
 * cursor) as a fresh terminal fed the snapshot's `screen` and then the frames after it —
 * at the snapshot's seq and at the end of the recording.
 */
import { Terminal } from '@xterm/headless';
import { buildKeyframes, snapshotAt, keyframeFor } from '../../kinds';
import { screenText, terminal, textOf, type TerminalState } from '../../kinds/terminal';
import { sample } from './samples';

jest.setTimeout(300_000);

const write = (t: Terminal, s: string) => new Promise<void>((resolve) => t.write(s, resolve));

describe.each(['nethack-nao-2012-02-16-fare', 'asciinema-welcome', 'asciinema-demo-vim', 'edgemax-openwrt-flash', 'rps-rs-demo'])('%s', (id) => {
  test('snapshot + the frames after it = every frame written', async () => {
    const rec = sample(id);
    const init = terminal.initialState(rec.header);
    expect([init.cols, init.rows]).toEqual([rec.header.meta.cols, rec.header.meta.rows]);
    const kf = await buildKeyframes(terminal, rec.header, rec.frames);
    // The reference: one terminal that sees every frame, its screen text before each seq.
    const ref = new Terminal({ cols: init.cols, rows: init.rows, scrollback: 0, allowProposedApi: true });
    const before: string[] = [];
    for (const f of rec.frames) {
      before.push(textOf(ref));
      if (f.type === 'o') await write(ref, f.data as string);
    }
    before.push(textOf(ref));
    const end = textOf(ref);
    ref.dispose();
    const n = rec.frames.length;
    const seqs = new Set([1, 2, 3, 63, 64, 65, n - 1, n]);
    for (let s = 0; s <= n; s += Math.max(1, Math.floor(n / 12))) seqs.add(s);
    for (const seq of [...seqs].filter((s) => s >= 0 && s <= n)) {
      const snap = await snapshotAt(terminal, kf, rec.frames.slice(keyframeFor(kf, seq).seq), seq);
      const state = snap.state as unknown as TerminalState;
      expect(await screenText(state)).toBe(before[seq]);
      const fresh = new Terminal({ cols: state.cols, rows: state.rows, scrollback: 0, allowProposedApi: true });
      await write(fresh, state.screen);
      await write(fresh, rec.frames.slice(seq).map((f) => (f.type === 'o' ? (f.data as string) : '')).join(''));
      expect(textOf(fresh)).toBe(end);
      fresh.dispose();
    }
  });
});

test('resize frames resize; markers come from m events; NetHack line drawing survives a snapshot', async () => {
  const header = { format: 'matchcast/1' as const, gameId: 'x', kind: 'terminal', title: 'x', participants: [], durationMs: 3, frameCount: 4, meta: { cols: 20, rows: 5 } };
  const frames = [
    { seq: 0, t: 0, type: 'o', data: '\x1b)0hello \x0eqqq' },
    { seq: 1, t: 1, type: 'm', data: 'chapter 1' },
    { seq: 2, t: 2, type: 'r', data: { cols: 30, rows: 6 } },
    { seq: 3, t: 3, type: 'o', data: 'xx\x0f ok' },
  ];
  for (const f of frames) expect(terminal.frameSchema.safeParse(f).success).toBe(true);
  const mid = await terminal.fold!(terminal.initialState(header), frames.slice(0, 3));
  expect([mid.cols, mid.rows]).toEqual([30, 6]);
  const after = await terminal.fold!(mid, frames.slice(3));
  const whole = await terminal.fold!(terminal.initialState(header), frames);
  expect(await screenText(after)).toBe(await screenText(whole));
  // G1 is line drawing and shifted in: "qqq" and "xx" draw as ─ and │.
  expect((await screenText(after)).split('\n')[0]).toBe('hello ───││ ok');
  expect(terminal.markers(frames, header)).toEqual([{ t: 1, seq: 1, label: 'chapter 1', kind: 'marker' }]);
});
