/**
 * Terminal recordings (kind `terminal`, asciicast): an xterm.js terminal that writes the
 * `data` string of every frame of type `o`. Imported lazily by the player view, so xterm is
 * only downloaded for terminal streams.
 */
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { WireFrame } from '../../../protocol/messages';

/** An xterm.js screen fed from frames. */
export class TerminalScreen {
  readonly root: HTMLElement;
  private readonly term: Terminal;

  constructor() {
    this.root = document.createElement('section');
    this.root.className = 'panel terminal-panel';
    this.root.setAttribute('aria-label', 'Terminal recording');
    this.root.dataset.testid = 'terminal';
    this.term = new Terminal({
      convertEol: false,
      disableStdin: true,
      cursorBlink: false,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 13,
      theme: { background: '#0b0f14' },
      scrollback: 2000,
    });
  }

  /** Attach to the DOM (call after `root` is in the document). */
  open(): void {
    this.term.open(this.root);
  }

  /** Write output frames (type `o`, string data), in seq order. */
  write(frames: readonly WireFrame[]): void {
    for (const f of frames) if (f.type === 'o' && typeof f.data === 'string') this.term.write(f.data);
  }

  /** Clear the screen (after a seek: the replayed output redraws it). */
  reset(): void {
    this.term.reset();
  }
}
