/**
 * The point-by-point timeline, which is also the seek bar. One mark per point held (coloured
 * by who won it, `data-seq` set), set boundaries labelled, a playhead at the estimated media
 * position. Controllers click or drag to seek (one `seek` on release); spectators only watch
 * it move. Keyboard, when the slider has focus (client/playback.ts sliderKeyMs): ←/→ and ↓/↑
 * one seek step (30 s), PageDown/PageUp five minutes, Home/End the start and the end; ←/→
 * also work anywhere on the page (the player view's keys).
 */
import { sliderKeyMs } from '../../../client/playback';
import { formatDuration } from '../core/format';
import { h, setText } from '../ui/dom';

/** A point mark. */
export interface TimelineMark {
  readonly seq: number;
  readonly t: number;
  /** 1 or 2: who won the point (colour); null for unknown/non-tennis. */
  readonly winner: 1 | 2 | null;
  readonly label: string;
}

/** The timeline component. */
export class Timeline {
  readonly root: HTMLElement;
  private readonly track: HTMLElement;
  private readonly marks: HTMLElement;
  private readonly sets: HTMLElement;
  private readonly played: HTMLElement;
  private readonly head: HTMLElement;
  private readonly ghost: HTMLElement;
  private readonly timeNow: HTMLElement;
  private readonly timeEnd: HTMLElement;
  private readonly markEls = new Map<number, HTMLElement>();
  private durationMs = 0;
  private positionMs = 0;
  private canSeek = false;
  private dragging = false;

  constructor(private readonly onSeek: (toMs: number) => void) {
    this.marks = h('div', { class: 'tl-marks', 'data-testid': 'timeline-points' });
    this.sets = h('div', { class: 'tl-sets', 'aria-hidden': 'true' });
    this.played = h('div', { class: 'tl-played' });
    this.head = h('div', { class: 'tl-head', 'data-testid': 'playhead' });
    this.ghost = h('div', { class: 'tl-ghost', hidden: true });
    this.track = h(
      'div',
      {
        class: 'tl-track',
        role: 'slider',
        tabindex: '0',
        'aria-label': 'Match timeline and seek bar',
        'aria-valuemin': '0',
        'aria-valuemax': '0',
        'aria-valuenow': '0',
        'aria-valuetext': '0:00:00',
        'data-testid': 'timeline',
      },
      this.played,
      this.sets,
      this.marks,
      this.ghost,
      this.head,
    );
    this.timeNow = h('span', { class: 'num tl-time', 'data-testid': 'position' }, '0:00:00');
    this.timeEnd = h('span', { class: 'num tl-time' }, '0:00:00');
    this.root = h('div', { class: 'timeline' }, this.timeNow, this.track, this.timeEnd);
    this.track.addEventListener('keydown', (e) => this.keyDown(e));
    this.track.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.track.addEventListener('pointermove', (e) => this.pointerMove(e));
    this.track.addEventListener('pointerup', (e) => this.pointerUp(e));
    this.track.addEventListener('pointercancel', () => this.endDrag());
    this.track.addEventListener('pointerleave', () => {
      if (!this.dragging) this.ghost.hidden = true;
    });
  }

  /** The recording's length (ms). */
  setDuration(ms: number): void {
    this.durationMs = Math.max(0, ms);
    this.track.setAttribute('aria-valuemax', String(Math.round(this.durationMs / 1000)));
    setText(this.timeEnd, formatDuration(this.durationMs));
    for (const [, el] of this.markEls) this.placeMark(el);
  }

  /** Whether this viewer may seek (controllers only). */
  setCanSeek(can: boolean): void {
    this.canSeek = can;
    this.track.classList.toggle('can-seek', can);
    this.track.setAttribute('aria-disabled', String(!can));
    this.track.title = can ? 'Click or drag to seek' : 'Only the players can seek';
  }

