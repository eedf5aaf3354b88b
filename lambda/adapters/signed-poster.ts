/**
 * A lean `@connections` client: `POST {callbackUrl}/@connections/{connectionId}` signed with
 * SigV4 by @smithy/signature-v4 (the signer the AWS SDK itself uses) and sent with node:http(s)
 * on a keep-alive agent — without the SDK client's middleware stack, which costs several times
 * the HTTP request itself in CPU per post (docs/PERFORMANCE.md "Poster CPU per post").
 *
 * Its semantics are those of fan-out's posts (lambda/adapters/fanout.ts):
 * - 2xx → `ok`;
 * - 410 (`GoneException`) → `gone`, never retried: the caller forgets that connection;
 * - 429 (throttled), 5xx, network errors and timeouts → retried with full-jitter exponential
 *   backoff (client/backoff.ts `fullJitterDelay`: base 50 ms, cap 1 s) up to `maxAttempts` tries; each try
 *   is cut off after `timeoutMs`, so a hung peer costs at most `maxAttempts × timeoutMs` plus
 *   the backoff between tries;
 * - `timed_out` when every try timed out (fan-out gives up on that connection for the message and keeps it: only a 410 forgets one);
 * - any other status (400, 403, 413 …) → `failed` at once, not retried.
 *
 * The request is what the SDK's `PostToConnectionCommand` sends (AWS API Gateway developer
 * guide, "Use @connections commands in your backend service"): the id URL-encoded as one path
 * segment (encodeURIComponent, plus `!'()*`, as the SDK's `extendedEncodeURIComponent`),
 * signed for service `execute-api` in `region`.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest, SourceData } from '@smithy/types';
import { setTimeout as sleep } from 'node:timers/promises';
import { fullJitterDelay, type BackoffOptions } from '../../client/backoff';

/** Defaults of {@link SignedConnectionPosterOptions}: fan-out's (lambda/adapters/fanout.ts `FANOUT_DEFAULTS`). */
export const SIGNED_POSTER_DEFAULTS = { maxAttempts: 4, timeoutMs: 3000 } as const;

/**
 * How long before their `expiration` cached credentials are resolved again, ms: 5 min, the
 * AWS SDK's own rule (@smithy/core `EXPIRATION_MS`; @aws-sdk/credential-provider-node treats
 * credentials with less than 5 minutes left as expired).
 */
export const CREDENTIAL_REFRESH_WINDOW_MS = 5 * 60_000;

/** Options of {@link SignedConnectionPoster}. */
export interface SignedConnectionPosterOptions {
  /**
   * The stage's callback URL, `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`
   * (locally `http://127.0.0.1:{port}/{stage}`); a trailing `/` is ignored.
   */
  readonly callbackUrl: string;
  /** The Region the API is in: the SigV4 signing region (e.g. `us-east-1`). */
  readonly region: string;
  /**
   * Where the signing credentials come from. Default: the SDK's provider chain
   * (@aws-sdk/credential-provider-node `defaultProvider`: environment, SSO, web identity,
   * ini files, container and instance metadata). Either way the result is memoized and
   * resolved again when less than {@link CREDENTIAL_REFRESH_WINDOW_MS} is left before its
   * `expiration` (credentials without one are kept).
   */
  readonly credentials?: AwsCredentialIdentityProvider;
  /**
   * The keep-alive agent requests go out on (an `http.Agent` for an `http:` callback URL, an
   * `https.Agent` for `https:`). Default: one of its own with `keepAlive: true` and
   * `maxSockets` 64, destroyed by {@link SignedConnectionPoster.dispose}; an agent passed in
   * is the caller's to destroy.
   */
  readonly agent?: HttpAgent | HttpsAgent;
  /** Cut-off of one try, ms. @default 3000 */
  readonly timeoutMs?: number;
  /** Tries per post, including the first (≥ 1). @default 4 */
  readonly maxAttempts?: number;
  /** Backoff between tries (ms; client/backoff.ts). Tests shorten it. */
  readonly backoff?: BackoffOptions;
}

