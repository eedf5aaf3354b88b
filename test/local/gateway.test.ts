import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import WebSocket from 'ws';
import { LocalWebSocketGateway, type GatewayRoute } from '../../local/gateway';
import type { LambdaHandler } from '../../local/lambda-runtime';
import { eventually } from '../support/fixtures-wait';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const managementClient = (callbackUrl: string) => new ApiGatewayManagementApiClient({ endpoint: callbackUrl, region: 'us-east-1', credentials, maxAttempts: 1 });

/** A raw WebSocket test client: every text message, the close code, bounded waits. */
class Client {
  readonly messages: string[] = [];
  closeCode?: number;
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.messages.push(d.toString());
      this.notify();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.notify();
    });
    ws.on('error', () => undefined);
  }
  static open(url: string, protocols?: string[]): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols);
      const c = new Client(ws);
      ws.once('open', () => resolve(c));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => reject(Object.assign(new Error(`handshake refused: ${res.statusCode}`), { status: res.statusCode, body })));
      });
      ws.once('error', reject);
    });
  }
  private notify() {
    for (const w of this.waiters.splice(0)) w();
  }
  async until<T>(probe: () => T | undefined, what: string, maxMs = 5000): Promise<T> {
    const deadline = Date.now() + maxMs;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
  message(pred: (m: string) => boolean, what: string): Promise<string> {
    return this.until(() => this.messages.find(pred), what);
  }
  closed(): Promise<number> {
    return this.until(() => this.closeCode, 'close');
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ev = any;

describe('LocalWebSocketGateway', () => {
  const authorizerEvents: Ev[] = [];
  const connectEvents: Ev[] = [];
  const disconnectEvents: Ev[] = [];
  const messageEvents: Ev[] = [];
  let gate: () => void = () => undefined;
  const gateOpen = new Promise<void>((r) => (gate = r));
  let gw: LocalWebSocketGateway;
  let mgmt: ApiGatewayManagementApiClient;

  const route = (handler: LambdaHandler, functionName: string, timeoutMs = 5000): GatewayRoute => ({ handler, functionName, timeoutMs });
  const reply = async (event: Ev, data: unknown) => {
    await mgmt.send(new PostToConnectionCommand({ ConnectionId: event.requestContext.connectionId, Data: JSON.stringify(data) }));
  };

  const authorizer: LambdaHandler = async (event: Ev) => {
    authorizerEvents.push(event);
    const token = event.queryStringParameters.token as string;
    if (token === 'bad') throw new Error('Unauthorized');
    if (token === 'crash') throw new Error('database down');
    const resource = token === 'wild' ? 'arn:aws:execute-api:us-east-1:000000000000:local/*' : event.methodArn;
    return {
      principalId: `user-${token}`,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: token === 'deny' ? 'Deny' : 'Allow', Resource: resource }] },
      context: { userId: `user-${token}`, displayName: 'Ann', n: 5 },
    };
  };

  beforeAll(async () => {
    gw = new LocalWebSocketGateway({
      stageName: 'live',
      routeSelectionExpression: '$request.body.action',
      authorizer: { handler: authorizer, functionName: 'authorize', identitySource: ['route.request.querystring.token'] },
      routes: {
        $connect: route(async (event: Ev) => {
          connectEvents.push(event);
          if (event.queryStringParameters?.refuse) return { statusCode: Number(event.queryStringParameters.refuse) };
          if (event.queryStringParameters?.explode) throw new Error('connect failed');
          const proto = event.headers['Sec-WebSocket-Protocol'];
          return { statusCode: 200, ...(proto ? { headers: { 'Sec-WebSocket-Protocol': proto.split(',')[0].trim() } } : {}) };
        }, 'connect'),
        $disconnect: route(async (event: Ev) => {
          disconnectEvents.push(event);
          return { statusCode: 200 };
        }, 'disconnect'),
        $default: route(async (event: Ev) => {
          messageEvents.push(event);
          await reply(event, { route: '$default', body: event.body });
          return { statusCode: 200 };
        }, 'default'),
        echo: route(async (event: Ev) => {
          messageEvents.push(event);
          await reply(event, { route: 'echo', body: event.body });
          return { statusCode: 200, body: 'ignored' };
        }, 'echo'),
        hold: route(async (event: Ev) => {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([gateOpen, new Promise((r) => (timer = setTimeout(r, 4000)))]);
          clearTimeout(timer);
          await reply(event, { route: 'hold' });
          return { statusCode: 200 };
        }, 'hold'),
        release: route(async (event: Ev) => {
          await reply(event, { route: 'release' }); // delivered before `hold` can even resume
          gate();
          return { statusCode: 200 };
        }, 'release'),
        throw: route(async () => {
          throw new Error('handler bug at line 12');
        }, 'thrower'),
      },
    });
    await gw.listen(0);
    mgmt = managementClient(gw.callbackUrl);
  });

  afterAll(async () => {
    await gw.close();
    mgmt.destroy();
    // $disconnect fired exactly once per connection whose $connect succeeded.
    const ids = disconnectEvents.map((e) => e.requestContext.connectionId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  const connect = (token?: string, extra = '') => Client.open(`${gw.url}${token === undefined ? '' : `?token=${token}`}${extra}`);

  it('serves the URLs API Gateway would', () => {
    expect(gw.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    expect(gw.callbackUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/live$/);
  });

  it('answers 401 without calling the authorizer when the identity source is missing', async () => {
    const before = authorizerEvents.length;
    await expect(connect()).rejects.toMatchObject({ status: 401 });
    await expect(connect('')).rejects.toMatchObject({ status: 401 });
    expect(authorizerEvents.length).toBe(before);
  });

  it('maps authorizer outcomes to 401, 403 and 500', async () => {
    await expect(connect('bad')).rejects.toMatchObject({ status: 401, body: '{"message":"Unauthorized"}' });
    await expect(connect('deny')).rejects.toMatchObject({ status: 403, body: '{"message":"Forbidden"}' });
    const crash = await connect('crash').catch((e: { status: number; body: string }) => e);
    expect(crash).toMatchObject({ status: 500 });
    expect((crash as { body: string }).body).not.toContain('database down');
  });

  it('sends the authorizer a REQUEST event and passes its context to $connect', async () => {
    const c = await connect('good', '&x=1&x=2');
    const authEvent = authorizerEvents.at(-1);
    expect(authEvent).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:000000000000:local/live/$connect',
      queryStringParameters: { token: 'good', x: '2' },
      multiValueQueryStringParameters: { token: ['good'], x: ['1', '2'] },
      stageVariables: {},
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', messageDirection: 'IN', stage: 'live', apiId: 'local', identity: { sourceIp: '127.0.0.1' } },
    });
    expect(authEvent.requestContext.authorizer).toBeUndefined();
    const connectEvent = connectEvents.at(-1);
    expect(connectEvent.requestContext).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      connectionId: authEvent.requestContext.connectionId,
      authorizer: { userId: 'user-good', displayName: 'Ann', n: '5', principalId: 'user-good' },
    });
    expect(connectEvent.requestContext.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(connectEvent.requestContext.connectionId).toMatch(/^[A-Za-z0-9+\-=]{16}$/);
    expect(gw.connectionIds()).toContain(connectEvent.requestContext.connectionId);
    c.ws.close();
    await c.closed();
  });

  it('accepts a wildcard Resource in the Allow policy', async () => {
    const c = await connect('wild');
    c.ws.close();
    await c.closed();
  });

  it('rejects the handshake with the status $connect returns, and 502 when $connect throws', async () => {
    await expect(connect('good', '&refuse=429')).rejects.toMatchObject({ status: 429 });
    await expect(connect('good', '&explode=1')).rejects.toMatchObject({ status: 502 });
  });

  it('confirms a subprotocol only when $connect returns it', async () => {
    const c = await Client.open(`${gw.url}?token=good`, ['matchcast.v1']);
    expect(c.ws.protocol).toBe('matchcast.v1');
    c.ws.close();
    await c.closed();
  });

  it('selects routes on $request.body.action, falling back to $default (non-JSON too)', async () => {
    const c = await connect('good');
    c.ws.send(JSON.stringify({ action: 'echo', n: 1 }));
    c.ws.send('not json at all');
    c.ws.send(JSON.stringify({ action: 'nope' }));
    c.ws.send(JSON.stringify({ action: 5 }));
    const echo = JSON.parse(await c.message((m) => m.includes('"route":"echo"'), 'echo'));
    expect(JSON.parse(echo.body)).toEqual({ action: 'echo', n: 1 });
    await c.message((m) => m.includes('not json at all'), 'non-JSON → $default');
    await c.message((m) => m.includes('\\"nope\\"'), 'unknown action → $default');
    await c.message((m) => m.includes('\\"action\\":5'), 'non-string action → $default');
    const ev = messageEvents.find((e) => e.requestContext.routeKey === 'echo');
    expect(ev).toMatchObject({
      isBase64Encoded: false,
      requestContext: { eventType: 'MESSAGE', messageDirection: 'IN', stage: 'live', authorizer: { userId: 'user-good', principalId: 'user-good' } },
    });
    expect(ev.requestContext.messageId).toEqual(expect.any(String));
    // A returned body is not sent to the client (no route responses).
    expect(c.messages.some((m) => m.includes('ignored'))).toBe(false);
    c.ws.close();
    await c.closed();
  });

  it('dispatches messages concurrently', async () => {
    const c = await connect('good');
    c.ws.send(JSON.stringify({ action: 'hold' })); // waits until `release` runs
    c.ws.send(JSON.stringify({ action: 'release' }));
    await c.message((m) => m.includes('"route":"hold"'), 'hold');
    const order = c.messages.map((m) => JSON.parse(m).route);
    expect(order.indexOf('release')).toBeLessThan(order.indexOf('hold'));
    c.ws.close();
    await c.closed();
  });

  it('tells the client "Internal server error" when a handler throws, without details', async () => {
    const c = await connect('good');
    c.ws.send(JSON.stringify({ action: 'throw' }));
    const m = JSON.parse(await c.message((x) => x.includes('Internal server error'), 'error'));
    expect(m).toEqual({ message: 'Internal server error', connectionId: expect.any(String), requestId: expect.any(String) });
    expect(gw.connectionIds()).toContain(m.connectionId);
    c.ws.close();
    await c.closed();
  });

  it('answers Forbidden when no route matches and there is no $default', async () => {
    const other = new LocalWebSocketGateway({ stageName: 'live', routeSelectionExpression: '$request.body.action', routes: {} });
    await other.listen(0);
    try {
      const c = await Client.open(other.url);
      c.ws.send('{"action":"anything"}');
      const m = JSON.parse(await c.message((x) => x.includes('Forbidden'), 'Forbidden'));
      expect(m).toEqual({ message: 'Forbidden', connectionId: expect.any(String), requestId: expect.any(String) });
      c.ws.close();
      await c.closed();
    } finally {
      await other.close();
    }
  });

  it('closes with 1009 on a message over 128 KB and runs $disconnect', async () => {
    const c = await connect('good');
    const id = connectEvents.at(-1).requestContext.connectionId as string;
    c.ws.send('x'.repeat(128 * 1024 + 1));
    expect(await c.closed()).toBe(1009);
    const d = await eventually(() => disconnectEvents.find((e) => e.requestContext.connectionId === id), '$disconnect');
    expect(d.requestContext).toMatchObject({ routeKey: '$disconnect', eventType: 'DISCONNECT', disconnectStatusCode: 1009 });
  });

  it('closes with 1003 on a binary frame', async () => {
    const c = await connect('good');
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await c.closed()).toBe(1003);
  });

  it('implements PostToConnection, GetConnection and DeleteConnection for the real SDK client', async () => {
    const c = await connect('good');
    const id = connectEvents.at(-1).requestContext.connectionId as string;
    await mgmt.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('{"hello":"world"}') }));
    await c.message((m) => m === '{"hello":"world"}', 'posted data');

    const info = await mgmt.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(info.ConnectedAt!.getTime());
    expect(info.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: expect.any(String) });

    const tooBig = await mgmt.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(128 * 1024 + 1, 97) })).catch((e: unknown) => e as Error);
    expect((tooBig as Error).name).toBe('PayloadTooLargeException');

    await mgmt.send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect(await c.closed()).toBe(1000);
    const d = await eventually(() => disconnectEvents.find((e) => e.requestContext.connectionId === id), '$disconnect');
    expect(d.requestContext.disconnectStatusCode).toBe(1000);
    expect(d.requestContext.authorizer).toMatchObject({ userId: 'user-good' });

    const gone = await mgmt.send(new GetConnectionCommand({ ConnectionId: id })).catch((e: unknown) => e as Error);
    expect((gone as Error).name).toBe('GoneException');
    expect((gone as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(410);
  });

  it('answers 410 GoneException for unknown connection ids, including ids that need URL encoding', async () => {
    // A '/' (even encoded) can never be a connection id: API Gateway refuses the path (403).
    for (const id of ['AAAAAAAAAAAAAAA=', 'a+b/c=d?e']) {
      const post = await mgmt.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('x') })).catch((e: unknown) => e as Error);
      expect((post as Error).name === 'GoneException' || (post as Error).name === 'ForbiddenException').toBe(true);
      const del = await mgmt.send(new DeleteConnectionCommand({ ConnectionId: id })).catch((e: unknown) => e as Error);
      expect((del as Error).name === 'GoneException' || (del as Error).name === 'ForbiddenException').toBe(true);
    }
    const raw = await fetch(`${gw.callbackUrl}/@connections/${encodeURIComponent('AAAAAAAAAAAAAAA=')}`, { method: 'POST', body: 'x' });
    expect(raw.status).toBe(410);
    expect(raw.headers.get('x-amzn-errortype')).toBe('GoneException');
    expect(await raw.json()).toEqual({ message: expect.any(String) });
  });

  it('routes posts to connection ids containing + and = (URL-encoded by the SDK)', async () => {
    // Ids are base64 of 11 bytes: they always end in '=', which the SDK percent-encodes.
    const c = await connect('good');
    const id = connectEvents.at(-1).requestContext.connectionId as string;
    expect(id).toMatch(/[+=]/);
    await mgmt.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('encoded ok') }));
    await c.message((m) => m === 'encoded ok', 'post to encoded id');
    c.ws.close();
    await c.closed();
  });

  it('serves extra HTTP routes and 404 otherwise, and refuses upgrades on other paths', async () => {
    gw.setHttp(async (req, res) => {
      if (req.url !== '/healthz') return false;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return true;
    });
    const base = gw.callbackUrl.replace(/\/live$/, '');
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    await expect(Client.open(`${base.replace('http', 'ws')}/elsewhere?token=good`)).rejects.toMatchObject({ status: 403 });
    const staged = await Client.open(`${base.replace('http', 'ws')}/live?token=good`);
    staged.ws.close();
    await staged.closed();
  });
});

