/**
 * Local DynamoDB: `dynalite` (DynamoDB's API on LevelDB) on 127.0.0.1, in memory or on disk.
 * Tables change state instantly (createTableMs/deleteTableMs/updateTableMs 0).
 *
 * Not supported by dynalite 4 (and so not locally): UpdateTimeToLive (only
 * DescribeTimeToLive exists, answering DISABLED) — TTL attributes are stored but nothing is
 * ever expired, which is harmless: the code checks `expiresAt` itself (DynamoDB TTL deletes
 * lazily, hours late, on AWS too; docs/ARCHITECTURE.md "Tables"); also
 * the transactional and PartiQL operations (TransactWriteItems, ExecuteStatement).
 */
import { listen } from './listen';
import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';

/** A running dynalite. */
export interface LocalDynamo {
  /** `http://127.0.0.1:{port}`, for `AWS_ENDPOINT_URL_DYNAMODB`. */
  readonly endpoint: string;
  /** Stop the server and close its store (releases the LevelDB lock). */
  close(): Promise<void>;
}

/** Longest wait (ms) on close for requests in flight (see startDynamo). */
const CLOSE_DRAIN_MS = 10_000;

/**
 * Start dynalite on 127.0.0.1 (`port` 0 = free port). With `path`, the data lives in that
 * LevelDB folder (created if missing) and survives restarts; without, in memory.
 * Rejects with the listen error (`EADDRINUSE`) or a LevelDB open error (folder locked by
 * another process).
 */
export async function startDynamo(opts: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  if (opts.path) mkdirSync(opts.path, { recursive: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as (o: object) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(opts.path ? { path: opts.path } : {}) });
  // Keep idle keep-alive sockets longer than a handler's gaps between calls (as the local API
  // Gateway does): Node's default 5 s closes a socket just as the SDK reuses it, and a write
  // caught in that race can come back as `socket hang up` and be retried.
  server.keepAliveTimeout = 61_000;
  server.headersTimeout = 62_000;
  // Requests being answered. dynalite queues a write behind its per-item lock and runs it
  // later; closing while one waits there closes the store under it, and the queued write then
  // throws "Database is closed" outside any request (an uncaught exception). So close first
  // refuses new requests (their socket is dropped before dynalite reads them: the client sees
  // a reset, as from a stopped server), then waits for the requests in flight (up to
  // CLOSE_DRAIN_MS), then closes. A request is in flight until dynalite answers it
  // (`res.end`), not until its socket closes: a client that gave up (an SDK timeout on a busy
  // machine) leaves its write queued all the same.
  let inFlight = 0;
  let closing = false;
  server.prependListener('request', (req: { socket: { destroy(): void } }, res: { writableEnded: boolean; end: (...args: unknown[]) => unknown }) => {
    if (closing) return req.socket.destroy();
    if (res.writableEnded) return;
    inFlight++;
    const end = res.end;
    let answered = false;
    res.end = function (this: unknown, ...args: unknown[]) {
      if (!answered) {
        answered = true;
        inFlight--;
      }
      return end.apply(this, args);
    };
  });
  const port = await listen(server, opts.port ?? 0);
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      (closed ??= (async () => {
        closing = true;
        server.closeIdleConnections();
        const until = Date.now() + CLOSE_DRAIN_MS;
        while (inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        await new Promise<void>((resolve, reject) => {
          server.close((err?: Error) => (err ? reject(err) : resolve()));
          server.closeAllConnections();
        });
      })()),
  };
}

/**
 * Create every table of `defs` that does not exist yet (same TableName), then wait until
 * each is ACTIVE. Idempotent: existing tables (e.g. from a persistent store) are kept as they
 * are, not compared or updated. `TimeToLiveSpecification`-style settings are not part of
 * CreateTable and are not applied (see the module note). Throws the SDK's error otherwise.
 */
export async function ensureTables(endpoint: string, defs: CreateTableCommandInput[]): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    for (const def of defs) {
      try {
        await client.send(new DescribeTableCommand({ TableName: def.TableName }));
      } catch (e) {
        if ((e as Error).name !== 'ResourceNotFoundException') throw e;
        try {
          await client.send(new CreateTableCommand(def));
        } catch (err) {
          if (!(err instanceof ResourceInUseException)) throw err;
        }
      }
    }
    for (const def of defs) {
      // Bounded: dynalite is configured with createTableMs 0, so tables are ACTIVE at once.
      for (let attempt = 0; ; attempt++) {
        const out = await client.send(new DescribeTableCommand({ TableName: def.TableName }));
        if (out.Table?.TableStatus === 'ACTIVE') break;
        if (attempt >= 100) throw new Error(`table ${def.TableName} is not ACTIVE after 5 s (${out.Table?.TableStatus})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    client.destroy();
  }
}
