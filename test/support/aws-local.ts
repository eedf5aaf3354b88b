/**
 * Local AWS stand-ins for adapter integration tests: dynalite (DynamoDB) and s3rver (S3) on
 * 127.0.0.1 free ports, the three tables, a bucket, the process environment the adapters
 * read (ENV names, `AWS_ENDPOINT_URL_*`, dummy credentials), and a fake API Gateway
 * `@connections` endpoint that records posts and injects faults. Everything closes in
 * `close()`, so jest exits with no open handles.
 *
 * Import this module before any adapter: it sets the log level first.
 */
import { listen } from '../../local/listen';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { ENV } from '../../contract/env';
import { synthTemplate } from '../../local/synth';
import { tableDefinitions } from '../../local/template';
import type { StreamRow } from '../../contract/rows';
import type { WebSocketEvent } from '../../lambda/core/ws-event';
import { DynamoFaultProxy } from './dynamo-fault-proxy';

process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true'; // no CloudWatch EMF lines in test output (lambda/adapters/metrics.ts)

/** Table names the tests use. */
export interface TableNames {
  connections: string;
  streams: string;
  games: string;
  quotas: string;
}

export const TEST_TABLES: TableNames = { connections: 'Connections', streams: 'Streams', games: 'Games', quotas: 'Quotas' };
export const TEST_BUCKET = 'recordings';

/**
 * CreateTable inputs of the three tables, derived from the synthesized CDK template (the
 * same way local mode creates them), so the adapter tests run against the schema `cdk
 * deploy` ships — keys, GSIs, projections — and cannot drift from it.
 */
export function testTableInputs(names: TableNames = TEST_TABLES): CreateTableCommandInput[] {
  const byConstruct: Record<string, string> = { Connections: names.connections, Streams: names.streams, Games: names.games, Quotas: names.quotas };
  return tableDefinitions(synthTemplate()).map((t) => {
    const name = byConstruct[t.localName];
    if (!name) throw new Error(`template has an unexpected table ${t.localName}`);
    return { ...t.input, TableName: name };
  });
}

/** Local stand-ins for one test file. */
export interface LocalAws {
  /** `http://127.0.0.1:port` of dynalite (also in AWS_ENDPOINT_URL_DYNAMODB). */
  dynamoEndpoint: string;
  /** `http://127.0.0.1:port` of s3rver (also in AWS_ENDPOINT_URL_S3), or '' when not started. */
  s3Endpoint: string;
  bucket: string;
  tables: TableNames;
  /** Stops the servers, removes the s3rver folder, restores the environment. */
  close(): Promise<void>;
}

