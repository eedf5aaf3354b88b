/**
 * The player view (`#/watch/…`, `#/room/…`, `#/stream/…`): one stream, as a live broadcast.
 * This file is its state machine: it starts or joins the stream, rejoins after a reconnect with
 * the frame buffer's cursor (client/buffer.ts: no gap, no duplicate), follows `joined` /
 * `state` / `frames` / `ended`, and estimates the playhead between messages. The parts it
 * drives: the stage (player/stage.ts: the game kind's own view from web/src/kinds/, drawn from
 * the server's snapshot — protocol 1.1 `joined.snapshot`, a seek's `state.snapshot` — then the
 * frames after it), the
 * transport controls and keys (player/transport.ts), the countdown of a scheduled stream
 * (player/countdown.ts), the timeline seek bar, presence, chat and reactions. A live game's
 * timeline grows as frames are shown (client/session.ts). Frames a stream sends ahead of their
 * `dueAt` (protocol 1.1 `joined.leadMs`) wait in the session's playout queue: one timer wakes at
 * the next due frame and hands what is due to the stage; a `state` drops waiting frames it
 * replaced before they are drawn. Only a live game's live stream wears the
 * LIVE badge; a replay of a live game shows instead how far it is behind live, with a Jump to
 * live button (core/live.ts); a recording shows neither.
 */
import { isPreStart } from '../../../client/countdown';
import { clampSeekMs, seekStepMs, stepSpeed } from '../../../client/playback';
import { StreamSession } from '../../../client/session';
import { senderIdOf, type JoinedMessage, type ServerMessage, type StateMessage, type WireFrame } from '../../../protocol/messages';
import type { Outgoing } from '../connection';
import { errorText } from '../core/errors';
import { endedText, formatSpeed, modeLabel, statusLabel } from '../core/format';
import { canRetryNow, isUp, linkMessage, type LinkStatus } from '../core/link';
import { routeHash, type Route } from '../core/route';
import { AnnounceThrottle } from '../core/announce';
import { markersOf, snapshotOf, type WireSnapshot } from '../kinds/types';
import { behindLiveMs, behindLiveText, liveKind, type LiveKind } from '../core/live';
import { append, h, setText } from '../ui/dom';
import { toast } from '../ui/toast';
import { ChatPanel } from './chat';
import { Countdown } from './player/countdown';
import { Stage } from './player/stage';
import { keyIntent, Transport } from './player/transport';
import { Timeline } from './timeline';
import { WatchBar } from './watch-bar';

/** The actions that control playback: each is answered by a `state` (or an `error`). */
const CONTROL_ACTIONS = new Set(['pause', 'resume', 'speed', 'seek']);

/** How long a control command may stay pending without its `state` or `error` (ms). */
const PENDING_GIVE_UP_MS = 10_000;

/** What the player view needs from the app. */
export interface PlayerDeps {
  send(msg: Outgoing): boolean;
  /** The viewer's user id (token `sub`) and display name. */
  readonly me: { userId: string; name: string };
  /** Participants of a game from the last catalog, if known. */
  participants(gameId: string): readonly string[] | undefined;
  /** The server's time now (epoch ms): the countdown counts to the server's `startsAt`. */
  now(): number;
  /** Connect now instead of at the end of the reconnection delay. */
  retryNow(): void;
  /**
   * A live game's length (media ms) as the last catalog reported it, or undefined when the
   * catalog does not list it as live: the replay's "behind live" compares its playhead to this.
   */
  liveLengthMs(gameId: string): number | undefined;
  /** Ask for a fresh catalog (`list`): a replay of a live game refreshes the live game's length. */
  refreshCatalog(): void;
}

/** How often a replay of a live game asks for the catalog to learn the live game's length (ms). */
const LIVE_LENGTH_REFRESH_MS = 10_000;

