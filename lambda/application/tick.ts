/**
 * Running one tick: one step of the `Player` workflow (core/workflow.ts). It sends every
 * frame of its stream that falls due while it runs, then tells the workflow what next.
 *
 * For each batch (core/planner.ts): wait until it is due — sleeping in the Lambda for short
 * gaps, handing long ones to the `Wait` state (threshold from core/cost.ts) — then claim it
 * with a conditional write on (epoch, positionSeq) and fan it out. The claim is the fence:
 * once a control change bumps the epoch, this execution's next claim fails and it ends, so
 * frames of two epochs never interleave and a paused stream sends nothing more.
 *
 * A stream with a playout buffer (StreamRow `leadMs` > 0; docs/PROTOCOL.md "Playout buffer
 * (1.1)") batches every frame due within `leadMs` of the first and sends the batch `leadMs`
 * before the last of them is due — no frame more than `leadMs` early — each frame carrying its
 * `dueAt` (integer epoch ms, rounded up so that a client never shows it early). The claim is
 * unchanged (positionSeq = the next frame not sent); the row's anchor moves to the batch's
 * send time on the same clock line, so `anchorAt` stays the last fan-out's start and the
 * media time at any later instant stays exact.
 *
 * Metrics (contract/metrics.ts): `FramesSent` (frames fanned out), `FrameLateness` (one per
 * frame: when its fan-out began − when it was to be posted, ms: its due time, or with a playout
 * buffer its batch's send time — so it measures the tick against its schedule either way; a
 * viewer of a buffered stream sees a frame late only once this exceeds `leadMs`; without one,
 * a frame earlier in its 25 ms batch than the last waits for it, a few ms), `TickDuration`
 * (one per invocation, ms) and `TickFailures` (a tick that threw, or ended its stream `failed`).
 */
import type { UserQuotas } from '../ports/quotas';
import { dueAt, frameTime } from '../core/clock';
import { stateMessage } from '../core/control';
import { sleepThresholdMs } from '../core/cost';
import { isFinished, isTickable, leadOf } from '../core/lifecycle';
import type { StreamRow } from '../../contract/rows';
import { decideGap, tickOutput, withDueAt, type PlannerConfig } from '../core/planner';
import { framesMessages, type WireFrame } from '../../protocol/server';
import type { TickInput, TickNext, TickOutput } from '../core/workflow';
import type { Broadcaster } from '../ports/broadcaster';
import { StaleEpochError } from '../ports/errors';
import type { Log } from '../ports/log';
import { NO_METRICS, type Metrics } from '../ports/metrics';
import type { StreamStore } from '../ports/streams';
import type { Time } from '../ports/time';
import type { Workflow } from '../ports/workflow';
import { endStream } from './end-stream';
import { frameSourceFor, type FramePorts } from './frames';

/** Ports of {@link runTick}. */
export interface TickPorts extends FramePorts {
  streams: Pick<StreamStore, 'get' | 'update'>;
  broadcaster: Pick<Broadcaster, 'fanOut'>;
  workflow: Pick<Workflow, 'arnFor' | 'stop'>;
  time: Time;
  log: Log;
  /** FramesSent, FrameLateness, TickDuration, TickFailures (default: nowhere). */
  metrics?: Metrics;
  /** Released when the tick ends its stream (end-stream.ts); default none. */
  quotas?: Pick<UserQuotas, 'release'>;
}

/** Settings of {@link runTick}. */
export interface TickConfig {
  /** Wall-clock limit (ms) of one stream, from its start: it then ends `max_duration` (MAX_STREAM_SECONDS). */
  maxStreamMs: number;
}

/** What the tick needs of the Lambda context. */
export interface TickContext {
  /** The function's memory (MB): it sets the sleep-or-wait threshold (core/cost.ts). */
  memoryLimitInMB: string | number;
  /** Milliseconds left before the function times out. */
  getRemainingTimeInMillis(): number;
}

