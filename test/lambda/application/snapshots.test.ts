/**
 * Snapshots and markers at join, seek and rejoin (protocol 1.1) on the in-memory ports, over
 * sample recordings indexed by application/index-recording.ts: `joined` carries
 * `snapshot: { seq: positionSeq, state }` equal to the kind's snapshot folded from frame 0,
 * the recording's markers and `leadMs: 0`; a seek's `state` carries the snapshot at its
 * position; a rejoin from an older epoch gets the current epoch's snapshot and `movedFrom`;
 * markers too large for one `joined` follow in `markers` messages.
 */
import { applyControl, rejoinStream, startStream, type ControlConfig, type ControlPorts } from '../../../lambda/application/control';
import { frameSourceFor } from '../../../lambda/application/frames';
import { indexRecording, type IndexRecordingPorts } from '../../../lambda/application/index-recording';
import { clearKeyframesCache, snapshotSourceFor } from '../../../lambda/application/snapshots';
import { keyframesKeyFor, recordingKey } from '../../../contract/keys';
import type { ConnectionRow } from '../../../contract/rows';
import type { Caller } from '../../../lambda/core/ws-event';
import type { Log } from '../../../lambda/ports/log';
import { kindOf, stateAt } from '../../../kinds';
import { screenText, type TerminalState } from '../../../kinds/terminal';
import { joinedWithMarkers, MAX_MESSAGE_BYTES, type JoinedMessage, type MarkersMessage, type ServerMessage, type StateMessage, type WireMarker } from '../../../protocol/server';
import { serializeRecording, type RecordingKeyframes } from '../../../protocol/recording';
import { sample } from '../../kinds/samples';
import { FakeBroadcaster, FakeWorkflow, InMemoryConnectionRegistry, InMemoryGameCatalog, InMemoryRecordingStore, InMemoryStreamStore, ManualTime } from '../fakes';

jest.setTimeout(120_000);

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

async function world(gameIds: string[]) {
  clearKeyframesCache();
  const recordings = new InMemoryRecordingStore();
  const games = new InMemoryGameCatalog([]);
  const time = new ManualTime(1_700_000_000_000);
  const indexPorts: IndexRecordingPorts = {
    recordings: {
      put: (key, body) => recordings.put(key, body),
      async *readLines(key) {
        const t = await recordings.readText(key);
        for (const line of t.split('\n')) if (line !== '') yield line;
      },
    },
    games,
    time,
  };
  for (const id of gameIds) {
    const rec = sample(id);
    await recordings.put(recordingKey(id), serializeRecording(rec.header, rec.frames));
    await indexRecording(indexPorts, recordingKey(id));
  }
  const frames = (h: Parameters<typeof frameSourceFor>[1]) => frameSourceFor({ recordings, games }, h);
  const connections = new InMemoryConnectionRegistry();
  const ports = {
    streams: new InMemoryStreamStore([]),
    connections,
    games,
    broadcaster: new FakeBroadcaster(),
    workflow: new FakeWorkflow(),
    frames,
    snapshots: (h) => snapshotSourceFor({ recordings, frames }, h),
    time,
    log: silent,
  } satisfies ControlPorts;
  const config: ControlConfig = { maxClients: 1000, newRoomId: () => 'room1' };
  const caller = async (userId: string, connectionId = `c-${userId}`): Promise<Caller> => {
    const row: ConnectionRow = { connectionId, userId, displayName: userId, connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 };
    if (!(await connections.get(connectionId))) await connections.put(row);
    return { connectionId, userId, displayName: userId, requestId: 'r', routeKey: 'start' };
  };
  const posted = (connectionId: string): ServerMessage[] => ports.broadcaster.posts.filter((p) => p.connectionId === connectionId).map((p) => p.message);
  return { ports, config, caller, posted, recordings };
}

