import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { METRICS, METRIC_NAMES, METRICS_NAMESPACE, metricDimensions } from '../../contract/metrics';
import { PROJECT_ROOT, SERVICE_NAME } from '../../lib/function';
import { Monitoring, type MonitoringProps } from '../../lib/monitoring';
import { logicalId, testApp } from './support';

const ROLES = ['tick', 'control', 'connect'] as const;
const TABLES = ['connections', 'streams'] as const;

/** A bare stack with imported resources (no functions to bundle): only the construct's own resources are synthesized. */
function build(overrides: Partial<MonitoringProps> = {}) {
  const stack = new Stack(testApp(), 'Bare', { env: { account: '123456789012', region: 'eu-west-1' } });
  const webSocketApi = apigwv2.WebSocketApi.fromWebSocketApiAttributes(stack, 'Ws', { webSocketId: 'wsapi' });
  const props: MonitoringProps = {
    functions: Object.fromEntries(ROLES.map((r) => [r, lambda.Function.fromFunctionArn(stack, `Fn-${r}`, `arn:aws:lambda:eu-west-1:123456789012:function:fn-${r}`)])),
    tables: Object.fromEntries(TABLES.map((t) => [t, dynamodb.Table.fromTableName(stack, `Table-${t}`, `table-${t}`)])),
    stateMachine: sfn.StateMachine.fromStateMachineName(stack, 'Sm', 'Player'),
    webSocketApi,
    webSocketStage: apigwv2.WebSocketStage.fromWebSocketStageAttributes(stack, 'WsStage', { stageName: 'live', api: webSocketApi }),
    httpApi: apigwv2.HttpApi.fromHttpApiAttributes(stack, 'Http', { httpApiId: 'httpapi' }),
    // An override given as undefined replaces the default (to test the "is required" messages).
    ...overrides,
  };
  const monitoring = new Monitoring(stack, 'Monitoring', props);
  const template = Template.fromStack(stack);
  return { stack, monitoring, template, json: template.toJSON() as Record<string, any> };
}

const { monitoring, template, json } = build();
const topicRef = { Ref: logicalId(monitoring.topic) };
const alarmProps = (name: string) => json.Resources[logicalId(monitoring.alarms[name])].Properties;
const ofType = (t: string) => Object.values<any>(json.Resources).filter((r) => r.Type === t);
const dims = (d: Record<string, string>) => Object.entries(d).map(([Name, Value]) => ({ Name, Value }));

describe('contract/metrics', () => {
  it('names a unit, resolution and docstring for every metric; lateness is high-resolution', () => {
    for (const name of METRIC_NAMES) {
      expect(['Count', 'Milliseconds']).toContain(METRICS[name].unit);
      expect(METRICS[name].description.length).toBeGreaterThan(20);
    }
    expect(METRICS.FrameLateness).toMatchObject({ unit: 'Milliseconds', resolution: 1 });
    expect(METRICS.PostsFailed.dimensions).toEqual(['cause']);
    expect(METRICS.ActiveStreams.dimensions).toEqual(['mode', 'status']);
    expect(METRICS.MessagesRefused.dimensions).toEqual(['code']);
  });

  it('keeps the service dimension equal to POWERTOOLS_SERVICE_NAME of the functions', () => {
    expect(metricDimensions('FramesSent')).toEqual({ service: SERVICE_NAME });
  });

  it('refuses dimensions a metric lacks, missing dimensions and values outside the bounded sets', () => {
    expect(metricDimensions('PostsFailed', { cause: 'gone' })).toEqual({ service: 'matchcast', cause: 'gone' });
    expect(() => metricDimensions('PostsFailed')).toThrow('needs the dimension cause');
    expect(() => metricDimensions('PostsFailed', { cause: 'nope' })).toThrow('cause must be one of');
    expect(() => metricDimensions('FramesSent', { mode: 'pvp' })).toThrow('has no dimension mode');
  });
});