/** Claim a batch this long before it is due, so the conditional write's latency does not delay it. */
const CLAIM_LEAD_MS = 30;

const planner = (memoryMb: number): PlannerConfig => ({
  batchQuantumMs: 25,
  waitThresholdMs: sleepThresholdMs(memoryMb),
  wakeLeadMs: 1500,
  // Room for the last batch's claim and fan-out (a fan-out to 1,000 viewers takes ~1 s on
  // AWS; its per-post retries are bounded at ~13 s) before the 2-minute timeout.
  deadlineMarginMs: 15_000,
});

/**
 * Run one tick of `input`'s stream and epoch; returns what the workflow does next (`tick`,
 * `wait` with whole `waitSeconds`, `continue` as a new execution, or `end`). A tick of a
 * stale epoch, or of a stream not in a tickable status, ends at once; a claim fenced off by
 * a newer epoch ends the execution. Throws the ports' errors (the workflow retries, then
 * records the failure: `input.failure`).
 */
export async function runTick(ports: TickPorts, config: TickConfig, input: TickInput, context: TickContext): Promise<TickOutput> {
  const metrics = ports.metrics ?? NO_METRICS;
  const startedAt = ports.time.now();
  try {
    return await tickOnce(ports, config, input, context);
  } catch (e) {
    // The fence, wherever it was hit: a conditional write on this execution's epoch lost, so a
    // newer epoch (a control, a restart) owns the stream and this execution must end — never
    // fail, which the workflow would retry and then record as the stream's failure.
    if (!isStaleEpoch(e)) {
      metrics.add('TickFailures', 1);
      throw e;
    }
    ports.log.warn('tick fenced off by a newer epoch', { streamId: input.streamId, epoch: input.epoch, at: (e as Error).stack?.split('\n').slice(0, 6).join(' | ') });
    return tickOutput(input, 'end');
  } finally {
    metrics.add('TickDuration', ports.time.now() - startedAt);
  }
}

/**
 * Fan `frames` out to `stream`'s connections as `frames` messages (each frame with its `dueAt`
 * on a buffered stream, {@link withDueAt}) and count them: `FramesSent`, and one
 * `FrameLateness` per frame — the time the fan-out began minus when it was to be posted: its
 * due time on `clock` (the stream row the frames were claimed on), ms; with a playout buffer,
 * `sendAt` (the batch's send time) or, for a re-sent batch, its due time less `leadMs`.
 */
async function sendFrames(ports: TickPorts, stream: StreamRow, clock: StreamRow, frames: readonly WireFrame[], sendAt?: number): Promise<void> {
  const postedAt = ports.time.now();
  // The audience lets a sharding broadcaster hand a big stream's batch to fan-out workers (adapters/sharded-fanout.ts).
  await ports.broadcaster.fanOut(stream.streamId, framesMessages(stream.streamId, stream.epoch, withDueAt(frames, clock)), { audience: stream.clientCount });
  const metrics = ports.metrics ?? NO_METRICS;
  if (frames.length > 0) metrics.add('FramesSent', frames.length);
  const lead = leadOf(clock);
  for (const f of frames) {
    const due = dueAt(clock, frameTime(f, clock.delayMs));
    const scheduled = lead > 0 ? Math.min(due, sendAt ?? due - lead) : due;
    metrics.add('FrameLateness', postedAt - scheduled);
  }
}

/** A lost epoch-conditional write ({@link StaleEpochError}), by class or, across module instances, by name. */
function isStaleEpoch(e: unknown): boolean {
  return e instanceof StaleEpochError || (e instanceof Error && e.name === 'StaleEpochError');
}