/** The reference: the kind's snapshot of the state folded from frame 0 up to `seq`. */
async function expected(gameId: string, seq: number): Promise<unknown> {
  const rec = sample(gameId);
  const kind = kindOf(rec.header.kind)!;
  return kind.snapshot(await stateAt(kind, rec.header, rec.frames, seq));
}

/** The first frame with t ≥ atMs. */
const seqAt = (gameId: string, atMs: number) => sample(gameId).frames.find((f) => f.t >= atMs)?.seq ?? sample(gameId).frames.length;

describe('joined carries the snapshot, markers and leadMs', () => {
  it.each(['2012-wimbledon-1701', 'ipl-2019-final-1181768', 'lichess-swlhTnEl-classical'])('%s: start at atMs', async (gameId) => {
    const w = await world([gameId]);
    const rec = sample(gameId);
    const atMs = rec.frames[Math.floor(rec.frames.length * 0.6)]!.t;
    const alice = await w.caller('alice');
    await startStream(w.ports, w.config, alice, { action: 'start', gameId, mode: 'pvai', speed: 1, atMs });
    const joined = w.posted(alice.connectionId).find((m): m is JoinedMessage => m.type === 'joined')!;
    const S = seqAt(gameId, atMs);
    expect(joined.positionSeq).toBe(S);
    expect(joined.snapshot).toEqual({ seq: S, state: await expected(gameId, S) });
    expect(joined.leadMs).toBe(0);
    expect(joined.markers).toEqual(kindOf(rec.header.kind)!.markers(rec.frames, rec.header));
    expect(joined.markers!.length).toBeGreaterThan(0);
  });

  it('from the start: the initial state at seq 0', async () => {
    const gameId = '2011-usopen-2701';
    const w = await world([gameId]);
    const alice = await w.caller('alice');
    await startStream(w.ports, w.config, alice, { action: 'start', gameId, mode: 'spectate' });
    const joined = w.posted(alice.connectionId).find((m): m is JoinedMessage => m.type === 'joined')!;
    expect(joined.snapshot).toEqual({ seq: 0, state: await expected(gameId, 0) });
  });

  it('terminal: the snapshot shows the screen of the emulator folded from frame 0', async () => {
    const gameId = 'nethack-nao-2012-02-16-fare';
    const w = await world([gameId]);
    const rec = sample(gameId);
    for (const [i, at] of [0.1, 0.45, 0.8].entries()) {
      const atMs = rec.frames[Math.floor(rec.frames.length * at)]!.t;
      const who = await w.caller(`u${i}`);
      await startStream(w.ports, w.config, who, { action: 'start', gameId, mode: 'pvai', speed: 1, atMs });
      const joined = w.posted(who.connectionId).find((m): m is JoinedMessage => m.type === 'joined')!;
      const S = seqAt(gameId, atMs);
      expect(joined.snapshot?.seq).toBe(S);
      expect(await screenText(joined.snapshot!.state as TerminalState)).toBe(await screenText((await expected(gameId, S)) as TerminalState));
    }
  });

  it('a recording indexed without keyframes: the snapshot folded from frame 0 through its index, no markers', async () => {
    const gameId = '2011-usopen-2701';
    const w = await world([gameId]);
    await w.recordings.delete(keyframesKeyFor(recordingKey(gameId)));
    clearKeyframesCache();
    const alice = await w.caller('alice');
    await startStream(w.ports, w.config, alice, { action: 'start', gameId, mode: 'pvai', speed: 1, atMs: 60_000 });
    const joined = w.posted(alice.connectionId).find((m): m is JoinedMessage => m.type === 'joined')!;
    const S = seqAt(gameId, 60_000);
    expect(S).toBeGreaterThan(0);
    expect(joined.snapshot).toEqual({ seq: S, state: await expected(gameId, S) });
    expect(joined.markers).toEqual([]);
  });

  it('a recording whose frames its kind cannot fold is indexed and cataloged, with no keyframes', async () => {
    const w = await world([]);
    const key = recordingKey('bad');
    const text = serializeRecording(
      { format: 'matchcast/1', gameId: 'bad', kind: 'chess', title: 'x', participants: ['A', 'B'], durationMs: 100, frameCount: 100, meta: {} },
      // Moves without a FEN: the chess reducer throws at the first keyframe's fold.
      Array.from({ length: 100 }, (_, seq) => ({ seq, t: seq, type: 'move', data: { nonsense: true } })),
    );
    await w.recordings.put(key, text);
    await indexRecording({ recordings: { put: (k, b) => w.recordings.put(k, b), async *readLines(k) { for (const l of (await w.recordings.readText(k)).split('\n')) if (l) yield l; } }, games: w.ports.games, time: w.ports.time }, key);
    const kf = JSON.parse(w.recordings.objects.get(keyframesKeyFor(key))!) as RecordingKeyframes;
    expect(kf).toMatchObject({ format: 'matchcast-keyframes/1', gameId: 'bad', kind: 'chess', keyframes: [], markers: [] });
    expect(await w.ports.games.get('bad')).toMatchObject({ gameId: 'bad', frameCount: 100 });
  });
});

