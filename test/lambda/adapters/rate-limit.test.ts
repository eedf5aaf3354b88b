/**
 * Per-connection rate limits against the local stand-ins: the bucket lives on the
 * Connections row (dynalite, tables from the synthesized template), survives across
 * "instances" (a second repository with its own DynamoDB client), holds
 * under concurrent messages, and the message handler answers `rate_limited` without
 * running the action.
 */
import { useLocalAwsWithConnections } from '../../support/aws-local';
import { broadcaster, getConnection, putConnection, repositories } from './env-adapters';
import { ENV, requireEnv } from '../../../lambda/adapters/config';
import { DynamoConnectionRegistry } from '../../../lambda/adapters/connection-registry';
import { documentClient } from '../../../lambda/adapters/dynamo-write';
import { CONTENTION_JITTER_MS, consumeRateToken, MAX_ATTEMPTS, RATE_ATTRIBUTES } from '../../../lambda/adapters/rate-limit';
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

describe('consumeRateToken (Connections row)', () => {
  it('passes a burst, refuses the next with the wait, refills with time, and stores only its bucket attribute', async () => {
    await putConnection(conn('rl-1'));
    const c = clock(1_700_000_000_000);
    const takeOne = () => take('rl-1', 'chat', { now: c.now });
    for (let i = 0; i < RATE_LIMITS.chat.burst; i++) expect(await takeOne()).toEqual({ ok: true });
    expect(await takeOne()).toEqual({ ok: false, retryInMs: 1000 });
    c.advance(400);
    expect(await takeOne()).toEqual({ ok: false, retryInMs: 600 });
    c.advance(600);
    expect(await takeOne()).toEqual({ ok: true });
    expect(await takeOne()).toEqual({ ok: false, retryInMs: 1000 });

    // The row: the bucket's tat, everything else as it was.
    const row = await getConnection('rl-1');
    expect(row).toEqual({ ...conn('rl-1'), rateChat: 1_700_000_000_000 + 6 * 1000 });
  });

  it('keeps each bucket and each connection apart', async () => {
    await putConnection(conn('rl-2a'));
    await putConnection(conn('rl-2b'));
    const now = () => 1_700_000_000_000;
    for (let i = 0; i < RATE_LIMITS.chat.burst; i++) await take('rl-2a', 'chat', { now });
    expect((await take('rl-2a', 'chat', { now })).ok).toBe(false);
    expect(await take('rl-2a', 'react', { now })).toEqual({ ok: true });
    expect(await take('rl-2a', 'control', { now })).toEqual({ ok: true });
    expect(await take('rl-2b', 'chat', { now })).toEqual({ ok: true });
    const row = await getConnection('rl-2a');
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

  it('allows a connection whose row is gone, and does not create the row', async () => {
    expect(await take('rl-gone', 'chat')).toEqual({ ok: true });
    expect(await getConnection('rl-gone')).toBeUndefined();
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
    const handler = messageHandler({ chat, ping }, { limits: { chat: 'chat' }, consume: (id, bucket) => take(id, bucket), post });
    for (let i = 0; i < 7; i++) expect(await handler(event('rl-5', { action: 'chat', text: `m${i}` }))).toEqual({ statusCode: 200 });
    for (let i = 0; i < 20; i++) await handler(event('rl-5', { action: 'ping' }));
    expect(ran).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', ...Array.from({ length: 20 }, () => 'ping')]);
    const replies = fake().received('rl-5').map((b) => JSON.parse(b) as { type: string; code: string; message: string; action: string });
    expect(replies).toHaveLength(2);
    for (const r of replies) {
      expect(r).toMatchObject({ type: 'error', code: 'rate_limited', action: 'chat' });
      expect(r.message).toMatch(/^chat: rate limited \(5 at once, then 1 per second\); retry in \d+ ms$/);
    }
  });

  it('checks the message before the limit: an invalid message costs no token', async () => {
    await putConnection(conn('rl-6'));
    const handler = messageHandler({ chat: async () => undefined }, { limits: { chat: 'chat' }, consume: (id, bucket) => take(id, bucket), post });
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
