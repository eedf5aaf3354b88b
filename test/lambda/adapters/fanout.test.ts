import { streamRowFixture, useLocalAwsWithConnections } from '../../support/aws-local';
import { addClients, attachConnection, broadcaster, createStream, getConnection, getStream, putConnection, repositories } from './env-adapters';
import { RecordingMetrics } from '../fakes';
import { ENV } from '../../../contract/env';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError, ThrottledError } from '../../../lambda/adapters/errors';
import { callbackUrlRegion, connectionPoster, ManagementApiBroadcaster } from '../../../lambda/adapters/fanout';
import type { StreamRow } from '../../../contract/rows';
import { MAX_MESSAGE_BYTES, type ServerMessage } from '../../../protocol/messages';

const { fake } = useLocalAwsWithConnections({ s3: false });

/** The broadcaster a function builds from this process's environment (CALLBACK_URL: the fake). */
const fanOut: ManagementApiBroadcaster['fanOut'] = (...args) => broadcaster().fanOut(...args);
const postToConnection: ManagementApiBroadcaster['post'] = (...args) => broadcaster().post(...args);
const forgetConnection = (connectionId: string) => broadcaster().forgetConnection(connectionId);

const streamRow = (streamId: string): StreamRow => streamRowFixture(streamId);

/** A stream with `n` attached connections `{prefix}-00…`, counted in clientCount. */
async function room(streamId: string, prefix: string, n: number): Promise<string[]> {
  await createStream(streamRow(streamId));
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
  for (const id of ids) {
    await putConnection({ connectionId: id, userId: `u-${id}`, displayName: id, connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 });
    await attachConnection(id, streamId, 'spectator');
    await addClients(streamId, 1);
  }
  return ids;
}

const frames = (streamId: string, n: number): ServerMessage[] =>
  Array.from({ length: n }, (_, seq) => ({ type: 'frames', streamId, epoch: 1, frames: [{ seq, t: seq * 10, type: 'point', data: {} }] }));
const seqs = (bodies: string[]): number[] => bodies.map((b) => (JSON.parse(b) as { frames: { seq: number }[] }).frames[0]!.seq);

