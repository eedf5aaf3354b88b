import { Duration, Stack, Token } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  DIMENSION_VALUES,
  METRICS,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  POST_FAILURE_CAUSES,
  SERVICE_DIMENSION,
  metricDimensions,
  type MetricDimension,
  type MetricName,
} from '../contract/metrics';
import { suppress } from './nag';

/** Function roles and table names: lower-case words joined by `-` (they become construct ids and labels). */
const NAME = /^[a-z][a-zA-Z0-9-]*$/;
/** A plain e-mail address: something@domain.tld, no spaces (what an SNS `email` subscription takes). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Upper bound of `latenessP99ThresholdMs`: one hour (a frame later than that is not "as if live"). */
const MAX_LATENESS_THRESHOLD_MS = 3_600_000;

/** Properties of {@link Monitoring}. */
export interface MonitoringProps {
  /**
   * The functions to watch, by role (`tick`, `control`, `connect`, `disconnect`, `social`,
   * `sweeper`, `http-api`, `authorize`, `http-authorize`, `indexer`, …). Each gets an Errors and a
   * Throttles alarm and a line in the dashboard's Lambda graphs. At least one; roles match
   * `^[a-z][a-zA-Z0-9-]*$`.
   */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The Player state machine (its executions started / failed / timed out). */
  readonly stateMachine: sfn.IStateMachine;
  /**
   * The DynamoDB tables to watch, by name (`connections`, `streams`, `games`). Each gets a
   * throttle alarm (ReadThrottleEvents + WriteThrottleEvents). At least one; names match
   * `^[a-z][a-zA-Z0-9-]*$`.
   */
  readonly tables: Readonly<Record<string, dynamodb.ITable>>;
  /** The WebSocket API (its metrics are read per stage, see `webSocketStage`). */
  readonly webSocketApi: apigwv2.IWebSocketApi;
  /** A stage of `webSocketApi` (its `api` must be that very API): metrics with dimensions `ApiId`, `Stage`. */
  readonly webSocketStage: apigwv2.IWebSocketStage;
  /** The HTTP API of publishers and operators: metrics with dimension `ApiId`. */
  readonly httpApi: apigwv2.IHttpApi;
  /**
   * The lateness alarm fires when the p99 of `FrameLateness` (post time − due time) stays above
   * this many milliseconds. A positive number, at most 3,600,000 (one hour).
   * @default 250
   */
  readonly latenessP99ThresholdMs?: number;
  /**
   * An e-mail address subscribed to the alarm topic (SNS sends a confirmation mail first; the
   * subscription delivers once it is confirmed). A plain address `name@domain.tld`.
   * @default - no subscription: subscribe to the topic (output AlarmTopicArn) yourself
   */
  readonly alarmEmail?: string;
}

/**
 * Monitoring of matchcast (docs/OPERATIONS.md "Alarms"): an SNS alarm topic, a CloudWatch
 * dashboard and the alarms, on the custom metrics of contract/metrics.ts (namespace
 * `matchcast`) and on the AWS metrics of the functions, the Player state machine, the tables
 * and both APIs.
 *
 * - The topic has no physical name, denies publishing without TLS (cdk-nag AwsSolutions-SNS3)
 *   and, with `alarmEmail`, an e-mail subscription. It is not KMS-encrypted: see the
 *   AwsSolutions-SNS2 suppression below.
 * - The dashboard (no physical name): streams and viewers, frame lateness p50/p99, fan-out
 *   time, posts by outcome, the session counters, the tick, errors / throttles / duration of
 *   every function, Player executions, DynamoDB throttles, and for both APIs the connections,
 *   messages and errors (AWS/ApiGateway metric names: API Gateway Developer Guide, "Monitor
 *   WebSocket API execution with CloudWatch metrics" and "Monitor CloudWatch metrics for HTTP
 *   APIs"), plus the state of every alarm.
 * - The alarms ({@link alarms}), each with the topic as alarm and OK action. Where silence is
 *   healthy (no frames, no errors) a missing data point counts as not breaching.
 *
 * @throws Error naming the prop (`functions`, `stateMachine`, `tables`, `webSocketApi`,
 *   `webSocketStage` (also when it is not a stage of `webSocketApi`), `httpApi`,
 *   `latenessP99ThresholdMs`, `alarmEmail`) when it is missing or invalid.
 */
