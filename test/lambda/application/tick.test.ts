/**
 * The tick use case (application/tick.ts `runTick`) on in-memory ports and a clock the test
 * moves: it plays a recording to its end in seq order, and a newer epoch fences it off.
 */
import { runTick, type TickPorts } from '../../../lambda/application/tick';
import type { StreamRow } from '../../../contract/rows';
import { indexRecording, serializeRecording } from '../../../protocol/recording';
import type { FramesMessage, WireFrame } from '../../../protocol/messages';
import { streamRowFixture } from '../../support/aws-local';
import { FakeBroadcaster, FakeWorkflow, InMemoryGameCatalog, InMemoryRecordingStore, InMemoryStreamStore, ManualTime, RecordingMetrics } from '../fakes';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const N = 6;

function setup(over: Partial<StreamRow> = {}) {
  const time = new ManualTime(1_000_000);
  const frames: WireFrame[] = Array.from({ length: N }, (_, seq) => ({ seq, t: seq * 2000, type: 'point', data: { seq } }));
  const text = serializeRecording({ format: 'matchcast/1', gameId: 'g1', kind: 'tennis', title: 'G1', participants: [], durationMs: (N - 1) * 2000, frameCount: N, meta: {} }, frames);
  const recordings = new InMemoryRecordingStore();
  void recordings.put('recordings/g1.jsonl', text);
  void recordings.put('recordings/g1.idx.json', JSON.stringify(indexRecording(text, { every: 2 }).index));
  const row = streamRowFixture('spectate:g1', {
    status: 'starting', epoch: 1, positionSeq: 0, positionMs: 0, epochStartSeq: 0, anchorAt: time.now() + 1000, speed: 1,
    recordingKey: 'recordings/g1.jsonl', indexKey: 'recordings/g1.idx.json', frameCount: N, durationMs: (N - 1) * 2000, createdAt: time.now(), ...over,
  });
  const streams = new InMemoryStreamStore([row]);
  const broadcaster = new FakeBroadcaster();
  const ports: TickPorts = { streams, games: new InMemoryGameCatalog(), recordings, broadcaster, workflow: new FakeWorkflow(), time, log: silent };
  const started = time.now();
  const context = { memoryLimitInMB: 512, getRemainingTimeInMillis: () => 120_000 - (time.now() - started) };
  return { ports, streams, broadcaster, time, context };
}

const input = { streamId: 'spectate:g1', epoch: 1, generation: 0, iteration: 0 };

