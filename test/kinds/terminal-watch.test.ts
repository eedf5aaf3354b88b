/**
 * The terminal view of `npm run watch` (kinds/terminal/watch.ts): the emulator's screen from a
 * snapshot's `screen`, then `o`/`r` frames applied to the same emulator; a late joiner's
 * screen equals the screen of a viewer from the first frame. Data: the NetHack ttyrec and the
 * asciinema welcome cast of samples/terminal (see its README for sources and licences).
 */
import { stateAt } from '../../kinds';
import { screenText, terminal, type TerminalState } from '../../kinds/terminal';
import { renderTerminal, terminalWatch } from '../../kinds/terminal/watch';
import { sample } from './samples';

jest.setTimeout(120_000);

/** The rows of `screenText` (the kind's own reading of a state), without the cursor line and bottom blank rows. */
const rows = async (s: TerminalState) => {
  const text = (await screenText(s)).split('\n').slice(0, -1);
  while (text.length > 0 && text[text.length - 1] === '') text.pop();
  return text;
};

test('a state\'s screen as text: the NetHack status lines at seq 200', async () => {
  const r = sample('nethack-nao-2012-02-16-fare');
  const s = await stateAt(terminal, r.header, r.frames, 200);
  const lines = await renderTerminal(s);
  expect(lines).toEqual(await rows(s));
  expect(lines.some((l) => l.startsWith('Fare the Evoker'))).toBe(true);
  expect(lines.some((l) => /^Dlvl:1 /.test(l))).toBe(true);
});

test.each(['nethack-nao-2012-02-16-fare', 'asciinema-welcome'])('%s: a late joiner\'s screen equals the one from the first frame', async (id) => {
  const r = sample(id);
  const S = Math.floor(r.frames.length / 3);
  const fromStart = terminalWatch.view(terminal.snapshot(terminal.initialState(r.header)));
  const late = terminalWatch.view(terminal.snapshot(await stateAt(terminal, r.header, r.frames, S)));
  try {
    await fromStart.apply(r.frames.slice(0, S));
    expect(await late.lines()).toEqual(await fromStart.lines());
    await fromStart.apply(r.frames.slice(S));
    await late.apply(r.frames.slice(S));
    expect(await late.lines()).toEqual(await fromStart.lines());
    expect(await late.lines()).toEqual(await rows(await stateAt(terminal, r.header, r.frames, r.frames.length)));
  } finally {
    fromStart.dispose();
    late.dispose();
  }
});

test('resize, marker and exit frames; the ANSI redraw has no terminal modes of the recording', async () => {
  const v = terminalWatch.view({ cols: 20, rows: 4, screen: '', exit: null });
  try {
    const lines = await v.apply([
      { seq: 0, t: 0, type: 'o', data: '\x1b[?1000h\x1b[?2004h\x1b[31mhello\x1b[0m\r\n' },
      { seq: 1, t: 1, type: 'm', data: 'chapter 1' },
      { seq: 2, t: 2, type: 'r', data: { cols: 30, rows: 5 } },
      { seq: 3, t: 3, type: 'o', data: 'world' },
      { seq: 4, t: 4, type: 'x', data: '0' },
      { seq: 5, t: 5, type: 'o', data: { not: 'text' } },
    ]);
    expect(lines).toEqual(['◆ marker: chapter 1', '■ exit 0', '? frame 5 is not a terminal frame (type "o")']);
    expect(await v.lines()).toEqual(['hello', 'world']);
    const ansi = await v.ansi!();
    expect(ansi.startsWith('\x1b[0m\x1b[H\x1b[2J')).toBe(true);
    expect(ansi).toContain('hello');
    expect(ansi).not.toMatch(/\x1b\[\?[0-9;]*[hl]/);
  } finally {
    v.dispose();
  }
});

test('a state that is not a terminal\'s is shown on an 80 × 24 screen', async () => {
  const v = terminalWatch.view({ cols: -1, rows: 'x', screen: 5 });
  try {
    expect(await v.lines()).toEqual([]);
    await v.apply([{ seq: 0, t: 0, type: 'o', data: 'x'.repeat(81) }]);
    expect(await v.lines()).toEqual(['x'.repeat(80), 'x']);
  } finally {
    v.dispose();
  }
});
