/**
 * The embedded local mode: the whole system on one machine, no AWS account. Everything is
 * derived from the synthesized CDK template — tables, the WebSocket routes and authorizer,
 * the `Player` state machine, the S3 notification, the sweeper's schedule, every function's
 * environment — and the very same handler modules run against stand-ins: dynalite
 * (DynamoDB), s3rver (S3), aws-local-stepfunctions behind a Step Functions API endpoint, a
 * Secrets Manager endpoint, and our local API Gateway (local/gateway/).
 *
 * `startLocalStack()` is used by `npm start` (local/main.ts) and by the end-to-end tests. It
 * runs these steps in order, each a function below: synthesize and read the template; start
 * the AWS stand-ins and the gateway (its port makes the callback URL); create the tables and
 * secrets (the bucket is created as s3rver starts); load the functions with their
 * environment (local/functions.ts) and wire them to the gateway, the Step Functions endpoint
 * and the bucket notification; start the sweeper's timer; upload the samples; serve the HTTP
 * API and local mode's own HTTP routes (local/dev-http.ts) and `GET /metrics` (local/metrics.ts:
 * the functions' custom metrics, which go to the stack's registry instead of stdout); write the
 * runtime file. Closing undoes the steps in reverse.
 */
import './polyfills';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalWebSocketGateway, type GatewayLog } from './gateway';
import { LocalHttpApi } from './http-api';
import { AwsJsonEndpoint, registerSecrets } from './aws-json';
import { LocalStepFunctions } from './stepfunctions';
import { startDynamo, ensureTables, type LocalDynamo } from './dynamodb';
import { startS3, type LocalS3 } from './s3';
import { loadFunctions, type LocalFunctions } from './functions';
import { synthTemplate } from './synth';
import * as tpl from './template';
import { devHttp, type MintToken } from './dev-http';
import { mintToken, type TokenRole } from '../contract/token';
import { uploadSamples } from './samples';
import { LocalMetricsRegistry, metricsHttp } from './metrics';
import { METRICS_SINK_ENV, registerMetricsSink } from '../lambda/adapters/metrics-sink';
import { ENV } from '../contract/env';

/** The project root (where package.json is). */
export const PROJECT_ROOT = resolve(__dirname, '..');
/** Where local mode writes its runtime file for the CLIs (`npm run ingest`, `watch`, `streams`). */
export const RUNTIME_FILE = join(PROJECT_ROOT, '.local', 'runtime.json');
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
/** The local recordings bucket's name. */
const BUCKET = 'matchcast-recordings';
/** The local name and ARN of the `Player` state machine. */
const STATE_MACHINE_NAME = 'Player';
const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STATE_MACHINE_NAME}`;

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
  /**
   * Playout buffer (ms) of recorded games' spectate streams, as the stack's `spectateLeadMs`
   * prop sets it (SPECTATE_LEAD_MS; an `env` entry of that name wins).
   * @default the template's (contract/defaults.ts DEFAULT_SPECTATE_LEAD_MS)
   */
  readonly spectateLeadMs?: number;
  /** API Gateway limits (tests shorten them). */
  readonly gatewayLimits?: { idleTimeoutMs?: number; maxConnectionMs?: number; maxMessageBytes?: number };
  /** Run the sweeper on the template's schedule. @default true */
  readonly sweeper?: boolean;
  /** Write .local/runtime.json for the CLIs. @default true unless `port` is 0 (a test's stack) */
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
  /** The functions' custom metrics, what `GET /metrics` serves (local/metrics.ts). */
  readonly metrics: LocalMetricsRegistry;
  close(): Promise<void>;
}

/**
 * Start the whole system locally (the steps are in the module note). Rejects — after undoing
 * the steps already done — with the listen error when the port is taken (`code: 'EADDRINUSE'`),
 * or with what a step threw (a template local mode cannot read, a handler module that fails
 * to load, …).
 */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const log = opts.log ?? (() => undefined);
  const data = openDataDir(opts.dataDir);
  const closers = new Closers(log);
  const close = async () => {
    await closers.run();
    data.remove();
  };
  try {
    const view = readTemplate();
    const services = await startServices(view, data, opts, closers, log);
    await createResources(view, services, data.secret);
    const metrics = collectMetrics(closers);
    const lead: Record<string, string> = opts.spectateLeadMs === undefined ? {} : { [ENV.spectateLeadMs]: String(opts.spectateLeadMs) };
    const functions = loadTemplateFunctions(view, services, metrics.sinkId, { ...lead, ...opts.env });
    // Closed before the stand-ins (closers run in reverse): a handler still running — one that
    // outlived its timeout runs on in the background — finishes before the database closes.
    closers.add(() => functions.drain(DRAIN_MS));
    wireWebSocketApi(view, services.gateway, functions);
    const stepFunctions = startStepFunctions(view, services, functions, opts.closeGraceMs, closers, log);
    const indexing = connectBucketNotifications(view, services, functions, log);
    connectLambdaInvoke(view, services, functions, closers, log);
    if (opts.sweeper !== false) startSweeper(view, functions, closers, log);
    const games = opts.samples !== false ? await seedSamples(services.s3, indexing) : [];

    const { port } = services;
    const httpUrl = `http://127.0.0.1:${port}`;
    const wsUrl = `ws://127.0.0.1:${port}/`;
    const token: MintToken = (userId, displayName, ttlSeconds, roles) =>
      mintToken(data.secret, { userId, ...(displayName ? { displayName } : {}), ...(ttlSeconds ? { ttlSeconds } : {}), ...(roles ? { roles } : {}) });
    // Served only now: `/healthz` answering 200 means ready.
    services.gateway.setHttp(
      metricsHttp(
        metrics.registry,
        devHttp({
          httpUrl,
          port,
          httpApi: httpApiOf(view, functions, log),
          token,
          games: () => games.length,
          webDir: opts.web !== false ? join(PROJECT_ROOT, 'web', 'dist') : undefined,
        }),
      ),
    );

    const writeRuntime = opts.writeRuntimeFile ?? opts.port !== 0;
    const stack: LocalStack = {
      port,
      httpUrl,
      wsUrl,
      callbackUrl: services.gateway.callbackUrl,
      bucket: BUCKET,
      tables: services.tableNames,
      stateMachineArn: STATE_MACHINE_ARN,
      endpoints: { dynamodb: services.dynamo.endpoint, s3: services.s3.endpoint, sfn: services.awsJson.url },
      games,
      token,
      invokeFunction: (name, event) => functions.invoke(functions.byName(name), event),
      stepFunctions,
      gateway: services.gateway,
      metrics: metrics.registry,
      close: async () => {
        if (writeRuntime) rmSync(RUNTIME_FILE, { force: true });
        await close();
      },
    };
    if (writeRuntime) writeRuntimeFile(stack);
    return stack;
  } catch (e) {
    await close();
    throw e;
  }
}

