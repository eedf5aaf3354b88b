import { createHash } from 'node:crypto';
import { createServer, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { SignatureV4 } from '@smithy/signature-v4';
import WebSocket from 'ws';
import { LocalWebSocketGateway } from '../../../local/gateway';
import {
  CREDENTIAL_REFRESH_WINDOW_MS,
  NodeSha256,
  type FailedTry,
  SignedConnectionPoster,
  encodeConnectionId,
  memoizeCredentials,
} from '../../../lambda/adapters/signed-poster';

const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
const fast = { baseMs: 1, capMs: 5 }; // backoff bound only; nothing here waits on wall time

/** Wait until `probe` returns a value; the bound only catches a hang. */
async function eventually<T>(probe: () => T | undefined, what: string, maxMs = 10_000): Promise<T> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SignedConnectionPoster against the local gateway', () => {
  let gw: LocalWebSocketGateway;
  let poster: SignedConnectionPoster;

  beforeAll(async () => {
    gw = new LocalWebSocketGateway({ stageName: 'live', routeSelectionExpression: '$request.body.action', routes: {} });
    await gw.listen(0);
    poster = new SignedConnectionPoster({ callbackUrl: gw.callbackUrl, region: 'us-east-1', credentials: async () => credentials, backoff: fast });
  });

  afterAll(async () => {
    poster.dispose();
    await gw.close();
  });

  const open = async () => {
    const before = new Set(gw.connectionIds());
    const ws = new WebSocket(gw.url);
    const messages: string[] = [];
    let closeCode: number | undefined;
    ws.on('message', (d) => messages.push(d.toString()));
    ws.on('close', (code) => (closeCode = code));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const id = await eventually(() => gw.connectionIds().find((x) => !before.has(x)), 'the new connection id');
    return { ws, id, messages, closed: () => eventually(() => closeCode, 'close') };
  };

  it('delivers a post to a real connection (an id that needs URL encoding): ok, one attempt', async () => {
    const c = await open();
    expect(c.id).toMatch(/=$/); // base64 ids end in '=', which goes out as %3D
    const r = await poster.post(c.id, '{"type":"hello"}');
    expect(r).toMatchObject({ outcome: 'ok', attempts: 1, status: 200 });
    await eventually(() => c.messages.find((m) => m === '{"type":"hello"}'), 'the message');
    c.ws.close();
    await c.closed();
  });

  it('answers gone for an unknown or closed connection, without retrying', async () => {
    const before = gw.managementStats().requests;
    expect(await poster.post('AAAAAAAAAAAAAAA=', 'x')).toMatchObject({ outcome: 'gone', attempts: 1, status: 410, errorType: 'GoneException' });
    expect(gw.managementStats().requests - before).toBe(1);
  });

  it('closes a connection with DELETE: the client sees 1000, later posts are gone', async () => {
    const c = await open();
    expect(await poster.close(c.id)).toMatchObject({ outcome: 'ok', status: 204 });
    expect(await c.closed()).toBe(1000);
    expect(await poster.post(c.id, 'late')).toMatchObject({ outcome: 'gone' });
    expect(await poster.close(c.id)).toMatchObject({ outcome: 'gone' });
  });

  it('does not retry a message over 128 KB (413 PayloadTooLargeException)', async () => {
    const c = await open();
    const r = await poster.post(c.id, 'x'.repeat(128 * 1024 + 1));
    expect(r).toMatchObject({ outcome: 'failed', attempts: 1, status: 413, errorType: 'PayloadTooLargeException' });
    c.ws.close();
    await c.closed();
  });

  it('is throttled by the gateway AWS model: 429s are retried, then reported', async () => {
    const throttled = new LocalWebSocketGateway({
      stageName: 'live',
      routeSelectionExpression: '$request.body.action',
      routes: {},
      limits: { managementThrottle: { ratePerSecond: 0.001, burst: 1 } },
    });
    await throttled.listen(0);
    const p = new SignedConnectionPoster({ callbackUrl: throttled.callbackUrl, region: 'us-east-1', credentials: async () => credentials, maxAttempts: 3, backoff: fast });
    try {
      const [id] = throttled.addVirtualConnections(1);
      expect(await p.post(id!, 'first')).toMatchObject({ outcome: 'ok', attempts: 1 });
      expect(await p.post(id!, 'second')).toMatchObject({ outcome: 'failed', attempts: 3, status: 429, errorType: 'TooManyRequestsException' });
      expect(throttled.managementStats()).toEqual({ requests: 4, throttled: 3 });
      expect(throttled.virtualDeliveries(id!)).toEqual({ messages: 1, bytes: 5 });
    } finally {
      p.dispose();
      await throttled.close();
    }
  });
});