describe('seek and rejoin', () => {
  const gameId = '2012-ausopen-1701';
  /** A world where alice has started her own stream of `gameId` (at 1×): its id and row as started. */
  const aliceStream = async () => {
    const w = await world([gameId]);
    const alice = await w.caller('alice');
    await startStream(w.ports, w.config, alice, { action: 'start', gameId, mode: 'pvai', speed: 1 });
    const streamId = `pvai:${gameId}:alice`;
    return { w, alice, streamId, row: w.ports.streams.rows.get(streamId)! };
  };

  it("a seek's state carries the snapshot at its position", async () => {
    const { w, alice, streamId, row } = await aliceStream();
    w.ports.streams.rows.set(streamId, { ...row, status: 'paused' });
    const toMs = sample(gameId).frames[250]!.t;
    await applyControl(w.ports, alice, { action: 'seek', toMs });
    const state = w.ports.broadcaster.sentTo(streamId).filter((m): m is StateMessage => m.type === 'state').at(-1)!;
    const S = seqAt(gameId, toMs);
    expect(state.positionSeq).toBe(S);
    expect(state.snapshot).toEqual({ seq: S, state: await expected(gameId, S) });
  });

  it('a rejoin from an older epoch: the current epoch, its snapshot at its position, and movedFrom', async () => {
    const { w, alice, streamId, row } = await aliceStream();
    // The stream moved on while alice was away: paused at seq 123 in epoch 5.
    w.ports.streams.rows.set(streamId, { ...row, status: 'paused', epoch: 5, positionSeq: 123, epochStartSeq: 100, positionMs: sample(gameId).frames[123]!.t });
    await w.ports.connections.detach(alice.connectionId);
    w.ports.broadcaster.posts.length = 0;
    await rejoinStream(w.ports, w.config, alice, { action: 'rejoin', streamId, lastSeq: 40, epoch: row.epoch });
    const joined = w.posted(alice.connectionId).find((m): m is JoinedMessage => m.type === 'joined')!;
    expect(joined).toMatchObject({ epoch: 5, positionSeq: 123, movedFrom: row.epoch });
    expect(joined.snapshot).toEqual({ seq: 123, state: await expected(gameId, 123) });
    // Nothing of the old epoch is replayed.
    expect(w.posted(alice.connectionId).filter((m) => m.type === 'frames')).toEqual([]);
  });

  it("a rejoin into the epoch a seek started: movedBy is the seeker's display name; an epoch the server started (epochBy stale) has none", async () => {
    const { w, alice, streamId, row } = await aliceStream();
    w.ports.streams.rows.set(streamId, { ...row, status: 'paused' });
    // Alice's second connection seeks (her display name from the token: "Alice A.").
    const other = { ...(await w.caller('alice', 'c-alice-2')), displayName: 'Alice A.' };
    await w.ports.connections.attach(other.connectionId, streamId, 'player');
    await applyControl(w.ports, other, { action: 'seek', toMs: sample(gameId).frames[80]!.t });
    const moved = w.ports.streams.rows.get(streamId)!;
    expect(moved.epochBy).toEqual({ epoch: moved.epoch, userId: 'alice', name: 'Alice A.' });
    await w.ports.connections.detach(alice.connectionId);
    w.ports.broadcaster.posts.length = 0;
    await rejoinStream(w.ports, w.config, alice, { action: 'rejoin', streamId, lastSeq: 0, epoch: row.epoch });
    const joined = w.posted(alice.connectionId).find((m): m is JoinedMessage => m.type === 'joined')!;
    expect(joined).toMatchObject({ epoch: moved.epoch, movedFrom: row.epoch, movedBy: 'Alice A.' });
    // A restart (sweeper, operator) moves the epoch on without writing epochBy: no movedBy.
    w.ports.streams.rows.set(streamId, { ...w.ports.streams.rows.get(streamId)!, epoch: moved.epoch + 1 });
    await w.ports.connections.detach(alice.connectionId);
    w.ports.broadcaster.posts.length = 0;
    await rejoinStream(w.ports, w.config, alice, { action: 'rejoin', streamId, lastSeq: 0, epoch: row.epoch });
    const again = w.posted(alice.connectionId).find((m): m is JoinedMessage => m.type === 'joined')!;
    expect(again.movedFrom).toBe(row.epoch);
    expect(again.movedBy).toBeUndefined();
  });

  it('a rejoin in its own epoch: the snapshot is at the first replayed frame', async () => {
    const { w, alice, streamId, row } = await aliceStream();
    w.ports.streams.rows.set(streamId, { ...row, status: 'paused', positionSeq: 60, positionMs: sample(gameId).frames[60]!.t });
    await w.ports.connections.detach(alice.connectionId);
    w.ports.broadcaster.posts.length = 0;
    await rejoinStream(w.ports, w.config, alice, { action: 'rejoin', streamId, lastSeq: 49, epoch: row.epoch });
    const out = w.posted(alice.connectionId);
    const joined = out.find((m): m is JoinedMessage => m.type === 'joined')!;
    expect(joined.movedFrom).toBeUndefined();
    expect(joined.snapshot).toEqual({ seq: 50, state: await expected(gameId, 50) });
    const replayed = out.flatMap((m) => (m.type === 'frames' ? m.frames.map((f) => f.seq) : []));
    expect(replayed).toEqual(Array.from({ length: 10 }, (_, i) => 50 + i));
  });
});

describe('joinedWithMarkers', () => {
  const joined = { type: 'joined', streamId: 's', snapshot: { seq: 0, state: { big: 'x'.repeat(60_000) } }, markers: [], leadMs: 0 } as unknown as JoinedMessage;

  it('keeps every marker in joined when they fit', () => {
    const markers: WireMarker[] = [{ t: 1, seq: 1, label: 'game', kind: 'game' }];
    expect(joinedWithMarkers(joined, markers)).toEqual([{ ...joined, markers }]);
  });

  it('sends the rest in markers messages, each under the message limit, in order', () => {
    const markers: WireMarker[] = Array.from({ length: 2000 }, (_, i) => ({ t: i * 1000, seq: i, label: `a long label for moment ${i} `.repeat(3), kind: 'game' }));
    const [first, ...rest] = joinedWithMarkers(joined, markers);
    expect(first.markersFollow).toBe(true);
    expect(rest.length).toBeGreaterThan(0);
    for (const m of [first, ...rest]) expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(rest.every((m: MarkersMessage) => m.type === 'markers' && m.streamId === 's')).toBe(true);
    expect([...first.markers!, ...rest.flatMap((m) => m.markers)]).toEqual(markers);
  });
});
