/**
 * The local WebSocket API's server: one HTTP server (node:http + `ws` in `noServer` mode) on
 * which it accepts connections (local/gateway/handshake.ts), keeps each connection's state
 * and its idle/maximum-age timers, dispatches messages to their route (local/gateway/policy.ts
 * selects it, local/gateway/events.ts builds the event), serves the management API
 * (local/gateway/management.ts) and the caller's extra HTTP routes, and fires `$disconnect`
 * exactly once for every connection whose `$connect` succeeded, whoever closed it.
 */
import { listen } from '../listen';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { invoke } from '../lambda-runtime';
import { authorizerEvent, connectEvent, disconnectEvent, identityOf, messageEvent, newId, requestParts, type ApiFacts, type ConnectionFacts } from './events';
import { checkUpgrade, offeredProtocols, rejectHandshake, runAuthorizer, runConnectRoute, type Refusal } from './handshake';
import { json } from './http';
import { answerThrottled, handleManagement, type ManagedConnection } from './management';
import { CLOSE_GRACE_MS, defaultCloseReason, fullBucket, integrationErrorMessage, resolveLimits, selectRoute, takeToken, type GatewayLimits, type ResolvedGatewayLimits, type TokenBucketState } from './policy';
import type { GatewayAuthorizer, GatewayHttpHandler, GatewayLog, GatewayRoute } from './types';

/** Options of {@link LocalWebSocketGateway}. */
export interface LocalWebSocketGatewayOptions {
  /** The stage name (`[A-Za-z0-9_-]+`): clients may connect on `/{stage}`, the callback URL ends with it. */
  readonly stageName: string;
  /** The only route selection expression supported. */
  readonly routeSelectionExpression: '$request.body.action';
  /** By route key: `$connect`, `$disconnect`, `$default`, or an action name. */
  readonly routes: Record<string, GatewayRoute>;
  readonly authorizer?: GatewayAuthorizer;
  readonly limits?: GatewayLimits;
  /** Consulted for every plain HTTP request not under `/{stage}/@connections/`. */
  readonly http?: GatewayHttpHandler;
  /** Structured log sink. @default silent */
  readonly log?: GatewayLog;
}

type ConnState = 'open' | 'closing' | 'closed';

/** `ws` send options of a management API POST: one text frame (as API Gateway sends it). */
const TEXT_FRAME = { binary: false } as const;

/** A connection that exists only for the management API (no socket, no `$connect`/`$disconnect`). */
interface VirtualConnection {
  readonly connectedAt: number;
  lastActiveAt: number;
  messages: number;
  bytes: number;
}

/** What a virtual connection received ({@link LocalWebSocketGateway.virtualDeliveries}). */
export interface VirtualDeliveries {
  /** POSTs delivered to it. */
  readonly messages: number;
  /** Their bytes, summed. */
  readonly bytes: number;
}

/** Counts of `@connections` requests since the gateway started ({@link LocalWebSocketGateway.managementStats}). */
export interface ManagementStats {
  /** Every `@connections` request that arrived, throttled ones included. */
  readonly requests: number;
  /** Of those, answered 429 by the throttle (`limits.managementThrottle`). */
  readonly throttled: number;
}

/** What {@link LocalWebSocketGateway.messageStats} counts: clients' text messages and their route invocations. */
export interface MessageStats {
  /** Text messages received from open connections (each one route invocation). */
  readonly received: number;
  /** Of those, the ones whose route invocation has ended (answered, failed or timed out). */
  readonly answered: number;
}

/** One accepted connection: its facts (shared with every event) and its socket's state. */
interface Connection extends ConnectionFacts {
  readonly ws: WebSocket;
  lastActiveAt: number;
  state: ConnState;
  closeCode?: number;
  closeReason?: string;
  idleTimer?: NodeJS.Timeout;
  maxTimer?: NodeJS.Timeout;
  graceTimer?: NodeJS.Timeout;
  /** The management API's view of it, made on its first `@connections` request and reused by every later one. */
  managed?: ManagedConnection;
}

/**
 * The local WebSocket API. `listen()`, then point clients at `url` and handlers at
 * `callbackUrl`. Throws from the constructor for a route selection expression other than
 * `$request.body.action` or an invalid stage name.
 */