// -----------------------------------------------------------------------------------------
// The steps.

/** Where DynamoDB and S3 keep their state, and the JWT secret. */
interface DataDir {
  readonly path: string;
  readonly persistent: boolean;
  /** The JWT secret (kept in the folder so tokens survive a restart of a persistent stack). */
  readonly secret: string;
  /** Remove the folder unless it is persistent. */
  remove(): void;
}

/** `dataDir` (created if missing, kept), or a fresh temp folder removed on close. */
function openDataDir(dataDir: string | undefined): DataDir {
  const persistent = dataDir !== undefined;
  const path = dataDir ? resolve(dataDir) : mkdtempSync(join(tmpdir(), 'matchcast-'));
  mkdirSync(path, { recursive: true });
  const remove = () => {
    if (!persistent) rmSync(path, { recursive: true, force: true });
  };
  try {
    return { path, persistent, secret: loadOrCreateSecret(path), remove };
  } catch (e) {
    remove();
    throw e;
  }
}

/** Longest wait (ms) on close for handlers still running (local/functions.ts `drain`); then the stand-ins close anyway. */
const DRAIN_MS = 10_000;

/** Close actions, run in the reverse order of their registration; a failing one is logged and the rest still run. */
class Closers {
  private readonly actions: Array<() => Promise<void>> = [];
  constructor(private readonly log: GatewayLog) {}
  add(action: () => Promise<void>): void {
    this.actions.push(action);
  }
  async run(): Promise<void> {
    for (const action of this.actions.splice(0).reverse()) await action().catch((e: unknown) => this.log({ msg: 'close failed', error: String(e) }));
  }
}

/** The template and what local mode reads from it, in the template's own terms. */
interface TemplateView {
  readonly template: tpl.Template;
  readonly tables: tpl.TableDefinition[];
  readonly api: tpl.WebSocketApiDefinition;
  readonly functions: tpl.FunctionDefinition[];
  readonly stateMachineLogicalId: string;
  readonly bucketLogicalIds: string[];
  readonly secretLogicalIds: string[];
}

