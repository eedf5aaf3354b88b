/**
 * The local stand-in of the API Gateway HTTP API (live ingest and scheduled streams,
 * docs/HTTP-API.md), served on the
 * local gateway's port: routes and the Lambda authorizer come from the synthesized template
 * (local/template.ts `httpApi`), and the same handler modules run with payload-format-2.0
 * events, as API Gateway builds them:
 * - route matching on `METHOD /path/{param}` (no match → 404 `{"message":"Not Found"}`);
 * - the authorizer (simple responses) with the identity source `$request.header.Authorization`:
 *   a missing header → 401 without calling it, `isAuthorized: false` → 403
 *   `{"message":"Forbidden"}`, a throw → 500; its `context` reaches the route as
 *   `requestContext.authorizer.lambda`;
 * - the integration's result: `{ statusCode, headers, body }`, or any other value as a 200
 *   JSON body; a throw or a timeout → 500 / 503 `{"message":"Internal Server Error"}`.
 * Request bodies are limited to 10 MB (the HTTP API payload quota).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLimited } from './gateway/http';
import { invoke, LambdaTimeoutError, type LambdaHandler } from './lambda-runtime';

/** A local function as the HTTP API calls it. */
export interface HttpApiFunction {
  readonly handler: LambdaHandler;
  readonly functionName: string;
  /** Lambda timeout, ms. */
  readonly timeoutMs: number;
  readonly memoryMb?: number;
}

/** Options of {@link LocalHttpApi}. */
export interface LocalHttpApiOptions {
  /** Route key (`POST /games/{gameId}/events`) → its function, and whether it is authorized. */
  readonly routes: Array<{ routeKey: string; fn: HttpApiFunction; authorized: boolean }>;
  readonly authorizer?: HttpApiFunction & { identitySource: string[] };
  readonly log?: (entry: Record<string, unknown>) => void;
}

/** API Gateway HTTP API's request payload quota: 10 MB. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  params: string[];
  routeKey: string;
  fn: HttpApiFunction;
  authorized: boolean;
}

/** The local HTTP API: `handle` answers a request when a route matches, else returns false. */
export class LocalHttpApi {
  private readonly routes: CompiledRoute[];

  constructor(private readonly opts: LocalHttpApiOptions) {
    this.routes = opts.routes.map(({ routeKey, fn, authorized }) => {
      const [method, path] = routeKey.split(' ') as [string, string];
      const params: string[] = [];
      const source = path
        .split('/')
        .map((seg) => {
          const param = /^\{([A-Za-z0-9_]+)\}$/.exec(seg);
          if (!param) return seg.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
          params.push(param[1]!);
          return '([^/]+)';
        })
        .join('/');
      return { method, pattern: new RegExp(`^${source}$`), params, routeKey, fn, authorized };
    });
  }

  /** Whether some route has this path (any method): the caller's other handlers get the rest. */
  private matches(path: string): CompiledRoute[] {
    return this.routes.filter((r) => r.pattern.test(path));
  }

  /** Serve `req` if a route's path matches it. Resolves true when it answered. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://local');
    const candidates = this.matches(url.pathname);
    if (candidates.length === 0) return false;
    const route = candidates.find((r) => r.method === req.method);
    const started = Date.now();
    const requestId = randomUUID();
    const send = (status: number, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
      res.writeHead(status, { ...headers, 'apigw-requestid': requestId, 'content-length': Buffer.byteLength(body) }).end(body);
      this.opts.log?.({ service: 'http-api', method: req.method, path: url.pathname, status, durationMs: Date.now() - started });
      return true;
    };
    if (!route) {
      req.resume();
      return send(404, JSON.stringify({ message: 'Not Found' }));
    }
    const body = await readLimited(req, MAX_BODY_BYTES);
    if (body === undefined) return send(413, JSON.stringify({ message: 'Request Entity Too Large' }));
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : (v ?? '')]));
    const match = route.pattern.exec(url.pathname)!;
    const pathParameters = Object.fromEntries(route.params.map((p, i) => [p, decodeURIComponent(match[i + 1]!)]));
    const now = Date.now();
    const requestContext: Record<string, unknown> = {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      http: { method: req.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    };
    const base = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      pathParameters,
    };

    if (route.authorized && this.opts.authorizer) {
      const auth = this.opts.authorizer;
      const header = auth.identitySource.find((s) => s.toLowerCase().startsWith('$request.header.'));
      const name = header?.slice('$request.header.'.length).toLowerCase();
      if (name && !headers[name]) return send(401, JSON.stringify({ message: 'Unauthorized' }));
      try {
        const verdict = (await invoke(auth.handler, { ...base, type: 'REQUEST', identitySource: name ? [headers[name]] : [], requestContext }, auth)) as {
          isAuthorized?: unknown;
          context?: Record<string, unknown>;
        } | null;
        if (verdict?.isAuthorized !== true) return send(403, JSON.stringify({ message: 'Forbidden' }));
        requestContext.authorizer = { lambda: verdict.context ?? {} };
      } catch (e) {
        this.opts.log?.({ service: 'http-api', msg: 'authorizer failed', error: (e as Error).message });
        return send(500, JSON.stringify({ message: 'Internal Server Error' }));
      }
    }

    let result: unknown;
    try {
      result = await invoke(
        route.fn.handler,
        { ...base, requestContext, ...(body.length ? { body: body.toString('utf8'), isBase64Encoded: false } : { isBase64Encoded: false }) },
        route.fn,
      );
    } catch (e) {
      this.opts.log?.({ service: 'http-api', msg: 'integration failed', routeKey: route.routeKey, error: (e as Error).message });
      return send(e instanceof LambdaTimeoutError ? 503 : 500, JSON.stringify({ message: e instanceof LambdaTimeoutError ? 'Service Unavailable' : 'Internal Server Error' }));
    }
    const r = result as { statusCode?: unknown; headers?: Record<string, unknown>; body?: unknown } | null;
    if (r && typeof r === 'object' && typeof r.statusCode === 'number') {
      const h = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, String(v)]));
      return send(r.statusCode, typeof r.body === 'string' ? r.body : '', h);
    }
    return send(200, typeof result === 'string' ? result : JSON.stringify(result ?? null));
  }
}
