/**
 * A local API Gateway WebSocket API: one HTTP server (node:http + `ws` in `noServer` mode)
 * that runs the same Lambda handler modules as the deployed API, with API Gateway's events,
 * rules and limits. What it reproduces (AWS API Gateway developer guide, "WebSocket APIs"):
 *
 * - Connect: upgrade on `/` or `/{stage}` with any query string. The REQUEST authorizer's
 *   identity sources must all be present, else 401 without calling it. The authorizer gets a
 *   REQUEST event and returns an IAM policy: an Allow on the method ARN (wildcards allowed)
 *   lets the connection proceed with `requestContext.authorizer = { ...context, principalId }`
 *   (context values stringified, as API Gateway does); an explicit Deny or no Allow → 403;
 *   throwing `Error('Unauthorized')` → 401; any other failure → 500. Then the `$connect` route:
 *   a returned `statusCode` >= 400 rejects the handshake with that status, a throw → 502
 *   (a Lambda function error behind API Gateway). A requested `Sec-WebSocket-Protocol` is
 *   accepted only if `$connect` returns it in `headers` (API Gateway's rule). Only then is
 *   the socket accepted; posting to a connection still in `$connect` gets 410.
 * - Messages: text frames only (a binary frame closes with 1003, as API Gateway does),
 *   over `maxMessageBytes` (128 KB) → close 1009. Route selection
 *   `$request.body.action`: a JSON object body whose string `action` names a route key →
 *   that route, otherwise `$default`; no match and no `$default` → the client gets
 *   `{"message":"Forbidden","connectionId","requestId"}`. Messages are dispatched
 *   concurrently (API Gateway does not serialize them). A handler that throws or times out
 *   → `{"message":"Internal server error",…}`; an integration still running after 29 s →
 *   `{"message":"Endpoint request timed out",…}` (the 29 s integration timeout); returned
 *   bodies are ignored (no route responses are configured).
 * - `@connections` management API at `{callbackUrl}/@connections/{connectionId}`:
 *   POST (raw body sent as one text frame; 413 PayloadTooLargeException over 128 KB),
 *   GET (`connectedAt`, `lastActiveAt`, `identity`), DELETE (close 1000, then `$disconnect`;
 *   204). Unknown or closed ids → 410 GoneException. Errors carry `x-amzn-errortype`, which
 *   the SDK's ApiGatewayManagementApiClient maps to exception names. No SigV4 check.
 * - Limits: idle (no data either way) for `idleTimeoutMs` (10 min) or connected for
 *   `maxConnectionMs` (2 h) → close 1001 ("Going away"). `$disconnect` (with
 *   `disconnectStatusCode`, `disconnectReason`) fires exactly once for every connection whose
 *   `$connect` succeeded, whoever closed it.
 * Not reproduced: the 32 KB frame limit (messages are limited as a whole), throttling
 * (429), SigV4, API keys, route responses, custom domain paths.
 *
 * Logs: one structured entry per connect, disconnect and route invocation, through `log`
 * only (silent by default).
 */
