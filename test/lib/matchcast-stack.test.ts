import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../contract/env';
import { MatchcastStack, type MatchcastStackProps } from '../../lib/matchcast-stack';
import { actionsOf, actionsOfRole, buildStack, logicalId, policyStatements, roleOfFunction, testApp } from './support';

const { stack, template, json } = buildStack();
const matchcastFunctions = Object.entries<any>(json.Resources).filter(
  ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['matchcast:entry'] !== undefined,
);

describe('MatchcastStack', () => {
  it('exports the endpoints and resource names as outputs with stable ids', () => {
    expect(Object.keys(json.Outputs).sort()).toEqual(
      ['CallbackUrl', 'ConnectionsTableName', 'GamesTableName', 'HttpApiUrl', 'JwtSecretArn', 'PlayerStateMachineArn', 'RecordingsBucketName', 'StreamsTableName', 'WebClientUrl', 'WebSocketUrl'].sort(),
    );
    template.hasOutput('PlayerStateMachineArn', { Value: { Ref: logicalId(stack.workflow.stateMachine) } });
    template.hasOutput('GamesTableName', { Value: { Ref: logicalId(stack.tables.games) } });
    expect(JSON.stringify(json.Outputs.WebSocketUrl.Value)).toContain('wss://');
    expect(JSON.stringify(json.Outputs.CallbackUrl.Value)).toContain('https://');
  });

  it('no IAM statement allows "*" or a whole service ("dynamodb:*", "s3:*", …)', () => {
    const allows = policyStatements(json).filter((p) => p.statement.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(10);
    const wild = allows.flatMap((p) => actionsOf(p.statement).filter((a) => a === '*' || a.endsWith(':*')).map((a) => `${p.policyId}: ${a}`));
    expect(wild).toEqual([]);
  });

  it('hard-codes no physical names (tables, bucket, functions, roles, secret, log groups)', () => {
    const keys = ['TableName', 'BucketName', 'FunctionName', 'RoleName', 'LogGroupName', 'Name'];
    const types = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret'];
    const named = Object.entries<any>(json.Resources).filter(([, r]) => types.includes(r.Type) && keys.some((k) => r.Properties?.[k] !== undefined));
    expect(named.map(([id]) => id)).toEqual([]);
  });

  it('only sets environment variables named in ENV (plus the two runtime settings)', () => {
    const allowed = new Set<string>([...Object.values(ENV), 'POWERTOOLS_SERVICE_NAME', 'NODE_OPTIONS']);
    const names = matchcastFunctions.flatMap(([, r]) => Object.keys(r.Properties.Environment.Variables));
    expect(names.filter((n) => !allowed.has(n))).toEqual([]);
  });

  it('gives every function that names a variable the same value (local mode runs them in one process)', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const [id, r] of matchcastFunctions) {
      for (const [k, v] of Object.entries(r.Properties.Environment.Variables)) {
        // The tick gets the state machine ARN formatted from its name (see player-workflow.ts).
        if (k === ENV.stateMachineArn) continue;
        const value = JSON.stringify(v);
        if (seen.has(k) && seen.get(k) !== value) clashes.push(`${id}: ${k}`);
        seen.set(k, value);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('runs the sweeper every minute with tables, bucket, control and post grants', () => {
    const sweeperId = logicalId(stack.sweeper.function);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [{ Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] }, Id: 'Target0', RetryPolicy: { MaximumRetryAttempts: 0 } }],
    });
    const env = json.Resources[sweeperId].Properties.Environment.Variables;
    expect(Object.keys(env)).toEqual(expect.arrayContaining([ENV.idleTtlSeconds, ENV.stateMachineArn, ENV.callbackUrl, ENV.recordingsBucket, ENV.gamesTable]));
    const actions = new Set(actionsOfRole(json, roleOfFunction(json, sweeperId)).map((a) => a.action));
    for (const a of ['dynamodb:Query', 'dynamodb:UpdateItem', 'states:StartExecution', 'states:DescribeExecution', 'execute-api:ManageConnections', 's3:GetObject']) {
      expect(actions).toContain(a);
    }
  });

  it('gives control and disconnect the Player state machine (they start and stop executions)', () => {
    for (const f of [stack.webSocket.controlFunction, stack.webSocket.disconnectFunction]) {
      expect(json.Resources[logicalId(f)].Properties.Environment.Variables[ENV.stateMachineArn]).toEqual({ Ref: logicalId(stack.workflow.stateMachine) });
    }
    expect(json.Resources[logicalId(stack.webSocket.controlFunction)].Properties.Environment.Variables[ENV.recordingsBucket]).toEqual({ Ref: logicalId(stack.recordings.bucket) });
  });

  it('social may read and clean up connections but not touch Step Functions or S3', () => {
    const actions = actionsOfRole(json, roleOfFunction(json, logicalId(stack.webSocket.socialFunction))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DeleteItem']));
    expect(actions.some((a) => a.startsWith('states:') || a.startsWith('s3:'))).toBe(false);
  });

  it('passes idleTtl, controllerGrace, maxStreamDuration, maxClientsPerStream and stageName down to the constructs that use them', () => {
    const custom = buildStack({ idleTtl: Duration.seconds(90), controllerGrace: Duration.seconds(45), maxStreamDuration: Duration.hours(1), maxClientsPerStream: 5, stageName: 'beta', removalPolicy: RemovalPolicy.DESTROY });
    const env = (f: Parameters<typeof logicalId>[0]) => custom.json.Resources[logicalId(f)].Properties.Environment.Variables;
    expect(env(custom.stack.webSocket.controlFunction)[ENV.idleTtlSeconds]).toBeUndefined();
    expect(env(custom.stack.sweeper.function)[ENV.idleTtlSeconds]).toBe('90');
    expect(env(custom.stack.sweeper.function)[ENV.controllerGraceSeconds]).toBe('45');
    expect(env(custom.stack.workflow.tickFunction)[ENV.maxStreamSeconds]).toBe('3600');
    expect(env(custom.stack.webSocket.controlFunction)[ENV.maxClientsPerStream]).toBe('5');
    custom.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'beta' });
    custom.template.allResources('AWS::DynamoDB::Table', Match.objectLike({ DeletionPolicy: 'Delete' }));
    custom.template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });

  describe('validates its props, naming the prop (each once, in the construct that uses it)', () => {
    it.each<[string, MatchcastStackProps]>([
      ['idleTtl', { idleTtl: Duration.millis(10) }],
      ['maxStreamDuration', { maxStreamDuration: Duration.millis(1500) }],
      ['controllerGrace', { controllerGrace: Duration.millis(500) }],
      ['maxClientsPerStream', { maxClientsPerStream: -1 }],
      ['maxClientsPerStream', { maxClientsPerStream: 2.5 }],
      ['stageName', { stageName: 'a/b' }],
      ['removalPolicy', { removalPolicy: 'keep' as RemovalPolicy }],
    ])('%s', (prop, props) => {
      expect(() => new MatchcastStack(testApp(), 'Matchcast', props)).toThrow(prop);
    });

    it('reports an invalid prop once, from its construct', () => {
      expect(() => new MatchcastStack(testApp(), 'Matchcast', { maxClientsPerStream: 0 })).toThrow(/^MatchcastWebSocketApi: maxClientsPerStream/);
      expect(() => new MatchcastStack(testApp(), 'Matchcast', { stageName: 'a/b' })).toThrow(/^MatchcastWebSocketApi: stageName/);
      expect(() => new MatchcastStack(testApp(), 'Matchcast', { idleTtl: Duration.millis(10) })).toThrow(/^Sweeper: idleTtl/);
      expect(() => new MatchcastStack(testApp(), 'Matchcast', { maxStreamDuration: Duration.millis(1500) })).toThrow(/^PlayerWorkflow: maxStreamDuration/);
    });
  });
});
