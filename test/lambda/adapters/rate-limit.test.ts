/**
 * Rate limits per user and per stream against the local stand-ins: the buckets live on
 * `user#…` and `stream#…` rows of the Connections table (dynalite, tables from the
 * synthesized template), are shared by every connection of a user, survive across
 * "instances" (a second repository with its own DynamoDB client), holds
 * under concurrent messages, and the message handler answers `rate_limited` without
 * running the action.
 */
import { useLocalAwsWithConnections } from '../../support/aws-local';
import { broadcaster, getConnection, putConnection, repositories } from './env-adapters';
import { ENV, requireEnv } from '../../../lambda/adapters/config';
import { DynamoConnectionRegistry } from '../../../lambda/adapters/connection-registry';
import { documentClient } from '../../../lambda/adapters/dynamo-write';
import {
  configuredRateLimits,
  consumeRateToken,
  consumeStreamBudget,
  CONTENTION_JITTER_MS,
  MAX_ATTEMPTS,
  RATE_ATTRIBUTES,
  STREAM_SOCIAL_ATTRIBUTE,
  streamBucketKey,
  userBucketKey,
} from '../../../lambda/adapters/rate-limit';
import { messageHandler, type ActionFn } from '../../../lambda/adapters/ws-handler';
import type { ConnectionRow } from '../../../contract/rows';
import { RATE_LIMITS, type BucketName, type BucketSpec } from '../../../lambda/core/rate-limit';
import type { ServerMessage } from '../../../protocol/messages';
import type { WebSocketEvent } from '../../../lambda/core/ws-event';

const { fake } = useLocalAwsWithConnections({ s3: false });

/** consumeRateToken on this process's Connections table (what a function's composition root gives it). */
const take = (connectionId: string, bucket: BucketName, opts: { now?: () => number; spec?: BucketSpec } = {}) =>
  consumeRateToken(connectionId, bucket, { connections: repositories().connections, ...opts });
/** Replies as the function's broadcaster posts them (to the fake `@connections`). */
const post = (connectionId: string, message: ServerMessage) => broadcaster().post(connectionId, message);

const conn = (connectionId: string): ConnectionRow => ({
  connectionId,
  userId: `u-${connectionId}`,
  displayName: `User ${connectionId}`,
  streamId: 'spectate:g1',
  role: 'spectator',
  connectedAt: 1_000,
  lastSeenAt: 1_000,
  expiresAt: 10_000,
});

