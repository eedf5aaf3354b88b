/**
 * One resilient WebSocket to the matchcast endpoint: reconnects with full-jitter exponential
 * backoff ({@link reconnectDelay}, client/backoff.ts, shared with `npm run watch`), waits for the browser to come back online, pings every
 * {@link HEARTBEAT_MS} (API Gateway closes idle connections at 10 min) and treats a missed
 * reply as a dead link. The URL (with a fresh token) is asked for on every attempt.
 */
import { parseServerMessage, type ClientAction, type ServerMessage } from '../../protocol/messages';
import { HEARTBEAT_MS, reconnectDelay } from '../../client/backoff';

/** Connection states shown by the status pill. */
export type ConnState = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed';

/** An outgoing message (validated by the server; see PROTOCOL.md). */
export type Outgoing = { action: ClientAction } & Record<string, unknown>;

/** Callbacks of a {@link Connection}. */
export interface ConnectionHandlers {
  /** Build the socket URL (fetch a token here). Throwing counts as a failed attempt. */
  url(): Promise<string>;
  onMessage(msg: ServerMessage): void;
  /**
   * `retryInMs` (ms) is set while waiting to reconnect; `attempt` counts failures since the last
   * open; `error` is a plain sentence for a viewer when the attempt failed before opening (the
   * server cannot be reached, the token request failed).
   */
  onState(state: ConnState, info: { attempt: number; retryInMs?: number; error?: string }): void;
  /** The socket opened; `reconnected` is true after a drop. */
  onOpen(reconnected: boolean): void;
  /**
   * A `pong` answered our `ping`: `sentAt`/`receivedAt` on the local clock, `serverAt` the
   * pong's `at` (all epoch ms) — one sample for the server clock (client/clock.ts ServerClock).
   */
  onClock?(sentAt: number, receivedAt: number, serverAt: number): void;
}

/** A WebSocket that keeps itself connected until {@link Connection.close}. */
export class Connection {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private everOpened = false;
  private closed = false;
  private retryTimer: number | undefined;
  private heartbeat: number | undefined;
  private awaitingReply = false;
  /** When the unanswered `ping` was sent (epoch ms), for the server clock; undefined when none is out. */
  private pingSentAt: number | undefined;
  /** Bumped by every attempt: an older attempt still awaiting its URL gives way. */
  private generation = 0;
  private readonly onOnline = () => {
    if (!this.closed && (!this.ws || this.ws.readyState >= WebSocket.CLOSING)) {
      this.abandonQuietly();
      window.clearTimeout(this.retryTimer);
      void this.connect();
    }
  };
  private readonly onOffline = () => {
    // The OS says the network is gone: drop the socket now rather than wait for its close
    // handshake to time out (it cannot complete offline).
    this.abandon();
  };

  constructor(private readonly handlers: ConnectionHandlers) {}

  /** Open the connection (and keep it open). */
  start(): void {
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    void this.connect();
  }

  /** Whether a message can be sent now. */
  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Send a message; false (nothing sent) when not connected. */
  send(msg: Outgoing): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /**
   * While waiting to reconnect (`reconnecting` with `retryInMs`), try at once instead of at the
   * end of the backoff delay (a "Retry now" button). The failure count is kept, so a failed
   * attempt waits as long as the next backoff step says. Does nothing while connected or closed.
   */
  retryNow(): void {
    if (this.closed || this.ws) return;
    window.clearTimeout(this.retryTimer);
    void this.connect();
  }

  /** Drop the connection and reconnect (e.g. with a new name). */
  restart(): void {
    this.attempt = 0;
    this.ws?.close();
  }

  /** Close for good. */
  close(): void {
    this.closed = true;
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.heartbeat);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.ws?.close();
    this.handlers.onState('closed', { attempt: this.attempt });
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      this.handlers.onState('offline', { attempt: this.attempt });
      return; // `online` resumes
    }
    const gen = ++this.generation;
    this.handlers.onState(this.everOpened ? 'reconnecting' : 'connecting', { attempt: this.attempt });
    let url: string;
    try {
      url = await this.handlers.url();
    } catch (e) {
      if (gen === this.generation) this.scheduleRetry(e instanceof Error ? e.message : 'Cannot reach the server.');
      return;
    }
    if (this.closed || gen !== this.generation) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.scheduleRetry('The server address in config.json is not a WebSocket address.');
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.awaitingReply = false;
      this.handlers.onState('open', { attempt: 0 });
      window.clearInterval(this.heartbeat);
      this.heartbeat = window.setInterval(() => this.beat(), HEARTBEAT_MS);
      this.ping(); // one round trip at once: the server clock, for countdowns to `startsAt`
      this.handlers.onOpen(reconnected);
    };
    ws.onmessage = (ev) => {
      this.awaitingReply = false;
      if (typeof ev.data !== 'string') return;
      let msg: ServerMessage;
      try {
        msg = parseServerMessage(ev.data);
      } catch {
        return; // not ours to show
      }
      if (msg.type === 'pong' && this.pingSentAt !== undefined) {
        this.handlers.onClock?.(this.pingSentAt, Date.now(), msg.at);
        this.pingSentAt = undefined;
      }
      this.handlers.onMessage(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      window.clearInterval(this.heartbeat);
      if (this.closed) return;
      this.scheduleRetry(opened ? undefined : 'Cannot reach the server.');
    };
  }

  private abandonQuietly(): void {
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
    }
  }

  /** Forget the current socket at once (no waiting for its close event) and retry. */
  private abandon(): void {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    try {
      ws.close();
    } catch {
      // already closing
    }
    window.clearInterval(this.heartbeat);
    if (!this.closed) this.scheduleRetry();
  }

  private beat(): void {
    if (this.awaitingReply) {
      // no reply (not even a frame) since the last ping: the link is dead
      this.abandon();
      return;
    }
    this.awaitingReply = this.ping();
  }

  /** Send a `ping`, noting when (a `pong` becomes a server clock sample). */
  private ping(): boolean {
    const sent = this.send({ action: 'ping' });
    if (sent) this.pingSentAt = Date.now();
    return sent;
  }

  private scheduleRetry(error?: string): void {
    if (this.closed) return;
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      this.handlers.onState('offline', { attempt: this.attempt });
      return;
    }
    const delay = reconnectDelay(this.attempt);
    this.attempt++;
    this.handlers.onState('reconnecting', { attempt: this.attempt, retryInMs: delay, ...(error ? { error } : {}) });
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => void this.connect(), delay);
  }
}
