/**
 * The per-user quotas on DynamoDB (lambda/adapters/quotas.ts) against dynalite, with the Quotas
 * table as the template defines it: the limit holds under concurrent acquires, a repeated
 * acquire or release (an SDK retry, an idempotent PUT) counts once, a release needs only the
 * holder id, and the limits come from `USER_QUOTAS`.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../lambda/adapters/dynamo-write';
import { DynamoUserQuotas, quotaLimitsFromEnv } from '../../../lambda/adapters/quotas';
import { QuotaExceededError, type QuotaLimits } from '../../../lambda/ports/quotas';
import { DEFAULT_USER_QUOTAS } from '../../../contract/defaults';
import { startLocalAws, TEST_TABLES, type LocalAws } from '../../support/aws-local';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ s3: false });
});
afterAll(async () => aws?.close());

const limits: QuotaLimits = { ...DEFAULT_USER_QUOTAS, connections: 3, liveGames: 2 };
const quotas = () => new DynamoUserQuotas({ client: documentClient(), tableName: TEST_TABLES.quotas, limits });

async function holders(resource: string, userId: string): Promise<string[]> {
  const got = await documentClient().send(new GetCommand({ TableName: TEST_TABLES.quotas, Key: { pk: `user#${resource}#${userId}` }, ConsistentRead: true }));
  return [...((got.Item?.holders as Set<string> | undefined) ?? [])].sort();
}

describe('DynamoUserQuotas', () => {
  it('counts holders up to the limit; the next is refused naming the limit, and changes nothing', async () => {
    const q = quotas();
    for (const c of ['c1', 'c2', 'c3']) await q.acquire('alice', 'connections', c);
    const err = await q.acquire('alice', 'connections', 'c4').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExceededError);
    expect((err as Error).message).toBe('limit reached: at most 3 open connections per user; close another tab or client first');
    expect(await holders('connections', 'alice')).toEqual(['c1', 'c2', 'c3']);
    // Another user, another resource: their own counts.
    await q.acquire('bob', 'connections', 'c9');
    await q.acquire('alice', 'liveGames', 'g1');
    // A holder counted for alice stays hers: bob acquiring it is a no-op.
    await q.acquire('bob', 'liveGames', 'g1');
    expect(await holders('liveGames', 'bob')).toEqual([]);
    expect(await holders('liveGames', 'alice')).toEqual(['g1']);
  });

  it('is idempotent: acquiring a counted holder again passes and counts once; releasing twice is a no-op', async () => {
    const q = quotas();
    await q.acquire('carol', 'liveGames', 'h1');
    await q.acquire('carol', 'liveGames', 'h1');
    await q.acquire('carol', 'liveGames', 'h2');
    await expect(q.acquire('carol', 'liveGames', 'h1')).resolves.toBeUndefined(); // at the limit, but already counted
    expect(await holders('liveGames', 'carol')).toEqual(['h1', 'h2']);
    await q.release('liveGames', 'h1');
    await q.release('liveGames', 'h1');
    await q.release('liveGames', 'never-acquired');
    expect(await holders('liveGames', 'carol')).toEqual(['h2']);
    await q.acquire('carol', 'liveGames', 'h3');
    await expect(q.acquire('carol', 'liveGames', 'h4')).rejects.toBeInstanceOf(QuotaExceededError);
  });

  it('holds the limit under concurrent acquires from separate clients ("instances")', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `k${i}`);
    const results = await Promise.allSettled(ids.map((id) => quotas().acquire('dave', 'connections', id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof QuotaExceededError)).toHaveLength(9);
    expect(await holders('connections', 'dave')).toHaveLength(3);
    // Released, a slot is free again.
    const held = await holders('connections', 'dave');
    await quotas().release('connections', held[0]);
    await quotas().acquire('dave', 'connections', 'late');
    expect(await holders('connections', 'dave')).toHaveLength(3);
  });

  it('reads USER_QUOTAS: JSON over the defaults; anything else names the variable or the resource', () => {
    expect(quotaLimitsFromEnv(undefined, DEFAULT_USER_QUOTAS)).toEqual(DEFAULT_USER_QUOTAS);
    expect(quotaLimitsFromEnv('{"connections":2}', DEFAULT_USER_QUOTAS)).toEqual({ ...DEFAULT_USER_QUOTAS, connections: 2 });
    expect(() => quotaLimitsFromEnv('nope', DEFAULT_USER_QUOTAS)).toThrow(/USER_QUOTAS/);
    expect(() => quotaLimitsFromEnv('{"tabs":2}', DEFAULT_USER_QUOTAS)).toThrow(/unknown keys tabs/);
    expect(() => quotaLimitsFromEnv('{"streams":0}', DEFAULT_USER_QUOTAS)).toThrow(/streams/);
  });
});
