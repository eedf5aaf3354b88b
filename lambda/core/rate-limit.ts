/**
 * Per-connection rate limits: a token bucket per connection and bucket kind. Pure:
 * the caller passes the stored state and the time, and persists the decision on the
 * Connections row (lambda/adapters/rate-limit.ts), so a limit holds across Lambda instances.
 *
 * Units: **tokens** (one message costs one token) and **ms** (epoch milliseconds for
 * times, milliseconds for durations). A bucket holds at most `burst` tokens and regains
 * `perSecond` tokens per second; a message passes when a whole token is there. In any
 * window of `w` ms at most `burst + perSecond · w / 1000` messages of one kind pass, and a
 * client that never sends faster than `perSecond` is never refused.
 *
 * The bucket is stored as one number, its *theoretical arrival time* `tat` (epoch ms) —
 * the GCRA form of a token bucket (ITU-T I.371 "virtual scheduling"): with `T = 1000 /
 * perSecond` ms per token, the bucket holds `burst − max(0, tat − now) / T` tokens; a
 * message passes iff `tat − now ≤ (burst − 1) · T`, and then `tat` becomes
 * `max(tat, now) + T`. While the bucket is not full (`tat > now`) taking a token is just
 * `tat + T` under the condition `tat ≤ now + (burst − 1) · T` — an atomic conditional
 * increment, so concurrent messages of one connection (API Gateway delivers them in
 * parallel) serialize in DynamoDB instead of failing each other's optimistic check.
 *
 * The limits ({@link RATE_LIMITS}) are well above what a person at a keyboard sends and
 * well below what a script floods with:
 *
 * - `chat`: 5 at once, then 1 per second — Slack's documented posting limit ("1 message
 *   per second per channel", short bursts allowed), and the order of Twitch's chat limit
 *   for ordinary users (20 messages per 30 s).
 * - `react`: 10 at once, then 5 per second — a reaction is one click; a person clicking as
 *   fast as they can manages 6–7 a second for a moment.
 * - `input`: 20 at once, then 10 per second — the pvp relay of player input (paddle moves); each one is a fan-out to the whole room.
 * - `control`: 10 at once, then 2 per second — `start`, `join`, `rejoin`, `stop`, `list`
 *   and the playback controls. A playback control stops and starts Step Functions
 *   executions, whose StartExecution quota (a bucket of 1,300 refilled at 300/s per
 *   account and region) every connection shares; a scrubbing slider must debounce. The
 *   end-to-end tests' bursts of 2–3 controls per player stay well inside it.
 *
 * `ping` is not limited: it is the heartbeat (one small write).
 */
import * as z from 'zod';

/** A bucket's size (tokens) and refill rate (tokens per second). */
export interface BucketSpec {
  /** Most tokens the bucket holds: the burst allowed after a quiet spell. ≥ 1. */
  readonly burst: number;
  /** Tokens regained per second: the sustained rate. > 0. */
  readonly perSecond: number;
}

/** The limits per connection, by bucket kind (see the module comment for why these values). */
export const RATE_LIMITS = {
  chat: { burst: 5, perSecond: 1 },
  react: { burst: 10, perSecond: 5 },
  input: { burst: 20, perSecond: 10 },
  control: { burst: 10, perSecond: 2 },
} as const satisfies Record<string, BucketSpec>;

/** A bucket kind: `chat`, `react`, `input` or `control`. */
export type BucketName = keyof typeof RATE_LIMITS;
export const BUCKET_NAMES = Object.keys(RATE_LIMITS) as BucketName[];

/**
 * How to store a granted token, conditionally on what the decision was made from:
 * - `start`: the bucket was full (`tat` absent or ≤ now): SET `tat` = `newTat`, on condition
 *   that `tat` is still absent or ≤ `now`;
 * - `advance`: the bucket was partly used (`tat` > now): ADD `by` ms to `tat`, on condition
 *   that `tat` ≤ `limit` (a token is still there) — safe to apply concurrently.
 */
export type BucketWrite =
  | { kind: 'start'; now: number; newTat: number }
  | { kind: 'advance'; by: number; limit: number };

/** Result of {@link takeToken}. */
export type TakeResult =
  | { ok: true; write: BucketWrite }
  /** Refused: store nothing; one token is back in `retryInMs` ms (≥ 1). */
  | { ok: false; retryInMs: number };

function check(spec: BucketSpec): number {
  if (!(spec.burst >= 1) || !(spec.perSecond > 0) || !Number.isFinite(spec.burst) || !Number.isFinite(spec.perSecond)) {
    throw new Error(`bad bucket spec: burst ${spec.burst}, perSecond ${spec.perSecond}`);
  }
  return 1000 / spec.perSecond;
}

const tatSchema = z.number().finite();

/** A stored `tat`, or undefined when absent or not a finite number (then the bucket counts as full). */
export function storedTat(value: unknown): number | undefined {
  const parsed = tatSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Take one token at `now` (epoch ms) from a bucket whose stored state is `tat` (epoch ms;
 * undefined: never used — a full bucket). Returns how to store the grant
 * ({@link BucketWrite}), or a refusal with the ms until a token is back. A `tat` far ahead of
 * `now` (another instance's clock) only delays; it never grants more than the burst.
 * Throws on a spec with `burst` < 1 or `perSecond` ≤ 0.
 */
export function takeToken(spec: BucketSpec, tat: number | undefined, now: number): TakeResult {
  const T = check(spec);
  const tolerance = (spec.burst - 1) * T;
  if (tat === undefined || tat <= now) return { ok: true, write: { kind: 'start', now, newTat: now + T } };
  if (tat - now <= tolerance) return { ok: true, write: { kind: 'advance', by: T, limit: now + tolerance } };
  return { ok: false, retryInMs: Math.max(1, Math.ceil(tat - tolerance - now)) };
}

/** The `tat` after applying `write` to `tat` — what the conditional write stores (for tests and simulations). */
export function applyWrite(tat: number | undefined, write: BucketWrite): number {
  return write.kind === 'start' ? write.newTat : (tat ?? 0) + write.by;
}

/** Tokens in the bucket at `now` (0 … burst, fractional): `burst − max(0, tat − now) / T`, never below 0. */
export function tokensAt(spec: BucketSpec, tat: number | undefined, now: number): number {
  const T = check(spec);
  if (tat === undefined) return spec.burst;
  return Math.max(0, spec.burst - Math.max(0, tat - now) / T);
}

/**
 * The `error` message text of a refusal: names the action, the limit and when to retry,
 * e.g. `chat: rate limited (5 at once, then 1 per second); retry in 734 ms`.
 */
export function rateLimitedMessage(action: string, bucket: BucketName, retryInMs: number): string {
  const { burst, perSecond } = RATE_LIMITS[bucket];
  return `${action}: rate limited (${burst} at once, then ${perSecond} per second); retry in ${retryInMs} ms`;
}
