/**
 * The per-user quotas on DynamoDB (ports/quotas.ts `UserQuotas`), in the Quotas table (PK `pk`):
 *
 * - one **user item** per user and resource, `pk` = `user#{resource}#{userId}`, whose string
 *   set `holders` lists the holder ids counted (connectionIds, streamIds, gameIds). Acquiring
 *   is one conditional `ADD holders :h` under `size(holders) < :max OR contains(holders, :id)`:
 *   the count is the set's size, so adding a holder already there — an SDK retry after a lost
 *   answer, an idempotent `PUT` — changes nothing and is never refused, and no counter can
 *   drift from what it counts (the same reason the connection rows carry a move token,
 *   connection-registry.ts). Releasing is `DELETE holders :h`, a no-op for a holder not there.
 * - one **holder item** per holder, `pk` = `holder#{resource}#{holderId}`, naming its `userId`,
 *   written before the user item and deleted after it, so a release needs only the holder id.
 *
 * Both carry `expiresAt` (TTL, epoch **seconds**): a holder item outlives what it counts
 * ({@link HOLDER_TTL_SECONDS}), a user item is pushed {@link USER_ITEM_TTL_SECONDS} out by each
 * acquire, so what a Lambda that died between an acquire and its release left counted is
 * dropped at the latest when that user has acquired nothing for that long.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_MAX_STREAM_SECONDS, DEFAULT_USER_QUOTAS } from '../../contract/defaults';
import { ENV } from '../../contract/env';
import { NO_QUOTAS, QUOTA_RESOURCES, QuotaExceededError, type QuotaLimits, type QuotaResource, type UserQuotas } from '../ports/quotas';
import { applied, send, type RepositoryOptions } from './dynamo-write';

/** Partition key attribute of the Quotas table. */
export const QUOTAS_KEY = 'pk';

/**
 * How long (s) a holder item lives: longer than what it counts can — a connection (API Gateway
 * quotas: 2 h) plus a margin; a stream or execution (MAX_STREAM_SECONDS, 8 h by default) plus
 * a day; a scheduled stream (scheduled up to 7 days ahead) or a live game: 30 days.
 */
export const HOLDER_TTL_SECONDS: Readonly<Record<QuotaResource, number>> = {
  connections: 2 * 3600 + 10 * 60,
  streams: DEFAULT_MAX_STREAM_SECONDS + 86_400,
  executions: DEFAULT_MAX_STREAM_SECONDS + 86_400,
  scheduled: 30 * 86_400,
  liveGames: 30 * 86_400,
};
/** How long (s) after a user's last acquire of a resource its user item lives: 30 days. */
export const USER_ITEM_TTL_SECONDS = 30 * 86_400;

/** Options of {@link DynamoUserQuotas}: the client, the Quotas table, the limits, and a clock (epoch ms). */
export interface DynamoUserQuotasOptions extends RepositoryOptions {
  limits: QuotaLimits;
  now?: () => number;
}

const userKey = (resource: QuotaResource, userId: string) => `user#${resource}#${userId}`;
const holderKey = (resource: QuotaResource, holderId: string) => `holder#${resource}#${holderId}`;

/** The Quotas table: `new DynamoUserQuotas({ client, tableName, limits })`. */
export class DynamoUserQuotas implements UserQuotas {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly limits: QuotaLimits;
  private readonly now: () => number;

  constructor(opts: DynamoUserQuotasOptions) {
    this.client = opts.client;
    this.tableName = opts.tableName;
    this.limits = validateQuotaLimits(opts.limits);
    this.now = opts.now ?? Date.now;
  }

