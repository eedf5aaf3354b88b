/**
 * A live game's keyframes and markers, kept by the append use case (application/live.ts
 * `updateLiveKeyframes`): published in batches of uneven sizes, the keyframes object holds
 * the same keyframes a recording's index would (kinds/keyframes.ts `buildKeyframes`), its
 * markers equal the kind's markers over the whole game, and the live snapshot source
 * (application/snapshots.ts) gives at every frame what a fold from frame 0 gives — past the
 * 2,000 frames a live game without keyframes is bounded to. Steady appends read nothing
 * back; a lost race leaves the object behind, never wrong. A live terminal (folded without
 * the emulator) has exact screens up to its first resize and none past it.
 */
import { appendLiveEvents, clearLiveKeyframesCache, openLiveGame, updateLiveKeyframes, type LivePorts } from '../../../lambda/application/live';
import { edgeStreamId } from '../../../lambda/application/edge-stream';
import { frameSourceFor } from '../../../lambda/application/frames';
import { LIVE_SNAPSHOT_MAX_FRAMES, liveHeader, readLiveKeyframes, snapshotSourceFor } from '../../../lambda/application/snapshots';
import { liveKeyframesKey } from '../../../contract/keys';
import { buildKeyframes, emptyKeyframes, extendKeyframes } from '../../../kinds/keyframes';
import { KEYFRAMES_FORMAT } from '../../../protocol/recording';
import { leanKindOf } from '../../../kinds/lean';
import { kindOf, stateAt } from '../../../kinds';
import { screenText, type TerminalState } from '../../../kinds/terminal';
import { convertFiles } from '../../../convert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WireFrame } from '../../../protocol/messages';
import { sample } from '../../kinds/samples';
import { FakeBroadcaster, FakeWorkflow, InMemoryGameCatalog, InMemoryRecordingStore, InMemoryStreamStore, ManualTime } from '../fakes';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function setup() {
  clearLiveKeyframesCache();
  const games = new InMemoryGameCatalog();
  const streams = new InMemoryStreamStore();
  const recordings = new InMemoryRecordingStore();
  const broadcaster = new FakeBroadcaster();
  const ports: LivePorts = { games, streams, recordings, broadcaster, workflow: new FakeWorkflow(), time: new ManualTime(1_000), log: quiet };
  return { ports, games, recordings, broadcaster };
}

/** Publish `frames` as events, in batches of 1, 2, 3, … 9, 1, 2, … (crossing keyframes at every offset). */
async function publish(ports: LivePorts, gameId: string, frames: readonly WireFrame[], from = 0, to = frames.length): Promise<void> {
  let size = 1;
  for (let seq = from; seq < to; ) {
    const part = frames.slice(seq, Math.min(to, seq + size));
    await appendLiveEvents(ports, gameId, part.map((f) => ({ key: `k${f.seq}`, type: f.type, t: f.t, data: f.data })));
    seq += part.length;
    size = (size % 9) + 1;
  }
}

function sourceOf(recordings: InMemoryRecordingStore, games: InMemoryGameCatalog, gameId: string) {
  const game = games.rows.get(gameId)!;
  return snapshotSourceFor({ recordings, frames: (h) => frameSourceFor({ recordings, games }, h) }, { ...game, livePlayback: 'edge' });
}

const CASES: Array<[kind: string, gameId: string]> = [
  ['cricket', 'ipl-2019-final-1181768'],
  ['tennis', '2012-wimbledon-1701'],
  ['chess', 'lichess-swlhTnEl-classical'],
];

describe.each(CASES)('a live %s game (%s published as events)', (kindName, id) => {
  it('keeps the keyframes and markers a recording of it would have; every 7th snapshot equals the fold from frame 0', async () => {
    const { ports, games, recordings, broadcaster } = setup();
    const rec = sample(id);
    const participants = rec.header.participants;
    await openLiveGame(ports, 'g', { kind: kindName, title: rec.header.title, participants });
    await publish(ports, 'g', rec.frames);
    const game = games.rows.get('g')!;
    const header = liveHeader(game);
    const kind = leanKindOf(kindName)!;
    // The frames as published (t and data as sent).
    const frames = rec.frames.map((f) => ({ seq: f.seq, t: f.t, type: f.type, data: f.data }));
    const kf = (await readLiveKeyframes(recordings, 'g'))!;
    const built = await buildKeyframes(kind, header, frames);
    expect(kf.keyframes.map((k) => k.seq)).toEqual(built.keyframes.map((k) => k.seq).filter((s) => s <= kf.frameCount));
    expect(kf.keyframes).toEqual(built.keyframes.slice(0, kf.keyframes.length));
    expect(kf.markers).toEqual(kind.markers(frames, header));
    expect(kf.markers.length).toBeGreaterThan(0);
    // New markers reached the live stream's viewers as `markers` messages, in order.
    const pushed = broadcaster.sentTo(edgeStreamId('g')).flatMap((m) => (m.type === 'markers' ? m.markers : []));
    expect(pushed).toEqual(kf.markers);
    const source = sourceOf(recordings, games, 'g');
    expect(await source.markers()).toEqual(kf.markers);
    for (let seq = 0; seq <= frames.length; seq += seq < 70 ? 1 : 7) {
      const fresh = sourceOf(recordings, games, 'g');
      expect({ seq, snap: await fresh.snapshotAt(seq) }).toEqual({ seq, snap: { seq, state: kind.snapshot(await stateAt(kind, header, frames, seq)) } });
    }
  });
});

