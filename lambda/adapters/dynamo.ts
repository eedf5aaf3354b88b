/**
 * DynamoDB repositories for the three tables (DESIGN.md "Tables"): Connections, Streams,
 * Games. The only module that speaks DynamoDB. Every conditional write maps its
 * `ConditionalCheckFailedException` to a named error (errors.ts); other SDK failures that
 * outlive the SDK's retries (maxAttempts 5, which covers throttling) become
 * `ThrottledError`/`AwsServiceError`.
 *
 * Table names come from the environment (ENV.connectionsTable …) at first use. Endpoint:
 * the SDK's own `AWS_ENDPOINT_URL_DYNAMODB` (dynalite locally).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type PutCommandInput,
  type UpdateCommandInput,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ConnectionRow, GameRow, LiveChunk, StreamRow } from '../core/model';
import type { BucketWrite } from '../core/rate-limit';
import type { Role, StreamStatus } from '../../protocol/messages';
import { errorCode, lazy, SDK_MAX_ATTEMPTS, translate } from './aws';
import { ENV, requireEnv } from './config';
import { NotFoundError, StaleEpochError, StreamExistsError } from './errors';

import { BY_STATUS_INDEX, BY_STREAM_INDEX } from '../../contract/tables';

export { BY_STATUS_INDEX, BY_STREAM_INDEX };

const doc = lazy(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: SDK_MAX_ATTEMPTS }), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
const tables = lazy(() => ({
  connections: requireEnv(ENV.connectionsTable),
  streams: requireEnv(ENV.streamsTable),
  games: requireEnv(ENV.gamesTable),
}));

const isConditionFailed = (e: unknown): boolean => errorCode(e) === 'ConditionalCheckFailedException';

/** Send a command; translate SDK failures that have no domain meaning. */
async function send<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isConditionFailed(e)) throw e; // the caller maps it to its domain error
    throw translate('DynamoDB', operation, e);
  }
}

/**
 * Send one conditional write: true when it was applied, false when its condition failed;
 * other failures are translated and thrown.
 */
async function applied(operation: string, write: () => Promise<unknown>): Promise<boolean> {
  try {
    await send(operation, write);
    return true;
  } catch (e) {
    if (isConditionFailed(e)) return false;
    throw e;
  }
}

/** One conditional UpdateItem (`input` without a `ReturnValues` the caller needs): {@link applied}. */
const updateIf = (input: UpdateCommandInput): Promise<boolean> => applied('UpdateItem', () => doc().send(new UpdateCommand(input)));

/** One conditional PutItem: {@link applied}. */
const putIf = (input: PutCommandInput): Promise<boolean> => applied('PutItem', () => doc().send(new PutCommand(input)));

/** Upper bound on pages any paginated read walks (every loop here is bounded). */
const MAX_PAGES = 10_000;

// ---------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------

/** Write (or overwrite) a connection row — `$connect`. */
export async function putConnection(row: ConnectionRow): Promise<void> {
  await send('PutItem', () => doc().send(new PutCommand({ TableName: tables().connections, Item: row })));
}

/** The connection row, or undefined. Strongly consistent (a connection reads its own writes). */
export async function getConnection(connectionId: string): Promise<ConnectionRow | undefined> {
  const out = await send('GetItem', () =>
    doc().send(new GetCommand({ TableName: tables().connections, Key: { connectionId }, ConsistentRead: true })),
  );
  return out.Item as ConnectionRow | undefined;
}

/**
 * Attach a connection to a stream as `role` (SET streamId, role): from now on `byStream`
 * lists it and fan-out reaches it. Returns the updated row.
 * Throws {@link NotFoundError} (`connection`) when the row does not exist (it disconnected).
 */
