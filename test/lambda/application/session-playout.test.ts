/**
 * The playout buffer (docs/PROTOCOL.md "Playout buffer (1.1)") across the use cases, on
 * in-memory ports and a clock the test moves: the tick sends a lead window at once, `leadMs`
 * before its last frame is due, each frame with `dueAt`; pause and speed start the new epoch
 * at the first frame not yet due (resume sends it again); a join starts at the playhead and
 * gets the frames already sent ahead; a stream without a buffer is as before.
 */
import { applyControl, startStream, type ControlPorts } from '../../../lambda/application/control';
import { frameSourceFor } from '../../../lambda/application/frames';
import { attach } from '../../../lambda/application/session';
import { runTick } from '../../../lambda/application/tick';
import type { ConnectionRow, GameRow, StreamRow } from '../../../contract/rows';
import type { Caller } from '../../../lambda/core/ws-event';
import { indexRecording, serializeRecording } from '../../../protocol/recording';
import { MAX_MESSAGE_BYTES, type FramesMessage, type JoinedMessage, type ServerMessage, type StateMessage, type WireFrame } from '../../../protocol/messages';
import { streamRowFixture } from '../../support/aws-local';
import { FakeBroadcaster, FakeWorkflow, InMemoryConnectionRegistry, InMemoryGameCatalog, InMemoryRecordingStore, InMemoryStreamStore, ManualTime } from '../fakes';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
/** Frames one second of media apart: seq k at t = 1000·k ms. */
const N = 12;
const LEAD = 3000;
const T0 = 1_000_000;
const ID = 'pvai:g1:alice';
const game: GameRow = {
  gameId: 'g1', title: 'G1', kind: 'tennis', recordingKey: 'recordings/g1.jsonl', indexKey: 'recordings/g1.idx.json',
  durationMs: (N - 1) * 1000, frameCount: N, participants: [], createdAt: 0,
};

function world(over: Partial<StreamRow> = {}, pad = '') {
  const time = new ManualTime(T0);
  const frames: WireFrame[] = Array.from({ length: N }, (_, seq) => ({ seq, t: seq * 1000, type: 'point', data: pad ? { seq, pad } : { seq } }));
  const text = serializeRecording({ format: 'matchcast/1', gameId: 'g1', kind: 'tennis', title: 'G1', participants: [], durationMs: game.durationMs, frameCount: N, meta: {} }, frames);
  const recordings = new InMemoryRecordingStore();
  void recordings.put(game.recordingKey, text);
  void recordings.put(game.indexKey, JSON.stringify(indexRecording(text, { every: 2 }).index));
  const row = streamRowFixture(ID, {
    mode: 'pvai', controllers: ['alice'], status: 'playing', epoch: 1, positionSeq: 0, positionMs: 0, epochStartSeq: 0, anchorAt: T0 + 1000, speed: 1,
    recordingKey: game.recordingKey, indexKey: game.indexKey, frameCount: N, durationMs: game.durationMs, createdAt: T0, leadMs: LEAD, clientCount: 1, ...over,
  });
  const games = new InMemoryGameCatalog([game]);
  const ports = {
    streams: new InMemoryStreamStore([row]),
    connections: new InMemoryConnectionRegistry(),
    games,
    recordings,
    broadcaster: new FakeBroadcaster(),
    workflow: new FakeWorkflow(),
    frames: (h: Parameters<typeof frameSourceFor>[1]) => frameSourceFor({ recordings, games }, h),
    snapshots: () => ({ snapshotAt: async (seq: number) => ({ seq, state: { before: seq } }), markers: async () => [] }),
    time,
    log: silent,
  } satisfies ControlPorts & Parameters<typeof runTick>[0];
  const sentAt: Array<{ at: number; message: FramesMessage }> = [];
  const fanOut = ports.broadcaster.fanOut.bind(ports.broadcaster);
  ports.broadcaster.fanOut = async (id, messages, opts) => {
    for (const m of messages) if (m.type === 'frames') sentAt.push({ at: time.now(), message: m });
    return fanOut(id, messages, opts);
  };
  /** Run the tick of `epoch` until it has sent `batches` batches (then it yields, out of Lambda time) or the stream ends. */
  const tick = async (epoch: number, batches = Infinity) => {
    const before = sentAt.length;
    const context = { memoryLimitInMB: 512, getRemainingTimeInMillis: () => (sentAt.length - before >= batches ? 0 : 120_000) };
    return runTick(ports, { maxStreamMs: 8 * 3600_000 }, { streamId: ID, epoch, generation: 0, iteration: 0 }, context);
  };
  const caller = async (userId: string): Promise<Caller> => {
    const connectionId = `c-${userId}`;
    const conn: ConnectionRow = { connectionId, userId, displayName: userId, connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 };
    if (!(await ports.connections.get(connectionId))) await ports.connections.put(conn);
    return { connectionId, userId, displayName: userId, requestId: 'r', routeKey: 'pause' };
  };
  const posted = (connectionId: string): ServerMessage[] => ports.broadcaster.posts.filter((p) => p.connectionId === connectionId).map((p) => p.message);
  const states = () => ports.broadcaster.sentTo(ID).filter((m): m is StateMessage => m.type === 'state');
  return { ports, time, sentAt, tick, caller, posted, states };
}

