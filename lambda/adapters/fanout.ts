/**
 * Fan-out: deliver server messages to WebSocket connections through API Gateway's
 * management API (PostToConnection). docs/ARCHITECTURE.md "Fan-out":
 * - query `byStream` (paginated, never a Scan) and post to every connection with bounded
 *   concurrency (default 32 in flight);
 * - a connection's messages go out in order, one after the other (each carries the stream's
 *   `seq`, so a client detects gaps and duplicates); connections proceed independently;
 * - 429, 5xx, timeouts and network errors are retried with full-jitter exponential backoff
 *   (base 50 ms, cap 1 s), at most `maxAttempts` tries per post; each try is cut off after
 *   `timeoutMs` (the socket is destroyed), so a hanging client costs at most
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
 * {@link ManagementApiBroadcaster} is constructed with a {@link ConnectionPoster} (see
 * {@link connectionPoster}: adapters/signed-poster.ts `SignedConnectionPoster` on the stage's
 * callback URL — SigV4-signed `POST @connections/{id}` on a keep-alive agent, about a quarter of
 * the AWS SDK client's CPU per post, docs/PERFORMANCE.md "Poster CPU per post"), the Connections
 * and Streams ports, and its options. The poster makes the tries, the cut-offs and the backoff;
 * this module decides what an outcome means for the connection and counts it.
 */
import { SignedConnectionPoster, PostTimeoutError, type FailedTry, type PostOutcome } from './signed-poster';
import { forEachPool } from '../core/concurrency';
import type { ConnectionRow, StreamRow } from '../../contract/rows';
import { MAX_MESSAGE_BYTES, utf8Bytes, type ServerMessage } from '../../protocol/server';
import type { PostFailureCause } from '../../contract/metrics';
import { isThrottling, translate } from './aws';
import { ENV, MissingConfigError } from './config';
import { forgetConnection as forget } from '../application/forget-connection';
import { AwsServiceError } from './errors';
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
  /** The stream's connection count as the caller knows it: not used here (this broadcaster posts to every connection itself; adapters/sharded-fanout.ts shards by it). */
  audience?: number;
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

/**
 * What the broadcaster posts through: `post(connectionId, data, { maxAttempts, timeoutMs,
 * onFailedTry })` resolving with the outcome after the retries, never rejecting — a
 * {@link SignedConnectionPoster} (see {@link connectionPoster}) or a test double.
 */
export type ConnectionPoster = Pick<SignedConnectionPoster, 'post'>;

/** What a {@link ManagementApiBroadcaster} is constructed with. */
export interface ManagementApiBroadcasterOptions {
  /** The stage's `@connections` poster (see {@link connectionPoster}). */
  poster: ConnectionPoster;
  /** The Connections table: `byStream` targets, and the rows of gone connections to forget. */
  connections: ConnectionRegistry;
  /** The Streams table: the `clientCount` a forgotten connection is uncounted from. */
  streams: StreamStore;
  /** Defaults of every fan-out and post (each call may override them); default {@link FANOUT_DEFAULTS}. */
  options?: PostOptions & { concurrency?: number };
  /** Where `MessagesPosted`, `PostsFailed` and `FanOutTime` go (default: nowhere, {@link NO_METRICS}). */
  metrics?: Metrics;
}

/** A poster that posts nothing: every post is `failed` at once (no request made) with `error`. */
const failingPoster = (error: Error): ConnectionPoster => ({ post: () => Promise.resolve({ outcome: 'failed', attempts: 0, error }) });

/**
 * The Region in a callback URL on API Gateway's default endpoint host,
 * `{api-id}.execute-api.{region}.amazonaws.com` (`.com.cn` in the China Regions), or undefined
 * for another host (a custom domain, local mode's 127.0.0.1).
 */
export function callbackUrlRegion(callbackUrl: string): string | undefined {
  try {
    return /^[^.]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(callbackUrl).hostname)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The stage's `@connections` poster from `env` (a function's environment): a
 * {@link SignedConnectionPoster} on CALLBACK_URL
 * (`https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`; locally the gateway's
 * `http://127.0.0.1:{port}/{stage}`), signing for the Region of AWS_REGION (which Lambda sets;
 * else AWS_DEFAULT_REGION, else the Region in the callback URL's host) with the credentials of
 * the SDK's provider chain (in Lambda, the execution role's from AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; local mode sets stand-in keys there, and its gateway
 * checks no signature). Its own retries follow {@link FANOUT_DEFAULTS}; fan-out passes its own.
 * Without CALLBACK_URL (or a Region) every post fails, without a request, with
 * MissingConfigError naming the variable — only the calls that post need it. Throws at once
 * for a CALLBACK_URL that is not an `http:`/`https:` URL.
 */
export function connectionPoster(env: NodeJS.ProcessEnv): ConnectionPoster {
  const callbackUrl = env[ENV.callbackUrl];
  if (!callbackUrl) return failingPoster(new MissingConfigError(ENV.callbackUrl));
  if (!URL.canParse(callbackUrl)) throw new Error(`environment variable ${ENV.callbackUrl} must be a URL, got "${callbackUrl}"`);
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || callbackUrlRegion(callbackUrl);
  if (!region) return failingPoster(new MissingConfigError('AWS_REGION'));
  return new SignedConnectionPoster({ callbackUrl, region, maxAttempts: FANOUT_DEFAULTS.maxAttempts, timeoutMs: FANOUT_DEFAULTS.timeoutMs });
}

