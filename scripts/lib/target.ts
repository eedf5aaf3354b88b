/**
 * Where a CLI connects: the running local stack (default) or a deployed CloudFormation stack
 * (`--stack NAME`).
 *
 * - Local: local mode (`npm start`, local/stack.ts) writes `.local/runtime.json` =
 *   `{ pid, httpUrl, wsUrl, callbackUrl, s3Endpoint, dynamodbEndpoint, sfnEndpoint, region,
 *   bucket, tables: { Connections, Streams, Games }, stateMachineArn }`. Its stand-ins accept
 *   any credentials except s3rver, which wants its built-in pair `S3RVER`/`S3RVER`, so local
 *   targets carry that pair (harmless for the others).
 * - AWS: DescribeStacks outputs (`WebSocketUrl`, `StreamsTableName`, `ConnectionsTableName`,
 *   `GamesTableName`, `JwtSecretArn`, `RecordingsBucketName`, `CallbackUrl`, `HttpApiUrl`) with
 *   the default credential chain and region.
 *
 * CLIs are not Lambda handlers: endpoints are passed to SDK clients explicitly here
 * ({@link clientConfig}), never through `AWS_ENDPOINT_URL_*`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CliError } from './cli';

/** The project root (scripts/lib/../..). */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');
/** Local mode's runtime file (same path as local/stack.ts `RUNTIME_FILE`, not imported: that module boots the stack's dependencies). */
export const RUNTIME_FILE = join(PROJECT_ROOT, '.local', 'runtime.json');

/** The runtime file's content (local/stack.ts). */
export interface RuntimeInfo {
  pid: number;
  httpUrl: string;
  wsUrl: string;
  callbackUrl?: string;
  s3Endpoint?: string;
  dynamodbEndpoint: string;
  sfnEndpoint?: string;
  region: string;
  bucket?: string;
  tables: { Connections?: string; Streams?: string; Games?: string } & Record<string, string>;
  stateMachineArn?: string;
}

/** Where to connect, whichever the mode. */
export interface Target {
  readonly kind: 'local' | 'aws';
  /** `--stack` name (aws), or `local`. */
  readonly name: string;
  readonly region: string;
  /** The WebSocket endpoint, without the token query. */
  readonly wsUrl: string;
  /** Local mode's HTTP base (`/dev/token`, `/healthz`); absent on AWS. */
  readonly httpUrl?: string;
  /**
   * The HTTP API's base URL (docs/HTTP-API.md), no trailing slash: local mode's `httpUrl`
   * (it serves the routes on its own port), a stack's `HttpApiUrl` output; absent for a
   * stack without that output.
   */
  readonly apiUrl?: string;
  readonly tables: { readonly connections?: string; readonly streams?: string; readonly games?: string };
  readonly bucket?: string;
  /** The JWT secret's ARN (AWS only: local tokens come from `/dev/token`). */
  readonly jwtSecretArn?: string;
  /** Explicit service endpoints (local only). */
  readonly endpoints: { readonly dynamodb?: string; readonly s3?: string; readonly sfn?: string };
  /** Static credentials (local stand-ins); absent means the default AWS credential chain. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The message for a missing runtime file (README promises it). */
export const NOT_RUNNING = 'local mode is not running: start it with `npm start`, or pass --stack NAME';

/**
 * Read and check local mode's runtime file. Throws {@link CliError} with {@link NOT_RUNNING}
 * when it is absent or its process is gone (a stale file after a crash), and a clear message
 * when it is not the JSON local mode writes.
 */
export function readRuntimeFile(file: string = RUNTIME_FILE, isAlive: (pid: number) => boolean = pidAlive): RuntimeInfo {
  if (!existsSync(file)) throw new CliError(NOT_RUNNING);
  let info: RuntimeInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as RuntimeInfo;
  } catch {
    throw new CliError(`${file} is not valid JSON: restart local mode with \`npm start\``);
  }
  const missing = (['wsUrl', 'httpUrl', 'dynamodbEndpoint', 'tables'] as const).filter((k) => !info || info[k] === undefined);
  if (missing.length > 0) throw new CliError(`${file} lacks ${missing.join(', ')}: restart local mode with \`npm start\``);
  if (typeof info.pid === 'number' && !isAlive(info.pid)) {
    throw new CliError(`${NOT_RUNNING} (${file} is left over from process ${info.pid}, which has exited)`);
  }
  return info;
}

