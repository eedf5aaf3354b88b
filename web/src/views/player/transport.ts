/**
 * The player view's transport controls: the pause/resume button, one button per step of the
 * speed ladder both clients share (client/playback.ts: 0.25×–64×), locked for spectators, and
 * the keyboard (space pause/resume, ← / → one seek step, + / − a speed step, 0–9 a tenth of
 * the match each, [ / ] the previous / next marker — the last two handed to the timeline).
 */
import { SPEED_STEPS } from '../../../../client/playback';
import type { StreamStatus } from '../../../../protocol/messages';
import { formatSpeed } from '../../core/format';
import { h, setText } from '../../ui/dom';

/** What the controls ask the player view to do. */
export interface TransportActions {
  togglePause(): void;
  setSpeed(speed: number): void;
}

/**
 * A key press the player view acts on: pause/resume, a seek step or a speed step (`dir` 1
 * forward/faster), a number key `key` "0"–"9" (seek to 0–90 %, as asciinema's player does), or
 * the previous / next marker (`[` / `]`).
 */
export type KeyIntent =
  | { readonly kind: 'toggle' }
  | { readonly kind: 'seek'; readonly dir: 1 | -1 }
  | { readonly kind: 'speed'; readonly dir: 1 | -1 }
  | { readonly kind: 'digit'; readonly key: string }
  | { readonly kind: 'marker'; readonly dir: 1 | -1 };

/**
 * What a key press asks for, or undefined when it is not ours: modified keys, keys typed into a
 * text field, and space on a focused button or link (that control acts) are left alone.
 */
export function keyIntent(e: KeyboardEvent): KeyIntent | undefined {
  if (e.altKey || e.ctrlKey || e.metaKey) return undefined;
  const t = e.target as HTMLElement | null;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return undefined;
  if (e.key === ' ' || e.code === 'Space') {
    if (t && (t.tagName === 'BUTTON' || t.tagName === 'A')) return undefined;
    return { kind: 'toggle' };
  }
  if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') return { kind: 'seek', dir: e.key === 'ArrowLeft' ? -1 : 1 };
  if (e.key === '+' || e.key === '=' || e.key === '-' || e.key === '_') return { kind: 'speed', dir: e.key === '+' || e.key === '=' ? 1 : -1 };
  if (/^[0-9]$/.test(e.key)) return { kind: 'digit', key: e.key };
  if (e.key === '[' || e.key === ']') return { kind: 'marker', dir: e.key === '[' ? -1 : 1 };
  return undefined;
}

/** The pause button and the speed buttons. */
export class Transport {
  readonly root: HTMLElement;
  private readonly pauseBtn: HTMLButtonElement;
  private readonly speedBtns: HTMLButtonElement[];

  constructor(actions: TransportActions) {
    this.pauseBtn = h('button', { class: 'btn transport-main', type: 'button', 'aria-label': 'Pause', 'data-testid': 'play-pause', onclick: () => actions.togglePause() }, '❚❚');
    this.speedBtns = SPEED_STEPS.map((s) =>
      h('button', { class: 'btn speed', type: 'button', 'aria-label': `Speed ${formatSpeed(s)}`, 'aria-pressed': 'false', 'data-speed': s, onclick: () => actions.setSpeed(s) }, formatSpeed(s)),
    );
    this.root = h(
      'div',
      { class: 'transport', role: 'group', 'aria-label': 'Playback controls' },
      this.pauseBtn,
      h('div', { class: 'speeds', role: 'group', 'aria-label': 'Playback speed' }, ...this.speedBtns),
    );
  }

  /** Show the playback state: ▶ (Resume) while paused, ❚❚ (Pause) otherwise; the current speed's button pressed. */
  show(status: StreamStatus, speed: number): void {
    const paused = status === 'paused';
    setText(this.pauseBtn, paused ? '▶' : '❚❚');
    this.pauseBtn.setAttribute('aria-label', paused ? 'Resume' : 'Pause');
    for (const b of this.speedBtns) b.setAttribute('aria-pressed', String(Number(b.dataset.speed) === speed));
  }

  /**
   * Show a command in flight (`action` `pause`, `resume`, `speed` with its `speed`, `seek`) until
   * `undefined` clears it: the group is `aria-busy` and `data-pending` names the action; the
   * button pressed for it is marked `data-pending` (drawn busy).
   */
  setPending(action: string | undefined, speed?: number): void {
    this.root.setAttribute('aria-busy', String(action !== undefined));
    if (action === undefined) delete this.root.dataset.pending;
    else this.root.dataset.pending = action;
    this.pauseBtn.toggleAttribute('data-pending', action === 'pause' || action === 'resume');
    for (const b of this.speedBtns) b.toggleAttribute('data-pending', action === 'speed' && Number(b.dataset.speed) === speed);
  }

  /** Enable the controls for a controller; otherwise disable them with `tip` as the reason. */
  setControllable(can: boolean, tip: string): void {
    for (const b of [this.pauseBtn, ...this.speedBtns]) {
      b.disabled = !can;
      b.title = can ? '' : tip;
    }
    this.root.classList.toggle('locked', !can);
    this.root.title = can ? '' : tip;
  }
}
