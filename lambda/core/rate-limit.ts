/**
 * Rate limits, per user and per stream: token buckets. Pure: the caller passes the stored
 * state and the time, and persists the decision (lambda/adapters/rate-limit.ts), so a limit
 * holds across Lambda instances.
 *
 * **Per user** ({@link RATE_LIMITS}): one bucket per user and kind, shared by every connection
 * of that user (the userId the `$connect` authorizer put on the connection). Limits per
 * connection alone let one user with 20 connections send 20 times the limit; limits per user
 * do not grow with the connections a user opens.
 *
 * **Per stream** ({@link STREAM_SOCIAL_LIMITS}): what one stream's social traffic may cost
 * its fan-out. A chat line to a stream of `n` viewers is `n` PostToConnection calls, so the
 * stream-wide bucket counts **posts**: a line costs the stream's audience (at least 1, at most
 * the burst) — a 5-viewer room chats freely, a 1,000-viewer stream gets a few lines a second
 * in all, however many users send them.
 *
 * Units: **tokens** (a message costs one token of its user's bucket; a fan-out costs its
 * audience in the stream's) and **ms** (epoch milliseconds for times, milliseconds for
 * durations). A bucket holds at most `burst` tokens and regains `perSecond` tokens per second;
 * a message passes when its cost is there. In any window of `w` ms at most
 * `burst + perSecond · w / 1000` tokens are spent, and a sender that never goes faster than
 * `perSecond` is never refused.
 *
 * The bucket is stored as one number, its *theoretical arrival time* `tat` (epoch ms) —
 * the GCRA form of a token bucket (ITU-T I.371 "virtual scheduling"): with `T = 1000 /
 * perSecond` ms per token, the bucket holds `burst − max(0, tat − now) / T` tokens; a
 * message of cost `c` passes iff `tat − now ≤ (burst − c) · T`, and then `tat` becomes
 * `max(tat, now) + c · T`. While the bucket is not full (`tat > now`) taking tokens is just
 * `tat + c · T` under the condition `tat ≤ now + (burst − c) · T` — an atomic conditional
 * increment, so concurrent messages (API Gateway delivers them in parallel, from every
 * connection of a user) serialize in DynamoDB instead of failing each other's optimistic check.
 *
 * The limits per user are well above what a person at a keyboard sends and well below what a
 * script floods with:
 *
 * - `chat`: 5 at once, then 1 per second — Slack's documented posting limit ("1 message
 *   per second per channel", short bursts allowed), and the order of Twitch's chat limit
 *   for ordinary users (20 messages per 30 s).
 * - `react`: 10 at once, then 5 per second — a reaction is one click; a person clicking as
 *   fast as they can manages 6–7 a second for a moment.
 * - `input`: 20 at once, then 10 per second — the pvp relay of player input (paddle moves);
 *   each one is a fan-out to the whole room.
 * - `control`: 10 at once, then 2 per second — `start`, `join`, `rejoin`, `stop`, `list`
 *   and the playback controls. A playback control stops and starts Step Functions
 *   executions, whose StartExecution quota (a bucket of 1,300 refilled at 300/s per
 *   account and region, Step Functions quotas) every user shares; a scrubbing slider must
 *   debounce. The end-to-end tests' bursts of 2–3 controls per player stay well inside it.
 * - `ping`: 10 at once, then 1 per second — the heartbeat (a Connections write and a `pong`
 *   post each). Clients ping once every 5 minutes per connection (client/backoff.ts
 *   `HEARTBEAT_MS`, under API Gateway's 10-minute idle timeout) and a few times in a row to
 *   measure the clock; a flood of pings is only load.
 *
 * The stream-wide social budget: 20,000 posts at once, then 2,000 posts per second — a fifth
 * of the account's API Gateway throttle (10,000 requests per second, API Gateway quotas,
 * contract/defaults.ts `ACCOUNT_THROTTLE`), which every stream's frames share, so one stream's
 * chat can never take the frames' share of it.
 */
import * as z from 'zod';

/** A bucket's size (tokens) and refill rate (tokens per second). */
export interface BucketSpec {
  /** Most tokens the bucket holds: the burst allowed after a quiet spell. ≥ 1. */
  readonly burst: number;
  /** Tokens regained per second: the sustained rate. > 0. */
  readonly perSecond: number;
}

/** The default limits per user, by bucket kind (see the module comment for why these values). */
export const RATE_LIMITS = {
  chat: { burst: 5, perSecond: 1 },
  react: { burst: 10, perSecond: 5 },
  input: { burst: 20, perSecond: 10 },
  control: { burst: 10, perSecond: 2 },
  ping: { burst: 10, perSecond: 1 },
} as const satisfies Record<string, BucketSpec>;

/** A bucket kind: `chat`, `react`, `input`, `control` or `ping`. */
export type BucketName = keyof typeof RATE_LIMITS;
export const BUCKET_NAMES = Object.keys(RATE_LIMITS) as BucketName[];
/** Limits per user by bucket kind (the defaults {@link RATE_LIMITS}, or a deployment's). */
export type RateLimits = Readonly<Record<BucketName, BucketSpec>>;

