/**
 * The top of the player view for two ways to watch (core/watch.ts): a watch party's invite —
 * its waiting state ("Waiting for a second viewer — share this link") and the invite link
 * first, with a copy button — and the notice of a link whose speed or start point the shared
 * stream did not take (`joined.notice` `shared_stream`), in plain words with a button to watch
 * on one's own at them.
 */
import type { JoinedMessage } from '../../../protocol/messages';
import { partyText, sharedNotice, sharedNoticeHref } from '../core/watch';
import { h, setText } from '../ui/dom';
import { toast } from '../ui/toast';

/** The watch party's invite and the shared-stream notice (each shown only when it applies). */
export class WatchBar {
  readonly root: HTMLElement;
  private readonly party: HTMLElement;
  private readonly partyState: HTMLElement;
  private readonly notice: HTMLElement;

  constructor() {
    this.partyState = h('strong', { class: 'party-state', 'data-testid': 'party-state', role: 'status' });
    this.party = h('div', { class: 'invite', hidden: true, 'data-testid': 'invite' });
    this.notice = h('div', { class: 'shared-notice', hidden: true, role: 'status', 'data-testid': 'shared-notice' });
    this.root = h('div', { class: 'watch-bar' }, this.party, this.notice);
  }

  /**
   * A watch party: its state and its invite `link` (the room id is the invite's secret — whoever
   * has the link takes the second seat), with Copy link. Waiting until {@link setPresence} says
   * a second person is in control (`clients` of `joined` until then).
   */
  showParty(link: string, clients: number): void {
    const field = h('input', { class: 'invite-link', type: 'text', readonly: true, value: link, 'aria-label': 'Invite link for this watch party', 'data-testid': 'invite-link' });
    const copy = h('button', { class: 'btn primary', type: 'button', 'aria-label': 'Copy the invite link', 'data-testid': 'copy-invite' }, 'Copy link');
    copy.addEventListener('click', () => {
      field.select();
      void (navigator.clipboard?.writeText(link) ?? Promise.reject(new Error('no clipboard'))).then(
        () => toast('Invite link copied.', 'ok', 2500),
        () => toast('Select the link and copy it.', 'info', 2500),
      );
    });
    this.party.replaceChildren(
      this.partyState,
      h('div', { class: 'invite-row' }, field, copy),
      h('span', { class: 'muted' }, 'Private: send it only to whom you invite. The first two people in the party share the controls; anyone after them watches.'),
    );
    this.setPresence(Math.min(clients, 2), Math.max(0, clients - 2));
    this.party.hidden = false;
  }

  /** The party's `presence`: waiting for a second viewer while one is in control, else who shares the controls. */
  setPresence(players: number, spectators: number): void {
    const t = partyText(players, spectators);
    setText(this.partyState, t.text);
    this.party.dataset.waiting = String(t.waiting);
  }

  /**
   * `joined.notice` `shared_stream`: `asked` (the link's speed and start point, media ms) did not
   * apply to the shared stream `joined` — say so, with "Watch on my own at 64×" (its own stream).
   * Any other notice is shown as the server words it.
   */
  showNotice(joined: JoinedMessage, asked: { speed?: number; atMs?: number }): void {
    const close = h('button', { class: 'btn ghost', type: 'button', 'aria-label': 'Dismiss this notice', onclick: () => (this.notice.hidden = true) }, '✕');
    if (joined.notice?.code !== 'shared_stream') {
      this.notice.replaceChildren(h('span', {}, joined.notice?.message ?? ''), close);
    } else {
      const n = sharedNotice(joined, asked);
      this.notice.replaceChildren(
        h('span', { 'data-testid': 'shared-notice-text' }, n.text),
        h('a', { class: 'btn primary', href: sharedNoticeHref(n), 'data-testid': 'watch-own', 'data-action': 'pvai' }, n.button),
        close,
      );
    }
    this.notice.hidden = false;
  }
}
