/**
 * The one structured logger of every handler and adapter (AWS Lambda Powertools for
 * TypeScript, JSON lines to CloudWatch). Created once per container at module scope.
 * Level from `POWERTOOLS_LOG_LEVEL` (default INFO); local mode and tests may set it to
 * `SILENT` or `ERROR`. Never log tokens or message bodies; log ids (connectionId, streamId,
 * epoch, seq) and counts.
 *
 * Every line written during an invocation wrapped by {@link withLambdaContext} (each handler's
 * `createHandler` wraps its handler) carries the Lambda context — Powertools' keys
 * `function_name`, `function_request_id`, `function_arn`, `function_memory_size`, `cold_start`
 * — and the keys the invocation appended with {@link appendLogKeys} (the tick and the control
 * function append the `streamId` and `epoch` they work on). Both are kept per invocation in an
 * AsyncLocalStorage rather than on the shared logger (Powertools `addContext`/`appendKeys`), so
 * local mode, which runs many invocations of every function at once in one process, never
 * puts one invocation's context on another's lines.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { Log } from '../ports/log';
import type { StreamStore } from '../ports/streams';

/** The Lambda context fields the log lines carry (what Powertools' formatter reads). */
type LineContext = NonNullable<UnformattedAttributes['lambdaContext']>;

/** One invocation's log context. */
interface InvocationScope {
  readonly lambdaContext: LineContext | undefined;
  /** Keys appended during the invocation ({@link appendLogKeys}). */
  readonly keys: LogAttributes;
}

const invocation = new AsyncLocalStorage<InvocationScope>();

/**
 * Powertools' standard JSON line (the keys and order of its default `PowertoolsLogFormatter`,
 * which the package does not export), with the current invocation's Lambda context and
 * appended keys.
 */
class InvocationLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const scope = invocation.getStore();
    const ctx = attributes.lambdaContext ?? scope?.lambdaContext;
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: ctx?.coldStart,
      function_arn: ctx?.invokedFunctionArn,
      function_memory_size: ctx?.memoryLimitInMB,
      function_name: ctx?.functionName,
      function_request_id: ctx?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
    };
    // A line's own attributes win over the invocation's appended keys.
    return new LogItem({ attributes: base }).addAttributes({ ...scope?.keys, ...additionalLogAttributes });
  }
}

/** The shared logger, service name `matchcast`. */
export const logger = new Logger({ serviceName: 'matchcast', logFormatter: new InvocationLogFormatter() });

/** {@link logger} as the `Log` port of the use cases (ports/log.ts). */
export const log: Log = {
  info: (message, attributes) => logger.info(message, (attributes ?? {}) as LogAttributes),
  warn: (message, attributes) => logger.warn(message, (attributes ?? {}) as LogAttributes),
  error: (message, attributes) => logger.error(message, (attributes ?? {}) as LogAttributes),
};

/** The Lambda `Context` fields {@link withLambdaContext} reads (aws-lambda `Context`); any may be missing. */
export interface LambdaContextFields {
  readonly functionName?: string;
  readonly functionVersion?: string;
  readonly invokedFunctionArn?: string;
  readonly memoryLimitInMB?: string | number;
  readonly awsRequestId?: string;
}

/**
 * `handler` with the Lambda context on every log line of each invocation (see the module
 * note): `(event, context) → handler(event, context)`, run in a fresh log
 * scope holding `context`'s function name, version, ARN, memory (MB) and request id, and
 * `cold_start` true on the wrapper's first invocation only (one wrapper per container on AWS).
 * An invocation without a context (a test calling the handler with the event only) gets a
 * scope without them. Returns and throws what `handler` does.
 */
export function withLambdaContext<A extends unknown[], R>(handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let cold = true;
  return (...args: A): Promise<R> => {
    // Lambda calls every handler `(event, context)`, whatever arguments its type declares.
    const context = (args as unknown[])[1] as LambdaContextFields | undefined;
    const hasContext = typeof context === 'object' && context !== null && typeof context.awsRequestId === 'string';
    const lambdaContext: LineContext | undefined = hasContext
      ? {
          functionName: context.functionName ?? '',
          functionVersion: context.functionVersion ?? '$LATEST',
          invokedFunctionArn: context.invokedFunctionArn ?? '',
          memoryLimitInMB: String(context.memoryLimitInMB ?? ''),
          awsRequestId: context.awsRequestId ?? '',
          coldStart: cold,
        }
      : undefined;
    cold = false;
    return invocation.run({ lambdaContext, keys: {} }, () => handler(...args));
  };
}

/**
 * Put `keys` (e.g. `{ streamId, epoch }`) on every later log line of the current invocation
 * (one wrapped by {@link withLambdaContext}); a key appended again takes its new value. Does
 * nothing outside an invocation.
 */
export function appendLogKeys(keys: LogAttributes): void {
  const scope = invocation.getStore();
  if (scope) Object.assign(scope.keys, keys);
}

/** The StreamStore methods that return or write one stream's row. */
const ROW_METHODS = new Set<string | symbol>(['get', 'create', 'update', 'addClients', 'repairClientCount']);

/**
 * `store` whose every read or write of one stream's row (`get`, `create`, `update`,
 * `addClients`, `repairClientCount`) appends that row's `streamId` and `epoch` to the current
 * invocation's log lines ({@link appendLogKeys}): the lines of a use case that works on one
 * stream name it without passing it to every call. A list (`listByStatus`) appends nothing.
 * Returns and throws what `store` does.
 */
export function withStreamLogKeys<S extends StreamStore>(store: S): S {
  const note = (row: unknown) => {
    const r = row as { streamId?: unknown; epoch?: unknown } | undefined;
    if (r && typeof r.streamId === 'string') appendLogKeys({ streamId: r.streamId, ...(typeof r.epoch === 'number' ? { epoch: r.epoch } : {}) });
  };
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (!ROW_METHODS.has(prop)) return value.bind(target);
      return async (...args: unknown[]) => {
        if (prop === 'create') note(args[0]);
        const out: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        note(out);
        return out;
      };
    },
  });
}
