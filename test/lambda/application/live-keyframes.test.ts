/**
 * A live game's keyframes and markers, kept by the append use case (application/live.ts
 * `updateLiveKeyframes`): published in batches of uneven sizes, the keyframes object holds
 * the same keyframes a recording's index would (kinds/keyframes.ts `buildKeyframes`), its
 * markers equal the kind's markers over the whole game, and the live snapshot source
 * (application/snapshots.ts) gives at every frame what a fold from frame 0 gives — past the
 * 2,000 frames a live game without keyframes is bounded to. Steady appends read nothing
 * back; a lost race leaves the object behind, never wrong. A live terminal (folded without
 * the emulator) has exact screens up to its first resize and none past it — and with the index
 * function's refold (the emulator) exact screens everywhere; a long game moves its older
 * keyframes to segment objects, so the object each append rewrites stays small.
 */
import { appendLiveEvents, clearLiveKeyframesCache, openLiveGame, updateLiveKeyframes, type LivePorts } from '../../../lambda/application/live';
import { edgeStreamId } from '../../../lambda/application/edge-stream';
import { frameSourceFor } from '../../../lambda/application/frames';
import { LIVE_HEAD_MAX_KEYFRAMES, liveHeader, readLiveKeyframes } from '../../../lambda/application/live-keyframes';
import { refoldLiveKeyframes, type Refolded } from '../../../lambda/application/refold-live-keyframes';
import { LIVE_SNAPSHOT_MAX_FRAMES, snapshotSourceFor } from '../../../lambda/application/snapshots';
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

