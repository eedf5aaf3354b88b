/**
 * Terminal sessions in `npm run watch`: the screen of a {@link TerminalState}, by a real
 * terminal emulator — @xterm/headless (the xterm.js version the browser client draws with)
 * and @xterm/addon-serialize. A view writes the state's `screen` into a cols × rows terminal,
 * then applies `o` (output) and `r` (resize) frames to that same terminal, so no frame is
 * parsed twice. What it shows is the emulator's screen, never the recording's bytes:
 * {@link WatchView.lines} are the visible rows as text, {@link WatchView.ansi} the
 * emulator's own serialization for a real terminal (cells, attributes, cursor), without the
 * terminal modes a recording may have set (mouse tracking, bracketed paste, alternate keys),
 * which must not change the viewer's own terminal.
 */
import { Terminal } from '@xterm/headless';
import { SerializeAddon } from '@xterm/addon-serialize';
import type { Json, WireFrame } from '../kind';
import type { KindWatch, WatchView } from '../watch';
import { terminal, type TerminalState } from './index';

/** `CSI 0 C` / `CSI 0 D`: the serialize addon's "no move", which ECMA-48 reads as a move of 1 (kinds/terminal/index.ts). */
const ZERO_MOVE = /\x1b\[0[CD]/g;
/** DEC private mode sets and resets (`CSI ? … h` / `CSI ? … l`). */
const PRIVATE_MODES = /\x1b\[\?[0-9;]*[hl]/g;

/** The visible rows of a terminal, right-trimmed, without the blank rows at the bottom. */
function rowsOf(term: Terminal): string[] {
  const b = term.buffer.active;
  const out: string[] = [];
  for (let y = 0; y < term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** A terminal state's size, or 80 × 24 when it has none that fits (a state not of this kind's shape). */
function sizeOf(s: Partial<TerminalState>): { cols: number; rows: number } {
  const ok = (n: unknown, max: number) => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= max;
  return ok(s.cols, 1000) && ok(s.rows, 500) ? { cols: s.cols!, rows: s.rows! } : { cols: 80, rows: 24 };
}

/** One emulator holding a stream's screen. */
class TerminalView implements WatchView {
  private term: Terminal;
  private readonly serializer = new SerializeAddon();

  constructor(state: Partial<TerminalState>) {
    const { cols, rows } = sizeOf(state);
    this.term = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true, logLevel: 'off' });
    this.term.loadAddon(this.serializer);
    if (typeof state.screen === 'string') this.term.write(state.screen);
  }

  private flush(): Promise<void> {
    return new Promise((resolve) => this.term.write('', resolve));
  }

  async apply(frames: readonly WireFrame[]): Promise<string[]> {
    const out: string[] = [];
    for (const f of frames) {
      if (!terminal.frameSchema.safeParse(f).success) {
        out.push(`? frame ${f.seq} is not a terminal frame (type ${JSON.stringify(f.type)})`);
        continue;
      }
      if (f.type === 'o') this.term.write(f.data as string);
      else if (f.type === 'r') {
        const d = f.data as { cols: number; rows: number };
        const size = sizeOf(d);
        await this.flush();
        this.term.resize(size.cols, size.rows);
      } else if (f.type === 'm') out.push(`◆ marker: ${typeof f.data === 'string' && f.data.trim() ? f.data : `#${f.seq}`}`);
      else if (f.type === 'x') out.push(`■ exit ${f.data as string}`);
    }
    await this.flush();
    return out;
  }

  async lines(): Promise<string[]> {
    await this.flush();
    return rowsOf(this.term);
  }

  /** Clear the viewer's screen, then draw the emulator's (its serialization, without private modes). */
  async ansi(): Promise<string> {
    await this.flush();
    const screen = this.serializer.serialize({ scrollback: 0 }).replace(ZERO_MOVE, '').replace(PRIVATE_MODES, '');
    return `\x1b[0m\x1b[H\x1b[2J${screen}`;
  }

  dispose(): void {
    this.term.dispose();
  }
}

/**
 * The screen of a terminal state as text: its visible rows (right-trimmed, blank rows at the
 * bottom dropped), as a cols × rows @xterm/headless terminal shows `screen`.
 */
export async function renderTerminal(state: TerminalState): Promise<string[]> {
  const view = new TerminalView(state);
  try {
    return await view.lines();
  } finally {
    view.dispose();
  }
}

/** The terminal kind's terminal side: one emulator per view. */
export const terminalWatch: KindWatch = {
  kind: 'terminal',
  view: (state: Json) => new TerminalView((state ?? {}) as Partial<TerminalState>),
};
