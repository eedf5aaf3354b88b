/**
 * The timeline, which is also the seek bar. The recording's markers (protocol 1.1
 * `joined.markers` and `markers` messages: games, breaks, sets, wickets, checks…) across the
 * whole match from the start, as ticks (`data-marker-seq`) and as a "Jump to" list a
 * controller picks from (a `seek` to the marker's `t`); one mark per frame held for kinds that
 * have them (tennis points, coloured by who won, `data-seq` set); a playhead at the estimated media
 * position. Controllers click or drag to seek (one `seek` on release); spectators only watch
 * it move. Keyboard, when the slider has focus (client/playback.ts sliderKeyMs): ←/→ and ↓/↑
 * one seek step (30 s), PageDown/PageUp five minutes, Home/End the start and the end; ←/→
 * also work anywhere on the page (the player view's keys).
 */
import { sliderKeyMs } from '../../../client/playback';
import { formatDuration } from '../core/format';
import type { WireMarker } from '../kinds/types';
import { h, setText } from '../ui/dom';

/** Most markers kept (the protocol's cap per recording). */
const MAX_MARKERS = 2000;

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
  private readonly markerLayer: HTMLElement;
  /** The "Jump to" list (placed by the player view right after {@link root}). */
  readonly jump: HTMLSelectElement;
  private markers: WireMarker[] = [];
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
    this.markerLayer = h('div', { class: 'tl-markers', 'aria-hidden': 'true', 'data-testid': 'timeline-markers' });
    this.jump = h('select', { class: 'tl-jump', 'aria-label': 'Jump to a moment of the match', 'data-testid': 'marker-jump', disabled: true });
    this.jump.addEventListener('change', () => this.jumpTo());
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
      this.markerLayer,
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
    this.drawMarkers();
  }

  /** Whether this viewer may seek (controllers only). */
  setCanSeek(can: boolean): void {
    this.canSeek = can;
    this.track.classList.toggle('can-seek', can);
    this.track.setAttribute('aria-disabled', String(!can));
    this.track.title = can ? 'Click or drag to seek' : 'Only the players can seek';
    this.drawJump();
  }

  /** The recording's markers, replacing those shown (at most {@link MAX_MARKERS}, kept in seq order). */
  setMarkers(markers: readonly WireMarker[]): void {
    this.markers = [];
    this.addMarkers(markers);
  }

  /** More markers (a `markers` message): appended, a marker already shown (same seq and kind) once. */
  addMarkers(markers: readonly WireMarker[]): void {
    const seen = new Set(this.markers.map((m) => `${m.seq}:${m.kind}`));
    for (const m of markers) {
      if (this.markers.length >= MAX_MARKERS) break;
      if (seen.has(`${m.seq}:${m.kind}`)) continue;
      seen.add(`${m.seq}:${m.kind}`);
      this.markers.push(m);
    }
    this.markers.sort((a, b) => a.seq - b.seq);
    this.drawMarkers();
  }

  /** The markers shown, in seq order. */
  get markerList(): readonly WireMarker[] {
    return this.markers;
  }

  private drawMarkers(): void {
    this.markerLayer.replaceChildren(
      ...this.markers.map((m) => {
        const el = h('span', { class: `tl-marker k-${m.kind.replace(/[^a-z0-9-]/gi, '')}`, 'data-marker-seq': m.seq, 'data-marker-kind': m.kind, title: m.label });
        el.style.left = `${this.pct(m.t)}%`;
        return el;
      }),
    );
    this.drawJump();
  }

  /** The "Jump to" list: one option per marker (its time and label), for controllers only. */
  private drawJump(): void {
    const key = `${this.canSeek}|${this.markers.length}|${this.markers[this.markers.length - 1]?.seq ?? ''}`;
    if (this.jump.dataset.key === key) return;
    this.jump.dataset.key = key;
    this.jump.hidden = this.markers.length === 0;
    this.jump.disabled = !this.canSeek;
    this.jump.title = this.canSeek ? 'Jump to a moment' : 'Only the players can seek';
    this.jump.replaceChildren(
      h('option', { value: '' }, `Jump to… (${this.markers.length} moment${this.markers.length === 1 ? '' : 's'})`),
      ...this.markers.map((m, i) => h('option', { value: i, 'data-marker-seq': m.seq, 'data-t': m.t }, `${formatDuration(m.t)} ${m.label}`)),
    );
  }

  private jumpTo(): void {
    const picked = this.jump.value;
    this.jump.value = '';
    const m = picked === '' ? undefined : this.markers[Number(picked)];
    if (!m || !this.canSeek) return;
    this.onSeek(m.t);
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
