/** Indexing an uploaded recording on the fakes: index beside it, catalog row, refusals. */
import { createHandler, type IndexRecordingDeps } from '../../../lambda/handlers/index-recording';
import { indexRecording, type IndexRecordingPorts } from '../../../lambda/application/index-recording';
import { serializeRecording } from '../../../protocol/recording';
import type { RecordingIndex } from '../../../protocol/recording';
import type { S3Event } from 'aws-lambda';
import { InMemoryGameCatalog, InMemoryRecordingStore, ManualTime } from '../fakes';

const text = serializeRecording(
  { format: 'matchcast/1', gameId: 'g1', kind: 'cricket', title: 'Final', participants: ['A', 'B'], durationMs: 2000, frameCount: 2, meta: {} },
  [{ seq: 0, t: 0, type: 'ball', data: { runs: 1 } }, { seq: 1, t: 2000, type: 'ball', data: { runs: 4 } }],
);

function setup(): { ports: IndexRecordingPorts & Pick<IndexRecordingDeps, 'games' | 'recordings'>; store: InMemoryRecordingStore; games: InMemoryGameCatalog } {
  const store = new InMemoryRecordingStore();
  const games = new InMemoryGameCatalog();
  const ports = {
    recordings: {
      put: (key: string, body: string) => store.put(key, body),
      readText: (key: string) => store.readText(key),
      async *readLines(key: string) {
        const t = await store.readText(key);
        for (const line of t.split('\n')) if (line !== '') yield line;
      },
    },
    games,
    time: new ManualTime(1_700_000_000_000),
  };
  return { ports, store, games };
}

const s3Event = (...keys: string[]): S3Event => ({ Records: keys.map((key) => ({ s3: { object: { key } } })) }) as unknown as S3Event;

describe('indexing a recording', () => {
  it('writes the index beside the recording and the catalog row (createdAt from the clock, epoch ms)', async () => {
    const { ports, store, games } = setup();
    await store.put('recordings/g1.jsonl', text);
    expect(await indexRecording(ports, 'recordings/g1.jsonl')).toEqual({ gameId: 'g1', frameCount: 2 });
    const index = JSON.parse(store.objects.get('recordings/g1.idx.json')!) as RecordingIndex;
    expect(index.frameCount).toBe(2);
    expect(games.rows.get('g1')).toEqual({
      gameId: 'g1', title: 'Final', kind: 'cricket', recordingKey: 'recordings/g1.jsonl', indexKey: 'recordings/g1.idx.json',
      durationMs: 2000, frameCount: 2, participants: ['A', 'B'], createdAt: 1_700_000_000_000,
    });
  });

  it("catalogs a tournament match's meta.event (only a valid one) as the row's event", async () => {
    const { ports, store, games } = setup();
    const event = { id: '2012-frenchopen', name: '2012 French Open', draw: "men's singles", roundNo: 7, rounds: 7, round: 'Final', place: 1, winner: 2 };
    const withMeta = (gameId: string, meta: Record<string, unknown>) =>
      serializeRecording({ format: 'matchcast/1', gameId, kind: 'tennis', title: 'Final', participants: ['A', 'B'], durationMs: 0, frameCount: 1, meta }, [{ seq: 0, t: 0, type: 'point', data: {} }]);
    await store.put('recordings/e1.jsonl', withMeta('e1', { event }));
    await store.put('recordings/e2.jsonl', withMeta('e2', { event: { ...event, roundNo: 9 } }));
    await indexRecording(ports, 'recordings/e1.jsonl');
    await indexRecording(ports, 'recordings/e2.jsonl');
    expect(games.rows.get('e1')?.event).toEqual(event);
    expect(games.rows.get('e2')).not.toHaveProperty('event');
  });

  it('refuses a recording named like a live game, leaving its row whole', async () => {
    const { ports, store, games } = setup();
    await games.create({ gameId: 'g1', title: 'Nets', kind: 'cricket', liveStatus: 'live', frameCount: 1, durationMs: 0, participants: [], createdAt: 1 } as never);
    await store.put('recordings/g1.jsonl', text);
    await expect(indexRecording(ports, 'recordings/g1.jsonl')).rejects.toThrow(/"g1" is a live game/);
    expect(games.rows.get('g1')).toMatchObject({ liveStatus: 'live', title: 'Nets' });
  });

  it('the handler logs and skips an invalid recording, ignores other keys, and rethrows other errors', async () => {
    const { ports, store, games } = setup();
    const errors: Record<string, unknown>[] = [];
    const infos: Record<string, unknown>[] = [];
    const handler = createHandler({ ...ports, log: { info: (_m, a) => infos.push(a ?? {}), warn: () => undefined, error: (_m, a) => errors.push(a ?? {}) } });
    await store.put('recordings/bad.jsonl', '{"not":"a header"}\n');
    await store.put('recordings/g1.jsonl', text);
    await handler(s3Event('recordings/bad.jsonl', 'recordings/g1.idx.json', 'recordings/g1.jsonl'));
    expect(errors).toEqual([expect.objectContaining({ key: 'recordings/bad.jsonl', line: 1 })]);
    expect(infos).toEqual([{ key: 'recordings/g1.jsonl', gameId: 'g1', frameCount: 2 }]);
    expect([...games.rows.keys()]).toEqual(['g1']);
    await expect(handler(s3Event('recordings/missing.jsonl'))).rejects.toThrow(/missing/);
  });

  it("the handler takes the HTTP API function's refold request: a game id is refolded, anything else logged and dropped", async () => {
    const { ports } = setup();
    const errors: Record<string, unknown>[] = [];
    const infos: Record<string, unknown>[] = [];
    const handler = createHandler({ ...ports, log: { info: (_m, a) => infos.push(a ?? {}), warn: () => undefined, error: (_m, a) => errors.push(a ?? {}) } });
    await handler({ refoldLiveKeyframes: 'no-such-game' });
    expect(infos).toEqual([{ gameId: 'no-such-game', outcome: 'nothing' }]);
    for (const bad of [{ refoldLiveKeyframes: '../etc' }, { refoldLiveKeyframes: 42 }]) await handler(bad as never);
    expect(errors).toEqual([{ reason: 'refoldLiveKeyframes must be a game id, got "../etc"' }, { reason: 'refoldLiveKeyframes must be a game id, got 42' }]);
  });
});
