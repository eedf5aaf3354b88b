/** Wall time as the `Time` port (ports/time.ts): `Date.now` and core/backoff.ts `sleep`. */
import { sleep } from '../core/backoff';
import type { Time } from '../ports/time';

/** The system clock. */
export const systemTime: Time = { now: () => Date.now(), sleep };