async function tickOnce(ports: TickPorts, config: TickConfig, input: TickInput, context: TickContext): Promise<TickOutput> {
  const { maxStreamMs } = config;
  const clock = () => ports.time.now();
  const sleep = (ms: number) => ports.time.sleep(ms);
  const source = (row: StreamRow) => frameSourceFor(ports, row);
  const fanOut = (streamId: string, messages: Parameters<TickPorts['broadcaster']['fanOut']>[1]) => ports.broadcaster.fanOut(streamId, messages);
  const getStream = (streamId: string, opts: { consistent?: boolean }) => ports.streams.get(streamId, opts);
  const updateStream: TickPorts['streams']['update'] = (...a) => ports.streams.update(...a);
  const end_ = (stream: StreamRow, reason: Parameters<typeof endStream>[2], opts: Parameters<typeof endStream>[4]) => endStream(ports, stream, reason, 'system', opts);
  const logger = ports.log;

  const end = () => tickOutput(input, 'end');
  let stream = await getStream(input.streamId, { consistent: true });
  if (input.failure) {
    if (stream && stream.epoch === input.epoch && !isFinished(stream)) {
      const reason = `${input.failure.Error ?? 'Error'}: ${input.failure.Cause ?? 'tick failed after its retries'}`;
      await end_(stream, 'failed', { failureReason: reason, stopExecution: false });
      (ports.metrics ?? NO_METRICS).add('TickFailures', 1);
    }
    return end();
  }
  if (!stream || stream.epoch !== input.epoch || !isTickable(stream)) return end();
  const cfg = planner(Number(context.memoryLimitInMB) || 512);

  try {
    if (stream.status === 'awaiting_start') {
      // A scheduled stream: wait for its start like for a frame, then it plays.
      const decision = decideGap((stream.startsAt ?? stream.anchorAt) - clock(), context.getRemainingTimeInMillis(), cfg);
      if (decision.action === 'return') return tickOutput(input, decision.next, decision.next === 'wait' ? decision.waitSeconds : 0);
      await sleep(decision.ms);
      stream = await updateStream(stream.streamId, stream.epoch, { status: 'playing', updatedAt: clock() }, { expectStatus: ['awaiting_start'] });
      await fanOut(stream.streamId, [stateMessage(stream, 'system')]);
    }
    if (stream.status === 'starting') {
      stream = await updateStream(stream.streamId, stream.epoch, { status: 'playing', updatedAt: clock() }, { expectStatus: ['starting'] });
      await fanOut(stream.streamId, [stateMessage(stream, 'system')]);
    }
    if (stream.generation !== input.generation) {
      // A continue-as-new successor: record it so controls and the sweeper address this execution.
      stream = await updateStream(stream.streamId, stream.epoch, { generation: input.generation, updatedAt: clock() });
    }
    if (clock() - (stream.startsAt ?? stream.createdAt) > maxStreamMs) {
      await end_(stream, 'max_duration', { stopExecution: false });
      return end();
    }
    if (hasUnsent(stream)) {
      // Its predecessor crashed mid-fan-out — or is alive and still on it (a duplicate
      // execution, a retry after a timeout): give it the time a batch can take, then look again.
      const decision = decideGap(Math.max(stream.anchorAt, stream.lastTickAt ?? 0) + RESEND_SETTLE_MS - clock(), context.getRemainingTimeInMillis(), cfg);
      if (decision.action === 'return') return tickOutput(input, decision.next, decision.next === 'wait' ? decision.waitSeconds : 0);
      await sleep(decision.ms);
      const again = await getStream(stream.streamId, { consistent: true });
      if (!again || again.epoch !== stream.epoch || again.status !== 'playing') return end();
      // Unchanged since: nobody is sending it — send it again. Changed: a live tick moved on.
      stream = again.positionSeq === stream.positionSeq && again.sentSeq === stream.sentSeq ? await resendUnsent(ports, again) : again;
    }
    const reader = source(stream).cursor(stream.positionSeq, stream.frameCount);
    /** Leave the loop for the workflow: the last batch was fanned out completely, so record it. */
    const yieldTo = async (row: StreamRow, next: TickNext, waitSeconds = 0): Promise<TickOutput> => {
      await recordSent(ports, row);
      return tickOutput(input, next, waitSeconds);
    };
    for (;;) {
      if (stream.positionSeq >= stream.frameCount) {
        const more = await reader.refresh(stream);
        if (more === 'finished') {
          await end_(stream, 'finished', { stopExecution: false });
          return end();
        }
        if (more === 'waiting') {
          // Caught up with a live game: look for new events every LIVE_POLL_MS while there is time.
          stream = await recordSent(ports, stream);
          const decision = decideGap(LIVE_POLL_MS, context.getRemainingTimeInMillis(), cfg);
          if (decision.action === 'return') return yieldTo(stream, decision.next, decision.next === 'wait' ? decision.waitSeconds : 0);
          await sleep(decision.ms);
          // Fenced like a claim: a control change (pause, seek, stop) ends this execution.
          const now = await getStream(stream.streamId, { consistent: true });
          if (!now || now.epoch !== stream.epoch || now.status !== 'playing') return end();
          continue;
        }
        stream = { ...stream, ...more };
      }
      const leadMs = leadOf(stream);
      const batch = await reader.nextBatch(stream, leadMs > 0 ? { ...cfg, leadMs } : cfg);
      if (!batch) throw new Error(`recording ${stream.recordingKey} has no frame ${stream.positionSeq}`);
      // When it goes out: when its last frame is due, or with a playout buffer leadMs before.
      const sendAt = batch.sendAt ?? batch.dueAt;
      const decision = decideGap(sendAt - clock(), context.getRemainingTimeInMillis(), cfg);
      if (decision.action === 'return') return yieldTo(stream, decision.next, decision.next === 'wait' ? decision.waitSeconds : 0);
      await sleep(decision.ms - CLAIM_LEAD_MS);
      const last = batch.frames.at(-1)!;
      const lastT = frameTime(last, stream.delayMs);
      const now = clock();
      const before = stream;
      stream = await claim(ports, stream, {
        positionSeq: last.seq + 1,
        ...anchorAfter(stream, lastT, batch.sendAt),
        framesSent: stream.framesSent + batch.frames.length,
        // The previous batch's fan-out finished before this claim: everything below here is sent.
        sentSeq: stream.positionSeq,
        ...(stream.livePlayback ? { frameCount: stream.frameCount, durationMs: stream.durationMs } : {}),
        lastTickAt: now,
        updatedAt: now,
      }).catch(async (e: unknown) => {
        // Dying here, every batch claimed so far was fanned out: say so, or the retry repeats the last one.
        if (!(e instanceof StaleEpochError)) await recordSent(ports, before).catch(() => undefined);
        throw e;
      });
      await sleep(sendAt - clock());
      await sendFrames(ports, stream, before, batch.frames, batch.sendAt);
      reader.consumed(batch.frames.length);
    }
  } catch (e) {
    if (e instanceof StaleEpochError) {
      logger.info('tick fenced off by a newer epoch', { streamId: input.streamId, epoch: input.epoch });
      return end();
    }
    throw e;
  }
}

