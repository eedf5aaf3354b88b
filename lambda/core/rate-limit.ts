/**
 * Per-connection rate limits (issue 4): a token bucket per connection and bucket kind. Pure:
 * the caller passes the stored state and the time and persists the result (the Connections
 * row, lambda/adapters/dynamo.ts `takeRateToken`), so the limit holds across Lambda
 * instances.
 *
 * Units: **tokens** (one message costs one token; fractional while refilling) and **ms**
 * (wall-clock epoch milliseconds for `at`, milliseconds for durations). A bucket holds at
 * most `burst` tokens and regains `perSecond` tokens every second; a message is allowed
 * when at least one token is there. So in any window of `w` ms at most
 * `burst + perSecond · w / 1000` messages of a kind pass.
 *
 * The limits ({@link RATE_LIMITS}) are far above what a person at a keyboard sends and far
 * below what a script floods with:
 *
 * - `chat`: 5 at once, then 1 per second — Slack's documented posting limit ("1 message
 *   per second per channel, short bursts allowed") and the order of Twitch's (20 per 30 s
 *   for ordinary users).
 * - `react`: 10 at once, then 5 per second — emoji are single clicks; a person clicking
 *   as fast as they can manages about 6–7 per second for a moment.
 * - `input`: 20 at once, then 10 per second — pvp relay of player input (the pong seed's
 *   paddle moves); each is a fan-out to the whole room.
 * - `control`: 10 at once, then 2 per second — `start`, `join`, `rejoin`, `stop`, `list`
 *   and the playback controls. Each playback control starts and stops Step Functions
 *   executions (StartExecution's own account quota is a bucket of 1,300 refilled at 300/s,
 *   shared by every connection); a scrubbing slider must debounce. The end-to-end tests'
 *   bursts of 2–3 controls per player stay well inside it.
 *
 * `ping` is not limited: it is the heartbeat and costs one small write.
 */
import { z } from 'zod';

/** A bucket's size (tokens) and refill rate (tokens per second). */
export interface BucketSpec {
  /** Most tokens the bucket holds: the burst allowed after a quiet spell. */
  readonly burst: number;
  /** Tokens regained per second: the sustained rate. */
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

/** A bucket as stored: `tokens` left (0 ≤ tokens ≤ burst, fractional) as of `at` (epoch ms). */
export interface BucketState {
  tokens: number;
  at: number;
}

/** A stored bucket state, validated (anything else — a hand-edited row, an old shape — counts as a full bucket). */
export const bucketStateSchema = z.object({ tokens: z.number().finite().min(0), at: z.number().finite().min(0) });

/** Result of {@link takeToken}. */
export type TakeResult =
  | { ok: true; state: BucketState }
  /** Refused: store nothing; `retryInMs` is when one token will be there (≥ 1). */
  | { ok: false; retryInMs: number };

/**
 * Take one token from a bucket at time `now` (epoch ms). `state` is the stored state, or
 * undefined (never used, or unreadable): a full bucket. Refills `perSecond` tokens per
 * second since `state.at`, capped at `burst`; a clock that went backwards (another Lambda
 * instance's) refills nothing and never moves `at` back. Returns the new state to store, or
 * a refusal with the milliseconds until a token is back. Throws on a spec with a burst
 * under 1 or a non-positive rate.
 */
export function takeToken(spec: BucketSpec, state: BucketState | undefined, now: number): TakeResult {
  if (!(spec.burst >= 1) || !(spec.perSecond > 0)) throw new Error(`bad bucket spec: burst ${spec.burst}, perSecond ${spec.perSecond}`);
  const prev = bucketStateSchema.safeParse(state);
  const at = prev.success ? Math.max(prev.data.at, now) : now;
  const elapsed = prev.success ? Math.max(0, now - prev.data.at) : 0;
  const tokens = prev.success ? Math.min(spec.burst, prev.data.tokens + (elapsed * spec.perSecond) / 1000) : spec.burst;
  if (tokens >= 1) return { ok: true, state: { tokens: tokens - 1, at } };
  // Clock behind `at`: the deficit is counted from `at`, not from now.
  return { ok: false, retryInMs: Math.max(1, Math.ceil(((1 - tokens) * 1000) / spec.perSecond) + (at - now)) };
}

/**
 * The `error` message text of a refusal: names the action, the limit and when to retry,
 * e.g. `chat: rate limited (5 at once, then 1 per second); retry in 734 ms`.
 */
export function rateLimitedMessage(action: string, bucket: BucketName, retryInMs: number): string {
  const { burst, perSecond } = RATE_LIMITS[bucket];
  return `${action}: rate limited (${burst} at once, then ${perSecond} per second); retry in ${retryInMs} ms`;
}
