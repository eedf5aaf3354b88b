/**
 * Shared by the security suites (fuzz, churn): local mode in-process with its structured
 * logs captured, raw WebSocket clients that tolerate any server text (a gateway error has no
 * `type`), consistent table snapshots, and the gateway's own route dispatch driven with
 * MESSAGE events dispatched by the gateway itself (`LocalWebSocketGateway.dispatch`: what it does for a real frame, minus the socket).
 */
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import WebSocket from 'ws';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import type { LocalStackOptions } from '../../local/stack';

export type { LocalStack };

/** Everything that would show a handler failing unhandled. */
export interface Problems {
  /** Gateway log entries with a status >= 500 or an `error` (route, connect, disconnect). */
  gateway: Record<string, unknown>[];
  /** `logger.error` calls of the handlers (the `internal` path of ws-handler, sweeper failures). */
  handlerErrors: unknown[][];
  /** Unhandled promise rejections in the test process. */
  rejections: unknown[];
}

export interface Harness {
  stack: LocalStack;
  raw: DynamoDBClient;
  problems: Problems;
  gatewayLog: Record<string, unknown>[];
  close(): Promise<void>;
}

/** Start local mode, capturing the gateway log, the handlers' error log and unhandled rejections. */
export async function startHarness(opts: LocalStackOptions = {}): Promise<Harness> {
  const problems: Problems = { gateway: [], handlerErrors: [], rejections: [] };
  const gatewayLog: Record<string, unknown>[] = [];
  const stack = await startLocalStack({
    sweeper: false,
    ...opts,
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', ...(opts.env ?? {}) },
    log: (entry) => {
      if (entry.service === 'gateway') {
        gatewayLog.push(entry);
        const status = typeof entry.status === 'number' ? entry.status : 0;
        if (status >= 500 || entry.error !== undefined) problems.gateway.push(entry);
      } else if (entry.error !== undefined) {
        problems.gateway.push(entry);
      }
    },
  });
  // The handlers' module instance (loaded by the stack once their environment was set).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { logger } = require('../../lambda/adapters/log') as typeof import('../../lambda/adapters/log');
  const spy = jest.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => {
    problems.handlerErrors.push(args);
  });
  const onRejection = (e: unknown) => problems.rejections.push(e);
  process.on('unhandledRejection', onRejection);
  const raw = new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  return {
    stack,
    raw,
    problems,
    gatewayLog,
    async close() {
      process.off('unhandledRejection', onRejection);
      spy.mockRestore();
      raw.destroy();
      await stack.close();
    },
  };
}

/** Every item of a table (consistent Scan, all pages), as DynamoDB's wire JSON, sorted by key. */
export async function scanTable(raw: DynamoDBClient, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  for (let page = 0; page < 1000; page++) {
    const out = await raw.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
    if (!start) break;
  }
  const key = (i: Record<string, AttributeValue>) => JSON.stringify(i.connectionId ?? i.streamId ?? i.gameId);
  return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * The rate limiter's buckets on a Connections row (`rateChat`, `rateControl`, …,
 * lambda/adapters/rate-limit.ts): every message that parses takes a token before its action
 * runs — refused or not, that is the point of a limit — so they are not "state" a refusal
 * must leave alone.
 */
export const RATE_BUCKET_ATTRIBUTE = /^rate[A-Z]/;
/**
 * The rows of the Connections table that are not connections: the rate limiter's bucket rows
 * (`user#…`, `stream#…`, lambda/adapters/rate-limit.ts) and the reaction windows
 * (`reactions#…`, lambda/adapters/reaction-windows.ts) — bookkeeping of accepted messages, left
 * out of snapshots like the bucket attributes.
 */
export const BOOKKEEPING_ROW = /^(user|stream|reactions)#/;

/**
 * Streams + Connections, serialized with sorted attribute names: byte-comparable. Connection
 * attributes matching `ignoreConnectionAttrs` (default: the rate buckets) are left out.
 */
