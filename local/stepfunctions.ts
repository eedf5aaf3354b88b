/**
 * A local Step Functions (Standard workflows) service: the state machine definitions run by
 * `aws-local-stepfunctions`, behind the Step Functions API subset the handlers call
 * (StartExecution, StopExecution, DescribeExecution, ListExecutions) on an
 * {@link AwsJsonEndpoint}, so the AWS SDK v3 `SFNClient` works against it unmodified.
 *
 * Faithful to the service where the handlers could notice:
 * - execution ARN `arn:aws:states:{region}:{account}:execution:{stateMachineName}:{name}`;
 *   names are 1–80 characters of `[A-Za-z0-9_-]` (else `InvalidName`); StartExecution with a
 *   name in use returns the running execution when the input is identical (idempotent, as AWS
 *   documents), else `ExecutionAlreadyExists` (names of closed executions are not reusable
 *   either: AWS keeps them 90 days);
 * - Task `arn:aws:states:::lambda:invoke` (Parameters `FunctionName`, `Payload`,
 *   `InvocationType`) calls the mapped local function through lambda-runtime and returns
 *   `{ Payload, StatusCode: 200, ExecutedVersion: '$LATEST' }` (202 and empty payload for
 *   `InvocationType: 'Event'`); a plain Lambda ARN as `Resource` returns the bare result;
 *   a function error reaches Retry/Catch as Step Functions reports it: Error = the error's
 *   `errorType` (e.g. `Error`, `Sandbox.Timedout`; `States.TaskFailed` and `States.ALL` match
 *   too), Cause = JSON `{"errorType","errorMessage"}`;
 * - Task `arn:aws:states:::states:startExecution` starts an execution here and returns
 *   `{ ExecutionArn, StartDate }` (epoch ms); its API errors surface as
 *   `StepFunctions.<Code>Exception` (e.g. `StepFunctions.ExecutionAlreadyExistsException`);
 * - a state's result over 256 KB fails the execution with `States.DataLimitExceeded`
 *   (Step Functions quota), not catchable here;
 * - Wait seconds are enforced by the library (integers ≥ 0, as the service requires);
 * - the Context Object has `Execution.{Id,Name,StartTime,Input,RoleArn}` and
 *   `StateMachine.{Id,Name}`.
 * Not emulated: history-event quotas (25,000), `.sync`/`.waitForTaskToken` integrations
 * (rejected at construction), Express workflows, execution retention. A Task without
 * `TimeoutSeconds` gets a ~23-day timeout instead of the library's 60 s default (the service
 * has none; the Lambda timeout still applies).
 */
import './polyfills';
import { randomUUID } from 'node:crypto';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { AwsServiceError, type AwsJsonEndpoint } from './aws-json';
import { invoke, lambdaErrorOf, type LocalFunction } from './lambda-runtime';

/** A state machine to serve. `lambdas` maps function ARNs (unqualified) to local functions. */
export interface LocalStateMachineConfig {
  /** `arn:aws:states:{region}:{account}:stateMachine:{name}`. */
  readonly arn: string;
  readonly name: string;
  /** The Amazon States Language definition (an object, as in the template's DefinitionString, parsed). */
  readonly definition: object;
  readonly lambdas: Record<string, LocalFunction>;
}

/** Options of {@link LocalStepFunctions}. */
export interface LocalStepFunctionsOptions {
  readonly stateMachines: LocalStateMachineConfig[];
  /** Structured log sink (execution start/end, each task). @default silent */
  readonly log?: (entry: Record<string, unknown>) => void;
  /** Called once when an execution closes (any status). */
  readonly onExecutionEnd?: (execution: ExecutionInfo) => void;
  /**
   * Check each definition with aws-local-stepfunctions' validator ({@link validateDefinition}).
   * False skips it: for a definition already checked ({@link validateDefinition} once per test
   * run, test/support/global-setup.ts), since the check costs about a second of CPU.
   * @default true
   */
  readonly validate?: boolean;
}

/** Status values of DescribeExecution. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One execution, as DescribeExecution sees it. `input`/`output` are JSON strings. */
export interface ExecutionInfo {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  status: ExecutionStatus;
  readonly startDate: Date;
  stopDate?: Date;
  readonly input: string;
  output?: string;
  error?: string;
  cause?: string;
}