/** A clock the test moves. */
function clock(start: number) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('consumeRateToken (a bucket row per user)', () => {
  it('passes a burst, refuses the next with the wait, refills with time, and stores only its bucket attribute', async () => {
    await putConnection(conn('rl-1'));
    const c = clock(1_700_000_000_000);
    const takeOne = () => take('rl-1', 'chat', { now: c.now });
    for (let i = 0; i < RATE_LIMITS.chat.burst; i++) expect(await takeOne()).toEqual({ ok: true });
    expect(await takeOne()).toMatchObject({ ok: false, retryInMs: 1000 });
    c.advance(400);
    expect(await takeOne()).toMatchObject({ ok: false, retryInMs: 600 });
    c.advance(600);
    expect(await takeOne()).toEqual({ ok: true });
    expect(await takeOne()).toMatchObject({ ok: false, retryInMs: 1000 });

    // The user's bucket row holds the tat; the connection row is as it was, and no fan-out lists the bucket row.
    expect(await getConnection('rl-1')).toEqual(conn('rl-1'));
    const row = await getConnection(userBucketKey('u-rl-1'));
    expect(row).toMatchObject({ connectionId: 'user#u-rl-1', rateChat: 1_700_000_000_000 + 6 * 1000 });
    expect(row?.streamId).toBeUndefined();
    expect(row!.expiresAt).toBeGreaterThan(1_700_000_000);
  });

  it('shares one bucket among all the connections of a user: 20 connections get the burst of one', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `rl-many-${i}`);
    for (const id of ids) await putConnection({ ...conn(id), userId: 'u-flooder' });
    const now = () => 1_700_000_000_000;
    const results = [];
    for (const id of ids) results.push((await take(id, 'chat', { now })).ok);
    expect(results.filter(Boolean)).toHaveLength(RATE_LIMITS.chat.burst);
    // Another user is not touched by it.
    await putConnection(conn('rl-honest'));
    expect(await take('rl-honest', 'chat', { now })).toEqual({ ok: true });
    // The caller's userId (the authorizer's context) saves the connection read and gives the same answer.
    const refused = await consumeRateToken('rl-many-0', 'chat', { connections: repositories().connections, userId: 'u-flooder', now });
    expect(refused).toMatchObject({ ok: false, spec: RATE_LIMITS.chat });
  });

  it('limits ping on its own bucket', async () => {
    await putConnection(conn('rl-ping'));
    const now = () => 1_700_000_000_000;
    const results = [];
    for (let i = 0; i < RATE_LIMITS.ping.burst + 3; i++) results.push((await take('rl-ping', 'ping', { now })).ok);
    expect(results.filter(Boolean)).toHaveLength(RATE_LIMITS.ping.burst);
    expect((await getConnection(userBucketKey('u-rl-ping')))?.[RATE_ATTRIBUTES.ping as 'rateChat']).toBeGreaterThan(0);
  });

  it('keeps each bucket and each user apart', async () => {
    await putConnection(conn('rl-2a'));
    await putConnection(conn('rl-2b'));
    const now = () => 1_700_000_000_000;
    for (let i = 0; i < RATE_LIMITS.chat.burst; i++) await take('rl-2a', 'chat', { now });
    expect((await take('rl-2a', 'chat', { now })).ok).toBe(false);
    expect(await take('rl-2a', 'react', { now })).toEqual({ ok: true });
    expect(await take('rl-2a', 'control', { now })).toEqual({ ok: true });
    expect(await take('rl-2b', 'chat', { now })).toEqual({ ok: true });
    const row = await getConnection(userBucketKey('u-rl-2a'));
    expect(Object.keys(row!).filter((k) => k.startsWith('rate')).sort()).toEqual([RATE_ATTRIBUTES.chat, RATE_ATTRIBUTES.control, RATE_ATTRIBUTES.react].sort());
  });

  it('holds across Lambda instances: a second function instance (its own client and repository) sees the same bucket', async () => {
    await putConnection(conn('rl-3'));
    const now = () => 1_700_000_000_000;
    const otherConnections = new DynamoConnectionRegistry({ client: documentClient(), tableName: requireEnv(ENV.connectionsTable, process.env) });
    const other = (id: string, bucket: BucketName) => consumeRateToken(id, bucket, { connections: otherConnections, now });
    const results = [];
    for (let i = 0; i < 8; i++) results.push((await (i % 2 ? other('rl-3', 'chat') : take('rl-3', 'chat', { now }))).ok);
    expect(results).toEqual([true, true, true, true, true, false, false, false]);
  });

  it('lets exactly the burst through when many messages of one connection arrive at once', async () => {
    await putConnection(conn('rl-4'));
    const spec = { burst: 10, perSecond: 0.01 }; // no refill during the test
    const results = await Promise.all(Array.from({ length: 30 }, () => take('rl-4', 'control', { spec })));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    for (const r of results) if (!r.ok) expect(r.retryInMs).toBeGreaterThan(0);
  });

  it('keeps racing its own connection\'s messages for up to MAX_ATTEMPTS rounds before it refuses for contention', async () => {
    // Every round but the last loses its conditional write (on a busy host the bucket keeps
    // reading as full, so each round races the others' writes again).
    let lost = 0;
    const racing = {
      get: async () => conn('rl-race'),
      put: async () => undefined,
      getRateBucket: async () => ({ exists: true, tat: undefined }),
      writeRateBucket: async () => ++lost >= MAX_ATTEMPTS,
    };
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    expect(await consumeRateToken('rl-race', 'react', { connections: racing, sleep })).toEqual({ ok: true });
    expect(waits).toHaveLength(MAX_ATTEMPTS - 1);
    for (const w of waits) expect(w).toBeLessThanOrEqual(CONTENTION_JITTER_MS);
    lost = -1; // one more loss than rounds: refused, with a wait
    const refused = await consumeRateToken('rl-race', 'react', { connections: racing, sleep });
    expect(refused.ok).toBe(false);
  });

  it('allows a connection whose row is gone, and creates no row', async () => {
    expect(await take('rl-gone', 'chat')).toEqual({ ok: true });
    expect(await getConnection('rl-gone')).toBeUndefined();
    expect(await getConnection(userBucketKey('u-rl-gone'))).toBeUndefined();
  });

  it('reads its limits from USER_RATE_LIMITS and STREAM_SOCIAL_LIMITS, and refuses a bad one naming it', () => {
    const env = { USER_RATE_LIMITS: JSON.stringify({ chat: { burst: 2, perSecond: 0.5 } }), STREAM_SOCIAL_LIMITS: JSON.stringify({ burst: 100, perSecond: 10 }) };
    const c = configuredRateLimits(env);
    expect(c.limits.chat).toEqual({ burst: 2, perSecond: 0.5 });
    expect(c.limits.react).toEqual(RATE_LIMITS.react);
    expect(c.stream).toEqual({ burst: 100, perSecond: 10 });
    expect(() => configuredRateLimits({ USER_RATE_LIMITS: '{"chat":{"burst":0,"perSecond":1}}' })).toThrow(/rate limits must be JSON/);
    expect(() => configuredRateLimits({ USER_RATE_LIMITS: '{"shout":{"burst":1,"perSecond":1}}' })).toThrow(/rate limits must be JSON/);
    expect(() => configuredRateLimits({ STREAM_SOCIAL_LIMITS: 'lots' })).toThrow(/bucket must be JSON/);
  });
});

