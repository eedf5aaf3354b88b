import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ENV } from '../../contract/env';
import { DEFAULT_SHARD_THRESHOLD } from '../../lambda/core/shards';
import { STATE } from '../../lambda/core/workflow';
import { PlayerWorkflow } from '../../lib/player-workflow';
import { Tables } from '../../lib/tables';
import { MatchcastWebSocketApi } from '../../lib/websocket-api';
import { referencedLogicalIds } from '../../local/template';
import { actionsOfRole, buildStack, logicalId, placeholders, policyStatements, roleOfFunction, testApp } from './support';

/** A bare stack holding the Player and what it takes: the tables, a bucket, the WebSocket API. */
function bare() {
  const stack = new Stack(testApp(), 'S');
  const tables = new Tables(stack, 'T');
  const bucket = new s3.Bucket(stack, 'B');
  const webSocket = new MatchcastWebSocketApi(stack, 'W', { tables, bucket });
  const workflow = new PlayerWorkflow(stack, 'PlayerWorkflow', { tables, bucket, webSocket });
  return { tables, bucket, workflow, json: Template.fromStack(stack).toJSON() };
}

const { tables, bucket, workflow: wf, json } = bare();
const smId = logicalId(wf.stateMachine);
const tickId = logicalId(wf.tickFunction);
const sm = json.Resources[smId];
const asl = JSON.parse(placeholders(sm.Properties.DefinitionString) as string) as { StartAt: string; States: Record<string, any> };
const states = asl.States;

describe('PlayerWorkflow state machine', () => {
  it('is a Standard machine with exactly the states of lambda/core/workflow.ts, starting at Tick', () => {
    expect(sm.Properties.StateMachineType).toBe('STANDARD');
    expect(Object.keys(states).sort()).toEqual(Object.values(STATE).sort());
    expect(asl.StartAt).toBe(STATE.tick);
  });

  it('Tick invokes the tick function with the whole state and outputs $.Payload', () => {
    expect(states[STATE.tick]).toMatchObject({
      Type: 'Task',
      Resource: 'arn:<AWS::Partition>:states:::lambda:invoke',
      Parameters: { FunctionName: `<${tickId}.Arn>`, 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Next: STATE.choice,
    });
  });

  it('Tick retries Lambda service errors and States.TaskFailed 3× from 1 s with backoff 2', () => {
    expect(states[STATE.tick].Retry).toEqual([
      {
        ErrorEquals: [
          'Lambda.ServiceException',
          'Lambda.AWSLambdaException',
          'Lambda.SdkClientException',
          'Lambda.TooManyRequestsException',
          'States.TaskFailed',
        ],
        IntervalSeconds: 1,
        BackoffRate: 2,
        MaxAttempts: 3,
      },
    ]);
  });

  it('Tick catches everything into $.failure → RecordFailure (tick again, state kept) → Failed', () => {
    expect(states[STATE.tick].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: STATE.recordFailure }]);
    expect(states[STATE.recordFailure]).toMatchObject({
      Type: 'Task',
      Parameters: { FunctionName: `<${tickId}.Arn>`, 'Payload.$': '$' },
      ResultPath: null,
      Next: STATE.failed,
    });
    expect(states[STATE.failed]).toEqual({ Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' });
  });

  it('Next? branches on $.next: wait → Wait, tick → Tick, continue → ContinueAsNew, otherwise Done', () => {
    const c = states[STATE.choice];
    expect(c.Type).toBe('Choice');
    expect(c.Choices).toEqual([
      { Variable: '$.next', StringEquals: 'wait', Next: STATE.wait },
      { Variable: '$.next', StringEquals: 'tick', Next: STATE.tick },
      { Variable: '$.next', StringEquals: 'continue', Next: STATE.continueAsNew },
    ]);
    expect(c.Default).toBe(STATE.done);
    expect(states[STATE.done]).toEqual({ Type: 'Succeed' });
  });

  it('Wait takes its whole seconds from $.waitSeconds and loops back to Tick', () => {
    expect(states[STATE.wait]).toEqual({ Type: 'Wait', SecondsPath: '$.waitSeconds', Next: STATE.tick });
  });

  it('ContinueAsNew starts a new execution of this machine ($$.StateMachine.Id) with $.successor, not .sync', () => {
    const s = states[STATE.continueAsNew];
    expect(s).toMatchObject({
      Type: 'Task',
      Resource: 'arn:<AWS::Partition>:states:::states:startExecution',
      Parameters: { 'StateMachineArn.$': '$$.StateMachine.Id', 'Name.$': '$.successor.name', 'Input.$': '$.successor' },
      Next: STATE.done,
    });
    // A duplicate start (the successor already runs) is success: not retried, caught into Done.
    expect(s.Retry[0]).toEqual({ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], MaxAttempts: 0 });
    expect(s.Retry[1]).toMatchObject({ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 3 });
    expect(s.Catch[0]).toEqual({ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], Next: STATE.done });
    expect(s.Catch.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: STATE.recordFailure });
  });

  it('logs errors only to a log group with retention, without tracing', () => {
    expect(sm.Properties.LoggingConfiguration).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: false });
    const lgId = sm.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
    expect(json.Resources[lgId].Properties.RetentionInDays).toBe(30);
  });

  it('may invoke the tick function, and start itself through a separate policy (no circular dependency)', () => {
    const roleId = sm.Properties.RoleArn['Fn::GetAtt'][0];
    const actions = actionsOfRole(json, roleId);
    expect(actions).toEqual(expect.arrayContaining([{ action: 'lambda:InvokeFunction', resource: { 'Fn::GetAtt': [tickId, 'Arn'] } }]));
    const start = policyStatements(json).filter((p) => p.statement.Action === 'states:StartExecution' && JSON.stringify(p.roles).includes(roleId));
    expect(start).toHaveLength(1);
    expect(start[0].statement.Resource).toEqual({ Ref: smId });
    expect(sm.DependsOn ?? []).not.toContain(start[0].policyId);
  });
});

