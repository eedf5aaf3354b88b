/**
 * Live games (application/live.ts) on the HTTP API function's adapters, as its composition
 * root builds them (handlers/http-api.ts `fromEnvironment`), against the local stand-ins
 * (dynalite, s3rver, a fake `@connections`): opening, appending (chunk objects + the `Games`
 * row as the index), delivery to the live stream's connections, reading back and seeking,
 * finishing — and the index function's refusal to overwrite a live game with an upload.
 */
import { useLocalAwsWithConnections } from '../../support/aws-local';
import { attachConnection, getGame, getStream, putConnection, putGame } from './env-adapters';
import { edgeStreamId } from '../../../lambda/application/edge-stream';
import { liveSeqAtOrAfter, readLiveFrames } from '../../../lambda/application/frames';
import { indexRecording as indexWith } from '../../../lambda/application/index-recording';
import * as live from '../../../lambda/application/live';
import type { AppendAnswer, LiveEvent, OpenLiveGame } from '../../../protocol/http-api';
import { LiveRequestError } from '../../../protocol/http-api';
import type { GameRow } from '../../../contract/rows';
import { serializeRecording } from '../../../protocol/recording';
import { fromEnvironment as httpApiDeps, type HttpApiDeps } from '../../../lambda/handlers/http-api';
import { fromEnvironment as indexDeps } from '../../../lambda/handlers/index-recording';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { keyDigest, KEY_WINDOW, MAX_LIVE_CHUNKS, worstCaseLiveRow } from '../../../lambda/core/live';
import { MAX_EVENTS_PER_BATCH } from '../../../protocol/http-api';

const { aws, fake } = useLocalAwsWithConnections({ s3: true });

/** The HTTP API function's dependencies, built once the environment is set (first use). */
let deps: HttpApiDeps | undefined;
const ports = (): HttpApiDeps => (deps ??= httpApiDeps(process.env));
const openLiveGame = (gameId: string, open: OpenLiveGame, now = Date.now()): Promise<{ created: boolean; game: GameRow }> => live.openLiveGame(ports(), gameId, open, now);
const appendLiveEvents = (gameId: string, events: readonly LiveEvent[], now = Date.now()): Promise<AppendAnswer> => live.appendLiveEvents(ports(), gameId, events, now);
const finishLive = (gameId: string): Promise<GameRow> => live.finishLive(ports(), gameId);
const open = { kind: 'cricket', title: 'Nets', participants: [] };

/** Every chunk object key (`*.jsonl`; not the game's keyframes object) under `prefix` in the local bucket (s3rver, path-style). */
async function objectKeys(prefix: string): Promise<string[]> {
  const s3 = new S3Client({ forcePathStyle: true, region: process.env.AWS_REGION ?? 'us-east-1' });
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: aws().bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of out.Contents ?? []) if (o.Key!.endsWith('.jsonl')) keys.push(o.Key!);
      token = out.NextContinuationToken;
    } while (token);
    return keys.sort();
  } finally {
    s3.destroy();
  }
}