type Outcome = { outcome: 'sent' | 'gone' | 'failed'; attempts: number; error?: Error; allTimedOut?: boolean; status?: number; errorType?: string };

/** The serialized messages (UTF-8, encoded once for every connection); throws before any post if one is over API Gateway's 128 KB frame limit. */
function serialize(messages: readonly ServerMessage[]): Buffer[] {
  return messages.map((m, i) => {
    const s = JSON.stringify(m);
    const bytes = utf8Bytes(s);
    if (bytes > MAX_MESSAGE_BYTES) {
      throw new Error(`message ${i} (${m.type}) is ${bytes} bytes, over the ${MAX_MESSAGE_BYTES}-byte WebSocket frame limit`);
    }
    return Buffer.from(s, 'utf8');
  });
}

/**
 * The `cause` of a failed PostToConnection try (contract/metrics.ts POST_FAILURE_CAUSES):
 * `gone` (410 GoneException), `timeout` (cut off by our deadline), `throttled` (429,
 * LimitExceededException and the other throttling codes of aws.ts `isThrottling`), else
 * `server` (5xx, other statuses, network errors).
 */
export function postFailureCause(failure: FailedTry): PostFailureCause {
  if (failure.status === 410 || failure.errorType === 'GoneException') return 'gone';
  if (failure.error instanceof PostTimeoutError) return 'timeout';
  if (isThrottling({ name: failure.errorType, $metadata: { httpStatusCode: failure.status } })) return 'throttled';
  return 'server';
}

/** Fan-out's reading of a poster outcome: `timed_out` is a failure on which every try timed out. */
function outcomeOf(r: PostOutcome): Outcome {
  const { attempts, error, status, errorType } = r;
  if (r.outcome === 'ok') return { outcome: 'sent', attempts };
  if (r.outcome === 'gone') return { outcome: 'gone', attempts };
  return { outcome: 'failed', attempts, error, status, errorType, allTimedOut: r.outcome === 'timed_out' };
}

/**
 * The named error of a reply that failed after its retries: an answer's status as the SDK's
 * exception would have carried it (aws.ts `translate`: ThrottledError for 429/throttling,
 * else AwsServiceError), a timeout or network error as a retryable AwsServiceError named by
 * its code, and an error of our own that made no request (MissingConfigError) as it is.
 */
function replyError(r: Outcome): Error {
  const error = r.error ?? new Error('PostToConnection failed');
  if (r.attempts === 0) return error;
  if (r.status !== undefined) return translate('ApiGatewayManagementApi', 'PostToConnection', { name: r.errorType ?? `HTTP${r.status}`, $metadata: { httpStatusCode: r.status } });
  const code = (error as { code?: unknown }).code;
  return new AwsServiceError('ApiGatewayManagementApi', 'PostToConnection', typeof code === 'string' ? code : error.name, undefined, true);
}

/** An error's code as the logs name it (`TimeoutError`, `ECONNREFUSED`, `MissingConfigError` …). */
function failureName(e: Error | undefined): string {
  if (e === undefined) return 'Error';
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : e.name;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The `Broadcaster` port (ports/broadcaster.ts) over API Gateway's management API:
 * `new ManagementApiBroadcaster({ poster: connectionPoster(env), connections, streams, metrics })`.
 * One per function (its composition root builds it); it holds no state between calls.
 */
export class ManagementApiBroadcaster implements Broadcaster {
  private readonly poster: ConnectionPoster;
  private readonly connections: ConnectionRegistry;
  private readonly streams: StreamStore;
  private readonly defaults: { concurrency: number; maxAttempts: number; timeoutMs: number };
  private readonly metrics: Metrics;

  constructor(opts: ManagementApiBroadcasterOptions) {
    this.poster = opts.poster;
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
    const r = await this.postWithRetries(connectionId, data!, { maxAttempts, timeoutMs, ...defined(opts) });
    if (r.outcome === 'sent') this.metrics.add('MessagesPosted', 1);
    if (r.outcome === 'failed') throw replyError(r);
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
  private readonly countFailedTry = (failure: FailedTry): void => this.metrics.add('PostsFailed', 1, { cause: postFailureCause(failure) });

  /** One message to one connection through the poster, with its tries (429/5xx/timeouts/network retried with full-jitter backoff), every failed try counted. */
  private async postWithRetries(connectionId: string, data: Buffer, opts: Required<PostOptions>): Promise<Outcome> {
    return outcomeOf(await this.poster.post(connectionId, data, { ...opts, onFailedTry: this.countFailedTry }));
  }

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
    let firstError: Outcome | undefined;
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
        const r = await this.postWithRetries(connectionId, d, post);
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
          firstError ??= r;
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
        firstError: firstError === undefined ? undefined : `${firstError.errorType ?? failureName(firstError.error)} ${firstError.status ?? ''}`.trim(),
      });
    }
    return result;
  }
}
