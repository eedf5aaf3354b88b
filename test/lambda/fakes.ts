/**
 * In-memory fakes of the ports (lambda/ports/*.ts) for testing the use cases without AWS.
 * They keep the adapters' semantics: conditional writes on `epoch`/`positionSeq`/`status`
 * throw the same named errors (StaleEpochError, StreamExistsError, NotFoundError); rows are
 * copied in and out, so a caller never mutates the store through a returned row.
 */
import { NotFoundError, StaleEpochError, StreamExistsError } from '../../lambda/adapters/errors';
import type { ConnectionRow, GameRow, StreamRow } from '../../contract/rows';
import type { BucketWrite } from '../../lambda/core/rate-limit';
import type { RecordingIndex } from '../../protocol/recording';
import type { RecordingStore } from '../../lambda/ports/recordings';
import type { TickInput } from '../../lambda/core/workflow';
import type { Broadcaster, FanOutRequest, FanOutSummary } from '../../lambda/ports/broadcaster';
import type { AttachedConnection, ConnectionRegistry, PresenceCounts, StreamConnection } from '../../lambda/ports/connections';
import type { GameCatalog, LiveAppend } from '../../lambda/ports/games';
import type { MetricDimensionValues, Metrics } from '../../lambda/ports/metrics';
import { metricDimensions, type MetricName } from '../../contract/metrics';
import type { CountCheck, StreamChanges, StreamStore, UpdateConditions } from '../../lambda/ports/streams';
import type { Time } from '../../lambda/ports/time';
import type { ExecutionDetails, Workflow } from '../../lambda/ports/workflow';
import { DEFAULT_USER_QUOTAS } from '../../contract/defaults';
import { QuotaExceededError, type QuotaLimits, type QuotaResource, type UserQuotas } from '../../lambda/ports/quotas';
import type { Role, ServerMessage, StreamStatus } from '../../protocol/messages';

const copy = <T>(v: T): T => structuredClone(v);

/** The Streams table in memory. `beforeUpdate` runs before each `update` is applied (inject a concurrent writer there). */
export class InMemoryStreamStore implements StreamStore {
  readonly rows = new Map<string, StreamRow>();
  /** Called with the arguments of every `update` before its condition is checked. */
  beforeUpdate?: (streamId: string, expectedEpoch: number, changes: StreamChanges) => void | Promise<void>;
  /** Called before every `addClients` is applied (a crash or a concurrent writer there: throw, or change rows). */
  beforeAddClients?: (streamId: string, delta: number) => void | Promise<void>;
  /** Every `update` call, in order, with whether it was applied. */
  readonly updates: Array<{ streamId: string; expectedEpoch: number; changes: StreamChanges; applied: boolean }> = [];

  constructor(rows: StreamRow[] = []) {
    for (const r of rows) this.rows.set(r.streamId, copy(r));
  }

  /** Change a row directly, as another writer would (no condition). */
  poke(streamId: string, changes: Partial<StreamRow>): StreamRow {
    const row = this.rows.get(streamId);
    if (!row) throw new Error(`no row ${streamId}`);
    Object.assign(row, changes);
    return copy(row);
  }

  async get(streamId: string): Promise<StreamRow | undefined> {
    const r = this.rows.get(streamId);
    return r && copy(r);
  }

  async create(row: StreamRow, opts: { replaceFinishedEpoch?: number } = {}): Promise<void> {
    const old = this.rows.get(row.streamId);
    const replaceable = old === undefined || (opts.replaceFinishedEpoch !== undefined && old.epoch === opts.replaceFinishedEpoch && (old.status === 'ended' || old.status === 'failed'));
    if (!replaceable) throw new StreamExistsError(row.streamId);
    const fresh = copy(row);
    if (old) {
      // As the adapter: the count (and its presence bookkeeping) of the connections still attached under the id is kept.
      fresh.clientCount = old.clientCount;
      for (const k of ['presenceVersion', 'presenceSentVersion', 'presenceSentAt'] as const) {
        if (old[k] === undefined) delete fresh[k];
        else fresh[k] = old[k];
      }
      if (fresh.clientCount > 0) delete fresh.idleSince;
      else fresh.idleSince ??= row.createdAt;
    }
    this.rows.set(row.streamId, fresh);
  }