/** A world whose tick has sent its first lead batch (seq 0–3, due T0+1 s … T0+4 s), with alice attached. */
async function afterFirstBatch() {
  const w = world();
  await w.caller('alice');
  await w.ports.connections.attach('c-alice', ID, 'player');
  expect((await w.tick(1, 1)).next).not.toBe('end');
  return w;
}

describe('the tick with a playout buffer', () => {
  it('sends each lead window as one message, leadMs before its last frame is due, every frame with dueAt, none more than leadMs early', async () => {
    const w = world();
    expect((await w.tick(1)).next).toBe('end');
    const seqs = w.sentAt.map((s) => s.message.frames.map((f) => f.seq));
    // Frames due within 3 s of a batch's first travel together: 0–3, 4–7, 8–11.
    expect(seqs).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
    for (const { at, message } of w.sentAt) {
      for (const f of message.frames) {
        expect(f.dueAt).toBe(T0 + 1000 + f.t);
        expect(at).toBeGreaterThanOrEqual(f.dueAt! - LEAD);
        expect(at).toBeLessThanOrEqual(f.dueAt!);
      }
    }
    expect(w.sentAt.map((s) => s.at)).toEqual([T0 + 1000, T0 + 5000, T0 + 9000]);
  });

  it('splits a lead window too large for one message into messages under the 128 KB cap (API Gateway quotas), in seq order', async () => {
    const w = world({ leadMs: 6000 }, 'x'.repeat(30_000)); // seven 30 KB frames (the most a frame line may be is 32 KB) per 6 s window
    await w.tick(1);
    const sizes = w.sentAt.map((s) => Buffer.byteLength(JSON.stringify(s.message)));
    expect(sizes.every((b) => b <= MAX_MESSAGE_BYTES)).toBe(true);
    expect(w.sentAt.length).toBeGreaterThan(2);
    expect(w.sentAt.flatMap((s) => s.message.frames.map((f) => f.seq))).toEqual(Array.from({ length: N }, (_, k) => k));
    // The messages of one window go out together, leadMs before its last frame is due.
    expect([...new Set(w.sentAt.map((s) => s.at))]).toEqual([T0 + 1000, T0 + 6000]);
  });

  it('without a buffer sends as before: frames without dueAt, each batch when due', async () => {
    const w = world({ leadMs: undefined });
    await w.tick(1);
    expect(w.sentAt.map((s) => s.message.frames.map((f) => f.seq))).toEqual(Array.from({ length: N }, (_, k) => [k]));
    for (const { at, message } of w.sentAt) {
      expect(message.frames[0]!.dueAt).toBeUndefined();
      expect(at).toBe(T0 + 1000 + message.frames[0]!.t);
    }
  });

  it('records the claim on the same clock line, anchored at the send time', async () => {
    const w = await afterFirstBatch();
    expect(await w.ports.streams.get(ID)).toMatchObject({ positionSeq: 4, sentSeq: 4, anchorAt: T0 + 1000, positionMs: 0 });
  });
});

