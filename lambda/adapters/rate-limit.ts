/**
 * Per-connection rate limits, persisted: the pure token bucket of
 * core/rate-limit.ts, its state on the caller's Connections row, so the limit holds
 * whichever Lambda instance serves each message.
 */
import { RATE_LIMITS, storedTat, takeToken, type BucketName, type BucketSpec } from '../core/rate-limit';
import type { ConnectionRegistry } from '../ports/connections';
import { setTimeout as sleep } from 'node:timers/promises';

/** The Connections attribute holding each bucket's `tat` (epoch ms); absent: a full bucket. */
export const RATE_ATTRIBUTES: Record<BucketName, string> = {
  chat: 'rateChat',
  react: 'rateReact',
  input: 'rateInput',
  control: 'rateControl',
};

/**
 * Reads-and-writes tried before a message is refused for contention. A condition fails only
 * when another message of the same connection took the first token of a full bucket at the
 * same moment (taking from a partly used bucket is an atomic increment), so each round at
 * least one message wins. On a busy host the time between a read and its write can exceed a
 * token's interval, so the bucket reads as full again and the next round races once more: a
 * burst of N concurrent messages can need up to N rounds. Between rounds each waits a random
 * {@link CONTENTION_JITTER_MS}, so the racers spread out.
 */
export const MAX_ATTEMPTS = 12;
/** Longest random wait (ms) between two rounds of {@link consumeRateToken} (full jitter). */
export const CONTENTION_JITTER_MS = 20;

/** Result of {@link consumeRateToken}: allowed, or refused with the ms until a retry can pass. */
export type RateDecision = { ok: true } | { ok: false; retryInMs: number };

/**
 * Take one token from the caller's `bucket`: read its state from the connection row
 * (strongly consistent), decide (core `takeToken`), store the grant with one conditional
 * UpdateItem. When the condition fails (the row changed since the read) it waits a random
 * moment and reads and decides again, at most {@link MAX_ATTEMPTS} times in all, then refuses. A connection
 * whose row does not exist (it is gone) is allowed and nothing is written: the action
 * itself finds it gone. `connections` is the function's Connections table; `now` (epoch ms,
 * default `Date.now`) and `spec` (default core/rate-limit.ts `RATE_LIMITS[bucket]`) may be given.
 * Throws the adapters' errors (ThrottledError, AwsServiceError) when DynamoDB fails.
 */
export async function consumeRateToken(
  connectionId: string,
  bucket: BucketName,
  opts: {
    connections: Pick<ConnectionRegistry, 'getRateBucket' | 'writeRateBucket'>;
    now?: () => number;
    spec?: BucketSpec;
    /** Waits `ms` between rounds (default a timer). */
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<RateDecision> {
  const buckets = opts.connections;
  const spec = opts.spec ?? RATE_LIMITS[bucket];
  const attribute = RATE_ATTRIBUTES[bucket];
  const clock = opts.now ?? Date.now;
  let retryInMs = Math.ceil(1000 / spec.perSecond);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const row = await buckets.getRateBucket(connectionId, attribute);
    if (!row.exists) return { ok: true };
    const decision = takeToken(spec, storedTat(row.tat), clock());
    if (!decision.ok) return decision;
    if (await buckets.writeRateBucket(connectionId, attribute, decision.write)) return { ok: true };
    retryInMs = Math.max(1, Math.ceil(1000 / spec.perSecond / 4));
    if (attempt + 1 < MAX_ATTEMPTS) await (opts.sleep ?? sleep)(Math.random() * CONTENTION_JITTER_MS);
  }
  return { ok: false, retryInMs };
}
