/** Generic frame log for kinds without their own view: the latest frames as plain text. */
import type { WireFrame } from '../../../protocol/messages';
import { formatDuration } from '../core/format';
import { h } from '../ui/dom';

const MAX_LINES = 300;

/** A scrolling log of frames (newest at the bottom). */
export class FrameLog {
  readonly root: HTMLElement;
  private readonly list: HTMLElement;

  constructor() {
    this.list = h('ol', { class: 'frame-log', 'data-testid': 'frame-log', 'aria-label': 'Frames received' });
    this.root = h('section', { class: 'panel log-panel', 'aria-label': 'Frame log' }, h('h2', {}, 'Frames'), this.list);
  }

  /** Append frames (seq order). */
  add(frames: readonly WireFrame[]): void {
    const stick = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 8;
    for (const f of frames) {
      let data: string;
      try {
        data = typeof f.data === 'string' ? f.data : JSON.stringify(f.data);
      } catch {
        data = String(f.data);
      }
      if (data.length > 400) data = `${data.slice(0, 400)}…`;
      this.list.appendChild(
        h('li', { 'data-seq': f.seq }, h('span', { class: 'num muted' }, `#${f.seq} ${formatDuration(f.t)} `), h('b', {}, f.type), ' ', data),
      );
    }
    while (this.list.children.length > MAX_LINES) this.list.firstElementChild?.remove();
    if (stick) this.list.scrollTop = this.list.scrollHeight;
  }

  /** Remove frames with these seqs (a seek replaced them). */
  remove(seqs: readonly number[]): void {
    const drop = new Set(seqs);
    for (const li of Array.from(this.list.children)) {
      if (drop.has(Number((li as HTMLElement).dataset.seq))) li.remove();
    }
  }
}
