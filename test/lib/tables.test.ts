import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Tables } from '../../lib/tables';
import { DEFAULT_USER_QUOTAS } from '../../contract/defaults';
import { logicalId, testApp } from './support';

function build(props?: ConstructorParameters<typeof Tables>[2]) {
  const stack = new Stack(testApp(), 'S');
  const tables = new Tables(stack, 'Tables', props);
  return { stack, tables, template: Template.fromStack(stack) };
}

describe('Tables', () => {
  const { tables, template } = build();
  const resource = (t: Parameters<typeof logicalId>[0]) => template.toJSON().Resources[logicalId(t)];

  it('creates four on-demand, AWS-managed-encrypted tables without physical names', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 4);
    for (const t of [tables.connections, tables.streams, tables.games, tables.quotas]) {
      const p = resource(t).Properties;
      expect(p.BillingMode).toBe('PAY_PER_REQUEST');
      expect(p.SSESpecification).toEqual({ SSEEnabled: true });
      expect(p.TableName).toBeUndefined();
    }
  });

  it('Connections: PK connectionId, TTL expiresAt, GSI byStream (streamId, connectionId) INCLUDE userId/displayName/role', () => {
    expect(resource(tables.connections).Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'connectionId', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStream',
          KeySchema: [
            { AttributeName: 'streamId', KeyType: 'HASH' },
            { AttributeName: 'connectionId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['userId', 'displayName', 'role'] },
        },
      ],
    });
    expect(resource(tables.connections).Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'connectionId', AttributeType: 'S' },
        { AttributeName: 'streamId', AttributeType: 'S' },
      ]),
    );
    expect(resource(tables.connections).Properties.PointInTimeRecoverySpecification).toBeUndefined();
  });

  it('Streams: PK streamId, TTL expiresAt, PITR, GSI byStatus (status, streamId) ALL', () => {
    expect(resource(tables.streams).Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'streamId', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'streamId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('Games: PK gameId, PITR, no TTL, no GSI', () => {
    const p = resource(tables.games).Properties;
    expect(p.KeySchema).toEqual([{ AttributeName: 'gameId', KeyType: 'HASH' }]);
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.TimeToLiveSpecification).toBeUndefined();
    expect(p.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('keeps Games and destroys the transient tables by default', () => {
    expect(resource(tables.games).DeletionPolicy).toBe('Retain');
    expect(resource(tables.connections).DeletionPolicy).toBe('Delete');
    expect(resource(tables.streams).DeletionPolicy).toBe('Delete');
  });

  it('applies an explicit removalPolicy to all three', () => {
    const t = build({ removalPolicy: RemovalPolicy.RETAIN }).template;
    t.allResources('AWS::DynamoDB::Table', Match.objectLike({ DeletionPolicy: 'Retain' }));
  });

  it('names removalPolicy when it is not a RemovalPolicy', () => {
    expect(() => build({ removalPolicy: 'sometimes' as RemovalPolicy })).toThrow('removalPolicy');
  });

  it('environment() names all four tables with the ENV variable names, and the per-user quotas', () => {
    expect(Object.keys(tables.environment()).sort()).toEqual(['CONNECTIONS_TABLE', 'GAMES_TABLE', 'QUOTAS_TABLE', 'STREAMS_TABLE', 'USER_QUOTAS']);
    expect(JSON.parse(tables.environment().USER_QUOTAS)).toEqual(DEFAULT_USER_QUOTAS);
  });

  it('Quotas: PK pk, TTL expiresAt; userQuotas overrides a default and names a bad resource', () => {
    expect(resource(tables.quotas).Properties).toMatchObject({ KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    const s = new Stack(testApp(), 'Q');
    expect(JSON.parse(new Tables(s, 'T', { userQuotas: { connections: 3 } }).environment().USER_QUOTAS)).toEqual({ ...DEFAULT_USER_QUOTAS, connections: 3 });
    expect(() => new Tables(new Stack(testApp(), 'R'), 'T', { userQuotas: { liveGames: 0 } })).toThrow(/liveGames/);
  });
});
