/**
 * Step Functions access for the Player workflow (docs/ARCHITECTURE.md "The Player workflow and the
 * tick"): start, stop and describe executions of one state machine. The only module that
 * speaks Step Functions. Endpoint: the SDK's own `AWS_ENDPOINT_URL_SFN` (local mode's Step
 * Functions endpoint).
 */
import {
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type ExecutionStatus,
} from '@aws-sdk/client-sfn';
import type { TickInput } from '../core/workflow';
import type { ExecutionDetails, Workflow } from '../ports/workflow';
import { errorCode, SDK_MAX_ATTEMPTS, translate } from './aws';
import { ENV, MissingConfigError } from './config';

/** A Step Functions client with the project's retry budget ({@link SDK_MAX_ATTEMPTS} attempts). */
export function sfnClient(): SFNClient {
  return new SFNClient({ maxAttempts: SDK_MAX_ATTEMPTS });
}

/** What a {@link StepFunctionsWorkflow} is constructed with. */
export interface StepFunctionsWorkflowOptions {
  /** A Step Functions client (see {@link sfnClient}). */
  client: SFNClient;
  /**
   * The Player state machine's ARN, `arn:…:states:{region}:{account}:stateMachine:{machine}`
   * (env PLAYER_STATE_MACHINE_ARN). Empty when the function has none configured: every call
   * then throws MissingConfigError naming PLAYER_STATE_MACHINE_ARN.
   */
  stateMachineArn: string;
}

/**
 * The Player state machine as the `Workflow` port (ports/workflow.ts):
 * `new StepFunctionsWorkflow({ client: sfnClient(), stateMachineArn })`.
 */
export class StepFunctionsWorkflow implements Workflow {
  private readonly client: SFNClient;
  private readonly stateMachineArn: string;

  constructor(opts: StepFunctionsWorkflowOptions) {
    this.client = opts.client;
    this.stateMachineArn = opts.stateMachineArn;
  }

  private machine(): string {
    if (!this.stateMachineArn) throw new MissingConfigError(ENV.stateMachineArn);
    return this.stateMachineArn;
  }

  /**
   * The ARN an execution named `name` of the state machine has (or will have):
   * `arn:…:states:{region}:{account}:stateMachine:{machine}` →
   * `arn:…:states:{region}:{account}:execution:{machine}:{name}` (the ARN format Step
   * Functions documents for Standard executions). Lets a writer store `executionArn` on the
   * stream row before starting the execution. Throws an Error when the configured ARN is not
   * a state machine ARN, MissingConfigError when none is configured.
   */
  arnFor(name: string): string {
    const sm = this.machine();
    const i = sm.indexOf(':stateMachine:');
    if (i < 0) throw new Error(`${ENV.stateMachineArn} is not a state machine ARN: ${sm}`);
    return `${sm.slice(0, i)}:execution:${sm.slice(i + ':stateMachine:'.length)}:${name}`;
  }

  /**
   * Start an execution named `name` (see stream-keys.ts `executionName`) with `input`.
   * Returns its execution ARN.
   *
   * `ExecutionAlreadyExists` counts as success and returns {@link arnFor}(name):
   * execution names are unique per (stream, epoch, generation), so a duplicate start — a
   * retried Lambda, a StartExecution whose response was lost, a sweeper racing a control — is
   * the same execution already running, and starting it again must be a no-op (docs/ARCHITECTURE.md:
   * "named `{streamId}-{epoch}` … so a duplicate start is a no-op").
   * Other failures throw `AwsServiceError`/`ThrottledError` after the SDK's retries.
   */
  async start(name: string, input: TickInput): Promise<string> {
    try {
      const out = await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.machine(), name, input: JSON.stringify(input) }),
      );
      return out.executionArn ?? this.arnFor(name);
    } catch (e) {
      if (errorCode(e) === 'ExecutionAlreadyExists') return this.arnFor(name);
      throw translate('StepFunctions', 'StartExecution', e);
    }
  }

  /**
   * Stop a running execution with `cause` (at most 32,768 characters, the API's limit; longer
   * is cut). An execution that does not exist or has already finished is not an error: the
   * goal — that it is not running — holds.
   */
  async stop(executionArn: string, cause: string): Promise<void> {
    try {
      await this.client.send(new StopExecutionCommand({ executionArn, cause: cause.slice(0, 32_768) }));
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
  async describe(executionArn: string): Promise<ExecutionStatus | undefined> {
    try {
      const out = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      return out.status;
    } catch (e) {
      if (errorCode(e) === 'ExecutionDoesNotExist') return undefined;
      throw translate('StepFunctions', 'DescribeExecution', e);
    }
  }

  /**
   * DescribeExecution as {@link ExecutionDetails}: status, `startedAt`/`stoppedAt` (epoch ms),
   * `error` and `cause` when the execution recorded them; undefined when no execution has that
   * ARN. Other failures throw `AwsServiceError`/`ThrottledError`. For the operator's
   * `GET /operator/streams/{streamId}`.
   */
  async inspect(executionArn: string): Promise<ExecutionDetails | undefined> {
    try {
      const out = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      return {
        executionArn: out.executionArn ?? executionArn,
        status: out.status ?? 'UNKNOWN',
        startedAt: out.startDate ? new Date(out.startDate).getTime() : 0,
        ...(out.stopDate ? { stoppedAt: new Date(out.stopDate).getTime() } : {}),
        ...(out.error ? { error: out.error } : {}),
        ...(out.cause ? { cause: out.cause } : {}),
      };
    } catch (e) {
      if (errorCode(e) === 'ExecutionDoesNotExist') return undefined;
      throw translate('StepFunctions', 'DescribeExecution', e);
    }
  }
}
