/**
 * The raw HTTP-POST ceiling of this machine: a bare `node:http` server on 127.0.0.1 that
 * answers every POST with an empty 200 (what the local gateway's `@connections` POST
 * answers), and a client posting small bodies over keep-alive connections with a fixed
 * concurrency (fan-out's 32), for a bounded count and time. Server and client share one
 * process and event loop, as fan-out and the local gateway do in local mode.
 *
 * {@link measureSdkCeiling} posts to the same bare server through the AWS SDK's
 * `PostToConnectionCommand` (what fan-out sends: request signing, middleware, response
 * parsing), so the gap between raw HTTP, SDK-over-HTTP and the whole local path can be told apart.
 */
import { Agent, createServer, type Server } from 'node:http';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { rawPost } from './raw-post';

/** Options of {@link measureHttpCeiling}. */
export interface CeilingOptions {
  /** Requests in flight at once (fan-out's default is 32). */
  concurrency: number;
  /** Body size, bytes. */
  bodyBytes: number;
  /** Stop after this many POSTs… */
  maxRequests: number;
  /** …or after this many ms, whichever comes first. */
  maxMs: number;
}

/** What {@link measureHttpCeiling} measured. `postsPerSecond` = completed / seconds. */
export interface CeilingResult {
  concurrency: number;
  bodyBytes: number;
  completed: number;
  failed: number;
  seconds: number;
  postsPerSecond: number;
}

/** Run the ceiling measurement; always closes its server and agent. Throws only if the server cannot listen. */
export async function measureHttpCeiling(opts: CeilingOptions): Promise<CeilingResult> {
  const { server, port } = await bareServer();
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const body = Buffer.alloc(opts.bodyBytes, 'x');
  const postOnce = () => rawPost(agent, { host: '127.0.0.1', port, path: '/bench/@connections/c' }, body);
  return closedLoop(opts, postOnce, async () => {
    agent.destroy();
    await closeServer(server);
  });
}

/** The same measurement through the SDK's `PostToConnectionCommand` (SigV4-signed, maxAttempts 1) against the bare server. */
export async function measureSdkCeiling(opts: CeilingOptions): Promise<CeilingResult> {
  const { server, port } = await bareServer();
  const client = new ApiGatewayManagementApiClient({
    endpoint: `http://127.0.0.1:${port}/bench`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  const data = 'x'.repeat(opts.bodyBytes);
  const postOnce = async (n: number) => {
    try {
      await client.send(new PostToConnectionCommand({ ConnectionId: `c${n % 1000}`, Data: data }));
      return true;
    } catch {
      return false;
    }
  };
  return closedLoop(opts, postOnce, async () => {
    client.destroy();
    await closeServer(server);
  });
}

/**
 * The closed loop both measurements run: `opts.concurrency` workers each await `postOnce(n)`
 * (n: the post's number, from 1) back to back until `opts.maxRequests` posts were begun or
 * `opts.maxMs` ms have passed; `postOnce` resolves true for a completed post, false for a
 * failed one (it never rejects). `close` runs afterwards in every case.
 */
async function closedLoop(opts: CeilingOptions, postOnce: (n: number) => Promise<boolean>, close: () => Promise<void>): Promise<CeilingResult> {
  let begun = 0;
  let completed = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + opts.maxMs;
  const worker = async () => {
    while (begun < opts.maxRequests && performance.now() < deadline) {
      begun++;
      if (await postOnce(begun)) completed++;
      else failed++;
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    await close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { concurrency: opts.concurrency, bodyBytes: opts.bodyBytes, completed, failed, seconds, postsPerSecond: completed / seconds };
}

/** A node:http server on 127.0.0.1:0 answering every request, once its body is read, with an empty 200. */
async function bareServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => res.writeHead(200, { 'content-length': 0 }).end());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
