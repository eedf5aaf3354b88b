/**
 * The spectator scenarios of `npm run bench`, run against an in-process local stack
 * (local/stack.ts), talking to 127.0.0.1 only.
 *
 * {@link runSpectate} — frame lateness and completeness with N viewers on ONE spectate stream:
 *  1. open N connections (viewer 0 first, alone, so its connection id is known; then the rest
 *     in bursts), each with its own token;
 *  2. attach viewers 1…N−1 to `spectate:{gameId}` with the repository `join` uses
 *     (`DynamoConnectionRegistry.attach`: the Connections row's `streamId`/`role`, which the `byStream`
 *     index fan-out queries), in bulk, BEFORE the stream starts. Why not real `join`s: a join
 *     lands while frames are already flowing, and the join path (attach at a quiet moment,
 *     coalesced `presence`) is its own measurement ({@link runJoinStorm}). Pre-attaching
 *     gives every viewer every frame from the first;
 *  3. viewer 0 sends `start` (spectate, `speed`, a late `atMs` so the stream lasts
 *     ≈ `windowSeconds`), the stream row is read right after `joined` (its clock gives every
 *     frame's due time), `clientCount` is set to N;
 *  4. wait (bounded) for `ended` at every viewer, collect what each received;
 *  5. detach the bulk-attached viewers the same way (so closing them does not trigger N
 *     `presence` broadcasts of its own), close every connection, wait for `$disconnect`s.
 *
 * {@link runJoinStorm} — the real `join` path: N viewers join one stream through the control
 * handler, in bursts; reports the time until every viewer has `joined` and until the
 * `presence` broadcasts stop, and how many `presence` messages that took.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { documentClient, DynamoConnectionRegistry, DynamoGameCatalog, DynamoStreamStore, forEachPool, streamIdFor } from '../../lambda/engine';
import type { StreamRow } from '../../contract/rows';
import type { LocalStack } from '../../local/stack';
import { analyzeRun, type RunAnalysis } from './analyze';
import { summarize, type Summary } from './stats';
import { Viewers } from './viewers';

/** The stack's three tables as the handlers' repositories (on its DynamoDB stand-in; region and credentials: the stack's shared settings). */
function repositories(stack: LocalStack): { client: DynamoDBDocumentClient; connectionsTable: string; connections: DynamoConnectionRegistry; streams: DynamoStreamStore; games: DynamoGameCatalog } {
  const client = documentClient({ endpoint: stack.endpoints.dynamodb });
  const table = (name: string): string => {
    const t = stack.tables[name];
    if (!t) throw new Error(`the local stack has no ${name} table`);
    return t;
  };
  return {
    client,
    connectionsTable: table('Connections'),
    connections: new DynamoConnectionRegistry({ client, tableName: table('Connections') }),
    streams: new DynamoStreamStore({ client, tableName: table('Streams') }),
    games: new DynamoGameCatalog({ client, tableName: table('Games') }),
  };
}

/** Fan-out's concurrency (lambda/adapters/fanout.ts FANOUT_DEFAULTS); the bench's own bulk writes use it too. */
const BULK_CONCURRENCY = 32;

/** Options of {@link runSpectate}. */
export interface SpectateOptions {
  viewers: number;
  gameId: string;
  /** Playback rate (1–64). */
  speed: number;
  /** Wall seconds of playback wanted: `atMs = durationMs − windowSeconds × speed × 1000`. */
  windowSeconds: number;
  /** Handshakes in flight at once while connecting. */
  burst: number;
  /** Progress lines (stderr). */
  progress: (line: string) => void;
  /** Measure memory per connection across connecting and attaching the viewers ({@link MemoryPerConnection}). @default false */
  measureMemory?: boolean;
}

/**
 * Memory per connection in local mode, from a full GC before connecting the viewers to one
 * after connecting and attaching them (bytes ÷ connections). One process holds both sides:
 * - `serverHeap`: the main thread's V8 heap — the local gateway's connection (its `ws` socket
 *   object, the connection record, the authorizer's context), the `$connect` handler's and
 *   the attach's Connections row in the in-process DynamoDB stand-in, and whatever the handlers
 *   cache per connection;
 * - `clientHeap`: the viewer worker's heap — the bench's own `ws` client per viewer (not the
 *   system's cost; shown so it can be taken out);
 * - `rss`: the whole process's resident set — both heaps plus native memory (the sockets'
 *   buffers; the kernel's own socket memory is not in it); noisy: the allocator keeps pages
 *   it freed.
 */
export interface MemoryPerConnection {
  connections: number;
  serverHeapBytes: number;
  clientHeapBytes: number;
  rssBytes: number;
}

