/**
 * The embedded local mode (DESIGN.md "Local mode"): the whole system on one machine, no
 * AWS account. Everything is derived from the synthesized CDK template — tables, the
 * WebSocket routes and authorizer, the `Player` state machine, the S3 notification, the
 * sweeper's schedule, every function's environment — and the very same handler modules
 * run against stand-ins: dynalite (DynamoDB), s3rver (S3), aws-local-stepfunctions behind a
 * Step Functions API endpoint, a Secrets Manager endpoint, and our local API Gateway.
 *
 * `startLocalStack()` is used by `npm start` (local/main.ts) and by the end-to-end tests.
 */
import './polyfills';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalWebSocketGateway } from './gateway';
import { LocalHttpApi } from './http-api';
import { AwsJsonEndpoint, registerSecrets } from './aws-json';
import { LocalStepFunctions } from './stepfunctions';
import { startDynamo, ensureTables } from './dynamodb';
import { startS3 } from './s3';
import { invoke, type LambdaHandler } from './lambda-runtime';
import { synthTemplate } from './synth';
import * as tpl from './template';
import { serveStatic } from './static';
import { mintToken, type TokenRole } from '../lambda/core/token';
import { uploadSamples } from './samples';

/** The project root (where package.json is). */
export const PROJECT_ROOT = resolve(__dirname, '..');
/** Where local mode writes its runtime file for the CLIs (`npm run ingest`, `watch`, `streams`). */
export const RUNTIME_FILE = join(PROJECT_ROOT, '.local', 'runtime.json');
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

/** Options of {@link startLocalStack}. Durations in seconds unless named `…Ms`. */
export interface LocalStackOptions {
  /** HTTP/WebSocket port. @default 3000 (0 picks a free port) */
  readonly port?: number;
  /** Keep DynamoDB and S3 state in this folder across restarts. @default a fresh temp folder, removed on close */
  readonly dataDir?: string;
  /** Upload and index the sample recordings at start. @default true */
  readonly samples?: boolean;
  /** Overrides of handler environment (e.g. STREAM_IDLE_TTL_SECONDS for tests). */
  readonly env?: Record<string, string>;
  /** API Gateway limits (tests shorten them). */
  readonly gatewayLimits?: { idleTimeoutMs?: number; maxConnectionMs?: number; maxMessageBytes?: number };
  /** Run the sweeper on the template's schedule. @default true */
  readonly sweeper?: boolean;
  /** Write .local/runtime.json for the CLIs. @default true for port 3000-style runs, false when port is 0 */
  readonly writeRuntimeFile?: boolean;
  /** Serve the browser client from web/dist. @default true */
  readonly web?: boolean;
  /**
   * On close, how long (ms) to wait for running ticks to finish; they are abandoned after it
   * (a process about to exit). @default wait for them (at most their Lambda timeout)
   */
  readonly closeGraceMs?: number;
  /** Log sink for structured local-mode events. @default silent */
  readonly log?: (entry: Record<string, unknown>) => void;
}

/** A running local stack. */
export interface LocalStack {
  readonly port: number;
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly callbackUrl: string;
  readonly bucket: string;
  readonly tables: Record<string, string>;
  readonly stateMachineArn: string;
  readonly endpoints: { dynamodb: string; s3: string; sfn: string };
  /** Games uploaded and indexed at start. */
  readonly games: string[];
  /** Mint a token for a user (what `/dev/token` does), optionally with HTTP API roles (`publisher`, `operator`). */
  token(userId: string, displayName?: string, ttlSeconds?: number, roles?: readonly TokenRole[]): Promise<string>;
  /** Invoke a handler by function name (`tick`, `sweeper`, …) as Lambda would. */
  invokeFunction(name: string, event: unknown): Promise<unknown>;
  readonly stepFunctions: LocalStepFunctions;
  readonly gateway: LocalWebSocketGateway;
  close(): Promise<void>;
}

