/**
 * How local mode runs a template function's handler with that function's environment — the
 * one module that knows.
 *
 * Today every function's environment (the template's `Environment.Variables`, resolved against
 * the local resources) is merged into this one process's `process.env`, then the shared
 * settings (region, credentials, the stand-ins' endpoints, `CALLBACK_URL`, the caller's
 * overrides) on top, and only then is each handler module `require`d: the modules read their
 * environment when they load, as a Lambda cold start does. One process env means functions
 * must agree on every name they share (they do: the constructs configure them from one
 * `contract/env.ts`); a disagreement throws. Handlers that take their dependencies
 * explicitly (a `createHandler(deps)` per function) would be built here from each
 * function's own environment instead; nothing else in local/ changes.
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

/**
 * Set the functions' environment in `process.env` (see the module note), then load every
 * function's handler module. Throws `functions disagree on NAME: a vs b` when two functions
 * set one name to different values, and `ENTRY exports no handler` for a module without an
 * exported async `handler`. Call once per process: modules are cached by `require`.
 */
export function loadFunctions(opts: LoadFunctionsOptions): LocalFunctions {
  const merged: Record<string, string> = {};
  for (const [, env] of functionEnvironments(opts.functions, opts.resolver)) {
    for (const [k, value] of Object.entries(env)) {
      if (merged[k] !== undefined && merged[k] !== value) throw new Error(`functions disagree on ${k}: ${merged[k]} vs ${value}`);
      merged[k] = value;
    }
  }
  Object.assign(process.env, merged, opts.shared);

  // The same handler modules as on AWS, imported only now that their environment is set.
  const all = opts.functions.map((f): LoadedFunction => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(opts.root, f.entry)) as { handler?: LambdaHandler };
    if (typeof mod.handler !== 'function') throw new Error(`${f.entry} exports no handler`);
    return { logicalId: f.logicalId, handler: mod.handler, functionName: f.name, timeoutMs: f.timeoutSeconds * 1000, memoryMb: f.memoryMb };
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
