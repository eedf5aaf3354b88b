/**
 * Fan-out: deliver server messages to WebSocket connections through API Gateway's
 * management API (PostToConnection). docs/ARCHITECTURE.md "Fan-out":
 * - query `byStream` (paginated, never a Scan) and post to every connection with bounded
 *   concurrency (default 32 in flight);
 * - a connection's messages go out in order, one after the other (each carries the stream's
 *   `seq`, so a client detects gaps and duplicates); connections proceed independently;
 * - 429, 5xx, timeouts and network errors are retried with full-jitter exponential backoff
 *   (base 50 ms, cap 1 s), at most `maxAttempts` tries per post; each try is cut off after
 *   `timeoutMs` by an AbortSignal, so a hanging client costs at most
 *   `maxAttempts × timeoutMs` plus backoff — and only its own worker's time;
 * - a 410 GoneException stops posting to that connection and forgets it (deletes its row,
 *   decrements its stream's `clientCount`) — the connection that failed, not the caller;
 * - only a 410 forgets a connection. A post on which every try timed out is given up for that
 *   connection (with the rest of this fan-out's messages to it, which would only wait as long
 *   again), counted in the result's `timedOut`, and the connection is kept: timeouts are what
 *   an overloaded gateway (API Gateway under a flood, or local mode's) answers a healthy
 *   client too, so closing on them would disconnect honest viewers exactly when the system is
 *   busiest. The client sees the gap in `seq` on its next message and `rejoin`s; a peer that is
 *   really dead is closed by API Gateway within its idle timeout (10 minutes, API Gateway
 *   quotas), after which posts answer 410 and it is forgotten.
 * One slow or dead client never blocks the others for long: it only holds one of the
 * `concurrency` workers.
 *
 * Metrics (contract/metrics.ts, through the `metrics` it is constructed with): `MessagesPosted`
 * (one per message API Gateway accepted for one connection), `PostsFailed` by `cause` (one per
 * failed try: `gone`, `throttled`, `timeout`, `server`) and `FanOutTime` (one per message of a
 * fan-out: its first POST to its last answer, ms). Never a streamId or connectionId dimension.
 *
 * {@link ManagementApiBroadcaster} is constructed with the management API client (see
 * {@link managementApiClient}: the stage's callback URL, the SDK's own retries off — this
 * module retries, so that a timeout counts as an attempt and backoff follows
 * docs/ARCHITECTURE.md), the Connections and Streams ports, and its options.
 */
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { setTimeout as sleep } from 'node:timers/promises';
import { fullJitterDelay } from '../../client/backoff';
import { forEachPool } from '../core/concurrency';
import type { ConnectionRow, StreamRow } from '../../contract/rows';
import { MAX_MESSAGE_BYTES, utf8Bytes, type ServerMessage } from '../../protocol/server';
import type { PostFailureCause } from '../../contract/metrics';
import { errorCode, httpStatus, isThrottling, isTransient, translate } from './aws';
import { ENV, MissingConfigError } from './config';
import { forgetConnection as forget } from '../application/forget-connection';
import { ConnectionGoneError } from './errors';
import { logger } from './log';
import type { Broadcaster } from '../ports/broadcaster';
import type { ConnectionRegistry } from '../ports/connections';
import { NO_METRICS, type Metrics } from '../ports/metrics';
import type { StreamStore } from '../ports/streams';

/** Defaults of {@link FanOutOptions}. */
export const FANOUT_DEFAULTS = { concurrency: 32, maxAttempts: 4, timeoutMs: 3000 } as const;

/** Options of {@link ManagementApiBroadcaster.fanOut} and {@link ManagementApiBroadcaster.post}. */
export interface PostOptions {
  /** Tries per message, including the first (default 4). */
  maxAttempts?: number;
  /** Cut-off of one try, in ms (default 3000). */
  timeoutMs?: number;
}

/** Options of {@link ManagementApiBroadcaster.fanOut}. */
export interface FanOutOptions extends PostOptions {
  /** Connections posted to at once (default 32). */
  concurrency?: number;
  /** A connection id to skip (the sender of an `input` relay). */
  except?: string;
  /** Post to exactly these connection ids instead of querying `byStream`. */
  connections?: readonly string[];
  /** Called once for every connection that answered 410. Default: {@link ManagementApiBroadcaster.forgetConnection}. Errors are logged, not thrown. */
  onGone?: (connectionId: string) => Promise<void>;
  /** `byStream` Query page size (tests force several pages with it). */
  pageSize?: number;
}

