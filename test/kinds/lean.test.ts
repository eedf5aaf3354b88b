/**
 * The terminal snapshot without an emulator (kinds/terminal/lean.ts): from keyframes built by
 * the full kind, a keyframe's `screen` followed by the raw output of the frames after it —
 * written to a fresh terminal of the snapshot's size — shows the same screen text (rows and
 * cursor) as one emulator fed every frame from seq 0, at many seqs of every terminal sample
 * and of recordings with resize (`r`) frames; keyframes sit right after every resize and
 * whenever the output since the last one passes the budget, so every snapshot stays within
 * 64 KB. Also: the lean registry bundles no terminal emulator.
 */
import { Terminal } from '@xterm/headless';
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { buildKeyframes, keyframeFor, MAX_SNAPSHOT_BYTES, snapshotAt, stateAt, type RecordingHeader, type WireFrame } from '../../kinds';
import { LEAN_KINDS } from '../../kinds/lean';
import { LEAN_OUTPUT_BUDGET, screenText, terminal, terminalLean, textOf, type TerminalState } from '../../kinds/terminal';
import { sample } from './samples';

jest.setTimeout(300_000);

const write = (t: Terminal, s: string) => new Promise<void>((resolve) => t.write(s, resolve));

/** Screen text before every seq (index = seq), from one terminal that sees every frame (resizing on `r`). */
async function reference(header: RecordingHeader, frames: readonly WireFrame[]): Promise<string[]> {
  const init = terminal.initialState(header);
  const ref = new Terminal({ cols: init.cols, rows: init.rows, scrollback: 0, allowProposedApi: true });
  const before: string[] = [];
  for (const f of frames) {
    before.push(textOf(ref));
    if (f.type === 'o') await write(ref, f.data as string);
    if (f.type === 'r') {
      const d = f.data as { cols: number; rows: number };
      ref.resize(d.cols, d.rows);
    }
  }
  before.push(textOf(ref));
  ref.dispose();
  return before;
}

/**
 * `frames` with a resize inserted before each of the given positions (sizes cycling through
 * `sizes`), each followed by the full-screen clear a program draws on SIGWINCH, renumbered.
 */
function withResizes(frames: readonly WireFrame[], at: number[], sizes: { cols: number; rows: number }[]): WireFrame[] {
  const out: WireFrame[] = [];
  frames.forEach((f, i) => {
    const k = at.indexOf(i);
    if (k >= 0) {
      out.push({ seq: 0, t: f.t, type: 'r', data: sizes[k % sizes.length]! });
      out.push({ seq: 0, t: f.t, type: 'o', data: '\x1b[H\x1b[2J' });
    }
    out.push(f);
  });
  return out.map((f, seq) => ({ ...f, seq }));
}

/**
 * Lean snapshots at many seqs against the screen text before each seq: `'terminal'`, one
 * terminal fed every frame; `'kind'`, the full kind's state folded from frame 0
 * (`stateAt`), for recordings with resizes — xterm keeps the cells of a line past a
 * narrower width in a running terminal, which a screen written afresh at that width does
 * not have, so after a shrinking resize the kind's state (what every viewer who joins gets)
 * is the reference.
 */
async function check(header: RecordingHeader, frames: readonly WireFrame[], extraSeqs: number[] = [], against: 'terminal' | 'kind' = 'terminal'): Promise<void> {
  const kf = await buildKeyframes(terminal, header, frames);
  const before = against === 'terminal' ? await reference(header, frames) : undefined;
  const n = frames.length;
  const seqs = new Set([0, 1, 2, 63, 64, 65, n - 1, n, ...extraSeqs]);
  for (let s = 0; s <= n; s += Math.max(1, Math.floor(n / 40))) seqs.add(s);
  for (const k of kf.keyframes) for (const d of [-1, 0, 1]) seqs.add(k.seq + d);
  for (const seq of [...seqs].filter((s) => s >= 0 && s <= n).sort((a, b) => a - b)) {
    const from = keyframeFor(kf, seq).seq;
    const snap = await snapshotAt(terminalLean, kf, frames.slice(from), seq);
    expect(snap.seq).toBe(seq);
    const state = snap.state as unknown as TerminalState;
    expect(Buffer.byteLength(JSON.stringify(state))).toBeLessThanOrEqual(MAX_SNAPSHOT_BYTES);
    const want = before ? before[seq] : await screenText(await stateAt(terminal, header, frames, seq));
    expect({ seq, text: await screenText(state) }).toEqual({ seq, text: want });
  }
}

