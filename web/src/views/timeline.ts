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
 *
 * It is also a replay scrubber (the rules are pure, in core/scrubber.ts): hovering — or, on a
 * touch screen, pressing — the bar previews the time there and the label of the marker at or
 * before it (the score, where the kind's label carries it); controllers get previous / next
 * marker buttons, of any kind or of one (set, game, break, wicket, over…), and the page's keys
 * 0–9 (0–90 % of the match) and [ / ] (previous / next marker), passed in by the player view
 * ({@link Timeline.key}); "Share this moment" copies a link that opens this game as the
 * viewer's own stream at the playhead.
 */
import { sliderKeyMs } from '../../../client/playback';
import { formatDuration } from '../core/format';
import { digitKeyMs, kindName, markerAtOrBefore, markerKinds, previewAt, shareMomentLink, stepMarker } from '../core/scrubber';
import type { WireMarker } from '../kinds/types';
import { h, setText } from '../ui/dom';
import { toast } from '../ui/toast';

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

/** A page key the timeline acts on (player/transport.ts `keyIntent`): a number key, or [ / ] for the previous / next marker. */
export type TimelineKey = { readonly kind: 'digit'; readonly key: string } | { readonly kind: 'marker'; readonly dir: 1 | -1 };

/** How long a touch preview stays up after the finger leaves the bar (ms). */
const TOUCH_PREVIEW_MS = 1_500;

/** The timeline component. */
export class Timeline {
  /** The bar (times and track) and, under it, the scrubber's buttons. */
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
  /** The preview over the bar: the time and the label of the marker at or before it. */
  private readonly preview: HTMLElement;
  private readonly previewTime: HTMLElement;
  private readonly previewLabel: HTMLElement;
  private previewTimer: number | undefined;
  private readonly prevBtn: HTMLButtonElement;
  private readonly nextBtn: HTMLButtonElement;
  /** Which markers previous / next step through: "" all, else one kind. */
  private readonly kindSelect: HTMLSelectElement;
  private readonly shareBtn: HTMLButtonElement;
  private readonly shareField: HTMLInputElement;
  private readonly stepGroup: HTMLElement;
  /** The game shown (for "Share this moment"); undefined until the stream is joined. */
  private gameId: string | undefined;

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
    this.previewTime = h('span', { class: 'num tl-preview-time' });
    this.previewLabel = h('span', { class: 'tl-preview-label' });
    this.preview = h('div', { class: 'tl-preview', hidden: true, 'aria-hidden': 'true', 'data-testid': 'timeline-preview' }, this.previewTime, this.previewLabel);
    this.track.appendChild(this.preview);
    this.timeEnd = h('span', { class: 'num tl-time' }, '0:00:00');
    this.prevBtn = h('button', { class: 'btn tl-step', type: 'button', 'aria-label': 'Previous marker', 'aria-keyshortcuts': '[', title: 'Previous marker ([)', 'data-testid': 'marker-prev', onclick: () => this.step(-1) }, '⏮ Previous');
    this.nextBtn = h('button', { class: 'btn tl-step', type: 'button', 'aria-label': 'Next marker', 'aria-keyshortcuts': ']', title: 'Next marker (])', 'data-testid': 'marker-next', onclick: () => this.step(1) }, 'Next ⏭');
    this.kindSelect = h('select', { class: 'tl-kind', 'aria-label': 'Which markers Previous and Next go to', 'data-testid': 'marker-kind' });
    this.stepGroup = h('div', { class: 'tl-steps', role: 'group', 'aria-label': 'Jump between markers', hidden: true }, this.prevBtn, this.kindSelect, this.nextBtn);
    this.shareField = h('input', { class: 'invite-link share-link', type: 'text', readonly: true, hidden: true, 'aria-label': 'Link to this moment', 'data-testid': 'share-link' });
    this.shareBtn = h('button', { class: 'btn', type: 'button', hidden: true, 'data-testid': 'share-moment', onclick: () => this.share() }, '🔗 Share this moment');
    this.root = h(
      'div',
      { class: 'timeline-wrap' },
      h('div', { class: 'timeline' }, this.timeNow, this.track, this.timeEnd),
      h('div', { class: 'tl-controls' }, this.stepGroup, this.shareBtn, this.shareField),
    );
    this.track.addEventListener('keydown', (e) => this.keyDown(e));
    this.track.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.track.addEventListener('pointermove', (e) => this.pointerMove(e));
    this.track.addEventListener('pointerup', (e) => this.pointerUp(e));
    this.track.addEventListener('pointercancel', () => this.endDrag());
    this.track.addEventListener('pointerleave', (e) => {
      if (this.dragging) return;
      this.ghost.hidden = true;
      if (e.pointerType === 'mouse') this.hidePreview();
    });
  }

  /** The game on screen: "Share this moment" links to it. */
  setGame(gameId: string): void {
    this.gameId = gameId;
    this.shareBtn.hidden = false;
  }

  /**
   * A page key (the player view's, player/transport.ts `keyIntent`): a number key seeks to
   * 0–90 % of the match, [ / ] to the previous / next marker (of the kind picked). The seek
   * goes through `onSeek`, which refuses it (and says why) for a viewer who does not control
   * playback; a key with nowhere to go (no length yet, no marker that way) does nothing.
   */
  key(k: TimelineKey): void {
    if (k.kind === 'digit') {
      const to = digitKeyMs(k.key, this.durationMs);
      if (to !== undefined) this.onSeek(to);
      return;
    }
    this.step(k.dir);
  }

  /** Seek to the previous (`dir` -1) or next (1) marker of the kind picked, when there is one. */
  private step(dir: 1 | -1): void {
    const m = stepMarker(this.markers, this.positionMs, dir, this.kindSelect.value || undefined);
    if (m) this.onSeek(m.t);
  }

  /** "Share this moment": the link to this game at the playhead, copied (and shown, to copy by hand). */
  private share(): void {
    if (this.gameId === undefined) return;
    const link = shareMomentLink(`${location.origin}${location.pathname}${location.search}`, this.gameId, this.positionMs);
    this.shareField.value = link;
    this.shareField.hidden = false;
    this.shareBtn.dataset.link = link;
    this.shareField.select();
    void (navigator.clipboard?.writeText(link) ?? Promise.reject(new Error('no clipboard'))).then(
      () => toast(`Link to ${formatDuration(this.positionMs)} copied: it opens this game on your own from there.`, 'ok', 3000),
      () => toast('Select the link and copy it.', 'info', 3000),
    );
  }

  /** Show the preview at media time `ms`: the time, and the label of the marker at or before it. */
  private showPreview(ms: number): void {
    window.clearTimeout(this.previewTimer);
    const p = previewAt(this.markers, ms);
    setText(this.previewTime, p.time);
    setText(this.previewLabel, p.label ?? '');
    this.previewLabel.hidden = p.label === undefined;
    if (p.markerSeq !== undefined) this.preview.dataset.markerSeq = String(p.markerSeq);
    else delete this.preview.dataset.markerSeq;
    this.preview.dataset.ms = String(ms);
    this.preview.style.left = `${this.pct(ms)}%`;
    this.preview.classList.toggle('edge-start', this.pct(ms) < 15);
    this.preview.classList.toggle('edge-end', this.pct(ms) > 85);
    this.preview.hidden = false;
  }

  private hidePreview(afterMs = 0): void {
    window.clearTimeout(this.previewTimer);
    if (afterMs <= 0) this.preview.hidden = true;
    else this.previewTimer = window.setTimeout(() => (this.preview.hidden = true), afterMs);
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
    this.drawSteps();
  }

  /** Previous / next marker and the kind filter (all markers, or one kind with its count): controllers only, once there are markers. */
  private drawSteps(): void {
    this.stepGroup.hidden = !this.canSeek || this.markers.length === 0;
    const kinds = markerKinds(this.markers);
    const key = kinds.map((k) => `${k.kind}:${k.count}`).join('|');
    if (this.kindSelect.dataset.key === key) return;
    this.kindSelect.dataset.key = key;
    const picked = this.kindSelect.value;
    this.kindSelect.replaceChildren(
      h('option', { value: '' }, 'Any marker'),
      ...kinds.map((k) => h('option', { value: k.kind }, `${kindName(k.kind)} (${k.count})`)),
    );
    this.kindSelect.value = kinds.some((k) => k.kind === picked) ? picked : '';
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
    this.drawSteps();
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
    // The marker at or before the playhead too, as the hover preview shows it (keyboard and screen-reader users get the same).
    const at = markerAtOrBefore(this.markers, this.positionMs);
    this.track.setAttribute('aria-valuetext', `${text} of ${formatDuration(this.durationMs)}${at ? ` · ${at.label}` : ''}`);
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
    this.showPreview(ms);
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
    if (this.durationMs <= 0) return;
    // Anyone may preview (a touch shows it while the finger is down); only a controller seeks.
    if (!this.canSeek) {
      if (e.pointerType !== 'mouse') this.showPreview(this.msAt(e));
      return;
    }
    this.dragging = true;
    this.track.setPointerCapture(e.pointerId);
    this.showGhost(this.msAt(e));
    e.preventDefault();
  }

  private pointerMove(e: PointerEvent): void {
    if (this.durationMs <= 0) return;
    if (this.canSeek) this.showGhost(this.msAt(e));
    else if (e.pointerType === 'mouse' || e.buttons !== 0) this.showPreview(this.msAt(e));
  }

  private pointerUp(e: PointerEvent): void {
    if (e.pointerType !== 'mouse') this.hidePreview(TOUCH_PREVIEW_MS);
    if (!this.dragging) return;
    const ms = this.msAt(e);
    this.endDrag();
    this.onSeek(ms);
  }

  private endDrag(): void {
    this.dragging = false;
    this.ghost.hidden = true;
    if (!this.track.matches(':hover')) this.hidePreview(TOUCH_PREVIEW_MS);
  }
}