/** Step 1: synthesize the stack in-process (local/synth.ts) and read its resources (local/template.ts). */
function readTemplate(): TemplateView {
  const template = synthTemplate();
  return {
    template,
    tables: tpl.tableDefinitions(template),
    api: tpl.webSocketApi(template),
    functions: tpl.functions(template),
    stateMachineLogicalId: tpl.stateMachine(template, () => '').logicalId,
    bucketLogicalIds: tpl.bucketLogicalIds(template),
    secretLogicalIds: tpl.secretLogicalIds(template),
  };
}

/** The running gateway and AWS stand-ins. */
interface Services {
  readonly port: number;
  readonly gateway: LocalWebSocketGateway;
  readonly dynamo: LocalDynamo;
  /** The AWS JSON-protocol endpoint serving Secrets Manager and Step Functions. */
  readonly awsJson: AwsJsonEndpoint;
  readonly s3: LocalS3;
  /** The table names (local name → local name). */
  readonly tableNames: Record<string, string>;
  /** Set the S3 ObjectCreated callback (s3rver is started before the index function exists). */
  onObjectCreated(fn: (event: unknown) => void): void;
}

/**
 * Step 2: start dynalite, then the gateway's HTTP server (its port makes the callback URL the
 * handlers need), the AWS JSON endpoint and s3rver (which creates the bucket). Closing runs
 * in reverse, so the gateway's last `$disconnect`s still reach DynamoDB.
 */
async function startServices(view: TemplateView, data: DataDir, opts: LocalStackOptions, closers: Closers, log: GatewayLog): Promise<Services> {
  const dynamo = await startDynamo({ path: data.persistent ? join(data.path, 'dynamodb') : undefined });
  closers.add(() => dynamo.close());
  const gateway = new LocalWebSocketGateway({
    stageName: view.api.stageName,
    routeSelectionExpression: view.api.routeSelectionExpression as '$request.body.action',
    routes: {},
    limits: opts.gatewayLimits,
    log,
  });
  const { port } = await gateway.listen(opts.port ?? 3000, '127.0.0.1');
  closers.add(() => gateway.close());
  const awsJson = new AwsJsonEndpoint();
  await awsJson.listen(0, '127.0.0.1');
  closers.add(() => awsJson.close());
  let objectCreated: (event: unknown) => void = () => undefined;
  const s3 = await startS3({ directory: join(data.path, 's3'), buckets: [BUCKET], onObjectCreated: (event) => objectCreated(event) });
  closers.add(() => s3.close());
  return {
    port,
    gateway,
    dynamo,
    awsJson,
    s3,
    tableNames: Object.fromEntries(view.tables.map((t) => [t.localName, t.localName])),
    onObjectCreated: (fn) => (objectCreated = fn),
  };
}

/** The local ARN of a secret of the template. */
const secretArn = (logicalId: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${logicalId}`;

/** Step 3: the tables exactly as the template declares them (kept if they exist), and every secret with the JWT secret's value. */
async function createResources(view: TemplateView, services: Services, secret: string): Promise<void> {
  await ensureTables(services.dynamo.endpoint, view.tables.map((t) => ({ ...t.input, TableName: t.localName })));
  registerSecrets(services.awsJson, Object.fromEntries(view.secretLogicalIds.map((id) => [secretArn(id), secret])));
}

/** The ARN of a template function's local twin. */
function functionArn(view: TemplateView, logicalId: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${view.functions.find((f) => f.logicalId === logicalId)?.name ?? logicalId}`;
}

/** What `Ref`/`Fn::GetAtt` of the template's resources and pseudo parameters are locally. */
function localResolver(view: TemplateView): tpl.Resolver {
  return (logicalId, attribute) => {
    const table = view.tables.find((t) => t.logicalId === logicalId);
    if (table) return attribute === 'Arn' ? `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table.localName}` : table.localName;
    if (view.bucketLogicalIds.includes(logicalId)) return attribute === 'Arn' ? `arn:aws:s3:::${BUCKET}` : BUCKET;
    if (logicalId === view.stateMachineLogicalId) return attribute === 'Name' ? STATE_MACHINE_NAME : STATE_MACHINE_ARN;
    if (view.secretLogicalIds.includes(logicalId)) return secretArn(logicalId);
    if (view.functions.some((f) => f.logicalId === logicalId)) return functionArn(view, logicalId);
    if (logicalId === view.api.apiLogicalId) return 'local';
    if (logicalId === 'AWS::Region') return REGION;
    if (logicalId === 'AWS::AccountId') return ACCOUNT;
    if (logicalId === 'AWS::URLSuffix') return 'amazonaws.com';
    if (logicalId === 'AWS::Partition') return 'aws';
    return undefined;
  };
}

