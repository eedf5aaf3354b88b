/**
 * The audience planner: how many fan-out shards a stream of `viewers` needs, how long one
 * message then takes to reach all of them, and what a viewer-hour costs. Pure arithmetic on
 * AWS's quotas and prices; no I/O.
 *
 * The model:
 * - a shard is one Lambda posting to its share of the viewers with `concurrency` posts in
 *   flight; it is bound either by the network (`concurrency / networkLatencyMs` posts/s) or
 *   by its CPU (`vCPU share × 10⁶ / postCpuUs` posts/s, where a function gets one vCPU at
 *   1,769 MB and a proportional share below: AWS Lambda developer guide, "Configure Lambda
 *   function memory"; Node runs the fan-out on one thread, so more than one vCPU adds nothing);
 * - shards = ⌈viewers / shardThreshold⌉, but never more than the account throttle allows
 *   (shards × per-shard rate ≤ the throttle rate: API Gateway quotas, 10,000 requests/s per
 *   account and Region, shared by every API and every `@connections` call), nor more than
 *   Lambda's default concurrency (1,000 per Region);
 * - one message reaches every viewer after `max(networkLatencyMs, viewers / aggregate rate)`,
 *   where the aggregate rate is `min(shards × per-shard rate, throttle rate)` — or, for a
 *   message whose posts all fit in the throttle's burst, `shards × per-shard rate`;
 * - the stream keeps up while `viewers × messagesPerSecond` is within the aggregate rate and a
 *   message's fan-out ends before the next is due.
 *
 * Costs per stream-hour, then per viewer-hour (USD, {@link AUDIENCE_PRICES}):
 * - API Gateway: one message per viewer per message (billed per 32 KB unit) and one
 *   connection-minute per viewer per minute;
 * - Lambda: the tick runs through the hour while it sleeps through gaps shorter than the
 *   sleep/wait threshold (lambda/core/cost.ts), one invocation per {@link TICK_INVOCATION_SECONDS};
 *   with longer gaps it runs only to fan out. With more than one shard, each message is one
 *   invocation per shard billed for its fan-out time;
 * - Step Functions: {@link TRANSITIONS_PER_WAIT_LOOP} state transitions per tick invocation;
 * - DynamoDB (on-demand): per message, the claim (a write of the stream row), a strongly
 *   consistent read of it, and per shard one eventually consistent `byStream` page read.
 */
import { ACCOUNT_THROTTLE } from '../../contract/defaults';
import { PRICES, TRANSITIONS_PER_WAIT_LOOP, sleepThresholdMs } from './cost';

/**
 * Prices besides lambda/core/cost.ts `PRICES` (Lambda, Step Functions), USD, us-east-1, from
 * the AWS pricing pages as published in 2026 (Amazon API Gateway pricing, WebSocket APIs: first
 * tier; Amazon DynamoDB pricing, on-demand capacity, the rates in force since the price
 * reduction of 2024-11-01). Update them here and every figure follows.
 */
export const AUDIENCE_PRICES = {
  /** USD per WebSocket message (sent or received), per 32 KB unit: $1.00 per million (first 1 billion a month). */
  webSocketMessage: 1.0 / 1e6,
  /** USD per connection-minute: $0.25 per million. */
  connectionMinute: 0.25 / 1e6,
  /** USD per DynamoDB write request unit (a write of up to 1 KB): $0.625 per million. */
  dynamoWriteUnit: 0.625 / 1e6,
  /** USD per DynamoDB read request unit (a strongly consistent read of up to 4 KB, or two eventually consistent ones): $0.125 per million. */
  dynamoReadUnit: 0.125 / 1e6,
  lambdaRequest: PRICES.lambdaRequest,
  lambdaGbSecond: PRICES.lambdaGbSecond,
  stateTransition: PRICES.stateTransition,
} as const;

/** API Gateway bills WebSocket messages in 32 KB units (Amazon API Gateway pricing). */
export const MESSAGE_BILLING_UNIT_BYTES = 32 * 1024;
/** Lambda's default concurrent executions per Region (AWS Lambda quotas). */
export const LAMBDA_DEFAULT_CONCURRENCY = 1_000;
/** Memory at which a Lambda function has one full vCPU, MB (AWS Lambda developer guide, "Configure Lambda function memory"). */
export const MB_PER_VCPU = 1_769;
/** How long one tick invocation runs while it sleeps through short gaps, s: the 2-minute timeout less its 15 s deadline margin (lambda/handlers/tick.ts). */
export const TICK_INVOCATION_SECONDS = 105;
/** Bytes of one `byStream` index entry (keys and the projected `userId`, `displayName`, `role`), for the query's read units. */
export const CONNECTION_INDEX_ITEM_BYTES = 200;
/** Write units of one claim of the stream row (a row of 1–2 KB). */
export const CLAIM_WRITE_UNITS = 2;