describe('fanOut', () => {
  it('delivers every message to every connection, in order per connection, across byStream pages', async () => {
    const ids = await room('s-order', 'o', 12);
    fake().latencyMs = 6; // random per request: out-of-order completion if a connection's posts overlapped
    const r = await fanOut('s-order', frames('s-order', 15), { pageSize: 5 });
    expect(r).toEqual({ connections: 12, delivered: 12, gone: [], failed: [], timedOut: [], posts: 180 });
    for (const id of ids) expect(seqs(fake().received(id))).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(fake().receivedIds().sort()).toEqual(ids);
  });

  it('deletes exactly the row of a connection that answers 410, and uncounts it from its stream', async () => {
    const ids = await room('s-gone', 'g', 5);
    fake().behave('g-02', { status: 410 });
    const r = await fanOut('s-gone', frames('s-gone', 3));
    expect(r.gone).toEqual(['g-02']);
    expect(r.delivered).toBe(4);
    expect(fake().attempts('g-02')).toBe(1); // no retry, no later message
    expect(await getConnection('g-02')).toBeUndefined();
    for (const id of ids.filter((i) => i !== 'g-02')) {
      expect(await getConnection(id)).toBeDefined();
      expect(fake().received(id)).toHaveLength(3);
    }
    expect((await getStream('s-gone', { consistent: true }))?.clientCount).toBe(4);
    // The next fan-out no longer targets it.
    expect((await fanOut('s-gone', frames('s-gone', 1))).connections).toBe(4);
  });

  it('retries 429 and 500 with backoff and then delivers, in order', async () => {
    const ids = await room('s-retry', 'r', 4);
    fake().behave('r-00', { status: 429, times: 2 });
    fake().behave('r-01', { status: 500, times: 3 });
    fake().behave('r-02', { status: 502, times: 1 });
    const r = await fanOut('s-retry', frames('s-retry', 4));
    expect(r).toMatchObject({ connections: 4, delivered: 4, gone: [], failed: [] });
    expect(r.posts).toBe(16 + 2 + 3 + 1);
    for (const id of ids) expect(seqs(fake().received(id))).toEqual([0, 1, 2, 3]);
    expect(fake().attempts('r-01')).toBe(3 + 4);
  });

  it('gives up on a connection after maxAttempts, and not on the others', async () => {
    await room('s-fail', 'f', 3);
    fake().behave('f-01', { status: 500 });
    fake().behave('f-02', { status: 403 }); // not retryable
    const r = await fanOut('s-fail', frames('s-fail', 2), { maxAttempts: 3 });
    expect(r).toMatchObject({ connections: 3, delivered: 1, gone: [], failed: expect.arrayContaining(['f-01', 'f-02']) });
    expect(fake().attempts('f-01')).toBe(3); // first message only: a failed connection gets no later message
    expect(fake().attempts('f-02')).toBe(1);
    expect(fake().received('f-00')).toHaveLength(2);
    expect(await getConnection('f-01')).toBeDefined(); // failed is not gone: the row stays
  });

  it('gives up on a hanging client for the fan-out while the others receive everything, and keeps it', async () => {
    const ids = await room('s-hang', 'h', 6);
    fake().behave('h-03', { hang: true });
    const r = await fanOut('s-hang', frames('s-hang', 5), { timeoutMs: 800, maxAttempts: 2, concurrency: 2 });
    expect(r.failed).toEqual(['h-03']);
    expect(r.timedOut).toEqual(['h-03']);
    expect(r.gone).toEqual([]);
    expect(r.delivered).toBe(5);
    expect(fake().attempts('h-03')).toBe(2); // the first message only: the rest of this fan-out is given up for it
    for (const id of ids.filter((i) => i !== 'h-03')) expect(seqs(fake().received(id))).toEqual([0, 1, 2, 3, 4]);
    // A timeout is not a GoneException: not closed, not forgotten, still counted.
    expect(fake().deleted()).toEqual([]);
    expect(await getConnection('h-03')).toBeDefined();
    expect((await getStream('s-hang', { consistent: true }))?.clientCount).toBe(6);
  });

  it('keeps a healthy connection through a timeout storm of the gateway, and delivers again when it passes', async () => {
    const ids = await room('s-storm', 'st', 4);
    // The gateway is overloaded: every post times out, for every connection, until it is over.
    for (const id of ids) fake().behave(id, { hang: true });
    const storm = await fanOut('s-storm', frames('s-storm', 3), { timeoutMs: 300, maxAttempts: 2 });
    expect(storm).toMatchObject({ connections: 4, delivered: 0, gone: [] });
    expect([...storm.failed].sort()).toEqual(ids);
    // Timed out (on a busy machine a cut-off try may surface as another network error instead).
    expect(storm.timedOut.length).toBeGreaterThan(0);
    for (const id of storm.timedOut) expect(ids).toContain(id);
    expect(fake().deleted()).toEqual([]);
    for (const id of ids) expect(await getConnection(id)).toBeDefined();
    expect((await getStream('s-storm', { consistent: true }))?.clientCount).toBe(4);
    // The storm is over: the same connections receive the next fan-out.
    fake().reset();
    const after = await fanOut('s-storm', frames('s-storm', 2), { timeoutMs: 300, maxAttempts: 2 });
    expect(after).toMatchObject({ connections: 4, delivered: 4, failed: [], timedOut: [] });
    for (const id of ids) expect(seqs(fake().received(id))).toEqual([0, 1]);
  });

  it('forgets a connection that answers 410 after timeouts, and only then', async () => {
    await room('s-late-gone', 'lg', 2);
    fake().behave('lg-01', { hang: true, times: 1 });
    const first = await fanOut('s-late-gone', frames('s-late-gone', 1), { timeoutMs: 300, maxAttempts: 1 });
    expect(first.timedOut).toEqual(['lg-01']);
    expect(await getConnection('lg-01')).toBeDefined();
    fake().behave('lg-01', { status: 410 });
    const second = await fanOut('s-late-gone', frames('s-late-gone', 1), { timeoutMs: 300, maxAttempts: 1 });
    expect(second.gone).toEqual(['lg-01']);
    expect(await getConnection('lg-01')).toBeUndefined();
  });

  it('does not close a client that failed with 5xx rather than timing out', async () => {
    await room('s-5xx', 'e', 2);
    fake().behave('e-01', { status: 500 });
    const r = await fanOut('s-5xx', frames('s-5xx', 1), { maxAttempts: 2 });
    expect(r).toMatchObject({ failed: ['e-01'], timedOut: [] });
    expect(fake().deleted()).toEqual([]);
    expect(await getConnection('e-01')).toBeDefined();
  });

  it('keeps at most `concurrency` posts in flight', async () => {
    await room('s-pool', 'p', 30);
    fake().latencyMs = 20;
    const r = await fanOut('s-pool', frames('s-pool', 2), { concurrency: 4 });
    expect(r.delivered).toBe(30);
    expect(fake().maxInFlight).toBeLessThanOrEqual(4);
    expect(fake().maxInFlight).toBeGreaterThan(1);
  });

  it('skips `except`, posts to an explicit list, and calls a custom onGone', async () => {
    await room('s-opts', 'x', 3);
    const r1 = await fanOut('s-opts', frames('s-opts', 1), { except: 'x-01' });
    expect(r1.connections).toBe(2);
    expect(fake().received('x-01')).toHaveLength(0);

    fake().behave('y-gone', { status: 410 });
    const gone: string[] = [];
    const r2 = await fanOut('ignored', frames('s-opts', 1), {
      connections: ['y-1', 'y-gone', 'y-1'],
      onGone: async (id) => void gone.push(id),
    });
    expect(r2).toMatchObject({ connections: 2, delivered: 1, gone: ['y-gone'] });
    expect(gone).toEqual(['y-gone']);
  });

  it('refuses a message over the 128 KB frame limit before posting anything', async () => {
    await room('s-big', 'b', 1);
    const big: ServerMessage = { type: 'chat', streamId: 's-big', from: 'a', text: 'x'.repeat(MAX_MESSAGE_BYTES), at: 0 };
    await expect(fanOut('s-big', [frames('s-big', 1)[0]!, big])).rejects.toThrow(/frame limit/);
    expect(fake().requests).toBe(0);
    expect(await fanOut('s-big', [])).toEqual({ connections: 0, delivered: 0, gone: [], failed: [], timedOut: [], posts: 0 });
  });
});