import { listen } from './listen';
import { randomBytes, randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { invoke, type LambdaHandler } from './lambda-runtime';

/** A route's integration: a local Lambda function. */
export interface GatewayRoute {
  readonly handler: LambdaHandler;
  readonly functionName: string;
  /** Lambda timeout, ms. */
  readonly timeoutMs: number;
  readonly memoryMb?: number;
}

/** The `$connect` REQUEST authorizer. */
export interface GatewayAuthorizer {
  readonly handler: LambdaHandler;
  readonly functionName: string;
  /** Lambda timeout, ms. @default 3000 (Lambda's default) */
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  /** e.g. `route.request.querystring.token`, `route.request.header.Authorization`. */
  readonly identitySource: string[];
}

/** API Gateway quotas; tests shorten them. */
export interface GatewayLimits {
  /** Largest inbound message, bytes. @default 131072 (128 KB, API Gateway quota) */
  readonly maxMessageBytes?: number;
  /** Idle connection timeout, ms. @default 600000 (10 min, API Gateway quota) */
  readonly idleTimeoutMs?: number;
  /** Maximum connection duration, ms. @default 7200000 (2 h, API Gateway quota) */
  readonly maxConnectionMs?: number;
  /** Integration timeout, ms. @default 29000 (API Gateway quota) */
  readonly integrationTimeoutMs?: number;
}

/** Extra HTTP routes served on the same port; resolve `true` when the request was handled. */
export type GatewayHttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** Options of {@link LocalWebSocketGateway}. */
export interface LocalWebSocketGatewayOptions {
  readonly stageName: string;
  readonly routeSelectionExpression: '$request.body.action';
  /** By route key: `$connect`, `$disconnect`, `$default`, or an action name. */
  readonly routes: Record<string, GatewayRoute>;
  readonly authorizer?: GatewayAuthorizer;
  readonly limits?: GatewayLimits;
  /** Consulted for every plain HTTP request not under `/{stage}/@connections/`. */
  readonly http?: GatewayHttpHandler;
  /** Structured log sink. @default silent */
  readonly log?: (entry: Record<string, unknown>) => void;
}

/** API Gateway's payload limit for one message and for PostToConnection data, bytes (128 KB). */
export const MAX_MESSAGE_BYTES = 128 * 1024;
const API_ID = 'local';
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
/** How long a closing socket may take to answer our close frame before it is dropped, ms. */
const CLOSE_GRACE_MS = 1000;

type ConnState = 'open' | 'closing' | 'closed';

interface Connection {
  readonly connectionId: string;
  readonly ws: WebSocket;
  readonly connectedAt: number;
  lastActiveAt: number;
  readonly identity: { sourceIp: string; userAgent: string };
  readonly authorizer: Record<string, unknown> | undefined;
  readonly host: string;
  state: ConnState;
  closeCode?: number;
  closeReason?: string;
  idleTimer?: NodeJS.Timeout;
  maxTimer?: NodeJS.Timeout;
  graceTimer?: NodeJS.Timeout;
}

/** The local WebSocket API. `listen()`, then point clients at `url` and handlers at `callbackUrl`. */
export class LocalWebSocketGateway {
  private readonly stageName: string;
  private routes: Record<string, GatewayRoute>;
  private authorizer: GatewayAuthorizer | undefined;
  private http: GatewayHttpHandler | undefined;
  private readonly log: (entry: Record<string, unknown>) => void;
  private readonly limits: Required<GatewayLimits>;
  private readonly connections = new Map<string, Connection>();
  /** Connections between a successful `$connect` and their `$disconnect`. */
  private readonly pending = new Set<Promise<unknown>>();
  private readonly protocols = new WeakMap<IncomingMessage, string | false>();
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private port = 0;
  private closing = false;

  constructor(opts: LocalWebSocketGatewayOptions) {
    if (opts.routeSelectionExpression !== '$request.body.action') {
      throw new Error(`only the route selection expression $request.body.action is supported, got ${String(opts.routeSelectionExpression)}`);
    }
    if (!/^[A-Za-z0-9_-]+$/.test(opts.stageName)) throw new Error(`invalid stage name "${opts.stageName}"`);
    this.stageName = opts.stageName;
    this.routes = { ...opts.routes };
    this.authorizer = opts.authorizer;
    this.http = opts.http;
    this.log = opts.log ?? (() => undefined);
    this.limits = {
      maxMessageBytes: opts.limits?.maxMessageBytes ?? MAX_MESSAGE_BYTES,
      idleTimeoutMs: opts.limits?.idleTimeoutMs ?? 10 * 60_000,
      maxConnectionMs: opts.limits?.maxConnectionMs ?? 2 * 3_600_000,
      integrationTimeoutMs: opts.limits?.integrationTimeoutMs ?? 29_000,
    };
  }

  /** Replace the route table (route key → integration). Applies to later events. */
  setRoutes(routes: Record<string, GatewayRoute>): void {
    this.routes = { ...routes };
  }

  /** Set (or remove) the `$connect` authorizer. Applies to later connections. */
  setAuthorizer(authorizer: GatewayAuthorizer | undefined): void {
    this.authorizer = authorizer;
  }

  /** Set the extra HTTP handler (health, tokens, static files). */
  setHttp(http: GatewayHttpHandler | undefined): void {
    this.http = http;
  }

  /** Listen on `host:port` (0 = a free port). Rejects with the listen error (`EADDRINUSE`, …). */
  async listen(port = 0, host = '127.0.0.1'): Promise<{ port: number }> {
    if (this.server) throw new Error('the gateway is already listening');
    const server = createServer((req, res) => void this.onRequest(req, res));
    // Handlers reuse keep-alive sockets to @connections. A server that closes an idle one just
    // as a client reuses it makes that request fail with "socket hang up" (a busy event loop
    // widens the race), so idle sockets are kept a minute — as API Gateway's endpoint does.
    server.keepAliveTimeout = 61_000;
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxMessageBytes,
      perMessageDeflate: false,
      handleProtocols: (_offered, req) => this.protocols.get(req) ?? false,
    });
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.port = await listen(server, port, host);
    this.server = server;
    this.wss = wss;
    return { port: this.port };
  }

  /** `http://127.0.0.1:{port}/{stage}`: the management API endpoint (env `CALLBACK_URL`). */
  get callbackUrl(): string {
    return `http://127.0.0.1:${this.requirePort()}/${this.stageName}`;
  }

  /** `ws://127.0.0.1:{port}/`: where clients connect. */
  get url(): string {
    return `ws://127.0.0.1:${this.requirePort()}/`;
  }

  /** Ids of the open connections. */
  connectionIds(): string[] {
    return [...this.connections.values()].filter((c) => c.state === 'open').map((c) => c.connectionId);
  }

  /**
   * Close every connection with 1001, run each `$disconnect`, wait for in-flight route
   * invocations (bounded by their timeouts), stop the server. Leaves no open handles.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const c of this.connections.values()) this.closeConnection(c, 1001, 'Going away');
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    const server = this.server;
    const wss = this.wss;
    this.server = undefined;
    this.wss = undefined;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }

  // ---------------------------------------------------------------------------------------
  // HTTP: the management API, then the caller's routes.

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const prefix = `/${this.stageName}/@connections/`;
    try {
      if (path.startsWith(prefix)) return await this.management(req, res, path.slice(prefix.length));
      if (this.http && (await this.http(req, res))) return;
      if (!res.headersSent) json(res, 404, { message: 'Not Found' });
    } catch (e) {
      this.log({ service: 'gateway', msg: 'http handler failed', path, error: (e as Error)?.message ?? String(e) });
      if (!res.headersSent) json(res, 500, { message: 'Internal server error' });
      else res.end();
    }
  }

  private async management(req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> {
    const requestId = randomUUID();
    const started = Date.now();
    const error = (status: number, type: string, message: string) => json(res, status, { message }, { 'x-amzn-errortype': type, 'x-amzn-requestid': requestId });
    let connectionId: string;
    try {
      connectionId = decodeURIComponent(rawId);
    } catch {
      return error(400, 'BadRequestException', 'Invalid connection id');
    }
    if (connectionId === '' || connectionId.includes('/')) return error(403, 'ForbiddenException', 'Forbidden');
    const conn = this.connections.get(connectionId);
    const live = conn && conn.state === 'open' ? conn : undefined;
    const done = (status: number) =>
      this.log({ service: 'gateway', msg: 'management', method: req.method, connectionId, status, durationMs: Date.now() - started });
    switch (req.method) {
      case 'POST': {
        const body = await readLimited(req, MAX_MESSAGE_BYTES);
        if (body === undefined) {
          done(413);
          return error(413, 'PayloadTooLargeException', `Message too long: the limit is ${MAX_MESSAGE_BYTES} bytes`);
        }
        if (!live) {
          done(410);
          return error(410, 'GoneException', `Connection ${connectionId} is gone`);
        }
        live.ws.send(body, { binary: false });
        this.touch(live);
        done(200);
        res.writeHead(200, { 'x-amzn-requestid': requestId, 'content-length': 0 }).end();
        return;
      }
      case 'GET': {
        req.resume();
        if (!live) {
          done(410);
          return error(410, 'GoneException', `Connection ${connectionId} is gone`);
        }
        done(200);
        return json(
          res,
          200,
          { connectedAt: new Date(live.connectedAt).toISOString(), lastActiveAt: new Date(live.lastActiveAt).toISOString(), identity: live.identity },
          { 'x-amzn-requestid': requestId },
        );
      }
      case 'DELETE': {
        req.resume();
        if (!live) {
          done(410);
          return error(410, 'GoneException', `Connection ${connectionId} is gone`);
        }
        this.closeConnection(live, 1000, 'Connection deleted');
        done(204);
        res.writeHead(204, { 'x-amzn-requestid': requestId }).end();
        return;
      }
      default:
        req.resume();
        done(403);
        return error(403, 'ForbiddenException', `${req.method} is not supported on @connections`);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Connect: identity sources → authorizer → $connect → accept.

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const p = this.connect(req, socket, head).catch((e: unknown) => {
      this.log({ service: 'gateway', msg: 'connect failed', error: (e as Error)?.message ?? String(e) });
      reject(socket, 500, { message: 'Internal server error' });
    });
    this.track(p);
  }

  private async connect(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (this.closing || !this.wss) return reject(socket, 503, { message: 'Service Unavailable' });
    if (url.pathname !== '/' && url.pathname !== `/${this.stageName}` && url.pathname !== `/${this.stageName}/`) {
      return reject(socket, 403, { message: 'Forbidden' });
    }
    const key = req.headers['sec-websocket-key'];
    const version = req.headers['sec-websocket-version'];
    if (
      req.method !== 'GET' ||
      String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket' ||
      typeof key !== 'string' ||
      !/^[+/0-9A-Za-z]{22}==$/.test(key) ||
      (version !== '8' && version !== '13')
    ) {
      return reject(socket, 400, { message: 'Bad Request' });
    }

    const connectionId = newId();
    const requestId = newId();
    const connectedAt = Date.now();
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const userAgent = String(req.headers['user-agent'] ?? '');
    const identity = { sourceIp, userAgent };
    const { headers, multiValueHeaders } = headersOf(req, sourceIp, this.port);
    const query = queryOf(url);
    const host = String(req.headers.host ?? `127.0.0.1:${this.port}`);
    const context = (authorizer?: Record<string, unknown>) => ({
      routeKey: '$connect',
      eventType: 'CONNECT',
      extendedRequestId: requestId,
      requestTime: clfTime(connectedAt),
      messageDirection: 'IN',
      stage: this.stageName,
      connectedAt,
      requestTimeEpoch: connectedAt,
      identity,
      requestId,
      domainName: `127.0.0.1:${this.port}`,
      connectionId,
      apiId: API_ID,
      ...(authorizer ? { authorizer } : {}),
    });
    const logConnect = (status: number, extra: Record<string, unknown> = {}) =>
      this.log({ service: 'gateway', msg: 'connect', connectionId, routeKey: '$connect', status, durationMs: Date.now() - started, ...extra });

    // 1. The authorizer.
    let authorizer: Record<string, unknown> | undefined;
    if (this.authorizer) {
      const auth = this.authorizer;
      if (!auth.identitySource.every((s) => identityPresent(s, headers, query.single))) {
        logConnect(401, { reason: 'identity source missing' });
        return reject(socket, 401, { message: 'Unauthorized' });
      }
      const methodArn = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/${this.stageName}/$connect`;
      const event = {
        type: 'REQUEST',
        methodArn,
        headers,
        multiValueHeaders,
        queryStringParameters: query.single,
        multiValueQueryStringParameters: query.multi,
        stageVariables: {},
        requestContext: context(),
      };
      const authStarted = Date.now();
      let result: unknown;
      try {
        result = await invoke(auth.handler, event, { functionName: auth.functionName, timeoutMs: auth.timeoutMs ?? 3000, memoryMb: auth.memoryMb });
      } catch (e) {
        const unauthorized = e instanceof Error && e.message === 'Unauthorized';
        const status = unauthorized ? 401 : 500;
        logConnect(status, { reason: unauthorized ? 'unauthorized' : 'authorizer error', ...(unauthorized ? {} : { error: (e as Error)?.message }) });
        return reject(socket, status, { message: unauthorized ? 'Unauthorized' : 'Internal server error' });
      }
      const verdict = evaluatePolicy(result, methodArn);
      if (verdict.kind === 'invalid') {
        logConnect(500, { reason: 'invalid authorizer response', error: verdict.reason });
        return reject(socket, 500, { message: 'Internal server error' });
      }
      if (verdict.kind === 'deny') {
        logConnect(403, { reason: 'denied by policy' });
        return reject(socket, 403, { message: 'Forbidden' });
      }
      authorizer = { ...verdict.context, principalId: verdict.principalId, integrationLatency: Date.now() - authStarted };
    }

    // 2. The $connect route.
    const route = this.routes.$connect;
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    let protocol: string | false = false;
    if (route) {
      const event = {
        headers,
        multiValueHeaders,
        ...(query.present ? { queryStringParameters: query.single, multiValueQueryStringParameters: query.multi } : {}),
        requestContext: context(authorizer),
        isBase64Encoded: false,
      };
      let result: unknown;
      try {
        result = await invoke(route.handler, event, route);
      } catch (e) {
        logConnect(502, { reason: '$connect failed', functionName: route.functionName, error: (e as Error)?.message });
        return reject(socket, 502, { message: 'Internal server error' });
      }
      const r = (result ?? {}) as { statusCode?: unknown; headers?: Record<string, unknown> };
      const status = typeof r.statusCode === 'number' ? r.statusCode : 200;
      if (status >= 400) {
        logConnect(status, { reason: '$connect refused', functionName: route.functionName });
        return reject(socket, status, undefined);
      }
      const returned = Object.entries(r.headers ?? {}).find(([k]) => k.toLowerCase() === 'sec-websocket-protocol')?.[1];
      if (typeof returned === 'string' && offered.includes(returned)) protocol = returned;
    }

    // 3. Accept. From here on the connection exists and will get exactly one $disconnect.
    const disconnectInfo = { host, identity, connectedAt, authorizer };
    if (offered.length > 0 && protocol === false) {
      // API Gateway answers without the subprotocol; browsers then fail the handshake.
      this.log({ service: 'gateway', msg: 'subprotocol not confirmed by $connect', connectionId, offered });
    }
    if (this.closing || !this.wss || socket.destroyed || !socket.readable || !socket.writable) {
      logConnect(0, { reason: 'client left during $connect' });
      this.fireDisconnect(connectionId, disconnectInfo, 1006, 'Client closed the connection during $connect');
      if (!socket.destroyed) reject(socket, 503, { message: 'Service Unavailable' });
      return;
    }
    this.protocols.set(req, protocol);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Connection = {
        connectionId,
        ws,
        connectedAt,
        lastActiveAt: Date.now(),
        identity,
        authorizer,
        host,
        state: 'open',
      };
      this.connections.set(connectionId, conn);
      this.open(conn, disconnectInfo);
      logConnect(101);
    });
  }

  private open(conn: Connection, info: DisconnectInfo): void {
    const { ws } = conn;
    conn.idleTimer = setTimeout(() => this.closeConnection(conn, 1001, 'Going away'), this.limits.idleTimeoutMs);
    conn.idleTimer.unref();
    conn.maxTimer = setTimeout(() => this.closeConnection(conn, 1001, 'Going away'), this.limits.maxConnectionMs);
    conn.maxTimer.unref();
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(conn, data, isBinary));
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes the socket itself after a protocol error (1009 too big, 1007 bad UTF-8, …).
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.markClosing(conn, 1009, 'Message too big');
      else this.markClosing(conn, 1002, err.message);
    });
    let closed = false;
    const closedPromise = new Promise<void>((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        if (closed) return;
        closed = true;
        this.markClosing(conn, code, reason.toString('utf8'));
        conn.state = 'closed';
        clearTimeout(conn.idleTimer);
        clearTimeout(conn.maxTimer);
        clearTimeout(conn.graceTimer);
        const status = conn.closeCode ?? code;
        const reasonText = conn.closeReason ?? (reason.toString('utf8') || defaultReason(status));
        this.fireDisconnect(conn.connectionId, info, status, reasonText);
        resolve();
      });
    });
    this.track(closedPromise);
  }

  // ---------------------------------------------------------------------------------------
  // Messages.

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.state !== 'open') return;
    this.touch(conn);
    if (isBinary) {
      this.closeConnection(conn, 1003, 'Binary frames are not supported');
      return;
    }
    const body = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const routeKey = this.selectRoute(body);
    const requestId = newId();
    if (!routeKey) {
      this.send(conn, { message: 'Forbidden', connectionId: conn.connectionId, requestId });
      this.log({ service: 'gateway', msg: 'route', connectionId: conn.connectionId, routeKey: null, status: 403 });
      return;
    }
    const route = this.routes[routeKey];
    const now = Date.now();
    const event = {
      requestContext: {
        routeKey,
        messageId: newId(),
        eventType: 'MESSAGE',
        extendedRequestId: requestId,
        requestTime: clfTime(now),
        messageDirection: 'IN',
        stage: this.stageName,
        connectedAt: conn.connectedAt,
        requestTimeEpoch: now,
        identity: conn.identity,
        requestId,
        domainName: `127.0.0.1:${this.port}`,
        connectionId: conn.connectionId,
        apiId: API_ID,
        ...(conn.authorizer ? { authorizer: conn.authorizer } : {}),
      },
      body,
      isBase64Encoded: false,
    };
    const p = this.runIntegration(route, event).then((outcome) => {
      this.log({
        service: 'gateway',
        msg: 'route',
        connectionId: conn.connectionId,
        routeKey,
        functionName: route.functionName,
        requestId,
        status: outcome.status,
        durationMs: Date.now() - now,
        ...(outcome.error ? { error: outcome.error } : {}),
      });
      if (outcome.status === 200) return;
      const message = outcome.status === 504 ? 'Endpoint request timed out' : 'Internal server error';
      this.send(conn, { message, connectionId: conn.connectionId, requestId });
    });
    this.track(p);
  }

  /** `$request.body.action`: a JSON object with a string `action` naming a route; else `$default`. */
  private selectRoute(body: string): string | undefined {
    let action: unknown;
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) action = (parsed as { action?: unknown }).action;
    } catch {
      action = undefined;
    }
    // Own keys only: `toString`, `constructor`, `__proto__` … are not routes (they fall to `$default`).
    if (typeof action === 'string' && action !== '$connect' && action !== '$disconnect' && Object.hasOwn(this.routes, action)) return action;
    return this.routes.$default ? '$default' : undefined;
  }

  /** Invoke a route integration; the gateway waits at most `integrationTimeoutMs` (the Lambda keeps running). */
  private async runIntegration(route: GatewayRoute, event: unknown): Promise<{ status: number; error?: string }> {
    let timer: NodeJS.Timeout | undefined;
    const run = invoke(route.handler, event, route).then(
      () => ({ status: 200 }),
      (e: unknown) => ({ status: 500, error: (e as Error)?.message ?? String(e) }),
    );
    const timeout = new Promise<{ status: number; error: string }>((resolve) => {
      timer = setTimeout(() => resolve({ status: 504, error: 'integration timeout' }), this.limits.integrationTimeoutMs);
    });
    try {
      const outcome = await Promise.race([run, timeout]);
      if (outcome.status === 504) this.track(run);
      return outcome;
    } finally {
      clearTimeout(timer);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Disconnect.

  /** Start closing a connection we close: it is gone for the management API at once. */
  private closeConnection(conn: Connection, code: number, reason: string): void {
    if (conn.state !== 'open') return;
    this.markClosing(conn, code, reason);
    try {
      conn.ws.close(code, reason);
    } catch {
      conn.ws.terminate();
    }
    conn.graceTimer = setTimeout(() => conn.ws.terminate(), CLOSE_GRACE_MS);
    conn.graceTimer.unref();
  }

  private markClosing(conn: Connection, code: number, reason: string): void {
    if (conn.state === 'open') {
      conn.state = 'closing';
      conn.closeCode = code;
      conn.closeReason = reason || defaultReason(code);
    }
    if (this.connections.get(conn.connectionId) === conn) this.connections.delete(conn.connectionId);
  }

  private fireDisconnect(connectionId: string, info: DisconnectInfo, disconnectStatusCode: number, disconnectReason: string): void {
    const route = this.routes.$disconnect;
    const started = Date.now();
    const logIt = (status: number, error?: string) =>
      this.log({
        service: 'gateway',
        msg: 'disconnect',
        connectionId,
        routeKey: '$disconnect',
        disconnectStatusCode,
        disconnectReason,
        status,
        durationMs: Date.now() - started,
        connectedMs: started - info.connectedAt,
        ...(error ? { error } : {}),
      });
    if (!route) {
      logIt(200);
      return;
    }
    const requestId = newId();
    const event = {
      headers: { Host: info.host, 'X-Forwarded-For': info.identity.sourceIp },
      multiValueHeaders: { Host: [info.host], 'X-Forwarded-For': [info.identity.sourceIp] },
      requestContext: {
        routeKey: '$disconnect',
        disconnectStatusCode,
        eventType: 'DISCONNECT',
        extendedRequestId: requestId,
        requestTime: clfTime(started),
        messageDirection: 'IN',
        disconnectReason,
        stage: this.stageName,
        connectedAt: info.connectedAt,
        requestTimeEpoch: started,
        identity: info.identity,
        requestId,
        domainName: `127.0.0.1:${this.port}`,
        connectionId,
        apiId: API_ID,
        ...(info.authorizer ? { authorizer: info.authorizer } : {}),
      },
      isBase64Encoded: false,
    };
    const p = invoke(route.handler, event, route).then(
      () => logIt(200),
      (e: unknown) => logIt(500, (e as Error)?.message ?? String(e)),
    );
    this.track(p);
  }

  // ---------------------------------------------------------------------------------------

  private send(conn: Connection, body: object): void {
    if (conn.state !== 'open') return;
    conn.ws.send(JSON.stringify(body), { binary: false });
    this.touch(conn);
  }

  private touch(conn: Connection): void {
    conn.lastActiveAt = Date.now();
    conn.idleTimer?.refresh();
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch(() => undefined);
    this.pending.add(q);
    void q.finally(() => this.pending.delete(q));
  }

  private requirePort(): number {
    if (!this.server) throw new Error('the gateway is not listening');
    return this.port;
  }
}

interface DisconnectInfo {
  host: string;
  identity: { sourceIp: string; userAgent: string };
  connectedAt: number;
  authorizer: Record<string, unknown> | undefined;
}

/** An id like API Gateway's connection/request ids: 16 characters, base64 of 11 random bytes ('/' avoided: it would split the @connections path). */
export function newId(): string {
  return randomBytes(11).toString('base64').replace(/\//g, '-');
}

/** `09/Apr/2020:18:03:34 +0000`, API Gateway's `requestTime`. */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function defaultReason(code: number): string {
  switch (code) {
    case 1000:
      return 'Normal closure';
    case 1001:
      return 'Going away';
    case 1005:
      return 'Client-side close frame status not set';
    case 1006:
      return 'Connection closed abnormally';
    case 1009:
      return 'Message too big';
    default:
      return '';
  }
}

/** Request headers as API Gateway passes them: names as the client sent them, plus X-Forwarded-*. */
function headersOf(req: IncomingMessage, sourceIp: string, port: number): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const value = req.rawHeaders[i + 1];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  for (const [name, value] of [
    ['X-Forwarded-For', sourceIp],
    ['X-Forwarded-Port', String(port)],
    ['X-Forwarded-Proto', 'http'],
  ]) {
    if (!Object.keys(headers).some((k) => k.toLowerCase() === name.toLowerCase())) {
      headers[name] = value;
      multiValueHeaders[name] = [value];
    }
  }
  return { headers, multiValueHeaders };
}

function queryOf(url: URL): { single: Record<string, string>; multi: Record<string, string[]>; present: boolean } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return { single, multi, present: Object.keys(single).length > 0 };
}

