import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { AwsJsonEndpoint } from '../../local/aws-json';
import { LocalStepFunctions, validateDefinition, type ExecutionInfo } from '../../local/stepfunctions';
import type { LambdaHandler } from '../../local/lambda-runtime';

const SM_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Player';
const TICK_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:tick';
const SLOW_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:slow';
const execArn = (name: string) => `arn:aws:states:us-east-1:000000000000:execution:Player:${name}`;

/** Tick → Next? → (Wait SecondsPath → Tick | Tick | ContinueAsNew | Done); failures → RecordFailure → Failed. */
const definition = {
  StartAt: 'Tick',
  States: {
    Tick: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { 'FunctionName.$': '$.fn', 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 1, BackoffRate: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordFailure' }],
      Next: 'Next?',
    },
    'Next?': {
      Type: 'Choice',
      Choices: [
        { Variable: '$.next', StringEquals: 'wait', Next: 'Wait' },
        { Variable: '$.next', StringEquals: 'tick', Next: 'Tick' },
        { Variable: '$.next', StringEquals: 'continue', Next: 'ContinueAsNew' },
      ],
      Default: 'Done',
    },
    Wait: { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'Tick' },
    ContinueAsNew: {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution',
      Parameters: { 'StateMachineArn.$': '$$.StateMachine.Id', 'Name.$': '$.successor.name', 'Input.$': '$.successor' },
      ResultPath: '$.started',
      Catch: [{ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], ResultPath: '$.failure', Next: 'AlreadyRunning' }],
      Next: 'Done',
    },
    AlreadyRunning: { Type: 'Pass', Result: 'already', ResultPath: '$.outcome', Next: 'Done' },
    RecordFailure: {
      Type: 'Task',
      Resource: TICK_ARN,
      ResultPath: null,
      Next: 'Failed',
    },
    Failed: { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
    Done: { Type: 'Succeed' },
  },
};

interface TickIn {
  mode: 'count' | 'fail' | 'wait-long' | 'continue' | 'end';
  fn: string;
  iteration?: number;
  failure?: { Error: string; Cause: string };
  successorName?: string;
}

const calls: Array<{ mode: string; iteration: number; failure?: unknown; at: number }> = [];

const tick: LambdaHandler = async (event: TickIn, context) => {
  const iteration = event.iteration ?? 0;
  calls.push({ mode: event.mode, iteration, failure: event.failure, at: Date.now() });
  expect(context.functionName).toBe('tick');
  expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
  if (event.failure) return { recorded: true };
  switch (event.mode) {
    case 'count':
      if (iteration < 2) return { ...event, iteration: iteration + 1, next: 'tick' };
      if (iteration === 2) return { ...event, iteration: iteration + 1, next: 'wait', waitSeconds: 1 };
      return { ...event, iteration, next: 'end', waitSeconds: 0 };
    case 'fail':
      throw new Error('boom');
    case 'wait-long':
      return { ...event, iteration: iteration + 1, next: 'wait', waitSeconds: 30 };
    case 'continue':
      return { ...event, next: 'continue', successor: { mode: 'end', fn: TICK_ARN, name: event.successorName } };
    case 'end':
      return { ...event, next: 'end' };
  }
};

const slow: LambdaHandler = async () => {
  await new Promise((r) => setTimeout(r, 600));
  return { late: true };
};

