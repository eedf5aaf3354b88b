/**
 * Local mode's `/dev/token` answers only requests addressed to the loopback address and port it
 * serves: a page on another name that resolves to 127.0.0.1 (DNS rebinding) gets 403 and no token.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { devHttp, isLoopbackHost } from '../../local/dev-http';

let server: Server;
let port: number;
let minted = 0;

beforeAll(async () => {
  server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  const handler = devHttp({
    httpUrl: `http://127.0.0.1:${port}`,
    port,
    httpApi: undefined,
    token: async () => {
      minted += 1;
      return 'tok';
    },
    games: () => 0,
    webDir: undefined,
  });
  server.on('request', (req, res) => void Promise.resolve(handler(req, res)).then((served: boolean) => served || res.writeHead(404).end()));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** GET `/dev/token?user=alice` on 127.0.0.1 with the given Host header. */
function get(host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/dev/token?user=alice', headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('/dev/token and the Host header', () => {
  it('mints for 127.0.0.1:{port} and localhost:{port}', async () => {
    expect(await get(`127.0.0.1:${port}`)).toEqual({ status: 200, body: '{"token":"tok"}' });
    expect((await get(`LOCALHOST:${port}`)).status).toBe(200);
  });

  it('refuses any other Host with 403 and mints nothing', async () => {
    const before = minted;
    for (const host of [`evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `[::1]:${port}`]) {
      const res = await get(host);
      expect([host, res.status]).toEqual([host, 403]);
      expect(JSON.parse(res.body).error).toMatch(/127\.0\.0\.1/);
    }
    expect(minted).toBe(before);
  });

  it('isLoopbackHost: exact address and port only', () => {
    expect(isLoopbackHost('127.0.0.1:3000', 3000)).toBe(true);
    expect(isLoopbackHost(undefined, 3000)).toBe(false);
    expect(isLoopbackHost('127.0.0.1:30000', 3000)).toBe(false);
    expect(isLoopbackHost('a.127.0.0.1:3000', 3000)).toBe(false);
  });
});