interface Execution extends ExecutionInfo {
  abort(): void;
  /** Resolves when the execution closes. */
  readonly closed: Promise<void>;
}

/** Step Functions' per-state payload quota: 256 KB of UTF-8 (AWS Step Functions quotas). */
export const MAX_STATE_PAYLOAD_BYTES = 256 * 1024;
/**
 * Execution names: 1–80 characters (AWS Step Functions quotas); this project restricts them to
 * `[A-Za-z0-9_-]` (lambda/core/stream-keys.ts `executionName` sanitises stream ids to that charset).
 */
const NAME_RE = /^[A-Za-z0-9_-]{1,80}$/;
/** Closed executions kept for Describe/List (oldest dropped first). AWS keeps them 90 days. */
const MAX_CLOSED_EXECUTIONS = 10_000;
/** Timeout given to Task states that declare none (the service has none; setTimeout caps at 2^31-1 ms). */
const DEFAULT_TASK_TIMEOUT_SECONDS = 2_000_000;

const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;
const START_EXECUTION = /^arn:aws[a-z-]*:states:::states:startExecution$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;

/** Validation as AWS applies it: ARNs and JSONPaths checked too. */
const STRICT = { checkArn: true, checkPaths: true } as const;

/**
 * Check an Amazon States Language definition as a state machine is checked when it is built
 * here (aws-local-stepfunctions, through asl-validator: the ASL specification's rules, ARNs and
 * JSONPaths included). Throws the validator's error naming what is wrong.
 */
export function validateDefinition(definition: Record<string, unknown>): void {
  new StateMachine(structuredClone(definition) as never, { validationOptions: STRICT });
}

/** An error the library treats as a state error: `name` is matched by Retry/Catch, `message` becomes Cause. */
class StateError extends Error {
  constructor(
    name: string,
    message: string,
    private readonly terminal = false,
  ) {
    super(message);
    this.name = name;
  }
  /** Read by aws-local-stepfunctions' Retry matching. */
  get isRetryable(): boolean {
    return !this.terminal;
  }
  /** Read by aws-local-stepfunctions' Catch matching. */
  get isCatchable(): boolean {
    return !this.terminal;
  }
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
type TaskFn = (input: JsonValue) => Promise<JsonValue>;

/** The local Step Functions service. Register it on an endpoint with {@link register}. */
export class LocalStepFunctions {
  /** Called once when an execution closes (any status); replaceable. */
  onExecutionEnd: ((execution: ExecutionInfo) => void) | undefined;
  private readonly machines = new Map<string, { config: LocalStateMachineConfig; machine: StateMachine; tasks: Record<string, TaskFn> }>();
  private readonly byArn = new Map<string, Execution>();
  private readonly log: (entry: Record<string, unknown>) => void;
  private readonly inFlight = new Set<Promise<unknown>>();
  private isClosed = false;

  /** Throws when a definition is invalid or uses a Task resource this stand-in does not serve. */
  constructor(opts: LocalStepFunctionsOptions) {
    this.log = opts.log ?? (() => undefined);
    this.onExecutionEnd = opts.onExecutionEnd;
    for (const config of opts.stateMachines) {
      const definition = structuredClone(config.definition) as Record<string, unknown>;
      const tasks: Record<string, TaskFn> = {};
      this.prepareStates(config, definition, tasks);
      const machine = new StateMachine(definition as never, { validationOptions: opts.validate === false ? { noValidate: true } : STRICT });
      this.machines.set(config.arn, { config, machine, tasks });
    }
  }