export class Monitoring extends Construct {
  /** Where every alarm sends its ALARM and OK notifications. */
  public readonly topic: sns.Topic;
  /** The operators' dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /**
   * Every alarm by name: `FrameLatenessP99`, `TickFailures`, `ExecutionsFailed`,
   * `ExecutionsTimedOut`, `PostsThrottled`, `WebSocketExecutionErrors`,
   * `WebSocketIntegrationErrors`, `HttpApi5xx`, `Errors-<role>` and `Throttles-<role>` per
   * function, `DynamoDbThrottles-<table>` per table.
   */
  public readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** The lateness threshold in ms, validated (default 250). */
  public readonly latenessP99ThresholdMs: number;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const v = validateProps(props);
    this.latenessP99ThresholdMs = v.latenessP99ThresholdMs;

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'matchcast alarms',
      enforceSSL: true,
    });
    suppress(
      this.topic,
      'SNS2',
      'CloudWatch alarms can publish to an encrypted topic only if its KMS key policy lets cloudwatch.amazonaws.com use the key, which the AWS managed key aws/sns never does (Amazon SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted topics"). The notifications carry alarm names, states and metric values only, no viewer or game data; they travel over TLS only (the topic policy denies aws:SecureTransport false).',
    );
    if (v.alarmEmail !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(v.alarmEmail));

    const alarms: Record<string, cloudwatch.Alarm> = {};
    const alarmAction = new actions.SnsAction(this.topic);
    const alarm = (name: string, p: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const a = new cloudwatch.Alarm(this, name, p);
      a.addAlarmAction(alarmAction);
      a.addOkAction(alarmAction);
      alarms[name] = a;
      return a;
    };
    const atLeastOne = {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    } as const;
    const fiveMinutes = Duration.minutes(5);
    const minute = Duration.minutes(1);

    // --- the custom metrics (contract/metrics.ts)
    alarm('FrameLatenessP99', {
      metric: custom('FrameLateness', { statistic: 'p99', period: minute }),
      threshold: v.latenessP99ThresholdMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Frames reach API Gateway late: p99 of FrameLateness (post time − due time) above ${v.latenessP99ThresholdMs} ms in 3 of 5 minutes. docs/OPERATIONS.md "Frame lateness".`,
    });
    alarm('TickFailures', {
      metric: custom('TickFailures', { statistic: 'Sum', period: fiveMinutes }),
      ...atLeastOne,
      evaluationPeriods: 1,
      alarmDescription: 'A tick failed (the stream ended as failed, or the tick threw). docs/OPERATIONS.md "Tick failures".',
    });
    alarm('PostsThrottled', {
      metric: custom('PostsFailed', { statistic: 'Sum', period: minute, dimensions: { cause: 'throttled' } }),
      ...atLeastOne,
      evaluationPeriods: 5,
      datapointsToAlarm: 2,
      alarmDescription: '@connections POSTs throttled by the account\'s API Gateway request rate (PostsFailed cause=throttled) in 2 of 5 minutes. docs/OPERATIONS.md "@connections throttling".',
    });

    // --- the Player workflow
    alarm('ExecutionsFailed', {
      metric: v.stateMachine.metricFailed({ statistic: 'Sum', period: fiveMinutes }),
      ...atLeastOne,
      evaluationPeriods: 1,
      alarmDescription: 'A Player execution failed. docs/OPERATIONS.md "Player executions failed or timed out".',
    });
    alarm('ExecutionsTimedOut', {
      metric: v.stateMachine.metricTimedOut({ statistic: 'Sum', period: fiveMinutes }),
      ...atLeastOne,
      evaluationPeriods: 1,
      alarmDescription: 'A Player execution timed out. docs/OPERATIONS.md "Player executions failed or timed out".',
    });

    // --- every function
    for (const [role, fn] of Object.entries(v.functions)) {
      alarm(`Errors-${role}`, {
        metric: fn.metricErrors({ statistic: 'Sum', period: fiveMinutes }),
        ...atLeastOne,
        evaluationPeriods: 1,
        alarmDescription: `The ${role} function failed an invocation (Lambda Errors). docs/OPERATIONS.md "Lambda errors".`,
      });
      alarm(`Throttles-${role}`, {
        metric: fn.metricThrottles({ statistic: 'Sum', period: fiveMinutes }),
        ...atLeastOne,
        evaluationPeriods: 1,
        alarmDescription: `Lambda throttled the ${role} function (account or reserved concurrency). docs/OPERATIONS.md "Lambda throttles".`,
      });
    }

    // --- every table
    for (const [name, table] of Object.entries(v.tables)) {
      alarm(`DynamoDbThrottles-${name}`, {
        metric: tableThrottles(name, table, fiveMinutes),
        ...atLeastOne,
        evaluationPeriods: 1,
        alarmDescription: `DynamoDB throttled requests to the ${name} table (ReadThrottleEvents + WriteThrottleEvents). docs/OPERATIONS.md "DynamoDB throttles".`,
      });
    }

    // --- the APIs
    alarm('WebSocketExecutionErrors', {
      metric: v.webSocketStage.metric('ExecutionError', { statistic: 'Sum', period: fiveMinutes }),
      ...atLeastOne,
      evaluationPeriods: 1,
      alarmDescription: 'API Gateway could not call a WebSocket route\'s integration (ExecutionError). docs/OPERATIONS.md "API Gateway errors".',
    });
    alarm('WebSocketIntegrationErrors', {
      metric: v.webSocketStage.metric('IntegrationError', { statistic: 'Sum', period: fiveMinutes }),
      threshold: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      evaluationPeriods: 1,
      alarmDescription: 'WebSocket route functions answered with an error (IntegrationError, at least 5 in 5 minutes). docs/OPERATIONS.md "API Gateway errors".',
    });
    alarm('HttpApi5xx', {
      metric: v.httpApi.metricServerError({ statistic: 'Sum', period: fiveMinutes }),
      ...atLeastOne,
      evaluationPeriods: 1,
      alarmDescription: 'The HTTP API answered 5xx. docs/OPERATIONS.md "API Gateway errors".',
    });
    this.alarms = alarms;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: dashboardRows(v, Object.values(alarms)),
    });
  }

  /** The dashboard's console URL, `https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#dashboards/dashboard/{name}`. */
  public get dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${this.dashboard.dashboardName}`;
  }
}

interface Validated {
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly stateMachine: sfn.IStateMachine;
  readonly tables: Readonly<Record<string, dynamodb.ITable>>;
  readonly webSocketApi: apigwv2.IWebSocketApi;
  readonly webSocketStage: apigwv2.IWebSocketStage;
  readonly httpApi: apigwv2.IHttpApi;
  readonly latenessP99ThresholdMs: number;
  readonly alarmEmail?: string;
}

function validateProps(props: MonitoringProps): Validated {
  const named = <T>(prop: 'functions' | 'tables', record: Readonly<Record<string, T>> | undefined): Readonly<Record<string, T>> => {
    if (!record || typeof record !== 'object') throw new Error(`Monitoring: ${prop} is required`);
    const entries = Object.entries(record);
    if (entries.length === 0) throw new Error(`Monitoring: ${prop} must name at least one`);
    for (const [name, value] of entries) {
      if (!NAME.test(name)) throw new Error(`Monitoring: ${prop} key "${name}" must match ${NAME}`);
      if (!value) throw new Error(`Monitoring: ${prop}.${name} is undefined`);
    }
    return record;
  };
  const functions = named('functions', props?.functions);
  const tables = named('tables', props.tables);
  for (const prop of ['stateMachine', 'webSocketApi', 'webSocketStage', 'httpApi'] as const) {
    if (!props[prop]) throw new Error(`Monitoring: ${prop} is required`);
  }
  if (props.webSocketStage.api !== props.webSocketApi) throw new Error('Monitoring: webSocketStage must be a stage of webSocketApi');
  const latenessP99ThresholdMs = props.latenessP99ThresholdMs ?? 250;
  if (typeof latenessP99ThresholdMs !== 'number' || !(latenessP99ThresholdMs > 0) || latenessP99ThresholdMs > MAX_LATENESS_THRESHOLD_MS) {
    throw new Error(`Monitoring: latenessP99ThresholdMs must be a positive number of milliseconds, at most ${MAX_LATENESS_THRESHOLD_MS}, got ${String(latenessP99ThresholdMs)}`);
  }
  const { alarmEmail } = props;
  if (alarmEmail !== undefined && !(typeof alarmEmail === 'string' && (Token.isUnresolved(alarmEmail) || EMAIL.test(alarmEmail)))) {
    throw new Error(`Monitoring: alarmEmail must be an e-mail address (name@domain.tld), got ${JSON.stringify(alarmEmail)}`);
  }
  return {
    functions,
    tables,
    stateMachine: props.stateMachine,
    webSocketApi: props.webSocketApi,
    webSocketStage: props.webSocketStage,
    httpApi: props.httpApi,
    latenessP99ThresholdMs,
    alarmEmail,
  };
}

/** Options of {@link custom}. */
interface CustomMetricOptions {
  readonly statistic: string;
  readonly period: Duration;
  readonly dimensions?: Partial<Record<MetricDimension, string>>;
  readonly label?: string;
}

/** A custom metric of contract/metrics.ts, with its full dimensions (`service` included). */
function custom(name: MetricName, o: CustomMetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: metricDimensions(name, o.dimensions),
    statistic: o.statistic,
    period: o.period,
    ...(o.label ? { label: o.label } : {}),
  });
}

/**
 * A graph-only SEARCH over every value of a metric's own dimensions (`ActiveStreams` by mode
 * and status, `MessagesRefused` by code): one line per combination that has data. CloudWatch
 * alarms cannot use SEARCH; the dashboard can.
 */
function searchAll(name: MetricName, statistic: string, period: Duration): cloudwatch.MathExpression {
  const dims = [SERVICE_DIMENSION, ...METRICS[name].dimensions].sort();
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${dims.join(',')}} MetricName="${name}" ${SERVICE_DIMENSION}="${METRICS_SERVICE}"', '${statistic}', ${period.toSeconds()})`,
    usingMetrics: {},
    label: '',
    period,
  });
}