/** The figures of one spectator run. Times in ms unless named otherwise. */
export interface SpectateResult {
  viewers: number;
  gameId: string;
  speed: number;
  atMs: number;
  connect: { ms: number; failed: number; perSecond: number };
  /** Bulk attach of viewers 1…N−1 (Connections rows), ms. */
  attachMs: number;
  /** One full `byStream` query of the N−1 attached rows (what every fan-out starts with), ms; 0 with one viewer. */
  byStreamQueryMs: number;
  /** `start` sent → `joined` received by viewer 0, ms. */
  startToJoinedMs: number;
  /** The stream's clock, read right after `joined`. */
  clock: { anchorAt: number; positionMs: number; speed: number; positionSeq: number; frameCount: number };
  /** The stream row at the end. */
  final: { status: string; endedReason?: string; framesSent: number; clientCount: number };
  analysis: RunAnalysis;
  /** The stream's playout lead as `joined` announced it (0 when `joined` has none), ms. */
  leadMs: number;
  /** Lambda `Invoke` requests local mode served during the stream: the sharded fan-out's workers (0 below the shard threshold). */
  workerInvokes: number;
  /** With `measureMemory`. */
  memory?: MemoryPerConnection;
  /** Whole run, connect to last close, seconds. */
  wallSeconds: number;
}

/** A full garbage collection of this thread's heap: `global.gc`, or the V8 flag set at run time and `gc` from a fresh context. */
function fullGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap (after two full GCs) and RSS of this process, and the viewer worker's heap, bytes. */
async function memorySample(viewers: Viewers): Promise<{ heap: number; rss: number; client: number }> {
  const gc = fullGc();
  gc();
  await sleep(200);
  gc();
  const m = process.memoryUsage();
  const client = (await viewers.memory()).heapUsed;
  return { heap: m.heapUsed, rss: m.rss, client };
}

/**
 * Count the HTTP requests this process serves for Lambda's `Invoke` (AWS Lambda API reference:
 * `POST /2015-03-31/functions/{FunctionName}/invocations`) — local mode's stand-in for it runs
 * the sharded fan-out's workers. Node's `http.server.request.start` diagnostics channel sees
 * every request of every `node:http` server in the process. Returns the count so far and a stop.
 */
function countWorkerInvokes(): { count: () => number; stop: () => void } {
  let n = 0;
  const onRequest = (msg: unknown) => {
    const url = (msg as { request?: IncomingMessage }).request?.url ?? '';
    if (/^\/2015-03-31\/functions\/[^/]+\/invocations/.test(url)) n++;
  };
  subscribe('http.server.request.start', onRequest);
  return { count: () => n, stop: () => unsubscribe('http.server.request.start', onRequest) };
}

async function connectAll(stack: LocalStack, viewers: Viewers, userPrefix: string, count: number, burst: number, from: number) {
  const tokens = await Promise.all(Array.from({ length: count }, (_, i) => stack.token(`${userPrefix}${from + i}`)));
  const before = new Set(stack.gateway.connectionIds());
  const r = await viewers.connect(stack.wsUrl, tokens, burst, 120_000);
  const ids = stack.gateway.connectionIds().filter((id) => !before.has(id));
  return { ...r, ids };
}

