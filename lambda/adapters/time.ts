/**
 * Wall time as the `Time` port (ports/time.ts): `Date.now`, and a sleep on Node's timer
 * promises (`node:timers/promises`; a delay of 0 or less resolves on the next macrotask).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Time } from '../ports/time';

/** The system clock. */
export const systemTime: Time = { now: () => Date.now(), sleep: (ms) => delay(Math.max(0, ms)) };
