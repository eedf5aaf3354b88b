/**
 * Fan-out workers on AWS: each shard job (ports/shards.ts `ShardJob`) is an asynchronous
 * invocation of the fan-out function — Lambda's `Invoke` with `X-Amz-Invocation-Type: Event`
 * (AWS Lambda API reference, "Invoke": `POST /2015-03-31/functions/{FunctionName}/invocations`,
 * 202 when queued) — signed with SigV4 for service `lambda` by @smithy/signature-v4, as
 * adapters/signed-poster.ts signs its posts, and sent on a keep-alive agent: no SDK client in
 * the tick's bundle. 429 (`TooManyRequestsException`), 5xx, network errors and timeouts are
 * retried with full-jitter backoff (client/backoff.ts); any other answer, or the last failed
 * try, rejects — the sharding broadcaster then posts that shard itself.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';
import { fullJitterDelay, type BackoffOptions } from '../../client/backoff';
import type { ShardJob, ShardWorkers } from '../ports/shards';
import { memoizeCredentials, NodeSha256 } from './signed-poster';

/** Options of {@link SignedLambdaInvoker}. */
export interface SignedLambdaInvokerOptions {
  /** The fan-out function's name or ARN. */
  readonly functionName: string;
  /** The Region it is in (the signing Region). */
  readonly region: string;
  /** The Lambda endpoint. @default `https://lambda.{region}.amazonaws.com` (local mode: AWS_ENDPOINT_URL_LAMBDA) */
  readonly endpoint?: string;
  /** @default the SDK's provider chain (@aws-sdk/credential-provider-node), memoized as signed-poster.ts does */
  readonly credentials?: AwsCredentialIdentityProvider;
  /** Tries per job (≥ 1). @default 3 */
  readonly maxAttempts?: number;
  /** Cut-off of one try, ms. @default 3000 */
  readonly timeoutMs?: number;
  /** Backoff between tries (ms). Tests shorten it. */
  readonly backoff?: BackoffOptions;
}

/** An `Invoke` that did not answer 202 (`status`, `errorType` from `x-amzn-errortype`). */
export class InvokeError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly errorType: string | undefined,
    detail: string,
  ) {
    super(`Lambda Invoke (Event) failed: ${status ?? 'no answer'}${errorType ? ` ${errorType}` : ''}${detail ? `: ${detail.slice(0, 200)}` : ''}`);
    this.name = 'InvokeError';
  }
}

/** {@link ShardWorkers} as asynchronous invocations of the fan-out function (see the module comment). */
export class SignedLambdaInvoker implements ShardWorkers {
  private readonly url: URL;
  private readonly path: string;
  private readonly signer: SignatureV4;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly send: typeof httpRequest;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly backoff: BackoffOptions;

  /** Throws for an endpoint that is not an `http:`/`https:` URL. */
  constructor(opts: SignedLambdaInvokerOptions) {
    this.url = new URL(opts.endpoint ?? `https://lambda.${opts.region}.amazonaws.com`);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new Error(`the Lambda endpoint must be http: or https:, got ${this.url.href}`);
    const https = this.url.protocol === 'https:';
    this.send = https ? (httpsRequest as unknown as typeof httpRequest) : httpRequest;
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.path = `${this.url.pathname.replace(/\/+$/, '')}/2015-03-31/functions/${encodeURIComponent(opts.functionName)}/invocations`;
    this.maxAttempts = Math.max(1, Math.floor(opts.maxAttempts ?? 3));
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.backoff = opts.backoff ?? {};
    this.signer = new SignatureV4({ service: 'lambda', region: opts.region, credentials: memoizeCredentials(opts.credentials ?? defaultProvider()), sha256: NodeSha256 });
  }

  /** Queue `job` for the fan-out function (202). Rejects with {@link InvokeError} or the last network error after the retries. */
  async start(job: ShardJob): Promise<void> {
    const body = Buffer.from(JSON.stringify(job), 'utf8');
    let last: Error = new InvokeError(undefined, undefined, 'not tried');
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await sleep(fullJitterDelay(attempt - 2, this.backoff));
      try {
        const { status, errorType, text } = await this.once(body);
        if (status === 202 || status === 200) return;
        last = new InvokeError(status, errorType, text);
        if (status !== 429 && status < 500) throw last;
      } catch (e) {
        if (e instanceof InvokeError && e.status !== undefined && e.status !== 429 && e.status < 500) throw e;
        last = e as Error;
      }
    }
    throw last;
  }

  private async once(body: Buffer): Promise<{ status: number; errorType?: string; text: string }> {
    const headers: Record<string, string> = {
      host: this.url.host,
      'content-type': 'application/json',
      'content-length': String(body.byteLength),
      'x-amz-invocation-type': 'Event',
    };
    const toSign: HttpRequest = { method: 'POST', protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port ? Number(this.url.port) : undefined, path: this.path, query: {}, headers, body };
    const signed = await this.signer.sign(toSign);
    return new Promise((resolve, reject) => {
      const req = this.send(
        { protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port || undefined, method: 'POST', path: this.path, headers: signed.headers, agent: this.agent as HttpAgent, timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const type = res.headers['x-amzn-errortype'];
            resolve({ status: res.statusCode ?? 0, errorType: typeof type === 'string' ? type.split(':')[0] : undefined, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`Lambda Invoke timed out after ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
