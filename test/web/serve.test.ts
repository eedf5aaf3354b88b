/**
 * How local mode serves the built client (local/dev-http.ts → local/web.ts serveWeb): brotli or
 * gzip by Accept-Encoding, hashed assets immutable for a year, index.html revalidated, no path
 * traversal. A tiny build in a temp folder, a real HTTP server on 127.0.0.1.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { devHttp } from '../../local/dev-http';
import { pickEncoding, webCacheControl } from '../../local/web';

const JS = `export const text = ${JSON.stringify('matchcast '.repeat(2000))};\n`;
const HTML = `<!doctype html><title>matchcast</title><script type="module" src="./assets/index-AbC123.js"></script>${' '.repeat(2000)}`;

let dir: string;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'matchcast-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), HTML);
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), JS);
  writeFileSync(join(dir, 'assets', 'logo-XyZ.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const handler = devHttp({ httpUrl: 'http://127.0.0.1', port: 0, httpApi: undefined, token: async () => 't', games: () => 0, webDir: dir });
  server = createServer((req, res) => {
    void Promise.resolve(handler(req, res)).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a hashed asset: brotli when accepted, gzip otherwise, identity when neither; cached for a year', async () => {
  const br = await get('/assets/index-AbC123.js', { 'accept-encoding': 'gzip, deflate, br' });
  expect(br.status).toBe(200);
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(br.headers.vary).toBe('Accept-Encoding');
  expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
  expect(Number(br.headers['content-length'])).toBe(br.body.length);
  expect(br.body.length).toBeLessThan(JS.length / 10);
  expect(brotliDecompressSync(br.body).toString()).toBe(JS);

  const gz = await get('/assets/index-AbC123.js', { 'accept-encoding': 'gzip' });
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(gunzipSync(gz.body).toString()).toBe(JS);
  expect(gz.headers.etag).not.toBe(br.headers.etag); // a different body, a different tag

  const plain = await get('/assets/index-AbC123.js');
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.body.toString()).toBe(JS);
});

test('index.html is revalidated (no-cache) and answers 304 to its ETag', async () => {
  const first = await get('/', { 'accept-encoding': 'br' });
  expect(first.status).toBe(200);
  expect(first.headers['cache-control']).toBe('no-cache');
  expect(first.headers['content-encoding']).toBe('br');
  const again = await get('/', { 'accept-encoding': 'br', 'if-none-match': String(first.headers.etag) });
  expect(again.status).toBe(304);
  expect(again.body.length).toBe(0);
  const head = await get('/index.html', { 'accept-encoding': 'gzip' }, 'HEAD');
  expect(head.status).toBe(200);
  expect(head.headers['content-encoding']).toBe('gzip');
});

test('images are sent as they are; no file outside the build is served', async () => {
  const png = await get('/assets/logo-XyZ.png', { 'accept-encoding': 'br' });
  expect(png.headers['content-encoding']).toBeUndefined();
  expect(png.headers['content-type']).toBe('image/png');
  expect((await get('/../package.json')).status).toBe(404);
  expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  expect((await get('/nope.js')).status).toBe(404);
});

test('Accept-Encoding q-values and the cache rule', () => {
  expect(pickEncoding('gzip;q=1.0, br;q=0')).toBe('gzip');
  expect(pickEncoding('*')).toBe('br');
  expect(pickEncoding('identity')).toBe('identity');
  expect(pickEncoding(undefined)).toBe('identity');
  expect(webCacheControl('/assets/x-1.css')).toContain('immutable');
  expect(webCacheControl('/index.html')).toBe('no-cache');
});
