import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeError, SignedLambdaInvoker } from '../../../lambda/adapters/lambda-invoke';
import { InvokedLiveKeyframer } from '../../../lambda/adapters/live-keyframer';
import { createHandler } from '../../../lambda/handlers/fanout';
import type { Broadcaster, FanOutRequest } from '../../../lambda/ports/broadcaster';
import type { ShardJob } from '../../../lambda/ports/shards';

const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
const fast = { baseMs: 1, capMs: 5 };
const job: ShardJob = { streamId: 's-big', messages: [{ type: 'pong', at: 1 }], shard: { from: 'Ab', to: 'Mc' } };

/**
 * A Lambda endpoint stand-in: answers each request with the next status of `script` (then 200
 * with `result`; 'fn-error' = 200 with X-Amz-Function-Error, as Lambda answers for a function
 * that threw), records them.
 */
class FakeLambda {
  readonly requests: Array<{ url: string; headers: IncomingMessage['headers']; body: string }> = [];
  script: Array<number | 'fn-error'> = [];
  result: unknown = { connections: 2, delivered: 2, gone: [], failed: [] };
  private server: Server | undefined;
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const next = this.script.shift() ?? 200;
        if (next === 'fn-error') return void res.writeHead(200, { 'x-amz-function-error': 'Unhandled' }).end(JSON.stringify({ errorMessage: 'boom' }));
        if (next === 200) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.result));
        if (next === 202) return void res.writeHead(202).end();
        const status = next;
        const type = status === 429 ? 'TooManyRequestsException' : status >= 500 ? 'ServiceException' : status >= 400 ? 'InvalidRequestContentException' : undefined;
        res.writeHead(status, type ? { 'x-amzn-errortype': type } : {}).end(type ? JSON.stringify({ message: type }) : '');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('SignedLambdaInvoker (the fan-out workers on AWS)', () => {
  const lambda = new FakeLambda();
  let endpoint: string;
  beforeAll(async () => void (endpoint = await lambda.start()));
  afterAll(() => lambda.close());
  beforeEach(() => {
    lambda.requests.length = 0;
    lambda.script = [];
    lambda.result = { connections: 2, delivered: 2, gone: [], failed: [] };
  });
  const invoker = (maxAttempts = 3) => new SignedLambdaInvoker({ functionName: 'matchcast-FanOut', region: 'eu-west-1', endpoint, credentials: async () => credentials, maxAttempts, backoff: fast });

  it('runs the job as a synchronous Invoke, signed for lambda in its Region, and resolves with the worker\'s summary', async () => {
    lambda.result = { connections: 3, delivered: 2, gone: ['g1'], failed: [] };
    expect(await invoker().run(job)).toEqual({ connections: 3, delivered: 2, gone: ['g1'], failed: [] });
    expect(lambda.requests).toHaveLength(1);
    const [r] = lambda.requests;
    expect(r!.url).toBe('/2015-03-31/functions/matchcast-FanOut/invocations');
    expect(r!.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(String(r!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[^,]*x-amz-invocation-type/);
    expect(JSON.parse(r!.body)).toEqual(job);
  });

  it('retries only 429 (the function did not run), then succeeds; gives up after maxAttempts', async () => {
    lambda.script = [429, 429];
    expect(await invoker().run(job)).toMatchObject({ delivered: 2 });
    expect(lambda.requests).toHaveLength(3);
    lambda.requests.length = 0;
    lambda.script = [429, 429, 429];
    await expect(invoker().run(job)).rejects.toMatchObject({ name: 'InvokeError', status: 429 });
    expect(lambda.requests).toHaveLength(3);
  });

  it('rejects at once, never retrying, what may have posted already: a 5xx, a function error, another 4xx, a refused job', async () => {
    for (const [script, expected] of [
      [[503], { status: 503, errorType: 'ServiceException' }],
      [['fn-error'], { status: 200, errorType: 'Unhandled' }],
      [[400], { status: 400, errorType: 'InvalidRequestContentException' }],
    ] as const) {
      lambda.requests.length = 0;
      lambda.script = [...script];
      const err = await invoker().run(job).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvokeError);
      expect(err).toMatchObject(expected);
      expect(lambda.requests).toHaveLength(1);
    }
    lambda.requests.length = 0;
    lambda.result = { error: 'invalid fan-out job' };
    await expect(invoker().run(job)).rejects.toMatchObject({ name: 'InvokeError', errorType: 'Refused' });
    expect(lambda.requests).toHaveLength(1);
  });

  it('rejects when nothing answers', async () => {
    const dead = new SignedLambdaInvoker({ functionName: 'f', region: 'eu-west-1', endpoint: 'http://127.0.0.1:1', credentials: async () => credentials, maxAttempts: 2, backoff: fast });
    await expect(dead.run(job)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it("queues the index function's refold as an asynchronous (Event) Invoke: 202 resolves, 429 is retried, anything else rejects", async () => {
    const keyframer = new InvokedLiveKeyframer({ functionName: 'matchcast-Index', region: 'eu-west-1', endpoint, credentials: async () => credentials, maxAttempts: 3, backoff: fast });
    lambda.script = [429, 202];
    await keyframer.request('live-1');
    expect(lambda.requests).toHaveLength(2);
    const req = lambda.requests[1]!;
    expect(req.url).toBe('/2015-03-31/functions/matchcast-Index/invocations');
    expect(req.headers['x-amz-invocation-type']).toBe('Event');
    expect(String(req.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/eu-west-1\/lambda\/aws4_request/);
    expect(JSON.parse(req.body)).toEqual({ refoldLiveKeyframes: 'live-1' });
    lambda.script = [500];
    await expect(keyframer.request('live-1')).rejects.toBeInstanceOf(InvokeError);
    lambda.script = [200]; // a synchronous answer is not a queued event
    await expect(keyframer.request('live-1')).rejects.toMatchObject({ status: 200 });
  });
});

describe('the fan-out function (lambda/handlers/fanout.ts)', () => {
  const rig = () => {
    const calls: Array<{ streamId: string; opts?: FanOutRequest }> = [];
    const broadcaster: Broadcaster = {
      fanOut: async (streamId, _m, opts) => {
        calls.push({ streamId, opts });
        return { connections: opts?.connections?.length ?? 0, delivered: opts?.connections?.length ?? 0, gone: [], failed: [] };
      },
      post: async () => 'sent',
    };
    const listed: unknown[] = [];
    const log = { info: () => undefined, warn: () => undefined };
    const handler = createHandler({ broadcaster, shards: { list: async (s, r) => (listed.push([s, r]), ['c1', 'c2']) }, log });
    return { handler, calls, listed };
  };

  it('posts a job to the connections of its shard', async () => {
    const { handler, calls, listed } = rig();
    expect(await handler({ ...job, except: 'c9' })).toEqual({ connections: 2, delivered: 2, gone: [], failed: [] });
    expect(listed).toEqual([['s-big', { from: 'Ab', to: 'Mc' }]]);
    expect(calls).toEqual([{ streamId: 's-big', opts: { connections: ['c1', 'c2'], except: 'c9' } }]);
  });

  it('drops a job that does not parse, posting nothing', async () => {
    const { handler, calls, listed } = rig();
    for (const bad of [null, {}, { ...job, messages: [] }, { ...job, streamId: '' }, { ...job, shard: { from: 3 } }, { ...job, messages: [{ no: 'type' }] }]) {
      expect(await handler(bad)).toEqual({ error: 'invalid fan-out job' });
    }
    expect(calls).toEqual([]);
    expect(listed).toEqual([]);
  });
});