/** What a fan-out did. */
export interface FanOutResult {
  /** Connections targeted. */
  connections: number;
  /** Connections that received every message. */
  delivered: number;
  /** Connections that answered 410 (their rows are forgotten through `onGone`). */
  gone: string[];
  /** Connections that did not receive every message after their retries (not gone; their rows are kept). */
  failed: string[];
  /**
   * Of `failed`, those on which every try of a post timed out: the rest of this fan-out was
   * given up for them, and they were neither closed nor forgotten (only a 410 forgets).
   */
  timedOut: string[];
  /** PostToConnection calls made, including retries (the billed unit is the message). */
  posts: number;
}

/** What of the management API client the broadcaster sends through (an `ApiGatewayManagementApiClient`, or a test double). */
export type ManagementApi = Pick<ApiGatewayManagementApiClient, 'send'>;

/** What a {@link ManagementApiBroadcaster} is constructed with. */
export interface ManagementApiBroadcasterOptions {
  /** The management API client of the stage (see {@link managementApiClient}). */
  client: ManagementApi;
  /** The Connections table: `byStream` targets, and the rows of gone connections to forget. */
  connections: ConnectionRegistry;
  /** The Streams table: the `clientCount` a forgotten connection is uncounted from. */
  streams: StreamStore;
  /** Defaults of every fan-out and post (each call may override them); default {@link FANOUT_DEFAULTS}. */
  options?: PostOptions & { concurrency?: number };
  /** Where `MessagesPosted`, `PostsFailed` and `FanOutTime` go (default: nowhere, {@link NO_METRICS}). */
  metrics?: Metrics;
}

/**
 * The management API client of the stage whose callback URL is `callbackUrl`
 * (`https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`, env CALLBACK_URL), with the
 * SDK's own retries off (`maxAttempts: 1`): {@link ManagementApiBroadcaster} retries itself.
 * Without a URL (a function configured without CALLBACK_URL) every send rejects with
 * MissingConfigError naming CALLBACK_URL.
 */
export function managementApiClient(callbackUrl: string | undefined): ManagementApi {
  if (!callbackUrl) return { send: () => Promise.reject(new MissingConfigError(ENV.callbackUrl)) };
  return new ApiGatewayManagementApiClient({ endpoint: callbackUrl, maxAttempts: 1 });
}

type Outcome = { outcome: 'sent' | 'gone' | 'failed'; attempts: number; error?: unknown; allTimedOut?: boolean };

/** API Gateway's answer for a connection that no longer exists: 410 GoneException. */
const isGone = (e: unknown): boolean => errorCode(e) === 'GoneException' || httpStatus(e) === 410;

/** A try of PostToConnection cut off by our own timeout (the peer accepted nothing in time). */
class PostTimeoutError extends Error {
  readonly code = 'TimeoutError';
  constructor(readonly connectionId: string, readonly timeoutMs: number) {
    super(`PostToConnection to "${connectionId}" timed out after ${timeoutMs} ms`);
    this.name = 'PostTimeoutError';
  }
}

/** The serialized messages; throws before any post if one is over API Gateway's 128 KB frame limit. */
function serialize(messages: readonly ServerMessage[]): string[] {
  return messages.map((m, i) => {
    const s = JSON.stringify(m);
    const bytes = utf8Bytes(s);
    if (bytes > MAX_MESSAGE_BYTES) {
      throw new Error(`message ${i} (${m.type}) is ${bytes} bytes, over the ${MAX_MESSAGE_BYTES}-byte WebSocket frame limit`);
    }
    return s;
  });
}

