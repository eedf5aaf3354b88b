/**
 * One `npm run watch` session: the connection and session loop of the terminal client. It
 * connects to the WebSocket API (PROTOCOL.md), sends `start`, prints the stream (status lines
 * from ./status.ts; the game from ./view.ts, the kind's view of kinds/watch.ts), and after a
 * dropped connection reconnects with full-jitter backoff and `rejoin`s with the frame
 * buffer's cursor.
 *
 * The game: `joined.snapshot` (wire protocol 1.1) is drawn before the first frame when the
 * stream did not start at seq 0 (a late joiner, `--at`); every frame is applied with the
 * kind's reducer and prints the line it earns (a point, a ball, a move); a seek's
 * `state.snapshot` redraws the game; a rejoin whose `joined` is of a newer epoch says the
 * stream moved while the connection was down (and who moved it, when the server says) and
 * redraws it; `ended` draws the final state. A terminal recording is shown through an
 * emulator (kinds/terminal/watch.ts): on a TTY its screen is redrawn after every batch of
 * frames, otherwise its screen's text is printed where the other kinds draw their state.
 * `--raw` writes every frame's data as it is instead. De-dup by seq, epoch
 * fencing, the rejoin cursor, the playhead, a live game's growing length, the server clock and
 * the reconnect delays are the client core's (client/), shared with the web client. With a
 * TTY and mode pvai/pvp, keys control playback (./keys.ts). Frames a stream sends ahead of their
 * `dueAt` (protocol 1.1 `joined.leadMs` > 0) wait in the session's playout queue
 * (client/playout.ts) and are shown — printed, applied, collected — when due on the server clock
 * (a `ping` right after such a `joined` samples it); a `state` drops the waiting frames it
 * replaced unseen; a `finished` stream's `ended` waits for its last frames. A scheduled stream prints a countdown to its `startsAt` on the server clock
 * (`ping`/`pong.at`) — at most one line per 10 s plus the final one — until it plays; a live
 * game's header says LIVE.
 *
 * Importable: {@link runWatch} drives one session in-process (the end-to-end tests use it).
 */
import type { Readable, Writable } from 'node:stream';
import WebSocket from 'ws';
import { HEARTBEAT_MS, reconnectDelay } from '../../client/backoff';
import { ServerClock } from '../../client/clock';
import { isPreStart } from '../../client/countdown';
import { StreamSession } from '../../client/session';
import {
  parseServerMessage,
  type ClientMessage,
  type EndReason,
  type JoinedMessage,
  type Mode,
  type ServerMessage,
  type WireFrame,
} from '../../protocol/messages';
import { EXIT_FAILURE, errorText } from '../lib/cli';
import { cleanForTerminal } from './clean';
import { KEYS_HELP, keyCommand, KeyReader } from './keys';
import {
  CountdownPrinter,
  describeState,
  formatChat,
  formatDetached,
  formatEnded,
  formatError,
  formatInput,
  formatJoined,
  formatMarkers,
  formatPresence,
  formatReaction,
  formatReactions,
  type PlaybackView,
} from './status';
import { formatClock } from '../lib/format';
import type { Json } from '../../kinds';
import { headerOf, markersOf, movedByOf, snapshotOf, StreamView } from './view';

/** Exit code after an interruption (SIGINT / the caller's abort signal): 128 + SIGINT. */
export const EXIT_INTERRUPTED = 130;

