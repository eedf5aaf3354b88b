/**
 * The generic web view, for kinds the client has no view of its own for (`generic` JSON Lines
 * logs, and any other kind): how many events of each type have been seen and the latest events
 * themselves, from the shared generic state (kinds/generic), folded from the server's snapshot.
 */
import { generic, type GenericState } from '../../../../kinds/generic';
import type { JoinedMessage, WireFrame } from '../../../../protocol/messages';
import { formatDuration } from '../../core/format';
import { h, setText } from '../../ui/dom';
import { headerOf, FoldedState } from '../fold';
import type { KindModule, KindSlots, KindView, WireSnapshot } from '../types';

/** One line of the event log: "seq 12 · 0:01:05", "move", `{"x":3}` (data cut at 400 characters). */
export function eventLine(e: GenericState['recent'][number]): { head: string; type: string; data: string } {
  let data: string;
  try {
    data = typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
  } catch {
    data = String(e.data);
  }
  if (data.length > 400) data = `${data.slice(0, 400)}…`;
  return { head: `seq ${e.seq} · ${formatDuration(e.t)}`, type: e.type, data };
}

class GenericView implements KindView {
  private readonly folded: FoldedState<GenericState>;
  private readonly counts: HTMLElement;
  private readonly list: HTMLElement;

  constructor(slots: KindSlots, joined: JoinedMessage, participants: readonly string[] | undefined) {
        this.folded = new FoldedState(generic, () => generic.initialState(headerOf(joined, participants)));
    this.counts = h('p', { class: 'small muted', 'data-testid': 'event-counts' }, 'No events yet.');
    this.list = h('ol', { class: 'frame-log', 'data-testid': 'frame-log', 'aria-label': 'Latest events' });
    slots.body.replaceChildren(h('section', { class: 'panel log-panel', 'aria-label': 'Events' }, h('h2', {}, 'Events'), this.counts, this.list));
  }

  get upTo(): number {
    return this.folded.upTo;
  }

  reset(base: WireSnapshot | undefined, held: readonly WireFrame[]): void {
    this.folded.reset(base, held);
  }

  add(frames: readonly WireFrame[], held: readonly WireFrame[]): string | undefined {
    this.folded.add(frames, held);
    const last = frames[frames.length - 1];
    return last ? `New event: ${last.type}` : undefined;
  }

  render(): void {
    const s = this.folded.state;
    const types = Object.entries(s.counts).sort((a, b) => b[1] - a[1]);
    setText(
      this.counts,
      s.events === 0 ? 'No events yet.' : `${s.events} event${s.events === 1 ? '' : 's'}: ${types.map(([t, n]) => `${t} ${n}`).join(', ')}${s.otherTypes ? `, other ${s.otherTypes}` : ''}`,
    );
    const key = s.recent.map((e) => e.seq).join(',');
    if (this.list.dataset.key === key) return;
    this.list.dataset.key = key;
    this.list.replaceChildren(
      ...s.recent.map((e) => {
        const l = eventLine(e);
        return h('li', { 'data-event-seq': e.seq }, h('span', { class: 'num muted' }, `${l.head} `), h('b', {}, l.type), ' ', l.data);
      }),
    );
    this.list.scrollTop = this.list.scrollHeight;
  }
}

/** Generic events (`kind: 'generic'`), also the view of any kind without one of its own. */
export const genericView: KindModule = {
  kind: 'generic',
  mount: (slots, joined, participants) => new GenericView(slots, joined, participants),
};