describe('runTick', () => {
  it('plays every frame in seq order, none early, then ends the stream finished', async () => {
    const { ports, streams, broadcaster, context, time } = setup();
    const sentAt: number[] = [];
    const fanOut = broadcaster.fanOut.bind(broadcaster);
    broadcaster.fanOut = async (id, messages, opts) => {
      for (const m of messages) if (m.type === 'frames') sentAt.push(time.now());
      return fanOut(id, messages, opts);
    };
    const out = await runTick(ports, { maxStreamMs: 8 * 3600_000 }, input, context);
    expect(out.next).toBe('end');
    const messages = broadcaster.sentTo('spectate:g1');
    expect(messages[0]).toMatchObject({ type: 'state', status: 'playing', epoch: 1 });
    const frames = messages.filter((m): m is FramesMessage => m.type === 'frames');
    expect(frames.flatMap((m) => m.frames.map((f) => f.seq))).toEqual([0, 1, 2, 3, 4, 5]);
    // Frame seq k (t = 2 s·k) is due at anchorAt + 2 s·k.
    sentAt.forEach((at, k) => expect(at).toBeGreaterThanOrEqual(1_001_000 + 2000 * k));
    expect(messages.slice(-2).map((m) => m.type)).toEqual(['state', 'ended']);
    expect(await streams.get('spectate:g1')).toMatchObject({ status: 'ended', endedReason: 'finished', positionSeq: N });
  });

  it('ends at once, sending nothing, for a stale epoch', async () => {
    const { ports, broadcaster, context } = setup({ epoch: 2 });
    expect((await runTick(ports, { maxStreamMs: 8 * 3600_000 }, input, context)).next).toBe('end');
    expect(broadcaster.fanOuts).toEqual([]);
  });

  it('is fenced off by a control that bumps the epoch before its first claim', async () => {
    const { ports, streams, broadcaster, context } = setup({ status: 'playing' });
    streams.beforeUpdate = (id, expected, changes) => {
      if (changes.positionSeq !== undefined && expected === 1) streams.poke(id, { epoch: 2, status: 'paused' });
    };
    expect((await runTick(ports, { maxStreamMs: 8 * 3600_000 }, input, context)).next).toBe('end');
    expect(broadcaster.sentTo('spectate:g1').filter((m) => m.type === 'frames')).toEqual([]);
  });

  it('ends a stream past its maximum duration with max_duration', async () => {
    const { ports, streams, context } = setup({ status: 'playing', createdAt: 0 });
    expect((await runTick(ports, { maxStreamMs: 1000 }, input, context)).next).toBe('end');
    expect((await streams.get('spectate:g1'))?.endedReason).toBe('max_duration');
  });

  it('ends, never fails, when recording a failure loses every write to newer epochs', async () => {
    const { ports, streams, context } = setup({ status: 'playing' });
    // Each write finds a newer epoch first: a control storm outlasting endStream's attempts.
    streams.beforeUpdate = async (id) => {
      const row = (await streams.get(id))!;
      streams.rows.set(id, { ...row, epoch: row.epoch + 1 });
    };
    const failure = { Error: 'Sandbox.Timedout', Cause: 'Task timed out' };
    await expect(runTick(ports, { maxStreamMs: 8 * 3600_000 }, { ...input, failure }, context)).resolves.toMatchObject({ next: 'end' });
  });
});

describe('runTick metrics', () => {
  it('counts every frame sent, one lateness sample per frame (fan-out start − due time), and one duration', async () => {
    const { ports, broadcaster, context, time } = setup();
    const metrics = new RecordingMetrics();
    ports.metrics = metrics;
    // Each fan-out of frames takes the clock 7 ms past the frames' due time before it begins.
    const sleep = time.sleep.bind(time);
    time.sleep = async (ms) => sleep(ms > 0 ? ms + 7 : ms);
    const startedAt = time.now();
    await runTick(ports, { maxStreamMs: 8 * 3600_000 }, input, context);
    const framesSent = broadcaster.sentTo('spectate:g1').filter((m): m is FramesMessage => m.type === 'frames').flatMap((m) => m.frames);
    expect(framesSent).toHaveLength(N);
    expect(metrics.sum('FramesSent')).toBe(N);
    expect(metrics.values('FrameLateness')).toEqual(Array.from({ length: N }, () => 7));
    expect(metrics.values('TickDuration')).toEqual([time.now() - startedAt]);
    expect(metrics.values('TickFailures')).toEqual([]);
    expect(metrics.points.every((p) => Object.keys(p.dimensions).length === 0)).toBe(true);
  });

  it('counts a tick that throws, and one that ends its stream failed, as TickFailures', async () => {
    const { ports, streams, context } = setup({ status: 'playing' });
    const metrics = new RecordingMetrics();
    ports.metrics = metrics;
    const get = streams.get.bind(streams);
    streams.get = async () => {
      throw new Error('DynamoDB unavailable');
    };
    await expect(runTick(ports, { maxStreamMs: 8 * 3600_000 }, input, context)).rejects.toThrow('DynamoDB unavailable');
    expect(metrics.sum('TickFailures')).toBe(1);
    streams.get = get;
    const failure = { Error: 'Error', Cause: 'DynamoDB unavailable' };
    await expect(runTick(ports, { maxStreamMs: 8 * 3600_000 }, { ...input, failure }, context)).resolves.toMatchObject({ next: 'end' });
    expect((await streams.get('spectate:g1'))?.status).toBe('failed');
    expect(metrics.sum('TickFailures')).toBe(2);
    expect(metrics.values('TickDuration')).toHaveLength(2);
  });
});
