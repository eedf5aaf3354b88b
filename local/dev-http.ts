/**
 * The plain HTTP routes local mode serves on the gateway's port, besides the WebSocket API and
 * its `@connections` management API: the HTTP API (live ingest, scheduled streams), then
 * - `GET /healthz` — `200 {"ok":true,"games":N}` (served only once the stack is ready);
 * - `GET /dev/token?user=U[&name=N][&ttl=SECONDS][&roles=publisher,operator]` — `{"token"}`
 *   minted with the stack's secret, `400 {"error"}` for a bad request (local mode only); `403
 *   {"error"}` unless the `Host` header is the loopback address and port served
 *   ({@link isLoopbackHost}): a page on another name that resolves to 127.0.0.1 (DNS
 *   rebinding) must not mint tokens;
 * - `GET /config.json` — the browser client's `{ wsUrl, tokenUrl: "/dev/token" }`, `wsUrl`
 *   on the Host the browser used;
 * - any other `GET` or `HEAD` — the browser client's files (web/dist), when `webDir` is given:
 *   brotli or gzip by `Accept-Encoding`, hashed assets cached for a year (local/web.ts serveWeb).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenRole } from '../contract/token';
import type { GatewayHttpHandler } from './gateway';
import type { LocalHttpApi } from './http-api';
import { serveWeb } from './web';

/** Mint a token (what `/dev/token` answers): `ttlSeconds` in seconds, `roles` the HTTP API roles. */
export type MintToken = (userId: string, displayName?: string, ttlSeconds?: number, roles?: readonly TokenRole[]) => Promise<string>;

/** Options of {@link devHttp}. */
export interface DevHttpOptions {
  /** `http://127.0.0.1:{port}`: the base URL request paths are read against. */
  readonly httpUrl: string;
  readonly port: number;
  readonly httpApi: LocalHttpApi | undefined;
  readonly token: MintToken;
  /** How many games `/healthz` reports. */
  readonly games: () => number;
  /** Serve the browser client's files from here; `undefined` serves none. */
  readonly webDir: string | undefined;
}

/**
 * Whether a request's `Host` header names the address local mode serves: exactly
 * `127.0.0.1:{port}` or `localhost:{port}` (case-insensitive; browsers resolve `localhost`
 * to loopback themselves, so no DNS answer can point it elsewhere). An absent Host, another
 * name, or another port is false.
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/** The gateway's extra HTTP handler for local mode (see the module note); resolves false for a request it does not serve. */
export function devHttp(opts: DevHttpOptions): GatewayHttpHandler {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', opts.httpUrl);
    if (opts.httpApi && (await opts.httpApi.handle(req, res))) return true;
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, games: opts.games() }));
      return true;
    }
    if (url.pathname === '/dev/token') {
      if (!isLoopbackHost(req.headers.host, opts.port)) {
        res.writeHead(403, { 'content-type': 'application/json' }).end(
          JSON.stringify({ error: `tokens are minted only for requests to 127.0.0.1:${opts.port}; open http://127.0.0.1:${opts.port}/ instead` }),
        );
        return true;
      }
      const user = url.searchParams.get('user') ?? '';
      const ttl = url.searchParams.get('ttl');
      try {
        if (ttl !== null && !(Number(ttl) > 0)) throw new Error(`ttl must be a positive number of seconds, got "${ttl}"`);
        const roles = (url.searchParams.get('roles') ?? '').split(',').filter((r) => r !== '') as TokenRole[];
        const t = await opts.token(user, url.searchParams.get('name') ?? undefined, ttl === null ? undefined : Number(ttl), roles);
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ token: t }));
      } catch (e) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (e as Error).message }));
      }
      return true;
    }
    if (url.pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(
        JSON.stringify({ wsUrl: `ws://${req.headers.host ?? `127.0.0.1:${opts.port}`}/`, tokenUrl: '/dev/token' }),
      );
      return true;
    }
    if (opts.webDir !== undefined && (req.method === 'GET' || req.method === 'HEAD')) return serveWeb(opts.webDir, url.pathname, req, res);
    return false;
  };
}
