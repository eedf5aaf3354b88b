/**
 * Rate limits per user and per stream, persisted: the pure token buckets of
 * core/rate-limit.ts, their state on rows of the Connections table, so a limit holds whichever
 * Lambda instance serves each message, and however many connections a user opens.
 *
 * Bucket rows sit beside the connection rows under keys no API Gateway connection id can
 * take (connection ids are base64-like, without `#`):
 * - `user#{userId}` ({@link userBucketKey}): one row per user, its buckets `rateChat`,
 *   `rateReact`, `rateInput`, `rateControl`, `ratePing` ({@link RATE_ATTRIBUTES});
 * - `stream#{streamId}` ({@link streamBucketKey}): the stream-wide social budget
 *   (`rateSocial`, in posts; core/rate-limit.ts `STREAM_SOCIAL_LIMITS`).
 * They carry no `streamId`, so `byStream` never lists them and no fan-out reaches them; their
 * `expiresAt` (epoch seconds, {@link BUCKET_ROW_TTL_SECONDS} after creation) lets DynamoDB TTL
 * and the sweeper (which forgets expired rows) delete them, so the table holds one row per
 * user active in the last few hours, not one per message.
 *
 * A bucket row is created on first use with an unconditional PutItem (the Connections port's
 * `put`): messages racing on a row that does not exist yet may each reset it, so a user's very
 * first burst can exceed the limit by the number of messages in flight at that moment — once
 * per row lifetime, not per message.
 */
import { CONNECTION_TTL_SECONDS } from '../application/connect';
import {
  parseBucketSpec,
  parseRateLimits,
  RATE_LIMITS,
  STREAM_SOCIAL_LIMITS,
  storedTat,
  takeToken,
  type BucketName,
  type BucketSpec,
  type RateLimits,
} from '../core/rate-limit';
import type { ConnectionRow } from '../../contract/rows';
import { ENV } from '../../contract/env';
import type { ConnectionRegistry } from '../ports/connections';
import { setTimeout as sleep } from 'node:timers/promises';

/** The bucket row attribute holding each kind's `tat` (epoch ms); absent: a full bucket. */
export const RATE_ATTRIBUTES: Record<BucketName, string> = {
  chat: 'rateChat',
  react: 'rateReact',
  input: 'rateInput',
  control: 'rateControl',
  ping: 'ratePing',
};
/** The stream bucket row's attribute holding the social budget's `tat` (epoch ms). */
export const STREAM_SOCIAL_ATTRIBUTE = 'rateSocial';

/** Seconds a bucket row lives (its `expiresAt`): as long as a connection row, 2 h 10 min. */
export const BUCKET_ROW_TTL_SECONDS = CONNECTION_TTL_SECONDS;

/** The Connections key of user `userId`'s bucket row: `user#{userId}`. */
export const userBucketKey = (userId: string): string => `user#${userId}`;
/** The Connections key of stream `streamId`'s bucket row: `stream#{streamId}`. */
export const streamBucketKey = (streamId: string): string => `stream#${streamId}`;

/**
 * Reads-and-writes tried before a message is refused for contention. A condition fails only
 * when another message of the same user took the first token of a full bucket at the
 * same moment (taking from a partly used bucket is an atomic increment), so each round at
 * least one message wins. On a busy host the time between a read and its write can exceed a
 * token's interval, so the bucket reads as full again and the next round races once more: a
 * burst of N concurrent messages can need up to N rounds. Between rounds each waits a random
 * {@link CONTENTION_JITTER_MS}, so the racers spread out.
 */
export const MAX_ATTEMPTS = 12;
/** Longest random wait (ms) between two rounds of {@link consumeRateToken} (full jitter). */
export const CONTENTION_JITTER_MS = 20;

/**
 * Result of {@link consumeRateToken} and {@link consumeStreamBudget}: allowed, or refused with
 * the ms until a retry can pass and the limit that refused it (for the refusal's wording).
 */
export type RateDecision = { ok: true } | { ok: false; retryInMs: number; spec?: BucketSpec };

/** What of the Connections table the buckets use. */
export type BucketRows = Pick<ConnectionRegistry, 'get' | 'put' | 'getRateBucket' | 'writeRateBucket'>;

/** Options of {@link consumeRateToken} and {@link consumeStreamBudget}. */
export interface ConsumeOptions {
  /** The function's Connections table. */
  connections: BucketRows;
  /** Clock, epoch ms (default `Date.now`). */
  now?: () => number;
  /** The bucket's limit (default: {@link configuredRateLimits}'s for the kind, or the stream budget's). */
  spec?: BucketSpec;
  /** Waits `ms` between rounds (default a timer). */
  sleep?: (ms: number) => Promise<void>;
}