it('a live terminal without the refold (the lean fold, no emulator on the append path): exact screens up to its first resize, none past it; its markers', async () => {
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

/** The ports of {@link setup} with the index function's refold run in process (its full kinds: the emulator), counting requests. */
function withRefold(w: ReturnType<typeof setup>): { requests: string[]; results: Refolded[] } {
  const requests: string[] = [];
  const results: Refolded[] = [];
  w.ports.keyframer = {
    request: async (gameId) => {
      requests.push(gameId);
      results.push(await refoldLiveKeyframes({ games: w.games, recordings: w.recordings }, gameId));
    },
  };
  return { requests, results };
}

/** The screen text of the snapshot the live source serves at `seq`, beside the one a fold from frame 0 draws. */
async function screensAt(w: ReturnType<typeof setup>, gameId: string, frames: readonly WireFrame[], seq: number) {
  const full = kindOf('terminal')!;
  const header = liveHeader(w.games.rows.get(gameId)!);
  const got = (await sourceOf(w.recordings, w.games, gameId).snapshotAt(seq))?.state as unknown as TerminalState | undefined;
  const want = full.snapshot(await stateAt(full, header, frames, seq)) as unknown as TerminalState;
  return { got: { seq, screen: got && (await screenText(got)), size: got && `${got.cols}x${got.rows}` }, want: { seq, screen: await screenText(want), size: `${want.cols}x${want.rows}` } };
}

it('a live terminal with the refold (the index function folds on past each resize with its emulator): the true screen at every frame', async () => {
  const w = setup();
  const { requests, results } = withRefold(w);
  const [rec] = convertFiles([{ name: 'v3.cast', content: readFileSync(join(__dirname, '..', '..', 'fixtures', 'foreign', 'markers-resize-colours.v3.cast')) }]);
  const frames = rec!.frames;
  expect(frames.filter((f) => f.type === 'r').length).toBeGreaterThanOrEqual(1);
  await openLiveGame(w.ports, 'term', { kind: 'terminal', title: 'T', participants: [] });
  await publish(w.ports, 'term', frames);
  // The lean fold stopped at each resize and asked; each refold folded on to the committed end.
  expect(requests.length).toBeGreaterThanOrEqual(1);
  expect(results.some((r) => r.outcome === 'folded')).toBe(true);
  const kf = (await readLiveKeyframes(w.recordings, 'term'))!;
  expect(kf).not.toHaveProperty('stoppedAt');
  // Written back when a keyframe or a marker is added: at least past the last resize.
  expect(kf.frameCount).toBeGreaterThan(frames.findLast((f) => f.type === 'r')!.seq);
  expect(kf.markers).toEqual(kindOf('terminal')!.markers(frames, liveHeader(w.games.rows.get('term')!)));
  for (let seq = 0; seq <= frames.length; seq++) {
    const { got, want } = await screensAt(w, 'term', frames, seq);
    expect(got).toEqual(want);
  }
});

it('a live terminal whose output outgrows a lean state is folded on too: the tail is never folded twice', async () => {
  const w = setup();
  const { requests } = withRefold(w);
  // 150 frames of ~1.1 KB of coloured output: past the lean states' 64 KB with no resize.
  const frames: WireFrame[] = Array.from({ length: 150 }, (_, seq) => ({ seq, t: seq * 100, type: 'o', data: `\x1b[3${seq % 8}m${'x'.repeat(1100)} line ${seq}\r\n` }));
  await openLiveGame(w.ports, 'big', { kind: 'terminal', title: 'B', participants: [] });
  await publish(w.ports, 'big', frames);
  expect(requests.length).toBeGreaterThanOrEqual(1);
  const kf = (await readLiveKeyframes(w.recordings, 'big'))!;
  expect(kf).not.toHaveProperty('stoppedAt');
  for (const seq of [0, 1, 40, 59, 60, 61, 99, 100, 101, 149, 150]) {
    const { got, want } = await screensAt(w, 'big', frames, seq);
    expect(got).toEqual(want);
  }
});

it('the refold does nothing for an object with no frame past it, or one the full kind stopped', async () => {
  const w = setup();
  const { results } = withRefold(w);
  await openLiveGame(w.ports, 'ten', { kind: 'tennis', title: 'T', participants: ['A', 'B'] });
  const points = sample('2012-wimbledon-1701').frames.slice(0, 2).map((f) => ({ key: `p${f.seq}`, type: f.type, t: f.t, data: f.data }));
  await appendLiveEvents(w.ports, 'ten', points);
  expect(await refoldLiveKeyframes({ games: w.games, recordings: w.recordings }, 'ten')).toEqual({ outcome: 'nothing' });
  // A refused point stops the lean fold; the refold's fold (the same reducer) stops there too, for good.
  await appendLiveEvents(w.ports, 'ten', [{ key: 'bad', type: 'point', t: 99_999, data: { nonsense: true } }]);
  expect(results).toEqual([{ outcome: 'folded', frameCount: 2, stoppedAt: 2 }]);
  expect(await readLiveKeyframes(w.recordings, 'ten')).toMatchObject({ stoppedAt: 2, stoppedBy: 'full' });
  await appendLiveEvents(w.ports, 'ten', [{ key: 'p3', type: 'point', t: 100_000, data: points[1]!.data }]);
  expect(results).toHaveLength(1); // not asked again
  expect(await refoldLiveKeyframes({ games: w.games, recordings: w.recordings }, 'nope')).toEqual({ outcome: 'nothing' });
});

it(`a long live game keeps its keyframes object small: past ${LIVE_HEAD_MAX_KEYFRAMES} keyframes the older ones move to segment objects it lists, and snapshots anywhere still equal the fold from frame 0`, async () => {
  const { ports, games, recordings } = setup();
  await openLiveGame(ports, 'long', { kind: 'generic', title: 'Log', participants: [] });
  const every = leanKindOf('generic')!.keyframeEvery;
  const n = every * (LIVE_HEAD_MAX_KEYFRAMES * 2 + 10);
  const event = (seq: number) => ({ key: `e${seq}`, type: seq % 301 === 0 ? 'marker' : 'tick', t: seq, data: { n: seq, label: `at ${seq}` } });
  for (let seq = 0; seq < n; seq += 500) await appendLiveEvents(ports, 'long', Array.from({ length: Math.min(500, n - seq) }, (_, i) => event(seq + i)));
  const kf = (await readLiveKeyframes(recordings, 'long'))!;
  expect(kf.keyframes.length).toBeLessThanOrEqual(LIVE_HEAD_MAX_KEYFRAMES);
  expect(kf.segments!.length).toBeGreaterThanOrEqual(2);
  // Contiguous, oldest first, ending where the object's own keyframes begin; each one stored.
  expect(kf.segments![0]!.fromSeq).toBe(0);
  for (let i = 1; i < kf.segments!.length; i++) expect(kf.segments![i]!.fromSeq).toBe(kf.segments![i - 1]!.toSeq);
  expect(kf.segments!.at(-1)!.toSeq).toBe(kf.keyframes[0]!.seq);
  for (const s of kf.segments!) expect(recordings.objects.has(s.key)).toBe(true);
  const kind = leanKindOf('generic')!;
  const header = liveHeader(games.rows.get('long')!);
  const frames = Array.from({ length: n }, (_, seq) => ({ seq, ...event(seq), key: undefined })).map(({ key: _k, ...f }) => f);
  for (const seq of [0, 1, every + 3, kf.segments![1]!.fromSeq + 5, kf.keyframes[0]!.seq - 1, kf.keyframes[0]!.seq, n - 1, n]) {
    expect(await sourceOf(recordings, games, 'long').snapshotAt(seq)).toEqual({ seq, state: kind.snapshot(await stateAt(kind, header, frames, seq)) });
  }
});
