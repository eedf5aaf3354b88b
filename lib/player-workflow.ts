import { Aws, Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DEFAULT_MAX_STREAM_SECONDS } from '../contract/defaults';
import { ENV } from '../contract/env';
import { DEFAULT_SHARD_THRESHOLD } from '../lambda/core/shards';
import { STATE } from '../lambda/core/workflow';
import { MatchcastFunction } from './function';
import { arnFinding, escapeRegex, logicalIdOf, suppress, suppressWildcards } from './nag';
import { grantReadRecordings } from './recordings';
import type { Tables } from './tables';
import { wholeSeconds } from './validation';
import type { MatchcastWebSocketApi } from './websocket-api';

/** Errors of the Lambda service itself (not of the handler) that a Tick retries. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * Tick retries: interval 1 s, backoff ×2, 3 attempts: the workflow's bound on consecutive
 * failures of one tick (the tick handler counts `consecutiveFailures` too).
 */
export const TICK_RETRY = { interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 3 } as const;

/** Why `…:execution:{machine}:*` is acceptable (cdk-nag IAM5). */
const EXECUTIONS_REASON =
  'Executions are named at run time ({streamId}-{epoch}, sanitised and hashed), so StopExecution/DescribeExecution are granted on `execution:{this Player machine}:*`: the executions of this stack\'s state machine only.';

/** The error Step Functions raises when StartExecution finds an execution of that name. */
const EXECUTION_ALREADY_EXISTS = 'StepFunctions.ExecutionAlreadyExistsException';