let fromProcessEnv: { limits: RateLimits; stream: BucketSpec } | undefined;

/**
 * The limits of this function: USER_RATE_LIMITS and STREAM_SOCIAL_LIMITS of `env` (default
 * `process.env`; JSON, contract/env.ts; the CDK construct sets them from its props), else the
 * defaults of core/rate-limit.ts. Read once per process for `process.env`. Throws an Error
 * naming the content of a variable that is not valid.
 */
export function configuredRateLimits(env?: NodeJS.ProcessEnv): { limits: RateLimits; stream: BucketSpec } {
  if (env === undefined && fromProcessEnv) return fromProcessEnv;
  const e = env ?? process.env;
  const out = {
    limits: parseRateLimits(e[ENV.userRateLimits]),
    stream: parseBucketSpec(e[ENV.streamSocialLimits], STREAM_SOCIAL_LIMITS),
  };
  if (env === undefined) fromProcessEnv = out;
  return out;
}

/**
 * Take one token from the `bucket` of the user behind `connectionId` — one bucket per user,
 * shared by all their connections. The user is `userId` when the caller knows it (the
 * authorizer's context), else read from the connection row; a connection whose row does not
 * exist (it is gone) is allowed and nothing is written: the action itself finds it gone.
 * Then: read the user's bucket row (strongly consistent), decide (core `takeToken`), store the
 * grant with one conditional UpdateItem; when the condition fails (the row changed since the
 * read) wait a random moment and read and decide again, at most {@link MAX_ATTEMPTS} times in
 * all, then refuse. `spec` defaults to {@link configuredRateLimits}`().limits[bucket]`.
 * Throws the adapters' errors (ThrottledError, AwsServiceError) when DynamoDB fails.
 */
export async function consumeRateToken(
  connectionId: string,
  bucket: BucketName,
  opts: ConsumeOptions & { userId?: string },
): Promise<RateDecision> {
  const userId = opts.userId ?? (await opts.connections.get(connectionId))?.userId;
  if (userId === undefined) return { ok: true };
  const spec = opts.spec ?? configuredRateLimits().limits[bucket] ?? RATE_LIMITS[bucket];
  return takeFromRow(userBucketKey(userId), RATE_ATTRIBUTES[bucket], spec, 1, opts);
}

/**
 * Spend `posts` (the audience a social message fans out to, ≥ 1) from stream `streamId`'s
 * social budget (default {@link configuredRateLimits}`().stream`), as {@link consumeRateToken}
 * does for a user's bucket. Throws the adapters' errors when DynamoDB fails.
 */
export async function consumeStreamBudget(streamId: string, posts: number, opts: ConsumeOptions): Promise<RateDecision> {
  const spec = opts.spec ?? configuredRateLimits().stream;
  return takeFromRow(streamBucketKey(streamId), STREAM_SOCIAL_ATTRIBUTE, spec, posts, opts);
}

/** A new bucket row: no stream, no buckets used (all full), expiring in {@link BUCKET_ROW_TTL_SECONDS}. */
function bucketRow(key: string, now: number): ConnectionRow {
  return { connectionId: key, userId: key, displayName: key, connectedAt: now, lastSeenAt: now, expiresAt: Math.floor(now / 1000) + BUCKET_ROW_TTL_SECONDS };
}

async function takeFromRow(key: string, attribute: string, spec: BucketSpec, cost: number, opts: ConsumeOptions): Promise<RateDecision> {
  const rows = opts.connections;
  const clock = opts.now ?? Date.now;
  let retryInMs = Math.ceil(1000 / spec.perSecond);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let row = await rows.getRateBucket(key, attribute);
    if (!row.exists) {
      await rows.put(bucketRow(key, clock()));
      row = { exists: true, tat: undefined };
    }
    const decision = takeToken(spec, storedTat(row.tat), clock(), cost);
    if (!decision.ok) return { ...decision, spec };
    if (await rows.writeRateBucket(key, attribute, decision.write)) return { ok: true };
    retryInMs = Math.max(1, Math.ceil(1000 / spec.perSecond / 4));
    if (attempt + 1 < MAX_ATTEMPTS) await (opts.sleep ?? sleep)(Math.random() * CONTENTION_JITTER_MS);
  }
  return { ok: false, retryInMs, spec };
}