export class LocalWebSocketGateway {
  private readonly stageName: string;
  private routes: Record<string, GatewayRoute>;
  private authorizer: GatewayAuthorizer | undefined;
  private http: GatewayHttpHandler | undefined;
  private readonly log: GatewayLog;
  private readonly limits: ResolvedGatewayLimits;
  private readonly connections = new Map<string, Connection>();
  /** Connections without a socket ({@link addVirtualConnections}): what a POST to each delivered. */
  private readonly virtual = new Map<string, VirtualConnection>();
  private bucket: TokenBucketState | undefined;
  private readonly stats = { requests: 0, throttled: 0 };
  private readonly messages = { received: 0, answered: 0 };
  /** In-flight work that close() waits for: handshakes, route invocations, connections until their `$disconnect`. */
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
    this.limits = resolveLimits(opts.limits);
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

  /** Listen on `host:port` (0 = a free port). Rejects with the listen error (`EADDRINUSE`, …), or when already listening. */
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

  /** `http://127.0.0.1:{port}/{stage}`: the management API endpoint (env `CALLBACK_URL`). Throws before `listen()`. */
  get callbackUrl(): string {
    return `http://127.0.0.1:${this.requirePort()}/${this.stageName}`;
  }

  /** `ws://127.0.0.1:{port}/`: where clients connect. Throws before `listen()`. */
  get url(): string {
    return `ws://127.0.0.1:${this.requirePort()}/`;
  }

  /** Ids of the open connections (virtual ones not included). */
  connectionIds(): string[] {
    return [...this.connections.values()].filter((c) => c.state === 'open').map((c) => c.connectionId);
  }

