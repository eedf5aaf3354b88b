/**
 * DynamoDB faults for tests that inject them into the real code paths (docs/SECURITY.md "Faults"):
 * throttling, 5xx, and writes applied whose answer is lost.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';


/**
 * How a matching request is answered: one of DynamoDB's throttling/5xx errors (the request
 * never reaches dynalite), or `applied-then-500` — forwarded, so dynalite applies it, and
 * then answered 500: a response lost after the fact.
 */
export type FaultKind = 'ProvisionedThroughputExceeded' | 'Throttling' | 'InternalServerError' | 'ServiceUnavailable' | 'applied-then-500';

/** A request as the proxy sees it. */
export interface DynamoRequest {
  /** `GetItem`, `UpdateItem`, … (from X-Amz-Target). */
  op: string;
  body: Record<string, unknown>;
}

interface Fault {
  match: (r: DynamoRequest) => boolean;
  /** Answered in turn, one per matching request; the fault is spent when the list is. */
  kinds: FaultKind[];
}

const ANSWERS: Record<Exclude<FaultKind, 'applied-then-500'>, { status: number; type: string; message: string }> = {
  ProvisionedThroughputExceeded: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
  Throttling: { status: 400, type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
  InternalServerError: { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
  ServiceUnavailable: { status: 503, type: 'com.amazon.coral.availability#ServiceUnavailableException', message: 'Service unavailable' },
};

/**
 * A fault-injecting HTTP proxy in front of dynalite: point `AWS_ENDPOINT_URL_DYNAMODB` at
 * {@link listen}'s URL and the SDK's own retries run against the injected faults (nothing
 * in the SDK is mocked).
 */
export class DynamoFaultProxy {
  readonly faults: Fault[] = [];
  /** Every request seen, in order, with what it was answered (`ok` = forwarded). */
  readonly log: Array<DynamoRequest & { answer: FaultKind | 'ok' }> = [];
  private server: Server | undefined;

  constructor(private readonly target: URL) {}

  async listen(): Promise<string> {
    const server = createServer((req, res) => this.onRequest(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Answer the next requests matching `match` with `kinds`, one each. */
  inject(match: (r: DynamoRequest) => boolean, ...kinds: FaultKind[]): void {
    this.faults.push({ match, kinds: [...kinds] });
  }

  /** Requests (including retries) seen since `from` that match. */
  count(match: (r: DynamoRequest) => boolean, from = 0): number {
    return this.log.slice(from).filter(match).length;
  }

  pending(): number {
    return this.faults.reduce((n, f) => n + f.kinds.length, 0);
  }

  reset(): void {
    this.faults.length = 0;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const op = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        /* not JSON: forwarded as is */
      }
      const r: DynamoRequest = { op, body };
      const fault = this.faults.find((f) => f.kinds.length > 0 && f.match(r));
      const kind = fault?.kinds.shift();
      const fail = (k: keyof typeof ANSWERS) => {
        const a = ANSWERS[k];
        res.writeHead(a.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `fault-${this.log.length}` });
        res.end(JSON.stringify({ __type: a.type, message: a.message }));
      };
      if (kind && kind !== 'applied-then-500') {
        this.log.push({ ...r, answer: kind });
        fail(kind);
        return;
      }
      this.log.push({ ...r, answer: kind ?? 'ok' });
      const fwd = request(
        { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          if (kind === 'applied-then-500') {
            up.resume();
            up.on('end', () => fail('InternalServerError'));
            return;
          }
          res.writeHead(up.statusCode ?? 500, up.headers);
          up.pipe(res);
        },
      );
      fwd.on('error', () => res.destroy());
      fwd.end(raw);
    });
  }
}
