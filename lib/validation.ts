import type { Duration } from 'aws-cdk-lib';

/**
 * `d` in whole seconds (≥ 1): the unit of every duration the handlers read from their
 * environment (`STREAM_IDLE_TTL_SECONDS`, `MAX_STREAM_SECONDS`). Throws an Error naming
 * `owner` and `prop` when `d` is a token, below one second or not a whole number of seconds.
 */
export function wholeSeconds(owner: string, prop: string, d: Duration): number {
  if (d.isUnresolved()) throw new Error(`${owner}: ${prop} must be a concrete duration, not a token`);
  const ms = d.toMilliseconds();
  if (ms < 1000 || ms % 1000 !== 0) throw new Error(`${owner}: ${prop} must be a whole number of seconds ≥ 1 s, got ${d.toHumanString()}`);
  return ms / 1000;
}