/** Whether an identity source (`route.request.querystring.X`, `route.request.header.X`, …) is present and non-empty. */
function identityPresent(source: string, headers: Record<string, string>, query: Record<string, string>): boolean {
  const s = source.replace(/^method\./, 'route.');
  if (s.startsWith('route.request.querystring.')) return (query[s.slice('route.request.querystring.'.length)] ?? '') !== '';
  if (s.startsWith('route.request.header.')) {
    const name = s.slice('route.request.header.'.length).toLowerCase();
    return Object.entries(headers).some(([k, v]) => k.toLowerCase() === name && v !== '');
  }
  if (s.startsWith('stageVariables.')) return false;
  return true; // context.* variables are always present
}

type Verdict = { kind: 'allow'; principalId: string; context: Record<string, string> } | { kind: 'deny' } | { kind: 'invalid'; reason: string };

/**
 * Evaluate a REQUEST authorizer's result against `methodArn`, as API Gateway does: an
 * explicit Deny wins, else an Allow on a matching Resource (`*`/`?` wildcards) with action
 * `execute-api:Invoke` (or `execute-api:*`, `*`) allows; context values must be
 * string/number/boolean and reach the integration as strings.
 */
export function evaluatePolicy(result: unknown, methodArn: string): Verdict {
  const r = result as { principalId?: unknown; policyDocument?: { Statement?: unknown }; context?: unknown } | null;
  if (!r || typeof r !== 'object' || !r.policyDocument || typeof r.policyDocument !== 'object') return { kind: 'invalid', reason: 'no policyDocument' };
  const statements = Array.isArray(r.policyDocument.Statement) ? r.policyDocument.Statement : [r.policyDocument.Statement];
  const context: Record<string, string> = {};
  if (r.context !== undefined && r.context !== null) {
    if (typeof r.context !== 'object' || Array.isArray(r.context)) return { kind: 'invalid', reason: 'context must be an object' };
    for (const [k, v] of Object.entries(r.context as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return { kind: 'invalid', reason: `context.${k} must be a string, number or boolean` };
      context[k] = String(v);
    }
  }
  let allowed = false;
  for (const st of statements as Array<{ Effect?: unknown; Action?: unknown; Resource?: unknown } | undefined>) {
    if (!st || typeof st !== 'object') continue;
    const actions = ([] as unknown[]).concat(st.Action ?? []);
    const resources = ([] as unknown[]).concat(st.Resource ?? []);
    const actionMatch = actions.some((a) => typeof a === 'string' && (a === '*' || /^execute-api:(Invoke|\*)$/i.test(a)));
    const resourceMatch = resources.some((res) => typeof res === 'string' && wildcard(res).test(methodArn));
    if (!actionMatch || !resourceMatch) continue;
    if (st.Effect === 'Deny') return { kind: 'deny' };
    if (st.Effect === 'Allow') allowed = true;
  }
  if (!allowed) return { kind: 'deny' };
  return { kind: 'allow', principalId: typeof r.principalId === 'string' ? r.principalId : String(r.principalId ?? ''), context };
}

function wildcard(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

function json(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}

/** Refuse a WebSocket handshake with an HTTP status (API Gateway's JSON `{"message"}` body). */
function reject(socket: Duplex, status: number, body: object | undefined): void {
  if (socket.destroyed) return;
  const text = body ? JSON.stringify(body) : '';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Connection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
      `x-amzn-RequestId: ${randomUUID()}\r\n\r\n${text}`,
  );
}

/** Read a request body of at most `limit` bytes; `undefined` when it is longer (the rest is drained). */
export function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, rejectRead) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', rejectRead);
  });
}