/** True when a process with this id exists (signal 0 probes without signalling). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A local {@link Target} from the runtime file's content. */
export function localTarget(info: RuntimeInfo): Target {
  return {
    kind: 'local',
    name: 'local',
    region: info.region || 'us-east-1',
    wsUrl: info.wsUrl,
    httpUrl: info.httpUrl.replace(/\/+$/, ''),
    apiUrl: info.httpUrl.replace(/\/+$/, ''),
    tables: { connections: info.tables.Connections, streams: info.tables.Streams, games: info.tables.Games },
    ...(info.bucket ? { bucket: info.bucket } : {}),
    endpoints: { dynamodb: info.dynamodbEndpoint, s3: info.s3Endpoint, sfn: info.sfnEndpoint },
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
}

/** CloudFormation output keys the CLIs read (lib/ declares them). */
export const STACK_OUTPUTS = {
  webSocketUrl: 'WebSocketUrl',
  streamsTable: 'StreamsTableName',
  connectionsTable: 'ConnectionsTableName',
  gamesTable: 'GamesTableName',
  jwtSecretArn: 'JwtSecretArn',
  bucket: 'RecordingsBucketName',
  httpApiUrl: 'HttpApiUrl',
} as const;

/**
 * An AWS {@link Target} from a stack's outputs (DescribeStacks). Throws {@link CliError} when
 * the stack does not exist, credentials are missing, or it has no `WebSocketUrl` output.
 */
export async function awsTarget(stackName: string, cfn: CloudFormationClient = new CloudFormationClient({})): Promise<Target> {
  let outputs: Record<string, string>;
  try {
    const res = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = res.Stacks?.[0];
    if (!stack) throw new CliError(`stack ${stackName} not found`);
    outputs = Object.fromEntries((stack.Outputs ?? []).filter((o) => o.OutputKey && o.OutputValue).map((o) => [o.OutputKey as string, o.OutputValue as string]));
  } catch (e) {
    throw awsError(e, `reading stack ${stackName}`);
  }
  const wsUrl = outputs[STACK_OUTPUTS.webSocketUrl];
  if (!wsUrl) throw new CliError(`stack ${stackName} has no ${STACK_OUTPUTS.webSocketUrl} output: is it a matchcast stack (npx cdk deploy)?`);
  const region = await cfn.config.region();
  const opt = (k: string) => outputs[k] || undefined;
  return {
    kind: 'aws',
    name: stackName,
    region,
    wsUrl,
    tables: { connections: opt(STACK_OUTPUTS.connectionsTable), streams: opt(STACK_OUTPUTS.streamsTable), games: opt(STACK_OUTPUTS.gamesTable) },
    ...(opt(STACK_OUTPUTS.bucket) ? { bucket: opt(STACK_OUTPUTS.bucket) } : {}),
    ...(opt(STACK_OUTPUTS.jwtSecretArn) ? { jwtSecretArn: opt(STACK_OUTPUTS.jwtSecretArn) } : {}),
    ...(opt(STACK_OUTPUTS.httpApiUrl) ? { apiUrl: opt(STACK_OUTPUTS.httpApiUrl)!.replace(/\/+$/, '') } : {}),
    endpoints: {},
  };
}

/** Test seams for {@link resolveTarget}. */
export interface TargetDeps {
  runtimeFile?: string;
  cloudFormation?: CloudFormationClient;
  isAlive?: (pid: number) => boolean;
}

/** `--stack NAME` → {@link awsTarget}; otherwise the running local stack. Throws {@link CliError}. */
export async function resolveTarget(stack: string | undefined, deps: TargetDeps = {}): Promise<Target> {
  if (stack !== undefined) {
    if (stack.trim() === '') throw new CliError('--stack needs a stack name', 2);
    return awsTarget(stack, deps.cloudFormation);
  }
  return localTarget(readRuntimeFile(deps.runtimeFile, deps.isAlive));
}

/** SDK client configuration for a target: region, and for local the endpoint and dummy credentials. */
export function clientConfig(target: Target, service: keyof Target['endpoints'] | 'secretsmanager'): {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle?: boolean;
  maxAttempts: number;
} {
  const endpoint = service === 'secretsmanager' ? undefined : target.endpoints[service];
  return {
    region: target.region,
    maxAttempts: 3,
    ...(endpoint ? { endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(service === 's3' && target.kind === 'local' ? { forcePathStyle: true } : {}),
  };
}

/**
 * An AWS SDK failure as a one-line {@link CliError}: credentials missing, access denied,
 * stack or resource not found, or `<what>: <Code>: <message>`.
 */
export function awsError(e: unknown, what: string): CliError {
  if (e instanceof CliError) return e;
  const name = (e as { name?: string }).name ?? '';
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return new CliError(`${what}: no AWS credentials (configure them with \`aws configure\` or AWS_PROFILE)`);
  }
  if (name === 'ValidationError' && /does not exist/.test(message ?? '')) return new CliError(`${what}: ${message}`);
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(`${name} ${message}`)) return new CliError(`${what}: access denied (${message})`);
  if ((e as { code?: string }).code === 'ECONNREFUSED') return new CliError(`${what}: connection refused (${message})`);
  return new CliError(`${what}: ${name && name !== 'Error' ? `${name}: ` : ''}${message}`);
}