/** What the planner is asked. Units are in the names' comments. */
export interface AudienceInput {
  /** Connections of the stream (≥ 0). */
  viewers: number;
  /** Messages per second each viewer receives (> 0): the stream's message rate. */
  messagesPerSecond: number;
  /** Size of one message, bytes. @default 400 */
  messageBytes?: number;
  /** Memory of the fan-out Lambda, MB. @default 512 */
  memoryMb?: number;
  /** @default 'arm64' */
  arch?: 'arm64' | 'x86_64';
  /** CPU per post on one full vCPU, µs. @default 150 (SignedConnectionPoster, docs/PERFORMANCE.md) */
  postCpuUs?: number;
  /** Round trip of one `@connections` POST, ms. @default 20 */
  networkLatencyMs?: number;
  /** Posts in flight per shard. @default 32 (fan-out's concurrency) */
  concurrency?: number;
  /** Most viewers one shard serves before another is added. @default 1000 */
  shardThreshold?: number;
  /** The account throttle (requests/s and burst). @default {@link ACCOUNT_THROTTLE} */
  throttle?: { ratePerSecond: number; burst: number };
  /** Lambda concurrency available to the shards. @default {@link LAMBDA_DEFAULT_CONCURRENCY} */
  lambdaConcurrency?: number;
}

/** Cost of one stream-hour by service, USD. */
export interface CostBreakdown {
  apiGatewayMessages: number;
  apiGatewayConnectionMinutes: number;
  lambdaCompute: number;
  lambdaRequests: number;
  stepFunctions: number;
  dynamoDb: number;
  total: number;
}

/** What the planner answers. */
export interface AudiencePlan {
  /** Fan-out shards (Lambdas posting in parallel), ≥ 1. */
  shards: number;
  /** Viewers per shard, the largest share (⌈viewers / shards⌉). */
  viewersPerShard: number;
  /** Posts/s one shard sustains: min(network bound, CPU bound). */
  perShardPostsPerSecond: number;
  /** Posts/s the shards sustain together, capped by the throttle rate. */
  aggregatePostsPerSecond: number;
  /** Posts/s the stream needs: viewers × messagesPerSecond. */
  requiredPostsPerSecond: number;
  /** Time for one message to reach every viewer, ms. */
  fanOutMs: number;
  /** Whether the stream keeps up: the posts it needs fit the aggregate rate and one fan-out ends before the next message is due. */
  keepsUp: boolean;
  /** What limited the shard count: the threshold, the throttle, or Lambda concurrency. */
  limitedBy: 'threshold' | 'throttle' | 'lambda-concurrency';
  /** USD per stream-hour, by service. */
  perStreamHour: CostBreakdown;
  /** USD per viewer-hour, by service (0 for no viewers). */
  perViewerHour: CostBreakdown;
}