  /** See {@link UserQuotas.acquire}. */
  async acquire(userId: string, resource: QuotaResource, holderId: string): Promise<void> {
    const nowS = Math.floor(this.now() / 1000);
    const holder = holderKey(resource, holderId);
    // A holder already counted for another user (a live game another publisher opened) stays theirs.
    const mine = await applied('PutItem', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [QUOTAS_KEY]: holder, userId, expiresAt: nowS + HOLDER_TTL_SECONDS[resource] },
          ConditionExpression: `attribute_not_exists(${QUOTAS_KEY}) OR userId = :u`,
          ExpressionAttributeValues: { ':u': userId },
        }),
      ),
    );
    if (!mine) return;
    const limit = this.limits[resource];
    const counted = await applied('UpdateItem', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [QUOTAS_KEY]: userKey(resource, userId) },
          UpdateExpression: 'ADD holders :h SET expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(holders) OR size(holders) < :max OR contains(holders, :id)',
          ExpressionAttributeValues: { ':h': new Set([holderId]), ':id': holderId, ':max': limit, ':exp': nowS + USER_ITEM_TTL_SECONDS },
        }),
      ),
    );
    if (counted) return;
    await send('DeleteItem', () =>
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { [QUOTAS_KEY]: holder }, ConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId } })),
    ).catch(() => undefined);
    throw new QuotaExceededError(userId, resource, limit);
  }

  /** See {@link UserQuotas.release}. */
  async release(resource: QuotaResource, holderId: string): Promise<void> {
    const holder = holderKey(resource, holderId);
    const got = await send('GetItem', () => this.client.send(new GetCommand({ TableName: this.tableName, Key: { [QUOTAS_KEY]: holder }, ConsistentRead: true })));
    const userId = got.Item?.userId as string | undefined;
    if (userId === undefined) return;
    // The user item may be gone (TTL): never recreate it just to remove from it.
    await applied('UpdateItem', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [QUOTAS_KEY]: userKey(resource, userId) },
          UpdateExpression: 'DELETE holders :h',
          ConditionExpression: `attribute_exists(${QUOTAS_KEY})`,
          ExpressionAttributeValues: { ':h': new Set([holderId]) },
        }),
      ),
    );
    await send('DeleteItem', () => this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { [QUOTAS_KEY]: holder } })));
  }
}

/**
 * `limits` checked: every resource of QUOTA_RESOURCES a positive integer. Returns it; throws an
 * Error naming the resource otherwise.
 */
export function validateQuotaLimits(limits: QuotaLimits): QuotaLimits {
  for (const r of QUOTA_RESOURCES) {
    const n = limits?.[r];
    if (!Number.isInteger(n) || n < 1) throw new Error(`user quota ${r} must be a positive integer, got ${String(n)}`);
  }
  return limits;
}

/**
 * The limits from a function's environment: `USER_QUOTAS` (contract/env.ts) as JSON, each
 * resource it leaves out at `defaults`. Throws an Error naming `USER_QUOTAS` for JSON that is
 * not an object of positive integers by resource.
 */
export function quotaLimitsFromEnv(value: string | undefined, defaults: QuotaLimits): QuotaLimits {
  if (value === undefined || value === '') return defaults;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`environment variable USER_QUOTAS must be JSON, got "${value}"`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`environment variable USER_QUOTAS must be a JSON object, got "${value}"`);
  const unknown = Object.keys(parsed).filter((k) => !(QUOTA_RESOURCES as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`environment variable USER_QUOTAS has unknown keys ${unknown.join(', ')} (known: ${QUOTA_RESOURCES.join(', ')})`);
  return validateQuotaLimits({ ...defaults, ...(parsed as Partial<QuotaLimits>) });
}

/**
 * A composition root's quota store from its environment `env`: {@link DynamoUserQuotas} on
 * `QUOTAS_TABLE` with the limits of `USER_QUOTAS` (defaults: contract/defaults.ts), or
 * NO_QUOTAS when `QUOTAS_TABLE` is unset (the stack always sets it: lib/tables.ts). Throws the
 * Error of {@link quotaLimitsFromEnv} for a malformed `USER_QUOTAS`.
 */
export function quotasFromEnvironment(env: NodeJS.ProcessEnv, client: DynamoDBDocumentClient): UserQuotas {
  const tableName = env[ENV.quotasTable];
  if (tableName === undefined || tableName === '') return NO_QUOTAS;
  return new DynamoUserQuotas({ client, tableName, limits: quotaLimitsFromEnv(env[ENV.userQuotas], DEFAULT_USER_QUOTAS) });
}