  /** Register StartExecution, StopExecution, DescribeExecution and ListExecutions (`AWSStepFunctions.*`). */
  register(endpoint: AwsJsonEndpoint): void {
    endpoint.register('AWSStepFunctions.StartExecution', async (b: { stateMachineArn?: unknown; name?: unknown; input?: unknown }) => {
      const { executionArn, startDate } = this.startExecution(b);
      return { executionArn, startDate: epochSeconds(startDate) };
    });
    endpoint.register('AWSStepFunctions.StopExecution', async (b: { executionArn?: unknown; error?: unknown; cause?: unknown }) => {
      const e = this.stopExecution(b);
      return { stopDate: epochSeconds(e.stopDate ?? new Date()) };
    });
    endpoint.register('AWSStepFunctions.DescribeExecution', async (b: { executionArn?: unknown }) => describeJson(this.find(b.executionArn)));
    endpoint.register('AWSStepFunctions.ListExecutions', async (b: { stateMachineArn?: unknown; statusFilter?: unknown; maxResults?: unknown; nextToken?: unknown }) =>
      this.listExecutions(b),
    );
  }

  /**
   * StartExecution: `input` a JSON string (default `"{}"`), `name` default a UUID.
   * Returns the execution (the running one for an idempotent repeat).
   * Throws AwsServiceError `InvalidArn`, `StateMachineDoesNotExist`, `InvalidName`,
   * `InvalidExecutionInput`, `ExecutionAlreadyExists`.
   */
  startExecution(req: { stateMachineArn?: unknown; name?: unknown; input?: unknown }): ExecutionInfo {
    if (this.isClosed) throw new AwsServiceError('ServiceUnavailable', 'The local Step Functions service is shutting down', 503);
    const smArn = req.stateMachineArn;
    if (typeof smArn !== 'string' || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/.test(smArn)) {
      throw new AwsServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${String(smArn)}'`);
    }
    const sm = this.machines.get(smArn);
    if (!sm) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${smArn}'`);
    const name = req.name === undefined ? randomUUID() : req.name;
    if (typeof name !== 'string' || !NAME_RE.test(name)) {
      throw new AwsServiceError('InvalidName', `Invalid Name: '${String(name)}' (1-80 characters of A-Z, a-z, 0-9, - and _)`);
    }
    const input = req.input === undefined ? '{}' : req.input;
    let parsed: JsonValue;
    try {
      if (typeof input !== 'string') throw new Error('input must be a string');
      parsed = JSON.parse(input) as JsonValue;
    } catch (e) {
      throw new AwsServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(e as Error).message}'`);
    }
    if (Buffer.byteLength(input) > MAX_STATE_PAYLOAD_BYTES) {
      throw new AwsServiceError('InvalidExecutionInput', `Execution input exceeds the ${MAX_STATE_PAYLOAD_BYTES}-byte limit`);
    }
    const executionArn = `${smArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.byArn.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const startDate = new Date();
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    let abort: () => void = () => undefined;
    const execution: Execution = {
      executionArn,
      stateMachineArn: smArn,
      name,
      status: 'RUNNING',
      startDate,
      input,
      abort: () => abort(),
      closed,
    };
    // Registered before the run starts: the library runs up to the first Task synchronously.
    this.byArn.set(executionArn, execution);
    const run = sm.machine.run(parsed, {
      overrides: { taskResourceLocalHandlers: bindTasks(sm.tasks, () => execution.status !== 'RUNNING') as never },
      context: {
        Execution: { Id: executionArn, Name: name, RoleArn: `arn:aws:iam::${accountOf(smArn)}:role/local-stepfunctions` },
        StateMachine: { Id: smArn, Name: sm.config.name },
      },
    });
    abort = run.abort;
    // Drain the library's event log (it buffers until read); count events for the log.
    let events = 0;
    void (async () => {
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      for await (const _ of run.eventLogs) events++;
    })().catch(() => undefined);
    this.log({ service: 'stepfunctions', msg: 'execution started', executionArn });
    const finish = (status: ExecutionStatus, fields: Partial<ExecutionInfo>) => {
      if (execution.status === 'RUNNING') {
        Object.assign(execution, { status, stopDate: new Date(), ...fields });
        this.log({
          service: 'stepfunctions',
          msg: 'execution closed',
          executionArn,
          status,
          durationMs: Date.now() - startDate.getTime(),
          events,
          ...(execution.error !== undefined ? { error: execution.error } : {}),
        });
        try {
          this.onExecutionEnd?.(execution);
        } catch (e) {
          this.log({ service: 'stepfunctions', msg: 'onExecutionEnd threw', error: String(e) });
        }
        this.prune();
      }
      markClosed();
    };
    run.result.then(
      (output) => {
        const text = JSON.stringify(output ?? null);
        if (Buffer.byteLength(text) > MAX_STATE_PAYLOAD_BYTES) {
          finish('FAILED', { error: 'States.DataLimitExceeded', cause: `The state/task returned a result with a size exceeding the maximum number of bytes service limit (${MAX_STATE_PAYLOAD_BYTES}).` });
        } else finish('SUCCEEDED', { output: text });
      },
      (err: unknown) => {
        if (err instanceof ExecutionAbortedError) finish('ABORTED', {});
        else if (err instanceof ExecutionTimeoutError) finish('TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out (TimeoutSeconds)' });
        else if (err instanceof ExecutionError) {
          const c = (err as Error & { cause?: unknown }).cause as (Error & { constructor: { name: string } }) | undefined;
          const failState = c?.constructor?.name === 'FailStateError' && c.message === 'Execution failed because of a Fail state';
          finish('FAILED', { error: c?.name ?? 'States.Runtime', ...(failState ? {} : { cause: c?.message ?? String(err) }) });
        } else finish('FAILED', { error: 'States.Runtime', cause: (err as Error)?.message ?? String(err) });
      },
    );
    return execution;
  }

  /**
   * StopExecution: a running execution becomes ABORTED now (an in-flight Lambda invocation
   * finishes in the background, its result dropped; a Wait ends at once). Stopping a closed
   * execution changes nothing. Throws `ExecutionDoesNotExist` / `InvalidArn`.
   */
  stopExecution(req: { executionArn?: unknown; error?: unknown; cause?: unknown }): ExecutionInfo {
    const e = this.find(req.executionArn);
    if (e.status === 'RUNNING') {
      e.status = 'ABORTED';
      e.stopDate = new Date();
      if (typeof req.error === 'string') e.error = req.error;
      if (typeof req.cause === 'string') e.cause = req.cause;
      this.log({ service: 'stepfunctions', msg: 'execution stopped', executionArn: e.executionArn });
      try {
        this.onExecutionEnd?.(e);
      } catch (err) {
        this.log({ service: 'stepfunctions', msg: 'onExecutionEnd threw', error: String(err) });
      }
      e.abort();
    }
    return e;
  }

  /** DescribeExecution. Throws `ExecutionDoesNotExist` / `InvalidArn`. */
  describeExecution(executionArn: string): ExecutionInfo {
    return this.find(executionArn);
  }

  /** Every execution known (running and closed), oldest first; copies. */
  executions(): ExecutionInfo[] {
    return [...this.byArn.values()].map(publicView);
  }

  /** Resolves with the execution once it is closed (any status). Throws `ExecutionDoesNotExist`. */
  async waitForExecution(executionArn: string): Promise<ExecutionInfo> {
    const e = this.find(executionArn);
    await e.closed;
    return publicView(e);
  }

  /**
   * Abort every running execution and wait (bounded by the functions' timeouts) for in-flight
   * Lambda invocations to settle, so no timers are left behind. Later starts fail.
   * With `graceMs`, wait at most that long (ms): a tick can run on for up to its 2-minute
   * timeout, which a process about to exit (Ctrl-C on `npm start`) need not sit through —
   * Lambda itself would simply freeze it.
   */
  async close(graceMs?: number): Promise<void> {
    this.isClosed = true;
    for (const e of this.byArn.values()) if (e.status === 'RUNNING') this.stopExecution({ executionArn: e.executionArn });
    const settle = async () => {
      await Promise.allSettled([...this.byArn.values()].map((e) => e.closed));
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    };
    if (graceMs === undefined) return settle();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settle(), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }

  private listExecutions(b: { stateMachineArn?: unknown; statusFilter?: unknown; maxResults?: unknown; nextToken?: unknown }): object {
    if (typeof b.stateMachineArn !== 'string') throw new AwsServiceError('ValidationException', 'stateMachineArn is required');
    if (!this.machines.has(b.stateMachineArn)) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${b.stateMachineArn}'`);
    const all = [...this.byArn.values()]
      .filter((e) => e.stateMachineArn === b.stateMachineArn && (b.statusFilter === undefined || e.status === b.statusFilter))
      .reverse();
    const start = typeof b.nextToken === 'string' ? Number(b.nextToken) || 0 : 0;
    const max = typeof b.maxResults === 'number' && b.maxResults > 0 ? Math.min(b.maxResults, 1000) : 100;
    const page = all.slice(start, start + max);
    return {
      executions: page.map(summaryJson),
      ...(start + max < all.length ? { nextToken: String(start + max) } : {}),
    };
  }

  private find(executionArn: unknown): Execution {
    if (typeof executionArn !== 'string' || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(executionArn)) {
      throw new AwsServiceError('InvalidArn', `Invalid Arn: '${String(executionArn)}'`);
    }
    const e = this.byArn.get(executionArn);
    if (!e) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return e;
  }

  private prune(): void {
    if (this.byArn.size <= MAX_CLOSED_EXECUTIONS) return;
    for (const [arn, e] of this.byArn) {
      if (this.byArn.size <= MAX_CLOSED_EXECUTIONS) break;
      if (e.status !== 'RUNNING') this.byArn.delete(arn);
    }
  }

  /** Walk the states (Parallel branches, Map iterators too): build a local handler for every Task. */
  private prepareStates(config: LocalStateMachineConfig, definition: Record<string, unknown>, tasks: Record<string, TaskFn>): void {
    const states = definition.States as Record<string, Record<string, unknown>> | undefined;
    for (const [stateName, state] of Object.entries(states ?? {})) {
      if (state.Type === 'Parallel') for (const b of (state.Branches as Array<Record<string, unknown>>) ?? []) this.prepareStates(config, b, tasks);
      if (state.Type === 'Map') {
        const inner = (state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined;
        if (inner) this.prepareStates(config, inner, tasks);
      }
      if (state.Type !== 'Task') continue;
      if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = DEFAULT_TASK_TIMEOUT_SECONDS;
      const resource = String(state.Resource);
      if (LAMBDA_INVOKE.test(resource)) tasks[stateName] = (input) => this.lambdaInvokeTask(config, stateName, input);
      else if (START_EXECUTION.test(resource)) tasks[stateName] = (input) => this.startExecutionTask(stateName, input);
      else if (LAMBDA_ARN.test(resource)) tasks[stateName] = async (input) => (await this.callLambda(config, stateName, resource, input)) as JsonValue;
      else throw new Error(`state machine ${config.name}: Task state "${stateName}" uses ${resource}, which local mode does not serve (lambda:invoke, states:startExecution or a Lambda ARN)`);
    }
  }

  private async lambdaInvokeTask(config: LocalStateMachineConfig, stateName: string, input: JsonValue): Promise<JsonValue> {
    const params = (input ?? {}) as { FunctionName?: unknown; Payload?: JsonValue; InvocationType?: unknown };
    if (typeof params.FunctionName !== 'string') throw new StateError('States.Runtime', `Task ${stateName}: Parameters.FunctionName must be a string`, true);
    if (params.InvocationType === 'Event') {
      const p = this.callLambda(config, stateName, params.FunctionName, params.Payload ?? null).catch(() => undefined);
      this.track(p);
      return { Payload: '', StatusCode: 202 };
    }
    const payload = await this.callLambda(config, stateName, params.FunctionName, params.Payload ?? null);
    return { Payload: payload as JsonValue, StatusCode: 200, ExecutedVersion: '$LATEST' };
  }

  /** Invoke a mapped function; function errors become StateErrors named by errorType. */
  private async callLambda(config: LocalStateMachineConfig, stateName: string, functionName: string, payload: JsonValue): Promise<unknown> {
    const fn = findLambda(config.lambdas, functionName);
    if (!fn) {
      throw new StateError('Lambda.ResourceNotFoundException', `Function not found: ${functionName} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException)`);
    }
    const started = Date.now();
    const p = invoke(fn.handler, payload, fn);
    this.track(p);
    try {
      const result = await p;
      const size = Buffer.byteLength(JSON.stringify(result ?? null));
      if (size > MAX_STATE_PAYLOAD_BYTES) {
        throw new StateError('States.DataLimitExceeded', `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`, true);
      }
      this.log({ service: 'stepfunctions', msg: 'task', state: stateName, functionName: fn.functionName, durationMs: Date.now() - started, status: 'ok' });
      return result;
    } catch (e) {
      if (e instanceof StateError) throw e;
      const { errorType, errorMessage } = lambdaErrorOf(e);
      const name = errorType === 'RequestTooLargeException' ? 'Lambda.RequestTooLargeException' : errorType;
      this.log({ service: 'stepfunctions', msg: 'task', state: stateName, functionName: fn.functionName, durationMs: Date.now() - started, status: 'error', error: name });
      throw new StateError(name, JSON.stringify({ errorType, errorMessage }));
    }
  }

  private async startExecutionTask(stateName: string, input: JsonValue): Promise<JsonValue> {
    const params = (input ?? {}) as { StateMachineArn?: unknown; Name?: unknown; Input?: unknown };
    try {
      const e = this.startExecution({
        stateMachineArn: params.StateMachineArn,
        ...(params.Name !== undefined ? { name: params.Name } : {}),
        input: params.Input === undefined ? '{}' : typeof params.Input === 'string' ? params.Input : JSON.stringify(params.Input),
      });
      this.log({ service: 'stepfunctions', msg: 'task', state: stateName, startedExecution: e.executionArn, status: 'ok' });
      return { ExecutionArn: e.executionArn, StartDate: e.startDate.getTime() };
    } catch (err) {
      if (!(err instanceof AwsServiceError)) throw err;
      const code = err.name.endsWith('Exception') ? err.name : `${err.name}Exception`;
      throw new StateError(
        `StepFunctions.${code}`,
        `${err.message} (Service: AWSStepFunctions; Status Code: ${err.status}; Error Code: ${err.name}; Request ID: ${randomUUID()}; Proxy: null)`,
      );
    }
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch(() => undefined);
    this.inFlight.add(q);
    void q.finally(() => this.inFlight.delete(q));
  }
}