function positive(name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${name} must be a positive number, got ${v}`);
  return v;
}

/**
 * Plan the fan-out of one stream (see the module comment for the model). Throws for a
 * negative or non-integer `viewers` and for any rate, size or latency that is not a
 * positive number.
 */
export function planAudience(input: AudienceInput): AudiencePlan {
  const viewers = input.viewers;
  if (!Number.isInteger(viewers) || viewers < 0) throw new Error(`viewers must be a whole number ≥ 0, got ${viewers}`);
  const mps = positive('messagesPerSecond', input.messagesPerSecond);
  const messageBytes = positive('messageBytes', input.messageBytes ?? 400);
  const memoryMb = positive('memoryMb', input.memoryMb ?? 512);
  const arch = input.arch ?? 'arm64';
  const postCpuUs = positive('postCpuUs', input.postCpuUs ?? 150);
  const latencyMs = positive('networkLatencyMs', input.networkLatencyMs ?? 20);
  const concurrency = positive('concurrency', input.concurrency ?? 32);
  const threshold = positive('shardThreshold', input.shardThreshold ?? 1000);
  const throttle = input.throttle ?? ACCOUNT_THROTTLE;
  positive('throttle.ratePerSecond', throttle.ratePerSecond);
  const lambdaConcurrency = positive('lambdaConcurrency', input.lambdaConcurrency ?? LAMBDA_DEFAULT_CONCURRENCY);

  const vcpu = Math.min(1, memoryMb / MB_PER_VCPU);
  const perShard = Math.min((concurrency * 1000) / latencyMs, (vcpu * 1e6) / postCpuUs);
  const wanted = Math.max(1, Math.ceil(viewers / threshold));
  const throttleMax = Math.max(1, Math.floor(throttle.ratePerSecond / perShard));
  const lambdaMax = Math.max(1, Math.floor(lambdaConcurrency));
  const shards = Math.min(wanted, throttleMax, lambdaMax);
  const limitedBy = shards === wanted ? 'threshold' : shards === throttleMax ? 'throttle' : 'lambda-concurrency';
  const shardRate = shards * perShard;
  const aggregate = Math.min(shardRate, throttle.ratePerSecond);
  // A message whose posts fit in the burst is not held to the steady rate.
  const messageRate = viewers <= throttle.burst ? shardRate : aggregate;
  const fanOutMs = viewers === 0 ? 0 : Math.max(latencyMs, (1000 * viewers) / messageRate);
  const required = viewers * mps;
  const keepsUp = required <= aggregate && fanOutMs <= 1000 / mps;

  // --- cost of one stream-hour
  const messagesPerHour = mps * 3600;
  const units = Math.ceil(messageBytes / MESSAGE_BILLING_UNIT_BYTES);
  const gb = memoryMb / 1024;
  const gbSecond = AUDIENCE_PRICES.lambdaGbSecond[arch];
  const sleeps = 1000 / mps < sleepThresholdMs(memoryMb, arch);
  const fanOutSeconds = fanOutMs / 1000;
  // The tick: through the hour while it sleeps, else only while it fans out (and one invocation per message).
  const tickSeconds = sleeps ? 3600 : Math.min(3600, messagesPerHour * (shards > 1 ? 0 : fanOutSeconds));
  const tickInvocations = sleeps ? 3600 / TICK_INVOCATION_SECONDS : messagesPerHour;
  const shardInvocations = shards > 1 ? shards * messagesPerHour : 0;
  const shardSeconds = shards > 1 ? shards * messagesPerHour * fanOutSeconds : 0;
  const viewersPerShard = viewers === 0 ? 0 : Math.ceil(viewers / shards);
  const queryReadUnits = shards * 0.5 * Math.max(1, Math.ceil((viewersPerShard * CONNECTION_INDEX_ITEM_BYTES) / 4096));
  const perStreamHour = total({
    apiGatewayMessages: viewers * messagesPerHour * units * AUDIENCE_PRICES.webSocketMessage,
    apiGatewayConnectionMinutes: viewers * 60 * AUDIENCE_PRICES.connectionMinute,
    lambdaCompute: (tickSeconds + shardSeconds) * gb * gbSecond,
    lambdaRequests: (tickInvocations + shardInvocations) * AUDIENCE_PRICES.lambdaRequest,
    stepFunctions: tickInvocations * TRANSITIONS_PER_WAIT_LOOP * AUDIENCE_PRICES.stateTransition,
    dynamoDb: messagesPerHour * (CLAIM_WRITE_UNITS * AUDIENCE_PRICES.dynamoWriteUnit + (1 + queryReadUnits) * AUDIENCE_PRICES.dynamoReadUnit),
  });
  const per = (x: number) => (viewers === 0 ? 0 : x / viewers);
  const perViewerHour = total({
    apiGatewayMessages: per(perStreamHour.apiGatewayMessages),
    apiGatewayConnectionMinutes: per(perStreamHour.apiGatewayConnectionMinutes),
    lambdaCompute: per(perStreamHour.lambdaCompute),
    lambdaRequests: per(perStreamHour.lambdaRequests),
    stepFunctions: per(perStreamHour.stepFunctions),
    dynamoDb: per(perStreamHour.dynamoDb),
  });
  return {
    shards,
    viewersPerShard,
    perShardPostsPerSecond: perShard,
    aggregatePostsPerSecond: aggregate,
    requiredPostsPerSecond: required,
    fanOutMs,
    keepsUp,
    limitedBy,
    perStreamHour,
    perViewerHour,
  };
}

function total(c: Omit<CostBreakdown, 'total'>): CostBreakdown {
  return { ...c, total: c.apiGatewayMessages + c.apiGatewayConnectionMinutes + c.lambdaCompute + c.lambdaRequests + c.stepFunctions + c.dynamoDb };
}
