/**
 * The Player workflow (Step Functions) as the use cases need it: start, stop and describe
 * executions. Implemented by adapters/workflow.ts `StepFunctionsWorkflow` and the tests' in-memory fake.
 */
import type { TickInput } from '../core/workflow';

/** Execution statuses of Step Functions' DescribeExecution. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/**
 * One execution as Step Functions' DescribeExecution reports it: times are epoch ms; `error`
 * and `cause` are there for a FAILED, TIMED_OUT or ABORTED execution that recorded them
 * (`cause` is the StopExecution cause of an aborted one).
 */
export interface ExecutionDetails {
  executionArn: string;
  status: ExecutionStatus | string;
  startedAt: number;
  /** Absent while it runs. */
  stoppedAt?: number;
  error?: string;
  cause?: string;
}

/** Executions of the Player state machine. */
export interface Workflow {
  /** The ARN the execution named `name` has (or will have). */
  arnFor(name: string): string;
  /** Start an execution; a duplicate name is a no-op. Returns its ARN. */
  start(name: string, input: TickInput): Promise<string>;
  /** Stop an execution with `cause`; one that does not exist or has finished is not an error. */
  stop(executionArn: string, cause: string): Promise<void>;
  /** The execution's status, or undefined when none has that ARN. */
  describe(executionArn: string): Promise<ExecutionStatus | string | undefined>;
  /** The execution's status, times, error and cause, or undefined when none has that ARN (the operator's view). */
  inspect(executionArn: string): Promise<ExecutionDetails | undefined>;
}
