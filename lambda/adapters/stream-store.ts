/**
 * The Streams table on DynamoDB (ports/streams.ts `StreamStore`): the scheduler row of each
 * stream, GSI `byStatus` (PK `status`, SK `streamId`). Every epoch-conditional write that
 * loses maps DynamoDB's `ConditionalCheckFailedException` to `StaleEpochError`, a lost create
 * to `StreamExistsError`; other SDK failures that outlive the SDK's retries become
 * `ThrottledError`/`AwsServiceError`.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { StreamStatus } from '../../protocol/messages';
import { BY_STATUS_INDEX } from '../../contract/tables';
import type { StreamRow } from '../../contract/rows';
import type { StreamChanges, StreamStore, UpdateConditions } from '../ports/streams';
import { applied, isConditionFailed, MAX_PAGES, send, type RepositoryOptions } from './dynamo-write';
import { StaleEpochError, StreamExistsError } from '../ports/errors';

/** The Streams table: `new DynamoStreamStore({ client, tableName })`. */
export class DynamoStreamStore implements StreamStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(opts: RepositoryOptions) {
    this.client = opts.client;
    this.tableName = opts.tableName;
  }

  private updateIf(input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    return applied('UpdateItem', () => this.client.send(new UpdateCommand({ TableName: this.tableName, ...input })));
  }

  /** The stream row, or undefined. `consistent` asks for a strongly consistent read (before any decision). */
  async get(streamId: string, opts: { consistent?: boolean } = {}): Promise<StreamRow | undefined> {
    const out = await send('GetItem', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { streamId }, ConsistentRead: opts.consistent === true })),
    );
    return out.Item as StreamRow | undefined;
  }

  /**
   * Create a stream row — the dedup of stream keys (docs/ARCHITECTURE.md "Stream keys"): a
   * conditional put that succeeds only if no row has this id, or, with
   * `replaceFinishedEpoch`, only if the existing row is still that epoch and `ended`/`failed`
   * (a finished stream is replaced by a fresh one under the same key) or has meanwhile gone.
   * Throws {@link StreamExistsError} when the condition fails (someone else won the race).
   */
  async create(row: StreamRow, opts: { replaceFinishedEpoch?: number } = {}): Promise<void> {
    const replace = opts.replaceFinishedEpoch;
    const created = await applied('PutItem', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: row,
          ...(replace === undefined
            ? { ConditionExpression: 'attribute_not_exists(streamId)' }
            : {
                // A row TTL-deleted since the caller read it is just as replaceable.
                ConditionExpression: 'attribute_not_exists(streamId) OR (epoch = :old AND #status IN (:ended, :failed))',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':old': replace, ':ended': 'ended', ':failed': 'failed' },
              }),
        }),
      ),
    );
    if (!created) throw new StreamExistsError(row.streamId);
  }

  /**
   * Conditionally update a stream: succeeds only while the row's `epoch` equals
   * `expectedEpoch` (the fencing token) and, when given, `positionSeq` equals
   * `expectPositionSeq` and `status` is one of `expectStatus`. Returns the row after the
   * update (ReturnValues ALL_NEW). With no effective change it still checks the condition and
   * returns the current row.
   * Throws {@link StaleEpochError} when the condition fails or the row does not exist.
   */
  async update(streamId: string, expectedEpoch: number, changes: StreamChanges, opts: UpdateConditions = {}): Promise<StreamRow> {
    const names: Record<string, string> = { '#epoch': 'epoch' };
    const values: Record<string, unknown> = { ':expectedEpoch': expectedEpoch };
    const sets: string[] = [];
    const removes: string[] = [];
    let n = 0;
    for (const [key, value] of Object.entries(changes)) {
      if (key === 'streamId' || value === undefined) continue;
      const name = key === 'epoch' ? '#epoch' : `#a${n}`;
      names[name] = key;
      if (value === null) removes.push(name);
      else {
        values[`:v${n}`] = value;
        sets.push(`${name} = :v${n}`);
      }
      n++;
    }
    if (sets.length === 0 && removes.length === 0) sets.push('#epoch = :expectedEpoch');
    const conditions = ['#epoch = :expectedEpoch'];
    if (opts.expectPositionSeq !== undefined) {
      names['#positionSeq'] = 'positionSeq';
      values[':expectPositionSeq'] = opts.expectPositionSeq;
      conditions.push('#positionSeq = :expectPositionSeq');
    }
    if (opts.expectStatus !== undefined) {
      if (opts.expectStatus.length === 0) throw new StaleEpochError(streamId, expectedEpoch); // no status can match
      names['#status'] = 'status';
      const keys = opts.expectStatus.map((s, i) => {
        values[`:st${i}`] = s;
        return `:st${i}`;
      });
      conditions.push(`#status IN (${keys.join(', ')})`);
    }
    const update = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
      .filter(Boolean)
      .join(' ');
    try {
      const out = await send('UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { streamId },
            UpdateExpression: update,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return out.Attributes as StreamRow;
    } catch (e) {
      if (isConditionFailed(e)) throw new StaleEpochError(streamId, expectedEpoch);
      throw e;
    }
  }

  /**
   * Atomically add `delta` (±1) to a stream's `clientCount` — and 1 to its `presenceVersion`,
   * so {@link claimPresence} can tell which changes a `presence` broadcast covers — and keep
   * `idleSince` (epoch ms) true to it: present exactly while `clientCount` ≤ 0 (the idle TTL).
   * Returns the row after the change, or undefined when the stream row does not exist (it is
   * not created).
   *
   * Concurrency: the count is one atomic ADD; `idleSince` is then fixed by a second
   * conditional write that only SETs it while the count is still ≤ 0 and only REMOVEs it while
   * the count is still > 0. Whichever ADD is last, its own fix-up (or a failed condition,
   * meaning a later ADD will fix it) leaves the row consistent. The count is not clamped: a
   * double decrement (disconnect racing a 410 cleanup) would show as a negative count, which
   * reads as idle.
   */
  async addClients(streamId: string, delta: number, now: number = Date.now()): Promise<StreamRow | undefined> {
    let row: StreamRow;
    try {
      const out = await send('UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { streamId },
            UpdateExpression: 'ADD clientCount :d, presenceVersion :one',
            ConditionExpression: 'attribute_exists(streamId)',
            ExpressionAttributeValues: { ':d': delta, ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      row = out.Attributes as StreamRow;
    } catch (e) {
      if (isConditionFailed(e)) return undefined;
      throw e;
    }
    const idle = row.clientCount <= 0;
    if (idle === (row.idleSince !== undefined)) return row;
    try {
      const out = await send('UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { streamId },
            ...(idle
              ? {
                  UpdateExpression: 'SET idleSince = :now',
                  ConditionExpression: 'clientCount <= :zero AND attribute_not_exists(idleSince)',
                  ExpressionAttributeValues: { ':now': now, ':zero': 0 },
                }
              : {
                  UpdateExpression: 'REMOVE idleSince',
                  ConditionExpression: 'clientCount > :zero AND attribute_exists(idleSince)',
                  ExpressionAttributeValues: { ':zero': 0 },
                }),
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return out.Attributes as StreamRow;
    } catch (e) {
      if (isConditionFailed(e)) return row; // a later change owns the fix-up
      throw e;
    }
  }

  /**
   * Keep a stream's `controllersGoneSince` (epoch ms) true to whether a controller (`player`
   * connection) is attached: with `present` false it is SET to `now` unless already set;
   * with `present` true it is REMOVEd. Both writes are conditional, so a repeated call is a
   * no-op; a missing stream row is ignored.
   */
  async markControllers(streamId: string, present: boolean, now: number = Date.now()): Promise<void> {
    // A failed condition: already as asked, or no such stream.
    await this.updateIf({
      Key: { streamId },
      ...(present
        ? { UpdateExpression: 'REMOVE controllersGoneSince', ConditionExpression: 'attribute_exists(controllersGoneSince)' }
        : {
            UpdateExpression: 'SET controllersGoneSince = :now',
            ConditionExpression: 'attribute_exists(streamId) AND attribute_not_exists(controllersGoneSince)',
            ExpressionAttributeValues: { ':now': now },
          }),
    });
  }

  /**
   * Claim the right to broadcast the stream's `presence` now (at most one broadcast per
   * interval per stream): SET `presenceSentAt = now` and `presenceSentVersion =
   * presenceVersion`, conditional on `presenceSentAt` still being `seenAt` (absent when
   * undefined). True when claimed; false when another caller claimed first or the row is gone.
   */
  async claimPresence(streamId: string, seenAt: number | undefined, now: number = Date.now()): Promise<boolean> {
    return this.updateIf({
      Key: { streamId },
      UpdateExpression: 'SET presenceSentAt = :now, presenceSentVersion = presenceVersion',
      ConditionExpression:
        seenAt === undefined
          ? 'attribute_exists(presenceVersion) AND attribute_not_exists(presenceSentAt)'
          : 'attribute_exists(presenceVersion) AND presenceSentAt = :seen',
      ExpressionAttributeValues: { ':now': now, ...(seenAt === undefined ? {} : { ':seen': seenAt }) },
    });
  }

  /**
   * Every stream whose status is one of `statuses` (Query GSI `byStatus` once per status,
   * paginated — not a Scan). Eventually consistent. At most `maxItems` rows (default 5,000).
   */
  async listByStatus(statuses: readonly StreamStatus[], opts: { maxItems?: number; pageSize?: number } = {}): Promise<StreamRow[]> {
    const max = opts.maxItems ?? 5000;
    const out: StreamRow[] = [];
    for (const status of statuses) {
      let startKey: Record<string, unknown> | undefined;
      for (let page = 0; page < MAX_PAGES && out.length < max; page++) {
        const res = await send('Query', () =>
          this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: BY_STATUS_INDEX,
              KeyConditionExpression: '#status = :s',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':s': status },
              ExclusiveStartKey: startKey,
              Limit: opts.pageSize,
            }),
          ),
        );
        for (const i of res.Items ?? []) if (out.length < max) out.push(i as StreamRow);
        startKey = res.LastEvaluatedKey;
        if (!startKey) break;
      }
    }
    return out;
  }
}
