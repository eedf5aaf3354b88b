/**
 * A local stand-in for the Lambda runtime: runs a handler module's exported function with an
 * event and a `Context` shaped like the aws-lambda one, the way the Node.js managed runtime
 * does for a synchronous (RequestResponse) invoke:
 * - the event and the result cross a JSON boundary (Lambda serializes both): the handler gets
 *   a deep copy, `undefined` results become `null`, Dates become strings;
 * - payloads are limited to 6 MB each way (Lambda quota "Invocation payload: 6 MB synchronous");
 * - the function timeout is enforced: after `timeoutMs` the invocation fails with an error
 *   named `Sandbox.Timedout`, message `Task timed out after N.NN seconds` (Lambda's wording).
 *   Unlike Lambda, which freezes/kills the sandbox, the handler's promise keeps running in
 *   the background here (nothing in-process can stop it); its eventual result is dropped, and
 *   the caller may track it (`running`) to wait for it before closing the stand-ins it uses.
 * Handlers are async (promise-returning); the deprecated callback style is not supported.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The Lambda `Context` object (aws-lambda typings) as local mode builds it. */
export type LocalLambdaContext = Context;

/** A handler module's exported `handler`: async, (event, context) → result. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LambdaHandler = (event: any, context: LocalLambdaContext) => Promise<any>;

/** Configuration of a local function: what the template says about it. */
export interface LocalFunctionConfig {
  /** The function's name (as in `arn:aws:lambda:…:function:NAME`). */
  readonly functionName: string;
  /** The function timeout, milliseconds (Lambda: 1 s – 900 s). */
  readonly timeoutMs: number;
  /** Memory size, MB. @default 128 (Lambda's default) */
  readonly memoryMb?: number;
}

/** A local function: its handler plus its configuration. */
export interface LocalFunction extends LocalFunctionConfig {
  readonly handler: LambdaHandler;
}

/** Lambda's synchronous invocation payload limit, bytes (6 MB, AWS Lambda quotas). */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

/** The ARN Lambda gives a function: `arn:aws:lambda:us-east-1:000000000000:function:NAME`. */
export function functionArn(functionName: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`;
}

/**
 * A fresh `Context` for one invocation. `getRemainingTimeInMillis()` counts down from now
 * (the invocation start) to `timeoutMs`, never below 0.
 */
export function createContext(opts: { functionName: string; timeoutMs: number; memoryMb?: number }): LocalLambdaContext {
  const deadline = Date.now() + opts.timeoutMs;
  const unsupported = () => {
    throw new Error('callback-style completion (done/succeed/fail) is not supported locally: return a Promise');
  };
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: opts.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(opts.functionName),
    memoryLimitInMB: String(opts.memoryMb ?? 128),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${opts.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** The error an invocation fails with when the handler outlives its timeout. */
export class LambdaTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = 'Sandbox.Timedout';
  }
}

/**
 * The `{ errorType, errorMessage }` Lambda reports for a function error (what a synchronous
 * invoke returns as its payload with `X-Amz-Function-Error: Unhandled`, and what Step Functions
 * puts in `Cause`). `errorType` is the error's `name` (e.g. `Error`, `TypeError`,
 * `Sandbox.Timedout`); a thrown non-Error gets `errorType: 'Error'`.
 */
export function lambdaErrorOf(err: unknown): { errorType: string; errorMessage: string } {
  if (err instanceof Error) return { errorType: err.name || err.constructor?.name || 'Error', errorMessage: err.message };
  return { errorType: 'Error', errorMessage: typeof err === 'string' ? err : JSON.stringify(err) ?? String(err) };
}

function jsonRoundTrip(value: unknown, what: 'request' | 'response'): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    const err = new Error(`Unable to serialize the ${what} payload: ${(e as Error).message}`);
    err.name = what === 'request' ? 'InvalidRequestContentException' : 'Runtime.MarshalError';
    throw err;
  }
  if (text === undefined) return null;
  if (Buffer.byteLength(text) > MAX_SYNC_PAYLOAD_BYTES) {
    const err = new Error(
      `${what === 'request' ? 'Request' : 'Response'} payload size (${Buffer.byteLength(text)} bytes) exceeded maximum allowed payload size (${MAX_SYNC_PAYLOAD_BYTES} bytes).`,
    );
    err.name = what === 'request' ? 'RequestTooLargeException' : 'Function.ResponseSizeTooLarge';
    throw err;
  }
  return JSON.parse(text);
}

/**
 * Invoke `handler` with `event` as Lambda would (synchronously, RequestResponse): a fresh
 * context, the event deep-copied through JSON, the result likewise.
 * Resolves with the handler's result (`null` for `undefined`). Rejects with the handler's own
 * error when it throws, with a {@link LambdaTimeoutError} (`name === 'Sandbox.Timedout'`) after
 * `timeoutMs` (the handler keeps running in the background, see the module note), or with
 * an error named `RequestTooLargeException` / `Function.ResponseSizeTooLarge` over 6 MB.
 */
export async function invoke(handler: LambdaHandler, event: unknown, opts: LocalFunctionConfig, running?: Set<Promise<unknown>>): Promise<unknown> {
  const payload = jsonRoundTrip(event, 'request');
  const context = createContext(opts);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(opts.timeoutMs)), opts.timeoutMs);
  });
  const run = (async () => handler(payload, context))();
  // After a timeout the handler's own outcome is dropped; never let it become unhandled.
  const settled = run.catch(() => undefined);
  if (running) {
    running.add(settled);
    void settled.finally(() => running.delete(settled));
  }
  try {
    const result = await Promise.race([run, timeout]);
    return jsonRoundTrip(result, 'response');
  } finally {
    clearTimeout(timer);
  }
}
