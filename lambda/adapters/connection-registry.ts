/**
 * The Connections table on DynamoDB (ports/connections.ts `ConnectionRegistry`): one row per
 * WebSocket connection, GSI `byStream` (PK `streamId`, SK `connectionId`) for fan-out.
 * Conditional failures become named errors (errors.ts) or `false`; other SDK failures that
 * outlive the SDK's retries become `ThrottledError`/`AwsServiceError`.
 */
import { randomBytes } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Role } from '../../protocol/messages';
import { BY_STREAM_INDEX } from '../../contract/tables';
import type { ConnectionRow } from '../../contract/rows';
import type { BucketWrite } from '../core/rate-limit';
import type { AttachedConnection, ConnectionRegistry, PresenceCounts, StreamConnection } from '../ports/connections';
import { applied, isConditionFailed, MAX_PAGES, send, type RepositoryOptions } from './dynamo-write';
import { NotFoundError } from '../ports/errors';

/** Compare-and-set tries of one attach/detach before it gives up (each lost try means another writer moved the row). */
export const MAX_MOVE_ATTEMPTS = 8;

/**
 * A connection row as stored: the model's fields plus the bookkeeping of exact moves —
 * `moveToken` (the random id of the last attach/detach write, by which a write retried by the
 * SDK after a lost answer recognises itself) and `closing` (set by {@link
 * DynamoConnectionRegistry.delete}: the connection is being forgotten, no attach may land).
 */
type StoredConnection = ConnectionRow & { moveToken?: string; closing?: boolean };

/** A fresh id for one move: 16 random bytes, base64url. */
const moveToken = (): string => randomBytes(16).toString('base64url');

/** The row without the move bookkeeping (callers see the model's fields only). */
function withoutBookkeeping(row: StoredConnection): ConnectionRow {
  const { moveToken: _t, closing: _c, ...rest } = row;
  return rest;
}

/** The Connections table: `new DynamoConnectionRegistry({ client, tableName })`. */
export class DynamoConnectionRegistry implements ConnectionRegistry {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(opts: RepositoryOptions) {
    this.client = opts.client;
    this.tableName = opts.tableName;
  }

  /** Write (or overwrite) a connection row — `$connect`. */
  async put(row: ConnectionRow): Promise<void> {
    await send('PutItem', () => this.client.send(new PutCommand({ TableName: this.tableName, Item: row })));
  }

  /** The connection row, or undefined. Strongly consistent (a connection reads its own writes). */
  async get(connectionId: string): Promise<ConnectionRow | undefined> {
    const row = await this.read(connectionId);
    return row && withoutBookkeeping(row);
  }