  async update(streamId: string, expectedEpoch: number, changes: StreamChanges, conditions: UpdateConditions = {}): Promise<StreamRow> {
    await this.beforeUpdate?.(streamId, expectedEpoch, changes);
    const row = this.rows.get(streamId);
    const ok =
      row !== undefined &&
      row.epoch === expectedEpoch &&
      (conditions.expectPositionSeq === undefined || row.positionSeq === conditions.expectPositionSeq) &&
      (conditions.expectStatus === undefined || conditions.expectStatus.includes(row.status));
    this.updates.push({ streamId, expectedEpoch, changes: copy(changes), applied: ok });
    if (!ok || !row) throw new StaleEpochError(streamId, expectedEpoch);
    const target = row as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(changes)) {
      if (k === 'streamId' || v === undefined) continue;
      if (v === null) delete target[k];
      else target[k] = copy(v);
    }
    return copy(row);
  }

  async addClients(streamId: string, delta: number, now = Date.now()): Promise<StreamRow | undefined> {
    await this.beforeAddClients?.(streamId, delta);
    const row = this.rows.get(streamId);
    if (!row) return undefined;
    row.clientCount += delta;
    row.presenceVersion = (row.presenceVersion ?? 0) + 1;
    if (row.clientCount <= 0) row.idleSince ??= now;
    else delete row.idleSince;
    return copy(row);
  }

  async noteCountCheck(streamId: string, check: CountCheck): Promise<boolean> {
    const row = this.rows.get(streamId) as (StreamRow & { countCheck?: CountCheck }) | undefined;
    if (!row || (row.presenceVersion ?? 0) !== check.presenceVersion) return false;
    row.countCheck = copy(check);
    return true;
  }

  async repairClientCount(streamId: string, check: CountCheck, clients: number, now = Date.now()): Promise<StreamRow | undefined> {
    const row = this.rows.get(streamId) as (StreamRow & { countCheck?: CountCheck }) | undefined;
    if (!row || (row.presenceVersion ?? 0) !== check.presenceVersion || row.clientCount !== check.clientCount) return undefined;
    row.clientCount = clients;
    row.presenceVersion = (row.presenceVersion ?? 0) + 1;
    delete row.countCheck;
    if (row.clientCount <= 0) row.idleSince ??= now;
    else delete row.idleSince;
    return copy(row);
  }

  async markControllers(streamId: string, present: boolean, now = Date.now()): Promise<void> {
    const row = this.rows.get(streamId);
    if (!row) return;
    if (present) delete row.controllersGoneSince;
    else row.controllersGoneSince ??= now;
  }

  async claimPresence(streamId: string, seenAt: number | undefined, now = Date.now()): Promise<boolean> {
    const row = this.rows.get(streamId);
    if (!row || row.presenceVersion === undefined || row.presenceSentAt !== seenAt) return false;
    row.presenceSentAt = now;
    row.presenceSentVersion = row.presenceVersion;
    return true;
  }

  async listByStatus(statuses: readonly StreamStatus[]): Promise<StreamRow[]> {
    return [...this.rows.values()].filter((r) => statuses.includes(r.status)).map(copy);
  }
}

/**
 * The Connections table in memory, with the adapter's exact moves: `attach` reports the
 * attachment it replaced, `delete` reports a `streamId` only when it took the connection off
 * it, and a connection being deleted takes no attach.
 */
export class InMemoryConnectionRegistry implements ConnectionRegistry {
  readonly rows = new Map<string, ConnectionRow>();
  /** Called after each `attach` has been written, before it returns (a concurrent writer there). */
  afterAttach?: (connectionId: string, streamId: string) => void | Promise<void>;
  /** Called before each `delete` (a concurrent writer there). */
  beforeDelete?: (connectionId: string) => void | Promise<void>;

  constructor(rows: ConnectionRow[] = []) {
    for (const r of rows) this.rows.set(r.connectionId, copy(r));
  }

