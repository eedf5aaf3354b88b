/**
 * End to end on local mode, the rate limits per connection (chat, react, control; docs/SECURITY.md)
 * with `rate_limited` errors: a burst beyond a limit gets `rate_limited` for the extra
 * messages only; the others are delivered, and nothing else changes.
 */
import type { StreamRow } from '../../contract/rows';
import { RATE_LIMITS } from '../../lambda/core/rate-limit';
import { E2e, flush, sleep, until } from '../support/e2e';

jest.setTimeout(300_000); // a bound against a hang on a busy machine

let e: E2e;

beforeAll(async () => {
  e = await E2e.start({ sweeper: false });
});
afterAll(async () => {
  await e?.close();
});

const connect = (user: string, displayName?: string) => e.connect(user, displayName);
const streamRow = (streamId: string) => e.streamRow(streamId);

/** The row fields a chat must never change (the tick moves the position of a playing stream, so pick a paused one). */
const stable = (r: StreamRow) => ({ status: r.status, epoch: r.epoch, speed: r.speed, clientCount: r.clientCount, controllers: r.controllers, positionSeq: r.positionSeq });

const GAME = '2012-ausopen-1701';
const RETRY = /; retry in (\d+) ms$/;

describe('rate limits per user', () => {
  it('one user\'s connections share one bucket: ten connections get one burst of chat, another user is untouched', async () => {
    const flood = await Promise.all(Array.from({ length: 10 }, () => connect('flo', 'Flo')));
    const honest = await connect('hana', 'Hana');
    flood[0]!.send({ action: 'start', gameId: GAME, speed: 0.25 });
    const joined = await flood[0]!.waitFor('joined');
    for (const c of [...flood.slice(1), honest]) c.send({ action: 'join', streamId: joined.streamId });
    await honest.waitFor('presence', (m) => m.clients === 11);
    await sleep(1200); // the chat bucket is untouched by joins; let any refill settle
    const from = honest.messages.length;
    const sentAt = Date.now();
    for (const c of flood) c.send({ action: 'chat', text: `flood ${c.userId}` });
    const errors = () => flood.reduce((n, c) => n + c.all('error').filter((m) => m.action === 'chat').length, 0);
    const relayed = () => honest.messages.slice(from).filter((m) => m.type === 'chat').length;
    await until('every flood chat answered', async () => errors() + relayed() >= flood.length);
    const extra = Math.ceil((Date.now() - sentAt) / 1000) * RATE_LIMITS.chat.perSecond;
    expect(relayed()).toBeGreaterThanOrEqual(RATE_LIMITS.chat.burst);
    expect(relayed()).toBeLessThanOrEqual(RATE_LIMITS.chat.burst + extra);
    for (const c of flood) for (const e of c.all('error')) expect(e).toMatchObject({ code: 'rate_limited', action: 'chat', retryAfterMs: expect.any(Number) });
    honest.send({ action: 'chat', text: 'still mine' });
    expect(await flood[0]!.waitFor('chat', (m) => m.text === 'still mine')).toMatchObject({ from: 'Hana' });
  });
});