describe('live games', () => {
  it('open → append → read back: chunks in S3, the Games row indexes them, seqs and t as planned', async () => {
    expect((await openLiveGame('g1', open, 1_000)).created).toBe(true);
    expect((await openLiveGame('g1', open, 2_000)).created).toBe(false);
    const a = await appendLiveEvents('g1', [{ key: 'a', type: 'ball', t: 0 }, { key: 'b', type: 'ball', t: 500, data: { runs: 4 } }], 3_000);
    expect(a).toEqual({ gameId: 'g1', accepted: [{ key: 'a', seq: 0 }, { key: 'b', seq: 1 }], duplicates: [], frameCount: 2, durationMs: 500 });
    // Without t: now − startedAt (1,000), never before the previous t.
    const b = await appendLiveEvents('g1', [{ key: 'c', type: 'ball' }], 9_000);
    expect(b.accepted).toEqual([{ key: 'c', seq: 2 }]);
    const game = (await getGame('g1', { consistent: true }))!;
    expect(game).toMatchObject({ liveStatus: 'live', frameCount: 3, durationMs: 8_000, startedAt: 1_000 });
    expect(game.chunks!.map((c) => ({ seq: c.seq, t: c.t, count: c.count, keys: c.keys }))).toEqual([
      { seq: 0, t: 0, count: 2, keys: ['a', 'b'].map(keyDigest) },
      { seq: 2, t: 8_000, count: 1, keys: [keyDigest('c')] },
    ]);
    expect(await ports().recordings.readText(game.chunks![0]!.key)).toBe('{"seq":0,"t":0,"type":"ball","data":null}\n{"seq":1,"t":500,"type":"ball","data":{"runs":4}}\n');
    expect((await readLiveFrames(ports().recordings, game.chunks!, 1, 3)).map((f) => [f.seq, f.t])).toEqual([[1, 500], [2, 8_000]]);
    expect(await liveSeqAtOrAfter(ports().recordings, game, 400)).toBe(1);
    expect(await liveSeqAtOrAfter(ports().recordings, game, 8_001)).toBe(3);
  });

  it('delivers each append at once to the live stream, in seq order, and a retry appends nothing', async () => {
    await openLiveGame('g2', open, Date.now());
    await putConnection({ connectionId: 'c1', userId: 'u1', displayName: 'u1', connectedAt: 0, lastSeenAt: 0, expiresAt: 2e9 });
    await attachConnection('c1', edgeStreamId('g2'), 'spectator');
    await appendLiveEvents('g2', [{ key: 'x', type: 'ball' }, { key: 'y', type: 'ball' }]);
    const retry = await appendLiveEvents('g2', [{ key: 'y', type: 'ball' }, { key: 'z', type: 'ball' }]);
    expect(retry).toMatchObject({ accepted: [{ key: 'z', seq: 2 }], duplicates: [{ key: 'y', seq: 1 }] });
    const got = fake().received('c1').map((m) => JSON.parse(m) as { type: string; frames?: Array<{ seq: number }> });
    expect(got.filter((m) => m.type === 'frames').map((m) => m.frames!.map((f) => f.seq))).toEqual([[0, 1], [2]]);
    expect(await getStream(edgeStreamId('g2'), { consistent: true })).toMatchObject({ livePlayback: 'edge', status: 'playing', positionSeq: 3, frameCount: 3, framesSent: 3 });
  });

  it('refuses what it must: an unknown game, a recorded game, a finished game — and changes nothing', async () => {
    await expect(appendLiveEvents('nope', [{ key: 'a', type: 'x' }])).rejects.toMatchObject({ code: 'not_found' });
    await putGame({ gameId: 'rec', title: 'Recorded', kind: 'tennis', recordingKey: 'recordings/rec.jsonl', indexKey: 'recordings/rec.idx.json', durationMs: 1, frameCount: 1, participants: [], createdAt: 0 });
    await expect(openLiveGame('rec', open)).rejects.toBeInstanceOf(LiveRequestError);
    await expect(appendLiveEvents('rec', [{ key: 'a', type: 'x' }])).rejects.toMatchObject({ code: 'conflict' });
    await openLiveGame('g3', open);
    await appendLiveEvents('g3', [{ key: 'a', type: 'x' }]);
    expect(await finishLive('g3')).toMatchObject({ liveStatus: 'finished', frameCount: 1 });
    await expect(appendLiveEvents('g3', [{ key: 'b', type: 'x' }])).rejects.toMatchObject({ code: 'conflict' });
    expect((await getGame('g3', { consistent: true }))!.frameCount).toBe(1);
    expect(await getStream(edgeStreamId('g3'), { consistent: true })).toMatchObject({ status: 'ended', endedReason: 'finished' });
  });

  it('the index function refuses an upload named like a live game, leaving the live game whole', async () => {
    await openLiveGame('g4', open);
    await appendLiveEvents('g4', [{ key: 'a', type: 'x' }]);
    const text = serializeRecording(
      { format: 'matchcast/1', gameId: 'g4', kind: 'cricket', title: 'Impostor', participants: [], durationMs: 0, frameCount: 1, meta: {} },
      [{ seq: 0, t: 0, type: 'x', data: null }],
    );
    await ports().recordings.put('recordings/g4.jsonl', text, 'application/x-ndjson');
    await expect(indexWith(indexDeps(process.env), 'recordings/g4.jsonl')).rejects.toThrow(/"g4" is a live game/);
    expect(await getGame('g4', { consistent: true })).toMatchObject({ liveStatus: 'live', title: 'Nets', frameCount: 1 });
  });

  it(`keeps accepting batches once more than ${KEY_WINDOW} keys were seen (the oldest keys are forgotten), leaving no orphan chunk object`, async () => {
    await openLiveGame('g5', open);
    const batch = (b: number): LiveEvent[] => Array.from({ length: MAX_EVENTS_PER_BATCH }, (_, i) => ({ key: `batch-${b}-event-${i}`, type: 'ball', t: b * 1000 + i }));
    for (let b = 0; b < 5; b++) {
      const out = await appendLiveEvents('g5', batch(b));
      expect({ b, accepted: out.accepted.length, frameCount: out.frameCount }).toEqual({ b, accepted: MAX_EVENTS_PER_BATCH, frameCount: (b + 1) * MAX_EVENTS_PER_BATCH });
    }
    const game = (await getGame('g5', { consistent: true }))!;
    // The newest KEY_WINDOW keys are remembered; the first batch's were forgotten.
    expect(game.chunks!.map((c) => c.keys?.length ?? 0)).toEqual([0, 500, 500, 500, 500]);
    const retry = await appendLiveEvents('g5', batch(4).slice(0, 2));
    expect(retry).toMatchObject({ accepted: [], duplicates: [{ key: 'batch-4-event-0', seq: 2000 }, { key: 'batch-4-event-1', seq: 2001 }], frameCount: 2500 });
    expect(await objectKeys('live/g5/')).toEqual(game.chunks!.map((c) => c.key).sort());
    expect((await readLiveFrames(ports().recordings, game.chunks!, 0, 2500)).map((f) => f.seq)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
  });

  it('a commit that fails deletes the chunk object it wrote: no orphan in S3, the row unchanged', async () => {
    await openLiveGame('g6', open);
    await appendLiveEvents('g6', [{ key: 'a', type: 'x' }]);
    const failing: HttpApiDeps = { ...ports(), games: Object.assign(Object.create(ports().games) as HttpApiDeps['games'], { commitLiveAppend: () => Promise.reject(new Error('ValidationException: the update is refused')) }) };
    await expect(live.appendLiveEvents(failing, 'g6', [{ key: 'b', type: 'x' }])).rejects.toThrow(/refused/);
    const game = (await getGame('g6', { consistent: true }))!;
    expect(game.frameCount).toBe(1);
    expect(await objectKeys('live/g6/')).toEqual([game.chunks![0]!.key]);
  });

  it(`the worst-case row (longest gameId, keys, title, participants) takes its ${MAX_LIVE_CHUNKS}th batch — DynamoDB's item limit holds — and then refuses the next in plain words`, async () => {
    const worst = worstCaseLiveRow(MAX_LIVE_CHUNKS - 1);
    const gameId = worst.gameId;
    const row = { ...worst, frameCount: 1_000, durationMs: 1_000 };
    expect(await putGame(row)).toBe(true); // a new row: no live game has its id yet
    const out = await appendLiveEvents(gameId, [{ key: 'z'.repeat(128), type: 'ball', t: 2_000 }]);
    expect(out).toMatchObject({ accepted: [{ key: 'z'.repeat(128), seq: 1_000 }], frameCount: 1_001 });
    const game = (await getGame(gameId, { consistent: true }))!;
    expect(game.chunks).toHaveLength(MAX_LIVE_CHUNKS);
    expect(game.chunks!.at(-1)!.key.length).toBeLessThanOrEqual(worst.chunks![0]!.key.length);
    const refused = await appendLiveEvents(gameId, [{ key: 'one-more', type: 'ball' }]).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'conflict', message: expect.stringMatching(new RegExp(`has ${MAX_LIVE_CHUNKS} batches, the most one live game may have; nothing of this batch was stored: finish this game and publish the rest as a new one`)) });
    expect((await getGame(gameId, { consistent: true }))!.frameCount).toBe(1_001);
    expect(await finishLive(gameId)).toMatchObject({ liveStatus: 'finished', frameCount: 1_001 });
  });

  it('a game at its batch cap (lowered to 3 here) refuses the next batch, keeps every event, still plays and finishes', async () => {
    const capped: HttpApiDeps = { ...ports(), maxLiveChunks: 3 };
    await live.openLiveGame(capped, 'g7', open);
    await putConnection({ connectionId: 'c7', userId: 'u7', displayName: 'u7', connectedAt: 0, lastSeenAt: 0, expiresAt: 2e9 });
    await attachConnection('c7', edgeStreamId('g7'), 'spectator');
    for (let b = 0; b < 3; b++) await live.appendLiveEvents(capped, 'g7', [{ key: `e${2 * b}`, type: 'ball', t: 100 * b }, { key: `e${2 * b + 1}`, type: 'ball', t: 100 * b + 50 }]);
    const before = (await getGame('g7', { consistent: true }))!;
    const refused = await live.appendLiveEvents(capped, 'g7', [{ key: 'e6', type: 'ball' }]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LiveRequestError);
    expect(refused).toMatchObject({ code: 'conflict', message: 'game "g7" has 3 batches, the most one live game may have; nothing of this batch was stored: finish this game and publish the rest as a new one (another gameId)' });
    // Nothing changed, nothing orphaned; a retry of events it has is still answered.
    expect(await getGame('g7', { consistent: true })).toEqual(before);
    expect(await objectKeys('live/g7/')).toEqual(before.chunks!.map((c) => c.key).sort());
    expect(await live.appendLiveEvents(capped, 'g7', [{ key: 'e5', type: 'ball' }])).toMatchObject({ accepted: [], duplicates: [{ key: 'e5', seq: 5 }], frameCount: 6 });
    // It still plays: the live stream had every frame, a replay reads them all; and it finishes.
    const frames = fake().received('c7').map((m) => JSON.parse(m) as { type: string; frames?: Array<{ seq: number }> }).filter((m) => m.type === 'frames');
    expect(frames.flatMap((m) => m.frames!.map((f) => f.seq))).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await readLiveFrames(ports().recordings, before.chunks!, 0, 6)).map((f) => f.t)).toEqual([0, 50, 100, 150, 200, 250]);
    expect(await live.finishLive(capped, 'g7')).toMatchObject({ liveStatus: 'finished', frameCount: 6, durationMs: 250 });
    expect(await getStream(edgeStreamId('g7'), { consistent: true })).toMatchObject({ status: 'ended', endedReason: 'finished' });
  });
});