  /** The stored row with its move bookkeeping (strongly consistent). */
  private async read(connectionId: string): Promise<StoredConnection | undefined> {
    const out = await send('GetItem', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { connectionId }, ConsistentRead: true })),
    );
    return out.Item as StoredConnection | undefined;
  }

  /**
   * Attach a connection to a stream as `role` (SET streamId, role): from now on `byStream`
   * lists it and fan-out reaches it. A compare-and-set on the row's current `streamId` (read
   * first, strongly consistent), so of concurrent moves of one connection each sees the
   * attachment it replaced — `previous` (absent when the row was on no stream) — and the
   * caller moves the counts of exactly the streams its own write changed. A write whose answer
   * was lost and that the SDK retried is recognised by its `moveToken` (a random id stored
   * with it). Returns the row after, with `previous`.
   * Throws {@link NotFoundError} (`connection`) when the row does not exist or is being
   * forgotten ({@link delete}: it disconnected), and an Error when the row kept changing
   * under {@link MAX_MOVE_ATTEMPTS} tries.
   */
  async attach(connectionId: string, streamId: string, role: Role): Promise<AttachedConnection> {
    for (let attempt = 0; attempt < MAX_MOVE_ATTEMPTS; attempt++) {
      const before = await this.read(connectionId);
      if (!before || before.closing) throw new NotFoundError('connection', connectionId);
      const token = moveToken();
      const moved = await this.move(connectionId, before, token, {
        UpdateExpression: 'SET streamId = :s, #role = :r, moveToken = :t',
        ConditionExpression: 'attribute_not_exists(closing)',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':s': streamId, ':r': role, ':t': token },
      });
      if (moved === 'gone') throw new NotFoundError('connection', connectionId);
      if (moved === 'moved') continue;
      const after: AttachedConnection = { ...withoutBookkeeping(before), streamId, role };
      if (before.streamId) after.previous = { streamId: before.streamId, ...(before.role ? { role: before.role } : {}) };
      return after;
    }
    throw new Error(`attach(${connectionId}): the connection row kept changing`);
  }

  /**
   * Detach a connection from its stream (REMOVE streamId, role). Returns the row as it was
   * before (`streamId` absent when it was on no stream, or when a concurrent move took it off
   * first), or undefined when the row does not exist. Exact: a compare-and-set on the
   * `streamId` read, so of concurrent detaches, moves and deletes only one sees each old
   * `streamId` — and a write retried by the SDK after its answer was lost still reports it.
   */
  async detach(connectionId: string): Promise<ConnectionRow | undefined> {
    return this.leave(connectionId, false);
  }

  /**
   * Forget a connection row: detach it exactly as {@link detach} does while marking it
   * `closing` (so no attach can land on it any more), then delete it. Returns the row as it
   * was, or undefined if there was none; its `streamId` is present only when this call took
   * the connection off that stream — the caller uncounts it there, exactly once.
   */
  async delete(connectionId: string): Promise<ConnectionRow | undefined> {
    const before = await this.leave(connectionId, true);
    if (!before) return undefined;
    await send('DeleteItem', () => this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { connectionId } })));
    return before;
  }

  /** {@link detach}, and with `closing` also SET closing (no later attach). */
  private async leave(connectionId: string, closing: boolean): Promise<ConnectionRow | undefined> {
    for (let attempt = 0; attempt < MAX_MOVE_ATTEMPTS; attempt++) {
      const before = await this.read(connectionId);
      if (!before) return undefined;
      if (!before.streamId && (!closing || before.closing)) return withoutBookkeeping(before);
      const token = moveToken();
      const moved = await this.move(connectionId, before, token, {
        UpdateExpression: `SET moveToken = :t${closing ? ', closing = :true' : ''} REMOVE streamId, #role`,
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':t': token, ...(closing ? { ':true': true } : {}) },
      });
      if (moved === 'gone') return undefined;
      if (moved === 'moved') continue;
      return withoutBookkeeping(before);
    }
    throw new Error(`detach(${connectionId}): the connection row kept changing`);
  }

  /**
   * One compare-and-set of a connection row's attachment: `write` applies only while the
   * row's `streamId` is still what `before` holds (absent when `before` has none) and, when
   * `write` has a condition of its own, that holds too. `applied`: this call's write is in
   * (also when the SDK retried it after a lost answer: the row then carries `token`);
   * `moved`: someone else changed the attachment first (read again); `gone`: no row.
   */
  private async move(
    connectionId: string,
    before: ConnectionRow,
    token: string,
    write: { UpdateExpression: string; ConditionExpression?: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> },
  ): Promise<'applied' | 'moved' | 'gone'> {
    const expected = before.streamId === undefined ? 'attribute_not_exists(streamId)' : 'streamId = :was';
    const condition = ['attribute_exists(connectionId)', expected, ...(write.ConditionExpression ? [write.ConditionExpression] : [])].join(' AND ');
    try {
      await send('UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { connectionId },
            UpdateExpression: write.UpdateExpression,
            ConditionExpression: condition,
            ExpressionAttributeNames: write.ExpressionAttributeNames,
            ExpressionAttributeValues: { ...write.ExpressionAttributeValues, ...(before.streamId === undefined ? {} : { ':was': before.streamId }) },
          }),
        ),
      );
      return 'applied';
    } catch (e) {
      if (!isConditionFailed(e)) throw e;
      const now = await this.read(connectionId);
      if (!now) return 'gone';
      // Our write went in and the SDK's retry of it (its answer was lost) found the condition changed by it.
      if (now.moveToken === token) return 'applied';
      return now.closing && write.ConditionExpression?.includes('closing') ? 'gone' : 'moved';
    }
  }

  /** Record activity (SET lastSeenAt = now, epoch ms) — `ping`. False when the row no longer exists. */
  async touch(connectionId: string, now: number): Promise<boolean> {
    return applied('UpdateItem', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId },
          UpdateExpression: 'SET lastSeenAt = :now',
          ConditionExpression: 'attribute_exists(connectionId)',
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }

  /**
   * A rate bucket's stored state (core/rate-limit.ts): its theoretical arrival time `tat`
   * (epoch ms) in attribute `attribute`. `exists` is false when the connection row does not
   * exist; `tat` is undefined when the bucket was never used. Strongly consistent.
   */
  async getRateBucket(connectionId: string, attribute: string): Promise<{ exists: boolean; tat: unknown }> {
    const out = await send('GetItem', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { connectionId },
          ConsistentRead: true,
          ProjectionExpression: 'connectionId, #b',
          ExpressionAttributeNames: { '#b': attribute },
        }),
      ),
    );
    return { exists: out.Item !== undefined, tat: out.Item?.[attribute] };
  }

  /**
   * Store a granted token (core/rate-limit.ts `BucketWrite`) with one conditional UpdateItem,
   * never creating the row:
   * - `start`: SET `attribute` = `newTat` if it is absent or ≤ `now` (the bucket is still full);
   * - `advance`: SET `attribute` = `attribute` + `by` if it is ≤ `limit` (a token is still there).
   * False when the condition fails (the row changed since it was read, or is gone).
   */
  async writeRateBucket(connectionId: string, attribute: string, write: BucketWrite): Promise<boolean> {
    const input =
      write.kind === 'start'
        ? {
            UpdateExpression: 'SET #b = :tat',
            ConditionExpression: 'attribute_exists(connectionId) AND (attribute_not_exists(#b) OR #b <= :now)',
            ExpressionAttributeValues: { ':tat': write.newTat, ':now': write.now },
          }
        : {
            UpdateExpression: 'SET #b = #b + :by',
            ConditionExpression: 'attribute_exists(connectionId) AND #b <= :limit',
            ExpressionAttributeValues: { ':by': write.by, ':limit': write.limit },
          };
    return applied('UpdateItem', () =>
      this.client.send(new UpdateCommand({ TableName: this.tableName, Key: { connectionId }, ExpressionAttributeNames: { '#b': attribute }, ...input })),
    );
  }

  /**
   * The connections attached to a stream, one DynamoDB page at a time (Query on GSI
   * `byStream`, following LastEvaluatedKey — never a Scan). GSI reads are eventually
   * consistent: a connection attached a moment ago may be missing. `pageSize` sets the Query
   * `Limit` (tests force several pages with it); default: DynamoDB's 1 MB pages.
   */
  async *listByStream(streamId: string, opts: { pageSize?: number } = {}): AsyncIterable<StreamConnection[]> {
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: BY_STREAM_INDEX,
        KeyConditionExpression: 'streamId = :s',
        ExpressionAttributeValues: { ':s': streamId },
        ExclusiveStartKey: startKey,
        Limit: opts.pageSize,
      };
      const out = await send('Query', () => this.client.send(new QueryCommand(input)));
      const items = (out.Items ?? []).map((i) => ({
        connectionId: String(i.connectionId),
        userId: String(i.userId ?? ''),
        displayName: String(i.displayName ?? i.userId ?? ''),
        role: (i.role === 'player' ? 'player' : 'spectator') as Role,
      }));
      if (items.length > 0) yield items;
      startKey = out.LastEvaluatedKey;
      if (!startKey) return;
    }
    throw new Error(`listByStream(${streamId}): more than ${MAX_PAGES} pages`);
  }

  /** Presence counts of a stream, from `byStream`: every attached connection, by role. */
  async countByStream(streamId: string): Promise<PresenceCounts> {
    let players = 0;
    let spectators = 0;
    for await (const page of this.listByStream(streamId)) {
      for (const c of page) {
        if (c.role === 'player') players++;
        else spectators++;
      }
    }
    return { clients: players + spectators, players, spectators };
  }

  /**
   * Connections whose TTL (`expiresAt`, epoch **seconds**) is before `nowSeconds` — API
   * Gateway closes every connection at 2 h and does not guarantee `$disconnect`, and DynamoDB
   * TTL deletes lazily. No index on `expiresAt`: a Scan with a filter, for the once-a-minute
   * sweeper only; at most `maxItems` rows (default 1,000), a later sweep picks up the rest.
   */
  async listExpired(nowSeconds: number, opts: { maxItems?: number } = {}): Promise<ConnectionRow[]> {
    const max = opts.maxItems ?? 1000;
    const out: ConnectionRow[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES && out.length < max; page++) {
      const res = await send('Scan', () =>
        this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression: 'expiresAt < :now',
            ExpressionAttributeValues: { ':now': nowSeconds },
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const i of res.Items ?? []) if (out.length < max) out.push(i as ConnectionRow);
      startKey = res.LastEvaluatedKey;
      if (!startKey) break;
    }
    return out;
  }
}