describe('controls after frames were sent ahead', () => {
  it('pause: state.positionSeq is the first frame not yet due; resume sends it again in the new epoch', async () => {
    const w = await afterFirstBatch();
    w.time.at = T0 + 2500; // media 1.5 s: frames 0 and 1 were due, 2 and 3 (sent ahead) are not
    await applyControl(w.ports, await w.caller('alice'), { action: 'pause' });
    const paused = await w.ports.streams.get(ID);
    expect(paused).toMatchObject({ status: 'paused', epoch: 2, positionSeq: 2, epochStartSeq: 2, positionMs: 1500 });
    expect(w.states().at(-1)).toMatchObject({ status: 'paused', epoch: 2, positionSeq: 2 });

    w.time.at = T0 + 60_000;
    await applyControl(w.ports, await w.caller('alice'), { action: 'resume' });
    expect(w.states().at(-1)).toMatchObject({ status: 'playing', epoch: 3, positionSeq: 2 });
    const resumedAt = w.time.now();
    const before = w.sentAt.length;
    await w.tick(3);
    const resent = w.sentAt.slice(before).flatMap((s) => s.message.frames);
    expect(resent.map((f) => f.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(w.sentAt.slice(before).every((s) => s.message.epoch === 3)).toBe(true);
    // Frame 2 (t 2 s) is due 0.5 s after the resume, as it would have been before the pause.
    expect(resent[0]!.dueAt).toBe(resumedAt + 500);
  });

  it('speed: the new epoch starts at the first frame not yet due', async () => {
    const w = await afterFirstBatch();
    w.time.at = T0 + 3200; // media 2.2 s: frame 3 is the first not yet due
    await applyControl(w.ports, await w.caller('alice'), { action: 'speed', speed: 2 });
    expect(await w.ports.streams.get(ID)).toMatchObject({ status: 'playing', epoch: 2, speed: 2, positionSeq: 3, epochStartSeq: 3, positionMs: 2200, anchorAt: T0 + 3200 });
    expect(w.states().at(-1)).toMatchObject({ epoch: 2, positionSeq: 3, speed: 2 });
  });

  it('seek is unchanged: it starts at its target', async () => {
    const w = await afterFirstBatch();
    w.time.at = T0 + 2500;
    await applyControl(w.ports, await w.caller('alice'), { action: 'seek', toMs: 7000 });
    expect(await w.ports.streams.get(ID)).toMatchObject({ epoch: 2, positionSeq: 7, positionMs: 7000 });
  });
});

describe('joining a stream that sent frames ahead', () => {
  it('joined carries leadMs, and its positionSeq and snapshot are at the playhead; the frames sent ahead follow with their dueAt, then live frames', async () => {
    const w = await afterFirstBatch();
    w.time.at = T0 + 2500;
    await w.caller('bob');
    const row = (await w.ports.streams.get(ID))!;
    await attach(w.ports, 'c-bob', 'bob', row, 'spectator');
    const [joined, ...rest] = w.posted('c-bob');
    // From the joiner's side the next frame is the playhead's: positionSeq and snapshot are there.
    expect(joined).toMatchObject({ type: 'joined', leadMs: LEAD, positionSeq: 2, snapshot: { seq: 2, state: { before: 2 } } });
    const replayed = rest.filter((m): m is FramesMessage => m.type === 'frames').flatMap((m) => m.frames);
    expect(replayed.map((f) => [f.seq, f.dueAt])).toEqual([[2, T0 + 3000], [3, T0 + 4000]]);
    expect(await w.ports.connections.get('c-bob')).toMatchObject({ streamId: ID });
    // The stream's next batch reaches it live: every frame once, in order.
    await w.tick(1);
    const all = w.posted('c-bob').filter((m): m is FramesMessage => m.type === 'frames').flatMap((m) => m.frames.map((f) => f.seq));
    const live = w.sentAt.slice(1).flatMap((s) => s.message.frames.map((f) => f.seq));
    expect([...all, ...live]).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('a join while the first lead window is overdue (its tick is late) waits for the claim, then starts at the playhead: none of the window is lost', async () => {
    const w = world();
    await w.caller('alice');
    await w.ports.connections.attach('c-alice', ID, 'player');
    await w.caller('bob');
    // The window 0–3 was to go out at T0 + 1 s; its tick (a cold start) claims it only now,
    // at the first moment the joiner waits or attaches — between its quiet check and its attach.
    w.time.at = T0 + 1500;
    let late: Promise<unknown> | undefined;
    const runLate = () => (late ??= w.tick(1, 1));
    const sleep = w.time.sleep.bind(w.time);
    w.time.sleep = async (ms) => (late ? sleep(ms) : (await runLate(), sleep(ms)));
    const attachConnection = w.ports.connections.attach.bind(w.ports.connections);
    w.ports.connections.attach = async (...args) => (await runLate(), attachConnection(...args));
    await attach(w.ports, 'c-bob', 'bob', (await w.ports.streams.get(ID))!, 'spectator');
    w.time.sleep = sleep;
    expect(w.sentAt.map((s) => s.message.frames.map((f) => f.seq))).toEqual([[0, 1, 2, 3]]);
    const [joined] = w.posted('c-bob');
    // Frame 0 was due before bob came (T0 + 1 s): he starts at frame 1, with its snapshot.
    expect(joined).toMatchObject({ type: 'joined', positionSeq: 1, snapshot: { seq: 1 } });
    expect(await w.ports.connections.get('c-bob')).toMatchObject({ streamId: ID });
    // The stream's next batches reach it live (attached): every frame once, in order.
    await w.tick(1);
    const replayed = w.posted('c-bob').filter((m): m is FramesMessage => m.type === 'frames').flatMap((m) => m.frames.map((f) => f.seq));
    const live = w.sentAt.slice(1).flatMap((s) => s.message.frames.map((f) => f.seq));
    expect([...replayed, ...live]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('a join whose attach outlasts its quiet moment (the tick claimed and fanned out a batch meanwhile) is greeted after that batch: it misses none', async () => {
    const w = world({ leadMs: undefined, positionSeq: 4, epochStartSeq: 0, anchorAt: T0 + 4000, positionMs: 3000 });
    w.time.at = T0 + 2500; // frame 4 is due at T0 + 5 s: quiet now
    await w.caller('alice');
    await w.ports.connections.attach('c-alice', ID, 'player');
    await w.caller('bob');
    // The frames each fan-out carried to bob: those fanned out once his attach had landed.
    const reached: number[] = [];
    const fanOut = w.ports.broadcaster.fanOut.bind(w.ports.broadcaster);
    w.ports.broadcaster.fanOut = async (id, messages, opts) => {
      const attached = (await w.ports.connections.get('c-bob'))?.streamId === ID;
      for (const m of messages) if (attached && m.type === 'frames') reached.push(...m.frames.map((f) => f.seq));
      return fanOut(id, messages, opts);
    };
    // Writing bob's attach takes so long (a busy machine) that frame 4 falls due, is claimed
    // and fanned out to the stream before it lands.
    const attachConnection = w.ports.connections.attach.bind(w.ports.connections);
    w.ports.connections.attach = async (...args) => {
      if (args[0] === 'c-bob') await w.tick(1, 1);
      return attachConnection(...args);
    };
    await attach(w.ports, 'c-bob', 'bob', (await w.ports.streams.get(ID))!, 'spectator');
    expect(w.sentAt.map((s) => s.message.frames.map((f) => f.seq))).toEqual([[4]]);
    // Greeted after the batch it missed: joined's position and snapshot are past frame 4.
    expect(w.posted('c-bob')).toEqual([expect.objectContaining({ type: 'joined', positionSeq: 5, snapshot: { seq: 5, state: { before: 5 } } })]);
    await w.tick(1);
    expect(reached).toEqual([5, 6, 7, 8, 9, 10, 11]);
  });

  it('a rejoin whose attach outlasts its quiet moment is replayed the batch fanned out meanwhile: it misses none', async () => {
    const w = world({ leadMs: undefined, positionSeq: 4, epochStartSeq: 0, anchorAt: T0 + 4000, positionMs: 3000 });
    w.time.at = T0 + 2500;
    await w.caller('bob');
    const attachConnection = w.ports.connections.attach.bind(w.ports.connections);
    w.ports.connections.attach = async (...args) => {
      await w.tick(1, 1); // frame 4 claimed and fanned out before the attach lands
      return attachConnection(...args);
    };
    await attach(w.ports, 'c-bob', 'bob', (await w.ports.streams.get(ID))!, 'spectator', { replay: { epoch: 1, fromSeq: 3 } });
    expect(w.sentAt.map((s) => s.message.frames.map((f) => f.seq))).toEqual([[4]]);
    const replayed = w.posted('c-bob').filter((m): m is FramesMessage => m.type === 'frames').map((m) => m.frames.map((f) => f.seq));
    expect(replayed).toEqual([[3], [4]]);
  });

  it('a stream without a buffer greets with leadMs 0 and replays nothing', async () => {
    const w = world({ leadMs: undefined, positionSeq: 4, epochStartSeq: 0, anchorAt: T0 + 4000, positionMs: 3000 });
    w.time.at = T0 + 2500;
    await w.caller('bob');
    await attach(w.ports, 'c-bob', 'bob', (await w.ports.streams.get(ID))!, 'spectator');
    expect(w.posted('c-bob').map((m) => m.type)).toEqual(['joined']);
    expect(w.posted('c-bob')[0]).toMatchObject({ leadMs: 0, snapshot: { seq: 4 } });
  });
});

describe('new streams', () => {
  it('a spectate stream of a recorded game gets the configured lead, a pvai one none', async () => {
    const w = world();
    const config = { maxClients: 100, spectateLeadMs: 2500 };
    await startStream(w.ports, config, await w.caller('ann'), { action: 'start', gameId: 'g1', mode: 'spectate' });
    expect((await w.ports.streams.get('spectate:g1'))?.leadMs).toBe(2500);
    expect((w.posted('c-ann')[0] as JoinedMessage).leadMs).toBe(2500);
    await startStream(w.ports, config, await w.caller('cat'), { action: 'start', gameId: 'g1', mode: 'pvai' });
    expect((await w.ports.streams.get('pvai:g1:cat'))?.leadMs).toBeUndefined();
  });

  it('the starter of a buffered stream is greeted at once, though its first lead window is to go out at once: no tick runs before its execution starts', async () => {
    const w = world();
    const at = w.time.now();
    // Frames 1 s apart from media 0, the first due 1 s after the start; a 7.95 s lead: the first
    // window (0–7) is to go out 50 ms after the start — at once, then overdue while nothing claims it.
    await startStream(w.ports, { maxClients: 100, spectateLeadMs: 7950 }, await w.caller('ann'), { action: 'start', gameId: 'g1', mode: 'spectate' });
    expect(w.time.now()).toBe(at); // it never waited for a quiet moment
    expect(w.posted('c-ann')[0]).toMatchObject({ type: 'joined', positionSeq: 0, leadMs: 7950 });
    expect(w.ports.workflow.started).toHaveLength(1);
  });
});
