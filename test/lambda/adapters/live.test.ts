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

const { fake } = useLocalAwsWithConnections({ s3: true });

/** The HTTP API function's dependencies, built once the environment is set (first use). */
let deps: HttpApiDeps | undefined;
const ports = (): HttpApiDeps => (deps ??= httpApiDeps(process.env));
const openLiveGame = (gameId: string, open: OpenLiveGame, now = Date.now()): Promise<{ created: boolean; game: GameRow }> => live.openLiveGame(ports(), gameId, open, now);
const appendLiveEvents = (gameId: string, events: readonly LiveEvent[], now = Date.now()): Promise<AppendAnswer> => live.appendLiveEvents(ports(), gameId, events, now);
const finishLive = (gameId: string): Promise<GameRow> => live.finishLive(ports(), gameId);
const open = { kind: 'cricket', title: 'Nets', participants: [] };

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
      { seq: 0, t: 0, count: 2, keys: ['a', 'b'] },
      { seq: 2, t: 8_000, count: 1, keys: ['c'] },
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
});