/** One watch session. Times in milliseconds. */
export interface WatchOptions {
  /** The WebSocket endpoint (`ws://127.0.0.1:3000/`, `wss://…/prod`), without the token. */
  wsUrl: string;
  /** The access token, or a function fetching a fresh one (called again on each reconnect). */
  token: string | (() => Promise<string>);
  gameId: string;
  /** @default 'spectate' */
  mode?: Mode;
  /** pvp room id. */
  room?: string;
  /** Playback rate 0.25–64. @default server default (1) */
  speed?: number;
  /** Media time to start at (ms). */
  atMs?: number;
  /** Write every frame's data raw (`--raw`). */
  raw?: boolean;
  /** Read keys from stdin. @default stdin is a TTY and mode is pvai or pvp */
  interactive?: boolean;
  /** Ends the session: sends `stop`, resolves with {@link EXIT_INTERRUPTED}. */
  signal?: AbortSignal;
  /**
   * Reconnection after a drop: attempts before giving up (default 10), full-jitter backoff
   * base/cap in ms (default client/backoff.ts: 500 ms / 10 s).
   */
  reconnect?: { attempts?: number; baseMs?: number; capMs?: number };
  /** Keep-alive `ping` interval (ms; API Gateway drops a connection idle for 10 min). @default HEARTBEAT_MS (300000) */
  pingIntervalMs?: number;
  /** WebSocket handshake timeout. @default 15000 */
  connectTimeoutMs?: number;
  /** After `stop`, how long to wait for `ended` (or `detached`) before closing. @default 3000 */
  stopGraceMs?: number;
  /** Redraw a terminal recording's screen in place (escape sequences). @default stdout is a TTY */
  redraw?: boolean;
  /** Keep every delivered frame in the result. @default true */
  collectFrames?: boolean;
  /** Clock (epoch ms), for tests. @default Date.now */
  now?: () => number;
}

/** Where a session writes and reads. Status lines go to `stderr` when frames are raw and it is given, else to `stdout`. */
export interface WatchIO {
  stdout: Writable;
  stderr?: Writable;
  stdin?: Readable;
}

/** How a session ended. */
export interface WatchResult {
  /** 0 after `ended` (1 when its reason is `failed`) or `q`; 1 on a refused start or a lost connection; 130 when aborted. */
  exitCode: number;
  /** Every frame shown (after de-duplication; frames sent ahead once due; never one a `state` dropped), in the order shown. */
  frames: WireFrame[];
  joined?: JoinedMessage;
  endedReason?: EndReason;
  /** Errors the server sent (`code: message`). */
  errors: string[];
  /** Successful reconnections. */
  reconnects: number;
}

/**
 * Watch one stream until it ends, the user quits, or the connection is lost for good.
 * Never rejects: failures resolve with exit code 1 after printing one line.
 */
export function runWatch(opts: WatchOptions, io: WatchIO): Promise<WatchResult> {
  return new Watcher(opts, io).run();
}

class Watcher {
  private readonly result: WatchResult = { exitCode: 0, frames: [], errors: [], reconnects: 0 };
  private readonly now: () => number;
  private ws: WebSocket | undefined;
  /**
   * The stream as this viewer knows it (client/session.ts): de-dup by seq, epoch fencing, the
   * rejoin cursor, the playout queue (on the server clock below), status, speed and playhead on
   * `now()`, the known length.
   */
  private readonly session = new StreamSession({ clockOffsetMs: () => this.clock.offsetMs });
  /** Wakes at the session's next due frame; undefined when none waits. */
  private playoutTimer: NodeJS.Timeout | undefined;
  /** An `ended` `finished` that came while frames still wait: handled once the last is shown. */
  private endedAfterPlayout: Extract<ServerMessage, { type: 'ended' }> | undefined;
  /** The playback state as last printed: `state` lines say what changed since (not updated by a rejoin's `joined`). */
  private view: PlaybackView | undefined;
  /** The game's kind (from `joined`) and `--raw`. */
  private kind = '';
  private readonly raw: boolean;
  /** The game as this viewer shows it (./view.ts), from the first `joined`. */
  private game: StreamView | undefined;
  /** The epoch the game's view is based on (its `joined`, or the last `state`/`joined` that moved it). */
  private gameEpoch = -1;
  /** The recording's moments (`joined.markers` and `markers` messages), by seq: what `n` / `p` seek to. */
  private markers: { t: number; seq: number; label: string; kind: string }[] = [];
  /** Messages and closes are handled one after another (a terminal view's emulator is asynchronous). */
  private queue: Promise<void> = Promise.resolve();
  private presence = '';
  private attempts = 0;
  private quitting = false;
  private finished = false;
  /** Reads keys while controls are on (pvai/pvp in a terminal, or `interactive`). */
  private keys: KeyReader | undefined;
  private timers = new Set<NodeJS.Timeout>();
  /** Scheduled streams: the countdown (undefined when none runs) and its 1 s ticker. */
  private countdown: CountdownPrinter | undefined;
  private countdownTimer: NodeJS.Timeout | undefined;
  /** The server's clock from `pong.at`; `pingSentAt` is when the unanswered ping left (epoch ms). */
  private readonly clock = new ServerClock();
  private pingSentAt: number | undefined;
  private resolve: (r: WatchResult) => void = () => undefined;
  private readonly onAbort = () => this.quit(EXIT_INTERRUPTED);

