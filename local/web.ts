/**
 * The browser client in local mode: build it (web/ → web/dist) with Vite when the build is
 * missing or older than its sources (web/ and the modules it imports from protocol/ and
 * client/), so `npm start` and the browser tests always serve the current client; and serve
 * web/dist compressed, with caching headers ({@link serveWeb}).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

const ROOT = join(__dirname, '..');
const WEB = join(ROOT, 'web');
const DIST_INDEX = join(WEB, 'dist', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The folders the browser bundle is built from: web/ and the shared protocol/ and client/. */
const SOURCES = [WEB, join(ROOT, 'protocol'), join(ROOT, 'client')];

/** True when web/dist is missing or older than any file in web/, protocol/ or client/. */
export function webBuildIsStale(): boolean {
  if (!existsSync(DIST_INDEX)) return true;
  const sources = Math.max(...SOURCES.map((dir) => (existsSync(dir) ? newestMtime(dir) : 0)));
  return statSync(DIST_INDEX).mtimeMs < sources;
}

/** `node node_modules/vite/bin/vite.js build --config web/vite.config.ts --logLevel warn`, from the project root. */
function viteBuildArgs(): string[] {
  return [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(WEB, 'vite.config.ts'), '--logLevel', 'warn'];
}

/** Run `vite build` for web/ when stale. Rejects with Vite's output when the build fails. */
export async function buildWeb(opts: { force?: boolean } = {}): Promise<void> {
  if (!opts.force && !webBuildIsStale()) return;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, viteBuildArgs(), {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${out.slice(-4000)}`))));
  });
}

/**
 * {@link buildWeb}, blocking: for bin/matchcast.ts, which must have web/dist before the CDK app
 * synthesizes (the web client uploads it). Returns true when it built, false when web/dist was
 * current. Throws with the tail of Vite's output when the build fails; gives up after 5 min.
 */
export function buildWebSync(opts: { force?: boolean } = {}): boolean {
  if (!opts.force && !webBuildIsStale()) return false;
  const r = spawnSync(process.execPath, viteBuildArgs(), { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.error) throw new Error(`vite build could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal}):\n${`${r.stdout}${r.stderr}`.slice(-4000)}`);
  return true;
}

/** Content types of the files a Vite build writes (web/dist). */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Types worth compressing (text); images and woff2 are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt']);

/**
 * `Cache-Control` of web/dist files: Vite names every file under `assets/` by a hash of its
 * content, so such a name never changes meaning — cached for a year and `immutable` (RFC 8246);
 * everything else (index.html, which names the current assets) is `no-cache`: kept, but
 * revalidated by its `ETag` on every load (RFC 9111 section 5.2.2.4).
 */
export function webCacheControl(relPath: string): string {
  return relPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * The coding to answer a request's `Accept-Encoding` with: `br` when accepted, else `gzip`, else
 * `identity`. A coding with `q=0` is refused (RFC 9110 section 12.5.3); `*` accepts both.
 */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | 'identity' {
  const q = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    q.set(name, qp ? Number(qp.slice(2)) || 0 : 1);
  }
  const accepts = (c: string) => (q.get(c) ?? q.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return 'identity';
}

/** One file of web/dist as served: its bytes per coding (compressed once, on first request). */
interface Cached {
  readonly mtimeMs: number;
  readonly size: number;
  readonly etag: string;
  readonly bodies: Map<'br' | 'gzip' | 'identity', Buffer>;
}

const served = new Map<string, Cached>();

/**
 * Serve `pathname` (`/` is index.html) of the built client under `root` (web/dist) for
 * local mode: `200` with the body compressed as the request's `Accept-Encoding` allows (brotli
 * or gzip, node:zlib; `Vary: Accept-Encoding`), {@link webCacheControl} caching headers, an
 * `ETag` per file version and coding, `304` for a matching `If-None-Match`; `HEAD` answers the
 * headers only. Returns false (nothing written) when there is no such file under `root` (no path
 * traversal), so the caller can answer 404 its own way. Compressed bodies are kept in memory
 * per file and modification time (the build is a few hundred kilobytes).
 */
export function serveWeb(root: string, pathname: string, req: IncomingMessage, res: ServerResponse): boolean {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const base = resolve(root);
  const file = normalize(join(base, rel));
  if (!file.startsWith(base + sep)) return false;
  let st: Stats;
  try {
    st = statSync(file);
  } catch {
    return false;
  }
  if (!st.isFile()) return false;
  let entry = served.get(file);
  if (!entry || entry.mtimeMs !== st.mtimeMs || entry.size !== st.size) {
    const body = readFileSync(file);
    entry = { mtimeMs: st.mtimeMs, size: st.size, etag: createHash('sha1').update(body).digest('base64url').slice(0, 20), bodies: new Map([['identity', body]]) };
    served.set(file, entry);
  }
  const ext = extname(file);
  const coding = COMPRESSIBLE.has(ext) ? pickEncoding(req.headers['accept-encoding']) : 'identity';
  let body = entry.bodies.get(coding);
  if (!body) {
    const raw = entry.bodies.get('identity')!;
    body =
      coding === 'br'
        ? brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 9, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
        : gzipSync(raw, { level: 9 });
    entry.bodies.set(coding, body);
  }
  const etag = `"${entry.etag}${coding === 'identity' ? '' : `-${coding}`}"`;
  const headers: Record<string, string | number> = {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': webCacheControl(rel),
    etag,
    'x-content-type-options': 'nosniff',
  };
  if (COMPRESSIBLE.has(ext)) headers.vary = 'Accept-Encoding';
  if (coding !== 'identity') headers['content-encoding'] = coding;
  const match = req.headers['if-none-match'];
  if (match !== undefined && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
    res.writeHead(304, headers).end();
    return true;
  }
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