/** Start the whole system locally. Throws with a clear message when the port is taken. */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const log = opts.log ?? (() => undefined);
  const persistent = opts.dataDir !== undefined;
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : mkdtempSync(join(tmpdir(), 'matchcast-'));
  mkdirSync(dataDir, { recursive: true });
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((e: unknown) => log({ msg: 'close failed', error: String(e) }));
    if (!persistent) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const template = synthTemplate();

    // 1. DynamoDB: tables exactly as the template declares them.
    const dynamo = await startDynamo({ path: persistent ? join(dataDir, 'dynamodb') : undefined });
    closers.push(() => dynamo.close());
    const tables = tpl.tableDefinitions(template);
    await ensureTables(dynamo.endpoint, tables.map((t) => ({ ...t.input, TableName: t.localName })));
    const tableNames = Object.fromEntries(tables.map((t) => [t.localName, t.localName]));

    // 2. Secrets Manager + Step Functions endpoint.
    const secretValue = loadOrCreateSecret(dataDir);
    const awsJson = new AwsJsonEndpoint();
    const secretLogical = tpl.secretLogicalIds(template);
    const secretArn = (id: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}`;
    registerSecrets(awsJson, Object.fromEntries(secretLogical.map((id) => [secretArn(id), secretValue])));

    // 3. The gateway's HTTP server first: its port makes the callback URL handlers need.
    const api = tpl.webSocketApi(template);
    const gateway = new LocalWebSocketGateway({
      stageName: api.stageName,
      routeSelectionExpression: api.routeSelectionExpression as '$request.body.action',
      routes: {},
      limits: opts.gatewayLimits,
      log,
    });
    const { port } = await gateway.listen(opts.port ?? 3000, '127.0.0.1');
    closers.push(() => gateway.close());
    await awsJson.listen(0, '127.0.0.1');
    closers.push(() => awsJson.close());

    // 4. S3.
    const bucketLogical = tpl.bucketLogicalIds(template);
    const bucket = 'matchcast-recordings';
    const pendingIndexing = new Set<Promise<unknown>>();
    let onObjectCreated: (event: unknown) => void = () => undefined;
    const s3 = await startS3({
      directory: join(dataDir, 's3'),
      buckets: [bucket],
      onObjectCreated: (event) => onObjectCreated(event),
    });
    closers.push(() => s3.close());

    // 5. Resolve every function's environment against the local resources.
    const stateMachine = tpl.stateMachine(template, () => '');
    const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Player`;
    const functions = tpl.functions(template);
    const functionArn = (logicalId: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functions.find((f) => f.logicalId === logicalId)?.name ?? logicalId}`;
    const resolver: tpl.Resolver = (logicalId, attribute) => {
      const table = tables.find((t) => t.logicalId === logicalId);
      if (table) return attribute === 'Arn' ? `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table.localName}` : table.localName;
      if (bucketLogical.includes(logicalId)) return attribute === 'Arn' ? `arn:aws:s3:::${bucket}` : bucket;
      if (logicalId === stateMachine.logicalId) return attribute === 'Name' ? 'Player' : stateMachineArn;
      if (secretLogical.includes(logicalId)) return secretArn(logicalId);
      if (functions.some((f) => f.logicalId === logicalId)) return functionArn(logicalId);
      if (logicalId === api.apiLogicalId) return 'local';
      if (logicalId === 'AWS::Region') return REGION;
      if (logicalId === 'AWS::AccountId') return ACCOUNT;
      if (logicalId === 'AWS::URLSuffix') return 'amazonaws.com';
      if (logicalId === 'AWS::Partition') return 'aws';
      return undefined;
    };
    const env: Record<string, string> = {};
    for (const f of functions) {
      for (const [k, v] of Object.entries(f.environment)) {
        const value = String(tpl.resolve(v, resolver));
        if (env[k] !== undefined && env[k] !== value) throw new Error(`functions disagree on ${k}: ${env[k]} vs ${value}`);
        env[k] = value;
      }
    }
    Object.assign(process.env, env, {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      // s3rver accepts only its built-in key pair; the other stand-ins accept any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SFN: awsJson.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: awsJson.url,
      CALLBACK_URL: gateway.callbackUrl,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // Lambda runs nodejs22.x; this machine's Node 20 only matters to the SDK's 2027 releases.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...opts.env,
    });

    // 6. The same handler modules, imported only now that their environment is set.
    const handlers = new Map<string, { handler: LambdaHandler; functionName: string; timeoutMs: number; memoryMb: number }>();
    for (const f of functions) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(join(PROJECT_ROOT, f.entry)) as { handler?: LambdaHandler };
      if (typeof mod.handler !== 'function') throw new Error(`${f.entry} exports no handler`);
      handlers.set(f.logicalId, { handler: mod.handler, functionName: f.name, timeoutMs: f.timeoutSeconds * 1000, memoryMb: f.memoryMb });
    }
    const byLogical = (id: string) => {
      const h = handlers.get(id);
      if (!h) throw new Error(`template references unknown function ${id}`);
      return h;
    };
    const byName = (name: string) => {
      const f = functions.find((x) => x.name === name);
      if (!f) throw new Error(`no function named ${name}`);
      return byLogical(f.logicalId);
    };

    // 7. Wire the gateway's routes and authorizer.
    gateway.setRoutes(Object.fromEntries(api.routes.map((r) => [r.routeKey, byLogical(r.functionLogicalId)])));
    if (api.authorizer) gateway.setAuthorizer({ ...byLogical(api.authorizer.functionLogicalId), identitySource: api.authorizer.identitySource });

    // 7b. The HTTP API (live ingest, scheduled streams), on the same port.
    const httpDef = tpl.httpApi(template);
    const localHttpApi = httpDef
      ? new LocalHttpApi({
          routes: httpDef.routes.map((r) => ({ routeKey: r.routeKey, fn: byLogical(r.functionLogicalId), authorized: r.authorized })),
          ...(httpDef.authorizer ? { authorizer: { ...byLogical(httpDef.authorizer.functionLogicalId), identitySource: httpDef.authorizer.identitySource } } : {}),
          log,
        })
      : undefined;

    // 8. Step Functions with the synthesized definition, its Lambda ARNs mapped to the handlers.
    const definition = tpl.stateMachine(template, resolver).definition;
    const stepFunctions = new LocalStepFunctions({
      stateMachines: [
        {
          arn: stateMachineArn,
          name: 'Player',
          definition,
          lambdas: Object.fromEntries(functions.map((f) => [functionArn(f.logicalId), byLogical(f.logicalId)])),
        },
      ],
      log,
    });
    stepFunctions.register(awsJson);
    closers.push(() => stepFunctions.close(opts.closeGraceMs));

    // 9. S3 → index Lambda, as the bucket notification says.
    const notifications = tpl.bucketNotifications(template);
    onObjectCreated = (event) => {
      const rec = (event as { Records?: Array<{ s3: { object: { key: string } } }> }).Records?.[0];
      const key = rec ? decodeURIComponent(rec.s3.object.key) : '';
      for (const n of notifications) {
        if (key.startsWith(n.prefix ?? '') && key.endsWith(n.suffix ?? '')) {
          const p = invoke(byLogical(n.functionLogicalId).handler, event, byLogical(n.functionLogicalId)).catch((e: unknown) =>
            log({ msg: 'index failed', key, error: String(e) }),
          );
          pendingIndexing.add(p);
          void p.finally(() => pendingIndexing.delete(p));
        }
      }
    };

    // 10. The sweeper on its EventBridge schedule.
    if (opts.sweeper !== false) {
      for (const rule of tpl.schedules(template)) {
        const target = byLogical(rule.functionLogicalId);
        const timer = setInterval(() => {
          invoke(target.handler, { source: 'aws.events', 'detail-type': 'Scheduled Event' }, target).catch((e: unknown) =>
            log({ msg: 'scheduled invoke failed', error: String(e) }),
          );
        }, rule.everyMs);
        timer.unref();
        closers.push(async () => clearInterval(timer));
      }
    }

    // 11. Samples.
    let games: string[] = [];
    if (opts.samples !== false) {
      games = await uploadSamples({ endpoint: s3.endpoint, bucket, root: join(PROJECT_ROOT, 'samples') });
      while (pendingIndexing.size > 0) await Promise.all([...pendingIndexing]);
    }

    // 12. HTTP extras: health, dev tokens, the web client.
    const httpUrl = `http://127.0.0.1:${port}`;
    const wsUrl = `ws://127.0.0.1:${port}/`;
    const token = (userId: string, displayName?: string, ttlSeconds?: number, roles?: readonly TokenRole[]) =>
      mintToken(secretValue, { userId, ...(displayName ? { displayName } : {}), ...(ttlSeconds ? { ttlSeconds } : {}), ...(roles ? { roles } : {}) });
    const webDir = join(PROJECT_ROOT, 'web', 'dist');
    gateway.setHttp(async (req, res) => {
      const url = new URL(req.url ?? '/', httpUrl);
      if (localHttpApi && (await localHttpApi.handle(req, res))) return true;
      if (url.pathname === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, games: games.length }));
        return true;
      }
      if (url.pathname === '/dev/token') {
        const user = url.searchParams.get('user') ?? '';
        const ttl = url.searchParams.get('ttl');
        try {
          if (ttl !== null && !(Number(ttl) > 0)) throw new Error(`ttl must be a positive number of seconds, got "${ttl}"`);
          const roles = (url.searchParams.get('roles') ?? '').split(',').filter((r) => r !== '') as TokenRole[];
          const t = await token(user, url.searchParams.get('name') ?? undefined, ttl === null ? undefined : Number(ttl), roles);
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ token: t }));
        } catch (e) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (e as Error).message }));
        }
        return true;
      }
      if (url.pathname === '/config.json') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(
          JSON.stringify({ wsUrl: `ws://${req.headers.host ?? `127.0.0.1:${port}`}/`, tokenUrl: '/dev/token' }),
        );
        return true;
      }
      if (opts.web !== false && req.method === 'GET') return serveStatic(webDir, url.pathname, res);
      return false;
    });

    const stack: LocalStack = {
      port,
      httpUrl,
      wsUrl,
      callbackUrl: gateway.callbackUrl,
      bucket,
      tables: tableNames,
      stateMachineArn,
      endpoints: { dynamodb: dynamo.endpoint, s3: s3.endpoint, sfn: awsJson.url },
      games,
      token,
      invokeFunction: (name, event) => invoke(byName(name).handler, event, byName(name)),
      stepFunctions,
      gateway,
      close: async () => {
        if (writeRuntime) rmSync(RUNTIME_FILE, { force: true });
        await close();
      },
    };
    const writeRuntime = opts.writeRuntimeFile ?? opts.port !== 0;
    if (writeRuntime) {
      mkdirSync(join(PROJECT_ROOT, '.local'), { recursive: true });
      writeFileSync(
        RUNTIME_FILE,
        JSON.stringify(
          { pid: process.pid, httpUrl, wsUrl, callbackUrl: gateway.callbackUrl, s3Endpoint: s3.endpoint, dynamodbEndpoint: dynamo.endpoint, sfnEndpoint: awsJson.url, region: REGION, bucket, tables: tableNames, stateMachineArn },
          null,
          2,
        ),
      );
    }
    return stack;
  } catch (e) {
    await close();
    throw e;
  }
}

/** The JWT secret: kept in the data folder so tokens survive a restart of a persistent stack. */
function loadOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