/**
 * The clock fields a claim writes, on `stream`'s clock line (so no due time moves): at the
 * last claimed frame (media `lastT`, due at its time) — or, for a batch sent ahead at
 * `sendAt` (a playout buffer), at the batch's send time (never before the row's own anchor:
 * a start lead), so `anchorAt` is when the last fan-out began and `mediaAt` is exact after it.
 */
function anchorAfter(stream: StreamRow, lastT: number, sendAt: number | undefined): Pick<StreamRow, 'positionMs' | 'anchorAt'> {
  if (sendAt === undefined) return { positionMs: lastT, anchorAt: dueAt(stream, lastT) };
  const anchorAt = Math.max(sendAt, stream.anchorAt);
  return { positionMs: Math.min(lastT, stream.positionMs + (anchorAt - stream.anchorAt) * stream.speed), anchorAt };
}

/**
 * Claim a batch: the conditional write of the position after it, on (epoch, positionSeq,
 * status `playing`). Throws {@link StaleEpochError} when the stream moved on (a control, a
 * restart, another tick). One exception is recognised: when the write was applied but its
 * answer was lost (a 5xx after the fact) the SDK's retry fails the condition — the row then
 * holds exactly this claim (same epoch, the claimed `positionSeq` and this claim's
 * `lastTickAt` ms), so the claim stands and the tick goes on instead of stalling the stream
 * until a zombie restart.
 */
