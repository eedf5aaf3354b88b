import type { GameRow, LiveChunk } from '../../../contract/rows';
import { assertMayPublish, chunkAtOrBefore, chunksFor, DYNAMODB_ITEM_LIMIT_BYTES, dynamoItemBytes, KEY_DIGEST_CHARS, keyDigest, KEY_WINDOW, MAX_LIVE_CHUNKS, newLiveGame, planAppend, serializeChunk, worstCaseLiveRow } from '../../../lambda/core/live';
import { marshall } from '@aws-sdk/util-dynamodb';
import { liveBatchSchema, LiveRequestError, MAX_EVENT_DATA_BYTES, MAX_EVENTS_PER_BATCH, openLiveGameSchema, parseLiveBody, type LiveEvent } from '../../../protocol/http-api';
import { parseFrameLines } from '../../../protocol/recording';
import { thrown } from '../../support/throws';

/** Wall clock (epoch ms) the test games started at. */
const T0 = 1_700_000_000_000;
const chunkKey = (seq: number) => `live/g/${seq}.jsonl`;

/** A live game opened at {@link T0}, with `over` applied. */
const game = (over: Partial<GameRow> = {}): GameRow => ({ ...newLiveGame('g', { kind: 'cricket', title: 'A v B', participants: ['A', 'B'] }, T0), ...over });
const ev = (key: string, t?: number, data?: unknown): LiveEvent => ({ key, type: 'ball', ...(t === undefined ? {} : { t }), ...(data === undefined ? {} : { data }) });
/** The message of the {@link LiveRequestError} parsing `body` as a batch throws. */
const batchError = (body: unknown) => thrown(() => parseLiveBody(liveBatchSchema, body), LiveRequestError);

/** A game that has had `sizes` appended as batches (one chunk each, keys `c{chunk}-{i}`, t = seq × 10). */
function withChunks(sizes: number[], over: Partial<GameRow> = {}): GameRow {
  let g = game(over);
  sizes.forEach((n, c) => {
    const plan = planAppend(g, Array.from({ length: n }, (_, i) => ev(`c${c}-${i}`, (g.frameCount + i) * 10)), T0, chunkKey);
    const chunks = [...(g.chunks ?? [])];
    for (const i of plan.forgetKeysOf) chunks[i] = { ...chunks[i]!, keys: undefined };
    g = { ...g, chunks: [...chunks, plan.chunk!], frameCount: plan.frameCount, durationMs: plan.durationMs };
  });
  return g;
}

