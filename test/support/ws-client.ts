/**
 * A test WebSocket client for the local stack: connects with a token, collects every
 * server message, and waits for the ones a test expects (bounded by a timeout).
 */
import WebSocket from 'ws';
import { parseServerMessage, type ServerMessage } from '../../protocol/messages';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/**
 * A frame API Gateway itself sends a client when a message's integration did not return (the
 * function threw or timed out: `Internal server error`; the 29 s integration timeout: `Endpoint
 * request timed out`; no route: `Forbidden`) — `{ message, connectionId, requestId }`, no `type`.
 * Undefined for anything else.
 */
export function gatewayFrame(raw: string): { message: string; requestId?: string } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || 'type' in v) return undefined;
  const f = v as { message?: unknown; connectionId?: unknown; requestId?: unknown };
  if (typeof f.message !== 'string' || typeof f.connectionId !== 'string') return undefined;
  return typeof f.requestId === 'string' ? { message: f.message, requestId: f.requestId } : { message: f.message };
}

export class TestClient {
  readonly messages: ServerMessage[] = [];
  /** API Gateway's own frames to this client ({@link gatewayFrame}), kept apart from the server's messages. */
  readonly gatewayErrors: Array<{ message: string; requestId?: string }> = [];
  /** Wall time (epoch ms) each message arrived, parallel to `messages`. */
  readonly arrivals: number[] = [];
  private waiters: Array<() => void> = [];
  closed = false;
  closeCode?: number;

  private constructor(readonly ws: WebSocket, readonly userId: string) {
    ws.on('message', (data) => {
      const raw = data.toString();
      const gateway = gatewayFrame(raw);
      if (gateway) {
        this.gatewayErrors.push(gateway);
        this.notify();
        return;
      }
      this.messages.push(parseServerMessage(raw));
      this.arrivals.push(Date.now());
      this.notify();
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      this.notify();
    });
  }

  /** Open a connection to `wsUrl` with `token`; rejects with the HTTP status when the handshake is refused. */
  static connect(wsUrl: string, token: string | undefined, userId = 'anon'): Promise<TestClient> {
    const url = token === undefined ? wsUrl : `${wsUrl}?token=${encodeURIComponent(token)}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new TestClient(ws, userId);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** All messages of a type received so far. */
  all<T extends ServerMessage['type']>(type: T): Of<T>[] {
    return this.messages.filter((m) => m.type === type) as Of<T>[];
  }

  /** Every frame received, flattened, in arrival order. */
  frames(): Array<{ seq: number; t: number; epoch: number; at: number }> {
    const out: Array<{ seq: number; t: number; epoch: number; at: number }> = [];
    this.messages.forEach((m, i) => {
      if (m.type === 'frames') for (const f of m.frames) out.push({ seq: f.seq, t: f.t, epoch: m.epoch, at: this.arrivals[i]! });
    });
    return out;
  }

  /**
   * Wait until a message satisfies `pred` (searching from message index `from`); rejects after
   * `timeoutMs` (default 90 s: a bound against a hang on a busy machine, not a pace), or when
   * the connection closes first.
   */
  async waitFor<T extends ServerMessage['type']>(
    type: T,
    pred: (m: Of<T>) => boolean = () => true,
    timeoutMs = 90_000,
    from = 0,
  ): Promise<Of<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.messages.slice(from).find((m) => m.type === type && pred(m as Of<T>));
      if (hit) return hit as Of<T>;
      if (this.closed) throw new Error(`${this.userId}: connection closed (${this.closeCode}) while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.messages.map((m) => m.type).join(',');
        throw new Error(`${this.userId}: no ${type} within ${timeoutMs} ms; got [${seen}]`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