/** One PostToConnection try through `client`, cut off after `timeoutMs`. Throws ConnectionGoneError on 410. */
async function postOnce(client: ManagementApi, connectionId: string, data: string, timeoutMs: number): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`PostToConnection timed out after ${timeoutMs} ms`)), timeoutMs);
  try {
    await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }), {
      abortSignal: abort.signal,
    });
  } catch (e) {
    if (isGone(e)) throw new ConnectionGoneError(connectionId);
    if (abort.signal.aborted) throw new PostTimeoutError(connectionId, timeoutMs);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The `cause` of a failed PostToConnection try (contract/metrics.ts POST_FAILURE_CAUSES):
 * `gone` (410 GoneException), `timeout` (cut off by our deadline), `throttled` (429,
 * LimitExceededException and the other throttling codes of aws.ts `isThrottling`), else `server`.
 */
export function postFailureCause(e: unknown): PostFailureCause {
  if (e instanceof ConnectionGoneError || isGone(e)) return 'gone';
  if (e instanceof PostTimeoutError) return 'timeout';
  if (isThrottling(e)) return 'throttled';
  return 'server';
}

/**
 * Post one message with retries (429/5xx/timeouts/network), full-jitter backoff between tries;
 * `onFailedTry` is told the cause of every try that failed (the last one included).
 */
async function postWithRetry(
  client: ManagementApi,
  connectionId: string,
  data: string,
  opts: Required<PostOptions>,
  onFailedTry: (cause: PostFailureCause) => void = () => undefined,
): Promise<Outcome> {
  const max = Math.max(1, Math.floor(opts.maxAttempts));
  let lastError: unknown;
  let allTimedOut = true;
  for (let attempt = 1; attempt <= max; attempt++) {
    try {
      await postOnce(client, connectionId, data, opts.timeoutMs);
      return { outcome: 'sent', attempts: attempt };
    } catch (e) {
      onFailedTry(postFailureCause(e));
      if (e instanceof ConnectionGoneError) return { outcome: 'gone', attempts: attempt };
      lastError = e;
      allTimedOut &&= e instanceof PostTimeoutError;
      const transient = e instanceof PostTimeoutError || isTransient(e);
      if (!transient || attempt === max) return { outcome: 'failed', attempts: attempt, error: e, allTimedOut };
      await sleep(fullJitterDelay(attempt - 1));
    }
  }
  return { outcome: 'failed', attempts: max, error: lastError, allTimedOut };
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The `Broadcaster` port (ports/broadcaster.ts) over API Gateway's management API:
 * `new ManagementApiBroadcaster({ client: managementApiClient(callbackUrl), connections, streams })`.
 * One per function (its composition root builds it); it holds no state between calls.
 */
export class ManagementApiBroadcaster implements Broadcaster {
  private readonly client: ManagementApi;
  private readonly connections: ConnectionRegistry;
  private readonly streams: StreamStore;
  private readonly defaults: { concurrency: number; maxAttempts: number; timeoutMs: number };
  private readonly metrics: Metrics;

  constructor(opts: ManagementApiBroadcasterOptions) {
    this.client = opts.client;
    this.metrics = opts.metrics ?? NO_METRICS;
    this.connections = opts.connections;
    this.streams = opts.streams;
    this.defaults = { ...FANOUT_DEFAULTS, ...defined(opts.options ?? {}) };
  }

  /**
   * Send one message to one connection (a direct reply), with the same retries and timeout as
   * fan-out. Returns `'sent'`, or `'gone'` when the connection answered 410 (it left; nothing
   * is cleaned up here — `$disconnect` or the next fan-out does that).
   * Throws `AwsServiceError`/`ThrottledError` when every try failed, and an Error when the
   * message is over {@link MAX_MESSAGE_BYTES}.
   */
  async post(connectionId: string, message: ServerMessage, opts: PostOptions = {}): Promise<'sent' | 'gone'> {
    const [data] = serialize([message]);
    const { maxAttempts, timeoutMs } = this.defaults;
    const r = await postWithRetry(this.client, connectionId, data!, { maxAttempts, timeoutMs, ...defined(opts) }, this.countFailedTry);
    if (r.outcome === 'sent') this.metrics.add('MessagesPosted', 1);
    if (r.outcome === 'failed') throw translate('ApiGatewayManagementApi', 'PostToConnection', r.error);
    return r.outcome;
  }

  /**
   * Forget a connection that is gone: delete its row and, if it was attached to a stream,
   * uncount it there (application/forget-connection.ts: `clientCount`, controller grace).
   * Idempotent: a second call finds no row and changes nothing (only the call that deleted
   * the row uncounts it). Returns the deleted row and the stream row after the decrement (for
   * its `presenceVersion`), or undefined.
   */
  async forgetConnection(connectionId: string): Promise<{ connection: ConnectionRow; stream?: StreamRow } | undefined> {
    return forget({ connections: this.connections, streams: this.streams }, connectionId);
  }

  /** `PostsFailed` by cause, one per failed try. */
  private readonly countFailedTry = (cause: PostFailureCause): void => this.metrics.add('PostsFailed', 1, { cause });

  private async *targets(streamId: string, opts: FanOutOptions): AsyncIterable<string> {
    if (opts.connections) {
      for (const id of opts.connections) if (id !== opts.except) yield id;
      return;
    }
    for await (const page of this.connections.listByStream(streamId, { pageSize: opts.pageSize })) {
      for (const c of page) if (c.connectionId !== opts.except) yield c.connectionId;
    }
  }

  /**
   * Deliver `messages`, in order, to every connection of stream `streamId` (or to
   * `opts.connections`). Never throws for a client's failure — those are counted in the
   * result; throws only when the `byStream` query itself fails (after the connections already
   * started finish) or a message is over {@link MAX_MESSAGE_BYTES} (before any post).
   * An empty `messages` list posts nothing.
   */
  async fanOut(streamId: string, messages: readonly ServerMessage[], opts: FanOutOptions = {}): Promise<FanOutResult> {
    const result: FanOutResult = { connections: 0, delivered: 0, gone: [], failed: [], timedOut: [], posts: 0 };
    if (messages.length === 0) return result;
    const data = serialize(messages);
    const post: Required<PostOptions> = {
      maxAttempts: opts.maxAttempts ?? this.defaults.maxAttempts,
      timeoutMs: opts.timeoutMs ?? this.defaults.timeoutMs,
    };
    const onGone = opts.onGone ?? (async (id: string) => void (await this.forgetConnection(id)));
    const seen = new Set<string>();
    let firstError: unknown;
    // Per message: when its first POST went out and its last answer came (performance.now() ms), for FanOutTime.
    const firstPostAt: number[] = [];
    const lastAnswerAt: number[] = [];
    let posted = 0;
    const pool = forEachPool(this.targets(streamId, opts), opts.concurrency ?? this.defaults.concurrency, async (connectionId) => {
      if (seen.has(connectionId)) return; // a GSI page boundary never repeats a key, but a caller's list may
      seen.add(connectionId);
      result.connections++;
      for (const [i, d] of data.entries()) {
        firstPostAt[i] ??= performance.now();
        const r = await postWithRetry(this.client, connectionId, d, post, this.countFailedTry);
        lastAnswerAt[i] = performance.now();
        result.posts += r.attempts;
        if (r.outcome === 'sent') posted++;
        if (r.outcome === 'gone') {
          result.gone.push(connectionId);
          try {
            await onGone(connectionId);
          } catch (e) {
            logger.warn('could not forget a gone connection', { connectionId, streamId, error: (e as Error).message });
          }
          return;
        }
        if (r.outcome === 'failed') {
          result.failed.push(connectionId);
          firstError ??= r.error;
          // Every try timed out: give up on this fan-out for it, keep the connection (module comment).
          if (r.allTimedOut) result.timedOut.push(connectionId);
          return;
        }
      }
      result.delivered++;
    });
    try {
      await pool;
    } finally {
      // Counted even when the byStream query failed part-way: those posts were made.
      if (posted > 0) this.metrics.add('MessagesPosted', posted);
      for (const [i, start] of firstPostAt.entries()) {
        if (start !== undefined) this.metrics.add('FanOutTime', lastAnswerAt[i]! - start);
      }
    }
    if (result.gone.length > 0 || result.failed.length > 0) {
      logger.warn('fan-out incomplete', {
        streamId,
        connections: result.connections,
        delivered: result.delivered,
        gone: result.gone.length,
        failed: result.failed.slice(0, 10),
        timedOut: result.timedOut.length,
        firstError: firstError === undefined ? undefined : `${errorCode(firstError)} ${httpStatus(firstError) ?? ''}`.trim(),
      });
    }
    return result;
  }
}
