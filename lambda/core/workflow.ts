/**
 * The contract between the `Player` state machine (lib/player-workflow.ts) and the tick
 * Lambda (lambda/handlers/tick.ts). Both sides import these names, so they cannot drift.
 *
 * Workflow: `Tick` → `Next?` (Choice on `$.next`) → `Wait` (SecondsPath `$.waitSeconds`) → `Tick` …;
 * `continue` → `ContinueAsNew` (StartExecution of this state machine with `$.successor`) → Succeed;
 * `end` → Succeed. A Tick that still fails after its retries is caught into `RecordFailure`,
 * which invokes the tick Lambda with `failure` set, then → Fail.
 */

/** What an execution is started with, and what every `Tick` receives. */
export interface TickInput {
  streamId: string;
  /** The stream epoch this execution serves (fencing token). */
  epoch: number;
  /** Continue-as-new generation within the epoch, from 0. */
  generation: number;
  /** Loop iterations done by this execution, from 0. */
  iteration: number;
  /** Set only on the failure path: the error Step Functions caught. */
  failure?: { Error?: string; Cause?: string };
}

/** What to do after a tick. */
export type TickNext = 'tick' | 'wait' | 'end' | 'continue';

/** What `Tick` returns (the state's whole output, `OutputPath: $.Payload`). */
export interface TickOutput extends TickInput {
  next: TickNext;
  /** Whole seconds for the `Wait` state (Step Functions takes integers only); 0 unless next = wait. */
  waitSeconds: number;
  /** The successor's input when next = continue. */
  successor?: TickInput & { name: string };
}

/** State names, shared by the CDK construct and local mode's task overrides. */
export const STATE = {
  tick: 'Tick',
  choice: 'Next?',
  wait: 'Wait',
  continueAsNew: 'ContinueAsNew',
  recordFailure: 'RecordFailure',
  done: 'Done',
  failed: 'Failed',
} as const;

/**
 * Iterations before an execution continues as new. A loop is ~10 history events
 * (Task 5, Choice 2, Wait 3); Standard executions hold at most 25,000 events
 * (AWS Step Functions quotas), so 1,000 iterations keep well clear of the limit.
 */
export const MAX_ITERATIONS_PER_EXECUTION = 1000;