describe('per-connection rate limits', () => {
  it('a burst of chats beyond the limit: the extra ones get rate_limited, the others are delivered, nothing else changes', async () => {
    const [a, b] = [await connect('rita', 'Rita'), await connect('bo', 'Bo')];
    a.send({ action: 'start', gameId: GAME, mode: 'pvai', speed: 0.25 });
    const joined = await a.waitFor('joined');
    await a.waitFor('presence');
    a.send({ action: 'pause' });
    await a.waitFor('state', (m) => m.status === 'paused');
    b.send({ action: 'join', streamId: joined.streamId });
    await b.waitFor('joined');
    await a.waitFor('presence', (m) => m.clients === 2);
    await b.waitFor('presence', (m) => m.clients === 2);
    const before = await streamRow(joined.streamId);
    const [fromA, fromB] = [a.messages.length, b.messages.length];

    const burst = RATE_LIMITS.chat.burst + 3;
    const sentAt = Date.now();
    for (let i = 0; i < burst; i++) a.send({ action: 'chat', text: `line ${i}` });
    await a.waitFor('error', () => true, 10_000, fromA);
    const answered = () => a.messages.slice(fromA).filter((m) => m.type === 'error' || m.type === 'chat').length;
    while (answered() < burst && Date.now() - sentAt < 10_000) await sleep(20);
    // The bucket refills 1 token/s: a burst handled over more than a second may pass one more.
    const extra = Math.floor((a.arrivals.at(-1)! - sentAt) / 1000);
    await sleep(300);
    await Promise.all([a, b].map(flush));

    const errors = a.messages.slice(fromA).filter((m) => m.type === 'error');
    const passed = burst - errors.length;
    expect(passed).toBeGreaterThanOrEqual(RATE_LIMITS.chat.burst);
    expect(passed).toBeLessThanOrEqual(RATE_LIMITS.chat.burst + extra);
    for (const e of errors) {
      expect(e).toMatchObject({ type: 'error', code: 'rate_limited', action: 'chat' });
      const wait = Number(RETRY.exec((e as { message: string }).message)?.[1]);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(1000);
    }
    for (const x of [a, b]) {
      const texts = x.all('chat').map((m) => m.text);
      expect(texts).toHaveLength(passed);
      expect(new Set(texts).size).toBe(passed);
      for (const t of texts) expect(t).toMatch(/^line \d$/);
    }
    expect(a.all('chat').map((m) => m.text).sort()).toEqual(b.all('chat').map((m) => m.text).sort());
    // Nothing else: no error to anyone else, no state or presence, the stream row as it was.
    expect(b.messages.slice(fromB).filter((m) => m.type !== 'chat' && m.type !== 'pong')).toEqual([]);
    expect(a.messages.slice(fromA).filter((m) => !['chat', 'error', 'pong'].includes(m.type))).toEqual([]);
    expect(stable(await streamRow(joined.streamId))).toEqual(stable(before));

    // A second later the bucket has a token again; b's own bucket was never touched.
    await sleep(1000);
    a.send({ action: 'chat', text: 'after the wait' });
    b.send({ action: 'chat', text: 'from bo' });
    for (const x of [a, b]) {
      await x.waitFor('chat', (m) => m.text === 'after the wait');
      await x.waitFor('chat', (m) => m.text === 'from bo');
    }
    await flush(a);
    expect(a.all('error')).toHaveLength(errors.length);
  });

  it('limits reactions and controls on their own buckets; ping has its own', async () => {
    const c = await connect('cy');
    c.send({ action: 'start', gameId: GAME, speed: 0.25 });
    await c.waitFor('joined');
    await c.waitFor('presence');
    await sleep(1200); // the start's control token is back

    // Reactions: their own bucket, untouched by the start.
    let from = c.messages.length;
    const reacts = RATE_LIMITS.react.burst + 2;
    let sentAt = Date.now();
    for (let i = 0; i < reacts; i++) c.send({ action: 'react', emoji: '🔥' });
    // Every react has exactly one outcome: counted in a `reactions` summary of its window, or a
    // rate_limited error to its sender (a summary may land after a later pong: count, not flush).
    const counted = (ms: typeof c.messages) => ms.reduce((n, m) => n + (m.type === 'reactions' ? (m.counts['🔥'] ?? 0) : 0), 0);
    const refused = (ms: typeof c.messages) => ms.filter((m) => m.type === 'error' && m.action === 'react').length;
    await until('every react answered', async () => counted(c.messages.slice(from)) + refused(c.messages.slice(from)) >= reacts);
    // Tokens that refilled while the burst was being handled (5/s) may pass too: the bound
    // follows the time the burst took here, not a guess about the machine's speed.
    const refilled = (perSecond: number) => Math.ceil(((Date.now() - sentAt) * perSecond) / 1000);
    const reactRefill = refilled(RATE_LIMITS.react.perSecond);
    await sleep(300);
    const reacted = c.messages.slice(from);
    expect(counted(reacted) + refused(reacted)).toBe(reacts);
    expect(counted(reacted)).toBeGreaterThanOrEqual(RATE_LIMITS.react.burst);
    expect(counted(reacted)).toBeLessThanOrEqual(RATE_LIMITS.react.burst + reactRefill);
    // Summed: far fewer messages than reactions (one per window).
    expect(reacted.filter((m) => m.type === 'reactions').length).toBeLessThan(counted(reacted));
    for (const m of reacted.filter((x) => x.type === 'error')) expect(m).toMatchObject({ code: 'rate_limited', action: 'react', retryAfterMs: expect.any(Number) });

    // Controls: `list` draws from the control bucket.
    from = c.messages.length;
    const lists = RATE_LIMITS.control.burst + 2;
    sentAt = Date.now();
    for (let i = 0; i < lists; i++) c.send({ action: 'list' });
    const answers = (ms: typeof c.messages) => ms.filter((m) => m.type === 'catalog' || (m.type === 'error' && m.action === 'list')).length;
    await until('every list answered', async () => answers(c.messages.slice(from)) >= lists);
    const listRefill = refilled(RATE_LIMITS.control.perSecond);
    await sleep(300);
    const listed = c.messages.slice(from);
    expect(answers(listed)).toBe(lists);
    const catalogs = listed.filter((m) => m.type === 'catalog').length;
    expect(catalogs).toBeGreaterThanOrEqual(RATE_LIMITS.control.burst - 1); // the start's token may not be back entirely
    expect(catalogs).toBeLessThanOrEqual(RATE_LIMITS.control.burst + listRefill);
    const limited = listed.filter((m) => m.type === 'error');
    expect(limited.length).toBe(RATE_LIMITS.control.burst + 2 - catalogs);
    for (const e of limited) expect(e).toMatchObject({ code: 'rate_limited', action: 'list' });

    // With the control bucket empty, ping still answers: it draws from a bucket of its own.
    from = c.messages.length;
    const pings = RATE_LIMITS.ping.burst;
    for (let i = 0; i < pings; i++) c.send({ action: 'ping' });
    await until('every ping answered', async () => c.messages.slice(from).filter((m) => m.type === 'pong').length >= pings);
    expect(c.messages.slice(from).filter((m) => m.type === 'pong')).toHaveLength(pings);
    expect(c.messages.slice(from).filter((m) => m.type === 'error')).toEqual([]);
  });
});
