/**
 * Chat (plain text, rendered with textContent only) and emoji reactions with a floating
 * animation over the stage. Nothing here is stored: chat is volatile (the server relays it
 * to the stream's connections and keeps no history).
 */
import { ALLOWED_EMOJI, MAX_CHAT_CHARS } from '../../../protocol/messages';
import { AudienceTally } from '../core/audience';
import { formatClockTime } from '../core/format';
import { h } from '../ui/dom';

const MAX_MESSAGES = 200;
const MAX_FLOATING = 30;

/** Chat panel + reaction bar. */
export class ChatPanel {
  readonly root: HTMLElement;
  readonly reactions: HTMLElement;
  private readonly list: HTMLElement;
  private readonly input: HTMLInputElement;
  private stage: HTMLElement | null = null;
  /** Texts sent and not yet seen coming back from the server, oldest first. */
  private readonly unconfirmed: string[] = [];
  private readonly audience = new AudienceTally();
  /** The join/leave notice being updated in place (while it is the log's last line). */
  private audienceLine: HTMLElement | null = null;

  constructor(
    private readonly sendChat: (text: string) => boolean,
    private readonly sendReact: (emoji: string) => boolean,
  ) {
    this.list = h('ol', { class: 'chat-list', role: 'log', 'aria-live': 'polite', 'aria-label': 'Chat messages', 'data-testid': 'chat-log' });
    this.input = h('input', {
      class: 'chat-input',
      type: 'text',
      maxlength: MAX_CHAT_CHARS,
      placeholder: 'Say something…',
      'aria-label': 'Chat message',
      autocomplete: 'off',
      'data-testid': 'chat-input',
    });
    const form = h(
      'form',
      { class: 'chat-form', 'aria-label': 'Send a chat message' },
      this.input,
      h('button', { class: 'btn primary', type: 'submit', 'aria-label': 'Send chat message', 'data-testid': 'chat-send' }, 'Send'),
    );
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.input.blur(); // back to the playback shortcuts
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      if (this.sendChat(text)) {
        this.input.value = '';
        this.unconfirmed.push(text);
        if (this.unconfirmed.length > 20) this.unconfirmed.shift();
      }
    });
    this.reactions = h(
      'div',
      { class: 'reactions', role: 'group', 'aria-label': 'Emoji reactions', 'data-testid': 'reactions' },
      ...ALLOWED_EMOJI.map((emoji) =>
        h('button', { class: 'react-btn', type: 'button', 'aria-label': `React ${emoji}`, 'data-emoji': emoji, onclick: () => this.sendReact(emoji) }, emoji),
      ),
    );
    this.root = h('section', { class: 'panel chat', 'aria-label': 'Chat' }, h('h2', {}, 'Chat'), this.list, form);
  }

  /** Bring the chat into view and put the cursor in its input (the player's Chat button on a phone). */
  focusInput(): void {
    this.root.scrollIntoView({ block: 'end' });
    this.input.focus({ preventScroll: true });
  }

  /** The server relayed one of this viewer's messages back: it was delivered. */
  confirm(text: string): void {
    const i = this.unconfirmed.indexOf(text);
    if (i >= 0) this.unconfirmed.splice(i, 1);
  }

  /**
   * The server refused this viewer's latest chat message (rate limited, too large): its text goes
   * back into the input, unless the viewer has typed something new there, so it can be sent again.
   */
  refused(): void {
    const text = this.unconfirmed.pop();
    if (text === undefined) return;
    if (this.input.value.trim() === '') this.input.value = text;
    else if (!this.input.value.includes(text)) this.input.value = `${text} ${this.input.value}`.slice(0, MAX_CHAT_CHARS);
  }

  /** The element reactions float over. */
  setStage(el: HTMLElement): void {
    this.stage = el;
  }

  /**
   * Show a chat message (all fields are plain text). `fromId`, the sender's short stable id
   * (protocol `chat.fromId`), is shown after the name as `#abc123`, so two people with the
   * same display name are told apart.
   */
  addMessage(from: string, text: string, at: number, mine: boolean, fromId?: string): void {
    const stick = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 8;
    this.list.appendChild(
      h(
        'li',
        { class: `chat-msg${mine ? ' mine' : ''}`, 'data-testid': 'chat-message' },
        h('span', { class: 'chat-time num' }, formatClockTime(at)),
        h('span', { class: 'chat-from' }, from),
        fromId ? h('span', { class: 'chat-id num', title: 'Sender id: the same person always has the same one', 'data-testid': 'chat-sender-id' }, `#${fromId}`) : null,
        h('span', { class: 'chat-text' }, text),
      ),
    );
    while (this.list.children.length > MAX_MESSAGES) this.list.firstElementChild?.remove();
    if (stick || mine) this.list.scrollTop = this.list.scrollHeight;
  }

  /**
   * The stream's audience is now `clients` connections (protocol `presence`): who joined and
   * left since the last line is one notice (web/src/core/audience.ts), updated in place while
   * nothing else was written after it. Counts against {@link resetAudience}'s baseline.
   */
  showAudience(clients: number): void {
    if (this.audienceLine && this.list.lastElementChild !== this.audienceLine) {
      this.audience.cut();
      this.audienceLine = null;
    }
    const text = this.audience.update(clients);
    if (text === undefined) return;
    if (this.audienceLine) this.audienceLine.textContent = text;
    else {
      this.addNotice(text);
      this.audienceLine = this.list.lastElementChild as HTMLElement;
      this.audienceLine.dataset.testid = 'audience-notice';
    }
  }

  /**
   * A new stream or a rejoin: `clients` (`joined.clients`, counting this viewer) is the audience
   * count the next ones are compared with, so the viewer's own arrival is not announced.
   */
  resetAudience(clients: number): void {
    this.audience.reset(clients);
    this.audienceLine = null;
  }

  /** A system line (joins, pauses…). */
  addNotice(text: string): void {
    this.list.appendChild(h('li', { class: 'chat-notice' }, text));
    while (this.list.children.length > MAX_MESSAGES) this.list.firstElementChild?.remove();
    this.list.scrollTop = this.list.scrollHeight;
  }

  /**
   * Show one window of a stream's reactions (protocol `reactions.counts`, emoji → count): each
   * emoji floats up once, labelled with its count when more than one (`🔥 ×12`). Only emoji
   * from the allowed set are shown.
   */
  showReactions(counts: Record<string, number>): void {
    for (const [emoji, count] of Object.entries(counts)) {
      if (!(count >= 1)) continue;
      this.floatReaction(emoji, count > 1 ? `${count} reactions` : '1 reaction', count > 1 ? ` ×${Math.floor(count)}` : '');
    }
  }

  /** Float an emoji up over the stage, with an optional `label` after it. Only emoji from the allowed set are shown. */
  floatReaction(emoji: string, from: string, label = ''): void {
    if (!this.stage || !(ALLOWED_EMOJI as readonly string[]).includes(emoji)) return;
    if (this.stage.querySelectorAll('.float-emoji').length >= MAX_FLOATING) return;
    const el = h('span', { class: 'float-emoji', 'aria-hidden': 'true', 'data-testid': 'float-emoji', title: from }, `${emoji}${label}`);
    el.style.left = `${10 + Math.random() * 80}%`;
    el.style.animationDuration = `${2.2 + Math.random() * 1.2}s`;
    el.addEventListener('animationend', () => el.remove());
    window.setTimeout(() => el.remove(), 5000);
    this.stage.appendChild(el);
  }
}