describe('request schemas: refusals name the field', () => {
  test.each<[string, unknown, RegExp]>([
    ['a batch event with a fractional t', { events: [ev('a'), ev('b'), ev('c'), { key: 'd', type: 'x', t: 1.5 }] }, /^events\[3\]\.t: /],
    ['a batch event with a negative t', { events: [ev('a'), { key: 'b', type: 'x', t: -1 }] }, /^events\[1\]\.t: /],
    ['a key with a space', { key: 'over 1', type: 'ball' }, /^key: letters, digits/],
    ['a key with a slash (batch)', { events: [{ key: 'a/b', type: 'ball' }] }, /^events\[0\]\.key: letters, digits/],
    ['an empty key', { key: '', type: 'ball' }, /^key: /],
    ['a key of 129 characters', { key: 'k'.repeat(129), type: 'ball' }, /^key: /],
    ['a missing key', { type: 'ball' }, /^key: /],
    ['an empty type', { key: 'a', type: '' }, /^type: /],
    ['a type of 65 characters', { key: 'a', type: 'x'.repeat(65) }, /^type: /],
    ['a single event with a negative t', { key: 'a', type: 'x', t: -1 }, /^t: /],
    ['a t beyond 30 days', { key: 'a', type: 'x', t: 30 * 24 * 3600 * 1000 + 1 }, /^t: /],
    [`more than ${MAX_EVENTS_PER_BATCH} events`, { events: Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, (_, i) => ev(`k${i}`)) }, /^events: Too big.*500/],
    ['no events', { events: [] }, /^events: Too small/],
    ['an unknown field of a single event', { key: 'a', type: 'x', extra: 1 }, /^body: Unrecognized key: "extra"/],
    ['an unknown field of a batch event', { events: [{ key: 'a', type: 'x', extra: 1 }] }, /^events\[0\]: Unrecognized key: "extra"/],
    ['an unknown field beside events', { events: [ev('a')], more: 1 }, /^body: Unrecognized key: "more"/],
    ['data over 16 KB', { key: 'a', type: 'x', data: 'x'.repeat(MAX_EVENT_DATA_BYTES) }, /^data: must be JSON of at most 16384 bytes/],
    ['data over 16 KB in UTF-8 bytes (not characters)', { key: 'a', type: 'x', data: 'é'.repeat(9000) }, /^data: must be JSON of at most 16384 bytes/],
    ['data over 16 KB in a batch', { events: [ev('a'), { key: 'b', type: 'x', data: { s: 'x'.repeat(MAX_EVENT_DATA_BYTES) } }] }, /^events\[1\]\.data: /],
    ['data nested too deep', { key: 'a', type: 'x', data: JSON.parse('['.repeat(17) + ']'.repeat(17)) as unknown }, /^data: must be nested at most 16 deep/],
    ['null', null, /^body: /],
    ['a string', 'ball', /^body: /],
  ])('%s', (_name, body, message) => {
    const e = batchError(body);
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(message);
  });

  test('data of exactly 16 KB serialized is accepted', () => {
    const data = 'x'.repeat(MAX_EVENT_DATA_BYTES - 2); // the quotes make 16,384
    expect(parseLiveBody(liveBatchSchema, { key: 'a', type: 'x', data }).events[0]!.data).toBe(data);
  });

  test('one event is a batch of one; a batch keeps its order; keys use the allowed charset', () => {
    expect(parseLiveBody(liveBatchSchema, { key: 'over-12.ball_3:a', type: 'ball', t: 5, data: { r: 4 } })).toEqual({
      events: [{ key: 'over-12.ball_3:a', type: 'ball', t: 5, data: { r: 4 } }],
    });
    const events = Array.from({ length: MAX_EVENTS_PER_BATCH }, (_, i) => ev(`k${i}`, i));
    expect(parseLiveBody(liveBatchSchema, { events }).events.map((e) => e.key)).toEqual(events.map((e) => e.key));
  });

  test('open: kind charset, title trimmed, participants default to none', () => {
    expect(parseLiveBody(openLiveGameSchema, { kind: 'cricket', title: '  A v B ' })).toEqual({ kind: 'cricket', title: 'A v B', participants: [] });
    expect(thrown(() => parseLiveBody(openLiveGameSchema, { kind: 'Cricket', title: 'x' }), LiveRequestError).message).toMatch(/^kind: lower-case/);
    expect(thrown(() => parseLiveBody(openLiveGameSchema, { kind: 'c', title: '   ' }), LiveRequestError).message).toMatch(/^title: /);
    expect(thrown(() => parseLiveBody(openLiveGameSchema, { kind: 'c', title: 't', participants: Array(17).fill('p') }), LiveRequestError).message).toMatch(/^participants: /);
    expect(thrown(() => parseLiveBody(openLiveGameSchema, undefined), LiveRequestError).message).toMatch(/^body: /);
  });
});

describe('newLiveGame', () => {
  test('is live, empty, started now, its recording key the chunk prefix', () => {
    expect(game()).toMatchObject({ gameId: 'g', liveStatus: 'live', frameCount: 0, durationMs: 0, startedAt: T0, createdAt: T0, chunks: [], recordingKey: 'live/g/' });
  });
});

