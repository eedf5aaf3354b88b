/**
 * How local mode runs a template function's handler with that function's environment — the
 * one module that knows.
 *
 * Every handler module is its function's composition root (it exports `createHandler(deps)`
 * and `fromEnvironment(env)`, lambda/handlers/*.ts): each function is built
 * `createHandler(fromEnvironment({ ...process.env, ...its environment, ...the shared settings }))`,
 * where its environment is the template's `Environment.Variables` resolved against the local
 * resources. A function never sees another function's variables, as on AWS.
 *
 * Only the shared settings — the same for every function: region, credentials, the stand-ins'
 * `AWS_ENDPOINT_URL_*` (which the SDK itself reads from `process.env`), `CALLBACK_URL`, the log
 * level (the logger reads it when its module loads) and the caller's overrides — are set in
 * this process's `process.env`, before the handler modules are `require`d.
 */
import { join } from 'node:path';
import { invoke, type LambdaHandler, type LocalFunction } from './lambda-runtime';
import * as tpl from './template';

/** A template function, runnable locally: its handler with its name, timeout (ms) and memory (MB). */
export interface LoadedFunction extends LocalFunction {
  /** The template's logical id. */
  readonly logicalId: string;
}

/** The template's functions, loaded. */
export interface LocalFunctions {
  readonly all: readonly LoadedFunction[];
  /** The function of a logical id. Throws `template references unknown function ID` for another id. */
  byLogicalId(logicalId: string): LoadedFunction;
  /** The function of a handler name (`tick`, `sweeper`, …). Throws `no function named NAME` for another name. */
  byName(name: string): LoadedFunction;
  /** Invoke a function as Lambda would (synchronously; see local/lambda-runtime.ts `invoke`: rejects with its error or timeout). */
  invoke(fn: LoadedFunction, event: unknown): Promise<unknown>;
  /**
   * Wait until no handler runs any more — including those that outlived their timeout and run
   * on in the background — or `maxMs` passed. Called before the stand-ins close, so a late
   * handler never calls a closed database.
   */
  drain(maxMs: number): Promise<void>;
}

/** Options of {@link loadFunctions}. */
export interface LoadFunctionsOptions {
  /** The template's functions (local/template.ts `functions`). */
  readonly functions: readonly tpl.FunctionDefinition[];
  /** Resolves each function's environment values (`Ref`, `Fn::GetAtt`, …) to the local resources. */
  readonly resolver: tpl.Resolver;
  /** Settings every function gets, over the template's (endpoints, region, credentials, overrides). */
  readonly shared: Record<string, string>;
  /** The project root: each function's `entry` is relative to it. */
  readonly root: string;
}

/**
 * Each function's environment, resolved: `logicalId → { NAME: value }`. Throws when a value
 * cannot be resolved (local/template.ts `resolve`).
 */
export function functionEnvironments(functions: readonly tpl.FunctionDefinition[], resolver: tpl.Resolver): Map<string, Record<string, string>> {
  return new Map(functions.map((f) => [f.logicalId, Object.fromEntries(Object.entries(f.environment).map(([k, v]) => [k, String(tpl.resolve(v, resolver))]))]));
}

/** The environment each function of the last {@link loadFunctions} call was built from, by function name. */
const builtFrom = new Map<string, Readonly<NodeJS.ProcessEnv>>();

/**
 * The environment the local function `name` (`tick`, `http-api`, …) was built from by the
 * last {@link loadFunctions} call in this process: for in-process tools and tests that act as
 * that function (build its adapters with its `fromEnvironment`). Throws `no local function
 * named NAME has been loaded` before local mode has loaded one.
 */
export function localFunctionEnvironment(name: string): NodeJS.ProcessEnv {
  const env = builtFrom.get(name);
  if (!env) throw new Error(`no local function named ${name} has been loaded`);
  return { ...env };
}

/** What a handler module exports for local mode: how its function is built (its composition root). */
interface HandlerModule {
  createHandler?: (deps: unknown) => LambdaHandler;
  fromEnvironment?: (env: NodeJS.ProcessEnv) => unknown;
}

/**
 * Set the shared settings in `process.env` (see the module note), then load every function's
 * handler module and build it from its own function's environment. Throws `ENTRY exports no
 * composition root (createHandler and fromEnvironment)` for a module without both, and whatever a `fromEnvironment` throws (e.g. MissingConfigError).
 * Modules are cached by `require`; each call builds fresh handlers (their own clients and caches).
 */
export function loadFunctions(opts: LoadFunctionsOptions): LocalFunctions {
  const before: NodeJS.ProcessEnv = { ...process.env };
  const environments = functionEnvironments(opts.functions, opts.resolver);
  Object.assign(process.env, opts.shared);
  builtFrom.clear();

  // The same handler modules as on AWS, imported only now that the shared settings are set.
  const all = opts.functions.map((f): LoadedFunction => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(opts.root, f.entry)) as HandlerModule;
    if (typeof mod.createHandler !== 'function' || typeof mod.fromEnvironment !== 'function') throw new Error(`${f.entry} exports no composition root (createHandler and fromEnvironment)`);
    const env = { ...before, ...environments.get(f.logicalId), ...opts.shared };
    const handler = mod.createHandler(mod.fromEnvironment(env));
    builtFrom.set(f.name, env);
    return { logicalId: f.logicalId, handler, functionName: f.name, timeoutMs: f.timeoutSeconds * 1000, memoryMb: f.memoryMb };
  });
  const byLogicalId = (logicalId: string) => {
    const fn = all.find((f) => f.logicalId === logicalId);
    if (!fn) throw new Error(`template references unknown function ${logicalId}`);
    return fn;
  };
  // Every handler run, until it settles (see LocalFunctions.drain).
  const running = new Set<Promise<unknown>>();
  return {
    all,
    byLogicalId,
    byName: (name) => {
      const fn = all.find((f) => f.functionName === name);
      if (!fn) throw new Error(`no function named ${name}`);
      return fn;
    },
    invoke: (fn, event) => invoke(fn.handler, event, fn, running),
    drain: async (maxMs) => {
      const until = Date.now() + maxMs;
      while (running.size > 0 && Date.now() < until) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...running]), new Promise((r) => (timer = setTimeout(r, until - Date.now())))]);
        clearTimeout(timer);
      }
    },
  };
}