  /** Move the playhead to media time `ms`. */
  setPosition(ms: number): void {
    this.positionMs = Math.min(Math.max(0, ms), this.durationMs || ms);
    const pct = `${this.pct(this.positionMs)}%`;
    this.head.style.left = pct;
    this.played.style.width = pct;
    const text = formatDuration(this.positionMs);
    setText(this.timeNow, text);
    this.track.setAttribute('aria-valuenow', String(Math.round(this.positionMs / 1000)));
    this.track.setAttribute('aria-valuetext', `${text} of ${formatDuration(this.durationMs)}`);
  }

  /** The playhead's media time (ms). */
  get position(): number {
    return this.positionMs;
  }

  /** Make the marks exactly `marks` (adds new ones, removes replaced ones). */
  setMarks(marks: readonly TimelineMark[]): void {
    const keep = new Set<number>();
    for (const m of marks) {
      keep.add(m.seq);
      let el = this.markEls.get(m.seq);
      if (!el) {
        el = h('span', { class: 'tl-point', 'data-seq': m.seq, 'data-t': m.t });
        this.markEls.set(m.seq, el);
        this.marks.appendChild(el);
        this.placeMark(el);
      }
      el.className = `tl-point${m.winner ? ` w${m.winner}` : ''}`;
      el.title = m.label;
    }
    for (const [seq, el] of this.markEls) {
      if (!keep.has(seq)) {
        el.remove();
        this.markEls.delete(seq);
      }
    }
  }

  /** Set boundaries (the first point of each set seen; the first one is where viewing began, not marked). */
  setBoundaries(bounds: readonly { set: number; t: number }[]): void {
    const key = bounds.map((b) => `${b.set}@${b.t}`).join(',');
    if (this.sets.dataset.key === key) return;
    this.sets.dataset.key = key;
    this.sets.replaceChildren(
      ...bounds
        .slice(1) // the first point seen starts no new set on screen
        .map((b) => {
          const el = h('span', { class: 'tl-set', 'data-set': b.set }, h('span', { class: 'tl-set-label' }, `S${b.set}`));
          el.style.left = `${this.pct(b.t)}%`;
          return el;
        }),
    );
  }

  private placeMark(el: HTMLElement): void {
    el.style.left = `${this.pct(Number(el.dataset.t))}%`;
  }

  private pct(ms: number): number {
    return this.durationMs > 0 ? Math.min(100, Math.max(0, (100 * ms) / this.durationMs)) : 0;
  }

  private msAt(e: PointerEvent): number {
    const r = this.track.getBoundingClientRect();
    const x = Math.min(Math.max(0, e.clientX - r.left), r.width);
    return Math.round(r.width > 0 ? (x / r.width) * this.durationMs : 0);
  }

  private showGhost(ms: number): void {
    this.ghost.hidden = false;
    this.ghost.style.left = `${this.pct(ms)}%`;
    this.ghost.dataset.time = formatDuration(ms);
  }

  /** The slider's own keys; ←/→ are left to the page's keys (the player view), which seek the same step. */
  private keyDown(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey || e.key === 'ArrowLeft' || e.key === 'ArrowRight') return;
    const to = sliderKeyMs(e.key, this.positionMs, this.durationMs);
    if (to === undefined) return;
    e.preventDefault();
    if (!this.canSeek || this.durationMs <= 0) return;
    this.onSeek(to);
  }

  private pointerDown(e: PointerEvent): void {
    if (!this.canSeek || this.durationMs <= 0) return;
    this.dragging = true;
    this.track.setPointerCapture(e.pointerId);
    this.showGhost(this.msAt(e));
    e.preventDefault();
  }

  private pointerMove(e: PointerEvent): void {
    if (!this.canSeek || this.durationMs <= 0) return;
    this.showGhost(this.msAt(e));
  }

  private pointerUp(e: PointerEvent): void {
    if (!this.dragging) return;
    const ms = this.msAt(e);
    this.endDrag();
    this.onSeek(ms);
  }

  private endDrag(): void {
    this.dragging = false;
    this.ghost.hidden = true;
  }
}