describe('post / forgetConnection', () => {
  it('answers sent, gone, and throws a named error after its retries', async () => {
    expect(await postToConnection('one', { type: 'pong', at: 1 })).toBe('sent');
    expect(fake().received('one')).toEqual(['{"type":"pong","at":1}']);
    fake().behave('two', { status: 410 });
    expect(await postToConnection('two', { type: 'pong', at: 1 })).toBe('gone');
    fake().behave('three', { status: 503 });
    const err = await postToConnection('three', { type: 'pong', at: 1 }, { maxAttempts: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsServiceError);
    expect((err as AwsServiceError).status).toBe(503);
    expect((err as Error).message).not.toMatch(/\n\s+at /); // no stack in the message
    expect(fake().attempts('three')).toBe(2);
  });

  it('forgets a connection once: deletes the row and uncounts it a single time', async () => {
    await room('s-forget', 'z', 2);
    const [a, b] = await Promise.all([forgetConnection('z-00'), forgetConnection('z-00')]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect((await getStream('s-forget', { consistent: true }))?.clientCount).toBe(1);
    expect(await forgetConnection('never-was')).toBeUndefined();
  });
});

describe('ManagementApiBroadcaster options', () => {
  it("uses its constructor's defaults for every call unless a call overrides them", async () => {
    const { connections, streams } = repositories();
    const b = new ManagementApiBroadcaster({ poster: connectionPoster({ ...process.env, [ENV.callbackUrl]: fake().url }), connections, streams, options: { maxAttempts: 2 } });
    fake().behave('opt-1', { status: 503 });
    await expect(b.post('opt-1', { type: 'pong', at: 1 })).rejects.toBeInstanceOf(AwsServiceError);
    expect(fake().attempts('opt-1')).toBe(2);
    fake().behave('opt-2', { status: 503 });
    await expect(b.post('opt-2', { type: 'pong', at: 1 }, { maxAttempts: 3 })).rejects.toBeInstanceOf(AwsServiceError);
    expect(fake().attempts('opt-2')).toBe(3);
  });

  it('without a callback URL rejects every post with MissingConfigError naming CALLBACK_URL', async () => {
    const { connections, streams } = repositories();
    const b = new ManagementApiBroadcaster({ poster: connectionPoster({ ...process.env, [ENV.callbackUrl]: undefined }), connections, streams });
    await expect(b.post('c-none', { type: 'pong', at: 1 })).rejects.toMatchObject({ name: 'MissingConfigError', variable: 'CALLBACK_URL' });
  });
});

describe('fan-out metrics', () => {
  it('counts MessagesPosted per accepted post, PostsFailed per failed try by cause, and one FanOutTime per message', async () => {
    await room('s-metrics', 'm', 5);
    fake().behave('m-01', { status: 410 });
    fake().behave('m-02', { status: 429, times: 2 });
    fake().behave('m-03', { status: 500, times: 1 });
    fake().behave('m-04', { hang: true });
    const metrics = new RecordingMetrics();
    const { connections, streams } = repositories();
    const b = new ManagementApiBroadcaster({ poster: connectionPoster(process.env), connections, streams, metrics });
    const r = await b.fanOut('s-metrics', frames('s-metrics', 2), { timeoutMs: 300, maxAttempts: 3 });
    expect(r).toMatchObject({ delivered: 3, gone: ['m-01'], failed: ['m-04'] });
    expect(metrics.sum('PostsFailed', { cause: 'gone' })).toBe(1);
    expect(metrics.sum('PostsFailed', { cause: 'timeout' })).toBe(3); // every try of its first message
    expect(metrics.sum('PostsFailed', { cause: 'server' })).toBe(1);
    expect(metrics.sum('PostsFailed', { cause: 'throttled' })).toBe(2);
    expect(metrics.values('FanOutTime')).toHaveLength(2);
    for (const t of metrics.values('FanOutTime')) expect(t).toBeGreaterThanOrEqual(0);
    await b.post('m-00', frames('s-metrics', 1)[0]!);
    expect(metrics.sum('MessagesPosted')).toBe(r.delivered * 2 + 1);
  });
});

describe('connectionPoster: the lean signed poster fan-out and replies go through', () => {
  it('signs for execute-api with the provider chain\'s credentials (the environment) in the Region of AWS_REGION', async () => {
    const seen: IncomingMessage['headers'][] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume().on('end', () => res.writeHead(200, { 'content-length': 0 }).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/live`;
      const { connections, streams } = repositories();
      const b = new ManagementApiBroadcaster({ poster: connectionPoster({ ...process.env, [ENV.callbackUrl]: callbackUrl, AWS_REGION: 'eu-west-3' }), connections, streams });
      expect(await b.post('sig-1', { type: 'pong', at: 1 })).toBe('sent');
      const auth = String(seen[0]?.authorization);
      expect(auth).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${process.env.AWS_ACCESS_KEY_ID}/\\d{8}/eu-west-3/execute-api/aws4_request, `));
      expect(seen[0]?.['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('takes the Region from the callback URL when the environment names none, and without one fails every post naming AWS_REGION', async () => {
    expect(callbackUrlRegion('https://abc123.execute-api.ap-southeast-2.amazonaws.com/prod')).toBe('ap-southeast-2');
    expect(callbackUrlRegion('https://abc123.execute-api.cn-north-1.amazonaws.com.cn/prod')).toBe('cn-north-1');
    expect(callbackUrlRegion('http://127.0.0.1:3001/local')).toBeUndefined();
    expect(callbackUrlRegion('not a url')).toBeUndefined();
    const { connections, streams } = repositories();
    const env = { ...process.env, [ENV.callbackUrl]: fake().url, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined };
    const b = new ManagementApiBroadcaster({ poster: connectionPoster(env), connections, streams });
    await expect(b.post('no-region', { type: 'pong', at: 1 })).rejects.toMatchObject({ name: 'MissingConfigError', variable: 'AWS_REGION' });
    expect(fake().requests).toBe(0);
    expect(() => connectionPoster({ ...process.env, [ENV.callbackUrl]: 'nope' })).toThrow(/CALLBACK_URL/);
  });

  it('names a reply that failed: ThrottledError after 429s, a retryable TimeoutError after cut-offs', async () => {
    fake().behave('thr', { status: 429 });
    const throttled = await postToConnection('thr', { type: 'pong', at: 1 }, { maxAttempts: 2 }).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(ThrottledError);
    expect(throttled).toMatchObject({ code: 'LimitExceededException', status: 429, retryable: true });
    expect(fake().attempts('thr')).toBe(2);
    fake().behave('slow', { hang: true });
    const hung = await postToConnection('slow', { type: 'pong', at: 1 }, { maxAttempts: 1, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(hung).toBeInstanceOf(AwsServiceError);
    expect(hung).toMatchObject({ code: 'TimeoutError', status: undefined, retryable: true });
  });
});