/** Wrap the task handlers so an aborted execution never starts new work (e.g. a pending retry). */
function bindTasks(tasks: Record<string, TaskFn>, stopped: () => boolean): Record<string, TaskFn> {
  return Object.fromEntries(
    Object.entries(tasks).map(([name, fn]) => [
      name,
      async (input: JsonValue) => {
        if (stopped()) throw new StateError('States.Runtime', 'The execution was stopped', true);
        return fn(input);
      },
    ]),
  );
}

/** Find a function by ARN (qualified or not), partial ARN or name. */
function findLambda(lambdas: Record<string, LocalFunction>, functionName: string): LocalFunction | undefined {
  const m = /(?:^|:)function:([A-Za-z0-9_-]+)/.exec(functionName);
  const bare = m ? m[1] : functionName.split(':')[0];
  const unqualified = m ? functionName.slice(0, m.index + m[0].length) : functionName;
  if (lambdas[unqualified]) return lambdas[unqualified];
  for (const [arn, fn] of Object.entries(lambdas)) {
    if (fn.functionName === bare || arn.endsWith(`:function:${bare}`)) return fn;
  }
  return undefined;
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '000000000000';
}

function epochSeconds(d: Date): number {
  return d.getTime() / 1000;
}

function publicView(e: ExecutionInfo): ExecutionInfo {
  const { executionArn, stateMachineArn, name, status, startDate, stopDate, input, output, error, cause } = e;
  return { executionArn, stateMachineArn, name, status, startDate, input, ...(stopDate ? { stopDate } : {}), ...(output !== undefined ? { output } : {}), ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
}

/**
 * An execution as ListExecutions lists it (AWS Step Functions API reference,
 * "ExecutionListItem"): ARNs, name, status, `startDate` and (once stopped) `stopDate` in
 * epoch seconds. DescribeExecution's answer starts with the same fields.
 */
function summaryJson(e: ExecutionInfo): object {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epochSeconds(e.startDate),
    ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
  };
}

function describeJson(e: ExecutionInfo): object {
  return {
    ...summaryJson(e),
    input: e.input,
    inputDetails: { included: true },
    ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    ...(e.cause !== undefined ? { cause: e.cause } : {}),
  };
}
