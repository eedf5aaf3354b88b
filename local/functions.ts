/**
 * How local mode runs a template function's handler with that function's environment — the
 * one module that knows.
 *
 * Every function's environment (the template's `Environment.Variables`, resolved against the
 * local resources) is merged into this one process's `process.env`, then the shared settings
 * (region, credentials, the stand-ins' endpoints, `CALLBACK_URL`, the caller's overrides) on
 * top, and only then is each handler module `require`d: the SDK reads the shared settings
 * there, some adapters read their names there on first use, and a module without a
 * composition root reads its environment when it loads, as a Lambda cold start does. One
 * process env means functions must agree on every name they share (they do: the constructs
 * configure them from one `contract/env.ts`); a disagreement throws.
 *
 * A module that is its function's composition root (it exports `createHandler(deps)` and
 * `fromEnvironment(env)`, as lambda/handlers/connect.ts does) is built from that function's
 * own environment instead: `createHandler(fromEnvironment({ ...process.env before the merge,
 * ...the function's environment, ...the shared settings }))` — it never sees another
 * function's variables.
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

/** What a handler module may export: its Lambda entry and, for a composition root, how it is built. */
interface HandlerModule {
  handler?: LambdaHandler;
  createHandler?: (deps: unknown) => LambdaHandler;
  fromEnvironment?: (env: NodeJS.ProcessEnv) => unknown;
}

/**
 * Set the functions' environment in `process.env` (see the module note), then load every
 * function's handler module, building each composition root from its own function's
 * environment. Throws `functions disagree on NAME: a vs b` when two functions set one name to
 * different values, `ENTRY exports no handler` for a module with neither an exported async
 * `handler` nor `createHandler` and `fromEnvironment`, and whatever a `fromEnvironment`
 * throws (e.g. MissingConfigError). Call once per process: modules are cached by `require`.
 */
export function loadFunctions(opts: LoadFunctionsOptions): LocalFunctions {
  const before: NodeJS.ProcessEnv = { ...process.env };
  const environments = functionEnvironments(opts.functions, opts.resolver);
  const merged: Record<string, string> = {};
  for (const [, env] of environments) {
    for (const [k, value] of Object.entries(env)) {
      if (merged[k] !== undefined && merged[k] !== value) throw new Error(`functions disagree on ${k}: ${merged[k]} vs ${value}`);
      merged[k] = value;
    }
  }
  Object.assign(process.env, merged, opts.shared);

  // The same handler modules as on AWS, imported only now that their environment is set.
  const all = opts.functions.map((f): LoadedFunction => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(opts.root, f.entry)) as HandlerModule;
    let handler: LambdaHandler;
    if (typeof mod.createHandler === 'function' && typeof mod.fromEnvironment === 'function') {
      handler = mod.createHandler(mod.fromEnvironment({ ...before, ...environments.get(f.logicalId), ...opts.shared }));
    } else if (typeof mod.handler === 'function') {
      handler = mod.handler;
    } else {
      throw new Error(`${f.entry} exports no handler`);
    }
    return { logicalId: f.logicalId, handler, functionName: f.name, timeoutMs: f.timeoutSeconds * 1000, memoryMb: f.memoryMb };
  });
  const byLogicalId = (logicalId: string) => {
    const fn = all.find((f) => f.logicalId === logicalId);
    if (!fn) throw new Error(`template references unknown function ${logicalId}`);
    return fn;
  };
  return {
    all,
    byLogicalId,
    byName: (name) => {
      const fn = all.find((f) => f.functionName === name);
      if (!fn) throw new Error(`no function named ${name}`);
      return fn;
    },
    invoke: (fn, event) => invoke(fn.handler, event, fn),
  };
}