/**
 * Step 3b: the registry of the functions' custom metrics (local/metrics.ts) and the write sink
 * that feeds it, registered with the metrics adapter (lambda/adapters/metrics.ts
 * `registerMetricsSink`) under the id step 4 puts in every function's environment. Unregistered
 * on close.
 */
function collectMetrics(closers: Closers): { registry: LocalMetricsRegistry; sinkId: string } {
  const registry = new LocalMetricsRegistry();
  const sink = registerMetricsSink((emfLine) => void registry.ingest(emfLine));
  closers.add(async () => sink.unregister());
  return { registry, sinkId: sink.id };
}

/** Step 4: every function with its environment resolved against the local resources (local/functions.ts). */
function loadTemplateFunctions(view: TemplateView, services: Services, metricsSinkId: string, overrides: Record<string, string> | undefined): LocalFunctions {
  return loadFunctions({
    functions: view.functions,
    resolver: localResolver(view),
    root: PROJECT_ROOT,
    shared: {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      // s3rver accepts only its built-in key pair; the other stand-ins accept any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_DYNAMODB: services.dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: services.s3.endpoint,
      AWS_ENDPOINT_URL_SFN: services.awsJson.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: services.awsJson.url,
      // Lambda's Invoke (the tick's asynchronous fan-out workers): served by connectLambdaInvoke.
      AWS_ENDPOINT_URL_LAMBDA: services.awsJson.url,
      CALLBACK_URL: services.gateway.callbackUrl,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // The custom metrics go to the stack's registry (GET /metrics), not this process's stdout;
      // POWERTOOLS_METRICS_DISABLED=true in this process's environment turns them off.
      [METRICS_SINK_ENV]: metricsSinkId,
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'false',
      // Lambda runs nodejs22.x; this machine's Node 20 only matters to the SDK's 2027 releases.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...overrides,
    },
  });
}

/** Step 5a: the gateway's routes and `$connect` authorizer, as the template's WebSocket API declares them. */
function wireWebSocketApi(view: TemplateView, gateway: LocalWebSocketGateway, functions: LocalFunctions): void {
  gateway.setRoutes(Object.fromEntries(view.api.routes.map((r) => [r.routeKey, functions.byLogicalId(r.functionLogicalId)])));
  if (view.api.authorizer) gateway.setAuthorizer({ ...functions.byLogicalId(view.api.authorizer.functionLogicalId), identitySource: view.api.authorizer.identitySource });
}

/** Step 5b: Step Functions with the synthesized `Player` definition, its Lambda ARNs mapped to the local functions. */
function startStepFunctions(
  view: TemplateView,
  services: Services,
  functions: LocalFunctions,
  closeGraceMs: number | undefined,
  closers: Closers,
  log: GatewayLog,
): LocalStepFunctions {
  const stepFunctions = new LocalStepFunctions({
    stateMachines: [
      {
        arn: STATE_MACHINE_ARN,
        name: STATE_MACHINE_NAME,
        definition: tpl.stateMachine(view.template, localResolver(view)).definition,
        lambdas: Object.fromEntries(functions.all.map((f) => [functionArn(view, f.logicalId), f])),
      },
    ],
    log,
  });
  stepFunctions.register(services.awsJson);
  closers.add(() => stepFunctions.close(closeGraceMs));
  return stepFunctions;
}

/**
 * Step 5c: S3 ObjectCreated → the index function, as the bucket notification's prefix/suffix
 * filters say. Returns the set of invocations still running (step 7 waits for them).
 */
function connectBucketNotifications(view: TemplateView, services: Services, functions: LocalFunctions, log: GatewayLog): Set<Promise<unknown>> {
  const running = new Set<Promise<unknown>>();
  const notifications = tpl.bucketNotifications(view.template);
  services.onObjectCreated((event) => {
    const rec = (event as { Records?: Array<{ s3: { object: { key: string } } }> }).Records?.[0];
    const key = rec ? decodeURIComponent(rec.s3.object.key) : '';
    for (const n of notifications) {
      if (key.startsWith(n.prefix ?? '') && key.endsWith(n.suffix ?? '')) {
        const p = functions.invoke(functions.byLogicalId(n.functionLogicalId), event).catch((e: unknown) => log({ msg: 'index failed', key, error: String(e) }));
        running.add(p);
        void p.finally(() => running.delete(p));
      }
    }
  });
  return running;
}