describe('planAppend', () => {
  test('seqs continue from frameCount in body order; t as given; one chunk', () => {
    const g = game({ frameCount: 7, durationMs: 100, chunks: [{ seq: 0, t: 0, count: 7, key: 'k0', keys: ['x'] }] });
    const plan = planAppend(g, [ev('a', 100, { r: 1 }), ev('b', 150), ev('c', 150)], T0, chunkKey);
    expect(plan.frames).toEqual([
      { seq: 7, t: 100, type: 'ball', data: { r: 1 } },
      { seq: 8, t: 150, type: 'ball', data: null },
      { seq: 9, t: 150, type: 'ball', data: null },
    ]);
    expect(plan.accepted).toEqual([
      { key: 'a', seq: 7 },
      { key: 'b', seq: 8 },
      { key: 'c', seq: 9 },
    ]);
    expect(plan.duplicates).toEqual([]);
    expect(plan.chunk).toEqual({ seq: 7, t: 100, count: 3, key: 'live/g/7.jsonl', keys: ['a', 'b', 'c'].map(keyDigest) });
    expect(plan).toMatchObject({ frameCount: 10, durationMs: 150, forgetKeysOf: [] });
  });

  test('without t: now − startedAt, never before the previous t', () => {
    const g = game({ frameCount: 1, durationMs: 5000, chunks: [{ seq: 0, t: 5000, count: 1, key: 'k0', keys: ['x'] }] });
    expect(planAppend(g, [ev('a')], T0 + 8000, chunkKey).frames[0]!.t).toBe(8000);
    // The clock says 3 s, but the previous event was at 5 s: clamped.
    expect(planAppend(g, [ev('a')], T0 + 3000, chunkKey).frames[0]!.t).toBe(5000);
    // A clock before the start (skew) is clamped too.
    expect(planAppend(game(), [ev('a')], T0 - 1000, chunkKey).frames[0]!.t).toBe(0);
    // Mixed: a given t moves the floor for the ones without.
    const mixed = planAppend(game(), [ev('a', 9000), ev('b'), ev('c', 9500)], T0 + 2000, chunkKey);
    expect(mixed.frames.map((f) => f.t)).toEqual([9000, 9000, 9500]);
  });

  test('falls back to createdAt when startedAt is absent', () => {
    const g = game({ startedAt: undefined, createdAt: T0 + 1000 });
    expect(planAppend(g, [ev('a')], T0 + 4000, chunkKey).frames[0]!.t).toBe(3000);
  });

  test('a t going back is bad_request naming the event, against the game or the batch', () => {
    const g = game({ frameCount: 1, durationMs: 500, chunks: [{ seq: 0, t: 500, count: 1, key: 'k0', keys: ['x'] }] });
    const before = thrown(() => planAppend(g, [ev('a', 499)], T0, chunkKey), LiveRequestError);
    expect(before.code).toBe('bad_request');
    expect(before.message).toBe("events[0].t: 499 ms is before the previous event's t (500 ms)");
    const within = thrown(() => planAppend(g, [ev('a', 600), ev('b', 700), ev('c', 650)], T0, chunkKey), LiveRequestError);
    expect(within.message).toBe("events[2].t: 650 ms is before the previous event's t (700 ms)");
    // Equal t is fine.
    expect(planAppend(g, [ev('a', 500)], T0, chunkKey).frames[0]!.t).toBe(500);
  });

  test('duplicates: a remembered key gets its first seq; nothing is appended for it', () => {
    const g = withChunks([3]); // keys c0-0 … c0-2 at seqs 0 … 2
    const plan = planAppend(g, [ev('c0-1', 20), ev('new', 30), ev('c0-2', 5)], T0, chunkKey);
    expect(plan.duplicates).toEqual([
      { key: 'c0-1', seq: 1 },
      { key: 'c0-2', seq: 2 },
    ]);
    expect(plan.accepted).toEqual([{ key: 'new', seq: 3 }]);
    // A duplicate's t is not checked (it is not appended): 5 < 30 does not refuse.
    expect(plan.frames.map((f) => f.seq)).toEqual([3]);
    expect(plan.chunk).toMatchObject({ seq: 3, count: 1, keys: [keyDigest('new')] });
  });

  test('duplicates within one batch: the first occurrence wins', () => {
    const plan = planAppend(game(), [ev('a', 1), ev('b', 2), ev('a', 3)], T0, chunkKey);
    expect(plan.accepted).toEqual([
      { key: 'a', seq: 0 },
      { key: 'b', seq: 1 },
    ]);
    expect(plan.duplicates).toEqual([{ key: 'a', seq: 0 }]);
    expect(plan.frameCount).toBe(2);
  });

  test('all duplicates: no chunk, the game unchanged (even a full game)', () => {
    const g = withChunks([2]);
    const plan = planAppend(g, [ev('c0-0'), ev('c0-1')], T0, chunkKey);
    expect(plan).toEqual({ frames: [], accepted: [], duplicates: [{ key: 'c0-0', seq: 0 }, { key: 'c0-1', seq: 1 }], frameCount: 2, durationMs: g.durationMs, forgetKeysOf: [] });
    const full = { ...g, chunks: [...g.chunks!, ...Array.from({ length: MAX_LIVE_CHUNKS }, (_, i) => ({ seq: 2 + i, t: 10, count: 1, key: `k${i}` }))] };
    expect(planAppend(full, [ev('c0-0')], T0, chunkKey).chunk).toBeUndefined();
  });

  test('conflict when the game is finished or recorded', () => {
    const finished = thrown(() => planAppend(game({ liveStatus: 'finished' }), [ev('a')], T0, chunkKey), LiveRequestError);
    expect(finished.code).toBe('conflict');
    expect(finished.message).toMatch(/is finished/);
    const recorded = thrown(() => planAppend(game({ liveStatus: undefined }), [ev('a')], T0, chunkKey), LiveRequestError);
    expect(recorded.code).toBe('conflict');
    expect(recorded.message).toMatch(/recorded game/);
  });

  test(`conflict at ${MAX_LIVE_CHUNKS} chunks; one fewer still appends`, () => {
    const chunks = (n: number): LiveChunk[] => Array.from({ length: n }, (_, i) => ({ seq: i, t: i, count: 1, key: `k${i}` }));
    const almost = game({ chunks: chunks(MAX_LIVE_CHUNKS - 1), frameCount: MAX_LIVE_CHUNKS - 1, durationMs: MAX_LIVE_CHUNKS - 2 });
    expect(planAppend(almost, [ev('a')], T0, chunkKey).chunk?.seq).toBe(MAX_LIVE_CHUNKS - 1);
    const full = game({ chunks: chunks(MAX_LIVE_CHUNKS), frameCount: MAX_LIVE_CHUNKS, durationMs: MAX_LIVE_CHUNKS - 1 });
    const e = thrown(() => planAppend(full, [ev('a')], T0, chunkKey), LiveRequestError);
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(new RegExp(`has ${MAX_LIVE_CHUNKS} batches, the most one live game may have; nothing of this batch was stored: finish this game`));
  });

  describe(`the key window (${KEY_WINDOW} keys)`, () => {
    test('keys of the newest chunks are kept while they fit', () => {
      const g = withChunks([500, 500, 500]);
      expect(planAppend(g, [ev('new', 1_000_000)], T0, chunkKey).forgetKeysOf).toEqual([]);
      // 500 × 3 + 499 + 1 = 2000: still fits exactly.
      const g2 = withChunks([500, 500, 500, 499]);
      expect(planAppend(g2, [ev('new', 1_000_000)], T0, chunkKey).forgetKeysOf).toEqual([]);
    });

    test('the oldest chunks are forgotten once the window overflows', () => {
      const g = withChunks([500, 500, 500, 500]);
      const plan = planAppend(g, [ev('new', 1_000_000)], T0, chunkKey);
      expect(plan.forgetKeysOf).toEqual([0]);
    });

    test('no holes: once a chunk is forgotten, every older one is too', () => {
      // Newest first: 110 (this batch) + 1400 + 480 = 1990 fit; the 20 of chunk 1 do not, so
      // chunk 0's 5 go too although they alone would fit.
      const g = withChunks([5, 20, 480, 1400]);
      expect(g.chunks!.map((c) => c.keys?.length)).toEqual([5, 20, 480, 1400]);
      expect(planAppend(g, Array.from({ length: 110 }, (_, i) => ev(`n${i}`, 1_000_000)), T0, chunkKey).forgetKeysOf).toEqual([1, 0]);
    });

    test(`a key is remembered as its digest: ${KEY_DIGEST_CHARS} characters whatever its length, never a key itself; whole keys of older rows still match`, () => {
      const long = 'k'.repeat(128);
      expect(keyDigest(long)).toHaveLength(KEY_DIGEST_CHARS);
      expect(keyDigest('a')).toMatch(/^#[A-Za-z0-9_-]{16}$/);
      expect(keyDigest('a')).not.toBe(keyDigest('b'));
      expect(() => parseLiveBody(liveBatchSchema, { key: keyDigest('a'), type: 'x' })).toThrow(LiveRequestError); // '#' is no key character
      expect(planAppend(game(), [ev(long, 0)], T0, chunkKey).chunk!.keys).toEqual([keyDigest(long)]);
      // A row whose chunks hold whole keys (written before digests): a retry is still a duplicate.
      const old = game({ frameCount: 2, durationMs: 10, chunks: [{ seq: 0, t: 0, count: 2, key: 'k0', keys: ['x', 'y'] }] });
      const plan = planAppend(old, [ev('y', 10), ev('z', 10)], T0, chunkKey);
      expect(plan.duplicates).toEqual([{ key: 'y', seq: 1 }]);
      expect(plan.accepted).toEqual([{ key: 'z', seq: 2 }]);
    });

    test('the plan carries the whole chunk list after the append: forgotten keys dropped (absent, not undefined), the new chunk last', () => {
      const g = withChunks([500, 500, 500, 500]);
      const plan = planAppend(g, [ev('new', 1_000_000)], T0, chunkKey);
      expect(plan.chunks!.map((c) => c.keys?.length ?? 0)).toEqual([0, 500, 500, 500, 1]);
      expect('keys' in plan.chunks![0]!).toBe(false);
      expect(plan.chunks!.at(-1)).toEqual(plan.chunk);
      expect(plan.chunks!.slice(1, 4)).toEqual(g.chunks!.slice(1, 4));
      expect(g.chunks![0]!.keys).toHaveLength(500); // the game is not changed
    });

    test('a forgotten key is appended again (a retry that late is no longer recognised)', () => {
      const g = withChunks([1000, 1000, 1]); // the 1 key of chunk 2 pushes chunk 0's out
      expect(g.chunks!.map((c) => c.keys?.length ?? 0)).toEqual([0, 1000, 1]);
      const plan = planAppend(g, [ev('c0-0', 1_000_000), ev('c1-0', 1_000_000)], T0, chunkKey);
      expect(plan.accepted).toEqual([{ key: 'c0-0', seq: 2001 }]);
      expect(plan.duplicates).toEqual([{ key: 'c1-0', seq: 1000 }]);
    });
  });
});

describe('chunksFor', () => {
  // Chunks of 3, 1, 4 and 2 frames: seqs 0-2, 3, 4-7, 8-9.
  const chunks: LiveChunk[] = [
    { seq: 0, t: 0, count: 3, key: 'a' },
    { seq: 3, t: 10, count: 1, key: 'b' },
    { seq: 4, t: 20, count: 4, key: 'c' },
    { seq: 8, t: 30, count: 2, key: 'd' },
  ];
  const keys = (from: number, to: number, max?: number) => chunksFor(chunks, from, to, max).map((c) => c.key).join('');

  test.each<[number, number, string]>([
    [0, 10, 'abcd'],
    [0, 1, 'a'],
    [2, 3, 'a'], // the last seq of a chunk
    [2, 4, 'ab'],
    [3, 4, 'b'], // a one-frame chunk
    [3, 5, 'bc'],
    [4, 5, 'c'], // the first seq of a chunk
    [7, 8, 'c'],
    [7, 9, 'cd'],
    [9, 10, 'd'],
    [9, 100, 'd'], // past the end
    [10, 20, ''], // nothing that late
    [5, 5, ''], // empty range
    [6, 2, ''], // reversed range
  ])('[%i, %i) → %s', (from, to, want) => {
    expect(keys(from, to)).toBe(want);
  });

  test('at most maxChunks', () => {
    expect(keys(0, 10, 2)).toBe('ab');
    expect(keys(4, 10, 1)).toBe('c');
  });

  test('no chunks, one chunk', () => {
    expect(chunksFor([], 0, 10)).toEqual([]);
    expect(chunksFor([chunks[0]!], 1, 2)).toEqual([chunks[0]]);
    expect(chunksFor([chunks[0]!], 3, 4)).toEqual([]);
  });

  test('agrees with a linear scan for every range of a long list', () => {
    const long: LiveChunk[] = [];
    for (let seq = 0, i = 0; i < 60; i++) {
      const count = 1 + ((i * 7) % 5);
      long.push({ seq, t: seq, count, key: `k${i}` });
      seq += count;
    }
    const total = long.at(-1)!.seq + long.at(-1)!.count;
    for (let from = 0; from <= total + 1; from++) {
      for (const to of [from + 1, from + 3, from + 17, total + 5]) {
        const want = long.filter((c) => c.seq + c.count > from && c.seq < to);
        expect(chunksFor(long, from, to)).toEqual(want);
      }
    }
  });
});

describe('chunkAtOrBefore', () => {
  const chunks: LiveChunk[] = [
    { seq: 0, t: 0, count: 3, key: 'a' },
    { seq: 3, t: 100, count: 2, key: 'b' },
    { seq: 5, t: 100, count: 2, key: 'c' },
    { seq: 7, t: 300, count: 1, key: 'd' },
  ];
  test.each<[number, string]>([
    [0, 'a'], // media 0: the first chunk
    [50, 'a'],
    [100, 'a'], // chunk a's frames may reach t = 100, b starts at it: read from a
    [101, 'c'], // the last chunk starting before 101
    [299, 'c'],
    [300, 'c'],
    [301, 'd'],
    [10_000, 'd'],
  ])('%i ms → %s', (toMs, want) => {
    expect(chunkAtOrBefore(chunks, toMs)?.key).toBe(want);
  });

  test('a first chunk starting late is still where a seek starts; none: undefined', () => {
    expect(chunkAtOrBefore([{ seq: 0, t: 500, count: 1, key: 'x' }], 10)?.key).toBe('x');
    expect(chunkAtOrBefore([], 10)).toBeUndefined();
  });

  test('the chunk holds the first frame with t ≥ toMs, or one before it', () => {
    // Frames t: a = [0, 50, 100], b = [100, 100], c = [100, 200], d = [300].
    const frames = [0, 50, 100, 100, 100, 100, 200, 300];
    for (const toMs of [0, 1, 50, 99, 100, 101, 200, 250, 300]) {
      const first = frames.findIndex((t) => t >= toMs);
      const c = chunkAtOrBefore(chunks, toMs)!;
      expect(c.seq).toBeLessThanOrEqual(first);
    }
  });
});

describe('serializeChunk', () => {
  test('round-trips through protocol/recording.ts parseFrameLines', () => {
    const plan = planAppend(game({ frameCount: 40, durationMs: 10 }), [ev('a', 10, { runs: 4, who: 'Đoković ☃' }), ev('b', 20), ev('c', 20, [1, null, 'x'])], T0, chunkKey);
    const text = serializeChunk(plan.frames);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(4);
    expect(parseFrameLines(text, 0)).toEqual(plan.frames);
    expect(parseFrameLines(text, 41).map((f) => f.seq)).toEqual([41, 42]);
  });

  test('a frame line carries exactly seq, t, type and data', () => {
    expect(serializeChunk([{ seq: 0, t: 5, type: 'x', data: null }])).toBe('{"seq":0,"t":5,"type":"x","data":null}\n');
  });
});

describe('ownership', () => {
  const owned = game({ userId: 'alice' });
  test('the publisher who opened a game, or an operator, may act on it; another publisher is forbidden in plain words', () => {
    expect(newLiveGame('g', { kind: 'cricket', title: 'A v B', participants: [] }, T0, 'alice').userId).toBe('alice');
    expect(() => assertMayPublish(owned, { userId: 'alice', operator: false })).not.toThrow();
    expect(() => assertMayPublish(owned, { userId: 'olga', operator: true })).not.toThrow();
    const e = thrown(() => assertMayPublish(owned, { userId: 'bob', operator: false }), LiveRequestError);
    expect(e.code).toBe('forbidden');
    expect(e.message).toBe('live game "g" belongs to the publisher who opened it: only they or an operator may change it; publish your own game under another gameId');
  });

  test('a game with no recorded owner, or an in-process caller: no check', () => {
    expect(() => assertMayPublish(game(), { userId: 'bob', operator: false })).not.toThrow();
    expect(() => assertMayPublish(owned, undefined)).not.toThrow();
  });
});

describe(`the Games row of a live game fits DynamoDB's item limit (${DYNAMODB_ITEM_LIMIT_BYTES} bytes) at ${MAX_LIVE_CHUNKS} batches`, () => {
  test('dynamoItemBytes follows the Developer Guide rules on small items', () => {
    // name + UTF-8 bytes; numbers 2 + ⌈digits ÷ 2⌉ (an upper bound); list/map 3 + 1 per element.
    expect(dynamoItemBytes({ a: 'xyz' })).toBe(4);
    expect(dynamoItemBytes({ a: '\u20ac' })).toBe(4);
    expect(dynamoItemBytes({ n: 123 })).toBe(1 + 2 + 2);
    expect(dynamoItemBytes({ n: 1500 })).toBe(1 + 2 + 1); // trailing zeros trimmed
    expect(dynamoItemBytes({ b: true, z: null })).toBe(4);
    expect(dynamoItemBytes({ l: ['ab', 'c'] })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(dynamoItemBytes({ m: { ab: 'c' }, u: undefined })).toBe(1 + 3 + 1 + 3);
  });

  test('at least what DynamoDB Local\'s rules count (dynalite, the local stand-in) for the worst-case row', () => {
    // dynalite counts characters, not UTF-8 bytes: an ASCII row, where the two agree.
    const ascii = { ...worstCaseLiveRow(MAX_LIVE_CHUNKS), title: 't'.repeat(200) };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dynalite = require('dynalite/db/index.js') as { itemSize(item: unknown): number };
    const theirs = dynalite.itemSize(marshall(ascii, { removeUndefinedValues: true }));
    const ours = dynamoItemBytes(ascii as unknown as Record<string, unknown>);
    expect(ours).toBeGreaterThanOrEqual(theirs);
    expect(ours - theirs).toBeLessThan(ours * 0.03); // and close: the bound is not loose
  });

  test('the worst-case row (longest ids, keys, title and participants) at the cap fits; the old promise of 4,000 batches did not', () => {
    const worst = worstCaseLiveRow(MAX_LIVE_CHUNKS);
    expect(worst.gameId).toHaveLength(128);
    expect(worst.chunks).toHaveLength(MAX_LIVE_CHUNKS);
    expect(worst.chunks!.reduce((n, c) => n + (c.keys?.length ?? 0), 0)).toBe(KEY_WINDOW);
    expect(worst.chunks!.every((c) => c.key.length === worst.chunks![0]!.key.length && c.key.length >= 159)).toBe(true);
    const bytes = dynamoItemBytes(worst as unknown as Record<string, unknown>);
    expect(bytes).toBeLessThanOrEqual(DYNAMODB_ITEM_LIMIT_BYTES);
    // Not far below it either (the cap is the limit's, with room for a few more attributes).
    expect(bytes).toBeGreaterThan(DYNAMODB_ITEM_LIMIT_BYTES * 0.9);
    expect(dynamoItemBytes(worstCaseLiveRow(4000) as unknown as Record<string, unknown>)).toBeGreaterThan(DYNAMODB_ITEM_LIMIT_BYTES);
  });
});