it('a steady publisher: the appends read neither the keyframes object nor the chunks back (one function instance)', async () => {
  const { ports, games, recordings } = setup();
  const rec = sample('ipl-2019-final-1181768');
  await openLiveGame(ports, 'g', { kind: 'cricket', title: 'IPL', participants: [] });
  await publish(ports, 'g', rec.frames, 0, 10);
  const reads = recordings.reads.length;
  await publish(ports, 'g', rec.frames, 10, 200);
  expect(recordings.reads.slice(reads)).toEqual([]);
  expect((await readLiveKeyframes(recordings, 'g'))!.keyframes.map((k) => k.seq)).toEqual([0, 64, 128, 192]);
  expect(games.rows.get('g')!.frameCount).toBe(200);
});

it('another instance (nothing cached) folds on from the stored object, reading only the frames since it', async () => {
  const { ports, games, recordings } = setup();
  const rec = sample('ipl-2019-final-1181768');
  await openLiveGame(ports, 'g', { kind: 'cricket', title: 'IPL', participants: [] });
  await publish(ports, 'g', rec.frames, 0, 100);
  clearLiveKeyframesCache();
  const reads = recordings.reads.length;
  await publish(ports, 'g', rec.frames, 100, 101);
  const since = recordings.reads.slice(reads);
  expect(since).toContain(`text ${liveKeyframesKey('g')}`);
  // Only chunks after the object's last stored state (at most K = 64 frames back), never from frame 0.
  const chunks = games.rows.get('g')!.chunks!;
  const read = chunks.filter((c) => since.includes(`text ${c.key}`));
  expect(read.every((c) => c.seq >= 100 - 64)).toBe(true);
  const header = liveHeader(games.rows.get('g')!);
  const kind = leanKindOf('cricket')!;
  const frames = rec.frames.slice(0, 101).map((f) => ({ seq: f.seq, t: f.t, type: f.type, data: f.data }));
  expect((await readLiveKeyframes(recordings, 'g'))!.markers).toEqual(kind.markers(frames, header));
});

it('a lost race (an older batch written after a newer one) leaves the object behind, not wrong; the next append catches up', async () => {
  const { ports, games, recordings } = setup();
  const rec = sample('ipl-2019-final-1181768');
  await openLiveGame(ports, 'g', { kind: 'cricket', title: 'IPL', participants: [] });
  await publish(ports, 'g', rec.frames, 0, 140);
  const header = liveHeader(games.rows.get('g')!);
  const kind = leanKindOf('cricket')!;
  const frames = rec.frames.map((f) => ({ seq: f.seq, t: f.t, type: f.type, data: f.data }));
  // A slow instance folds batch [60, 70) late: it read an object from before seq 60.
  const early = await extendKeyframes(kind, header, emptyKeyframes(kind, header), frames.slice(0, 10));
  recordings.objects.set(liveKeyframesKey('g'), JSON.stringify({ format: KEYFRAMES_FORMAT, gameId: 'g', ...early.keyframes }));
  clearLiveKeyframesCache();
  const game = games.rows.get('g')!;
  await updateLiveKeyframes(ports, game, frames.slice(60, 70));
  const behind = (await readLiveKeyframes(recordings, 'g'))!;
  expect(behind.frameCount).toBe(70);
  // Snapshots stay exact from the older object.
  for (const seq of [0, 33, 64, 70, 99, 139]) {
    expect(await sourceOf(recordings, games, 'g').snapshotAt(seq)).toEqual({ seq, state: kind.snapshot(await stateAt(kind, header, frames, seq)) });
  }
  // The same batch again changes nothing (idempotent by seq); the next append folds on.
  await updateLiveKeyframes(ports, game, frames.slice(60, 70));
  await publish(ports, 'g', rec.frames, 140, 150);
  const after = (await readLiveKeyframes(recordings, 'g'))!;
  expect(after.markers).toEqual(kind.markers(frames.slice(0, 150), header));
  expect(after.keyframes).toEqual((await buildKeyframes(kind, header, frames.slice(0, 150))).keyframes);
});

