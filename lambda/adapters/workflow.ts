/**
 * Step Functions access for the Player workflow (docs/ARCHITECTURE.md "The Player workflow and the
 * tick"): start, stop and describe executions of the state machine PLAYER_STATE_MACHINE_ARN.
 * The only module that speaks Step Functions. Endpoint: the SDK's own
 * `AWS_ENDPOINT_URL_SFN` (local mode's Step Functions endpoint).
 */
import {
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type ExecutionStatus,
} from '@aws-sdk/client-sfn';
import type { TickInput } from '../core/workflow';
import type { Workflow } from '../ports/workflow';
import { errorCode, lazy, SDK_MAX_ATTEMPTS, translate } from './aws';
import { ENV, requireEnv } from './config';

const sfn = lazy(() => new SFNClient({ maxAttempts: SDK_MAX_ATTEMPTS }));
const stateMachineArn = lazy(() => requireEnv(ENV.stateMachineArn));

/**
 * The ARN an execution named `name` of the Player state machine has (or will have):
 * `arn:…:states:{region}:{account}:stateMachine:{machine}` →
 * `arn:…:states:{region}:{account}:execution:{machine}:{name}` (the ARN format Step
 * Functions documents for Standard executions). Lets a writer store `executionArn` on the
 * stream row before starting the execution.
 */
export function executionArnFor(name: string): string {
  const sm = stateMachineArn();
  const i = sm.indexOf(':stateMachine:');
  if (i < 0) throw new Error(`${ENV.stateMachineArn} is not a state machine ARN: ${sm}`);
  return `${sm.slice(0, i)}:execution:${sm.slice(i + ':stateMachine:'.length)}:${name}`;
}

/**
 * Start an execution named `name` (see stream-keys.ts `executionName`) with `input`.
 * Returns its execution ARN.
 *
 * `ExecutionAlreadyExists` counts as success and returns {@link executionArnFor}(name):
 * execution names are unique per (stream, epoch, generation), so a duplicate start — a
 * retried Lambda, a StartExecution whose response was lost, a sweeper racing a control — is
 * the same execution already running, and starting it again must be a no-op (docs/ARCHITECTURE.md:
 * "named `{streamId}-{epoch}` … so a duplicate start is a no-op").
 * Other failures throw `AwsServiceError`/`ThrottledError` after the SDK's retries.
 */
export async function startExecution(name: string, input: TickInput): Promise<string> {
  try {
    const out = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: stateMachineArn(), name, input: JSON.stringify(input) }),
    );
    return out.executionArn ?? executionArnFor(name);
  } catch (e) {
    if (errorCode(e) === 'ExecutionAlreadyExists') return executionArnFor(name);
    throw translate('StepFunctions', 'StartExecution', e);
  }
}

/**
 * Stop a running execution with `cause` (at most 32,768 characters, the API's limit; longer
 * is cut). An execution that does not exist or has already finished is not an error: the
 * goal — that it is not running — holds.
 */
export async function stopExecution(executionArn: string, cause: string): Promise<void> {
  try {
    await sfn().send(new StopExecutionCommand({ executionArn, cause: cause.slice(0, 32_768) }));
  } catch (e) {
    if (errorCode(e) === 'ExecutionDoesNotExist') return;
    throw translate('StepFunctions', 'StopExecution', e);
  }
}

/**
 * The status of an execution (`RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`,
 * `PENDING_REDRIVE`), or undefined when no execution has that ARN. For the sweeper's zombie
 * check.
 */
export async function describeExecution(executionArn: string): Promise<ExecutionStatus | undefined> {
  try {
    const out = await sfn().send(new DescribeExecutionCommand({ executionArn }));
    return out.status;
  } catch (e) {
    if (errorCode(e) === 'ExecutionDoesNotExist') return undefined;
    throw translate('StepFunctions', 'DescribeExecution', e);
  }
}

/** This container's Player state machine as the `Workflow` port (ports/workflow.ts). */
export const workflow: Workflow = {
  arnFor: executionArnFor,
  start: startExecution,
  stop: stopExecution,
  describe: describeExecution,
};