  /**
   * Register `count` connections that exist only for the management API: POST to one is
   * counted (messages, bytes) instead of sent, GET describes it, DELETE removes it (204;
   * then 410). They have no socket, no authorizer, no `$connect`/`$disconnect` and no
   * timers — a cheap audience for measuring fan-out to thousands of connections. Returns
   * their ids (same shape as real ones).
   */
  addVirtualConnections(count: number): string[] {
    const ids: string[] = [];
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const id = newId();
      this.virtual.set(id, { connectedAt: now, lastActiveAt: now, messages: 0, bytes: 0 });
      ids.push(id);
    }
    return ids;
  }

  /** What the virtual connection `connectionId` received, or undefined for an unknown or deleted id. */
  virtualDeliveries(connectionId: string): VirtualDeliveries | undefined {
    const v = this.virtual.get(connectionId);
    return v ? { messages: v.messages, bytes: v.bytes } : undefined;
  }

  /** Forget every virtual connection (later requests for them get 410). */
  clearVirtualConnections(): void {
    this.virtual.clear();
  }

  /** `@connections` requests and 429s so far (for tests and the bench: counts, not times). */
  managementStats(): ManagementStats {
    return { ...this.stats };
  }

  /**
   * Clients' messages so far and how many of their route invocations have ended: when
   * `answered` equals `received`, no handler of a client's message is still running (for tests
   * that wait for every control sent to have taken effect: counts, not times).
   */
  messageStats(): MessageStats {
    return { ...this.messages };
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

  private get api(): ApiFacts {
    return { stage: this.stageName, domainName: `127.0.0.1:${this.port}` };
  }

  // ---------------------------------------------------------------------------------------
  // HTTP: the management API, then the caller's routes.

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const prefix = `/${this.stageName}/@connections/`;
    try {
      if (path.startsWith(prefix)) return await this.onManagement(req, res, path.slice(prefix.length));
      if (this.http && (await this.http(req, res))) return;
      if (!res.headersSent) json(res, 404, { message: 'Not Found' });
    } catch (e) {
      this.log({ service: 'gateway', msg: 'http handler failed', path, error: (e as Error)?.message ?? String(e) });
      if (!res.headersSent) json(res, 500, { message: 'Internal server error' });
      else res.end();
    }
  }

  /**
   * A `@connections` request: the throttle decides on arrival (a token is taken then), the
   * answer — success, error or 429 — goes out after `managementLatencyMs`.
   */
  private async onManagement(req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> {
    this.stats.requests++;
    const throttle = this.limits.managementThrottle;
    let allowed = true;
    if (throttle) {
      const now = Date.now();
      const taken = takeToken(this.bucket ?? fullBucket(throttle, now), now, throttle);
      this.bucket = taken.state;
      allowed = taken.allowed;
    }
    const latency = this.limits.managementLatencyMs;
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    if (!allowed) {
      this.stats.throttled++;
      return answerThrottled(req, res, rawId, this.log);
    }
    return handleManagement(req, res, rawId, (id) => this.managed(id), this.log);
  }

  /** The open connection `connectionId` as the management API drives it (a virtual one too). */
  private managed(connectionId: string): ManagedConnection | undefined {
    const v = this.virtual.get(connectionId);
    if (v) {
      return {
        connectedAt: v.connectedAt,
        lastActiveAt: v.lastActiveAt,
        identity: { sourceIp: '127.0.0.1', userAgent: 'virtual' },
        send: (data) => {
          v.messages++;
          v.bytes += data.length;
          v.lastActiveAt = Date.now();
        },
        delete: () => void this.virtual.delete(connectionId),
      };
    }
    const conn = this.connections.get(connectionId);
    if (!conn || conn.state !== 'open') return undefined;
    return (conn.managed ??= this.manage(conn));
  }

  /** The management API's view of `conn` (its `lastActiveAt` read when asked). */
  private manage(conn: Connection): ManagedConnection {
    return {
      connectedAt: conn.connectedAt,
      get lastActiveAt() {
        return conn.lastActiveAt;
      },
      identity: conn.identity,
      send: (data) => {
        conn.ws.send(data, TEXT_FRAME);
        this.touch(conn);
      },
      delete: () => this.closeConnection(conn, 1000, 'Connection deleted'),
    };
  }

  // ---------------------------------------------------------------------------------------
  // Connect: upgrade checks → authorizer → $connect → accept.

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const p = this.connect(req, socket, head).catch((e: unknown) => {
      this.log({ service: 'gateway', msg: 'connect failed', error: (e as Error)?.message ?? String(e) });
      rejectHandshake(socket, 500, { message: 'Internal server error' });
    });
    this.track(p);
  }

  private async connect(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (this.closing || !this.wss) return rejectHandshake(socket, 503, { message: 'Service Unavailable' });
    const connectionId = newId();
    const logConnect = (status: number, extra: Record<string, unknown> = {}) =>
      this.log({ service: 'gateway', msg: 'connect', connectionId, routeKey: '$connect', status, durationMs: Date.now() - started, ...extra });
    const refuse = (refusal: Refusal) => {
      logConnect(refusal.status, refusal.log);
      rejectHandshake(socket, refusal.status, refusal.body);
    };
    const bad = checkUpgrade(req, url, this.stageName);
    if (bad) return refuse(bad);

    const requestId = newId();
    const connectedAt = Date.now();
    const identity = identityOf(req);
    const parts = requestParts(req, url, identity.sourceIp, this.port);
    const host = String(req.headers.host ?? `127.0.0.1:${this.port}`);

    // 1. The authorizer.
    let authorizer: Record<string, unknown> | undefined;
    if (this.authorizer) {
      const outcome = await runAuthorizer(this.authorizer, authorizerEvent(this.api, { connectionId, connectedAt, identity }, requestId, parts), parts);
      if ('refusal' in outcome) return refuse(outcome.refusal);
      authorizer = outcome.authorizer;
    }

    // 2. The $connect route.
    const route = this.routes.$connect;
    const offered = offeredProtocols(req);
    let protocol: string | false = false;
    if (route) {
      const outcome = await runConnectRoute(route, connectEvent(this.api, { connectionId, connectedAt, identity, authorizer }, requestId, parts), offered);
      if ('refusal' in outcome) return refuse(outcome.refusal);
      protocol = outcome.protocol;
    }

    // 3. Accept. From here on the connection exists and will get exactly one $disconnect.
    const facts: ConnectionFacts = { connectionId, connectedAt, identity, host, authorizer };
    if (offered.length > 0 && protocol === false) {
      // API Gateway answers without the subprotocol; browsers then fail the handshake.
      this.log({ service: 'gateway', msg: 'subprotocol not confirmed by $connect', connectionId, offered });
    }
    if (this.closing || !this.wss || socket.destroyed || !socket.readable || !socket.writable) {
      logConnect(0, { reason: 'client left during $connect' });
      this.fireDisconnect(facts, 1006, 'Client closed the connection during $connect');
      if (!socket.destroyed) rejectHandshake(socket, 503, { message: 'Service Unavailable' });
      return;
    }
    this.protocols.set(req, protocol);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Connection = { ...facts, ws, lastActiveAt: Date.now(), state: 'open' };
      this.connections.set(connectionId, conn);
      this.open(conn);
      logConnect(101);
    });
  }

  /** Start an accepted connection's timers and listeners; its `close` fires `$disconnect`. */
  private open(conn: Connection): void {
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
        const reasonText = conn.closeReason ?? (reason.toString('utf8') || defaultCloseReason(status));
        this.fireDisconnect(conn, status, reasonText);
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
    const requestId = newId();
    this.messages.received++;
    const p = this.route(conn, body, requestId).then((outcome) => {
      if (outcome.status === 200) return;
      this.send(conn, outcome.status === 403 ? { message: 'Forbidden', connectionId: conn.connectionId, requestId } : { message: integrationErrorMessage(outcome.status), connectionId: conn.connectionId, requestId });
    });
    void p.finally(() => this.messages.answered++).catch(() => undefined);
    this.track(p);
  }

  /**
   * Dispatch one message body of an open connection exactly as a WebSocket text frame is
   * dispatched (route selection on `$request.body.action`, the MESSAGE event, the integration
   * with its timeout), without a socket: what a test harness uses to drive the handlers at a
   * rate no socket would. Resolves with the integration's outcome: 200, 500 (the handler threw),
   * 504 (timed out) or 403 (no route; nothing was invoked). Throws when the connection is not open.
   */
  dispatch(connectionId: string, body: string): Promise<{ status: number; routeKey?: string; error?: string }> {
    const conn = this.connections.get(connectionId);
    if (!conn || conn.state !== 'open') throw new Error(`connection ${connectionId} is not open on the gateway`);
    return this.route(conn, body, newId());
  }

  /** Route one message body: select, build the MESSAGE event, run the integration, log. */
  private async route(conn: Connection, body: string, requestId: string): Promise<{ status: number; routeKey?: string; error?: string }> {
    const routeKey = selectRoute(body, this.routes);
    if (!routeKey) {
      this.log({ service: 'gateway', msg: 'route', connectionId: conn.connectionId, routeKey: null, status: 403 });
      return { status: 403 };
    }
    const route = this.routes[routeKey];
    const now = Date.now();
    const outcome = await this.runIntegration(route, messageEvent(this.api, conn, routeKey, requestId, body, now));
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
    return { ...outcome, routeKey };
  }

  /**
   * Invoke a route integration; the gateway waits at most `integrationTimeoutMs` (then 504;
   * the Lambda keeps running and close() still waits for it). 200 when it returned, 500 when
   * it threw or timed out.
   */
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

  /** Record the first close code/reason (whoever closes first) and forget the connection's id. */
  private markClosing(conn: Connection, code: number, reason: string): void {
    if (conn.state === 'open') {
      conn.state = 'closing';
      conn.closeCode = code;
      conn.closeReason = reason || defaultCloseReason(code);
    }
    if (this.connections.get(conn.connectionId) === conn) this.connections.delete(conn.connectionId);
  }

  private fireDisconnect(conn: ConnectionFacts, disconnectStatusCode: number, disconnectReason: string): void {
    const route = this.routes.$disconnect;
    const started = Date.now();
    const logIt = (status: number, error?: string) =>
      this.log({
        service: 'gateway',
        msg: 'disconnect',
        connectionId: conn.connectionId,
        routeKey: '$disconnect',
        disconnectStatusCode,
        disconnectReason,
        status,
        durationMs: Date.now() - started,
        connectedMs: started - conn.connectedAt,
        ...(error ? { error } : {}),
      });
    if (!route) {
      logIt(200);
      return;
    }
    const event = disconnectEvent(this.api, conn, newId(), disconnectStatusCode, disconnectReason, started);
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