async function waitForDisconnects(stack: LocalStack, ids: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const set = new Set(ids);
  while (Date.now() < deadline && stack.gateway.connectionIds().some((id) => set.has(id))) await sleep(100);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Wait (bounded) until the Connections table holds no row of `ids`: the gateway forgets a
 * connection before its `$disconnect` handler has deleted the row, and with thousands of
 * closes at once those handlers run long after; the next run (or the stack's close) must not
 * start under them. Counts with a Scan (the bench's own table, a few thousand rows at most).
 */
async function waitForRowsGone(db: ReturnType<typeof repositories>, ids: readonly string[], timeoutMs: number): Promise<void> {
  if (ids.length === 0) return;
  const set = new Set(ids);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let left = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.client.send(new ScanCommand({ TableName: db.connectionsTable, ProjectionExpression: 'connectionId', ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) if (set.has(String(item.connectionId))) left++;
      start = page.LastEvaluatedKey;
    } while (start);
    if (left === 0) return;
    await sleep(500);
  }
}

/** Run one spectator scenario (see the module note). Throws when the stack refuses the setup (connections, start). */
export async function runSpectate(stack: LocalStack, opts: SpectateOptions): Promise<SpectateResult> {
  const db = repositories(stack);
  const game = await db.games.get(opts.gameId);
  if (!game) throw new Error(`game ${opts.gameId} is not in the local catalog`);
  const atMs = Math.max(0, game.durationMs - Math.round(opts.windowSeconds * opts.speed * 1000));
  const streamId = streamIdFor('spectate', opts.gameId, {});
  const viewers = new Viewers();
  const started = Date.now();
  let others: string[] = [];
  const invokes = countWorkerInvokes();
  try {
    const before = opts.measureMemory ? await memorySample(viewers) : undefined;
    const starter = await connectAll(stack, viewers, `bench-${opts.viewers}-`, 1, 1, 0);
    if (starter.connected !== 1) throw new Error(`viewer 0 could not connect: ${starter.failed.join('; ')}`);
    const rest = opts.viewers > 1 ? await connectAll(stack, viewers, `bench-${opts.viewers}-`, opts.viewers - 1, opts.burst, 1) : { connected: 0, failedCount: 0, failed: [], ms: 0, ids: [] };
    others = rest.ids;
    if (rest.failedCount > 0) opts.progress(`  ${rest.failedCount} of ${opts.viewers - 1} connections refused (${rest.failed[0] ?? ''})`);
    const connectMs = starter.ms + rest.ms;
    opts.progress(`  ${opts.viewers} connected in ${(connectMs / 1000).toFixed(1)} s`);

    const attachStart = Date.now();
    await forEachPool(others, BULK_CONCURRENCY, async (id) => void (await db.connections.attach(id, streamId, 'spectator')));
    const attachMs = Date.now() - attachStart;
    let byStreamQueryMs = 0;
    if (others.length > 0) {
      const q = Date.now();
      let rows = 0;
      for await (const page of db.connections.listByStream(streamId)) rows += page.length;
      byStreamQueryMs = Date.now() - q;
      if (rows !== others.length) opts.progress(`  byStream lists ${rows} rows, ${others.length} attached`);
    }
    let memory: MemoryPerConnection | undefined;
    if (before) {
      const after = await memorySample(viewers);
      const n = 1 + others.length;
      memory = { connections: n, serverHeapBytes: (after.heap - before.heap) / n, clientHeapBytes: (after.client - before.client) / n, rssBytes: (after.rss - before.rss) / n };
      opts.progress(`  memory per connection: server heap ${(memory.serverHeapBytes / 1024).toFixed(1)} KiB, viewer heap ${(memory.clientHeapBytes / 1024).toFixed(1)} KiB, RSS ${(memory.rssBytes / 1024).toFixed(1)} KiB`);
    }
    const invokesBefore = invokes.count();

    const sentAt = Date.now();
    await viewers.send(0, { action: 'start', gameId: opts.gameId, speed: opts.speed, atMs });
    const j = await viewers.waitFor('joined', 30_000, [0]);
    if (j.got !== 1) throw new Error('viewer 0 got no `joined` within 30 s');
    const row = await db.streams.get(streamId, { consistent: true });
    if (!row) throw new Error(`stream ${streamId} not found after joined`);
    const startToJoinedMs = (j.at[0] ?? Date.now()) - sentAt;
    if (others.length > 0) await db.streams.addClients(streamId, others.length, Date.now());
    const playMs = (game.durationMs - atMs) / opts.speed;
    opts.progress(`  stream started at atMs ${atMs}: ≈${(playMs / 1000).toFixed(0)} s of playback, frames ${row.positionSeq}…${row.frameCount - 1}`);

    const ended = await viewers.waitFor('ended', Math.round(playMs + 60_000));
    if (ended.missingCount > 0) opts.progress(`  ${ended.missingCount} viewers got no \`ended\` in time`);
    const workerInvokes = invokes.count() - invokesBefore;
    const clients = await viewers.report();
    const final = (await db.streams.get(streamId, { consistent: true })) as StreamRow;
    const joined = clients[0]?.joined;
    // `joined.leadMs`: the stream's playout lead (docs/PROTOCOL.md "Playout buffer"); absent before it.
    const leadMs = (joined as { leadMs?: unknown } | undefined)?.leadMs;
    const lead = typeof leadMs === 'number' && leadMs > 0 ? leadMs : 0;
    const analysis = analyzeRun(clients, row, joined?.positionSeq ?? row.positionSeq, row.frameCount, { leadMs: lead });
    return {
      viewers: opts.viewers,
      gameId: opts.gameId,
      speed: opts.speed,
      atMs,
      connect: { ms: connectMs, failed: rest.failedCount, perSecond: opts.viewers / Math.max(0.001, connectMs / 1000) },
      attachMs,
      byStreamQueryMs,
      startToJoinedMs,
      clock: { anchorAt: row.anchorAt, positionMs: row.positionMs, speed: row.speed, positionSeq: row.positionSeq, frameCount: row.frameCount },
      final: { status: final.status, endedReason: final.endedReason, framesSent: final.framesSent, clientCount: final.clientCount },
      analysis,
      leadMs: lead,
      workerInvokes,
      ...(memory ? { memory } : {}),
      wallSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    invokes.stop();
    await forEachPool(others, BULK_CONCURRENCY, async (id) => void (await db.connections.detach(id).catch(() => undefined)));
    if (others.length > 0) await db.streams.addClients(streamId, -others.length, Date.now()).catch(() => undefined);
    const ids = stack.gateway.connectionIds();
    await viewers.close();
    await waitForDisconnects(stack, ids, 30_000);
    await waitForRowsGone(db, ids, 120_000).catch(() => undefined);
  }
}

/** Options of {@link runJoinStorm}. */
export interface JoinStormOptions {
  viewers: number;
  gameId: string;
  burst: number;
  /** Bound on the join phase, ms. */
  timeoutMs: number;
  progress: (line: string) => void;
}

/** The figures of one join storm. Times in ms. */
export interface JoinStormResult {
  viewers: number;
  burst: number;
  joined: number;
  errors: number;
  timedOut: number;
  errorCodes: Record<string, number>;
  /** First `join` sent → last `joined` (or the bound), ms. */
  joinPhaseMs: number;
  /** Per join: sent → `joined`, ms. */
  joinLatency: Summary;
  /** First `join` sent → `presence` broadcasts stopped (no new one for 1.5 s; bounded), ms. */
  settledMs: number;
  presenceMessages: number;
  /** Viewers the `byStream` index lists once the storm settled (the ones fan-out will reach). */
  attachedRows: number;
  /** Viewers that got `joined` and then an `error` (their join failed after the reply went out). */
  joinedThenError: number;
  /** Viewers that got `joined` more than once. */
  duplicateJoined: number;
  /** Σ k for k = 1…N: the `presence` messages N joins would cost with one broadcast per join (the comparison for coalescing). */
  presenceSequential: number;
}

/** Run one join storm (see the module note). */
export async function runJoinStorm(stack: LocalStack, opts: JoinStormOptions): Promise<JoinStormResult> {
  const db = repositories(stack);
  const streamId = streamIdFor('spectate', opts.gameId, {});
  const viewers = new Viewers();
  let ids: string[] = [];
  try {
    const c = await connectAll(stack, viewers, `storm-${opts.viewers}-`, opts.viewers, opts.burst, 0);
    ids = c.ids;
    if (c.connected !== opts.viewers) throw new Error(`${opts.viewers - c.connected} connections refused (${c.failed[0] ?? ''})`);
    await viewers.send(0, { action: 'start', gameId: opts.gameId, speed: 1 }); // a long stream: ≈ 1 frame per 30 s
    if ((await viewers.waitFor('joined', 30_000, [0])).got !== 1) throw new Error('viewer 0 got no `joined` within 30 s');
    const t0 = Date.now();
    const j = await viewers.join(1, streamId, opts.burst, opts.timeoutMs);
    const joinPhaseMs = Date.now() - t0;
    // Let the presence broadcasts drain: settled when no new one arrived for 1.5 s (bounded).
    let last = -1;
    let stableSince = Date.now();
    const deadline = Date.now() + 60_000;
    let settledAt = Date.now();
    while (Date.now() < deadline) {
      const n = (await viewers.counts()).presence ?? 0;
      if (n !== last) {
        last = n;
        stableSince = Date.now();
        settledAt = Date.now();
      } else if (Date.now() - stableSince >= 1500) break;
      await sleep(250);
    }
    const attached = 1 + j.joined;
    let attachedRows = 0;
    for await (const page of db.connections.listByStream(streamId)) attachedRows += page.length;
    const report = await viewers.report();
    const joinedThenError = report.filter((r) => r.joinedAt !== undefined && r.errors.length > 0).length;
    const duplicateJoined = report.filter((r) => (r.counts.joined ?? 0) > 1).length;
    return {
      viewers: opts.viewers,
      burst: opts.burst,
      joined: attached,
      errors: j.errors,
      timedOut: j.timedOut,
      errorCodes: j.errorCodes,
      joinPhaseMs,
      joinLatency: summarize(j.latencies),
      settledMs: settledAt - t0,
      presenceMessages: Math.max(0, last),
      attachedRows,
      joinedThenError,
      duplicateJoined,
      presenceSequential: (attached * (attached + 1)) / 2,
    };
  } finally {
    // Detach everyone first, so the closes do not set off N more presence broadcasts.
    await forEachPool(ids, BULK_CONCURRENCY, async (id) => void (await db.connections.detach(id).catch(() => undefined)));
    await viewers.close();
    await waitForDisconnects(stack, ids, 30_000);
    await waitForRowsGone(db, ids, 120_000).catch(() => undefined);
  }
}
