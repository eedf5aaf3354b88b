/**
 * The main-thread handle on the benchmark's viewers (scripts/bench/viewer-worker.js): N
 * lightweight `ws` clients in one worker thread that only timestamp what arrives (raw: no
 * de-dup, so the analysis sees duplicates and gaps). Every
 * request is bounded by a timeout; `close()` always ends the worker.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { JoinedMessage } from '../../protocol/messages';

/**
 * A frame as one viewer received it: `[seq, t (media ms), arrival (wall epoch ms, fractional),
 * dueAt (server epoch ms, when the frame carried one: a stream with a playout buffer)]`.
 */
export type ReceivedFrame = [seq: number, t: number, at: number, dueAt?: number];
/** One `frames` message as received: `[first seq, frame count, arrival (epoch ms), bytes, epoch]`. */
export type ReceivedMessage = [firstSeq: number, count: number, at: number, bytes: number, epoch: number];

/** What one viewer saw. Times are wall epoch ms. */
export interface ClientReport {
  frames: ReceivedFrame[];
  messages: ReceivedMessage[];
  /** Messages received, by `type`. */
  counts: Record<string, number>;
  joinedAt?: number;
  /** The `joined` message, as received. */
  joined?: JoinedMessage;
  endedAt?: number;
  endedReason?: string;
  closeCode?: number;
  /** The first few `error` codes (and API Gateway error replies) received. */
  errors: string[];
}

type Reply = { id: number; ok: boolean; error?: string } & Record<string, unknown>;

/** A worker thread of viewers. Throws from every method when the worker reports a failure or does not answer in time. */
export class Viewers {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private dead: Error | undefined;

  constructor() {
    this.worker = new Worker(join(__dirname, 'viewer-worker.js'));
    this.worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r);
      else p.reject(new Error(`viewer worker: ${r.error ?? 'failed'}`));
    });
    const fail = (e: Error) => {
      this.dead = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(new Error(`viewer worker crashed: ${e.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`viewer worker exited (${code})`)));
  }

  private request<T>(cmd: string, args: Record<string, unknown>, timeoutMs: number): Promise<T & Reply> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`viewer worker: ${cmd} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r as T & Reply);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.worker.postMessage({ id, cmd, ...args });
    });
  }

  /** Open one connection per token, `burst` handshakes at a time. Resolves with counts and the elapsed ms. */
  connect(url: string, tokens: string[], burst: number, timeoutMs: number) {
    return this.request<{ connected: number; failedCount: number; failed: string[]; ms: number; total: number }>('connect', { url, tokens, burst }, timeoutMs);
  }

  /** Send a client message (a protocol action) from viewer `index`. */
  send(index: number, message: unknown) {
    return this.request<object>('send', { index, message }, 5_000);
  }

  /** Wait until every listed viewer (default: all) got a message of `type`; `at` is each one's arrival (or null). */
  waitFor(type: 'joined' | 'ended' | string, timeoutMs: number, indexes?: number[]) {
    return this.request<{ got: number; missingCount: number; missing: number[]; at: Array<number | null> }>('waitFor', { type, indexes, timeoutMs }, timeoutMs + 5_000);
  }

  /** Real `join`s from viewers `from…`, `burst` at a time, until `timeoutMs`. */
  join(from: number, streamId: string, burst: number, timeoutMs: number) {
    return this.request<{ joined: number; errors: number; timedOut: number; errorCodes: Record<string, number>; latencies: number[]; ms: number }>(
      'join',
      { from, streamId, burst, timeoutMs },
      timeoutMs + 30_000,
    );
  }

  /** Messages received by all viewers together, by `type`. */
  async counts(): Promise<Record<string, number>> {
    return (await this.request<{ counts: Record<string, number> }>('counts', {}, 10_000)).counts;
  }

  /** This worker's own heap after a full GC (the client side of every connection), bytes. */
  memory() {
    return this.request<{ heapUsed: number; external: number; arrayBuffers: number }>('memory', {}, 30_000);
  }

  /** Everything each viewer received. */
  async report(): Promise<ClientReport[]> {
    return (await this.request<{ clients: ClientReport[] }>('report', {}, 30_000)).clients;
  }

  /** Close every connection (1000), wait for the closes (bounded), end the worker. */
  async close(timeoutMs = 15_000): Promise<void> {
    try {
      if (!this.dead) await this.request('close', { timeoutMs }, timeoutMs + 5_000);
    } finally {
      await this.worker.terminate();
    }
  }
}
