/**
 * Step Functions adapter against a tiny local stand-in that speaks the awsJson1_0 protocol
 * (X-Amz-Target: AWSStepFunctions.<Operation>), so the real SDK serializes requests and
 * parses errors. local/stepfunctions.ts is the full local endpoint; this only checks the
 * adapter's mapping.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setEnv } from '../../support/aws-local';
import { AwsServiceError } from '../../../lambda/adapters/errors';
import { sfnClient, StepFunctionsWorkflow } from '../../../lambda/adapters/workflow';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:Player';
const calls: { op: string; body: Record<string, unknown> }[] = [];
const executions = new Map<string, string>(); // arn → status
let server: Server;
let restore: () => void;

function answer(op: string, body: Record<string, unknown>): [number, object] {
  const error = (type: string): [number, object] => [400, { __type: `com.amazonaws.states#${type}`, message: `fake ${type}` }];
  switch (op) {
    case 'StartExecution': {
      if (body.name === 'boom') return [500, { __type: 'InternalFailure', message: 'fake 500' }];
      const arn = `${String(body.stateMachineArn).replace(':stateMachine:', ':execution:')}:${String(body.name)}`;
      if (executions.has(arn)) return error('ExecutionAlreadyExists');
      executions.set(arn, 'RUNNING');
      return [200, { executionArn: arn, startDate: 1_700_000_000 }];
    }
    case 'StopExecution': {
      const arn = String(body.executionArn);
      if (!executions.has(arn)) return error('ExecutionDoesNotExist');
      executions.set(arn, 'ABORTED');
      return [200, { stopDate: 1_700_000_001 }];
    }
    case 'DescribeExecution': {
      const arn = String(body.executionArn);
      const status = executions.get(arn);
      if (!status) return error('ExecutionDoesNotExist');
      return [200, { executionArn: arn, stateMachineArn: SM, status, startDate: 1_700_000_000 }];
    }
    default:
      return error('UnknownOperation');
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      calls.push({ op, body });
      const [status, out] = answer(op, body);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  restore = setEnv({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  });
});
afterAll(async () => {
  restore?.();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('workflow adapter', () => {
  /** The adapter as a composition root builds it (its client created once the endpoint is set). */
  let wf: StepFunctionsWorkflow | undefined;
  const workflow = (): StepFunctionsWorkflow => (wf ??= new StepFunctionsWorkflow({ client: sfnClient(), stateMachineArn: SM }));
  const executionArnFor = (name: string) => workflow().arnFor(name);
  const startExecution: StepFunctionsWorkflow['start'] = (...args) => workflow().start(...args);
  const stopExecution: StepFunctionsWorkflow['stop'] = (...args) => workflow().stop(...args);
  const describeExecution: StepFunctionsWorkflow['describe'] = (...args) => workflow().describe(...args);

  it('builds execution ARNs from the state machine ARN', () => {
    expect(executionArnFor('spectate_g1-3')).toBe('arn:aws:states:us-east-1:123456789012:execution:Player:spectate_g1-3');
  });

  it('starts an execution with the tick input, and treats a duplicate start as success', async () => {
    const input = { streamId: 'spectate:g1', epoch: 3, generation: 0, iteration: 0 };
    const arn = await startExecution('spectate_g1-3', input);
    expect(arn).toBe(executionArnFor('spectate_g1-3'));
    const start = calls.find((c) => c.op === 'StartExecution');
    expect(start?.body).toEqual({ stateMachineArn: SM, name: 'spectate_g1-3', input: JSON.stringify(input) });
    // Same name again: ExecutionAlreadyExists → the same ARN, no error.
    expect(await startExecution('spectate_g1-3', input)).toBe(arn);
    expect(calls.filter((c) => c.op === 'StartExecution')).toHaveLength(2);
  });

  it('describes and stops executions; stopping or describing a missing one is not an error', async () => {
    const arn = await startExecution('s-9', { streamId: 's', epoch: 9, generation: 0, iteration: 0 });
    expect(await describeExecution(arn)).toBe('RUNNING');
    await stopExecution(arn, 'paused by u1');
    expect(calls.at(-1)).toEqual({ op: 'StopExecution', body: { executionArn: arn, cause: 'paused by u1' } });
    expect(await describeExecution(arn)).toBe('ABORTED');
    await expect(stopExecution(executionArnFor('never'), 'x')).resolves.toBeUndefined();
    expect(await describeExecution(executionArnFor('never'))).toBeUndefined();
  });

  it('inspects an execution: its status and start as epoch ms; a missing one is undefined', async () => {
    const arn = await workflow().start('s-10', { streamId: 's', epoch: 10, generation: 0, iteration: 0 });
    expect(await workflow().inspect(arn)).toEqual({ executionArn: arn, status: 'RUNNING', startedAt: 1_700_000_000_000 });
    expect(await workflow().inspect(executionArnFor('never'))).toBeUndefined();
  });

  it('turns other failures into AwsServiceError after the SDK retries', async () => {
    const before = calls.length;
    const err = await startExecution('boom', { streamId: 's', epoch: 1, generation: 0, iteration: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsServiceError);
    expect(err).toMatchObject({ service: 'StepFunctions', operation: 'StartExecution', status: 500, retryable: true });
    expect(calls.length - before).toBe(5); // SDK maxAttempts 5
  }, 30_000);

  it('without a state machine ARN throws MissingConfigError naming PLAYER_STATE_MACHINE_ARN, and refuses an ARN of another kind', async () => {
    const none = new StepFunctionsWorkflow({ client: sfnClient(), stateMachineArn: '' });
    expect(() => none.arnFor('x')).toThrow(expect.objectContaining({ name: 'MissingConfigError', variable: 'PLAYER_STATE_MACHINE_ARN' }));
    await expect(none.start('x', { streamId: 's', epoch: 1, generation: 0, iteration: 0 })).rejects.toMatchObject({ name: 'MissingConfigError' });
    expect(() => new StepFunctionsWorkflow({ client: sfnClient(), stateMachineArn: 'arn:aws:lambda:us-east-1:1:function:f' }).arnFor('x')).toThrow(/is not a state machine ARN/);
  });
});