describe('PlayerWorkflow tick function', () => {
  const fn = json.Resources[tickId];
  const env = fn.Properties.Environment.Variables;

  it('has 512 MB and a 2 minute timeout', () => {
    expect(fn.Properties.MemorySize).toBe(512);
    expect(fn.Properties.Timeout).toBe(120);
  });

  it('gets tables, bucket, callback URL, max stream seconds and the machine ARN by name', () => {
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([ENV.streamsTable, ENV.connectionsTable, ENV.gamesTable, ENV.recordingsBucket, ENV.callbackUrl, ENV.maxStreamSeconds, ENV.stateMachineArn]),
    );
    expect(env[ENV.maxStreamSeconds]).toBe(String(8 * 3600));
    // Formatted from the generated name: a Ref would be a circular dependency.
    expect(placeholders(env[ENV.stateMachineArn])).toBe(
      `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:${sm.Properties.StateMachineName}`,
    );
    expect(sm.Properties.StateMachineName).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it('may read/write Streams and Connections, read recordings, post to connections, stop its executions', () => {
    const actions = actionsOfRole(json, roleOfFunction(json, tickId));
    const has = (action: string, resourcePart: string) =>
      actions.some((a) => a.action === action && JSON.stringify(a.resource).includes(resourcePart));
    expect(has('dynamodb:UpdateItem', logicalId(tables.streams))).toBe(true);
    expect(has('dynamodb:DeleteItem', logicalId(tables.connections))).toBe(true);
    expect(has('s3:GetObject', logicalId(bucket))).toBe(true);
    expect(has('execute-api:ManageConnections', '@connections')).toBe(true);
    expect(has('states:StopExecution', `:execution:${sm.Properties.StateMachineName}:*`)).toBe(true);
    expect(actions.some((a) => a.action === 's3:PutObject' || a.action === 'states:StartExecution')).toBe(false);
  });
});

describe('PlayerWorkflow fan-out function (the workers of a big stream)', () => {
  const fanOutId = logicalId(wf.fanOutFunction);
  const fn = json.Resources[fanOutId];
  const tickEnv = json.Resources[tickId].Properties.Environment.Variables;

  it('is the fanout handler, 512 MB, 1 minute, with the tables and the callback URL', () => {
    expect(fn.Metadata['matchcast:entry']).toBe('lambda/handlers/fanout.ts');
    expect(fn.Properties.MemorySize).toBe(512);
    expect(fn.Properties.Timeout).toBe(60);
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining([ENV.connectionsTable, ENV.streamsTable, ENV.callbackUrl]));
  });

  it('is invoked synchronously only: no asynchronous invocation config (which could retry a job that posted)', () => {
    expect(Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig')).toEqual([]);
  });

  it('is named to the tick with the default threshold, and the tick may invoke it (only it)', () => {
    expect(tickEnv[ENV.fanOutFunctionName]).toEqual({ Ref: fanOutId });
    expect(tickEnv[ENV.fanOutShardThreshold]).toBe(String(DEFAULT_SHARD_THRESHOLD));
    const invokes = actionsOfRole(json, roleOfFunction(json, tickId)).filter((a) => a.action === 'lambda:InvokeFunction');
    expect(invokes.map((a) => placeholders(a.resource)).sort()).toEqual([`<${fanOutId}.Arn>`, `<${fanOutId}.Arn>:*`]);
  });

  it('may query byStream, forget a gone connection and post to connections — nothing else', () => {
    const actions = actionsOfRole(json, roleOfFunction(json, fanOutId));
    const has = (action: string, resourcePart: string) => actions.some((a) => a.action === action && JSON.stringify(a.resource).includes(resourcePart));
    expect(has('dynamodb:Query', logicalId(tables.connections))).toBe(true);
    expect(has('dynamodb:DeleteItem', logicalId(tables.connections))).toBe(true);
    expect(has('dynamodb:UpdateItem', logicalId(tables.streams))).toBe(true);
    expect(has('execute-api:ManageConnections', '@connections')).toBe(true);
    const kinds = new Set(actions.map((a) => a.action.split(':')[0]));
    expect([...kinds].sort()).toEqual(['dynamodb', 'execute-api', 'logs']);
    expect(actions.some((a) => a.action === 'dynamodb:PutItem' || a.action === 'dynamodb:Scan' || a.action.startsWith('lambda:') || a.action.startsWith('s3:'))).toBe(false);
  });

  it('takes fanOutShardThreshold (validated once: a whole number ≥ 1)', () => {
    const make = (fanOutShardThreshold: number) => () => {
      const s = new Stack(testApp(), 'S');
      const tables = new Tables(s, 'T');
      const bucket = new s3.Bucket(s, 'B');
      const webSocket = new MatchcastWebSocketApi(s, 'W', { tables, bucket });
      return new PlayerWorkflow(s, 'P', { tables, bucket, webSocket, fanOutShardThreshold });
    };
    const wf2 = make(250)();
    expect(Template.fromStack(Stack.of(wf2)).toJSON().Resources[logicalId(wf2.tickFunction)].Properties.Environment.Variables[ENV.fanOutShardThreshold]).toBe('250');
    for (const bad of [0, -1, 2.5, NaN]) expect(make(bad)).toThrow('fanOutShardThreshold');
  });
});

/** How MatchcastStack wires the Player to the other functions: truly about the whole stack. */
describe('PlayerWorkflow in MatchcastStack: addController, no cycles', () => {
  const full = buildStack();
  const stack = full.stack;
  const fullSmId = logicalId(stack.workflow.stateMachine);

  it('lets control, the HTTP API routes and sweeper start, stop and describe executions (disconnect has no workflow port)', () => {
    for (const f of [stack.webSocket.controlFunction, stack.httpApi.routeFunction, stack.sweeper.function]) {
      const actions = actionsOfRole(full.json, roleOfFunction(full.json, logicalId(f)));
      expect(actions).toEqual(expect.arrayContaining([{ action: 'states:StartExecution', resource: { Ref: fullSmId } }]));
      const exec = actions.filter((a) => a.action === 'states:StopExecution' || a.action === 'states:DescribeExecution');
      expect(exec.map((a) => a.action).sort()).toEqual(['states:DescribeExecution', 'states:StopExecution']);
      expect(JSON.stringify(exec[0].resource)).toContain(':execution:');
    }
  });

  it('is not given to social, connect or authorize', () => {
    for (const f of [stack.webSocket.socialFunction, stack.webSocket.connectFunction, stack.webSocket.authorizeFunction]) {
      expect(actionsOfRole(full.json, roleOfFunction(full.json, logicalId(f))).some((a) => a.action.startsWith('states:'))).toBe(false);
    }
  });

  it('has no circular dependency anywhere in the template of MatchcastStack (CloudFormation would reject it)', () => {
    const edges = new Map<string, string[]>();
    for (const [id, r] of Object.entries<any>(full.json.Resources)) {
      edges.set(id, [...referencedLogicalIds(r.Properties ?? {}), ...([] as string[]).concat(r.DependsOn ?? [])].filter((x) => x in full.json.Resources));
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const cycle: string[] = [];
    const visit = (id: string, path: string[]): boolean => {
      if (state.get(id) === 'done') return false;
      if (state.get(id) === 'visiting') return cycle.push(...path, id), true;
      state.set(id, 'visiting');
      for (const next of edges.get(id) ?? []) if (visit(next, [...path, id])) return true;
      state.set(id, 'done');
      return false;
    };
    for (const id of edges.keys()) if (visit(id, [])) break;
    expect(cycle).toEqual([]);
  });
});

describe('PlayerWorkflow props', () => {
  const make = (maxStreamDuration?: Duration, drop?: 'tables' | 'bucket' | 'webSocket') => () => {
    const s = new Stack(testApp(), 'S');
    const tables = new Tables(s, 'T');
    const bucket = new s3.Bucket(s, 'B');
    const webSocket = new MatchcastWebSocketApi(s, 'W', { tables, bucket });
    const props = { tables, bucket, webSocket, maxStreamDuration };
    if (drop) delete (props as Record<string, unknown>)[drop];
    return new PlayerWorkflow(s, 'P', props);
  };
  it('writes maxStreamDuration as MAX_STREAM_SECONDS', () => {
    const wf2 = make(Duration.hours(2))();
    const t = Template.fromStack(Stack.of(wf2)).toJSON();
    expect(t.Resources[logicalId(wf2.tickFunction)].Properties.Environment.Variables[ENV.maxStreamSeconds]).toBe('7200');
  });
  it.each([
    ['maxStreamDuration', Duration.millis(500), undefined],
    ['maxStreamDuration', Duration.millis(2500), undefined],
    ['tables', undefined, 'tables'],
    ['bucket', undefined, 'bucket'],
    ['webSocket', undefined, 'webSocket'],
  ] as const)('names %s when invalid', (prop, d, drop) => {
    expect(make(d, drop)).toThrow(prop);
  });
  it('keeps the template unchanged when built twice (stable name and ids)', () => {
    expect(bare().json).toEqual(json);
  });
});
