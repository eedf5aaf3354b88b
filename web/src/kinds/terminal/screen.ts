/**
 * The browser's terminal: an xterm.js terminal (the same xterm.js version, 5.5, the shared
 * terminal kind folds with headlessly) sized to the recording's cols × rows and fitted to its
 * panel by scaling the font (fit.ts). Imported lazily, so xterm is only downloaded for terminal
 * streams.
 */
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { fitFontPx } from './fit';

const START_FONT_PX = 13;

/** An xterm.js screen of a fixed cols × rows whose font follows its panel's width. */
export class TerminalScreen {
  private readonly term: Terminal;
  private readonly observer: ResizeObserver;
  private fitQueued = false;

  constructor(
    private readonly panel: HTMLElement,
    cols: number,
    rows: number,
  ) {
    this.term = new Terminal({
      cols,
      rows,
      convertEol: false,
      disableStdin: true,
      cursorBlink: false,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: START_FONT_PX,
      theme: { background: '#0b0f14' },
      // The shared terminal kind keeps no scrollback either: the screen is the screen.
      scrollback: 0,
    });
    this.observer = new ResizeObserver(() => this.queueFit());
  }

  /** Attach to the panel (call once the panel is in the document). */
  open(): void {
    this.term.open(this.panel);
    this.panel.dataset.cols = String(this.term.cols);
    this.panel.dataset.rows = String(this.term.rows);
    this.observer.observe(this.panel);
    this.queueFit();
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  /**
   * Every change goes through one queue, in order: xterm parses writes later (asynchronously),
   * and a reset or a resize must land between the writes before and after it.
   */
  private chain: Promise<void> = Promise.resolve();

  private then(op: () => void | Promise<void>): void {
    this.chain = this.chain.then(op).catch(() => undefined);
  }

  /** Forget the screen and its modes, at `cols` × `rows`. */
  reset(cols: number, rows: number): void {
    this.then(() => {
      this.term.reset();
      this.applySize(cols, rows);
    });
  }

  /** Resize to `cols` × `rows` (an `r` frame), after the output before it. */
  resize(cols: number, rows: number): void {
    this.then(() => this.applySize(cols, rows));
  }

  /** Write output, after everything before it. */
  write(data: string): void {
    this.then(() => new Promise<void>((resolve) => this.term.write(data, resolve)));
  }

  /** Resolves once everything queued so far is on the screen. */
  flushed(): Promise<void> {
    return this.chain;
  }

  private applySize(cols: number, rows: number): void {
    this.panel.dataset.cols = String(cols);
    this.panel.dataset.rows = String(rows);
    if (cols === this.term.cols && rows === this.term.rows) return;
    this.term.resize(cols, rows);
    this.queueFit();
  }

  private queueFit(): void {
    if (this.fitQueued) return;
    this.fitQueued = true;
    requestAnimationFrame(() => {
      this.fitQueued = false;
      this.fit();
    });
  }

  /** Scale the font so the terminal's cols fill the panel's content width (twice: cell widths round). */
  private fit(): void {
    const style = getComputedStyle(this.panel);
    const avail = this.panel.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 10;
    for (let i = 0; i < 2; i++) {
      const screen = this.panel.querySelector<HTMLElement>('.xterm-screen');
      const width = screen?.getBoundingClientRect().width ?? 0;
      const font = this.term.options.fontSize ?? START_FONT_PX;
      const next = fitFontPx(avail, width, font);
      if (next === font) break;
      this.term.options.fontSize = next;
    }
    this.panel.dataset.fontPx = String(this.term.options.fontSize);
  }
}
