/** Live games on the fakes: open, append (chunks, index, delivery to the live stream), a lost commit race, finish. */
import { appendLiveEvents, finishLive, openLiveGame, type LivePorts } from '../../../lambda/application/live';
import { edgeStreamId } from '../../../lambda/application/edge-stream';
import { FakeBroadcaster, FakeWorkflow, InMemoryGameCatalog, InMemoryRecordingStore, InMemoryStreamStore, ManualTime, RecordingMetrics } from '../fakes';

const open = { kind: 'cricket', title: 'Nets', participants: [] };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The chunk objects stored (not the game's keyframes object, `live/{gameId}/keyframes.kf.json`). */
const chunkObjects = (recordings: InMemoryRecordingStore) => [...recordings.objects.keys()].filter((k) => k.endsWith('.jsonl'));

function setup() {
  const games = new InMemoryGameCatalog();
  const streams = new InMemoryStreamStore();
  const recordings = new InMemoryRecordingStore();
  const broadcaster = new FakeBroadcaster();
  const ports: LivePorts = { games, streams, recordings, broadcaster, workflow: new FakeWorkflow(), time: new ManualTime(1_000), log: quiet };
  return { ports, games, streams, recordings, broadcaster };
}

describe('live games', () => {
  it('opens once (idempotent) with its live stream; appends become chunks indexed by the row and are fanned out at once', async () => {
    const { ports, games, streams, recordings, broadcaster } = setup();
    expect((await openLiveGame(ports, 'g1', open)).created).toBe(true);
    expect((await openLiveGame(ports, 'g1', open)).created).toBe(false);
    const edge = streams.rows.get(edgeStreamId('g1'));
    expect(edge).toMatchObject({ livePlayback: 'edge', status: 'playing' });
    const a = await appendLiveEvents(ports, 'g1', [{ key: 'a', type: 'ball', t: 0 }, { key: 'b', type: 'ball', t: 500 }]);
    expect(a).toEqual({ gameId: 'g1', accepted: [{ key: 'a', seq: 0 }, { key: 'b', seq: 1 }], duplicates: [], frameCount: 2, durationMs: 500 });
    const retry = await appendLiveEvents(ports, 'g1', [{ key: 'b', type: 'ball', t: 500 }]);
    expect(retry).toMatchObject({ accepted: [], frameCount: 2 });
    const row = games.rows.get('g1')!;
    expect(row.chunks!.map((c) => c.seq)).toEqual([0]);
    expect(recordings.objects.has(row.chunks![0]!.key)).toBe(true);
    expect(broadcaster.sentTo(edgeStreamId('g1')).filter((m) => m.type === 'frames')).toHaveLength(1);
    expect(streams.rows.get(edgeStreamId('g1'))!.positionSeq).toBe(2);
  });

  it('re-plans after a lost commit race, deleting the orphan chunk', async () => {
    const { ports, games, recordings } = setup();
    await openLiveGame(ports, 'g2', open);
    let lost = false;
    const commit = games.commitLiveAppend.bind(games);
    games.commitLiveAppend = async (...args) => {
      if (!lost) {
        lost = true;
        return false;
      }
      return commit(...args);
    };
    const out = await appendLiveEvents(ports, 'g2', [{ key: 'x', type: 'ball' }]);
    expect(out.accepted).toEqual([{ key: 'x', seq: 0 }]);
    expect(chunkObjects(recordings)).toEqual([games.rows.get('g2')!.chunks![0]!.key]);
  });

  it('a commit that throws deletes its chunk object and reports the failure; nothing is appended', async () => {
    const { ports, games, recordings } = setup();
    await openLiveGame(ports, 'g4', open);
    games.commitLiveAppend = () => Promise.reject(new Error('ValidationException'));
    await expect(appendLiveEvents(ports, 'g4', [{ key: 'x', type: 'ball' }])).rejects.toThrow('ValidationException');
    expect(recordings.objects.size).toBe(0);
    expect(games.rows.get('g4')).toMatchObject({ frameCount: 0, chunks: [] });
  });

  it('a commit applied whose answer was lost (a throw, or a failed condition on the SDK retry) is a success: its chunk object stays', async () => {
    for (const lostAnswer of ['throws', 'false'] as const) {
      const { ports, games, recordings, broadcaster } = setup();
      await openLiveGame(ports, 'g5', open);
      const commit = games.commitLiveAppend.bind(games);
      games.commitLiveAppend = async (...args) => {
        await commit(...args); // applied …
        if (lostAnswer === 'throws') throw new Error('socket hang up'); // … but the answer is lost
        return false; // … the SDK's retry found the condition failed
      };
      const out = await appendLiveEvents(ports, 'g5', [{ key: 'x', type: 'ball' }]);
      expect({ lostAnswer, accepted: out.accepted }).toEqual({ lostAnswer, accepted: [{ key: 'x', seq: 0 }] });
      const row = games.rows.get('g5')!;
      expect(row.chunks!.map((c) => c.seq)).toEqual([0]);
      expect(chunkObjects(recordings)).toEqual([row.chunks![0]!.key]);
      expect(broadcaster.sentTo(edgeStreamId('g5')).filter((m) => m.type === 'frames')).toHaveLength(1);
    }
  });

  it('refuses unknown, recorded and finished games; finish ends the live stream', async () => {
    const { ports, games, streams } = setup();
    await expect(appendLiveEvents(ports, 'nope', [{ key: 'a', type: 'x' }])).rejects.toMatchObject({ code: 'not_found' });
    await games.put({ gameId: 'rec', title: 'R', kind: 'cricket', recordingKey: 'k', indexKey: 'i', durationMs: 0, frameCount: 0, participants: [], createdAt: 0 });
    await expect(openLiveGame(ports, 'rec', open)).rejects.toMatchObject({ code: 'conflict' });
    await expect(finishLive(ports, 'rec')).rejects.toMatchObject({ code: 'conflict' });
    await openLiveGame(ports, 'g3', open);
    await appendLiveEvents(ports, 'g3', [{ key: 'a', type: 'x' }]);
    expect(await finishLive(ports, 'g3')).toMatchObject({ liveStatus: 'finished', frameCount: 1 });
    expect(streams.rows.get(edgeStreamId('g3'))).toMatchObject({ status: 'ended', endedReason: 'finished' });
    await expect(appendLiveEvents(ports, 'g3', [{ key: 'b', type: 'x' }])).rejects.toMatchObject({ code: 'conflict' });
    await expect(openLiveGame(ports, 'g3', open)).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('a live game belongs to the publisher who opened it', () => {
  const alice = { userId: 'alice', operator: false };
  const bob = { userId: 'bob', operator: false };
  const olga = { userId: 'olga', operator: true };

  it('another publisher may not append to, reopen or finish it — forbidden, nothing changes', async () => {
    const { ports, games, recordings, streams } = setup();
    expect((await openLiveGame(ports, 'g1', open, undefined, alice)).game.userId).toBe('alice');
    await appendLiveEvents(ports, 'g1', [{ key: 'a', type: 'x' }], undefined, alice);
    const row = structuredClone(games.rows.get('g1'));
    const objects = [...recordings.objects.keys()];
    for (const attempt of [
      () => appendLiveEvents(ports, 'g1', [{ key: 'b', type: 'x' }], undefined, bob),
      () => openLiveGame(ports, 'g1', open, undefined, bob),
      () => finishLive(ports, 'g1', bob),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/belongs to the publisher who opened it/) });
    }
    expect(games.rows.get('g1')).toEqual(row);
    expect([...recordings.objects.keys()]).toEqual(objects);
    expect(streams.rows.get(edgeStreamId('g1'))).toMatchObject({ status: 'playing' });
    // Its owner still may.
    expect((await openLiveGame(ports, 'g1', open, undefined, alice)).created).toBe(false);
    expect((await appendLiveEvents(ports, 'g1', [{ key: 'b', type: 'x' }], undefined, alice)).accepted).toEqual([{ key: 'b', seq: 1 }]);
    expect(await finishLive(ports, 'g1', alice)).toMatchObject({ liveStatus: 'finished', userId: 'alice' });
  });

  it('an operator may act on any live game; the owner stays who opened it', async () => {
    const { ports, games } = setup();
    await openLiveGame(ports, 'g2', open, undefined, alice);
    expect((await openLiveGame(ports, 'g2', open, undefined, olga)).created).toBe(false);
    expect((await appendLiveEvents(ports, 'g2', [{ key: 'a', type: 'x' }], undefined, olga)).accepted).toEqual([{ key: 'a', seq: 0 }]);
    expect(await finishLive(ports, 'g2', olga)).toMatchObject({ liveStatus: 'finished', frameCount: 1 });
    expect(games.rows.get('g2')!.userId).toBe('alice');
  });

  it('a refusal still says not_found / conflict first for a game that is not a live one of someone else', async () => {
    const { ports, games } = setup();
    await expect(finishLive(ports, 'nope', bob)).rejects.toMatchObject({ code: 'not_found' });
    await games.put({ gameId: 'rec', title: 'R', kind: 'cricket', recordingKey: 'k', indexKey: 'i', durationMs: 0, frameCount: 0, participants: [], createdAt: 0 });
    await expect(finishLive(ports, 'rec', bob)).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('live metrics', () => {
  it('records LiveEventAppendLatency (arrival to fan-out, ms) for an append that stored events, none for a pure retry', async () => {
    const { ports, broadcaster } = setup();
    const metrics = new RecordingMetrics();
    const time = ports.time as ManualTime;
    await openLiveGame(ports, 'g1', open);
    const fanOut = broadcaster.fanOut.bind(broadcaster);
    broadcaster.fanOut = async (...args) => {
      time.at += 40; // the fan-out takes 40 ms
      return fanOut(...args);
    };
    const arrival = time.now();
    await appendLiveEvents({ ...ports, metrics }, 'g1', [{ key: 'a', type: 'ball', t: 0 }], arrival);
    expect(metrics.values('LiveEventAppendLatency')).toEqual([40]);
    await appendLiveEvents({ ...ports, metrics }, 'g1', [{ key: 'a', type: 'ball', t: 0 }]);
    expect(metrics.values('LiveEventAppendLatency')).toEqual([40]);
  });
});