  async put(row: ConnectionRow): Promise<void> {
    this.rows.set(row.connectionId, copy(row));
  }
  async get(connectionId: string): Promise<ConnectionRow | undefined> {
    const r = this.rows.get(connectionId);
    return r && copy(r);
  }
  async attach(connectionId: string, streamId: string, role: Role): Promise<AttachedConnection> {
    const r = this.rows.get(connectionId);
    if (!r) throw new NotFoundError('connection', connectionId);
    const previous = r.streamId === undefined ? undefined : { streamId: r.streamId, ...(r.role ? { role: r.role } : {}) };
    r.streamId = streamId;
    r.role = role;
    const after: AttachedConnection = { ...copy(r), ...(previous ? { previous } : {}) };
    await this.afterAttach?.(connectionId, streamId);
    return after;
  }
  async detach(connectionId: string): Promise<ConnectionRow | undefined> {
    const r = this.rows.get(connectionId);
    if (!r) return undefined;
    const old = copy(r);
    delete r.streamId;
    delete r.role;
    return old;
  }
  async delete(connectionId: string): Promise<ConnectionRow | undefined> {
    await this.beforeDelete?.(connectionId);
    const r = this.rows.get(connectionId);
    this.rows.delete(connectionId);
    return r && copy(r);
  }
  async touch(connectionId: string, now: number): Promise<boolean> {
    const r = this.rows.get(connectionId);
    if (!r) return false;
    r.lastSeenAt = now;
    return true;
  }
  async getRateBucket(connectionId: string, attribute: string): Promise<{ exists: boolean; tat: unknown }> {
    const r = this.rows.get(connectionId) as unknown as Record<string, unknown> | undefined;
    return { exists: r !== undefined, tat: r?.[attribute] };
  }
  async writeRateBucket(connectionId: string, attribute: string, write: BucketWrite): Promise<boolean> {
    const r = this.rows.get(connectionId) as unknown as Record<string, number | undefined> | undefined;
    if (!r) return false;
    const tat = r[attribute];
    if (write.kind === 'start') {
      if (tat !== undefined && tat > write.now) return false;
      r[attribute] = write.newTat;
    } else {
      if (tat === undefined || tat > write.limit) return false;
      r[attribute] = tat + write.by;
    }
    return true;
  }
  async *listByStream(streamId: string): AsyncIterable<StreamConnection[]> {
    const page = [...this.rows.values()]
      .filter((r) => r.streamId === streamId)
      .sort((a, b) => a.connectionId.localeCompare(b.connectionId))
      .map((r) => ({ connectionId: r.connectionId, userId: r.userId, displayName: r.displayName, role: r.role === 'player' ? ('player' as const) : ('spectator' as const) }));
    if (page.length) yield page;
  }
  async countByStream(streamId: string): Promise<PresenceCounts> {
    let players = 0;
    let spectators = 0;
    for await (const page of this.listByStream(streamId)) for (const c of page) c.role === 'player' ? players++ : spectators++;
    return { clients: players + spectators, players, spectators };
  }
  async listExpired(nowSeconds: number): Promise<ConnectionRow[]> {
    return [...this.rows.values()].filter((r) => r.expiresAt < nowSeconds).map(copy);
  }
}

/** The Games table in memory. */
export class InMemoryGameCatalog implements GameCatalog {
  readonly rows = new Map<string, GameRow>();

  constructor(rows: GameRow[] = []) {
    for (const r of rows) this.rows.set(r.gameId, copy(r));
  }

