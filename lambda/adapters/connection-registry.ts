/**
 * The Connections table on DynamoDB (ports/connections.ts `ConnectionRegistry`): one row per
 * WebSocket connection, GSI `byStream` (PK `streamId`, SK `connectionId`) for fan-out.
 * Conditional failures become named errors (errors.ts) or `false`; other SDK failures that
 * outlive the SDK's retries become `ThrottledError`/`AwsServiceError`.
 */
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
import type { ConnectionRegistry, PresenceCounts, StreamConnection } from '../ports/connections';
import { applied, isConditionFailed, MAX_PAGES, send, type RepositoryOptions } from './dynamo-write';
import { NotFoundError } from '../ports/errors';

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
    const out = await send('GetItem', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { connectionId }, ConsistentRead: true })),
    );
    return out.Item as ConnectionRow | undefined;
  }

  /**
   * Attach a connection to a stream as `role` (SET streamId, role): from now on `byStream`
   * lists it and fan-out reaches it. Returns the updated row.
   * Throws {@link NotFoundError} (`connection`) when the row does not exist (it disconnected).
   */
  async attach(connectionId: string, streamId: string, role: Role): Promise<ConnectionRow> {
    try {
      const out = await send('UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { connectionId },
            UpdateExpression: 'SET streamId = :s, #role = :r',
            ConditionExpression: 'attribute_exists(connectionId)',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':s': streamId, ':r': role },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return out.Attributes as ConnectionRow;
    } catch (e) {
      if (isConditionFailed(e)) throw new NotFoundError('connection', connectionId);
      throw e;
    }
  }

  /**
   * Detach a connection from its stream (REMOVE streamId, role). Returns the row as it was
   * before (`old.streamId` is absent when it was on none), or undefined when the row does
   * not exist. Atomic: of two concurrent detaches only one sees the old `streamId`.
   */
  async detach(connectionId: string): Promise<ConnectionRow | undefined> {
    try {
      const out = await send('UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { connectionId },
            UpdateExpression: 'REMOVE streamId, #role',
            ConditionExpression: 'attribute_exists(connectionId)',
            ExpressionAttributeNames: { '#role': 'role' },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      return out.Attributes as ConnectionRow | undefined;
    } catch (e) {
      if (isConditionFailed(e)) return undefined;
      throw e;
    }
  }

  /** Delete a connection row; returns the deleted row (ReturnValues ALL_OLD) or undefined if there was none. */
  async delete(connectionId: string): Promise<ConnectionRow | undefined> {
    const out = await send('DeleteItem', () =>
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { connectionId }, ReturnValues: 'ALL_OLD' })),
    );
    return out.Attributes as ConnectionRow | undefined;
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