it(`past ${LIVE_SNAPSHOT_MAX_FRAMES} frames a live game with keyframes still has snapshots; a refused event stops them there`, async () => {
  const { ports, games, recordings } = setup();
  await openLiveGame(ports, 'gen', { kind: 'generic', title: 'Log', participants: [] });
  const n = LIVE_SNAPSHOT_MAX_FRAMES + 300;
  for (let seq = 0; seq < n; seq += 500) {
    const events = Array.from({ length: Math.min(500, n - seq) }, (_, i) => ({ key: `e${seq + i}`, type: (seq + i) % 97 === 0 ? 'marker' : 'tick', t: seq + i, data: { n: seq + i, label: `at ${seq + i}` } }));
    await appendLiveEvents(ports, 'gen', events);
  }
  const kind = leanKindOf('generic')!;
  const header = liveHeader(games.rows.get('gen')!);
  const frames = Array.from({ length: n }, (_, seq) => ({ seq, t: seq, type: seq % 97 === 0 ? 'marker' : 'tick', data: { n: seq, label: `at ${seq}` } }));
  for (const seq of [LIVE_SNAPSHOT_MAX_FRAMES + 1, n - 1, n]) {
    expect(await sourceOf(recordings, games, 'gen').snapshotAt(seq)).toEqual({ seq, state: kind.snapshot(await stateAt(kind, header, frames, seq)) });
  }
  expect((await sourceOf(recordings, games, 'gen').markers()).map((m) => m.seq)).toEqual(frames.filter((f) => f.type === 'marker').map((f) => f.seq));

  // Tennis: the third event is not a point the kind can fold.
  await openLiveGame(ports, 'ten', { kind: 'tennis', title: 'T', participants: ['A', 'B'] });
  const points = sample('2012-wimbledon-1701').frames.slice(0, 2).map((f) => ({ key: `p${f.seq}`, type: f.type, t: f.t, data: f.data }));
  await appendLiveEvents(ports, 'ten', [...points, { key: 'bad', type: 'point', t: 99_999, data: { nonsense: true } }, { key: 'p3', type: 'point', t: 100_000, data: points[1]!.data }]);
  expect((await readLiveKeyframes(recordings, 'ten'))!.stoppedAt).toBe(2);
  const ten = sourceOf(recordings, games, 'ten');
  expect((await ten.snapshotAt(2))?.seq).toBe(2);
  expect(await ten.snapshotAt(3)).toBeUndefined();
  expect(await ten.snapshotAt(4)).toBeUndefined();
});

it('a live terminal (the lean fold, no emulator on the append path): exact screens up to its first resize, none past it; its markers', async () => {
  const { ports, games, recordings } = setup();
  const [rec] = convertFiles([{ name: 'v3.cast', content: readFileSync(join(__dirname, '..', '..', 'fixtures', 'foreign', 'markers-resize-colours.v3.cast')) }]);
  await openLiveGame(ports, 'term', { kind: 'terminal', title: 'T', participants: [] });
  await publish(ports, 'term', rec!.frames);
  const full = kindOf('terminal')!;
  // A live game's header has no size: the default 80 × 24, as this recording's.
  const header = liveHeader(games.rows.get('term')!);
  const resize = rec!.frames.find((f) => f.type === 'r')!.seq;
  const kf = (await readLiveKeyframes(recordings, 'term'))!;
  expect(kf.stoppedAt).toBe(resize);
  expect(kf.markers).toEqual(full.markers(rec!.frames.slice(0, resize), header));
  for (let seq = 0; seq <= resize; seq++) {
    const got = (await sourceOf(recordings, games, 'term').snapshotAt(seq))!.state as unknown as TerminalState;
    const want = full.snapshot(await stateAt(full, header, rec!.frames, seq)) as unknown as TerminalState;
    expect({ seq, screen: await screenText(got) }).toEqual({ seq, screen: await screenText(want) });
  }
  expect(await sourceOf(recordings, games, 'term').snapshotAt(resize + 1)).toBeUndefined();
});