  async put(row: GameRow): Promise<boolean> {
    if (this.rows.get(row.gameId)?.liveStatus !== undefined) return false;
    this.rows.set(row.gameId, copy(row));
    return true;
  }
  async get(gameId: string): Promise<GameRow | undefined> {
    const r = this.rows.get(gameId);
    return r && copy(r);
  }
  async create(row: GameRow): Promise<boolean> {
    if (this.rows.has(row.gameId)) return false;
    this.rows.set(row.gameId, copy(row));
    return true;
  }
  async commitLiveAppend(gameId: string, expectFrameCount: number, append: LiveAppend): Promise<boolean> {
    const r = this.rows.get(gameId);
    if (!r || r.liveStatus !== 'live' || r.frameCount !== expectFrameCount) return false;
    r.chunks = [...(r.chunks ?? []), copy(append.chunk)];
    for (const i of append.forgetKeysOf) if (r.chunks[i]) delete r.chunks[i]!.keys;
    r.frameCount = append.frameCount;
    r.durationMs = append.durationMs;
    return true;
  }
  async finishLive(gameId: string): Promise<boolean> {
    const r = this.rows.get(gameId);
    if (!r || r.liveStatus !== 'live') return false;
    r.liveStatus = 'finished';
    return true;
  }
  async list(): Promise<GameRow[]> {
    return [...this.rows.values()].map(copy).sort((a, b) => a.title.localeCompare(b.title) || a.gameId.localeCompare(b.gameId));
  }
}

/** Records every fan-out and post; connections of a stream come from `registry` when given. */
export class FakeBroadcaster implements Broadcaster {
  readonly fanOuts: Array<{ streamId: string; messages: ServerMessage[]; opts?: FanOutRequest }> = [];
  readonly posts: Array<{ connectionId: string; message: ServerMessage }> = [];
  /** connectionIds that answer 410 GoneException. */
  readonly gone = new Set<string>();

  async fanOut(streamId: string, messages: readonly ServerMessage[], opts?: FanOutRequest): Promise<FanOutSummary> {
    this.fanOuts.push({ streamId, messages: copy([...messages]), ...(opts ? { opts } : {}) });
    return { connections: 0, delivered: 0, gone: [], failed: [] };
  }
  async post(connectionId: string, message: ServerMessage): Promise<'sent' | 'gone'> {
    if (this.gone.has(connectionId)) return 'gone';
    this.posts.push({ connectionId, message: copy(message) });
    return 'sent';
  }
  /** Every message fanned out to `streamId`, in order. */
  sentTo(streamId: string): ServerMessage[] {
    return this.fanOuts.filter((f) => f.streamId === streamId).flatMap((f) => f.messages);
  }
}

/** One data point a {@link RecordingMetrics} was given. */
export interface RecordedMetric {
  name: MetricName;
  value: number;
  dimensions: MetricDimensionValues;
}

/**
 * Records every metric data point, checked against contract/metrics.ts the way the adapter
 * checks it (a missing, extra or unknown dimension value throws here, so a test fails on it),
 * and counts the flushes.
 */
export class RecordingMetrics implements Metrics {
  /** Every data point, in order (flushed ones included). */
  readonly points: RecordedMetric[] = [];
  flushes = 0;

  add(name: MetricName, value: number, dimensions: MetricDimensionValues = {}): void {
    metricDimensions(name, dimensions);
    if (!Number.isFinite(value)) throw new Error(`metric ${name}: ${value} is not a finite number`);
    this.points.push({ name, value, dimensions: { ...dimensions } });
  }
  flush(): void {
    this.flushes++;
  }
  /** The values of `name` (matching `dimensions` when given), in order. */
  values(name: MetricName, dimensions?: MetricDimensionValues): number[] {
    return this.points
      .filter((p) => p.name === name && (!dimensions || Object.entries(dimensions).every(([k, v]) => p.dimensions[k as keyof MetricDimensionValues] === v)))
      .map((p) => p.value);
  }
  /** The sum of {@link values} (a count's total). */
  sum(name: MetricName, dimensions?: MetricDimensionValues): number {
    return this.values(name, dimensions).reduce((a, b) => a + b, 0);
  }
}

/** Executions in memory: names started, ARNs stopped, statuses to describe. */
export class FakeWorkflow implements Workflow {
  readonly started: Array<{ name: string; input: TickInput }> = [];
  readonly stopped: Array<{ executionArn: string; cause: string }> = [];
  readonly statuses = new Map<string, string>();

