/**
 * The countdown over the stage of a scheduled stream: "Starts in 1:23" on the server's clock
 * while the stream is `scheduled` or `awaiting_start`, "Starting…" once `startsAt` is reached,
 * and when it is scheduled for in the viewer's time zone.
 */
import { countdownText, formatStartTime } from '../../core/schedule';
import { h, setText } from '../../ui/dom';

/** The countdown element (`data-testid=countdown`), hidden until a start is announced. */
export class Countdown {
  readonly root: HTMLElement;
  private readonly text: HTMLElement;
  private readonly at: HTMLElement;

  constructor() {
    this.text = h('strong', { class: 'countdown-text num', 'data-testid': 'countdown-text' });
    this.at = h('span', { class: 'countdown-at muted' });
    this.root = h('div', { class: 'countdown', hidden: true, role: 'timer', 'aria-live': 'off', 'data-testid': 'countdown' }, this.text, this.at);
  }

  /** Whether it shows. */
  get visible(): boolean {
    return !this.root.hidden;
  }

  /** Show the time left to `startsAt` at server time `now` (both epoch ms), or hide it (`startsAt` undefined). */
  show(startsAt: number | undefined, now: number): void {
    this.root.hidden = startsAt === undefined;
    if (startsAt === undefined) return;
    setText(this.text, countdownText(startsAt, now));
    setText(this.at, `Scheduled for ${formatStartTime(startsAt, now)}`);
    this.root.dataset.startsAt = String(startsAt);
  }
}