/** A tiny fault server: each connection id path answers in its own way; every request is recorded. */
class FaultServer {
  readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }> = [];
  private server: Server | undefined;
  private port = 0;
  private readonly hung: ServerResponse[] = [];
  private tries = new Map<string, number>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        this.answer(decodeURIComponent((req.url ?? '').split('/').pop() ?? ''), res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}/prod`;
  }

  count(id: string): number {
    return this.requests.filter((r) => decodeURIComponent(r.url.split('/').pop() ?? '') === id).length;
  }

  private answer(id: string, res: ServerResponse): void {
    const n = (this.tries.get(id) ?? 0) + 1;
    this.tries.set(id, n);
    const error = (status: number, type: string) =>
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type }).end(JSON.stringify({ message: type }));
    if (id === 'gone') return void error(410, 'GoneException');
    const ok = () => void res.writeHead(200, { 'content-length': 0 }).end();
    if (id === 'throttled-twice') return n <= 2 ? void error(429, 'TooManyRequestsException') : ok();
    if (id === 'broken') return void error(500, 'InternalServerErrorException');
    if (id === 'bad-request') return void error(400, 'BadRequestException');
    if (id === 'hang') return void this.hung.push(res); // never answered
    if (id === 'hang-once') return n === 1 ? void this.hung.push(res) : ok();
    ok();
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}

describe('SignedConnectionPoster against a fault server', () => {
  const faults = new FaultServer();
  let callbackUrl: string;
  let poster: SignedConnectionPoster;

  beforeAll(async () => {
    callbackUrl = await faults.start();
    // A generous timeout for the peers that answer: only the hung ones below ever reach one.
    poster = new SignedConnectionPoster({ callbackUrl, region: 'eu-west-1', credentials: async () => credentials, timeoutMs: 10_000, maxAttempts: 3, backoff: fast });
  });

  afterAll(async () => {
    poster.dispose();
    await faults.close();
  });

  it('reports gone on 410 after one request', async () => {
    expect(await poster.post('gone', 'x')).toMatchObject({ outcome: 'gone', attempts: 1, status: 410 });
    expect(faults.count('gone')).toBe(1);
  });

  it('retries 429 and succeeds on the third try', async () => {
    expect(await poster.post('throttled-twice', 'x')).toMatchObject({ outcome: 'ok', attempts: 3, status: 200 });
    expect(faults.count('throttled-twice')).toBe(3);
  });

  it('retries 5xx up to maxAttempts, then fails with the last status', async () => {
    const r = await poster.post('broken', 'x');
    expect(r).toMatchObject({ outcome: 'failed', attempts: 3, status: 500, errorType: 'InternalServerErrorException' });
    expect(r.error?.message).toContain('500');
    expect(faults.count('broken')).toBe(3);
  });

  it('does not retry a 400', async () => {
    expect(await poster.post('bad-request', 'x')).toMatchObject({ outcome: 'failed', attempts: 1, status: 400 });
    expect(faults.count('bad-request')).toBe(1);
  });

  it('reports timed_out when every try of a hung peer timed out (maxAttempts requests)', async () => {
    const hung = new SignedConnectionPoster({ callbackUrl, region: 'eu-west-1', credentials: async () => credentials, timeoutMs: 200, maxAttempts: 3, backoff: fast });
    try {
      const r = await hung.post('hang', 'x');
      expect(r).toMatchObject({ outcome: 'timed_out', attempts: 3 });
      expect(r.error?.name).toBe('PostTimeoutError');
      await eventually(() => (faults.count('hang') === 3 ? true : undefined), 'three requests to the hung id');
    } finally {
      hung.dispose();
    }
  });

  it('recovers when only the first try hangs', async () => {
    const p = new SignedConnectionPoster({ callbackUrl, region: 'eu-west-1', credentials: async () => credentials, timeoutMs: 1000, maxAttempts: 4, backoff: fast });
    try {
      const r = await p.post('hang-once', 'x');
      expect(r.outcome).toBe('ok');
      expect(r.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      p.dispose();
    }
  });

  it('takes tries and the cut-off per call, and tells onFailedTry of every try that did not succeed', async () => {
    const failures: Array<{ status?: number; errorType?: string; name: string }> = [];
    const onFailedTry = (f: FailedTry) => void failures.push({ status: f.status, errorType: f.errorType, name: f.error.name });
    // The poster's own maxAttempts is 3; this call makes 2.
    expect(await poster.post('broken', 'x', { maxAttempts: 2, onFailedTry })).toMatchObject({ outcome: 'failed', attempts: 2, status: 500 });
    expect(failures).toEqual([
      { status: 500, errorType: 'InternalServerErrorException', name: 'ConnectionsHttpError' },
      { status: 500, errorType: 'InternalServerErrorException', name: 'ConnectionsHttpError' },
    ]);
    failures.length = 0;
    expect(await poster.post('gone', 'x', { onFailedTry })).toMatchObject({ outcome: 'gone', attempts: 1 });
    expect(failures).toEqual([{ status: 410, errorType: 'GoneException', name: 'ConnectionsHttpError' }]);
    failures.length = 0;
    // The poster's own cut-off is 10 s; this call's is 200 ms (twice).
    expect(await poster.post('hang', 'x', { maxAttempts: 2, timeoutMs: 200, onFailedTry })).toMatchObject({ outcome: 'timed_out', attempts: 2 });
    expect(failures).toEqual([{ name: 'PostTimeoutError' }, { name: 'PostTimeoutError' }]);
    failures.length = 0;
    expect(await poster.post('ok', 'x', { onFailedTry })).toMatchObject({ outcome: 'ok', attempts: 1 });
    expect(failures).toEqual([]);
    expect(await poster.post('ok', 'x', { timeoutMs: 0 })).toMatchObject({ outcome: 'failed', attempts: 0 });
  });

  it('retries network errors and reports failed (not timed_out) when the server is gone', async () => {
    const dead = new SignedConnectionPoster({ callbackUrl: 'http://127.0.0.1:1/prod', region: 'eu-west-1', credentials: async () => credentials, maxAttempts: 2, backoff: fast });
    try {
      const r = await dead.post('anyone', 'x');
      expect(r).toMatchObject({ outcome: 'failed', attempts: 2 });
      expect((r.error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    } finally {
      dead.dispose();
    }
  });

  it('signs POST {callbackUrl}/@connections/{id} for execute-api: the signature verifies with the same signer', async () => {
    const id = 'a+b=c!';
    expect(await poster.post(id, '{"type":"frames"}')).toMatchObject({ outcome: 'ok' });
    const req = faults.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`/prod/@connections/${encodeConnectionId(id)}`);
    expect(req.url).toBe('/prod/@connections/a%2Bb%3Dc%21');
    const auth = String(req.headers.authorization);
    const amzDate = String(req.headers['x-amz-date']);
    expect(amzDate).toMatch(/^\d{8}T\d{6}Z$/);
    expect(auth).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDLOCAL/${amzDate.slice(0, 8)}/eu-west-1/execute-api/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`),
    );
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)![1]!.split(';');
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date']));
    // Sign the request as received, at its X-Amz-Date, with the same signer: the same Authorization.
    const headers = Object.fromEntries(signedHeaders.map((h) => [h, String(req.headers[h])]));
    const at = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const verifier = new SignatureV4({ service: 'execute-api', region: 'eu-west-1', credentials, sha256: NodeSha256 });
    const port = Number(new URL(callbackUrl).port);
    const resigned = await verifier.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: req.url, query: {}, headers, body: req.body }, { signingDate: at });
    expect(resigned.headers.authorization).toBe(auth);
    // The payload hash is the body's, so a different body would not verify.
    expect(req.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(req.body).digest('hex'));
    const { ['x-amz-content-sha256']: _hash, ...unhashed } = headers;
    const tampered = await verifier.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: req.url, query: {}, headers: unhashed, body: Buffer.from('{}') }, { signingDate: at });
    expect(tampered.headers.authorization).not.toBe(auth);
  });

  it('sends the same path as the SDK PostToConnectionCommand for ids that need encoding', async () => {
    const sdk = new ApiGatewayManagementApiClient({ endpoint: callbackUrl, region: 'eu-west-1', credentials, maxAttempts: 1 });
    try {
      for (const id of ['AbC+dE=', "x!'()*y", 'a b']) {
        await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' }));
        const fromSdk = faults.requests.at(-1)!;
        await poster.post(id, 'x');
        const ours = faults.requests.at(-1)!;
        expect(ours.url).toBe(fromSdk.url);
        expect(ours.method).toBe(fromSdk.method);
        // Both signed for execute-api in the client's Region.
        expect(String(ours.headers.authorization)).toContain('/eu-west-1/execute-api/aws4_request');
      }
    } finally {
      sdk.destroy();
    }
  });

  it('sends a session token when the credentials have one', async () => {
    const p = new SignedConnectionPoster({ callbackUrl, region: 'eu-west-1', credentials: async () => ({ ...credentials, sessionToken: 'TOKEN1' }) });
    try {
      expect(await p.post('ok', 'x')).toMatchObject({ outcome: 'ok' });
      expect(faults.requests.at(-1)!.headers['x-amz-security-token']).toBe('TOKEN1');
    } finally {
      p.dispose();
    }
  });

  it('resolves credentials again when they are about to expire, and keeps them otherwise', async () => {
    let calls = 0;
    const expiring = async () => {
      calls++;
      // Inside the refresh window: treated as expired on the next use, as the SDK does.
      return { accessKeyId: `AKID${calls}`, secretAccessKey: 's', expiration: new Date(Date.now() + CREDENTIAL_REFRESH_WINDOW_MS - 1000) };
    };
    const p = new SignedConnectionPoster({ callbackUrl, region: 'eu-west-1', credentials: expiring });
    try {
      await p.post('ok', 'x');
      await p.post('ok', 'x');
      expect(calls).toBe(2);
      expect(String(faults.requests.at(-1)!.headers.authorization)).toContain('Credential=AKID2/');
    } finally {
      p.dispose();
    }
    let longCalls = 0;
    const lasting = new SignedConnectionPoster({
      callbackUrl,
      region: 'eu-west-1',
      credentials: async () => (longCalls++, { ...credentials, expiration: new Date(Date.now() + 3_600_000) }),
    });
    try {
      await Promise.all([lasting.post('ok', 'a'), lasting.post('ok', 'b')]);
      await lasting.post('ok', 'c');
      expect(longCalls).toBe(1);
    } finally {
      lasting.dispose();
    }
  });

  it('uses the agent it is given and leaves it to the caller', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const p = new SignedConnectionPoster({ callbackUrl, region: 'eu-west-1', credentials: async () => credentials, agent });
    try {
      expect(await p.post('ok', 'x')).toMatchObject({ outcome: 'ok' });
      p.dispose();
      expect(await p.post('ok', 'x')).toMatchObject({ outcome: 'failed', attempts: 0 });
      // The agent still works for its owner.
      const again = new SignedConnectionPoster({ callbackUrl, region: 'eu-west-1', credentials: async () => credentials, agent });
      expect(await again.post('ok', 'x')).toMatchObject({ outcome: 'ok' });
      again.dispose();
    } finally {
      agent.destroy();
    }
  });
});

describe('memoizeCredentials', () => {
  it('shares one resolution, refreshes inside the window, retries after a failure', async () => {
    let now = 0;
    let calls = 0;
    let fail = false;
    const memo = memoizeCredentials(
      async () => {
        calls++;
        if (fail) throw new Error('no credentials');
        return { accessKeyId: `K${calls}`, secretAccessKey: 's', expiration: new Date(now + 10_000) };
      },
      1_000,
      () => now,
    );
    const [a, b] = await Promise.all([memo(), memo()]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    now = 8_999;
    expect((await memo()).accessKeyId).toBe('K1');
    now = 9_001; // less than 1 s left
    expect((await memo()).accessKeyId).toBe('K2');
    now = 30_000;
    fail = true;
    await expect(memo()).rejects.toThrow('no credentials');
    fail = false;
    expect((await memo()).accessKeyId).toBe('K4');
  });
});

describe('encodeConnectionId', () => {
  it('encodes as one path segment, as the SDK does', () => {
    expect(encodeConnectionId('AbC=')).toBe('AbC%3D');
    expect(encodeConnectionId("a/b+c!'()*")).toBe('a%2Fb%2Bc%21%27%28%29%2A');
  });
});
