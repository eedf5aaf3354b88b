/**
 * A tiny HTTP server speaking the AWS JSON 1.0/1.1 protocol (the wire protocol of Step
 * Functions, Secrets Manager, DynamoDB, …): every call is `POST /` with header
 * `X-Amz-Target: <Service>.<Operation>` and a JSON body; a success is 200 with a JSON body;
 * an error is 4xx/5xx with `{ "__type": "<ErrorName>", "message": "…" }` and the header
 * `x-amzn-errortype: <ErrorName>`, which the AWS SDK v3 turns into an exception whose `name`
 * is `<ErrorName>`. Services register operations; requests are not signature-checked.
 * Listens on 127.0.0.1 only.
 */
import { listen } from './listen';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/** An operation: the parsed JSON request body → the JSON response body. Throw {@link AwsServiceError} for API errors. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AwsJsonOperation = (body: any) => Promise<object>;

/**
 * An API error as the service returns it: `name` is the error code (`ExecutionDoesNotExist`,
 * `ResourceNotFoundException`, …), `status` the HTTP status (400 for client errors).
 */
export class AwsServiceError extends Error {
  constructor(
    name: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = name;
  }
}

/** Largest request body accepted, bytes (Step Functions' own request limit is 1 MB of input + overhead). */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** The HTTP endpoint; register operations, then `listen()`. */
export class AwsJsonEndpoint {
  private readonly operations = new Map<string, AwsJsonOperation>();
  private readonly paths: Array<{ path: RegExp; fn: (match: RegExpExecArray, headers: IncomingMessage['headers'], body: string) => Promise<{ status: number; body?: unknown }> }> = [];
  private server: Server | undefined;
  private port = 0;

  /**
   * Register `fn` for `target` (`'AWSStepFunctions.StartExecution'`,
   * `'secretsmanager.GetSecretValue'`). Registering a target twice replaces the first.
   */
  register(target: string, fn: AwsJsonOperation): void {
    this.operations.set(target, fn);
  }

  /**
   * Register `fn` for REST requests `POST {path}` whose path matches `path` (a service with a
   * REST protocol, as Lambda's `Invoke`): it is given the match, the request headers and the
   * raw body, and answers a status and an optional JSON body. Checked before any X-Amz-Target.
   */
  registerPath(path: RegExp, fn: (match: RegExpExecArray, headers: IncomingMessage['headers'], body: string) => Promise<{ status: number; body?: unknown }>): void {
    this.paths.push({ path, fn });
  }

  /** The targets registered so far. */
  targets(): string[] {
    return [...this.operations.keys()];
  }

  /** Start listening (port 0 = a free port). Rejects with the listen error (e.g. `EADDRINUSE`). */
  async listen(port = 0, host = '127.0.0.1'): Promise<{ port: number }> {
    if (this.server) throw new Error('AwsJsonEndpoint is already listening');
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 61_000; // as local/dynamodb.ts: no close racing the SDK's reuse of an idle socket
    server.headersTimeout = 62_000;
    this.port = await listen(server, port, host);
    this.server = server;
    return { port: this.port };
  }

  /** `http://127.0.0.1:{port}` — the value for `AWS_ENDPOINT_URL_SFN` / `_SECRETS_MANAGER`. */
  get url(): string {
    if (!this.server) throw new Error('AwsJsonEndpoint is not listening');
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stop the server, dropping keep-alive connections. Idempotent. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const send = (status: number, body: object, errorType?: string) => {
      const text = JSON.stringify(body);
      const headers: Record<string, string | number> = {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': requestId,
      };
      if (errorType) headers['x-amzn-errortype'] = errorType;
      res.writeHead(status, headers).end(text);
    };
    const fail = (err: AwsServiceError) => send(err.status, { __type: err.name, message: err.message }, err.name);
    try {
      const rest = req.method === 'POST' ? this.paths.map((r) => ({ r, m: r.path.exec((req.url ?? '').split('?')[0]!) })).find((x) => x.m) : undefined;
      if (rest) {
        const answer = await rest.r.fn(rest.m!, req.headers, await readBody(req));
        const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': requestId }).end(text);
        return;
      }
      if (req.method !== 'POST') throw new AwsServiceError('UnknownOperationException', `${req.method} is not supported; AWS JSON calls are POST /`);
      const target = req.headers['x-amz-target'];
      const fn = typeof target === 'string' ? this.operations.get(target) : undefined;
      const text = await readBody(req);
      if (!fn) throw new AwsServiceError('UnknownOperationException', `Unknown operation ${String(target ?? '(no X-Amz-Target header)')}`);
      let body: unknown;
      try {
        body = text.length === 0 ? {} : JSON.parse(text);
      } catch {
        throw new AwsServiceError('SerializationException', 'The request body is not valid JSON');
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AwsServiceError('SerializationException', 'The request body must be a JSON object');
      send(200, await fn(body));
    } catch (e) {
      if (e instanceof AwsServiceError) fail(e);
      else fail(new AwsServiceError('InternalFailure', `Internal error: ${(e as Error)?.message ?? String(e)}`, 500));
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AwsServiceError('RequestEntityTooLargeException', `Request body over ${MAX_BODY_BYTES} bytes`, 413));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Register a Secrets Manager stand-in on `endpoint`: `secretsmanager.GetSecretValue`
 * (and `DescribeSecret`) for `secrets`, keyed by ARN or name; a `SecretId` matches a secret
 * only when it equals its full ARN or its whole name (the name part of an ARN key,
 * `arn:…:secret:NAME`) — never a prefix or a suffix of either, so one secret id can never
 * answer with another secret's value. Local mode's ARNs carry no random suffix, and its
 * functions get the full ARN. The answer has `ARN`, `Name`,
 * `SecretString`, `VersionId` (stable per secret), `VersionStages: ['AWSCURRENT']`,
 * `CreatedDate` (epoch seconds). Unknown ids → `ResourceNotFoundException` (400), as AWS.
 */
export function registerSecrets(endpoint: AwsJsonEndpoint, secrets: Record<string, string>): void {
  const createdDate = Date.now() / 1000;
  const entries = Object.entries(secrets).map(([key, value]) => {
    const arn = key.startsWith('arn:') ? key : `arn:aws:secretsmanager:us-east-1:000000000000:secret:${key}`;
    const name = key.startsWith('arn:') ? key.split(':secret:')[1] ?? key : key;
    return { arn, name, value, versionId: randomUUID() };
  });
  const find = (secretId: unknown) => {
    if (typeof secretId !== 'string' || secretId.length === 0) {
      throw new AwsServiceError('InvalidParameterException', 'SecretId is required');
    }
    const found = entries.find((e) => e.arn === secretId || e.name === secretId);
    if (!found) throw new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return found;
  };
  endpoint.register('secretsmanager.GetSecretValue', async (body: { SecretId?: unknown; VersionStage?: unknown }) => {
    const s = find(body.SecretId);
    if (body.VersionStage !== undefined && body.VersionStage !== 'AWSCURRENT') {
      throw new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: " + String(body.VersionStage));
    }
    return { ARN: s.arn, Name: s.name, SecretString: s.value, VersionId: s.versionId, VersionStages: ['AWSCURRENT'], CreatedDate: createdDate };
  });
  endpoint.register('secretsmanager.DescribeSecret', async (body: { SecretId?: unknown }) => {
    const s = find(body.SecretId);
    return { ARN: s.arn, Name: s.name, CreatedDate: createdDate, VersionIdsToStages: { [s.versionId]: ['AWSCURRENT'] } };
  });
}
