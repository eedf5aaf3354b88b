/**
 * The Streams table on DynamoDB (ports/streams.ts `StreamStore`): the scheduler row of each
 * stream, GSI `byStatus` (PK `status`, SK `streamId`). Every epoch-conditional write that
 * loses maps DynamoDB's `ConditionalCheckFailedException` to `StaleEpochError`, a lost create
 * to `StreamExistsError`; other SDK failures that outlive the SDK's retries become
 * `ThrottledError`/`AwsServiceError`.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { StreamStatus } from '../../protocol/messages';
import { BY_STATUS_INDEX } from '../../contract/tables';
import type { StreamRow } from '../../contract/rows';
import type { CountCheck, StreamChanges, StreamStore, UpdateConditions } from '../ports/streams';
import { applied, isConditionFailed, MAX_PAGES, send, type RepositoryOptions } from './dynamo-write';
import { StaleEpochError, StreamExistsError } from '../ports/errors';

/**
 * Attributes a replacement ({@link DynamoStreamStore.create} with `replaceFinishedEpoch`)
 * keeps from the finished row: the count of the connections still attached under the id, and
 * the presence bookkeeping that counts it.
 */
const KEPT_ON_REPLACE = new Set(['clientCount', 'presenceVersion', 'presenceSentVersion', 'presenceSentAt', 'countToken', 'countCheck']);

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
   *
   * A replacement keeps the old row's `clientCount` (and its `presenceVersion`/
   * `presenceSentVersion`/`presenceSentAt`): connections still attached to the finished
   * stream keep their `streamId`, so `byStream` lists them under the new one — they are its
   * viewers, and each of them uncounts itself there when it leaves. It is an UpdateItem that
   * SETs every attribute of `row` but those and REMOVEs every other attribute the old row had;
   * `idleSince` then follows the kept count as {@link addClients} keeps it.
   */
  async create(row: StreamRow, opts: { replaceFinishedEpoch?: number } = {}): Promise<void> {
    const replace = opts.replaceFinishedEpoch;
    const old = replace === undefined ? undefined : await this.get(row.streamId, { consistent: true });
    if (!old) {
      // A row TTL-deleted since the caller read it is just as replaceable: a plain create.
      const created = await applied('PutItem', () =>
        this.client.send(new PutCommand({ TableName: this.tableName, Item: row, ConditionExpression: 'attribute_not_exists(streamId)' })),
      );
      if (!created) throw new StreamExistsError(row.streamId);
      return;
    }
    if (old.epoch !== replace || (old.status !== 'ended' && old.status !== 'failed')) throw new StreamExistsError(row.streamId);
    const names: Record<string, string> = { '#epoch': 'epoch', '#status': 'status' };
    const values: Record<string, unknown> = { ':old': replace, ':ended': 'ended', ':failed': 'failed' };
    const sets: string[] = [];
    let n = 0;
    for (const [key, value] of Object.entries(row)) {
      if (key === 'streamId' || KEPT_ON_REPLACE.has(key) || value === undefined) continue;
      const name = key === 'epoch' ? '#epoch' : key === 'status' ? '#status' : `#a${n}`;
      names[name] = key;
      values[`:v${n}`] = value;
      sets.push(`${name} = :v${n}`);
      n++;
    }
    // Written by other callers at any time, so removed even when the read did not show them.
    const stale = new Set([...Object.keys(old), 'controllersGoneSince', 'idleSince']);
    const removes: string[] = [];
    for (const key of stale) {
      if (key === 'streamId' || KEPT_ON_REPLACE.has(key) || (row as unknown as Record<string, unknown>)[key] !== undefined) continue;
      names[`#r${removes.length}`] = key;
      removes.push(`#r${removes.length}`);
    }
    values[':zero'] = 0;
    sets.push('clientCount = if_not_exists(clientCount, :zero)');
    let after: StreamRow;
    try {
      const out = await send('UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { streamId: row.streamId },
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: 'attribute_not_exists(streamId) OR (#epoch = :old AND #status IN (:ended, :failed))',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      after = out.Attributes as StreamRow;
    } catch (e) {
      if (isConditionFailed(e)) throw new StreamExistsError(row.streamId);
      throw e;
    }
    await this.fixIdleSince(after, row.idleSince ?? row.createdAt);
  }

  /**
   * Conditionally update a stream: succeeds only while the row's `epoch` equals
   * `expectedEpoch` (the fencing token) and, when given, `positionSeq` equals
   * `expectPositionSeq` and `status` is one of `expectStatus`. Returns the row after the
   * update (ReturnValues ALL_NEW). With no effective change it still checks the condition and
   * returns the current row.
   *
   * Each write stores a random `updateToken`: when its answer is lost (a 5xx after the write,
   * a timeout) and the SDK's retry fails the condition the write itself changed (a new
   * epoch, a claimed position), the row is read back and, still holding that token, returned
   * as this write's result — so a control, a seat or an end that went in is not taken for a
   * lost race (re-decided on a row it already changed, answered `conflict`, or never followed
   * by its broadcast and StartExecution).
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
    // The write's own id: a retry by the SDK after a lost answer finds it and knows the write went in.
    const token = randomBytes(16).toString('base64url');
    names['#token'] = 'updateToken';
    values[':token'] = token;
    sets.push('#token = :token');
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
      if (!isConditionFailed(e)) throw e;
      // Lost — or our own write went in, its answer was lost, and the SDK's retry found the
      // condition changed by it: then the row still carries our token (no later update since).
      const row = await this.get(streamId, { consistent: true });
      if (row && (row as StreamRow & { updateToken?: string }).updateToken === token) return row;
      throw new StaleEpochError(streamId, expectedEpoch);
    }
  }

  /**
   * Atomically add `delta` (±1) to a stream's `clientCount` — and 1 to its `presenceVersion`,
   * so {@link claimPresence} can tell which changes a `presence` broadcast covers — and keep
   * `idleSince` (epoch ms) true to it: present exactly while `clientCount` ≤ 0 (the idle TTL).
   * Returns the row after the change, or undefined when the stream row does not exist (it is
   * not created).
   *
   * Applied once: the ADD stores a random `countToken` and is conditional on the row not
   * holding that token yet, so when its answer is lost (a 5xx after the write, a timeout) the
   * SDK's retry finds its own token and changes nothing (the row is then read back). Only a
   * count change by another caller between the lost answer and the retry (a retry backoff,
   * well under a second) would let the retry apply twice — the window the reconciliation
   * (application/client-count.ts) closes.
   *
   * Concurrency: the count is one atomic ADD; `idleSince` is then fixed by a second
   * conditional write that only SETs it while the count is still ≤ 0 and only REMOVEs it while
   * the count is still > 0. Whichever ADD is last, its own fix-up (or a failed condition,
   * meaning a later ADD will fix it) leaves the row consistent. The count is never clamped.
   */
  async addClients(streamId: string, delta: number, now: number = Date.now()): Promise<StreamRow | undefined> {
    const token = randomBytes(16).toString('base64url');
    let row: StreamRow;
    try {
      const out = await send('UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { streamId },
            UpdateExpression: 'ADD clientCount :d, presenceVersion :one SET countToken = :t',
            ConditionExpression: 'attribute_exists(streamId) AND (attribute_not_exists(countToken) OR countToken <> :t)',
            ExpressionAttributeValues: { ':d': delta, ':one': 1, ':t': token },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      row = out.Attributes as StreamRow;
    } catch (e) {
      if (!isConditionFailed(e)) throw e;
      // No row — or the row already holds this token: the SDK retried a write that went in.
      const current = await this.get(streamId, { consistent: true });
      if (!current) return undefined;
      row = current;
    }
    return this.fixIdleSince(row, now);
  }

  /**
   * Make `idleSince` true to `row.clientCount` (SET to `now` while ≤ 0, REMOVEd while > 0),
   * each write conditional on the count still being so. Returns the row after (or `row`, when
   * nothing needed changing or a later count change owns the fix-up).
   */
  private async fixIdleSince(row: StreamRow, now: number): Promise<StreamRow> {
    const idle = row.clientCount <= 0;
    if (idle === (row.idleSince !== undefined)) return row;
    try {
      const out = await send('UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { streamId: row.streamId },
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
   * Record a reconciliation's look at the count (application/client-count.ts): SET
   * `countCheck = check` while `presenceVersion` is still `check.presenceVersion` (no count
   * change since the look). False when it changed meanwhile or the row is gone.
   */
  async noteCountCheck(streamId: string, check: CountCheck): Promise<boolean> {
    return this.updateIf({
      Key: { streamId },
      UpdateExpression: 'SET countCheck = :c',
      ConditionExpression: `attribute_exists(streamId) AND ${samePresenceVersion(check.presenceVersion)}`,
      ExpressionAttributeValues: { ':c': check, ':v': check.presenceVersion },
    });
  }

  /**
   * Repair a drifted count (application/client-count.ts): SET `clientCount = clients`, ADD 1
   * to `presenceVersion`, REMOVE `countCheck`, conditional on the row still holding
   * `check.clientCount` at `check.presenceVersion` (no count change since it was checked); then
   * `idleSince` follows the new count. Returns the row after, or undefined when the condition
   * failed (something changed: nothing was written).
   */
  async repairClientCount(streamId: string, check: CountCheck, clients: number, now: number = Date.now()): Promise<StreamRow | undefined> {
    let row: StreamRow;
    try {
      const out = await send('UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { streamId },
            UpdateExpression: 'SET clientCount = :n ADD presenceVersion :one REMOVE countCheck',
            ConditionExpression: `${samePresenceVersion(check.presenceVersion)} AND clientCount = :c`,
            ExpressionAttributeValues: { ':n': clients, ':one': 1, ':v': check.presenceVersion, ':c': check.clientCount },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      row = out.Attributes as StreamRow;
    } catch (e) {
      if (isConditionFailed(e)) return undefined;
      throw e;
    }
    return this.fixIdleSince(row, now);
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

/**
 * The condition "`presenceVersion` is still `:v`" — a row whose count never moved has no
 * `presenceVersion` yet, which reads as 0 (application/client-count.ts).
 */
function samePresenceVersion(v: number): string {
  return v === 0 ? '(attribute_not_exists(presenceVersion) OR presenceVersion = :v)' : 'presenceVersion = :v';
}