/** ReadThrottleEvents + WriteThrottleEvents of `table` (AWS/DynamoDB, dimension TableName), summed per period. */
function tableThrottles(name: string, table: dynamodb.ITable, period: Duration): cloudwatch.MathExpression {
  // Metric ids are unique per graph (one graph shows every table): read_<name>, write_<name>.
  const id = name.replace(/[^A-Za-z0-9]/g, '_');
  return new cloudwatch.MathExpression({
    expression: `read_${id} + write_${id}`,
    usingMetrics: {
      [`read_${id}`]: table.metric('ReadThrottleEvents', { statistic: 'Sum', period }),
      [`write_${id}`]: table.metric('WriteThrottleEvents', { statistic: 'Sum', period }),
    },
    label: `${name} throttled`,
    period,
  });
}

/** The dashboard, row by row (24 columns wide). */
function dashboardRows(v: Validated, alarms: cloudwatch.IAlarm[]): cloudwatch.IWidget[][] {
  const minute = Duration.minutes(1);
  const fiveMinutes = Duration.minutes(5);
  const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
    new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...extra });
  const fns = Object.entries(v.functions);
  const ws = (metricName: string, label: string) => v.webSocketStage.metric(metricName, { statistic: 'Sum', period: fiveMinutes, label });

  return [
    [
      new cloudwatch.TextWidget({
        markdown:
          '# matchcast\nStreams, frame lateness and fan-out come from the functions\' custom metrics (namespace `matchcast`, contract/metrics.ts); the rest are AWS metrics. What each alarm means and what to do: docs/OPERATIONS.md "Alarms".',
        width: 24,
        height: 2,
      }),
    ],
    [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 })],
    [
      graph('Streams by mode and status', [searchAll('ActiveStreams', 'Maximum', minute)], { stacked: true }),
      graph('Viewers', [custom('Viewers', { statistic: 'Maximum', period: minute, label: 'connections attached' })]),
      graph('Joins, rejoins, snapshot reads', [
        custom('Joins', { statistic: 'Sum', period: fiveMinutes, label: 'joins' }),
        custom('Rejoins', { statistic: 'Sum', period: fiveMinutes, label: 'rejoins' }),
        custom('SnapshotReads', { statistic: 'Sum', period: fiveMinutes, label: 'snapshot reads' }),
      ]),
    ],
    [
      graph(
        'Frame lateness (ms)',
        [
          custom('FrameLateness', { statistic: 'p50', period: minute, label: 'p50' }),
          custom('FrameLateness', { statistic: 'p99', period: minute, label: 'p99' }),
        ],
        { leftAnnotations: [{ value: v.latenessP99ThresholdMs, label: 'p99 alarm threshold' }] },
      ),
      graph('Fan-out time per message (ms)', [
        custom('FanOutTime', { statistic: 'p50', period: minute, label: 'p50' }),
        custom('FanOutTime', { statistic: 'p99', period: minute, label: 'p99' }),
      ]),
      graph(
        'Posts by outcome',
        [
          custom('MessagesPosted', { statistic: 'Sum', period: minute, label: 'posted' }),
          ...POST_FAILURE_CAUSES.map((cause) => custom('PostsFailed', { statistic: 'Sum', period: minute, dimensions: { cause }, label: `failed: ${cause}` })),
        ],
        { stacked: true },
      ),
    ],
    [
      graph('Frames sent', [custom('FramesSent', { statistic: 'Sum', period: minute, label: 'frames' })]),
      graph('Tick', [
        custom('TickDuration', { statistic: 'p50', period: minute, label: 'duration p50 (ms)' }),
        custom('TickDuration', { statistic: 'p99', period: minute, label: 'duration p99 (ms)' }),
      ], { right: [custom('TickFailures', { statistic: 'Sum', period: minute, label: 'failures' })] }),
      graph('Live events: append latency (ms)', [
        custom('LiveEventAppendLatency', { statistic: 'p50', period: minute, label: 'p50' }),
        custom('LiveEventAppendLatency', { statistic: 'p99', period: minute, label: 'p99' }),
      ]),
    ],
    [
      graph('Chat, reactions, control', [
        custom('ChatMessages', { statistic: 'Sum', period: fiveMinutes, label: 'chat' }),
        custom('Reactions', { statistic: 'Sum', period: fiveMinutes, label: 'reactions' }),
        custom('ControlMessages', { statistic: 'Sum', period: fiveMinutes, label: 'control' }),
      ]),
      graph(`Refused messages by code (${DIMENSION_VALUES.code.length} codes)`, [searchAll('MessagesRefused', 'Sum', fiveMinutes)], { stacked: true }),
      graph('Player executions', [
        v.stateMachine.metricStarted({ statistic: 'Sum', period: fiveMinutes, label: 'started' }),
        v.stateMachine.metricFailed({ statistic: 'Sum', period: fiveMinutes, label: 'failed' }),
        v.stateMachine.metricTimedOut({ statistic: 'Sum', period: fiveMinutes, label: 'timed out' }),
        v.stateMachine.metricAborted({ statistic: 'Sum', period: fiveMinutes, label: 'aborted (stopped)' }),
      ]),
    ],
    [
      graph('Lambda errors', fns.map(([role, fn]) => fn.metricErrors({ statistic: 'Sum', period: fiveMinutes, label: role }))),
      graph('Lambda throttles', fns.map(([role, fn]) => fn.metricThrottles({ statistic: 'Sum', period: fiveMinutes, label: role }))),
      graph('Lambda duration p99 (ms)', fns.map(([role, fn]) => fn.metricDuration({ statistic: 'p99', period: fiveMinutes, label: role }))),
    ],
    [
      graph('DynamoDB throttled requests', Object.entries(v.tables).map(([name, t]) => tableThrottles(name, t, fiveMinutes))),
      graph('WebSocket API: connections and messages', [ws('ConnectCount', 'connects'), ws('MessageCount', 'messages')]),
      graph('WebSocket API: errors', [
        ws('ClientError', 'client errors (4xx before the integration)'),
        ws('IntegrationError', 'integration errors'),
        ws('ExecutionError', 'execution errors'),
      ]),
    ],
    [
      graph('HTTP API: requests and errors', [
        v.httpApi.metricCount({ statistic: 'Sum', period: fiveMinutes, label: 'requests' }),
        v.httpApi.metricClientError({ statistic: 'Sum', period: fiveMinutes, label: '4xx' }),
        v.httpApi.metricServerError({ statistic: 'Sum', period: fiveMinutes, label: '5xx' }),
      ]),
    ],
  ];
}
