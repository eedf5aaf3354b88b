/**
 * A shard's connections from the Connections table's `byStream` index (PK `streamId`, SK
 * `connectionId`, contract/tables.ts): one paginated Query whose key condition bounds the sort
 * key to the shard's range — `connectionId < :to` for the first shard, `>= :from` for the
 * last, `BETWEEN :from AND :to` between them (BETWEEN is inclusive: the id equal to `to`, which
 * belongs to the next shard, is dropped). Never a Scan, never a filter on the whole stream.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { BY_STREAM_INDEX } from '../../contract/tables';
import type { ShardRange } from '../core/shards';
import type { ShardConnections } from '../ports/shards';
import { MAX_PAGES, send, type RepositoryOptions } from './dynamo-write';

/** The key condition and its values for `range` of `streamId`. */
function keyCondition(streamId: string, range: ShardRange): Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeValues'> {
  const { from, to } = range;
  if (from !== undefined && to !== undefined) {
    return { KeyConditionExpression: 'streamId = :s AND connectionId BETWEEN :from AND :to', ExpressionAttributeValues: { ':s': streamId, ':from': from, ':to': to } };
  }
  if (from !== undefined) return { KeyConditionExpression: 'streamId = :s AND connectionId >= :from', ExpressionAttributeValues: { ':s': streamId, ':from': from } };
  if (to !== undefined) return { KeyConditionExpression: 'streamId = :s AND connectionId < :to', ExpressionAttributeValues: { ':s': streamId, ':to': to } };
  return { KeyConditionExpression: 'streamId = :s', ExpressionAttributeValues: { ':s': streamId } };
}

/** {@link ShardConnections} over DynamoDB: `new DynamoShardConnections({ client, tableName })` (the Connections table). */
export class DynamoShardConnections implements ShardConnections {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(opts: RepositoryOptions) {
    this.client = opts.client;
    this.tableName = opts.tableName;
  }

  /** See {@link ShardConnections.list}. Throws after {@link MAX_PAGES} pages, and as the SDK call does (dynamo-write.ts `send`). */
  async list(streamId: string, range: ShardRange, opts: { pageSize?: number } = {}): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: BY_STREAM_INDEX,
        ...keyCondition(streamId, range),
        ProjectionExpression: 'connectionId',
        ExclusiveStartKey: startKey,
        Limit: opts.pageSize,
      };
      const out = await send('Query', () => this.client.send(new QueryCommand(input)));
      for (const item of out.Items ?? []) {
        const id = String(item.connectionId);
        if (id !== range.to) ids.push(id);
      }
      startKey = out.LastEvaluatedKey;
      if (!startKey) return ids;
    }
    throw new Error(`shard of ${streamId} (${range.from ?? ''}…${range.to ?? ''}): more than ${MAX_PAGES} pages`);
  }
}
