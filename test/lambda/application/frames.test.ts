/**
 * One frame source per stream (application/frames.ts) on in-memory ports: a recording read
 * by index and byte range, a live game read from its chunks; seek, history reads and the
 * tick's read-ahead go through the same source.
 */
import { frameSourceFor, LIVE_CHUNKS_PER_READ } from '../../../lambda/application/frames';
import { serializeChunk } from '../../../lambda/core/live';
import type { GameRow, LiveChunk } from '../../../contract/rows';
import { indexRecording, serializeRecording } from '../../../protocol/recording';
import type { WireFrame } from '../../../protocol/messages';
import { InMemoryGameCatalog, InMemoryRecordingStore } from '../fakes';

const frames = (n: number, stepMs = 1000): WireFrame[] => Array.from({ length: n }, (_, seq) => ({ seq, t: seq * stepMs, type: 'point', data: { n: seq } }));

function recorded(n: number) {
  const recordings = new InMemoryRecordingStore();
  const text = serializeRecording({ format: 'matchcast/1', gameId: 'g1', kind: 'tennis', title: 'G1', participants: [], durationMs: (n - 1) * 1000, frameCount: n, meta: {} }, frames(n));
  const { index } = indexRecording(text, { every: 4 });
  void recordings.put('recordings/g1.jsonl', text);
  void recordings.put('recordings/g1.idx.json', JSON.stringify(index));
  const history = { gameId: 'g1', recordingKey: 'recordings/g1.jsonl', indexKey: 'recordings/g1.idx.json', frameCount: n };
  return { recordings, source: frameSourceFor({ recordings, games: new InMemoryGameCatalog() }, history) };
}

function live(n: number, perChunk: number, gameLive: 'live' | 'finished' = 'live') {
  const recordings = new InMemoryRecordingStore();
  const all = frames(n);
  const chunks: LiveChunk[] = [];
  for (let seq = 0; seq < n; seq += perChunk) {
    const part = all.slice(seq, seq + perChunk);
    const key = `live/l1/${String(seq).padStart(10, '0')}-b.jsonl`;
    void recordings.put(key, serializeChunk(part));
    chunks.push({ seq, t: part[0]!.t, count: part.length, key });
  }
  const game: GameRow = { gameId: 'l1', title: 'L1', kind: 'cricket', recordingKey: '', indexKey: '', durationMs: (n - 1) * 1000, frameCount: n, participants: [], createdAt: 0, liveStatus: gameLive, chunks };
  const games = new InMemoryGameCatalog([game]);
  return { recordings, games, source: frameSourceFor({ recordings, games }, { ...game, livePlayback: 'replay' }) };
}

const clock = { anchorAt: 0, positionMs: 0, speed: 1 };

describe('frameSourceFor', () => {
  it('picks the recording for a recorded stream and the chunks for a live one', () => {
    expect(recorded(4).source.kind).toBe('recorded');
    expect(live(4, 2).source.kind).toBe('live');
  });
});

describe('a recording', () => {
  it('reads frames [from, to) by ranged reads and seeks with one interval read', async () => {
    const { source, recordings } = recorded(20);
    expect((await source.read(5, 9)).map((f) => f.seq)).toEqual([5, 6, 7, 8]);
    expect((await source.read(18, 99)).map((f) => f.seq)).toEqual([18, 19]);
    recordings.reads.length = 0;
    expect(await source.seqAtOrAfter(6500)).toBe(7);
    expect(recordings.reads.filter((r) => r.startsWith('range'))).toHaveLength(1);
    expect(await source.seqAtOrAfter(99_000)).toBe(20);
  });

  it('feeds the tick batch by batch, then is finished', async () => {
    const { source } = recorded(10);
    const cursor = source.cursor(3, 10);
    const batch = await cursor.nextBatch(clock, { batchQuantumMs: 25 });
    expect(batch?.frames.map((f) => f.seq)).toEqual([3]);
    cursor.consumed(1);
    expect((await cursor.nextBatch(clock, { batchQuantumMs: 25 }))?.frames.map((f) => f.seq)).toEqual([4]);
    expect(await cursor.refresh({ positionSeq: 10 })).toBe('finished');
  });

  it('seeks without a read when frames are spaced by delayMs', async () => {
    const { recordings } = recorded(10);
    const source = frameSourceFor({ recordings, games: new InMemoryGameCatalog() }, { gameId: 'g1', recordingKey: 'recordings/g1.jsonl', indexKey: 'recordings/g1.idx.json', frameCount: 10, delayMs: 500 });
    recordings.reads.length = 0;
    expect(await source.seqAtOrAfter(1200)).toBe(3);
    expect(recordings.reads).toEqual([]);
  });
});

describe('a live game', () => {
  it('reads frames from its chunks and seeks reading at most two chunks', async () => {
    const { source, recordings } = live(12, 3);
    expect((await source.read(2, 7)).map((f) => f.seq)).toEqual([2, 3, 4, 5, 6]);
    recordings.reads.length = 0;
    expect(await source.seqAtOrAfter(4500)).toBe(5);
    expect(recordings.reads.length).toBeLessThanOrEqual(2);
  });

  it(`reads ${LIVE_CHUNKS_PER_READ} chunks per tick step and waits at the live edge`, async () => {
    const { source, recordings } = live(40, 1);
    const cursor = source.cursor(0, 40);
    // Frames due together: the whole read-ahead is one batch candidate.
    const batch = await cursor.nextBatch({ anchorAt: 0, positionMs: 0, speed: 1 }, { batchQuantumMs: 1e9 });
    expect(batch?.frames.length).toBe(40);
    const texts = recordings.reads.filter((r) => r.startsWith('text'));
    expect(texts).toHaveLength(40);
    expect(await cursor.refresh({ positionSeq: 40 })).toBe('waiting');
    expect(await cursor.refresh({ positionSeq: 39 })).toEqual({ frameCount: 40, durationMs: 39_000 });
  });

  it('is finished at the end once the game is', async () => {
    const { source } = live(4, 2, 'finished');
    expect(await source.cursor(4, 4).refresh({ positionSeq: 4 })).toBe('finished');
  });
});
