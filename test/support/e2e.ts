/**
 * What every end-to-end test file on local mode needs: the stack with SDK clients on its
 * stand-ins, WebSocket clients that are closed for you, the rows behind the handlers'
 * backs, polling with deadlines, and the per-client ordering rules of PROTOCOL.md.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { LocalStackOptions } from '../../local/stack';
import type { ConnectionRow, StreamRow } from '../../contract/rows';
import type { ServerMessage } from '../../protocol/messages';
import { endLiveStreams, startLocalStack, type LocalStack } from './local-stack';
import { TestClient } from './ws-client';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The default bound of every wait in the end-to-end helpers (ms): long enough that only a
 * hang reaches it on a busy machine; a wait ends as soon as its event happens.
 */
export const HANG_MS = 90_000;

/** Poll `f` every 100 ms until it returns a truthy value; throws naming `what` after `timeoutMs` (default {@link HANG_MS}). */
export async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = HANG_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Seqs of the frames `c` got (of `epoch` only, when given), in arrival order. */
export const seqsOf = (c: TestClient, epoch?: number): number[] =>
  c.frames().filter((f) => epoch === undefined || f.epoch === epoch).map((f) => f.seq);

/** `[from, to)` as a list. */
export const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** Wait until `c` has at least `n` frames (of `epoch`, when given); throws after `timeoutMs` (default {@link HANG_MS}). */
export async function waitFrames(c: TestClient, n: number, epoch?: number, timeoutMs = HANG_MS): Promise<void> {
  await until(`${c.userId}: ${n} frames${epoch === undefined ? '' : ` of epoch ${epoch}`}`, async () => seqsOf(c, epoch).length >= n, timeoutMs);
}

/**
 * Round-trip a `ping` (its own bucket: 10 at once, then 1 a second per user): every message the server posted to `c` directly
 * before it handled the ping has arrived. (A fan-out still running may land later.)
 */
export async function flush(c: TestClient): Promise<void> {
  const from = c.messages.length;
  c.send({ action: 'ping' });
  await c.waitFor('pong', () => true, 10_000, from);
}

function brief(m: ServerMessage): string {
  if (m.type === 'frames') return `frames e${m.epoch} [${m.frames.map((f) => f.seq).join(',')}]`;
  if (m.type === 'state' || m.type === 'joined') return `${m.type} e${m.epoch} ${m.status} p${m.positionSeq}`;
  return m.type;
}

/**
 * The per-client ordering rules of PROTOCOL.md "Guarantees": every `frames` message is of
 * the newest epoch the client has heard of (from `joined` or `state`) — no frame of an old
 * epoch after the `state` of a newer one, none of a new epoch before its `state`; within an
 * epoch seqs are consecutive (no gap, no repeat); the first frame after a `state` of a new
 * epoch (or `joined`) is its `positionSeq`; nothing arrives while paused. Throws naming the
 * message and the few before it.
 */
export function checkOrdering(c: TestClient): void {
  let epoch = -1;
  let status = '';
  let expectSeq: number | undefined;
  const where = (i: number) => `${c.userId} message ${i}: ${c.messages.slice(Math.max(0, i - 3), i + 1).map(brief).join(' | ')}`;
  c.messages.forEach((m, i) => {
    if (m.type === 'joined' || m.type === 'state') {
      if (m.epoch < epoch) throw new Error(`${where(i)}: epoch went back from ${epoch}`);
      if (m.epoch > epoch || m.type === 'joined') expectSeq = m.positionSeq;
      epoch = m.epoch;
      status = m.status;
    } else if (m.type === 'frames') {
      if (m.epoch !== epoch) throw new Error(`${where(i)}: frames of epoch ${m.epoch} while the newest state is epoch ${epoch}`);
      if (status === 'paused') throw new Error(`${where(i)}: frames while paused`);
      for (const f of m.frames) {
        if (expectSeq !== undefined && f.seq !== expectSeq) throw new Error(`${where(i)}: seq ${f.seq}, expected ${expectSeq}`);
        expectSeq = f.seq + 1;
      }
    }
  });
}

/**
 * Local mode for one end-to-end test file, with SDK clients on its DynamoDB and S3
 * stand-ins. `connect` opens clients that {@link closeClients} (call it in `afterEach`) and
 * {@link close} (in `afterAll`) close.
 */
export class E2e {
  private readonly clients: TestClient[] = [];

  private constructor(
    readonly stack: LocalStack,
    readonly db: DynamoDBDocumentClient,
    readonly s3: S3Client,
  ) {}

  /** Start local mode (port 0, quiet) with `opts`. */
  static async start(opts: LocalStackOptions = {}): Promise<E2e> {
    const stack = await startLocalStack(opts);
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: 'us-east-1', credentials }));
    const s3 = new S3Client({ endpoint: stack.endpoints.s3, region: 'us-east-1', forcePathStyle: true, credentials });
    return new E2e(stack, db, s3);
  }

  /** Open a WebSocket for `user` with a fresh token (display name `displayName`). */
  async connect(user: string, displayName?: string): Promise<TestClient> {
    const c = await TestClient.connect(this.stack.wsUrl, await this.stack.token(user, displayName), user);
    this.clients.push(c);
    return c;
  }

  /**
   * One call to the local HTTP API (docs/HTTP-API.md) with bearer `token` (none when empty or
   * undefined) and `body` (a string is sent as is, anything else as JSON); the status and the
   * parsed JSON answer. Bounded at {@link HANG_MS} (a hang guard: on a busy machine a
   * publish with its fan-out can take seconds).
   */
  async http(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.stack.httpUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      signal: AbortSignal.timeout(HANG_MS),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Close every client opened so far. */
  async closeClients(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
  }

  /** The stream row, strongly consistent (undefined cast away: tests ask for rows that exist). */
  async streamRow(streamId: string): Promise<StreamRow> {
    const out = await this.db.send(new GetCommand({ TableName: this.stack.tables.Streams, Key: { streamId }, ConsistentRead: true }));
    return out.Item as StreamRow;
  }

  /** Every connection row, strongly consistent. */
  async connections(): Promise<ConnectionRow[]> {
    const out = await this.db.send(new ScanCommand({ TableName: this.stack.tables.Connections, ConsistentRead: true }));
    return (out.Items ?? []) as ConnectionRow[];
  }

  /** The media times `t` (ms) of a recording's frames, in seq order, read back from the bucket. */
  async recordingTimes(gameId: string): Promise<number[]> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.stack.bucket, Key: `recordings/${gameId}.jsonl` }));
    const lines = (await out.Body!.transformToString()).split('\n').filter(Boolean).slice(1);
    return lines.map((l) => (JSON.parse(l) as { t: number }).t);
  }

  /**
   * End every live stream behind the handlers' backs (status ended, epoch + 1), so each tick
   * still sleeping in its Lambda is fenced off at its next claim: a test then sees only its
   * own streams (test/support/local-stack.ts `endLiveStreams`).
   */
  endLiveStreams(): Promise<void> {
    return endLiveStreams(this.stack);
  }

  /** Close the clients and the SDK clients, then the stack (which fences off live streams first). */
  async close(): Promise<void> {
    await this.closeClients();
    this.s3.destroy();
    this.db.destroy();
    await this.stack.close();
  }
}
