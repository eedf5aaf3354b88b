/**
 * Typed configuration, read once from a function's environment (the `env` its composition
 * root's `fromEnvironment` is given). Each handler reads only the variables it needs, through
 * these getters, so a missing variable fails the cold start with a message naming it (not an
 * `undefined` deep in a request).
 */
import { DEFAULT_SPECTATE_LEAD_MS, MAX_LEAD_MS } from '../../contract/defaults';
import { ENV } from '../../contract/env';

/** Thrown when a required environment variable is unset or empty. */
export class MissingConfigError extends Error {
  constructor(readonly variable: string) {
    super(`environment variable ${variable} is required but not set`);
    this.name = 'MissingConfigError';
  }
}

/**
 * The value of `name` in `env` (a function's environment); throws
 * {@link MissingConfigError} when it is unset or empty.
 */
export function requireEnv(name: string, env: NodeJS.ProcessEnv): string {
  const v = env[name];
  if (v === undefined || v === '') throw new MissingConfigError(name);
  return v;
}

/**
 * A non-negative number from `env` (a function's environment), or `fallback` when unset.
 * Throws an Error naming the variable for anything that is not such a number.
 */
export function numberEnv(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`environment variable ${name} must be a non-negative number, got "${v}"`);
  return n;
}

/**
 * The playout buffer (ms) of a recorded game's spectate stream: `SPECTATE_LEAD_MS` in `env` (a
 * function's environment), or DEFAULT_SPECTATE_LEAD_MS (contract/defaults.ts, 2,000) when
 * unset. Throws an Error naming the variable for anything but an integer 0–MAX_LEAD_MS (60,000).
 */
export function spectateLeadMsFromEnv(env: NodeJS.ProcessEnv): number {
  const v = env[ENV.spectateLeadMs];
  if (v === undefined || v === '') return DEFAULT_SPECTATE_LEAD_MS;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > MAX_LEAD_MS) {
    throw new Error(`environment variable ${ENV.spectateLeadMs} must be an integer from 0 to ${MAX_LEAD_MS} (ms), got "${v}"`);
  }
  return n;
}

export { ENV } from '../../contract/env';