/** An http.Server that can be closed now, keep-alive sockets included. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const listenUrl = async (server: Server): Promise<string> => `http://127.0.0.1:${await listen(server)}`;

/** Set environment variables, returning a function that restores the previous values. */
export function setEnv(vars: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/**
 * Start dynalite (in memory, tables created with {@link testTableInputs}) and, unless
 * `s3: false`, s3rver (a temp folder, bucket {@link TEST_BUCKET}), and point the process
 * environment at them. Call before the first adapter call of the test file.
 */
export async function startLocalAws(opts: { s3?: boolean } = {}): Promise<LocalAws> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as (o: object) => Server;
  const dynamoServer = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dynamoEndpoint = await listenUrl(dynamoServer);

  let s3Endpoint = '';
  let s3: { close(): Promise<void>; httpServer?: Server } | undefined;
  let dir: string | undefined;
  if (opts.s3 !== false) {
    dir = mkdtempSync(join(tmpdir(), 'matchcast-s3-'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const S3rver = require('s3rver') as new (o: object) => { run(): Promise<AddressInfo>; close(): Promise<void>; httpServer?: Server };
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: dir,
      vhostBuckets: false,
      configureBuckets: [{ name: TEST_BUCKET }],
    });
    s3 = server;
    const addr = await server.run();
    s3Endpoint = `http://127.0.0.1:${addr.port}`;
  }

  const restore = setEnv({
    AWS_REGION: 'us-east-1',
    // s3rver only accepts its built-in key pair; dynalite and the fakes accept any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    ...(s3Endpoint ? { AWS_ENDPOINT_URL_S3: s3Endpoint } : {}),
    [ENV.connectionsTable]: TEST_TABLES.connections,
    [ENV.streamsTable]: TEST_TABLES.streams,
    [ENV.gamesTable]: TEST_TABLES.games,
    [ENV.quotasTable]: TEST_TABLES.quotas,
    [ENV.recordingsBucket]: TEST_BUCKET,
  });

  const admin = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  try {
    for (const input of testTableInputs(TEST_TABLES)) await admin.send(new CreateTableCommand(input));
  } finally {
    admin.destroy();
  }

  return {
    dynamoEndpoint,
    s3Endpoint,
    bucket: TEST_BUCKET,
    tables: TEST_TABLES,
    async close() {
      restore();
      await closeServer(dynamoServer);
      if (s3) {
        if (s3.httpServer) s3.httpServer.closeAllConnections();
        await s3.close();
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------
// A fake API Gateway management API (`POST {stage}/@connections/{connectionId}`)
// ---------------------------------------------------------------------------------------

/** What the fake answers one connection: an HTTP status (410, 429, 500, …) or no answer at all. */
export type FakeBehaviour = { status: number; times?: number } | { hang: true; times?: number };

/** The fake @connections endpoint. */
export interface FakeConnections {
  /** The callback URL to put in CALLBACK_URL, `http://127.0.0.1:port/local`. */
  url: string;
  /** Bodies accepted (answered 200) for a connection, in arrival order. */
  received(connectionId: string): string[];
  /** Every connection id that had a body accepted. */
  receivedIds(): string[];
  /** Requests (any answer) seen for a connection. */
  attempts(connectionId: string): number;
  /** Connections closed with DeleteConnection (`DELETE @connections/{id}`), in order. */
  deleted(): string[];
  /** Answer `connectionId` with `behaviour` for its next `times` requests (default: all). */
  behave(connectionId: string, behaviour: FakeBehaviour): void;
  /** Delay (ms) before answering 200, random in [latencyMs/2, latencyMs] — makes requests overlap and finish out of order. */
  latencyMs: number;
  /** Most requests in flight at once since start / reset. */
  readonly maxInFlight: number;
  /** Total requests since start / reset. */
  readonly requests: number;
  /** Forget posts, counters and behaviours. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Start a stand-in for API Gateway's `@connections` endpoint (PostToConnection, and
 * DeleteConnection recorded and answered 204), for
 * adapter tests. Unknown connection ids are accepted (200) unless told otherwise; 410 is
 * answered as API Gateway does (`x-amzn-ErrorType: GoneException`), 429 as
 * `LimitExceededException`, 5xx as `InternalServerErrorException`.
 */
export async function startFakeConnections(): Promise<FakeConnections> {
  const posts = new Map<string, string[]>();
  const attempts = new Map<string, number>();
  const behaviours = new Map<string, FakeBehaviour>();
  const hanging = new Set<ServerResponse>();
  const deletes: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let requests = 0;
  const errorType: Record<number, string> = { 410: 'GoneException', 429: 'LimitExceededException', 403: 'ForbiddenException' };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const m = /\/@connections\/([^/?]+)/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (m && req.method === 'DELETE') {
        deletes.push(decodeURIComponent(m[1]!));
        res.writeHead(204).end();
        return;
      }
      if (!m || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      const id = decodeURIComponent(m[1]!);
      requests++;
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let done = false;
      const finish = () => {
        if (!done) {
          done = true;
          inFlight--;
        }
      };
      res.on('close', finish);
      const b = behaviours.get(id);
      if (b) {
        if (b.times !== undefined) {
          if (b.times <= 1) behaviours.delete(id);
          else b.times--;
        }
        if ('hang' in b) {
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        }
        res.writeHead(b.status, {
          'content-type': 'application/json',
          'x-amzn-ErrorType': errorType[b.status] ?? (b.status >= 500 ? 'InternalServerErrorException' : 'BadRequestException'),
        });
        res.end(JSON.stringify({ message: `fake ${b.status}` }), finish);
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      setTimeout(() => {
        if (res.destroyed) return finish();
        if (!posts.has(id)) posts.set(id, []);
        posts.get(id)!.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}', finish);
      }, fake.latencyMs > 0 ? fake.latencyMs / 2 + Math.random() * (fake.latencyMs / 2) : 0);
    });
  });
  const base = await listenUrl(server);
  const fake: FakeConnections = {
    url: `${base}/local`,
    received: (id) => [...(posts.get(id) ?? [])],
    receivedIds: () => [...posts.keys()],
    attempts: (id) => attempts.get(id) ?? 0,
    deleted: () => [...deletes],
    behave: (id, b) => void behaviours.set(id, { ...b }),
    latencyMs: 0,
    get maxInFlight() {
      return maxInFlight;
    },
    get requests() {
      return requests;
    },
    reset() {
      posts.clear();
      deletes.length = 0;
      attempts.clear();
      behaviours.clear();
      maxInFlight = inFlight;
      requests = 0;
      fake.latencyMs = 0;
    },
    async close() {
      for (const res of hanging) res.destroy();
      await closeServer(server);
    },
  };
  return fake;
}

/**
 * A stream row for adapter tests: a playing spectate stream of game `g1` (10 frames of a
 * 1 s recording at `recordings/g1.jsonl`), epoch 1, at seq 0, no clients; `over` replaces
 * any field.
 */
export function streamRowFixture(streamId: string, over: Partial<StreamRow> = {}): StreamRow {
  return {
    streamId,
    gameId: 'g1',
    mode: 'spectate',
    status: 'playing',
    speed: 1,
    epoch: 1,
    positionSeq: 0,
    positionMs: 0,
    anchorAt: 0,
    epochStartSeq: 0,
    generation: 0,
    controllers: [],
    clientCount: 0,
    framesSent: 0,
    kind: 'tennis',
    title: 'T',
    recordingKey: 'recordings/g1.jsonl',
    indexKey: 'recordings/g1.idx.json',
    durationMs: 1000,
    frameCount: 10,
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}

/**
 * Register jest hooks for an adapter test file that posts to connections: before all, the
 * local DynamoDB (and S3 unless `s3: false`) stand-ins and a fake `@connections` endpoint
 * set as the callback URL — and with `dynamoFaults`, a {@link DynamoFaultProxy} in front of
 * DynamoDB that the SDK is pointed at; before each test, the fake's record and the proxy's
 * faults reset; after all, all of it closed. Returns getters (valid inside tests; `proxy`
 * only with `dynamoFaults`).
 */
export function useLocalAwsWithConnections(opts: { s3?: boolean; dynamoFaults?: boolean } = {}): {
  aws: () => LocalAws;
  fake: () => FakeConnections;
  proxy: () => DynamoFaultProxy;
} {
  let aws: LocalAws | undefined;
  let fake: FakeConnections | undefined;
  let proxy: DynamoFaultProxy | undefined;
  let restoreEnv: (() => void) | undefined;
  beforeAll(async () => {
    aws = await startLocalAws({ s3: opts.s3 });
    fake = await startFakeConnections();
    const env: Record<string, string> = { [ENV.callbackUrl]: fake.url };
    if (opts.dynamoFaults) {
      proxy = new DynamoFaultProxy(new URL(aws.dynamoEndpoint));
      env.AWS_ENDPOINT_URL_DYNAMODB = await proxy.listen();
    }
    restoreEnv = setEnv(env);
  });
  afterAll(async () => {
    restoreEnv?.();
    await fake?.close();
    await proxy?.close();
    await aws?.close();
  });
  beforeEach(() => {
    fake?.reset();
    proxy?.reset();
  });
  return {
    aws: () => aws!,
    fake: () => fake!,
    proxy: () => {
      if (!proxy) throw new Error('useLocalAwsWithConnections: no proxy without { dynamoFaults: true }');
      return proxy;
    },
  };
}

let requestNo = 0;
/**
 * A WebSocket MESSAGE event as API Gateway hands it to a route function: `body` serialized,
 * the route key its `action` (else `$default`), and the `$connect` authorizer's context for
 * `userId` (display name the same).
 */
export function wsEvent(connectionId: string, userId: string, body: unknown): WebSocketEvent {
  const action = (body as { action?: string }).action ?? '$default';
  return {
    requestContext: { connectionId, routeKey: action, requestId: `req-${++requestNo}`, authorizer: { userId, displayName: userId } },
    body: JSON.stringify(body),
  };
}