async function claim(
  ports: TickPorts,
  stream: StreamRow,
  changes: Pick<StreamRow, 'positionSeq' | 'positionMs' | 'anchorAt' | 'framesSent' | 'sentSeq' | 'lastTickAt' | 'updatedAt'> & Partial<Pick<StreamRow, 'frameCount' | 'durationMs'>>,
): Promise<StreamRow> {
  try {
    return await ports.streams.update(stream.streamId, stream.epoch, changes, { expectPositionSeq: stream.positionSeq, expectStatus: ['playing'] });
  } catch (e) {
    if (!(e instanceof StaleEpochError)) throw e;
    const row = await ports.streams.get(stream.streamId, { consistent: true });
    const ours = row && row.status === 'playing' && row.epoch === stream.epoch && row.positionSeq === changes.positionSeq && row.lastTickAt === changes.lastTickAt;
    if (!ours) throw e;
    ports.log.warn('claim applied but its answer was lost; going on', { streamId: stream.streamId, positionSeq: row.positionSeq });
    return row;
  }
}

/**
 * How long (ms) after a claimed batch was due a retried tick waits before taking it for
 * unsent: a live tick has by then fanned it out (≤ ~13 s: 4 tries of 3 s) and slept to its
 * next claim or yielded (≤ the ~11 s sleep threshold) — either of which records it sent.
 */
const RESEND_SETTLE_MS = 30_000;

/** True when a batch of this epoch was claimed but is not recorded as fanned out completely. */
function hasUnsent(row: StreamRow): boolean {
  return row.sentSeq !== undefined && row.sentSeq < row.positionSeq && row.sentSeq >= row.epochStartSeq;
}

/** Record that every claimed batch of `row` was fanned out completely (`sentSeq` = `positionSeq`), conditional on the position. */
async function recordSent(ports: TickPorts, row: StreamRow): Promise<StreamRow> {
  if (row.sentSeq === row.positionSeq) return row;
  return ports.streams.update(row.streamId, row.epoch, { sentSeq: row.positionSeq }, { expectPositionSeq: row.positionSeq, expectStatus: ['playing'] });
}

/**
 * Recovery from a tick that crashed mid-window: it had claimed a batch —
 * `[sentSeq, positionSeq)` of this epoch — and died before that batch's fan-out finished, so
 * some clients (or all) never got it (the caller has waited {@link RESEND_SETTLE_MS} to tell
 * a dead predecessor from a live one). Send it again before anything else: late, never
 * early; a client that did get it drops the repeat by `seq` (PROTOCOL.md "Guarantees"). Then
 * record it sent (conditional on the position, like a claim: a newer epoch fences this off).
 */
async function resendUnsent(ports: TickPorts, stream: StreamRow): Promise<StreamRow> {
  if (!hasUnsent(stream)) return stream;
  const from = stream.sentSeq!;
  const frames = await frameSourceFor(ports, stream).read(from, stream.positionSeq);
  await sendFrames(ports, stream, stream, frames);
  ports.log.warn('re-sent the batch a crashed tick had claimed', { streamId: stream.streamId, epoch: stream.epoch, fromSeq: from, toSeq: stream.positionSeq });
  return ports.streams.update(stream.streamId, stream.epoch, { sentSeq: stream.positionSeq, updatedAt: ports.time.now() }, { expectPositionSeq: stream.positionSeq, expectStatus: ['playing'] });
}

/** How often (ms) a replay that caught up with a live game looks for new events. */
const LIVE_POLL_MS = 500;
