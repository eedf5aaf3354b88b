/**
 * `npm run watch -- GAME_ID [--speed N] [--at MS|H:MM:SS] [--mode spectate|pvai|pvp]
 *   [--room R] [--user NAME] [--stack NAME --token T] [--raw]`
 *
 * The terminal client: connects to the WebSocket API (PROTOCOL.md), sends `start`, and prints
 * the stream as DungeonGate's watch view does — a header, one line per tennis point, control
 * changes, presence, chat, and why it ended; terminal recordings are written raw. Reconnects
 * with backoff after a dropped connection and `rejoin`s; frames are de-duplicated by
 * (epoch, seq). With a TTY and mode pvai/pvp, keys control playback. A scheduled stream prints
 * a countdown to its `startsAt` (server clock, from `ping`/`pong.at`) — at most one line per
 * 10 s plus the final one — until it plays; a live game's header says LIVE.
 *
 * Importable: {@link runWatch} drives one session in-process (the end-to-end tests use it).
 */
import type { Readable, Writable } from 'node:stream';
import { userInfo } from 'node:os';
import WebSocket from 'ws';
import { fullJitterDelay } from '../lambda/core/backoff';
import {
  MODES,
  parseServerMessage,
  type ClientMessage,
  type EndReason,
  type JoinedMessage,
  type Mode,
  type ServerMessage,
  type WireFrame,
} from '../protocol/messages';
import { EXIT_FAILURE, errorText, parseCli, parseMediaTime, parseSpeed, runMain, usageError } from './lib/cli';
import {
  clockOffsetMs,
  CountdownPrinter,
  currentPositionMs,
  describeState,
  formatChat,
  formatEnded,
  formatError,
  formatInput,
  formatJoined,
  formatPresence,
  formatReaction,
  isPreStart,
  isRawOutput,
  keyCommand,
  playerNames,
  renderFrame,
  shortName,
  type FrameContext,
  type PlaybackView,
} from './lib/format';
import { resolveTarget, type TargetDeps } from './lib/target';
import { fetchDevToken, mintStackToken } from './lib/token-source';

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
  /** Reconnection after a drop: attempts before giving up (default 10), full-jitter backoff base/cap (default 500 ms / 10 s). */
  reconnect?: { attempts?: number; baseMs?: number; capMs?: number };
  /** Keep-alive `ping` interval (API Gateway drops a connection idle for 10 min). @default 300000 */
  pingIntervalMs?: number;
  /** WebSocket handshake timeout. @default 15000 */
  connectTimeoutMs?: number;
  /** After `stop`, how long to wait for `ended` before closing. @default 3000 */
  stopGraceMs?: number;
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
  /** Every frame delivered (after de-duplication), in arrival order. */
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
  private streamId: string | undefined;
  private epoch = -1;
  private lastSeq = -1;
  private view: PlaybackView | undefined;
  private viewAt = 0;
  private durationMs = 0;
  private ctx: FrameContext = { kind: '', names: ['Player 1', 'Player 2'], raw: false };
  private presence = '';
  private attempts = 0;
  private quitting = false;
  private finished = false;
  private interactive = false;
  private timers = new Set<NodeJS.Timeout>();
  /** The game is live (`joined.live`): its duration grows with the frames. */
  private live = false;
  /** Scheduled streams: the countdown (undefined when none runs) and its 1 s ticker. */
  private countdown: CountdownPrinter | undefined;
  private countdownTimer: NodeJS.Timeout | undefined;
  /** Server − local clock (ms), from the last `pong`; `pingSentAt` is when its ping left (epoch ms). */
  private clockOffset = 0;
  private pingSentAt: number | undefined;
  private resolve: (r: WatchResult) => void = () => undefined;
  private readonly onKeyData = (chunk: Buffer | string) => this.onKeys(String(chunk));
  private readonly onAbort = () => this.quit(EXIT_INTERRUPTED);

  constructor(
    private readonly opts: WatchOptions,
    private readonly io: WatchIO,
  ) {
    this.now = opts.now ?? Date.now;
    this.ctx.raw = opts.raw === true;
  }

  run(): Promise<WatchResult> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      if (this.opts.signal?.aborted) return this.finish(EXIT_INTERRUPTED);
      this.opts.signal?.addEventListener('abort', this.onAbort, { once: true });
      const ping = setInterval(() => this.send({ action: 'ping' }), this.opts.pingIntervalMs ?? 300_000);
      ping.unref();
      this.timers.add(ping);
      void this.connect();
    });
  }

  // ----- output ---------------------------------------------------------------------

  private out(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  private info(text: string): void {
    const toErr = isRawOutput(this.ctx.kind, this.ctx.raw) && this.io.stderr;
    (toErr ? this.io.stderr! : this.io.stdout).write(`${text}\n`);
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
      if (this.streamId !== undefined) {
        this.send({ action: 'rejoin', streamId: this.streamId, epoch: Math.max(0, this.epoch), lastSeq: this.lastSeq });
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
    ws.on('message', (data) => this.onMessage(String(data)));
    ws.on('error', (e) => {
      lastError = e;
    });
    ws.on('close', (code) => {
      if (this.ws === ws) this.ws = undefined;
      this.onClose(opened, code, lastError);
    });
  }

  private onClose(opened: boolean, code: number, error: Error | undefined): void {
    if (this.finished) return;
    if (this.quitting || this.result.endedReason !== undefined) return this.finish(this.result.exitCode);
    const status = /Unexpected server response: (\d+)/.exec(error?.message ?? '')?.[1];
    if (status === '401' || status === '403') {
      return this.fail(`the server refused the token (HTTP ${status}): it may have expired or be for another stack — get a new one with \`npm run token\``);
    }
    if (this.streamId === undefined) {
      if (!opened) return this.fail(`cannot connect to ${this.opts.wsUrl}: ${connectReason(error)}`);
      return this.fail(`the connection closed before the stream started (code ${code})`);
    }
    const max = this.opts.reconnect?.attempts ?? 10;
    if (this.attempts >= max) return this.fail(`connection lost: gave up after ${max} reconnection attempts`);
    const delay = fullJitterDelay(this.attempts, { baseMs: this.opts.reconnect?.baseMs ?? 500, capMs: this.opts.reconnect?.capMs ?? 10_000 });
    this.attempts++;
    this.info(`… connection lost (${opened ? `code ${code}` : connectReason(error)}), reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${this.attempts}/${max})`);
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.connect();
    }, delay);
    this.timers.add(t);
  }

  private send(msg: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  // ----- messages -------------------------------------------------------------------

  private onMessage(raw: string): void {
    if (this.finished) return;
    let msg: ServerMessage;
    try {
      msg = parseServerMessage(raw);
    } catch {
      this.info(`? unreadable message from the server (${raw.length} bytes)`);
      return;
    }
    if ('streamId' in msg && this.streamId !== undefined && msg.type !== 'joined' && msg.streamId !== this.streamId) return;
    switch (msg.type) {
      case 'joined':
        return this.onJoined(msg);
      case 'frames': {
        if (msg.epoch < this.epoch) return; // a stale epoch's frames: fenced out
        if (msg.epoch > this.epoch) {
          this.epoch = msg.epoch;
          this.lastSeq = Math.min(this.lastSeq, (msg.frames[0]?.seq ?? 0) - 1);
        }
        for (const f of msg.frames) {
          if (f.seq <= this.lastSeq) continue; // duplicate (a rejoin replay overlapping what arrived)
          this.lastSeq = f.seq;
          if (this.live && f.t > this.durationMs) this.durationMs = f.t; // a live game grows
          if (this.opts.collectFrames !== false) this.result.frames.push(f);
          const o = renderFrame(f, this.ctx);
          if (o.kind === 'line') this.out(o.text);
          else if (o.kind === 'raw') this.io.stdout.write(o.text);
        }
        return;
      }
      case 'state': {
        if (!isPreStart(msg.status)) this.stopCountdown();
        for (const line of describeState(this.view, msg)) this.info(line);
        if (msg.epoch > this.epoch) {
          this.epoch = msg.epoch;
          this.lastSeq = msg.positionSeq - 1;
        } else if (msg.epoch === this.epoch) {
          this.lastSeq = Math.max(this.lastSeq, msg.positionSeq - 1);
        }
        this.view = { status: msg.status, speed: msg.speed, epoch: msg.epoch, positionMs: msg.positionMs };
        this.viewAt = this.now();
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
      case 'input':
        return this.info(formatInput(msg));
      case 'ended':
        this.result.endedReason = msg.reason;
        this.result.exitCode = msg.reason === 'failed' ? EXIT_FAILURE : this.quitting ? this.result.exitCode : 0;
        this.info(formatEnded(msg.reason));
        return this.finish(this.result.exitCode);
      case 'error': {
        const line = formatError(msg);
        this.result.errors.push(`${msg.code}: ${msg.message}`);
        this.info(line);
        if (this.streamId === undefined) return this.finish(EXIT_FAILURE); // the start was refused
        if (msg.action === 'rejoin') {
          if (msg.code === 'not_found') return this.fail('the stream is gone (it ended while the connection was down)');
          this.ws?.close(); // try again through the reconnect path, bounded by its attempts
        }
        return;
      }
      case 'pong':
        if (this.pingSentAt !== undefined) {
          this.clockOffset = clockOffsetMs(this.pingSentAt, this.now(), msg.at);
          this.pingSentAt = undefined;
          this.tickCountdown();
        }
        return;
      default:
        return; // catalog
    }
  }

  private onJoined(j: JoinedMessage): void {
    const first = this.streamId === undefined;
    this.streamId = j.streamId;
    this.attempts = 0;
    this.durationMs = this.live ? Math.max(this.durationMs, j.durationMs) : j.durationMs;
    this.live = j.live === true;
    if (first) {
      this.result.joined = j;
      const names = playerNames(j.title);
      this.ctx = { kind: j.kind, names: [shortName(names[0]), shortName(names[1])], raw: this.ctx.raw };
      this.epoch = j.epoch;
      this.lastSeq = j.positionSeq - 1;
      this.view = { status: j.status, speed: j.speed, epoch: j.epoch, positionMs: j.positionMs };
      this.viewAt = this.now();
      for (const line of formatJoined(j)) this.info(line);
      if (isPreStart(j.status) && j.startsAt !== undefined) this.startCountdown(j.startsAt);
      this.startKeys();
      return;
    }
    this.result.reconnects++;
    this.info(`↻ reconnected (${j.streamId})`);
    if (j.epoch !== this.epoch) {
      // The epoch moved on while we were away: the server sends the current `state` next and
      // frames continue from its positionSeq (PROTOCOL.md "rejoin"). `view` stays as it was so
      // that `state` prints what changed.
      this.epoch = j.epoch;
      this.lastSeq = j.positionSeq - 1;
    }
  }

  // ----- countdown (scheduled streams) ---------------------------------------------

  /**
   * Count down to `startsAt` (epoch ms, server clock): ask the server's time with a `ping`
   * (the first line waits for its `pong`, or the first tick 1 s later), then check every second.
   */
  private startCountdown(startsAt: number): void {
    this.stopCountdown();
    this.countdown = new CountdownPrinter(startsAt);
    this.pingSentAt = this.now();
    this.send({ action: 'ping' });
    const t = setInterval(() => this.tickCountdown(), 1000);
    this.countdownTimer = t;
    this.timers.add(t);
  }

  private tickCountdown(): void {
    if (!this.countdown || this.finished) return;
    const line = this.countdown.line(this.now() + this.clockOffset);
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
    const mode = this.opts.mode ?? 'spectate';
    const tty = (stdin as { isTTY?: boolean } | undefined)?.isTTY === true;
    this.interactive = stdin !== undefined && (this.opts.interactive ?? (tty && mode !== 'spectate'));
    if (!this.interactive || !stdin) return;
    if (tty) (stdin as unknown as { setRawMode(on: boolean): void }).setRawMode(true);
    stdin.on('data', this.onKeyData);
    stdin.resume();
    this.info('  keys: space pause/resume · + / - speed · ← / → seek 30 s · q quit');
  }

  private stopKeys(): void {
    const stdin = this.io.stdin;
    if (!this.interactive || !stdin) return;
    this.interactive = false;
    stdin.off('data', this.onKeyData);
    if ((stdin as { isTTY?: boolean }).isTTY) (stdin as unknown as { setRawMode(on: boolean): void }).setRawMode(false);
    stdin.pause();
  }

  private onKeys(chunk: string): void {
    // One chunk may hold several keys (a paste, key repeat): split escape sequences from single characters.
    for (const key of chunk.match(/\u001b(?:\[|O)[A-Za-z]|[\s\S]/gu) ?? []) {
      if (!this.view || this.finished) return;
      const positionMs = currentPositionMs(this.view, this.viewAt, this.now(), this.durationMs);
      const cmd = keyCommand(key, { status: this.view.status, speed: this.view.speed, positionMs, durationMs: this.durationMs });
      if (!cmd) continue;
      if (cmd.action === 'quit') return this.quit(0);
      this.send(cmd);
    }
  }

  // ----- ending ---------------------------------------------------------------------

  /** Send `stop` and wait (briefly) for `ended`, then finish with `code`. */
  private quit(code: number): void {
    if (this.finished || this.quitting) return;
    this.quitting = true;
    this.result.exitCode = code;
    if (this.ws?.readyState !== WebSocket.OPEN || this.streamId === undefined) return this.finish(code);
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
    this.stopKeys();
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

// ---------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------

export const WATCH_HELP = `usage: npm run watch -- GAME_ID [options]

Watch a recording as a live stream in the terminal.

  --speed N          playback rate 0.25-64 (default 1)
  --at TIME          start at a media time: milliseconds or H:MM:SS
  --mode MODE        spectate (default: share the game's stream), pvai (your own stream,
                     you control it), pvp (a room's stream; the first two users control it)
  --room R           pvp room id (required with --mode pvp)
  --user NAME        user id for the local token (default: your login name)
  --name TEXT        display name for the local token
  --stack NAME       a deployed stack (WebSocketUrl from its outputs); default: local mode
  --token T          access token for --stack (default: $MATCHCAST_TOKEN; or pass --user
                     to mint one with your AWS credentials)
  --raw              write every frame's data raw (status lines go to stderr)
  -h, --help         this help

Keys (pvai/pvp, in a terminal): space pause/resume · + / - speed · ← / → seek 30 s · q quit
Examples:
  npm run watch -- 2012-wimbledon-1701 --speed 64
  npm run watch -- 2012-wimbledon-1701 --mode pvai
  npm run watch -- 2012-wimbledon-1701 --stack Matchcast --token "$TOKEN"
`;

/** The default user id: the login name when it is a valid user id, else `viewer`. */
export function defaultUser(): string {
  let name = '';
  try {
    name = userInfo().username;
  } catch {
    /* no passwd entry (containers) */
  }
  return /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(name) ? name : 'viewer';
}

/** Test seams for {@link watchMain}. */
export interface WatchDeps extends TargetDeps {
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
}

/**
 * Parse `argv` into {@link WatchOptions} (without resolving the target). Throws a usage
 * {@link CliError} (exit 2) for a missing GAME_ID, a bad `--speed`/`--at`/`--mode`, `--mode pvp`
 * without `--room`, or `--room` without pvp. Returns undefined for `--help`.
 */
export function parseWatchArgs(argv: readonly string[]):
  | { gameId: string; speed?: number; atMs?: number; mode: Mode; room?: string; user?: string; name?: string; stack?: string; token?: string; raw: boolean }
  | undefined {
  const { values, positionals } = parseCli(
    argv,
    {
      speed: { type: 'string' },
      at: { type: 'string' },
      mode: { type: 'string', short: 'm' },
      room: { type: 'string', short: 'r' },
      user: { type: 'string', short: 'u' },
      name: { type: 'string', short: 'n' },
      stack: { type: 'string', short: 's' },
      token: { type: 'string', short: 't' },
      raw: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    1,
  );
  if (values.help) return undefined;
  const gameId = positionals[0];
  if (!gameId) throw usageError('GAME_ID is required: npm run watch -- GAME_ID (see --help)');
  const mode = (values.mode ?? 'spectate') as Mode;
  if (!MODES.includes(mode)) throw usageError(`--mode ${values.mode}: expected one of ${MODES.join(', ')}`);
  if (mode === 'pvp' && !values.room) throw usageError('--mode pvp needs --room R (players of the same room share the stream)');
  if (mode !== 'pvp' && values.room) throw usageError('--room is only for --mode pvp');
  if (values.token !== undefined && values.stack === undefined) throw usageError('--token is for --stack NAME (local mode mints its own)');
  return {
    gameId,
    mode,
    raw: values.raw === true,
    ...(values.speed !== undefined ? { speed: parseSpeed(values.speed) } : {}),
    ...(values.at !== undefined ? { atMs: parseMediaTime(values.at) } : {}),
    ...(values.room ? { room: values.room } : {}),
    ...(values.user ? { user: values.user } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(values.stack !== undefined ? { stack: values.stack } : {}),
    ...(values.token ? { token: values.token } : {}),
  };
}

/**
 * The `watch` CLI: parse, resolve the target and token, {@link runWatch}. Resolves the exit
 * code; throws {@link CliError} for usage and setup failures (runMain prints them).
 */
export async function watchMain(argv: readonly string[], io: WatchIO, deps: WatchDeps = {}, signal?: AbortSignal): Promise<number> {
  const args = parseWatchArgs(argv);
  if (!args) {
    io.stdout.write(WATCH_HELP);
    return 0;
  }
  const env = deps.env ?? process.env;
  const target = await resolveTarget(args.stack, deps);
  let token: WatchOptions['token'];
  if (target.kind === 'local') {
    const user = args.user ?? defaultUser();
    token = () => fetchDevToken(target.httpUrl ?? '', { userId: user, ...(args.name ? { displayName: args.name } : {}) }, deps.fetch);
  } else if (args.token ?? env.MATCHCAST_TOKEN) {
    token = (args.token ?? env.MATCHCAST_TOKEN) as string;
  } else if (args.user) {
    token = await mintStackToken(target, { userId: args.user, ...(args.name ? { displayName: args.name } : {}) });
  } else {
    throw usageError(`--stack ${target.name} needs a token: --token T, MATCHCAST_TOKEN, or --user NAME to mint one (see npm run token)`);
  }
  const result = await runWatch(
    {
      wsUrl: target.wsUrl,
      token,
      gameId: args.gameId,
      mode: args.mode,
      raw: args.raw,
      ...(args.room ? { room: args.room } : {}),
      ...(args.speed !== undefined ? { speed: args.speed } : {}),
      ...(args.atMs !== undefined ? { atMs: args.atMs } : {}),
      ...(signal ? { signal } : {}),
    },
    io,
  );
  return result.exitCode;
}

if (require.main === module) {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0); // `| head`: the reader left
  });
  runMain(async () => {
    const code = await watchMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }, {}, abort.signal);
    // stdin may still hold the event loop open after raw mode; leave explicitly.
    setImmediate(() => process.exit(code));
    return code;
  });
}

