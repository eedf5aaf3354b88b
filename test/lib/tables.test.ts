import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Tables } from '../../lib/tables';
import { logicalId, testApp } from './support';

function build(props?: ConstructorParameters<typeof Tables>[2]) {
  const stack = new Stack(testApp(), 'S');
  const tables = new Tables(stack, 'Tables', props);
  return { stack, tables, template: Template.fromStack(stack) };
}

describe('Tables', () => {
  const { tables, template } = build();
  const resource = (t: Parameters<typeof logicalId>[0]) => template.toJSON().Resources[logicalId(t)];

  it('creates three on-demand, AWS-managed-encrypted tables without physical names', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 3);
    for (const t of [tables.connections, tables.streams, tables.games]) {
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

  it('environment() names all three tables with the ENV variable names', () => {
    expect(Object.keys(tables.environment()).sort()).toEqual(['CONNECTIONS_TABLE', 'GAMES_TABLE', 'STREAMS_TABLE']);
  });
});