/** One stream on screen. */
export class PlayerView {
  readonly root: HTMLElement;
  /**
   * The stream as this viewer knows it (client/session.ts): frame buffer, playout queue,
   * status, speed, the playhead's anchor on `Date.now()`, the known length, `startsAt`. Its
   * clock offset (server − local, ms) is the app's server clock: `deps.now()` − `Date.now()`.
   */
  private readonly session = new StreamSession({ clockOffsetMs: () => this.deps.now() - Date.now() });
  private ended = false;
  /** Wakes at the session's next due frame (client/playout.ts); undefined when none waits. */
  private playoutTimer: number | undefined;
  /** An `ended` `finished` that arrived while frames still wait: applied once the last is shown. */
  private endAfterPlayout: { text: string; reason: string } | undefined;
  private renderQueued = false;
  private positionTimer: number;

  // DOM
  private readonly titleEl: HTMLElement;
  private readonly modeBadge: HTMLElement;
  private readonly roleBadge: HTMLElement;
  private readonly statusBadge: HTMLElement;
  private readonly liveBadge: HTMLElement;
  /** "Behind live by M:SS" and Jump to live: shown only on a replay of a live game. */
  private readonly behindLive: HTMLElement;
  private readonly behindLiveText: HTMLElement;
  private readonly jumpToLive: HTMLAnchorElement;
  private liveLengthTimer: number | undefined;
  private readonly countdown = new Countdown();
  private readonly presenceEl: HTMLElement;
  private readonly banner: HTMLElement;
  /** A watch party's invite and a shared stream's notice, at the top (views/watch-bar.ts). */
  private readonly watchBar = new WatchBar();
  private readonly transport: Transport;
  private readonly timeline: Timeline;
  private readonly chat: ChatPanel;
  private readonly stage: Stage;
  private readonly onKey = (e: KeyboardEvent) => this.key(e);
  /** Shown over the stage while the server is out of reach. */
  private readonly offline: HTMLElement;
  private readonly offlineText: HTMLElement;
  private readonly offlineRetry: HTMLButtonElement;
  /** The connection as last told (web/src/core/link.ts). */
  private link: LinkStatus = { state: 'connecting' };
  /**
   * The playhead (media ms) when the link went down, held until the stream answers again
   * (`joined` after the rejoin): without data the stage and timeline stand still.
   */
  private frozenMs: number | undefined;
  /** The polite live region that announces new points, balls and frames (throttled: core/announce.ts). */
  private readonly announcer: HTMLElement;
  private readonly announceThrottle = new AnnounceThrottle();
  private announceTimer: number | undefined;
  /** The control command in flight (`pause`, `speed`, …) until its `state` or `error`. */
  private pending: string | undefined;
  private pendingTimer: number | undefined;
  /**
   * The last snapshot the server sent (`joined.snapshot`, a seek's `state.snapshot`): the
   * stage's state is it plus the frames held from its seq on. Undefined before one arrives (a
   * server before protocol 1.1: the stage folds from the kind's initial state).
   */
  private base: WireSnapshot | undefined;

