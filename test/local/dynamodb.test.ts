import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTimeToLiveCommand, DynamoDBClient, ListTablesCommand, UpdateTimeToLiveCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTables, startDynamo, type LocalDynamo } from '../../local/dynamodb';

const tables: CreateTableCommandInput[] = [
  {
    TableName: 'Connections',
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'connectionId', AttributeType: 'S' },
      { AttributeName: 'streamId', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'connectionId', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byStream',
        KeySchema: [
          { AttributeName: 'streamId', KeyType: 'HASH' },
          { AttributeName: 'connectionId', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  },
  {
    TableName: 'Games',
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'gameId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'gameId', KeyType: 'HASH' }],
  },
];

const clientFor = (endpoint: string) => {
  const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  return { raw, doc: DynamoDBDocumentClient.from(raw) };
};

describe('local DynamoDB (dynalite)', () => {
  let db: LocalDynamo;
  let raw: DynamoDBClient;
  let doc: DynamoDBDocumentClient;

  beforeAll(async () => {
    db = await startDynamo();
    await ensureTables(db.endpoint, tables);
    ({ raw, doc } = clientFor(db.endpoint));
  });

  afterAll(async () => {
    raw.destroy();
    await db.close();
  });

  it('listens on 127.0.0.1 and creates the tables (idempotently)', async () => {
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await ensureTables(db.endpoint, tables);
    const out = await raw.send(new ListTablesCommand({}));
    expect(out.TableNames).toEqual(['Connections', 'Games']);
  });

  it('puts and gets items', async () => {
    await doc.send(new PutCommand({ TableName: 'Games', Item: { gameId: 'g1', title: 'Final', durationMs: 1200 } }));
    const got = await doc.send(new GetCommand({ TableName: 'Games', Key: { gameId: 'g1' } }));
    expect(got.Item).toEqual({ gameId: 'g1', title: 'Final', durationMs: 1200 });
  });

  it('queries a GSI', async () => {
    for (const [connectionId, streamId] of [
      ['c1', 's1'],
      ['c2', 's1'],
      ['c3', 's2'],
    ]) {
      await doc.send(new PutCommand({ TableName: 'Connections', Item: { connectionId, streamId } }));
    }
    await doc.send(new PutCommand({ TableName: 'Connections', Item: { connectionId: 'c4' } })); // not in the sparse index
    const out = await doc.send(
      new QueryCommand({ TableName: 'Connections', IndexName: 'byStream', KeyConditionExpression: 'streamId = :s', ExpressionAttributeValues: { ':s': 's1' } }),
    );
    expect(out.Items?.map((i) => i.connectionId)).toEqual(['c1', 'c2']);
  });

  it('fails a conditional put with ConditionalCheckFailedException', async () => {
    const err = await doc
      .send(new PutCommand({ TableName: 'Games', Item: { gameId: 'g1' }, ConditionExpression: 'attribute_not_exists(gameId)' }))
      .catch((e: unknown) => e as Error);
    expect((err as Error).name).toBe('ConditionalCheckFailedException');
  });

  it('does not support UpdateTimeToLive (documented: TTL is skipped locally)', async () => {
    const err = await raw
      .send(new UpdateTimeToLiveCommand({ TableName: 'Games', TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }))
      .catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    const ttl = await raw.send(new DescribeTimeToLiveCommand({ TableName: 'Games' }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
  });
});

describe('local DynamoDB persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'matchcast-dynalite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps tables and items across a restart with the same path', async () => {
    const first = await startDynamo({ path: join(dir, 'db') });
    const c1 = clientFor(first.endpoint);
    try {
      await ensureTables(first.endpoint, tables);
      await c1.doc.send(new PutCommand({ TableName: 'Games', Item: { gameId: 'kept', title: 'Persisted' } }));
    } finally {
      c1.raw.destroy();
      await first.close();
    }

    const second = await startDynamo({ path: join(dir, 'db') });
    const c2 = clientFor(second.endpoint);
    try {
      await ensureTables(second.endpoint, tables); // idempotent across restarts
      const got = await c2.doc.send(new GetCommand({ TableName: 'Games', Key: { gameId: 'kept' } }));
      expect(got.Item).toEqual({ gameId: 'kept', title: 'Persisted' });
    } finally {
      c2.raw.destroy();
      await second.close();
    }
  });
});