export async function attachConnection(connectionId: string, streamId: string, role: Role): Promise<ConnectionRow> {
  try {
    const out = await send('UpdateItem', () =>
      doc().send(
        new UpdateCommand({
          TableName: tables().connections,
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
 * before (so the caller knows which stream to uncount — `old.streamId` is absent when it was
 * on none), or undefined when the connection row does not exist. Atomic: of two concurrent
 * detaches only one sees the old `streamId`.
 */
export async function detachConnection(connectionId: string): Promise<ConnectionRow | undefined> {
  try {
    const out = await send('UpdateItem', () =>
      doc().send(
        new UpdateCommand({
          TableName: tables().connections,
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
export async function deleteConnection(connectionId: string): Promise<ConnectionRow | undefined> {
  const out = await send('DeleteItem', () =>
    doc().send(new DeleteCommand({ TableName: tables().connections, Key: { connectionId }, ReturnValues: 'ALL_OLD' })),
  );
  return out.Attributes as ConnectionRow | undefined;
}

/**
 * Record activity (SET lastSeenAt = now, epoch ms) — the heartbeat (`ping`). Returns false
 * when the row no longer exists (it is not recreated).
 */
export async function touchConnection(connectionId: string, now: number): Promise<boolean> {
  return updateIf({
    TableName: tables().connections,
    Key: { connectionId },
    UpdateExpression: 'SET lastSeenAt = :now',
    ConditionExpression: 'attribute_exists(connectionId)',
    ExpressionAttributeValues: { ':now': now },
  });
}

/**
 * A rate bucket's stored state on a connection row (core/rate-limit.ts): its theoretical
 * arrival time `tat` (epoch ms) in attribute `attribute`. `exists` is false when the
 * connection row does not exist; `tat` is undefined when the bucket was never used.
 * Strongly consistent.
 */
export async function getRateBucket(connectionId: string, attribute: string): Promise<{ exists: boolean; tat: unknown }> {
  const out = await send('GetItem', () =>
    doc().send(
      new GetCommand({
        TableName: tables().connections,
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
 * Store a granted token (core/rate-limit.ts `BucketWrite`) with one conditional UpdateItem
 * on the connection row, never creating the row:
 * - `start`: SET `attribute` = `newTat` if it is absent or ≤ `now` (the bucket is still full);
 * - `advance`: SET `attribute` = `attribute` + `by` if it is ≤ `limit` (a token is still there).
 * Returns false when the condition fails (the row changed since it was read, or is gone):
 * the caller reads again and decides again.
 */
export async function writeRateBucket(connectionId: string, attribute: string, write: BucketWrite): Promise<boolean> {
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
  return updateIf({ TableName: tables().connections, Key: { connectionId }, ExpressionAttributeNames: { '#b': attribute }, ...input });
}

/** A connection as the `byStream` index projects it. */
export interface StreamConnection {
  connectionId: string;
  userId: string;
  displayName: string;
  role: Role;
}

/**
 * The connections attached to a stream, one DynamoDB page at a time (Query on GSI
 * `byStream`, following LastEvaluatedKey — never a Scan: DESIGN.md "Tables"). GSI reads are
 * eventually consistent: a connection attached a moment ago may be missing from this page.
 * `pageSize` sets the Query `Limit` (tests use it to force several pages); default: DynamoDB's
 * 1 MB pages.
 */
export async function* listStreamConnections(
  streamId: string,
  opts: { pageSize?: number } = {},
): AsyncIterable<StreamConnection[]> {
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const input: QueryCommandInput = {
      TableName: tables().connections,
      IndexName: BY_STREAM_INDEX,
      KeyConditionExpression: 'streamId = :s',
      ExpressionAttributeValues: { ':s': streamId },
      ExclusiveStartKey: startKey,
      Limit: opts.pageSize,
    };
    const out = await send('Query', () => doc().send(new QueryCommand(input)));
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
  throw new Error(`listStreamConnections(${streamId}): more than ${MAX_PAGES} pages`);
}

/** Presence counts of a stream, from `byStream`: every attached connection, by role. */
export async function countStreamConnections(
  streamId: string,
): Promise<{ clients: number; players: number; spectators: number }> {
  let players = 0;
  let spectators = 0;
  for await (const page of listStreamConnections(streamId)) {
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
 * TTL deletes lazily. There is no index on `expiresAt`, so this is a Scan with a filter,
 * for the once-a-minute sweeper only; it reads at most `maxItems` rows (default 1,000) and
 * a later sweep picks up the rest.
 */
export async function listExpiredConnections(
  nowSeconds: number,
  opts: { maxItems?: number } = {},
): Promise<ConnectionRow[]> {
  const max = opts.maxItems ?? 1000;
  const out: ConnectionRow[] = [];
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES && out.length < max; page++) {
    const res = await send('Scan', () =>
      doc().send(
        new ScanCommand({
          TableName: tables().connections,
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

// ---------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------

/** The stream row, or undefined. `consistent` asks for a strongly consistent read (before any decision). */
export async function getStream(streamId: string, opts: { consistent?: boolean } = {}): Promise<StreamRow | undefined> {
  const out = await send('GetItem', () =>
    doc().send(new GetCommand({ TableName: tables().streams, Key: { streamId }, ConsistentRead: opts.consistent === true })),
  );
  return out.Item as StreamRow | undefined;
}

/**
 * Create a stream row — the scheduler manager's dedup (DESIGN.md "Stream keys"): a
 * conditional put that succeeds only if no row has this id, or, with
 * `replaceFinishedEpoch`, only if the existing row is still that epoch and `ended`/`failed`
 * (a finished stream is replaced by a fresh one under the same key) or has meanwhile gone.
 * Throws {@link StreamExistsError} when the condition fails (someone else won the race).
 */
export async function createStream(row: StreamRow, opts: { replaceFinishedEpoch?: number } = {}): Promise<void> {
  const replace = opts.replaceFinishedEpoch;
  const created = await putIf({
    TableName: tables().streams,
    Item: row,
    ...(replace === undefined
      ? { ConditionExpression: 'attribute_not_exists(streamId)' }
      : {
          // A row TTL-deleted since the caller read it is just as replaceable.
          ConditionExpression: 'attribute_not_exists(streamId) OR (epoch = :old AND #status IN (:ended, :failed))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':old': replace, ':ended': 'ended', ':failed': 'failed' },
        }),
  });
  if (!created) throw new StreamExistsError(row.streamId);
}

/**
 * Changes to a stream row: each present key is SET; a key whose value is `null` is REMOVEd;
 * `undefined` values are ignored. `streamId` (the key) is never changed.
 */
export type StreamChanges = { [K in keyof StreamRow]?: StreamRow[K] | null };

/**
 * Conditionally update a stream: succeeds only while the row's `epoch` equals
 * `expectedEpoch` (the fencing token) and, when given, `positionSeq` equals
 * `expectPositionSeq` and `status` is one of `expectStatus`. Returns the row after the
 * update (ReturnValues ALL_NEW). With no effective change it still checks the condition and
 * returns the current row.
 * Throws {@link StaleEpochError} when the condition fails or the row does not exist.
 */
export async function updateStream(
  streamId: string,
  expectedEpoch: number,
  changes: StreamChanges,
  opts: { expectPositionSeq?: number; expectStatus?: StreamStatus[] } = {},
): Promise<StreamRow> {
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
      doc().send(
        new UpdateCommand({
          TableName: tables().streams,
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
 * so {@link claimPresence} can tell which changes a `presence` broadcast covers — and keep `idleSince` (epoch ms)
 * true to it: present exactly while `clientCount` ≤ 0 (the idle TTL, tennis seed "Cleanup
 * Strategy"). Returns the row after the change, or undefined when the stream row does not
 * exist (it is not created).
 *
 * Concurrency: the count is one atomic ADD; `idleSince` is then fixed by a second
 * conditional write that only SETs it while the count is still ≤ 0 and only REMOVEs it while
 * the count is still > 0. Whichever ADD is last, its own fix-up (or a failed condition,
 * meaning a later ADD will fix it) leaves the row consistent. The count is not clamped: a
 * double decrement (disconnect racing a 410 cleanup) would show as a negative count, which
 * reads as idle.
 */
export async function addClients(streamId: string, delta: number, now: number = Date.now()): Promise<StreamRow | undefined> {
  let row: StreamRow;
  try {
    const out = await send('UpdateItem', () =>
      doc().send(
        new UpdateCommand({
          TableName: tables().streams,
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
      doc().send(
        new UpdateCommand({
          TableName: tables().streams,
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
 * no-op; a missing stream row is ignored. The caller decides `present` (a count of the
 * stream's player connections, or the role it just attached).
 */
export async function markControllers(streamId: string, present: boolean, now: number = Date.now()): Promise<void> {
  // A failed condition: already as asked, or no such stream.
  await updateIf({
    TableName: tables().streams,
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
 * undefined). True when claimed — the claimant's broadcast then covers every count change
 * up to the version it recorded; false when another caller claimed first or the stream
 * row is gone.
 */
export async function claimPresence(streamId: string, seenAt: number | undefined, now: number = Date.now()): Promise<boolean> {
  return updateIf({
    TableName: tables().streams,
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
 * Uncount a connection that has just left its stream (its row already deleted or
 * detached): `clientCount` − 1, and when it was a `player` and no player connection is
 * left, start the stream's controller grace ({@link markControllers}). Returns the stream
 * row after the decrement, or undefined when the stream row does not exist.
 */
export async function leaveStream(left: Pick<ConnectionRow, 'streamId' | 'role'>, now: number = Date.now()): Promise<StreamRow | undefined> {
  if (!left.streamId) return undefined;
  const row = await addClients(left.streamId, -1, now);
  if (row && left.role === 'player' && row.mode !== 'spectate' && (await countStreamConnections(left.streamId)).players === 0) {
    await markControllers(left.streamId, false, now);
  }
  return row;
}

/**
 * Every stream whose status is one of `statuses` (Query GSI `byStatus` once per status,
 * paginated — not a Scan). Eventually consistent. At most `maxItems` rows (default 5,000).
 */
export async function listStreamsByStatus(
  statuses: readonly StreamStatus[],
  opts: { maxItems?: number; pageSize?: number } = {},
): Promise<StreamRow[]> {
  const max = opts.maxItems ?? 5000;
  const out: StreamRow[] = [];
  for (const status of statuses) {
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES && out.length < max; page++) {
      const res = await send('Query', () =>
        doc().send(
          new QueryCommand({
            TableName: tables().streams,
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

// ---------------------------------------------------------------------------------------
// Games
// ---------------------------------------------------------------------------------------

/**
 * Write (or overwrite) a catalog row — the index Lambda — but never over a live game's row
 * (its `chunks` are the only index of its frames). False when a live game has this id.
 */
export async function putGame(row: GameRow): Promise<boolean> {
  return putIf({ TableName: tables().games, Item: row, ConditionExpression: 'attribute_not_exists(live)' });
}

/** The catalog row, or undefined. `consistent` asks for a strongly consistent read (a live game's index before an append). */
export async function getGame(gameId: string, opts: { consistent?: boolean } = {}): Promise<GameRow | undefined> {
  const out = await send('GetItem', () =>
    doc().send(new GetCommand({ TableName: tables().games, Key: { gameId }, ConsistentRead: opts.consistent === true })),
  );
  return out.Item as GameRow | undefined;
}

/** Create a catalog row only if none has its id (a live game's `PUT`). False when one exists. */
export async function createGame(row: GameRow): Promise<boolean> {
  return putIf({ TableName: tables().games, Item: row, ConditionExpression: 'attribute_not_exists(gameId)' });
}

/**
 * Commit an append to a live game (core/live.ts `planAppend`): append `chunk` to `chunks`,
 * set `frameCount` and `durationMs`, drop the `keys` of the chunks at `forgetKeysOf` — on
 * condition that `frameCount` is still `expectFrameCount` and the game is still `live`.
 * This conditional write is what orders concurrent publishers. False when the condition
 * failed (another append won, or the game was finished): re-read and re-plan.
 */
export async function commitLiveAppend(
  gameId: string,
  expectFrameCount: number,
  append: { chunk: LiveChunk; frameCount: number; durationMs: number; forgetKeysOf: readonly number[] },
): Promise<boolean> {
  const remove = append.forgetKeysOf.map((i) => `chunks[${Math.floor(i)}].keys`);
  return updateIf({
    TableName: tables().games,
    Key: { gameId },
    UpdateExpression:
      'SET chunks = list_append(chunks, :chunk), frameCount = :n, durationMs = :d' + (remove.length ? ` REMOVE ${remove.join(', ')}` : ''),
    ConditionExpression: 'frameCount = :expect AND live = :live',
    ExpressionAttributeValues: { ':chunk': [append.chunk], ':n': append.frameCount, ':d': append.durationMs, ':expect': expectFrameCount, ':live': 'live' },
  });
}

/** Mark a live game finished (`live` → `finished`). False when it is not live (already finished, or recorded). */
export async function finishLiveGame(gameId: string): Promise<boolean> {
  return updateIf({
    TableName: tables().games,
    Key: { gameId },
    UpdateExpression: 'SET live = :finished',
    ConditionExpression: 'live = :live',
    ExpressionAttributeValues: { ':finished': 'finished', ':live': 'live' },
  });
}

/**
 * The catalog (Scan, paginated: the Games table is small — one row per recording), at most
 * `maxItems` rows (default 1,000), sorted by title for a stable listing.
 */
export async function listGames(opts: { maxItems?: number; pageSize?: number } = {}): Promise<GameRow[]> {
  const max = opts.maxItems ?? 1000;
  const out: GameRow[] = [];
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES && out.length < max; page++) {
    const res = await send('Scan', () =>
      doc().send(new ScanCommand({ TableName: tables().games, ExclusiveStartKey: startKey, Limit: opts.pageSize })),
    );
    for (const i of res.Items ?? []) if (out.length < max) out.push(i as GameRow);
    startKey = res.LastEvaluatedKey;
    if (!startKey) break;
  }
  return out.sort((a, b) => a.title.localeCompare(b.title) || a.gameId.localeCompare(b.gameId));
}