/** What one {@link SignedConnectionPoster.post} (or `close`) came to. */
export type PostOutcomeKind =
  /** API Gateway accepted the message (2xx). */
  | 'ok'
  /** 410 `GoneException`: the connection no longer exists; the caller forgets it. */
  | 'gone'
  /** Every try was cut off by `timeoutMs`: the peer accepted nothing in time (fan-out keeps the connection: only a 410 forgets one). */
  | 'timed_out'
  /** Anything else after the retries (or a status that is not retried). */
  | 'failed';

/** The outcome of one post with its retries. */
export interface PostOutcome {
  readonly outcome: PostOutcomeKind;
  /** Requests sent, including retries (each is a billed API Gateway message when it reached it). */
  readonly attempts: number;
  /** HTTP status of the last answer, if there was one. */
  readonly status?: number;
  /** `x-amzn-errortype` of the last answer (e.g. `TooManyRequestsException`), if any. */
  readonly errorType?: string;
  /** The last error when `outcome` is not `ok`/`gone`: a network error, a timeout, or the HTTP failure. */
  readonly error?: Error;
}

/** One try of a post or close that did not succeed (told to {@link PostCallOptions.onFailedTry}). */
export interface FailedTry {
  /** HTTP status of the answer, when there was one (410, 429, 5xx, 4xx). */
  readonly status?: number;
  /** `x-amzn-errortype` of the answer (e.g. `GoneException`, `LimitExceededException`), if any. */
  readonly errorType?: string;
  /** The try's error: {@link PostTimeoutError}, a network error, or a {@link ConnectionsHttpError} (410 included). */
  readonly error: Error;
}

/** Per-call options of {@link SignedConnectionPoster.post}: override the poster's own. */
export interface PostCallOptions {
  /** Tries, including the first (≥ 1). Default: the poster's `maxAttempts`. */
  readonly maxAttempts?: number;
  /** Cut-off of one try, ms (> 0). Default: the poster's `timeoutMs`. */
  readonly timeoutMs?: number;
  /** Told of every try that did not succeed, the last one and a 410 included (fan-out counts `PostsFailed` by cause with it). Must not throw. */
  readonly onFailedTry?: (failure: FailedTry) => void;
}

/** A try cut off after `timeoutMs` (the peer answered nothing in time). */
export class PostTimeoutError extends Error {
  readonly code = 'TimeoutError';
  constructor(
    readonly connectionId: string,
    readonly timeoutMs: number,
  ) {
    super(`@connections request for "${connectionId}" timed out after ${timeoutMs} ms`);
    this.name = 'PostTimeoutError';
  }
}

/** An answer with a status that is not 2xx (`status`, `errorType` from `x-amzn-errortype`). */
export class ConnectionsHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string | undefined,
    body: string,
  ) {
    super(`@connections answered ${status}${errorType ? ` ${errorType}` : ''}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'ConnectionsHttpError';
  }
}

/**
 * Encode a connection id as one path segment, as the AWS SDK does for `{ConnectionId}`
 * (@smithy/smithy-client `extendedEncodeURIComponent`: encodeURIComponent, and `!'()*` as
 * `%XX` too, RFC 3986 section 2.2 reserved characters). `AbC=` → `AbC%3D`.
 */
export function encodeConnectionId(connectionId: string): string {
  return encodeURIComponent(connectionId).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * SHA-256 (and HMAC-SHA-256 when given a secret) from node:crypto, in the shape the signer
 * wants (`@smithy/types` `Checksum`: update, then an async digest).
 */
export class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret: Buffer | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : toBuffer(secret);
    this.hash = this.make();
  }
  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.make();
  }
  private make(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
}

/**
 * Memoize a credential provider: one resolution shared by concurrent callers; resolved again
 * once the cached credentials have less than `windowMs` left before `expiration` (or when the
 * last resolution failed). Credentials without `expiration` are kept for good.
 */
