/**
 * Snapshots of a live game (application/snapshots.ts `LiveSnapshots`): no keyframes, so the
 * frames 0…S−1 are read from its chunks and folded — equal to the kind's fold from frame 0
 * up to the bound LIVE_SNAPSHOT_MAX_FRAMES, none past it; a later call on the same source
 * extends the last state instead of reading from 0 again; frames the kind's schema refuses
 * give no snapshot rather than a wrong one.
 */
import { frameSourceFor } from '../../../lambda/application/frames';
import { LIVE_SNAPSHOT_MAX_FRAMES, snapshotSourceFor } from '../../../lambda/application/snapshots';
import { serializeChunk } from '../../../lambda/core/live';
import type { GameRow, LiveChunk } from '../../../contract/rows';
import { kindOf, stateAt } from '../../../kinds';
import type { WireFrame } from '../../../protocol/messages';
import { sample } from '../../kinds/samples';
import { InMemoryGameCatalog, InMemoryRecordingStore } from '../fakes';

/** A live game publishing `frames` in chunks of `perChunk`. */
async function liveGame(gameId: string, kind: string, frames: readonly WireFrame[], perChunk = 25) {
  const recordings = new InMemoryRecordingStore();
  const chunks: LiveChunk[] = [];
  for (let seq = 0; seq < frames.length; seq += perChunk) {
    const part = frames.slice(seq, seq + perChunk);
    const key = `live/${gameId}/${String(seq).padStart(10, '0')}-b.jsonl`;
    await recordings.put(key, serializeChunk(part));
    chunks.push({ seq, t: part[0]!.t, count: part.length, key });
  }
  const game: GameRow = {
    gameId, title: gameId, kind, recordingKey: '', indexKey: '', durationMs: frames.at(-1)!.t, frameCount: frames.length,
    participants: [], createdAt: 0, liveStatus: 'live', chunks,
  };
  const games = new InMemoryGameCatalog([game]);
  const frameSource = (h: Parameters<typeof frameSourceFor>[1]) => frameSourceFor({ recordings, games }, h);
  return { recordings, source: snapshotSourceFor({ recordings, frames: frameSource }, { ...game, livePlayback: 'edge' }) };
}

test('a live cricket game: the snapshot folded from its chunks equals the fold from frame 0; no markers', async () => {
  const rec = sample('ipl-2019-final-1181768');
  const { source, recordings } = await liveGame('live-ipl', 'cricket', rec.frames);
  const kind = kindOf('cricket')!;
  // The header a live game has: no meta; the cricket kind's initial state needs none here.
  const header = { ...rec.header, meta: {}, participants: [] };
  for (const seq of [0, 1, 60, 61, 200, rec.frames.length]) {
    expect(await source.snapshotAt(seq)).toEqual({ seq, state: kind.snapshot(await stateAt(kind, header, rec.frames, seq)) });
  }
  // Extending: after seq 200, later snapshots read only the chunks from 200 on.
  await source.snapshotAt(200);
  const reads = recordings.reads.length;
  await source.snapshotAt(250);
  await source.snapshotAt(300);
  expect(recordings.reads.slice(reads).every((r) => !r.includes('0000000000-'))).toBe(true);
  expect(await source.markers()).toEqual([]);
});

test(`past ${LIVE_SNAPSHOT_MAX_FRAMES} frames, and for frames its kind refuses: no snapshot`, async () => {
  const many: WireFrame[] = Array.from({ length: LIVE_SNAPSHOT_MAX_FRAMES + 5 }, (_, seq) => ({ seq, t: seq, type: 'tick', data: { n: seq } }));
  const { source } = await liveGame('live-gen', 'generic', many, 500);
  expect((await source.snapshotAt(LIVE_SNAPSHOT_MAX_FRAMES))?.seq).toBe(LIVE_SNAPSHOT_MAX_FRAMES);
  expect(await source.snapshotAt(LIVE_SNAPSHOT_MAX_FRAMES + 1)).toBeUndefined();
  const bad: WireFrame[] = [{ seq: 0, t: 0, type: 'point', data: { nonsense: true } }];
  const { source: tennis } = await liveGame('live-bad', 'tennis', bad);
  expect(await tennis.snapshotAt(1)).toBeUndefined();
});
