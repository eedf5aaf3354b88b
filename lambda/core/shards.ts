/**
 * Fan-out shards of a big stream: its connections split into `count` contiguous ranges of
 * `connectionId`, so that each fan-out worker reads only its own share of the `byStream`
 * index (PK `streamId`, SK `connectionId`) with one key condition on the sort key — no
 * shard number stored per connection, so no extra write per join. Pure; no I/O.
 *
 * A range is half-open, `from ≤ connectionId < to` (`from` absent: from the start; `to`
 * absent: to the end). The ranges of one count are contiguous and cover every string, so
 * every connectionId falls in exactly one of them, whatever it looks like.
 *
 * The boundaries are spread evenly over the two-character prefixes of API Gateway's
 * connection ids, which are base64 (`A–Z a–z 0–9 + /`, e.g. `L0SM9cOFvHcCIhw=`), so shards
 * of random ids are about the same size. They are ASCII; DynamoDB orders string keys by
 * their UTF-8 bytes (Amazon DynamoDB developer guide, "Comparison operator and function
 * reference": strings compare by UTF-8 binary encoding), and against an ASCII string
 * JavaScript's UTF-16 `<` gives the same order, so {@link shardOf} agrees with the index.
 */
import { LAMBDA_DEFAULT_CONCURRENCY, planAudience, type AudienceInput } from './audience-plan';

/** Attached connections above which the tick hands a batch to fan-out workers, and the viewers per shard: the audience planner's default. */
export const DEFAULT_SHARD_THRESHOLD = 1000;

/** One shard's share of the connection ids: `from ≤ connectionId < to` (either end may be open). */
export interface ShardRange {
  /** Inclusive lower bound; absent for the first shard. */
  readonly from?: string;
  /** Exclusive upper bound; absent for the last shard. */
  readonly to?: string;
}

/** The base64 alphabet of API Gateway's connection ids, in byte order. */
const ALPHABET = [...'+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].sort().join('');

/** Most shards one stream is split into: the two-character prefixes (64²), and Lambda's default concurrency (AWS Lambda quotas: 1,000 per Region). */
export const MAX_SHARDS = Math.min(ALPHABET.length ** 2, LAMBDA_DEFAULT_CONCURRENCY);

/**
 * The `count` ranges (1 ≤ count ≤ {@link MAX_SHARDS}, whole), in key order: contiguous, the
 * first without `from`, the last without `to`. `count` 1 is one range with neither end.
 * Throws for any other count.
 */
export function shardRanges(count: number): ShardRange[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) throw new Error(`shard count must be a whole number from 1 to ${MAX_SHARDS}, got ${count}`);
  const n = ALPHABET.length;
  const bounds = Array.from({ length: count - 1 }, (_, i) => {
    const p = Math.floor(((i + 1) * n * n) / count);
    return ALPHABET[Math.floor(p / n)]! + ALPHABET[p % n]!;
  });
  return Array.from({ length: count }, (_, i) => ({
    ...(i > 0 ? { from: bounds[i - 1]! } : {}),
    ...(i < count - 1 ? { to: bounds[i]! } : {}),
  }));
}

/** Whether `connectionId` is in `range` (`from ≤ id < to`). */
export function inShard(connectionId: string, range: ShardRange): boolean {
  return (range.from === undefined || connectionId >= range.from) && (range.to === undefined || connectionId < range.to);
}

/** The index in `ranges` (from {@link shardRanges}) of the one range holding `connectionId`. */
export function shardOf(connectionId: string, ranges: readonly ShardRange[]): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const to = ranges[mid]!.to;
    if (to !== undefined && connectionId >= to) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * How many shards the fan-out of a stream with `viewers` connections uses: 1 at or below
 * `threshold` (the tick posts to all of them itself), else the audience planner's count
 * (core/audience-plan.ts `planAudience`: ⌈viewers / shardThreshold⌉, held within the account
 * throttle and Lambda's concurrency), at most {@link MAX_SHARDS}. `plan` passes the planner
 * the rest of its input (message rate, memory, CPU per post …); `threshold` is both the
 * hand-off point and the viewers per shard. Throws for a `threshold` that is not a positive
 * whole number, and as `planAudience` does.
 */
export function shardCount(viewers: number, threshold: number, plan: Omit<AudienceInput, 'viewers' | 'shardThreshold'> = { messagesPerSecond: 1 }): number {
  if (!Number.isInteger(threshold) || threshold < 1) throw new Error(`shard threshold must be a whole number ≥ 1, got ${threshold}`);
  if (viewers <= threshold) return 1;
  return Math.min(MAX_SHARDS, planAudience({ ...plan, viewers, shardThreshold: threshold }).shards);
}

/** Most messages of one shard job (a tick's batch is far smaller; a bound for a job built wrong). */
export const MAX_JOB_MESSAGES = 1000;

/**
 * A shard job as the tick sends it (ports/shards.ts `ShardJob`: `{ streamId, messages, shard:
 * { from?, to? }, except? }`), checked by hand rather than with zod: the job is the tick's own
 * (not client input), and the fan-out worker is on the hot path, whose bundle stays under
 * 150 KiB (test/lib/function.test.ts). Messages are the tick's server messages, each an object
 * with a string `type`, posted as they are. Returns the job, or what is wrong with it.
 */
export function parseShardJob(event: unknown): { job: { streamId: string; messages: Array<{ type: string }>; shard: { from?: string; to?: string }; except?: string } } | { error: string } {
  const o = event as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { error: 'the job is not an object' };
  const text = (v: unknown, max = 1024) => typeof v === 'string' && v.length >= 1 && v.length <= max;
  if (!text(o.streamId, 128)) return { error: 'streamId must be a string of 1–128 characters' };
  const m = o.messages;
  if (!Array.isArray(m) || m.length < 1 || m.length > MAX_JOB_MESSAGES) return { error: `messages must be a list of 1–${MAX_JOB_MESSAGES}` };
  if (!m.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as { type?: unknown }).type === 'string')) return { error: 'every message must be an object with a string type' };
  const sh = o.shard as Record<string, unknown> | null;
  if (typeof sh !== 'object' || sh === null || Array.isArray(sh)) return { error: 'shard must be an object' };
  if ((sh.from !== undefined && !text(sh.from)) || (sh.to !== undefined && !text(sh.to))) return { error: 'shard.from and shard.to, when given, must be non-empty strings' };
  if (o.except !== undefined && !text(o.except)) return { error: 'except, when given, must be a non-empty string' };
  const shard: { from?: string; to?: string } = {};
  if (sh.from !== undefined) shard.from = sh.from as string;
  if (sh.to !== undefined) shard.to = sh.to as string;
  return { job: { streamId: o.streamId as string, messages: m as Array<{ type: string }>, shard, ...(o.except !== undefined ? { except: o.except as string } : {}) } };
}
