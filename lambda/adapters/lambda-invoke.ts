/**
 * Fan-out workers on AWS: each shard job (ports/shards.ts `ShardJob`) is a synchronous
 * invocation of the fan-out function — Lambda's `Invoke` with `X-Amz-Invocation-Type:
 * RequestResponse` (AWS Lambda API reference, "Invoke": `POST
 * /2015-03-31/functions/{FunctionName}/invocations`, 200 with the function's result; a function
 * that threw answers 200 with `X-Amz-Function-Error`) — signed with SigV4 for service `lambda`
 * by @smithy/signature-v4, as adapters/signed-poster.ts signs its posts, and sent on a
 * keep-alive agent: no SDK client in the tick's bundle. Synchronous, so the tick's next batch
 * cannot overtake this one on any connection (ports/shards.ts `ShardWorkers.run`).
 *
 * Only 429 (`TooManyRequestsException`: the function did not run) is retried, with
 * full-jitter backoff (client/backoff.ts). Anything else — a 5xx, a function error, a network
 * error or a timeout, after which the worker may have posted some of its shard — rejects at
 * once, and the sharding broadcaster posts that shard itself.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';
import { fullJitterDelay, type BackoffOptions } from '../../client/backoff';
import type { FanOutSummary } from '../ports/broadcaster';
import type { ShardJob, ShardWorkers } from '../ports/shards';
import { memoizeCredentials, NodeSha256 } from './signed-poster';

/** Options of {@link SignedLambdaInvoker}. */
export interface SignedLambdaInvokerOptions {
  /** The invoked function's name or ARN (the fan-out function, or the index function for {@link SignedLambdaInvoker.queue}). */
  readonly functionName: string;
  /** The Region it is in (the signing Region). */
  readonly region: string;
  /** The Lambda endpoint. @default `https://lambda.{region}.amazonaws.com` (local mode: AWS_ENDPOINT_URL_LAMBDA) */
  readonly endpoint?: string;
  /** @default the SDK's provider chain (@aws-sdk/credential-provider-node), memoized as signed-poster.ts does */
  readonly credentials?: AwsCredentialIdentityProvider;
  /** Tries per job while Lambda answers 429 (≥ 1). @default 3 */
  readonly maxAttempts?: number;
  /** Cut-off of one try, ms: the worker posts its whole shard before it answers. @default 60000 (the fan-out function's timeout, lib/player-workflow.ts) */
  readonly timeoutMs?: number;
  /** Backoff between tries (ms). Tests shorten it. */
  readonly backoff?: BackoffOptions;
}

/** An `Invoke` that did not answer 200 with a fan-out summary (`status`; `errorType` from `x-amzn-errortype`, or the function's error). */
export class InvokeError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly errorType: string | undefined,
    detail: string,
  ) {
    super(`Lambda Invoke failed: ${status ?? 'no answer'}${errorType ? ` ${errorType}` : ''}${detail ? `: ${detail.slice(0, 200)}` : ''}`);
    this.name = 'InvokeError';
  }
}

/** `X-Amz-Invocation-Type`: synchronous (the function's result) or queued (`Event`). */
type InvocationType = 'RequestResponse' | 'Event';
/** One answer of `Invoke`: its status, `x-amzn-errortype`, `x-amz-function-error` and body. */
interface InvokeAnswer {
  status: number;
  errorType?: string;
  functionError?: string;
  text: string;
}

/** {@link ShardWorkers} as synchronous invocations of the fan-out function (see the module comment). */
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
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.backoff = opts.backoff ?? {};
    this.signer = new SignatureV4({ service: 'lambda', region: opts.region, credentials: memoizeCredentials(opts.credentials ?? defaultProvider()), sha256: NodeSha256 });
  }

  /**
   * Run `job` on the fan-out function and resolve with the summary it returns. Rejects with
   * {@link InvokeError} (an answer other than 200 with a summary, or 429 after the retries) or
   * the network error / timeout.
   */
  async run(job: ShardJob): Promise<FanOutSummary> {
    const { text } = await this.invoke(job, 'RequestResponse', (a) => a.status === 200 && !a.functionError);
    return summaryOf(text);
  }

  /**
   * Queue `payload` (JSON) for the function: an asynchronous invocation (`X-Amz-Invocation-Type:
   * Event`; the AWS Lambda API reference, "Invoke": 202 once queued, Lambda then runs it and
   * retries a failed run twice). Resolves once queued; 429 is retried as {@link run} retries
   * it. Rejects with {@link InvokeError} for any other answer, or the network error / timeout.
   */
  async queue(payload: unknown): Promise<void> {
    await this.invoke(payload, 'Event', (a) => a.status === 202);
  }

  /**
   * `Invoke` with `payload` until an answer is `accepted`, retrying only 429 (the function did
   * not run) with full-jitter backoff, at most `maxAttempts` tries. Rejects with
   * {@link InvokeError} for any other answer or 429 after the retries, or the network error.
   */
  private async invoke(payload: unknown, invocationType: InvocationType, accepted: (a: InvokeAnswer) => boolean): Promise<InvokeAnswer> {
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    let last = new InvokeError(undefined, undefined, 'not tried');
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await sleep(fullJitterDelay(attempt - 2, this.backoff));
      const answer = await this.once(body, invocationType);
      if (accepted(answer)) return answer;
      last = new InvokeError(answer.status, answer.functionError ?? answer.errorType, answer.text);
      if (answer.status !== 429) throw last;
    }
    throw last;
  }

  private async once(body: Buffer, invocationType: InvocationType): Promise<InvokeAnswer> {
    const headers: Record<string, string> = {
      host: this.url.host,
      'content-type': 'application/json',
      'content-length': String(body.byteLength),
      'x-amz-invocation-type': invocationType,
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
            const fnError = res.headers['x-amz-function-error'];
            resolve({
              status: res.statusCode ?? 0,
              errorType: typeof type === 'string' ? type.split(':')[0] : undefined,
              functionError: typeof fnError === 'string' ? fnError : undefined,
              text: Buffer.concat(chunks).toString('utf8'),
            });
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

/** The fan-out function's result (lambda/handlers/fanout.ts): a summary, or `{ error }` for a job it refused. */
function summaryOf(text: string): FanOutSummary {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new InvokeError(200, undefined, `the fan-out function answered no JSON: ${text}`);
  }
  const o = v as Partial<FanOutSummary> & { error?: unknown };
  if (typeof o !== 'object' || o === null || typeof o.error === 'string' || typeof o.delivered !== 'number' || !Array.isArray(o.gone) || !Array.isArray(o.failed)) {
    throw new InvokeError(200, 'Refused', text);
  }
  return { connections: Number(o.connections ?? 0), delivered: o.delivered, gone: o.gone, failed: o.failed };
}
