import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../contract/env';
import { MONITORING_CONTEXT_KEYS, MatchcastStack, monitoringFromContext, type MatchcastStackProps } from '../../lib/matchcast-stack';
import { actionsOf, actionsOfRole, buildStack, logicalId, policyStatements, roleOfFunction, testApp } from './support';

const { stack, template, json } = buildStack();
const matchcastFunctions = Object.entries<any>(json.Resources).filter(
  ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['matchcast:entry'] !== undefined,
);

describe('MatchcastStack', () => {
  it('exports the endpoints and resource names as outputs with stable ids', () => {
    expect(Object.keys(json.Outputs).sort()).toEqual(
      ['AlarmTopicArn', 'CallbackUrl', 'ConnectionsTableName', 'DashboardName', 'DashboardUrl', 'GamesTableName', 'HttpApiUrl', 'JwtSecretArn', 'PlayerStateMachineArn', 'RecordingsBucketName', 'StreamsTableName', 'WebClientUrl', 'WebSocketUrl'].sort(),
    );
    template.hasOutput('AlarmTopicArn', { Value: { Ref: logicalId(stack.monitoring.topic) } });
    template.hasOutput('DashboardName', { Value: { Ref: logicalId(stack.monitoring.dashboard) } });
    expect(JSON.stringify(json.Outputs.DashboardUrl.Value)).toContain('#dashboards/dashboard/');
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

  it('hard-codes no physical names (tables, bucket, functions, roles, secret, log groups, topic, dashboard, alarms)', () => {
    const keys = ['TableName', 'BucketName', 'FunctionName', 'RoleName', 'LogGroupName', 'Name', 'TopicName', 'DashboardName', 'AlarmName'];
    const types = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret', 'AWS::SNS::Topic', 'AWS::CloudWatch::Dashboard', 'AWS::CloudWatch::Alarm'];
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

  it('gives control the Player state machine (it starts and stops executions); disconnect has no workflow port', () => {
    expect(json.Resources[logicalId(stack.webSocket.disconnectFunction)].Properties.Environment.Variables[ENV.stateMachineArn]).toBeUndefined();
    for (const f of [stack.webSocket.controlFunction]) {
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

  it('monitors every matchcast function by its role, the Player, the three tables and both APIs', () => {
    const roles = matchcastFunctions.map(([, r]) => String(r.Metadata['matchcast:entry']).replace(/^lambda\/handlers\/(.*)\.ts$/, '$1')).sort();
    expect(roles).toHaveLength(11);
    const alarms = Object.keys(stack.monitoring.alarms);
    expect(alarms.filter((a) => a.startsWith('Errors-')).map((a) => a.slice('Errors-'.length)).sort()).toEqual(roles);
    expect(alarms.filter((a) => a.startsWith('Throttles-')).map((a) => a.slice('Throttles-'.length)).sort()).toEqual(roles);
    expect(alarms.filter((a) => a.startsWith('DynamoDbThrottles-')).sort()).toEqual(['DynamoDbThrottles-connections', 'DynamoDbThrottles-games', 'DynamoDbThrottles-streams']);
    const alarmOf = (name: string) => json.Resources[logicalId(stack.monitoring.alarms[name])].Properties;
    expect(alarmOf('Errors-tick').Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: logicalId(stack.workflow.tickFunction) } }]);
    expect(alarmOf('ExecutionsFailed').Dimensions).toEqual([{ Name: 'StateMachineArn', Value: { Ref: logicalId(stack.workflow.stateMachine) } }]);
    expect(alarmOf('WebSocketExecutionErrors').Dimensions).toEqual([
      { Name: 'ApiId', Value: { Ref: logicalId(stack.webSocket.api) } },
      { Name: 'Stage', Value: 'live' },
    ]);
    expect(alarmOf('HttpApi5xx').Dimensions).toEqual([{ Name: 'ApiId', Value: { Ref: logicalId(stack.httpApi.api) } }]);
    // No e-mail subscription unless alarmEmail is given.
    expect(Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::SNS::Subscription')).toEqual([]);
  });

  it('passes alarmEmail and latenessP99ThresholdMs to the monitoring', () => {
    const m = buildStack({ alarmEmail: 'ops@example.com', latenessP99ThresholdMs: 500, webClient: false });
    m.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    expect(m.json.Resources[logicalId(m.stack.monitoring.alarms.FrameLatenessP99)].Properties.Threshold).toBe(500);
  });

  it('reads alarmEmail and latenessP99ThresholdMs from the CDK context (strings, as the CLI passes them)', () => {
    const app = (context: Record<string, unknown>) => new App({ context });
    expect(monitoringFromContext(app({}))).toEqual({});
    expect(monitoringFromContext(app({ [MONITORING_CONTEXT_KEYS.alarmEmail]: 'ops@example.com', [MONITORING_CONTEXT_KEYS.latenessP99ThresholdMs]: '400' }))).toEqual({
      alarmEmail: 'ops@example.com',
      latenessP99ThresholdMs: 400,
    });
    expect(() => monitoringFromContext(app({ [MONITORING_CONTEXT_KEYS.latenessP99ThresholdMs]: 'fast' }))).toThrow('matchcast:latenessP99ThresholdMs');
    expect(() => monitoringFromContext(app({ [MONITORING_CONTEXT_KEYS.alarmEmail]: 42 }))).toThrow('matchcast:alarmEmail');
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
      ['alarmEmail', { alarmEmail: 'ops' }],
      ['latenessP99ThresholdMs', { latenessP99ThresholdMs: -1 }],
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