export function memoizeCredentials(
  provider: AwsCredentialIdentityProvider,
  windowMs: number = CREDENTIAL_REFRESH_WINDOW_MS,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  let cached: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (c: AwsCredentialIdentity) => c.expiration === undefined || c.expiration.getTime() - now() >= windowMs;
  return () => {
    if (cached && fresh(cached)) return Promise.resolve(cached);
    pending ??= Promise.resolve()
      .then(() => provider())
      .then(
        (c) => {
          cached = c;
          pending = undefined;
          return c;
        },
        (e: unknown) => {
          pending = undefined;
          throw e;
        },
      );
    return pending;
  };
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

type Answer = { status: number; errorType?: string; body: string };

/**
 * Posts to (and closes) WebSocket connections through API Gateway's management API, with
 * fan-out's retry, 410 and timeout semantics (see the module comment). One instance per
 * Lambda container and callback URL; safe for many concurrent posts (bounded by the agent's
 * `maxSockets`). Never throws for a connection's failure: every outcome is returned.
 */
export class SignedConnectionPoster {
  /** `{origin}{stage path}` without a trailing `/`. */
  private readonly base: URL;
  private readonly signer: SignatureV4;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly ownAgent: boolean;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly send: typeof httpRequest;
  private disposed = false;

  /** Throws for a callback URL that is not `http:`/`https:`, a non-positive timeout, or an agent of the other protocol. */
  constructor(opts: SignedConnectionPosterOptions) {
    const base = new URL(opts.callbackUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`callbackUrl must be http: or https:, got ${opts.callbackUrl}`);
    base.pathname = base.pathname.replace(/\/+$/, '');
    this.base = base;
    const https = base.protocol === 'https:';
    this.send = https ? (httpsRequest as unknown as typeof httpRequest) : httpRequest;
    this.timeoutMs = opts.timeoutMs ?? SIGNED_POSTER_DEFAULTS.timeoutMs;
    if (!(this.timeoutMs > 0)) throw new Error(`timeoutMs must be positive, got ${this.timeoutMs}`);
    this.maxAttempts = Math.max(1, Math.floor(opts.maxAttempts ?? SIGNED_POSTER_DEFAULTS.maxAttempts));
    this.backoff = opts.backoff ?? {};
    if (opts.agent && https !== opts.agent instanceof HttpsAgent) throw new Error(`an ${https ? 'https' : 'http'}.Agent is needed for ${base.protocol} callback URLs`);
    this.ownAgent = !opts.agent;
    this.agent = opts.agent ?? (https ? new HttpsAgent({ keepAlive: true, maxSockets: 64 }) : new HttpAgent({ keepAlive: true, maxSockets: 64 }));
    this.signer = new SignatureV4({
      service: 'execute-api',
      region: opts.region,
      credentials: memoizeCredentials(opts.credentials ?? defaultProvider()),
      sha256: NodeSha256,
    });
  }

  /**
   * Send `data` (a serialized server message; at most 128 KB, API Gateway quotas) to
   * `connectionId`: `POST /@connections/{id}`, retried as the module comment says. Resolves
   * with the outcome; never rejects. After {@link dispose} every call is `failed`.
   */
  post(connectionId: string, data: string | Uint8Array, opts: PostCallOptions = {}): Promise<PostOutcome> {
    return this.withRetries('POST', connectionId, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, opts);
  }

  /**
   * Close `connectionId` (`DELETE /@connections/{id}`; API Gateway then runs `$disconnect`),
   * with the same retries and timeout as a post. `ok` on 2xx, `gone` on 410 (already closed).
   */
  close(connectionId: string): Promise<PostOutcome> {
    return this.withRetries('DELETE', connectionId, undefined, {});
  }

  /** Stop: later posts fail at once; the poster's own agent (not one passed in) is destroyed, closing its sockets. */
  dispose(): void {
    this.disposed = true;
    if (this.ownAgent) this.agent.destroy();
  }

  private async withRetries(method: 'POST' | 'DELETE', connectionId: string, body: Uint8Array | undefined, opts: PostCallOptions): Promise<PostOutcome> {
    const maxAttempts = opts.maxAttempts === undefined ? this.maxAttempts : Math.max(1, Math.floor(opts.maxAttempts));
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    if (!(timeoutMs > 0)) return { outcome: 'failed', attempts: 0, error: new Error(`timeoutMs must be positive, got ${timeoutMs}`) };
    const failedTry = opts.onFailedTry ?? (() => undefined);
    let allTimedOut = true;
    let last: { status?: number; errorType?: string; error?: Error } = {};
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.disposed) return { outcome: 'failed', attempts: attempt - 1, error: new Error('the poster is disposed') };
      let answer: Answer;
      try {
        answer = await this.once(method, connectionId, body, timeoutMs);
      } catch (e) {
        // Node's own errors may come from another realm (jest's VM contexts): keep any Error-shaped value.
        const error = (typeof e === 'object' && e !== null && 'message' in e ? e : new Error(String(e))) as Error;
        const timedOut = error instanceof PostTimeoutError;
        allTimedOut &&= timedOut;
        last = { error };
        failedTry({ error });
        // Timeouts and network errors may pass; a credential or signing failure ends here too
        // after the retries (the next try resolves the credentials again).
        if (attempt < maxAttempts) {
          await sleep(fullJitterDelay(attempt - 1, this.backoff));
          continue;
        }
        return { outcome: allTimedOut ? 'timed_out' : 'failed', attempts: attempt, error };
      }
      allTimedOut = false;
      const { status, errorType } = answer;
      if (status >= 200 && status < 300) return { outcome: 'ok', attempts: attempt, status };
      last = { status, errorType, error: new ConnectionsHttpError(status, errorType, answer.body) };
      failedTry({ status, errorType, error: last.error! });
      if (status === 410) return { outcome: 'gone', attempts: attempt, status, errorType };
      const retryable = status === 429 || status >= 500;
      if (!retryable || attempt === maxAttempts) return { outcome: 'failed', attempts: attempt, ...last };
      await sleep(fullJitterDelay(attempt - 1, this.backoff));
    }
    return { outcome: 'failed', attempts: maxAttempts, ...last };
  }

  /** One signed request, cut off after `timeoutMs`. Resolves with any HTTP answer; rejects with a network error or {@link PostTimeoutError}. */
  private async once(method: 'POST' | 'DELETE', connectionId: string, body: Uint8Array | undefined, timeoutMs: number): Promise<Answer> {
    const path = `${this.base.pathname}/@connections/${encodeConnectionId(connectionId)}`;
    const headers: Record<string, string> = { host: this.base.host };
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(body.byteLength);
    }
    const toSign: HttpRequest = {
      method,
      protocol: this.base.protocol,
      hostname: this.base.hostname,
      port: this.base.port ? Number(this.base.port) : undefined,
      path,
      query: {},
      headers,
      body,
    };
    const signed = await this.signer.sign(toSign);
    return new Promise<Answer>((resolve, reject) => {
      let timedOut = false;
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        f();
      };
      // Whatever error the destroyed socket reports, a try cut off by the timer is a timeout.
      const fail = (e: Error) => settle(() => reject(timedOut ? new PostTimeoutError(connectionId, timeoutMs) : e));
      const req = this.send(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port || undefined,
          method,
          path,
          headers: signed.headers,
          agent: this.agent as HttpAgent,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const type = res.headers['x-amzn-errortype'];
            const errorType = typeof type === 'string' ? type.split(':')[0] : undefined;
            settle(() => resolve({ status: res.statusCode ?? 0, errorType, body: Buffer.concat(chunks).toString('utf8') }));
          });
          res.on('error', fail);
          res.on('aborted', () => fail(new Error('the response was aborted')));
        },
      );
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new PostTimeoutError(connectionId, timeoutMs));
      }, timeoutMs);
      req.on('error', fail);
      req.end(body);
    });
  }
}