describe.each(['nethack-nao-2012-02-16-fare', 'asciinema-welcome', 'asciinema-demo-vim', 'edgemax-openwrt-flash', 'rps-rs-demo'])('%s', (id) => {
  test('keyframe screen + raw output = the emulator folded from frame 0', async () => {
    const rec = sample(id);
    await check(rec.header, rec.frames);
  });
});

test('around resizes: a keyframe right after each one, and snapshots on both sides match', async () => {
  const rec = sample('nethack-nao-2012-02-16-fare');
  const at = [5, 40, 41, 100, 230];
  // Growing, growing, back to the size the program draws for (80 × 24), twice. (Output wider
  // than a shrunk screen wraps, and a wrapped row's serialization is not exact in xterm's
  // addon: programs redraw for the new size on SIGWINCH, so recordings do not have that.)
  const frames = withResizes(rec.frames, at, [{ cols: 100, rows: 30 }, { cols: 120, rows: 40 }, { cols: 80, rows: 24 }]);
  const header = { ...rec.header, frameCount: frames.length };
  const kf = await buildKeyframes(terminal, header, frames);
  const resizes = frames.filter((f) => f.type === 'r').map((f) => f.seq);
  expect(resizes).toHaveLength(at.length);
  // Snapshots right after a resize (keyframe + the clear), and between resizes, against the kind folded from 0.
  for (const r of resizes) expect(kf.keyframes.map((k) => k.seq)).toContain(r + 1);
  await check(header, frames, resizes.flatMap((r) => [r - 1, r, r + 1, r + 2]), 'kind');
});

test('a resize inside the frames a lean snapshot would fold is refused, not guessed', async () => {
  const header: RecordingHeader = { format: 'matchcast/1', gameId: 'x', kind: 'terminal', title: 'x', participants: [], durationMs: 2, frameCount: 3, meta: { cols: 20, rows: 5 } };
  const frames: WireFrame[] = [
    { seq: 0, t: 0, type: 'o', data: 'a' },
    { seq: 1, t: 1, type: 'r', data: { cols: 30, rows: 6 } },
    { seq: 2, t: 2, type: 'o', data: 'b' },
  ];
  await expect(terminalLean.fold!(terminalLean.initialState(header), frames)).rejects.toThrow(RangeError);
});

test('output over the budget since a keyframe starts a new keyframe', async () => {
  const header: RecordingHeader = { format: 'matchcast/1', gameId: 'x', kind: 'terminal', title: 'x', participants: [], durationMs: 9, frameCount: 10, meta: { cols: 80, rows: 24 } };
  const chunk = 'y'.repeat(Math.ceil(LEAN_OUTPUT_BUDGET / 3));
  const frames: WireFrame[] = Array.from({ length: 10 }, (_, seq) => ({ seq, t: seq, type: 'o', data: `\x1b[H${chunk}` }));
  const kf = await buildKeyframes(terminal, header, frames);
  expect(kf.keyframes.map((k) => k.seq)).toEqual([0, 3, 6, 9]);
  await check(header, frames);
});

test('the lean registry has every kind and no terminal emulator in its bundle', () => {
  expect(LEAN_KINDS.map((k) => k.kind).sort()).toEqual(['chess', 'cricket', 'generic', 'tennis', 'terminal']);
  const out = buildSync({ entryPoints: [join(__dirname, '..', '..', 'kinds', 'lean.ts')], bundle: true, minify: true, platform: 'node', write: false, metafile: true, logLevel: 'silent' });
  const inputs = Object.keys(out.metafile.inputs);
  expect(inputs.filter((p) => p.includes('@xterm'))).toEqual([]);
});