  arnFor(name: string): string {
    return `arn:aws:states:us-east-1:000000000000:execution:Player:${name}`;
  }
  async start(name: string, input: TickInput): Promise<string> {
    const arn = this.arnFor(name);
    if (!this.statuses.has(arn)) {
      this.started.push({ name, input });
      this.statuses.set(arn, 'RUNNING');
    }
    return arn;
  }
  async stop(executionArn: string, cause: string): Promise<void> {
    this.stopped.push({ executionArn, cause });
    if (this.statuses.get(executionArn) === 'RUNNING') this.statuses.set(executionArn, 'ABORTED');
  }
  async describe(executionArn: string): Promise<string | undefined> {
    return this.statuses.get(executionArn);
  }
  /** Error and cause to report for an execution (set by a test). */
  readonly failures = new Map<string, { error: string; cause: string }>();
  async inspect(executionArn: string): Promise<ExecutionDetails | undefined> {
    const status = this.statuses.get(executionArn);
    if (status === undefined) return undefined;
    const stop = this.stopped.find((s) => s.executionArn === executionArn);
    const failure = this.failures.get(executionArn) ?? (stop ? { error: 'States.Aborted', cause: stop.cause } : undefined);
    return { executionArn, status, startedAt: 0, ...(status === 'RUNNING' ? {} : { stoppedAt: 1 }), ...(failure ?? {}) };
  }
}

/** A clock the test moves: `sleep(ms)` advances it by `ms` at once. */
export class ManualTime implements Time {
  constructor(public at = 1_000_000) {}
  now(): number {
    return this.at;
  }
  async sleep(ms: number): Promise<void> {
    if (ms > 0) this.at += ms;
  }
}

/** The recordings bucket in memory: objects by key, every read counted. */
export class InMemoryRecordingStore implements RecordingStore {
  readonly objects = new Map<string, string>();
  /** Every read, in order: `range key start end`, `text key` or `index key`. */
  readonly reads: string[] = [];

  async getIndex(indexKey: string): Promise<RecordingIndex> {
    this.reads.push(`index ${indexKey}`);
    return JSON.parse(this.object(indexKey)) as RecordingIndex;
  }
  async readRange(key: string, startByte: number, endByteExclusive: number): Promise<string> {
    if (!(endByteExclusive > startByte) || startByte < 0) return '';
    this.reads.push(`range ${key} ${startByte} ${endByteExclusive}`);
    return Buffer.from(this.object(key)).subarray(startByte, endByteExclusive).toString('utf8');
  }
  async readText(key: string): Promise<string> {
    this.reads.push(`text ${key}`);
    return this.object(key);
  }
  async put(key: string, body: string | Uint8Array): Promise<void> {
    this.objects.set(key, typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
  private object(key: string): string {
    const o = this.objects.get(key);
    if (o === undefined) throw new NotFoundError('recording object', key);
    return o;
  }
}

/**
 * In-memory {@link UserQuotas}: a set of holder ids per user and resource, as the DynamoDB
 * adapter keeps them (an acquire of a holder already counted passes and counts once).
 * `limits` default to DEFAULT_USER_QUOTAS; `held(userId, resource)` is what is counted.
 */
export class InMemoryUserQuotas implements UserQuotas {
  private readonly holders = new Map<string, Set<string>>();
  private readonly owners = new Map<string, string>();
  constructor(readonly limits: QuotaLimits = DEFAULT_USER_QUOTAS) {}

  async acquire(userId: string, resource: QuotaResource, holderId: string): Promise<void> {
    const owner = this.owners.get(`${resource}#${holderId}`);
    if (owner !== undefined && owner !== userId) return;
    const key = `${resource}#${userId}`;
    const set = this.holders.get(key) ?? new Set<string>();
    if (!set.has(holderId) && set.size >= this.limits[resource]) throw new QuotaExceededError(userId, resource, this.limits[resource]);
    set.add(holderId);
    this.holders.set(key, set);
    this.owners.set(`${resource}#${holderId}`, userId);
  }

  async release(resource: QuotaResource, holderId: string): Promise<void> {
    const userId = this.owners.get(`${resource}#${holderId}`);
    if (userId === undefined) return;
    this.holders.get(`${resource}#${userId}`)?.delete(holderId);
    this.owners.delete(`${resource}#${holderId}`);
  }

  /** How many of `resource` `userId` holds now. */
  held(userId: string, resource: QuotaResource): number {
    return this.holders.get(`${resource}#${userId}`)?.size ?? 0;
  }
}
