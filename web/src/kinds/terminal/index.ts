/**
 * The terminal web view: the recording's screen in xterm.js at the recording's cols × rows.
 * A snapshot's `screen` (kinds/terminal `TerminalState`: written to a fresh cols × rows
 * terminal it reproduces the screen — content, attributes, cursor, modes) is drawn first, then
 * the frames from its seq on: `o` output is written, `r` (`{ cols, rows }`) resizes; `m`, `i`
 * and `x` leave the screen as it is. The font is scaled to fit the panel (fit.ts), never the
 * cols × rows. kinds/terminal itself is not imported: it runs @xterm/headless, for Node.
 */
import type { WireFrame } from '../../../../protocol/messages';
import { h } from '../../ui/dom';
import type { KindModule, KindSlots, KindView, WireSnapshot } from '../types';
import { sizeOf } from './fit';
import type { TerminalScreen } from './screen';

/** The size before any snapshot or `r` frame says (the shared terminal kind's default, NetHack servers' 80 × 24). */
const DEFAULT_SIZE = { cols: 80, rows: 24 };

/** What the view draws from: the snapshot's size and screen at its seq (seq 0 and an empty screen without one). */
interface Base {
  seq: number;
  cols: number;
  rows: number;
  screen: string;
}

/** The base a snapshot gives: its `cols`, `rows` and `screen` when well-formed, else undefined. */
export function terminalBase(snapshot: WireSnapshot | undefined): Base | undefined {
  if (!snapshot) return undefined;
  const size = sizeOf(snapshot.state);
  const screen = (snapshot.state as { screen?: unknown }).screen;
  return size && typeof screen === 'string' ? { seq: snapshot.seq, ...size, screen } : undefined;
}

class TerminalView implements KindView {
  private readonly panel: HTMLElement;
  private screen: TerminalScreen | null = null;
  private base: Base = { seq: 0, ...DEFAULT_SIZE, screen: '' };
  private held: readonly WireFrame[] = [];
  /** The next seq to write. */
  private next = 0;

  constructor(slots: KindSlots) {
    this.panel = h('section', { class: 'panel terminal-panel', 'aria-label': 'Terminal recording', 'data-testid': 'terminal' });
    const loading = h('p', { class: 'muted small', 'data-testid': 'terminal-loading', role: 'status' }, 'Loading the terminal…');
    slots.body.replaceChildren(this.panel, loading);
    import('./screen')
      .then(({ TerminalScreen }) => {
        loading.remove();
        this.screen = new TerminalScreen(this.panel, this.base.cols, this.base.rows);
        this.screen.open();
        this.redraw();
      })
      .catch(() => {
        loading.textContent = 'Could not load the terminal view: reload the page to try again.';
      });
  }

  /** Frames written so far (the screen shows them once xterm has parsed them: `data-written`). */
  get upTo(): number {
    return this.next;
  }

  reset(base: WireSnapshot | undefined, held: readonly WireFrame[]): void {
    this.base = terminalBase(base) ?? (base ? { seq: base.seq, ...DEFAULT_SIZE, screen: '' } : { seq: 0, ...DEFAULT_SIZE, screen: '' });
    this.held = held;
    this.redraw();
  }

  add(frames: readonly WireFrame[], held: readonly WireFrame[]): string | undefined {
    this.held = held;
    if (!this.screen) return undefined;
    if (frames.some((f) => f.seq < this.next && f.seq >= this.base.seq)) this.redraw();
    else this.write(frames);
    return undefined; // the terminal's output is its own screen: nothing to announce per frame
  }

  render(): void {
    this.panel.dataset.seq = String(this.next);
  }

  /** Draw the base, then every held frame from its seq on. */
  private redraw(): void {
    const t = this.screen;
    if (!t) return;
    t.reset(this.base.cols, this.base.rows);
    if (this.base.screen) t.write(this.base.screen);
    this.next = this.base.seq;
    this.write(this.held);
  }

  private write(frames: readonly WireFrame[]): void {
    const t = this.screen!;
    for (const f of frames) {
      if (f.seq < this.next || f.seq < this.base.seq) continue;
      this.next = f.seq + 1;
      if (f.type === 'o' && typeof f.data === 'string') t.write(f.data);
      else if (f.type === 'r') {
        const size = sizeOf(f.data);
        if (size) t.resize(size.cols, size.rows);
      }
    }
    const upTo = this.next;
    // For tests and tools: every frame before `data-written` is on the screen.
    void t.flushed().then(() => {
      this.panel.dataset.written = String(upTo);
    });
  }
}

/** Terminal sessions (`kind: 'terminal'`: asciicast, ttyrec). */
export const terminalView: KindModule = {
  kind: 'terminal',
  mount: (slots) => new TerminalView(slots),
};