describe('LocalWebSocketGateway limits and shutdown', () => {
  it('closes an idle connection with 1001 and runs $disconnect', async () => {
    const disconnects: Ev[] = [];
    const gw = new LocalWebSocketGateway({
      stageName: 'live',
      routeSelectionExpression: '$request.body.action',
      routes: { $disconnect: { handler: async (e: Ev) => void disconnects.push(e), functionName: 'd', timeoutMs: 1000 } },
      limits: { idleTimeoutMs: 300 },
    });
    await gw.listen(0);
    try {
      const c = await Client.open(gw.url);
      expect(await c.closed()).toBe(1001);
      const d = await eventually(() => disconnects[0], '$disconnect');
      expect(d.requestContext).toMatchObject({ eventType: 'DISCONNECT', disconnectStatusCode: 1001 });
      expect(gw.connectionIds()).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  it('closes a connection at its maximum age even while it is active', async () => {
    const gw = new LocalWebSocketGateway({ stageName: 'live', routeSelectionExpression: '$request.body.action', routes: {}, limits: { maxConnectionMs: 400 } });
    await gw.listen(0);
    try {
      const c = await Client.open(gw.url);
      const timer = setInterval(() => c.ws.readyState === WebSocket.OPEN && c.ws.send('keep-alive'), 50);
      try {
        expect(await c.closed()).toBe(1001);
      } finally {
        clearInterval(timer);
      }
    } finally {
      await gw.close();
    }
  });

  it('counts inbound messages and outbound posts as activity (lastActiveAt)', async () => {
    const gw = new LocalWebSocketGateway({ stageName: 'live', routeSelectionExpression: '$request.body.action', routes: {} });
    await gw.listen(0);
    const mgmt = managementClient(gw.callbackUrl);
    try {
      const c = await Client.open(gw.url);
      const [id] = gw.connectionIds();
      const first = await mgmt.send(new GetConnectionCommand({ ConnectionId: id }));
      await new Promise((r) => setTimeout(r, 20));
      await mgmt.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('hi') }));
      const second = await mgmt.send(new GetConnectionCommand({ ConnectionId: id }));
      expect(second.LastActiveAt!.getTime()).toBeGreaterThan(first.LastActiveAt!.getTime());
      c.ws.close();
      await c.closed();
    } finally {
      mgmt.destroy();
      await gw.close();
    }
  });

  it('answers "Endpoint request timed out" after the integration timeout and logs every step', async () => {
    const logs: Array<Record<string, unknown>> = [];
    const gw = new LocalWebSocketGateway({
      stageName: 'live',
      routeSelectionExpression: '$request.body.action',
      routes: {
        $default: { handler: () => new Promise((r) => setTimeout(r, 400)), functionName: 'slow', timeoutMs: 2000 },
        $disconnect: { handler: async () => ({ statusCode: 200 }), functionName: 'd', timeoutMs: 1000 },
      },
      limits: { integrationTimeoutMs: 100 },
      log: (e) => logs.push(e),
    });
    await gw.listen(0);
    try {
      const c = await Client.open(gw.url);
      c.ws.send('hello');
      const m = JSON.parse(await c.message((x) => x.includes('timed out'), 'timeout message'));
      expect(m).toEqual({ message: 'Endpoint request timed out', connectionId: expect.any(String), requestId: expect.any(String) });
      c.ws.close(1000, 'bye');
      await c.closed();
      const d = await eventually(() => logs.find((l) => l.msg === 'disconnect'), 'disconnect log');
      expect(d).toMatchObject({ service: 'gateway', routeKey: '$disconnect', disconnectStatusCode: 1000, disconnectReason: 'bye', status: 200, durationMs: expect.any(Number) });
      expect(logs.find((l) => l.msg === 'connect')).toMatchObject({ status: 101, durationMs: expect.any(Number) });
      expect(logs.find((l) => l.msg === 'route')).toMatchObject({ routeKey: '$default', functionName: 'slow', status: 504 });
    } finally {
      await gw.close(); // waits for the still-running handler, so no timer is left behind
    }
  });

  it('counts the messages received and the ones whose handler has ended (messageStats)', async () => {
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((r) => (release = r));
    const gw = new LocalWebSocketGateway({
      stageName: 'live',
      routeSelectionExpression: '$request.body.action',
      routes: {
        $default: { handler: async () => (await blocked, { statusCode: 200 }), functionName: 'blocked', timeoutMs: 5000 },
        $disconnect: { handler: async () => ({ statusCode: 200 }), functionName: 'd', timeoutMs: 1000 },
      },
    });
    await gw.listen(0);
    try {
      const c = await Client.open(gw.url);
      c.ws.send('one');
      c.ws.send('two');
      await eventually(() => (gw.messageStats().received === 2 ? true : undefined), 'both messages received');
      expect(gw.messageStats()).toEqual({ received: 2, answered: 0 }); // both handlers still running
      release();
      await eventually(() => (gw.messageStats().answered === 2 ? true : undefined), 'both handlers ended');
      expect(gw.messageStats()).toEqual({ received: 2, answered: 2 });
      c.ws.close();
      await c.closed();
    } finally {
      await gw.close();
    }
  });

  it('close() closes every socket with 1001, runs each $disconnect once, and leaves no handles', async () => {
    const count = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap' || r === 'Timeout').length;
    const before = count();
    const disconnects: Ev[] = [];
    const gw = new LocalWebSocketGateway({
      stageName: 'live',
      routeSelectionExpression: '$request.body.action',
      routes: { $disconnect: { handler: async (e: Ev) => void disconnects.push(e), functionName: 'd', timeoutMs: 1000 } },
    });
    await gw.listen(0);
    const a = await Client.open(gw.url);
    const b = await Client.open(gw.url);
    await gw.close();
    expect(await a.closed()).toBe(1001);
    expect(await b.closed()).toBe(1001);
    expect(disconnects).toHaveLength(2);
    expect(disconnects.map((d) => d.requestContext.disconnectStatusCode)).toEqual([1001, 1001]);
    await eventually(() => (count() <= before ? true : undefined), 'handles released');
  });
});