  constructor(
    private readonly route: Exclude<Route, { name: 'catalog' | 'event' }>,
    private readonly deps: PlayerDeps,
  ) {
    this.titleEl = h('h1', { class: 'pv-title', 'data-testid': 'title' }, 'Connecting…');
    this.modeBadge = h('span', { class: 'badge', 'data-testid': 'mode' });
    this.roleBadge = h('span', { class: 'badge', 'data-testid': 'role' });
    this.statusBadge = h('span', { class: 'badge status', 'data-testid': 'play-status', 'data-status': 'starting', 'aria-live': 'polite' }, 'Starting');
    this.presenceEl = h('span', { class: 'presence num', 'data-testid': 'presence', 'aria-live': 'polite' });
    this.liveBadge = h('span', { class: 'live-badge', 'data-testid': 'live-badge', hidden: true, title: 'Live: frames arrive as they happen' }, 'LIVE');
    this.behindLiveText = h('span', { class: 'num', 'data-testid': 'behind-live-text' });
    this.jumpToLive = h('a', { class: 'btn', 'data-testid': 'jump-to-live', href: '#/' }, 'Jump to live');
    this.behindLive = h('div', { class: 'behind-live', hidden: true, 'data-testid': 'behind-live' }, this.behindLiveText, this.jumpToLive);
    this.banner = h('div', { class: 'banner', hidden: true, role: 'status', 'data-testid': 'ended-banner' });
    const body = h('div', { class: 'stage-body' });
    this.announcer = h('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true', 'data-testid': 'announcer' });
    this.offlineText = h('p', {}, '');
    this.offlineRetry = h('button', { class: 'btn primary', type: 'button', hidden: true, 'data-testid': 'stage-retry', onclick: () => this.deps.retryNow() }, 'Retry now');
    this.offline = h('div', { class: 'stage-offline', hidden: true, role: 'status', 'data-testid': 'stage-offline' }, h('strong', {}, 'Not connected'), this.offlineText, this.offlineRetry);
    const stageEl = h('div', { class: 'stage', 'data-testid': 'stage' }, body, this.countdown.root, this.offline);
    this.timeline = new Timeline((toMs) => this.seek(toMs));
    this.transport = new Transport({ togglePause: () => this.togglePause(), setSpeed: (s) => this.setSpeed(s) });
    this.chat = new ChatPanel(
      (text) => this.deps.send({ action: 'chat', text }) || (toast('Not connected — message not sent.'), false),
      (emoji) => this.deps.send({ action: 'react', emoji }),
    );
    this.chat.setStage(stageEl);
    const side = h('aside', { class: 'pv-side' }, this.chat.root);
    this.stage = new Stage({ stage: stageEl, body, side, timeline: this.timeline, participants: (g) => this.deps.participants(g) });
    this.root = h(
      'main',
      { class: 'player', 'data-testid': 'player' },
      h(
        'div',
        { class: 'pv-top' },
        h('a', { class: 'btn ghost back', href: '#/', 'aria-label': 'Back to the matches' }, '←'),
        h('div', { class: 'pv-heading' }, this.titleEl, h('div', { class: 'pv-badges' }, this.liveBadge, this.statusBadge, this.modeBadge, this.roleBadge, this.presenceEl)),
        // On a narrow screen the chat is below the stage and its controls: one tap away from here.
        h('button', { class: 'btn chat-jump', type: 'button', 'aria-label': 'Go to the chat', 'data-testid': 'chat-jump', onclick: () => this.chat.focusInput() }, '💬 Chat'),
      ),
      this.watchBar.root,
      this.behindLive,
      this.banner,
      this.announcer,
      h(
        'div',
        { class: 'pv-grid' },
        h('div', { class: 'pv-main', id: 'pv-main' }, stageEl, this.timeline.root, this.timeline.jump, this.transport.root, this.chat.reactions),
        side,
      ),
    );
    this.setControllable(false);
    document.addEventListener('keydown', this.onKey);
    this.positionTimer = window.setInterval(() => this.tickPosition(), 250);
  }

  /**
   * The connection changed (or its countdown ticked). While it is not open the stage says so,
   * with the countdown to the next attempt and a Retry now button; the playhead stops where
   * it was and the status badge says "Not connected" instead of a playing speed; the controls
   * are locked. The stream takes over again with its next `joined` (the rejoin's answer).
   */
  setLink(link: LinkStatus): void {
    const wasUp = isUp(this.link);
    this.link = link;
    const down = !isUp(link) && this.session.joined !== undefined && !this.ended;
    if (down && this.frozenMs === undefined) this.frozenMs = this.estimate();
    this.root.dataset.link = isUp(link) ? 'up' : 'down';
    // Back up but not yet answered by the stream (the rejoin's `joined`): still standing still.
    this.offline.hidden = !down && this.frozenMs === undefined;
    setText(this.offlineText, down ? linkMessage(link) : 'Connected again — catching up…');
    this.offlineRetry.hidden = !canRetryNow(link);
    if (down || wasUp !== isUp(link)) {
      this.showStatus();
      this.setControllable(this.isController);
    }
  }

  /** The socket is open (again; `_reconnected` after a drop): start, join, or rejoin with the buffer's cursor. */
  connected(_reconnected: boolean): void {
    if (this.ended) return;
    const rejoin = this.session.rejoinMessage();
    if (rejoin) {
      this.deps.send(rejoin); // the header's "Reconnected." toast says the rest
      return;
    }
    const r = this.route;
    if (r.name === 'stream') this.deps.send({ action: 'join', streamId: r.streamId });
    else {
      const msg: Outgoing = { action: 'start', gameId: r.gameId, mode: r.name === 'room' ? 'pvp' : r.mode };
      if (r.name === 'room') msg.room = r.room;
      if (r.speed !== undefined) msg.speed = r.speed;
      if (r.atMs !== undefined) msg.atMs = r.atMs;
      this.deps.send(msg);
    }
  }

  /** Handle a server message; returns true when it was this view's. */
  handle(msg: ServerMessage): boolean {
    switch (msg.type) {
      case 'markers':
        // The rest of `joined.markers` (protocol 1.1): appended.
        if (msg.streamId !== this.session.streamId) return false;
        this.stage.addMarkers(markersOf(msg));
        return true;
      case 'joined':
        if (this.session.streamId !== undefined && msg.streamId !== this.session.streamId) return false;
        this.onJoined(msg);
        return true;
      case 'state':
        if (msg.streamId !== this.session.streamId) return false;
        this.onState(msg);
        return true;
      case 'frames':
        if (msg.streamId !== this.session.streamId) return false;
        this.onFrames(msg.epoch, msg.frames);
        return true;
      case 'presence':
        if (msg.streamId !== this.session.streamId) return false;
        setText(this.presenceEl, `${msg.players} player${msg.players === 1 ? '' : 's'} · ${msg.spectators} watching`);
        this.presenceEl.dataset.players = String(msg.players);
        this.presenceEl.dataset.spectators = String(msg.spectators);
        this.watchBar.setPresence(msg.players, msg.spectators);
        this.chat.showAudience(msg.clients);
        return true;
      case 'chat': {
        if (msg.streamId !== this.session.streamId) return false;
        // Who sent it is the sender's short id (a hash of the userId), not the display name anyone can copy.
        const mine = msg.fromId !== undefined ? msg.fromId === senderIdOf(this.deps.me.userId) : msg.from === this.deps.me.userId || msg.from === this.deps.me.name;
        if (mine) this.chat.confirm(msg.text);
        this.chat.addMessage(msg.from, msg.text, msg.at, mine, msg.fromId);
        return true;
      }
      case 'reaction':
        if (msg.streamId !== this.session.streamId) return false;
        this.chat.floatReaction(msg.emoji, msg.from);
        return true;
      case 'reactions':
        if (msg.streamId !== this.session.streamId) return false;
        this.chat.showReactions(msg.counts);
        return true;
      case 'input':
        return msg.streamId === this.session.streamId;
      case 'ended':
        if (msg.streamId !== this.session.streamId) return false;
        this.onEnded(endedText(msg.reason), msg.reason);
        return true;
      case 'detached':
        // The answer to this view's own `stop`: the stream plays on for its other viewers.
        return msg.streamId === this.session.streamId;
      case 'error':
        if (msg.action === 'chat' && (msg.code === 'rate_limited' || msg.code === 'too_large')) {
          this.chat.refused();
          toast(errorText(msg), 'error');
          return true;
        }
        if (msg.action !== undefined && CONTROL_ACTIONS.has(msg.action)) this.clearPending();
        if (!this.session.joined && (msg.action === 'start' || msg.action === 'join')) {
          this.onEnded(`Could not open the stream. ${errorText(msg)}`, 'error');
        } else if (msg.action === 'rejoin' && msg.code === 'not_found') {
          this.onEnded('This stream is no longer running.', 'gone');
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  /** The catalog arrived (maybe after `joined`): use its participant names. */
  catalogUpdated(): void {
    const joined = this.session.joined;
    if (joined && this.stage.setPlayers(joined)) this.scheduleRender();
    this.showLive();
  }

  /** Leave: detach from the stream and stop timers. */
  destroy(): void {
    document.removeEventListener('keydown', this.onKey);
    window.clearInterval(this.positionTimer);
    window.clearTimeout(this.announceTimer);
    window.clearTimeout(this.pendingTimer);
    window.clearInterval(this.liveLengthTimer);
    window.clearTimeout(this.playoutTimer);
    this.playoutTimer = undefined;
    this.announceThrottle.reset();
    // An `ended` held back for the last frames: the stream is over already, nothing to stop.
    if (this.session.streamId !== undefined && !this.ended && !this.endAfterPlayout) this.deps.send({ action: 'stop' });
  }

  private get isController(): boolean {
    return this.session.joined?.role === 'player';
  }

  private onJoined(msg: JoinedMessage): void {
    const epochBefore = this.session.buffer.epoch;
    const { first, change } = this.session.onJoined(msg, Date.now());
    this.chat.resetAudience(msg.clients);
    const snapshot = snapshotOf(msg);
    if (snapshot) this.base = snapshot;
    this.frozenMs = undefined;
    this.offline.hidden = true;
    this.root.dataset.live = String(this.session.live);
    setText(this.titleEl, msg.title || msg.gameId);
    document.title = `${msg.title || msg.gameId} · matchcast`;
    setText(this.modeBadge, modeLabel(msg.mode));
    setText(this.roleBadge, msg.role === 'player' ? 'You control playback' : 'Spectator');
    this.roleBadge.dataset.role = msg.role;
    this.root.dataset.role = msg.role;
    this.root.dataset.kind = msg.kind;
    this.root.dataset.streamId = msg.streamId;
    this.timeline.setDuration(this.session.known.durationMs);
    this.timeline.setGame(msg.gameId);
    this.setControllable(msg.role === 'player');
    this.showStatus();
    this.showCountdown();
    this.showLive();
    const held = this.session.shown();
    if (first) {
      this.stage.setup(msg, this.base, held);
      this.stage.setMarkers(markersOf(msg));
      if (msg.mode === 'pvp') this.showInvite(msg);
      if (msg.notice) this.showNotice(msg);
    } else {
      // A rejoin's answer: into a newer epoch when someone moved the stream meanwhile.
      if (msg.movedFrom !== undefined || (msg.epoch > epochBefore && epochBefore >= 0)) this.chat.addNotice(this.movedText(msg));
      if (snapshot || change.removed.length) this.stage.reset(this.base, held);
      const markers = markersOf(msg);
      if (markers.length) this.stage.setMarkers(markers);
    }
    this.schedulePlayout();
    this.scheduleRender();
  }

  private onState(msg: StateMessage): void {
    const { prev, change } = this.session.onState(msg, Date.now());
    const prevStatus = prev.status;
    const prevSpeed = prev.speed;
    const snapshot = snapshotOf(msg);
    if (snapshot) {
      this.base = snapshot;
      this.stage.reset(snapshot, this.session.shown());
    } else if (change.removed.length) this.stage.remove(change.removed, this.session.shown(), this.base);
    this.schedulePlayout();
    this.clearPending();
    this.showStatus(msg.by);
    this.showCountdown();
    // What this viewer did themselves shows on the controls: the chat only tells of the others.
    if (msg.by !== 'system' && msg.by !== this.deps.me.userId) {
      const who = this.who(msg.by);
      if (prevStatus !== msg.status && msg.status === 'paused') this.chat.addNotice(`${who} paused.`);
      else if (prevStatus === 'paused' && msg.status === 'playing') this.chat.addNotice(`${who} resumed.`);
      else if (prevSpeed !== msg.speed) this.chat.addNotice(`${who} set the speed to ${formatSpeed(msg.speed)}.`);
      else if (change.removed.length || msg.positionMs !== this.timeline.position) this.chat.addNotice(`${who} moved to another point.`);
    }
    this.tickPosition();
    this.scheduleRender();
  }

  private onFrames(epoch: number, frames: readonly WireFrame[]): void {
    const { change, shown, grew } = this.session.onFrames(epoch, frames, Date.now());
    if (change.removed.length) this.stage.remove(change.removed, this.session.shown(), this.base);
    this.show(shown, grew);
    this.schedulePlayout();
    if (change.removed.length) this.scheduleRender();
  }

  /** Frames the session handed out to show (seq order): onto the stage, announced; `grew`: the timeline's length changed. */
  private show(frames: readonly WireFrame[], grew: boolean): void {
    if (frames.length === 0) return;
    if (grew) this.timeline.setDuration(this.session.known.durationMs);
    const line = this.stage.add(frames, this.session.shown());
    if (line) this.announce(line);
    this.scheduleRender();
  }

  /**
   * Wake at the session's next due frame (client/playout.ts) and show what is due then; one
   * timer, set again after every change. An `ended` held back for waiting frames applies once
   * the last of them is shown.
   */
  private schedulePlayout(): void {
    window.clearTimeout(this.playoutTimer);
    this.playoutTimer = undefined;
    const at = this.session.nextWakeAt();
    if (at === undefined) {
      const end = this.endAfterPlayout;
      this.endAfterPlayout = undefined;
      if (end) this.onEnded(end.text, end.reason);
      return;
    }
    this.playoutTimer = window.setTimeout(() => {
      this.playoutTimer = undefined;
      const before = this.session.known;
      const due = this.session.releaseDue(Date.now());
      this.show(due, this.session.known !== before);
      this.schedulePlayout();
    }, Math.max(0, at - Date.now()));
  }

  /** Say `line` in the live region, at most once per gap (core/announce.ts). */
  private announce(line: string): void {
    const step = this.announceThrottle.push(line, performance.now());
    if ('say' in step) setText(this.announcer, step.say);
    else if ('dueAt' in step) {
      this.announceTimer = window.setTimeout(() => {
        const text = this.announceThrottle.flush(performance.now());
        if (text) setText(this.announcer, text);
      }, Math.max(0, step.dueAt - performance.now()));
    }
  }

  private onEnded(text: string, reason: string): void {
    // A finished stream's `ended` may come up to `leadMs` before its last frames are due: they are shown first.
    if (reason === 'finished' && this.session.pending > 0 && this.playoutTimer !== undefined) {
      this.endAfterPlayout = { text, reason };
      return;
    }
    window.clearTimeout(this.playoutTimer);
    this.playoutTimer = undefined;
    this.endAfterPlayout = undefined;
    this.ended = true;
    this.frozenMs = undefined;
    this.offline.hidden = true;
    this.session.onEnded(reason, Date.now());
    const gameId = this.session.joined?.gameId;
    this.banner.replaceChildren();
    append(
      this.banner,
      h('strong', {}, reason === 'finished' ? 'Final' : 'Stream ended'),
      h('span', {}, ` ${text} `),
      h('a', { class: 'btn', href: '#/', 'aria-label': 'Back to the matches' }, 'Back to matches'),
      gameId !== undefined ? h('a', { class: 'btn', href: routeHash({ name: 'watch', gameId, mode: 'spectate' }), 'aria-label': 'Watch this game again from the start' }, 'Watch again') : null,
    );
    this.banner.dataset.reason = reason;
    this.banner.hidden = false;
    this.showLive();
    this.setControllable(false);
    this.showStatus();
    this.showCountdown();
    this.tickPosition();
    this.scheduleRender();
  }

  /**
   * `joined.notice` (PROTOCOL.md): a shared stream did not take this route's speed or start
   * point — say so at the top, with a button to watch on one's own at them (views/watch-bar.ts).
   */
  private showNotice(msg: JoinedMessage): void {
    this.watchBar.showNotice(msg, this.route.name === 'watch' ? this.route : {});
  }

  private showInvite(msg: JoinedMessage): void {
    const r = this.route;
    const room = r.name === 'room' ? r.room : msg.streamId.split(':')[2];
    if (!room) return;
    this.watchBar.showParty(`${location.origin}${location.pathname}${routeHash({ name: 'room', gameId: msg.gameId, room })}`, msg.clients);
  }

  /**
   * What the chat says when a rejoin lands in a newer epoch (`joined.movedFrom`, or an epoch
   * newer than the buffer's): the stream was moved (paused, sped up or seeked) while this
   * viewer was away — by whom when the message says (`joined.movedBy`, protocol 1.1).
   */
  private movedText(msg: JoinedMessage): string {
    const movedBy = msg.movedBy;
    const by = (msg as { by?: unknown }).by;
    const who = typeof movedBy === 'string' && movedBy !== '' ? movedBy : typeof by === 'string' && by !== '' && by !== 'system' ? this.who(by) : undefined;
    return `The stream moved while you were away${who ? ` (${who} moved it)` : ''}: the screen now shows where it is.`;
  }

  private who(userId: string): string {
    return userId === this.deps.me.userId ? 'You' : userId;
  }

  private showStatus(by?: string): void {
    const { status, speed } = this.session;
    if (this.frozenMs !== undefined) {
      setText(this.statusBadge, 'Not connected');
      this.statusBadge.dataset.status = 'disconnected';
      this.transport.show(status, speed);
      return;
    }
    let text = statusLabel(status);
    if (status === 'paused' && by && by !== 'system') text = `Paused by ${this.who(by) === 'You' ? 'you' : by}`;
    // "Playing", never "Live": the LIVE badge alone says live, and only on a live game's live stream.
    if (status === 'playing' && speed !== 1) text = `${statusLabel(status)} · ${formatSpeed(speed)}`;
    setText(this.statusBadge, text);
    this.statusBadge.dataset.status = status;
    if (by) this.statusBadge.dataset.by = by;
    this.transport.show(status, speed);
  }

  /** Show, update or hide the countdown: shown while the stream is scheduled or awaiting its announced start. */
  private showCountdown(): void {
    const { startsAt } = this.session;
    const show = !this.ended && isPreStart(this.session.status) && startsAt !== undefined;
    this.countdown.show(show ? startsAt : undefined, this.deps.now());
  }

  private setControllable(can: boolean): void {
    const down = this.frozenMs !== undefined;
    const tip = this.ended ? 'The stream has ended' : down ? 'Not connected to the server' : 'Only the players of this stream control playback';
    this.transport.setControllable(can && !down, tip);
    this.timeline.setCanSeek(can && !down);
  }

  /** The playhead now (media ms), from the last anchor at the current speed. */
  private estimate(): number {
    if (this.frozenMs !== undefined) return this.frozenMs;
    return this.session.playhead(Date.now());
  }

  /** Every 250 ms: the playhead, the countdown (its text changes once a second), and the lag behind live. */
  private tickPosition(): void {
    if (this.session.joined) this.timeline.setPosition(this.estimate());
    if (this.countdown.visible) this.showCountdown();
    if (!this.behindLive.hidden) this.showBehindLive();
  }

  /** What this stream is: a live game's live stream, a replay of a live game, or a recording (core/live.ts). */
  private get liveKind(): LiveKind {
    const joined = this.session.joined;
    if (this.ended || !joined) return 'recording';
    return liveKind({ ...joined, live: this.session.live });
  }

  /**
   * The live indicator: the LIVE badge on a live game's live stream only; on a replay of a live
   * game "Behind live by M:SS" and Jump to live (joins the live stream: `start`, mode spectate,
   * no atMs); on a recording neither. While a replay of a live game is shown, the catalog is
   * asked for every {@link LIVE_LENGTH_REFRESH_MS} to learn the live game's growing length.
   */
  private showLive(): void {
    const kind = this.liveKind;
    this.root.dataset.liveKind = kind;
    this.liveBadge.hidden = kind !== 'live';
    const replay = kind === 'replay-of-live';
    this.behindLive.hidden = !replay;
    const joined = this.session.joined;
    if (replay && joined) {
      this.jumpToLive.href = routeHash({ name: 'watch', gameId: joined.gameId, mode: 'spectate' });
      this.jumpToLive.setAttribute('aria-label', `Jump to live: watch ${joined.title || joined.gameId} live`);
      this.showBehindLive();
      if (this.liveLengthTimer === undefined) this.liveLengthTimer = window.setInterval(() => this.deps.refreshCatalog(), LIVE_LENGTH_REFRESH_MS);
    } else if (this.liveLengthTimer !== undefined) {
      window.clearInterval(this.liveLengthTimer);
      this.liveLengthTimer = undefined;
    }
  }

  /** "Behind live by M:SS": the live game's length (the stream's or the catalog's, the larger) minus the playhead. */
  private showBehindLive(): void {
    const joined = this.session.joined;
    if (!joined) return;
    const head = Math.max(this.session.known.durationMs, this.deps.liveLengthMs(joined.gameId) ?? 0);
    const behind = behindLiveMs(head, this.estimate());
    setText(this.behindLiveText, behindLiveText(behind));
    this.behindLive.dataset.behindMs = String(Math.round(behind));
  }

  private scheduleRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      // A live game's last frame so far is not the end of the match: no frameCount then.
      this.stage.render(this.session.joined && !this.session.live ? this.session.known.frameCount : undefined);
    });
  }

  private control(msg: Outgoing): void {
    if (this.frozenMs !== undefined) {
      toast('Not connected — the controls work again once the stream is back.', 'info', 3000);
      return;
    }
    if (!this.isController) {
      toast(errorText({ code: 'forbidden' }), 'info', 3000);
      return;
    }
    if (!this.deps.send(msg)) {
      toast('Not connected — try again in a moment.');
      return;
    }
    this.setPending(msg);
  }

  /**
   * A control command is in flight: the controls show it (busy) until its `state` or `error`
   * arrives, or {@link PENDING_GIVE_UP_MS} pass without either (a lost reply).
   */
  private setPending(msg: Outgoing): void {
    this.pending = msg.action;
    this.transport.setPending(msg.action, typeof msg.speed === 'number' ? msg.speed : undefined);
    this.timeline.root.setAttribute('aria-busy', String(msg.action === 'seek'));
    window.clearTimeout(this.pendingTimer);
    this.pendingTimer = window.setTimeout(() => this.clearPending(), PENDING_GIVE_UP_MS);
  }

  private clearPending(): void {
    if (this.pending === undefined) return;
    this.pending = undefined;
    window.clearTimeout(this.pendingTimer);
    this.transport.setPending(undefined);
    this.timeline.root.setAttribute('aria-busy', 'false');
  }

  private togglePause(): void {
    this.control({ action: this.session.status === 'paused' ? 'resume' : 'pause' });
  }

  private setSpeed(speed: number): void {
    if (speed !== this.session.speed) this.control({ action: 'speed', speed });
  }

  private seek(toMs: number): void {
    this.control({ action: 'seek', toMs: clampSeekMs(toMs, this.session.known.durationMs) });
  }

  private key(e: KeyboardEvent): void {
    if (this.ended || !this.session.joined) return;
    const intent = keyIntent(e);
    if (!intent) return;
    e.preventDefault();
    if (intent.kind === 'toggle') this.togglePause();
    else if (intent.kind === 'seek') this.seek(seekStepMs(this.estimate(), intent.dir, this.session.known.durationMs));
    else if (intent.kind === 'digit' || intent.kind === 'marker') this.timeline.key(intent);
    else this.setSpeed(stepSpeed(this.session.speed, intent.dir));
  }
}