describe('Monitoring', () => {
  it('creates a topic without a physical name that denies non-TLS publishing', () => {
    const topics = ofType('AWS::SNS::Topic');
    expect(topics).toHaveLength(1);
    expect(topics[0].Properties.TopicName).toBeUndefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('subscribes an e-mail address only when alarmEmail is given', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withMail = build({ alarmEmail: 'ops@example.com' });
    withMail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: logicalId(withMail.monitoring.topic) },
    });
  });

  it('creates a dashboard without a physical name', () => {
    const dashboards = ofType('AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0].Properties.DashboardName).toBeUndefined();
    const body = JSON.stringify(dashboards[0].Properties.DashboardBody);
    for (const m of ['FrameLateness', 'FanOutTime', 'MessagesPosted', 'PostsFailed', 'ActiveStreams', 'Viewers', 'ConnectCount', 'MessageCount', 'ClientError', 'IntegrationError', 'ExecutionError', 'ExecutionsStarted', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ReadThrottleEvents', 'WriteThrottleEvents', '5xx', '4xx']) {
      expect([m, body.includes(m)]).toEqual([m, true]);
    }
  });

  it('sends every alarm and its return to OK to the topic, and names no alarm physically', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBe(Object.keys(monitoring.alarms).length);
    // 8 of the stack, 2 per function, 1 per table.
    expect(alarms.length).toBe(8 + 2 * ROLES.length + TABLES.length);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([topicRef]);
      expect(a.Properties.OKActions).toEqual([topicRef]);
      expect(a.Properties.AlarmName).toBeUndefined();
      expect(a.Properties.AlarmDescription).toContain('docs/OPERATIONS.md');
    }
  });

  it('names, in every alarm description, a section of docs/OPERATIONS.md that exists', () => {
    const headings = new Set([...readFileSync(join(PROJECT_ROOT, 'docs/OPERATIONS.md'), 'utf8').matchAll(/^### (.+)$/gm)].map((m) => m[1].trim()));
    for (const a of ofType('AWS::CloudWatch::Alarm')) {
      const section = /docs\/OPERATIONS\.md "([^"]+)"/.exec(a.Properties.AlarmDescription)?.[1];
      expect([a.Properties.AlarmDescription, section !== undefined && headings.has(section)]).toEqual([a.Properties.AlarmDescription, true]);
    }
  });

  it('lateness: p99 of FrameLateness over 250 ms (the default) in 3 of 5 minutes; missing data is healthy', () => {
    expect(alarmProps('FrameLatenessP99')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: 'FrameLateness',
      Dimensions: dims({ service: 'matchcast' }),
      ExtendedStatistic: 'p99',
      Period: 60,
      Threshold: 250,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
    expect(alarmProps('FrameLatenessP99').Statistic).toBeUndefined();
  });

  it('latenessP99ThresholdMs sets the threshold', () => {
    const b = build({ latenessP99ThresholdMs: 400 });
    expect(b.json.Resources[logicalId(b.monitoring.alarms.FrameLatenessP99)].Properties.Threshold).toBe(400);
  });

  it('tick failures and @connections throttling watch the custom metrics', () => {
    expect(alarmProps('TickFailures')).toMatchObject({
      Namespace: 'matchcast',
      MetricName: 'TickFailures',
      Dimensions: dims({ service: 'matchcast' }),
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarmProps('PostsThrottled')).toMatchObject({
      Namespace: 'matchcast',
      MetricName: 'PostsFailed',
      Dimensions: dims({ cause: 'throttled', service: 'matchcast' }), // CloudFormation lists them sorted by name
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
  });

  it('Player executions failed and timed out', () => {
    for (const [name, metricName] of [['ExecutionsFailed', 'ExecutionsFailed'], ['ExecutionsTimedOut', 'ExecutionsTimedOut']]) {
      const p = alarmProps(name);
      expect(p).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: metricName,
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(p.Dimensions).toEqual([{ Name: 'StateMachineArn', Value: expect.anything() }]);
      expect(JSON.stringify(p.Dimensions)).toContain('stateMachine:Player');
    }
  });

  it('Lambda errors and throttles of every function', () => {
    for (const role of ROLES) {
      for (const [name, metricName] of [[`Errors-${role}`, 'Errors'], [`Throttles-${role}`, 'Throttles']]) {
        expect(alarmProps(name)).toMatchObject({
          Namespace: 'AWS/Lambda',
          MetricName: metricName,
          Dimensions: dims({ FunctionName: `fn-${role}` }),
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('DynamoDB throttled requests of every table: ReadThrottleEvents + WriteThrottleEvents', () => {
    for (const t of TABLES) {
      const p = alarmProps(`DynamoDbThrottles-${t}`);
      expect(p).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
      const expression = p.Metrics.find((m: any) => m.Expression);
      expect(expression.Expression).toBe(`read_${t} + write_${t}`);
      const stat = (id: string) => p.Metrics.find((m: any) => m.Id === id).MetricStat;
      expect(stat(`read_${t}`)).toEqual({ Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'ReadThrottleEvents', Dimensions: dims({ TableName: `table-${t}` }) }, Period: 300, Stat: 'Sum' });
      expect(stat(`write_${t}`)).toEqual({ Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'WriteThrottleEvents', Dimensions: dims({ TableName: `table-${t}` }) }, Period: 300, Stat: 'Sum' });
    }
  });

  it('API Gateway: WebSocket execution and integration errors per stage, HTTP API 5xx', () => {
    expect(alarmProps('WebSocketExecutionErrors')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'ExecutionError',
      Dimensions: dims({ ApiId: 'wsapi', Stage: 'live' }),
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarmProps('WebSocketIntegrationErrors')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'IntegrationError',
      Dimensions: dims({ ApiId: 'wsapi', Stage: 'live' }),
      Statistic: 'Sum',
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarmProps('HttpApi5xx')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: dims({ ApiId: 'httpapi' }),
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('exposes the dashboard URL of its region', () => {
    expect(monitoring.dashboardUrl).toContain('.console.aws.amazon.com/cloudwatch/home?region=');
    expect(monitoring.dashboardUrl).toContain('#dashboards/dashboard/');
  });

  it('validates its props, naming the prop', () => {
    expect(() => build({ latenessP99ThresholdMs: 0 })).toThrow('latenessP99ThresholdMs');
    expect(() => build({ latenessP99ThresholdMs: Number.NaN })).toThrow('latenessP99ThresholdMs');
    expect(() => build({ latenessP99ThresholdMs: 4_000_000 })).toThrow('latenessP99ThresholdMs');
    expect(() => build({ alarmEmail: 'not-an-address' })).toThrow('alarmEmail');
    expect(() => build({ alarmEmail: '' })).toThrow('alarmEmail');
    expect(() => build({ functions: {} })).toThrow('functions must name at least one');
    expect(() => build({ functions: undefined as never })).toThrow('functions is required');
    expect(() => build({ tables: {} })).toThrow('tables must name at least one');
    expect(() => build({ functions: { 'Bad Role': lambda.Function.fromFunctionName(new Stack(), 'F', 'f') } })).toThrow('functions key "Bad Role"');
    expect(() => build({ stateMachine: undefined as never })).toThrow('stateMachine is required');
    expect(() => build({ webSocketStage: undefined as never })).toThrow('webSocketStage is required');
    expect(() => build({ httpApi: undefined as never })).toThrow('httpApi is required');
    const other = new Stack();
    const otherApi = apigwv2.WebSocketApi.fromWebSocketApiAttributes(other, 'Other', { webSocketId: 'other' });
    expect(() => build({ webSocketStage: apigwv2.WebSocketStage.fromWebSocketStageAttributes(other, 'S', { stageName: 'live', api: otherApi }) })).toThrow(
      'webSocketStage must be a stage of webSocketApi',
    );
  });
});