  constructor(
    private readonly opts: WatchOptions,
    private readonly io: WatchIO,
  ) {
    this.now = opts.now ?? Date.now;
    this.raw = opts.raw === true;
  }

  /** Run `step` after everything queued before it; a failure prints one line and ends the session. */
  private enqueue(step: () => void | Promise<void>): void {
    this.queue = this.queue.then(step).catch((e: unknown) => this.fail(`cannot show the stream: ${errorText(e)}`));
  }

  run(): Promise<WatchResult> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      if (this.opts.signal?.aborted) return this.finish(EXIT_INTERRUPTED);
      this.opts.signal?.addEventListener('abort', this.onAbort, { once: true });
      const ping = setInterval(() => this.ping(), this.opts.pingIntervalMs ?? HEARTBEAT_MS);
      ping.unref();
      this.timers.add(ping);
      void this.connect();
    });
  }

  // ----- output ---------------------------------------------------------------------

  /** A line of the game (a point, a ball, a board row), cleaned of control sequences (./clean.ts). */
  private out(text: string): void {
    this.io.stdout.write(`${cleanForTerminal(text)}\n`);
  }

  /** Frames are written as they are (`--raw`) or as a terminal's screen: status lines then go to stderr when there is one. */
  private get statusToStderr(): boolean {
    return this.raw || this.kind === 'terminal';
  }

  /** Redraw a terminal's screen in place: on a TTY (or `redraw`), for kinds whose view draws one. */
  private get redraws(): boolean {
    return !this.raw && (this.opts.redraw ?? (this.io.stdout as { isTTY?: boolean }).isTTY === true);
  }

  /**
   * Draw the game's state: a terminal's emulated screen in place when {@link redraws},
   * else a title line (`── title ──`) and the state's lines, each cleaned (./clean.ts).
   */
  private async draw(title: string): Promise<void> {
    const game = this.game;
    if (!game || this.raw) return;
    const ansi = this.redraws ? game.ansi() : undefined;
    if (ansi) {
      this.io.stdout.write(await ansi);
      return;
    }
    const lines = await game.lines();
    this.out(`── ${title} ──`);
    for (const line of lines) this.out(line);
  }

  /**
   * The game from a snapshot (a seek, a rejoin into a newer epoch): drawn, then the frames
   * of its epoch already held from its seq on (they may arrive before the message that
   * carries the snapshot) are applied to it.
   */
  private async restart(snapshot: { seq: number; state: Json }, title: string): Promise<void> {
    const game = this.game;
    if (!game) return;
    game.reset(snapshot);
    await this.draw(title);
    const held = this.session.shown().filter((f) => f.seq >= snapshot.seq);
    if (held.length === 0) return;
    for (const line of await game.take(held)) this.out(line);
    await this.redrawScreen();
  }

  /** After frames: a terminal's screen is redrawn in place when {@link redraws}. */
  private async redrawScreen(): Promise<void> {
    const ansi = this.game && this.redraws ? this.game.ansi() : undefined;
    if (ansi) this.io.stdout.write(await ansi);
  }

  /**
   * A status line (header, state, presence, chat, errors, reconnection notes), cleaned of
   * control sequences (./clean.ts): text from the server never drives the viewer's terminal.
   */
  private info(text: string): void {
    const toErr = this.statusToStderr && this.io.stderr;
    (toErr ? this.io.stderr! : this.io.stdout).write(`${cleanForTerminal(text)}\n`);
  }

  // ----- connection -----------------------------------------------------------------

  private async connect(): Promise<void> {
    let token: string;
    try {
      token = typeof this.opts.token === 'string' ? this.opts.token : await this.opts.token();
    } catch (e) {
      return this.fail(`cannot get a token: ${errorText(e)}`);
    }
    if (this.finished) return;
    let url: URL;
    try {
      url = new URL(this.opts.wsUrl);
    } catch {
      return this.fail(`not a WebSocket URL: ${this.opts.wsUrl}`);
    }
    url.searchParams.set('token', token);
    const ws = new WebSocket(url, { handshakeTimeout: this.opts.connectTimeoutMs ?? 15_000 });
    this.ws = ws;
    let opened = false;
    let lastError: Error | undefined;
    ws.on('open', () => {
      opened = true;
      const rejoin = this.session.rejoinMessage();
      if (rejoin) {
        this.send(rejoin);
      } else {
        this.send({
          action: 'start',
          gameId: this.opts.gameId,
          mode: this.opts.mode ?? 'spectate',
          ...(this.opts.room !== undefined ? { room: this.opts.room } : {}),
          ...(this.opts.speed !== undefined ? { speed: this.opts.speed } : {}),
          ...(this.opts.atMs !== undefined ? { atMs: this.opts.atMs } : {}),
        } as ClientMessage);
      }
    });
    ws.on('message', (data) => {
      const text = String(data);
      this.enqueue(() => this.onMessage(text));
    });
    ws.on('error', (e) => {
      lastError = e;
    });
    ws.on('close', (code) => {
      if (this.ws === ws) this.ws = undefined;
      this.enqueue(() => this.onClose(opened, code, lastError));
    });
  }

  private onClose(opened: boolean, code: number, error: Error | undefined): void {
    if (this.finished) return;
    if (this.quitting || this.result.endedReason !== undefined) return this.finish(this.result.exitCode);
    if (this.endedAfterPlayout) return; // the stream ended: its last frames are shown, then the session ends
    const status = /Unexpected server response: (\d+)/.exec(error?.message ?? '')?.[1];
    if (status === '401' || status === '403') {
      return this.fail(`the server refused the token (HTTP ${status}): it may have expired or be for another stack — get a new one with \`npm run token\``);
    }
    if (this.session.streamId === undefined) {
      if (!opened) return this.fail(`cannot connect to ${this.opts.wsUrl}: ${connectReason(error)}`);
      return this.fail(`the connection closed before the stream started (code ${code})`);
    }
    const max = this.opts.reconnect?.attempts ?? 10;
    if (this.attempts >= max) return this.fail(`connection lost: gave up after ${max} reconnection attempts`);
    const { baseMs, capMs } = this.opts.reconnect ?? {};
    const delay = reconnectDelay(this.attempts, { ...(baseMs !== undefined ? { baseMs } : {}), ...(capMs !== undefined ? { capMs } : {}) });
    this.attempts++;
    this.info(`… connection lost (${opened ? `code ${code}` : connectReason(error)}), reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${this.attempts}/${max})`);
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.connect();
    }, delay);
    this.timers.add(t);
  }

  private send(msg: ClientMessage): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Send a `ping`, noting when it left: its `pong` is a sample of the server clock. */
  private ping(): void {
    if (this.send({ action: 'ping' })) this.pingSentAt = this.now();
  }

  // ----- messages -------------------------------------------------------------------

  private async onMessage(raw: string): Promise<void> {
    if (this.finished) return;
    let msg: ServerMessage;
    try {
      msg = parseServerMessage(raw);
    } catch {
      this.info(`? unreadable message from the server (${raw.length} bytes)`);
      return;
    }
    const streamId = this.session.streamId;
    if ('streamId' in msg && streamId !== undefined && msg.type !== 'joined' && msg.streamId !== streamId) return;
    // Before the first `joined` a stream's frames and state are a batch or control that raced
    // the join: `joined` is where the stream starts for this viewer (as in the web client).
    if (streamId === undefined && (msg.type === 'frames' || msg.type === 'state')) return;
    switch (msg.type) {
      case 'joined':
        return this.onJoined(msg);
      case 'frames': {
        // Frames of an older epoch are fenced out; frames already held (a rejoin replay
        // overlapping what arrived) are dropped; a newer epoch re-sends what it replaced.
        // Frames sent ahead wait for their dueAt: `shown` is what is due now.
        const { shown } = this.session.onFrames(msg.epoch, msg.frames, this.now());
        this.schedulePlayout();
        return this.show(shown);
      }
      case 'state': {
        if (!isPreStart(msg.status)) this.stopCountdown();
        for (const line of describeState(this.view, msg)) this.info(line);
        this.session.onState(msg, this.now());
        this.schedulePlayout();
        this.view = { status: msg.status, speed: msg.speed, epoch: msg.epoch, positionMs: msg.positionMs };
        if (!this.game || msg.epoch <= this.gameEpoch) return;
        this.gameEpoch = msg.epoch;
        const snapshot = snapshotOf(msg);
        if (snapshot) return this.restart(snapshot, `the game at ${formatClock(msg.positionMs)}`);
        this.game.position(this.gamePosition(msg.positionSeq));
        return;
      }
      case 'presence': {
        const line = formatPresence(msg);
        if (line !== this.presence) this.info(line);
        this.presence = line;
        return;
      }
      case 'chat':
        return this.info(formatChat(msg));
      case 'reaction':
        return this.info(formatReaction(msg));
      case 'reactions':
        return this.info(formatReactions(msg));
      case 'input':
        return this.info(formatInput(msg));
      case 'ended':
        // A finished stream's `ended` may come up to `leadMs` before its last frames are due.
        if (msg.reason === 'finished' && this.session.pending > 0) {
          this.endedAfterPlayout = msg;
          return;
        }
        return this.onEnded(msg);
      case 'detached':
        // Our `stop` left a stream that plays on for its other viewers: nothing ended.
        this.info(formatDetached(msg.streamId));
        return this.finish(this.quitting ? this.result.exitCode : 0);
      case 'error': {
        const line = formatError(msg);
        this.result.errors.push(`${msg.code}: ${msg.message}`);
        this.info(line);
        if (this.session.streamId === undefined) return this.finish(EXIT_FAILURE); // the start was refused
        if (msg.action === 'rejoin') {
          if (msg.code === 'not_found') return this.fail('the stream is gone (it ended while the connection was down)');
          this.ws?.close(); // try again through the reconnect path, bounded by its attempts
        }
        return;
      }
      case 'pong':
        if (this.pingSentAt !== undefined) {
          this.clock.sample(this.pingSentAt, this.now(), msg.at);
          this.pingSentAt = undefined;
          this.tickCountdown();
        }
        return;
      case 'markers': // the rest of joined.markers, right after it
        this.addMarkers(markersOf(msg));
        return;
      default:
        return; // catalog
    }
  }

  private async onJoined(j: JoinedMessage): Promise<void> {
    // When the epoch moved on while we were away, `joined` carries the current epoch's
    // snapshot and frames continue from its positionSeq (PROTOCOL.md "rejoin"); in the same
    // epoch the replay fills what was missed.
    const before = this.session.buffer.epoch;
    const { first } = this.session.onJoined(j, this.now());
    this.attempts = 0;
    this.schedulePlayout();
    const snapshot = snapshotOf(j);
    if (first) {
      this.result.joined = j;
      this.kind = j.kind;
      this.view = { status: j.status, speed: j.speed, epoch: j.epoch, positionMs: j.positionMs };
      for (const line of formatJoined(j)) this.info(line);
      this.addMarkers(markersOf(j));
      for (const line of formatMarkers(this.markers)) this.info(`  ${line}`);
      if (!this.raw) {
        this.game = new StreamView(j.kind, headerOf(j), snapshot, j.positionSeq);
        this.gameEpoch = j.epoch;
        if (snapshot && snapshot.seq > 0) await this.draw(`the game at ${formatClock(j.positionMs)}`);
        else if (!snapshot && j.positionSeq > 0) this.info(`  note: the server sent no snapshot: the game below counts only the frames from ${j.positionSeq} on`);
        else await this.redrawScreen();
      }
      if (isPreStart(j.status) && j.startsAt !== undefined) this.startCountdown(j.startsAt);
      else if (this.session.leadMs > 0) this.ping(); // frames' dueAt are on the server clock
      this.startKeys();
      return;
    }
    this.result.reconnects++;
    if (j.epoch > before) {
      const by = movedByOf(j);
      this.info(`↻ reconnected (${j.streamId}): the stream moved to ${formatClock(j.positionMs)} while the connection was down${by ? ` (by ${by})` : ''}`);
      this.view = { status: j.status, speed: j.speed, epoch: j.epoch, positionMs: j.positionMs };
      if (this.game && j.epoch > this.gameEpoch) {
        this.gameEpoch = j.epoch;
        if (snapshot) await this.restart(snapshot, `the game at ${formatClock(j.positionMs)}`);
        else this.game.position(this.gamePosition(j.positionSeq));
      }
      return;
    }
    this.info(`↻ reconnected (${j.streamId})`);
  }

  /**
   * Where the game goes on in a new epoch without a snapshot: at `positionSeq`, but not past a
   * frame before it that still waits for its `dueAt` (it is shown when due, then the new epoch's).
   */
  private gamePosition(positionSeq: number): number {
    return Math.min(positionSeq, this.session.firstPendingSeq ?? positionSeq);
  }

  /**
   * Frames the session handed out to show now (seq order): collected, written raw, or applied
   * to the game with the lines they earn.
   */
  private async show(frames: readonly WireFrame[]): Promise<void> {
    if (this.opts.collectFrames !== false) this.result.frames.push(...frames);
    if (this.raw) {
      for (const f of frames) this.io.stdout.write(typeof f.data === 'string' ? f.data : `${JSON.stringify(f.data)}\n`);
      return;
    }
    if (!this.game || frames.length === 0) return;
    for (const line of await this.game.take(frames)) this.out(line);
    return this.redrawScreen();
  }

  /**
   * Wake at the session's next due frame and show what is due then (in the message queue, so
   * it keeps its place among messages); one timer, set again after every change. An `ended`
   * held back for waiting frames is handled once none waits.
   */
  private schedulePlayout(): void {
    if (this.playoutTimer) {
      clearTimeout(this.playoutTimer);
      this.timers.delete(this.playoutTimer);
      this.playoutTimer = undefined;
    }
    if (this.finished) return;
    const at = this.session.nextWakeAt();
    if (at === undefined) {
      const ended = this.endedAfterPlayout;
      this.endedAfterPlayout = undefined;
      if (ended) this.enqueue(() => this.onEnded(ended));
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.playoutTimer === t) this.playoutTimer = undefined;
      this.enqueue(async () => {
        if (this.finished) return;
        const due = this.session.releaseDue(this.now());
        this.schedulePlayout();
        await this.show(due);
      });
    }, Math.max(0, at - this.now()));
    this.playoutTimer = t;
    this.timers.add(t);
  }

  /** The stream ended: the final state, the reason, and the session's end. */
  private async onEnded(msg: Extract<ServerMessage, { type: 'ended' }>): Promise<void> {
    if (this.finished) return;
    this.session.onEnded(msg.reason, this.now());
    this.result.endedReason = msg.reason;
    this.result.exitCode = msg.reason === 'failed' ? EXIT_FAILURE : this.quitting ? this.result.exitCode : 0;
    if (this.game) {
      for (const line of await this.game.take([], true)) this.out(line);
      await this.draw('final state');
    }
    this.info(formatEnded(msg.reason));
    return this.finish(this.result.exitCode);
  }

  /** Take markers (from `joined` or a `markers` message), keeping one per seq and kind, sorted by seq. */
  private addMarkers(more: readonly { t: number; seq: number; label: string; kind: string }[]): void {
    if (more.length === 0) return;
    const bySeq = new Map(this.markers.map((m) => [`${m.seq}:${m.kind}`, m]));
    for (const m of more) bySeq.set(`${m.seq}:${m.kind}`, m);
    this.markers = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  // ----- countdown (scheduled streams) ---------------------------------------------

  /**
   * Count down to `startsAt` (epoch ms, server clock): ask the server's time with a `ping`
   * (the first line waits for its `pong`, or the first tick 1 s later), then check every second.
   */
  private startCountdown(startsAt: number): void {
    this.stopCountdown();
    this.countdown = new CountdownPrinter(startsAt);
    this.ping();
    const t = setInterval(() => this.tickCountdown(), 1000);
    this.countdownTimer = t;
    this.timers.add(t);
  }

  private tickCountdown(): void {
    if (!this.countdown || this.finished) return;
    const line = this.countdown.line(this.clock.now(this.now()));
    if (line) this.info(line);
    if (this.countdown.done) this.stopCountdown();
  }

  private stopCountdown(): void {
    this.countdown = undefined;
    if (this.countdownTimer) {
      clearInterval(this.countdownTimer);
      this.timers.delete(this.countdownTimer);
      this.countdownTimer = undefined;
    }
  }

  // ----- keys -----------------------------------------------------------------------

  private startKeys(): void {
    const stdin = this.io.stdin;
    if (!stdin) return;
    const reader = new KeyReader(stdin, (key) => this.onKey(key));
    const mode = this.opts.mode ?? 'spectate';
    if (!(this.opts.interactive ?? (reader.isTTY && mode !== 'spectate'))) return;
    this.keys = reader;
    reader.start();
    this.info(`  keys: ${KEYS_HELP}`);
  }

  private onKey(key: string): void {
    if (!this.session.joined || this.finished || this.quitting) return;
    const { status, speed, known } = this.session;
    const cmd = keyCommand(key, { status, speed, positionMs: this.session.playhead(this.now()), durationMs: known.durationMs, markers: this.markers });
    if (!cmd) return;
    if (cmd.action === 'quit') return this.quit(0);
    this.send(cmd);
  }

  // ----- ending ---------------------------------------------------------------------

  /** Send `stop` and wait (briefly) for `ended` or `detached`, then finish with `code`. */
  private quit(code: number): void {
    if (this.finished || this.quitting) return;
    this.quitting = true;
    this.result.exitCode = code;
    if (this.ws?.readyState !== WebSocket.OPEN || this.session.streamId === undefined) return this.finish(code);
    this.send({ action: 'stop' });
    const t = setTimeout(() => this.finish(code), this.opts.stopGraceMs ?? 3000);
    this.timers.add(t);
  }

  private fail(message: string): void {
    this.info(`error: ${message}`);
    this.finish(EXIT_FAILURE);
  }

  private finish(code: number): void {
    if (this.finished) return;
    this.finished = true;
    this.result.exitCode = code;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.keys?.stop();
    this.game?.dispose();
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    }
    this.resolve(this.result);
  }
}

function connectReason(e: Error | undefined): string {
  if (!e) return 'closed';
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  return e.message.split('\n')[0] ?? 'failed';
}