/**
 * Step 5d: Lambda's `Invoke` (AWS Lambda API reference: `POST /2015-03-31/functions/{FunctionName}/invocations`)
 * on the AWS JSON endpoint, for the functions that invoke others (the tick's fan-out workers):
 * the function named by its name or ARN; `X-Amz-Invocation-Type: Event` answers 202 at once and
 * runs it in the background (awaited on close), otherwise it runs and its result is the 200 body.
 * An unknown function is 404 `ResourceNotFoundException`; a payload that is not JSON, 400.
 */
function connectLambdaInvoke(view: TemplateView, services: Services, functions: LocalFunctions, closers: Closers, log: GatewayLog): void {
  const running = new Set<Promise<unknown>>();
  closers.add(async () => void (await Promise.allSettled([...running])));
  services.awsJson.registerPath(/^\/2015-03-31\/functions\/([^/]+)\/invocations$/, async (match, headers, body) => {
    const name = decodeURIComponent(match[1]!);
    const fn = functions.all.find((f) => f.functionName === name || functionArn(view, f.logicalId) === name);
    if (!fn) return { status: 404, body: { __type: 'ResourceNotFoundException', message: `Function not found: ${name}` } };
    let event: unknown;
    try {
      event = body === '' ? {} : JSON.parse(body);
    } catch {
      return { status: 400, body: { __type: 'InvalidRequestContentException', message: 'Could not parse request body into json' } };
    }
    if (headers['x-amz-invocation-type'] === 'Event') {
      const p = functions.invoke(fn, event).catch((e: unknown) => log({ service: 'lambda', msg: 'asynchronous invocation failed', function: fn.functionName, error: String(e) }));
      running.add(p);
      void p.finally(() => running.delete(p));
      return { status: 202 };
    }
    return { status: 200, body: await functions.invoke(fn, event) };
  });
}

/** Step 6: the sweeper on its EventBridge schedule (`rate(…)`), as a timer cleared on close. */
function startSweeper(view: TemplateView, functions: LocalFunctions, closers: Closers, log: GatewayLog): void {
  for (const rule of tpl.schedules(view.template)) {
    const target = functions.byLogicalId(rule.functionLogicalId);
    const timer = setInterval(() => {
      functions.invoke(target, { source: 'aws.events', 'detail-type': 'Scheduled Event' }).catch((e: unknown) => log({ msg: 'scheduled invoke failed', error: String(e) }));
    }, rule.everyMs);
    timer.unref();
    closers.add(async () => clearInterval(timer));
  }
}

/** Step 7: upload the sample recordings and wait until the index function has indexed every one; resolves with their game ids. */
async function seedSamples(s3: LocalS3, indexing: Set<Promise<unknown>>): Promise<string[]> {
  const games = await uploadSamples({ endpoint: s3.endpoint, bucket: BUCKET, root: join(PROJECT_ROOT, 'samples') });
  while (indexing.size > 0) await Promise.all([...indexing]);
  return games;
}

/** Step 8: the template's HTTP API (live ingest, scheduled streams), if it has one, on the gateway's port. */
function httpApiOf(view: TemplateView, functions: LocalFunctions, log: GatewayLog): LocalHttpApi | undefined {
  const def = tpl.httpApi(view.template);
  if (!def) return undefined;
  return new LocalHttpApi({
    routes: def.routes.map((r) => ({ routeKey: r.routeKey, fn: functions.byLogicalId(r.functionLogicalId), authorized: r.authorized })),
    ...(def.authorizer ? { authorizer: { ...functions.byLogicalId(def.authorizer.functionLogicalId), identitySource: def.authorizer.identitySource } } : {}),
    log,
  });
}

/** Step 9: .local/runtime.json, what the CLIs read to find the running stack (scripts/lib/target.ts). */
function writeRuntimeFile(stack: LocalStack): void {
  mkdirSync(join(PROJECT_ROOT, '.local'), { recursive: true });
  writeFileSync(
    RUNTIME_FILE,
    JSON.stringify(
      {
        pid: process.pid,
        httpUrl: stack.httpUrl,
        wsUrl: stack.wsUrl,
        callbackUrl: stack.callbackUrl,
        s3Endpoint: stack.endpoints.s3,
        dynamodbEndpoint: stack.endpoints.dynamodb,
        sfnEndpoint: stack.endpoints.sfn,
        region: REGION,
        bucket: stack.bucket,
        tables: stack.tables,
        stateMachineArn: stack.stateMachineArn,
      },
      null,
      2,
    ),
  );
}

/** The JWT secret: kept in the data folder so tokens survive a restart of a persistent stack. */
function loadOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