describe('consumeStreamBudget (a bucket row per stream, in posts)', () => {
  it('charges each fan-out its audience: a big stream gets few lines, a small one many', async () => {
    const now = () => 1_700_000_000_000;
    const spec = { burst: 1000, perSecond: 100 };
    const spend = (streamId: string, posts: number) => consumeStreamBudget(streamId, posts, { connections: repositories().connections, now, spec });
    const big = [];
    for (let i = 0; i < 5; i++) big.push((await spend('spectate:big', 400)).ok);
    expect(big).toEqual([true, true, false, false, false]);
    const refused = await spend('spectate:big', 400);
    expect(refused).toMatchObject({ ok: false, spec });
    if (!refused.ok) expect(refused.retryInMs).toBe(2000); // 200 posts left; 200 more at 100 per second
    const small = [];
    for (let i = 0; i < 50; i++) small.push((await spend('spectate:small', 5)).ok);
    expect(small.every(Boolean)).toBe(true);
    const row = await getConnection(streamBucketKey('spectate:big'));
    expect(row?.[STREAM_SOCIAL_ATTRIBUTE as 'rateChat']).toBe(1_700_000_000_000 + 8000);
    // A single fan-out larger than the whole burst still passes once the bucket is full.
    expect((await spend('spectate:huge', 50_000)).ok).toBe(true);
    expect((await spend('spectate:huge', 1)).ok).toBe(false);
  });
});

describe('messageHandler with limits', () => {
  const event = (connectionId: string, body: unknown): WebSocketEvent => ({
    requestContext: { connectionId, routeKey: 'chat', requestId: 'req-1', authorizer: { userId: `u-${connectionId}`, displayName: 'U' } },
    body: JSON.stringify(body),
  });

  it('answers rate_limited with the action and the wait, and does not run the action', async () => {
    await putConnection(conn('rl-5'));
    const ran: string[] = [];
    const chat: ActionFn<'chat'> = async (_c, m) => void ran.push(m.text);
    const ping: ActionFn<'ping'> = async () => void ran.push('ping');
    const handler = messageHandler({ chat, ping }, { limits: { chat: 'chat' }, consume: (caller, bucket) => take(caller.connectionId, bucket), post });
    for (let i = 0; i < 7; i++) expect(await handler(event('rl-5', { action: 'chat', text: `m${i}` }))).toEqual({ statusCode: 200 });
    for (let i = 0; i < 20; i++) await handler(event('rl-5', { action: 'ping' }));
    expect(ran).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', ...Array.from({ length: 20 }, () => 'ping')]);
    const replies = fake().received('rl-5').map((b) => JSON.parse(b) as { type: string; code: string; message: string; action: string; retryAfterMs: number });
    expect(replies).toHaveLength(2);
    for (const r of replies) {
      expect(r).toMatchObject({ type: 'error', code: 'rate_limited', action: 'chat', retryAfterMs: expect.any(Number) });
      expect(r.message).toMatch(new RegExp(`^chat: rate limited \\(5 at once, then 1 per second\\); retry in ${r.retryAfterMs} ms$`));
    }
  });

  it('checks the message before the limit: an invalid message costs no token', async () => {
    await putConnection(conn('rl-6'));
    const handler = messageHandler({ chat: async () => undefined }, { limits: { chat: 'chat' }, consume: (caller, bucket) => take(caller.connectionId, bucket), post });
    for (let i = 0; i < 10; i++) await handler(event('rl-6', { action: 'chat', text: '' }));
    expect((await getConnection('rl-6'))?.rateChat).toBeUndefined();
    expect(fake().received('rl-6').map((b) => (JSON.parse(b) as { code: string }).code)).toEqual(Array.from({ length: 10 }, () => 'bad_request'));
  });

  it('answers internal (no details) when the limiter fails', async () => {
    const handler = messageHandler(
      { chat: async () => undefined },
      { limits: { chat: 'chat' }, consume: async () => Promise.reject(new Error('DynamoDB is down at /var/task/index.js:1:1')), post },
    );
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    await handler(event('rl-7', { action: 'chat', text: 'hi' }));
    const [reply] = fake().received('rl-7').map((b) => JSON.parse(b) as { code: string; message: string });
    expect(reply).toMatchObject({ code: 'internal' });
    expect(reply!.message).not.toMatch(/DynamoDB|index\.js/);
  });
});