describe('LocalStepFunctions through the real SFN client', () => {
  const endpoint = new AwsJsonEndpoint();
  const ended: ExecutionInfo[] = [];
  let service: LocalStepFunctions;
  let sfn: SFNClient;

  beforeAll(async () => {
    service = new LocalStepFunctions({
      stateMachines: [
        {
          arn: SM_ARN,
          name: 'Player',
          definition,
          lambdas: {
            [TICK_ARN]: { handler: tick, functionName: 'tick', timeoutMs: 5000 },
            [SLOW_ARN]: { handler: slow, functionName: 'slow', timeoutMs: 150 },
          },
        },
      ],
      onExecutionEnd: (e) => ended.push(e),
    });
    service.register(endpoint);
    await endpoint.listen(0);
    sfn = new SFNClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  });

  afterAll(async () => {
    await service.close();
    sfn.destroy();
    await endpoint.close();
  });

  const start = (name: string, input: object) => sfn.send(new StartExecutionCommand({ stateMachineArn: SM_ARN, name, input: JSON.stringify(input) }));
  const describe_ = (name: string) => sfn.send(new DescribeExecutionCommand({ executionArn: execArn(name) }));
  /** Poll DescribeExecution until the execution closes (bounded). */
  async function settled(name: string, maxMs = 20_000): Promise<DescribeExecutionCommandOutput> {
    const deadline = Date.now() + maxMs;
    for (;;) {
      const out = await describe_(name);
      if (out.status !== 'RUNNING') return out;
      if (Date.now() > deadline) throw new Error(`${name} still RUNNING after ${maxMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const callsOf = (mode: string) => calls.filter((c) => c.mode === mode);

  it('runs Task → Choice → Wait(SecondsPath) → Task … → Succeed with the Lambda service-integration result shape', async () => {
    const out = await start('count-1', { mode: 'count', fn: TICK_ARN });
    expect(out.executionArn).toBe(execArn('count-1'));
    expect(out.startDate).toBeInstanceOf(Date);
    const done = await settled('count-1');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toMatchObject({ mode: 'count', iteration: 3, next: 'end' });
    expect(done.input).toBe(JSON.stringify({ mode: 'count', fn: TICK_ARN }));
    expect(done.stopDate!.getTime()).toBeGreaterThanOrEqual(done.startDate!.getTime());
    const count = callsOf('count');
    expect(count.map((c) => c.iteration)).toEqual([0, 1, 2, 3]);
    // The integer Wait is really waited (a lower bound only: never flaky when the machine is slow).
    expect(count[3].at - count[2].at).toBeGreaterThanOrEqual(950);
    expect(ended.find((e) => e.name === 'count-1')?.status).toBe('SUCCEEDED');
  });

  it('is idempotent for a duplicate start with the same input, and refuses a different input', async () => {
    const input = { mode: 'wait-long', fn: TICK_ARN };
    const first = await start('dup-1', input);
    const again = await start('dup-1', input);
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    const err = await start('dup-1', { ...input, other: true }).catch((e: unknown) => e as Error);
    expect((err as Error).name).toBe('ExecutionAlreadyExists');
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
  });

  it('StopExecution aborts an execution in the middle of a Wait', async () => {
    await start('stop-1', { mode: 'wait-long', fn: TICK_ARN });
    // Wait until the first tick ran and the execution sits in its 30 s Wait.
    for (let i = 0; i < 200 && !calls.some((c) => c.mode === 'wait-long' && c.iteration === 0); i++) await new Promise((r) => setTimeout(r, 10));
    const before = callsOf('wait-long').length;
    const stopped = await sfn.send(new StopExecutionCommand({ executionArn: execArn('stop-1'), cause: 'test' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const d = await describe_('stop-1');
    expect(d.status).toBe('ABORTED');
    expect(d.cause).toBe('test');
    await new Promise((r) => setTimeout(r, 100));
    expect(callsOf('wait-long').length).toBe(before);
    expect(ended.filter((e) => e.name === 'stop-1')).toHaveLength(1);
  });

  it('retries a failing Lambda, then catches it with Error = errorType and Cause = {errorType, errorMessage}', async () => {
    await start('fail-1', { mode: 'fail', fn: TICK_ARN });
    const d = await settled('fail-1');
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('Error');
    expect(JSON.parse(d.cause ?? '{}')).toEqual({ errorType: 'Error', errorMessage: 'boom' });
    const failing = callsOf('fail');
    expect(failing.filter((c) => !c.failure)).toHaveLength(2); // first attempt + 1 retry
    const recorded = failing.find((c) => c.failure);
    expect(recorded?.failure).toEqual({ Error: 'Error', Cause: JSON.stringify({ errorType: 'Error', errorMessage: 'boom' }) });
  });

  it('surfaces a Lambda timeout as Sandbox.Timedout', async () => {
    await start('slow-1', { mode: 'end', fn: SLOW_ARN });
    const d = await settled('slow-1');
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('Sandbox.Timedout');
    expect(JSON.parse(d.cause ?? '{}')).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.15 seconds' });
  });

  it('continues as new: the startExecution task starts a second execution with the successor input', async () => {
    await start('gen-0', { mode: 'continue', fn: TICK_ARN, successorName: 'gen-1' });
    const first = await settled('gen-0');
    expect(first.status).toBe('SUCCEEDED');
    const started = JSON.parse(first.output ?? '{}').started as { ExecutionArn: string; StartDate: number };
    expect(started.ExecutionArn).toBe(execArn('gen-1'));
    expect(typeof started.StartDate).toBe('number');
    const second = await settled('gen-1');
    expect(second.status).toBe('SUCCEEDED');
    expect(JSON.parse(second.input ?? '{}')).toEqual({ mode: 'end', fn: TICK_ARN, name: 'gen-1' });
  });

  it('maps ExecutionAlreadyExists of the startExecution task to StepFunctions.ExecutionAlreadyExistsException', async () => {
    await start('taken', { mode: 'end', fn: TICK_ARN, unrelated: 1 });
    await settled('taken');
    await start('gen-x', { mode: 'continue', fn: TICK_ARN, successorName: 'taken' });
    const d = await settled('gen-x');
    expect(d.status).toBe('SUCCEEDED');
    const out = JSON.parse(d.output ?? '{}') as { outcome: string; failure: { Error: string; Cause: string } };
    expect(out.outcome).toBe('already');
    expect(out.failure.Error).toBe('StepFunctions.ExecutionAlreadyExistsException');
  });

  it('validates names and ARNs like the service', async () => {
    const bad = await start('has space', { mode: 'end', fn: TICK_ARN }).catch((e: unknown) => e as Error);
    expect((bad as Error).name).toBe('InvalidName');
    const long = await start('x'.repeat(81), { mode: 'end', fn: TICK_ARN }).catch((e: unknown) => e as Error);
    expect((long as Error).name).toBe('InvalidName');
    const missing = await describe_('never-started').catch((e: unknown) => e as Error);
    expect((missing as Error).name).toBe('ExecutionDoesNotExist');
    const noMachine = await sfn
      .send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Nope', input: '{}' }))
      .catch((e: unknown) => e as Error);
    expect((noMachine as Error).name).toBe('StateMachineDoesNotExist');
    const badInput = await sfn.send(new StartExecutionCommand({ stateMachineArn: SM_ARN, name: 'bad-input', input: '{nope' })).catch((e: unknown) => e as Error);
    expect((badInput as Error).name).toBe('InvalidExecutionInput');
  });

  it('lists executions newest first with a status filter', async () => {
    const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn: SM_ARN, statusFilter: 'FAILED' }));
    const names = (out.executions ?? []).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['fail-1', 'slow-1']));
    expect(names.indexOf('slow-1')).toBeLessThan(names.indexOf('fail-1'));
    expect((out.executions ?? []).every((e) => e.status === 'FAILED')).toBe(true);
  });

  it('close() aborts running executions', async () => {
    const local = new LocalStepFunctions({
      stateMachines: [{ arn: SM_ARN, name: 'Player', definition, lambdas: { [TICK_ARN]: { handler: tick, functionName: 'tick', timeoutMs: 5000 } } }],
    });
    local.startExecution({ stateMachineArn: SM_ARN, name: 'closing', input: JSON.stringify({ mode: 'wait-long', fn: TICK_ARN }) });
    await local.close();
    expect(local.executions().map((e) => [e.name, e.status])).toEqual([['closing', 'ABORTED']]);
  });

  it('checks definitions by the ASL rules (validateDefinition, and each machine unless told not to)', () => {
    // A Choice state without Choices breaks the Amazon States Language specification.
    const bad = { StartAt: 'C', States: { C: { Type: 'Choice', Default: 'D' }, D: { Type: 'Succeed' } } };
    expect(() => validateDefinition(bad)).toThrow();
    expect(() => new LocalStepFunctions({ stateMachines: [{ arn: SM_ARN, name: 'X', definition: bad, lambdas: {} }] })).toThrow();
    expect(() => validateDefinition(definition)).not.toThrow();
    // validate: false is for a definition checked once already: it is built as given.
    expect(() => new LocalStepFunctions({ validate: false, stateMachines: [{ arn: SM_ARN, name: 'X', definition: bad, lambdas: {} }] })).not.toThrow();
  });

  it('refuses a definition with a Task resource it cannot serve', () => {
    expect(
      () =>
        new LocalStepFunctions({
          stateMachines: [{ arn: SM_ARN, name: 'X', definition: { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } } }, lambdas: {} }],
        }),
    ).toThrow(/sqs:sendMessage/);
  });
});