/** Properties of {@link PlayerWorkflow}. */
export interface PlayerWorkflowProps {
  /** The tables (the tick reads and writes Streams and Connections). */
  readonly tables: Tables;
  /** The recordings bucket (the tick reads chunks by byte range). */
  readonly bucket: s3.IBucket;
  /** The WebSocket API the tick posts frames through. */
  readonly webSocket: MatchcastWebSocketApi;
  /**
   * Wall-clock limit of one stream (a safety timeout); then it ends with `max_duration`.
   * Whole seconds, ≥ 1 s.
   * @default DEFAULT_MAX_STREAM_SECONDS (contract/defaults.ts: 8 hours)
   */
  readonly maxStreamDuration?: Duration;
  /**
   * Attached connections of a stream above which the tick hands each batch to fan-out workers
   * (the `fanout` function, one invocation per shard of the stream's connections, all at once;
   * lambda/adapters/sharded-fanout.ts) instead of posting to all of them itself — and the
   * viewers per shard. A whole number ≥ 1.
   * @default 1000 (lambda/core/shards.ts DEFAULT_SHARD_THRESHOLD)
   */
  readonly fanOutShardThreshold?: number;
  /**
   * Retention of the execution log group (level ERROR).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Removal policy of the execution log group.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The `Player` Standard state machine (lambda/core/workflow.ts; docs/ARCHITECTURE.md "The Player workflow and the tick"):
 *
 * `Tick` (invoke tick, output `$.Payload`; retries Lambda service errors and
 * `States.TaskFailed` 3× from 1 s, backoff 2; anything left → `$.failure` → `RecordFailure`
 * → `Failed`) → `Next?` on `$.next`: `wait` → `Wait` (SecondsPath `$.waitSeconds`) → `Tick`;
 * `tick` → `Tick`; `continue` → `ContinueAsNew` (StartExecution of this very state machine,
 * `$$.StateMachine.Id`, name `$.successor.name`, input `$.successor`) → `Done`; otherwise → `Done`.
 *
 * The state machine has a name generated from its construct path (not hard-coded): the tick
 * function needs the machine's ARN (it stops its own execution when a stream ends), and an
 * environment `Ref` from the tick to the machine, which already references the tick,
 * would be a CloudFormation circular dependency. The tick gets the ARN formatted from that
 * name instead; everything else `Ref`s the machine.
 *
 * @throws Error naming `tables`, `bucket`, `webSocket` when missing, `maxStreamDuration`
 *   when it is not a whole number of seconds ≥ 1 s.
 */
export class PlayerWorkflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly tickFunction: MatchcastFunction;
  /** The fan-out worker the tick invokes for each shard of a big stream's batch, all shards at once, waiting for their answers. */
  public readonly fanOutFunction: MatchcastFunction;
  /** The execution log group. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PlayerWorkflowProps) {
    super(scope, id);
    if (!props?.tables) throw new Error('PlayerWorkflow: tables is required');
    if (!props.bucket) throw new Error('PlayerWorkflow: bucket is required');
    if (!props.webSocket) throw new Error('PlayerWorkflow: webSocket is required');
    const maxStreamSeconds = wholeSeconds('PlayerWorkflow', 'maxStreamDuration', props.maxStreamDuration ?? Duration.seconds(DEFAULT_MAX_STREAM_SECONDS));
    const shardThreshold = props.fanOutShardThreshold ?? DEFAULT_SHARD_THRESHOLD;
    if (!Number.isInteger(shardThreshold) || shardThreshold < 1) throw new Error(`PlayerWorkflow: fanOutShardThreshold must be a whole number ≥ 1, got ${shardThreshold}`);

    const stateMachineName = Names.uniqueResourceName(this, { maxLength: 80, separator: '-', allowedSpecialCharacters: '-_' });
    // The same machine, addressed by name: carries no CloudFormation dependency on it.
    const byName = sfn.StateMachine.fromStateMachineName(this, 'ByName', stateMachineName);

    this.tickFunction = new MatchcastFunction(this, 'TickFunction', {
      handlerName: 'tick',
      memorySize: 512,
      timeout: Duration.minutes(2),
      environment: {
        ...props.tables.environment(),
        [ENV.recordingsBucket]: props.bucket.bucketName,
        [ENV.maxStreamSeconds]: String(maxStreamSeconds),
        [ENV.stateMachineArn]: byName.stateMachineArn,
      },
    });
    // One shard of a big stream's batch: it lists its connections and posts (the tick keeps fencing and the claim).
    this.fanOutFunction = new MatchcastFunction(this, 'FanOutFunction', {
      handlerName: 'fanout',
      memorySize: 512,
      timeout: Duration.minutes(1),
      environment: { ...props.tables.environment() },
    });
    props.tables.grantTableAccess(this.fanOutFunction);
    props.webSocket.grantPostToConnections(this.fanOutFunction);
    this.fanOutFunction.grantInvokeTo(this.tickFunction, ENV.fanOutFunctionName, 'the fan-out function');
    this.tickFunction.addEnvironment(ENV.fanOutShardThreshold, String(shardThreshold));
    props.tables.grantTableAccess(this.tickFunction);
    grantReadRecordings(props.bucket, this.tickFunction);
    props.webSocket.grantPostToConnections(this.tickFunction);
    // A stream that ends (finished, max_duration, failed) stops its execution.
    sfn.StateMachineGrants.fromStateMachine(byName).execution(this.tickFunction, 'states:StopExecution', 'states:DescribeExecution');
    suppressWildcards(this.tickFunction, EXECUTIONS_REASON, [
      { regex: new RegExp(`^Resource::arn:.+:states:.+:execution:${escapeRegex(stateMachineName)}:\\*$`) },
    ]);

    // --- states ---------------------------------------------------------------------
    const done = new sfn.Succeed(this, STATE.done);
    const failed = new sfn.Fail(this, STATE.failed, {
      errorPath: '$.failure.Error',
      causePath: '$.failure.Cause',
    });
    const recordFailure = new tasks.LambdaInvoke(this, STATE.recordFailure, {
      lambdaFunction: this.tickFunction,
      comment: 'Tell the tick the stream failed (input carries $.failure); it marks the stream failed.',
      payload: sfn.TaskInput.fromJsonPathAt('$'),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const tick = new tasks.LambdaInvoke(this, STATE.tick, {
      lambdaFunction: this.tickFunction,
      comment: 'Send the frames due now; returns next (tick|wait|continue|end) and waitSeconds.',
      payload: sfn.TaskInput.fromJsonPathAt('$'),
      outputPath: '$.Payload',
      retryOnServiceExceptions: false,
    });
    tick.addRetry({
      errors: [...LAMBDA_SERVICE_ERRORS, sfn.Errors.TASKS_FAILED],
      interval: TICK_RETRY.interval,
      backoffRate: TICK_RETRY.backoffRate,
      maxAttempts: TICK_RETRY.maxAttempts,
    });
    tick.addCatch(recordFailure.next(failed), { errors: [sfn.Errors.ALL], resultPath: '$.failure' });

    const wait = new sfn.Wait(this, STATE.wait, { time: sfn.WaitTime.secondsPath('$.waitSeconds') });
    const continueAsNew = new sfn.CustomState(this, STATE.continueAsNew, {
      stateJson: {
        Type: 'Task',
        Comment: 'Start this state machine again with $.successor (Standard history limit: 25,000 events).',
        Resource: `arn:${Aws.PARTITION}:states:::states:startExecution`,
        Parameters: {
          'StateMachineArn.$': '$$.StateMachine.Id',
          'Name.$': '$.successor.name',
          'Input.$': '$.successor',
        },
        ResultPath: null,
      },
    });
    // Retriers apply in order, the first match wins: an existing successor is not retried.
    continueAsNew.addRetry({ errors: [EXECUTION_ALREADY_EXISTS], maxAttempts: 0 });
    continueAsNew.addRetry({
      errors: [sfn.Errors.TASKS_FAILED],
      interval: TICK_RETRY.interval,
      backoffRate: TICK_RETRY.backoffRate,
      maxAttempts: TICK_RETRY.maxAttempts,
    });
    // A retried start whose first attempt did succeed: the successor is running.
    continueAsNew.addCatch(done, { errors: [EXECUTION_ALREADY_EXISTS] });
    continueAsNew.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });

    const choice = new sfn.Choice(this, STATE.choice)
      .when(sfn.Condition.stringEquals('$.next', 'wait'), wait.next(tick))
      .when(sfn.Condition.stringEquals('$.next', 'tick'), tick)
      .when(sfn.Condition.stringEquals('$.next', 'continue'), continueAsNew.next(done))
      .otherwise(done);

    this.logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'matchcast Player: one execution per (stream, epoch, generation); see lambda/core/workflow.ts',
      definitionBody: sfn.DefinitionBody.fromChainable(tick.next(choice)),
      logs: { destination: this.logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      tracingEnabled: false,
    });
    suppress(
      this.stateMachine,
      'SF1',
      'Logging level ERROR, without execution data, is deliberate: the Player is a wait loop (Tick → Next? → Wait, ~10 events per tick, for hours per stream), so ALL would write every loop of every stream to CloudWatch Logs; failures are logged, and each execution keeps its full history in Step Functions itself (90 days).',
    );
    suppress(
      this.stateMachine,
      'SF2',
      'X-Ray tracing is off deliberately: one trace per loop of a perpetual wait loop traces no request path, costs per trace, and the Lambda functions log to their own log groups; the execution history shows every state transition.',
    );
    suppressWildcards(this.stateMachine, 'Step Functions\' CloudWatch Logs delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) has no resource-level permissions: AWS documents Resource "*" for it (Step Functions "IAM policies for logging to CloudWatch Logs"). Every other statement of this role names a resource.', [
      'Resource::*',
    ]);
    suppressWildcards(this.stateMachine, 'LambdaInvoke grants lambda:InvokeFunction on the tick function and its qualified ARNs (`<tick>:*`, versions and aliases) — this stack\'s tick function only.', [
      arnFinding(this.tickFunction, ':*'),
    ]);

    // ContinueAsNew starts this machine: a separate Policy, because the role's default
    // policy is a dependency of the machine and must not reference it (circular).
    new iam.Policy(this, 'ContinueAsNewPolicy', {
      roles: [this.stateMachine.role],
      statements: [
        new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }),
      ],
    });
  }

  /**
   * Let `grantee` start executions of the Player and stop and describe them
   * (`states:StartExecution` on the machine; `states:StopExecution`, `states:DescribeExecution`
   * on its executions).
   */
  public grantControl(grantee: iam.IGrantable): void {
    this.stateMachine.grants.startExecution(grantee);
    this.stateMachine.grants.execution(grantee, 'states:StopExecution', 'states:DescribeExecution');
    // The execution ARN is built from the machine's name, Fn::Select(6, Fn::Split(':', Ref)).
    suppressWildcards(grantee, EXECUTIONS_REASON, [
      { regex: new RegExp(`^Resource::arn:.+:states:.+:execution:.*"${escapeRegex(logicalIdOf(this.stateMachine))}".*:\\*$`) },
    ]);
  }

  /** {@link grantControl} and env `PLAYER_STATE_MACHINE_ARN` on `fn`. */
  public addController(fn: lambda.Function): void {
    this.grantControl(fn);
    fn.addEnvironment(ENV.stateMachineArn, this.stateMachine.stateMachineArn);
  }
}