/**
 * The default stream-wide social budget, in **posts** (PostToConnection calls): a chat line,
 * a reaction summary or an input relay costs the stream's audience. See the module comment.
 */
export const STREAM_SOCIAL_LIMITS: BucketSpec = { burst: 20_000, perSecond: 2_000 };

/**
 * Which bucket each client action draws from: the social route's `chat`, `react`, `input`;
 * every other action of the control route `control`, and `ping` its own `ping`.
 */
export function bucketOf(action: string): BucketName {
  if (action === 'chat' || action === 'react' || action === 'input' || action === 'ping') return action;
  return 'control';
}

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
 * Take `cost` tokens (default 1; clamped to 1 … `burst`, so even the largest cost passes once
 * the bucket is full) at `now` (epoch ms) from a bucket whose stored state is `tat` (epoch ms;
 * undefined: never used — a full bucket). Returns how to store the grant
 * ({@link BucketWrite}), or a refusal with the ms until the cost is back. A `tat` far ahead of
 * `now` (another instance's clock) only delays; it never grants more than the burst.
 * Throws on a spec with `burst` < 1 or `perSecond` ≤ 0.
 */
export function takeToken(spec: BucketSpec, tat: number | undefined, now: number, cost = 1): TakeResult {
  const T = check(spec);
  const c = Math.min(spec.burst, Math.max(1, Number.isFinite(cost) ? cost : 1));
  const tolerance = (spec.burst - c) * T;
  if (tat === undefined || tat <= now) return { ok: true, write: { kind: 'start', now, newTat: now + c * T } };
  if (tat - now <= tolerance) return { ok: true, write: { kind: 'advance', by: c * T, limit: now + tolerance } };
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
 * The `error` message text of a refusal by the sender's own limit: names the action, the
 * limit (`spec`, default the bucket's {@link RATE_LIMITS}) and when to retry, e.g.
 * `chat: rate limited (5 at once, then 1 per second); retry in 734 ms`.
 */
export function rateLimitedMessage(action: string, bucket: BucketName, retryInMs: number, spec: BucketSpec = RATE_LIMITS[bucket]): string {
  return `${action}: rate limited (${spec.burst} at once, then ${spec.perSecond} per second); retry in ${retryInMs} ms`;
}

/**
 * The `error` message text of a refusal by the stream-wide social budget, e.g.
 * `chat: this stream is busy (its 1000 viewers share 2 lines per second); retry in 480 ms`.
 * `audience` is the stream's viewers, `spec` the budget in posts.
 */
export function streamBusyMessage(action: string, audience: number, retryInMs: number, spec: BucketSpec = STREAM_SOCIAL_LIMITS): string {
  const n = Math.max(1, audience);
  const perSecond = Math.max(0.01, Math.round((spec.perSecond / n) * 100) / 100);
  return `${action}: this stream is busy (its ${n} viewers share ${perSecond} messages per second); retry in ${retryInMs} ms`;
}

const bucketSpecSchema = z.strictObject({ burst: z.number().finite().min(1), perSecond: z.number().finite().positive() });
const rateLimitsSchema = z.strictObject(Object.fromEntries(BUCKET_NAMES.map((b) => [b, bucketSpecSchema.optional()])) as Record<BucketName, z.ZodOptional<typeof bucketSpecSchema>>);

/**
 * Limits per user from their JSON form (the USER_RATE_LIMITS variable, contract/env.ts): an
 * object of bucket kind → `{ burst, perSecond }`, each optional (a kind left out keeps its
 * {@link RATE_LIMITS} default). Undefined or empty: the defaults. Throws an Error naming the
 * variable's content when it is not such an object (a deployment's mistake, caught at start).
 */
export function parseRateLimits(json: string | undefined): RateLimits {
  if (json === undefined || json.trim() === '') return RATE_LIMITS;
  const parsed = rateLimitsSchema.safeParse(safeJson(json));
  if (!parsed.success) throw new Error(`rate limits must be JSON {"chat":{"burst":5,"perSecond":1},…} with kinds ${BUCKET_NAMES.join(', ')}; got ${json.slice(0, 200)}`);
  const out: Record<string, BucketSpec> = { ...RATE_LIMITS };
  for (const [k, v] of Object.entries(parsed.data)) if (v) out[k] = v;
  return out as RateLimits;
}

/**
 * A bucket spec from its JSON form (the STREAM_SOCIAL_LIMITS variable): `{ burst, perSecond }`;
 * undefined or empty: `fallback`. Throws an Error when it is not such an object.
 */
export function parseBucketSpec(json: string | undefined, fallback: BucketSpec): BucketSpec {
  if (json === undefined || json.trim() === '') return fallback;
  const parsed = bucketSpecSchema.safeParse(safeJson(json));
  if (!parsed.success) throw new Error(`a bucket must be JSON {"burst":…,"perSecond":…} with burst ≥ 1 and perSecond > 0; got ${json.slice(0, 200)}`);
  return parsed.data;
}

function safeJson(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}