export async function snapshot(h: Harness, ignoreConnectionAttrs: RegExp | undefined = RATE_BUCKET_ATTRIBUTE): Promise<string> {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v;
  const [streams, rawConnections] = await Promise.all([scanTable(h.raw, h.stack.tables.Streams!), scanTable(h.raw, h.stack.tables.Connections!)]);
  const rows = rawConnections.filter((c) => !BOOKKEEPING_ROW.test(c.connectionId?.S ?? ''));
  const connections = ignoreConnectionAttrs ? rows.map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => !ignoreConnectionAttrs.test(k)))) : rows;
  return JSON.stringify(canon({ streams, connections }));
}

/** A WebSocket client that keeps every text the server sends, parsed or not. */
export class RawClient {
  readonly texts: string[] = [];
  closed = false;
  closeCode?: number;
  connectionId = '';
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket, readonly userId: string) {
    ws.on('message', (data, isBinary) => {
      this.texts.push(isBinary ? `<binary ${String((data as Buffer).length)}>` : data.toString());
      this.notify();
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      this.notify();
    });
    ws.on('error', () => undefined);
  }

  /** Connect as `userId`; `connectionId` is found from the gateway's open connections. */
  static async connect(h: Harness, userId: string, displayName?: string): Promise<RawClient> {
    const before = new Set(h.stack.gateway.connectionIds());
    const token = await h.stack.token(userId, displayName);
    const ws = new WebSocket(`${h.stack.wsUrl}?token=${encodeURIComponent(token)}`);
    const c = new RawClient(ws, userId);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    const fresh = h.stack.gateway.connectionIds().filter((id) => !before.has(id));
    if (fresh.length === 1) c.connectionId = fresh[0]!;
    return c;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Parsed messages (texts that are not JSON come back as `{ unparsed }`). */
  parsed(from = 0): Array<Record<string, unknown>> {
    return this.texts.slice(from).map((t) => {
      try {
        return JSON.parse(t) as Record<string, unknown>;
      } catch {
        return { unparsed: t };
      }
    });
  }

  /** Wait until at least `n` texts have arrived; false on timeout or close. */
  async waitCount(n: number, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.texts.length < n) {
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) return this.texts.length >= n;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return true;
  }

  /** Wait for a message matching `pred` at index ≥ `from`. */
  async waitFor(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 15_000, from = 0): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (let seen = from; ; ) {
      const hit = this.parsed(from).find(pred);
      if (hit) return hit;
      seen = this.texts.length;
      if (Date.now() > deadline || this.closed) {
        throw new Error(`${this.userId}: no matching message within ${timeoutMs} ms (closed=${this.closed}); got ${this.texts.slice(-5).join(' | ').slice(0, 500)}`);
      }
      await this.waitCount(seen + 1, Math.max(1, deadline - Date.now()));
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

/**
 * Dispatch one message body for an open connection exactly as the gateway dispatches a text
 * frame (route selection, MESSAGE event, integration with its timeout; local/gateway/server.ts
 * `dispatch`) and resolve with the integration outcome: status 200, or 500 (the handler threw)
 * / 504 (timed out) / 403 (no route).
 */
export function dispatch(h: Harness, connectionId: string, body: string): Promise<{ status: number; routeKey?: string; error?: string }> {
  return h.stack.gateway.dispatch(connectionId, body);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `f` until truthy; throws `what` after `timeoutMs`. */
export async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Signs of an internal leak in a reply: a stack frame, a source path, an exception name. */
export function leaksInternals(text: string, root: string): string | undefined {
  if (text.includes(root)) return 'project path';
  if (/node_modules|\/work\/|\.ts:\d+|\.js:\d+/.test(text)) return 'source path';
  if (/\n\s*at\s|\bat\s+\S+\s+\(/.test(text)) return 'stack frame';
  if (/\b(TypeError|ReferenceError|RangeError|SyntaxError|ConditionalCheckFailed|ValidationException|ResourceNotFound)\b/.test(text)) return 'exception name';
  return undefined;
}
