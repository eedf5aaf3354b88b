/**
 * Faults: a tick that crashes mid-window, through the real tick handler against
 * dynalite (behind a fault-injecting proxy), s3rver and a fake `@connections` endpoint.
 *
 * tick.ts claims before it sends: for each batch it first advances `positionSeq` with a
 * conditional write (`epoch = :e AND positionSeq = :p`), then fans the batch out, then
 * plans the next one. So there is no moment at which frames have been sent but their
 * position is not yet persisted, and the guarantee across a crash of a tick (Step Functions
 * then retries the Tick task, which starts from the persisted row) is:
 *
 * - crash BEFORE a batch's claim (the claim write never applied): the retry sends that
 *   batch, exactly once — every client gets every frame once, in order;
 * - crash AFTER the claim and before/while the batch is posted: the row says so — its
 *   `sentSeq` (the end of the last batch fanned out completely) is below `positionSeq` — and
 *   the retry first sends `[sentSeq, positionSeq)` again (tick.ts `resendUnsent`), late but
 *   never early, then goes on: no client loses a frame; one that had already received part of
 *   the batch gets it twice and drops the repeat by `seq` (PROTOCOL.md "Guarantees");
 * - a claim whose write applied but whose answer was lost (a 500 after the fact): the SDK
 *   retries the conditional write and the retry fails its condition; the tick re-reads the
 *   row, finds its own claim there (tick.ts `claim`) and goes on — nothing lost, nothing
 *   repeated, no stall.
 *
 * A frame is sent twice within an epoch only in that second case, and only to clients that
 * got it before the crash.
 */
import type { DynamoRequest, FaultKind } from '../../support/dynamo-fault-proxy';
import type { Context } from 'aws-lambda';
import { streamRowFixture, useLocalAwsWithConnections } from '../../support/aws-local';
import { SDK_MAX_ATTEMPTS } from '../../../lambda/adapters/aws';
import { addClients, attachConnection, createStream, getStream, putConnection, recordings, repositories, updateStream } from './env-adapters';
import { AwsServiceError } from '../../../lambda/adapters/errors';
import { frameSourceFor } from '../../../lambda/application/frames';
import type { StreamRow } from '../../../contract/rows';
import type { WireFrame } from '../../../protocol/messages';
import { indexRecording, serializeRecording } from '../../../protocol/recording';
import type { TickInput, TickOutput } from '../../../lambda/core/workflow';
import { handler as tick } from '../../../lambda/handlers/tick';

// The handlers' custom metrics would print EMF JSON here; test/lambda/adapters/metrics.test.ts covers them.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

jest.setTimeout(60_000);

/** The tick's claim: UpdateItem on Streams conditional on positionSeq (tick.ts). */
const isClaim = (r: DynamoRequest) =>
  r.op === 'UpdateItem' && r.body.TableName === 'Streams' && String(r.body.ConditionExpression).includes('#positionSeq = :expectPositionSeq');
/** The fan-out's listing of the stream's connections (the first thing a post needs). */
const isFanOutQuery = (r: DynamoRequest) => r.op === 'Query' && r.body.TableName === 'Connections' && r.body.IndexName === 'byStream';
/** Matches `pred` requests after the first `n` of them. */
function after(n: number, pred: (r: DynamoRequest) => boolean): (r: DynamoRequest) => boolean {
  let seen = 0;
  return (r) => pred(r) && ++seen > n;
}

/** Frames `[fromSeq, toSeq)` of a stream's history, read as `rejoin` reads them. */
const readFrames = (stream: StreamRow, fromSeq: number, toSeq: number): Promise<WireFrame[]> =>
  frameSourceFor({ recordings: recordings(), games: repositories().games }, stream).read(fromSeq, toSeq);

// ---------------------------------------------------------------------------------------

const FRAMES = 12;
const GAP_MS = 200; // every frame its own batch (the batch quantum is 25 ms)
const REC = 'recordings/crash.jsonl';
const IDX = 'recordings/crash.idx.json';
const CLIENTS = ['c-a', 'c-b', 'c-c'];

const { fake, proxy } = useLocalAwsWithConnections({ s3: true, dynamoFaults: true });

beforeAll(async () => {
  const frames: WireFrame[] = Array.from({ length: FRAMES }, (_, seq) => ({ seq, t: seq * GAP_MS, type: 'point', data: { n: seq } }));
  const text = serializeRecording(
    { format: 'matchcast/1', gameId: 'crash', kind: 'tennis', title: 'Crash', participants: [], durationMs: (FRAMES - 1) * GAP_MS, frameCount: FRAMES, meta: {} },
    frames,
  );
  await recordings().put(REC, text, 'application/x-ndjson');
  await recordings().put(IDX, JSON.stringify(indexRecording(text, { every: 4 }).index), 'application/json');
});
afterEach(() => expect(proxy().pending()).toBe(0));

/** A playing stream whose frame 0 is due in 300 ms, with three attached, counted connections. */
async function playingStream(streamId: string): Promise<void> {
  const now = Date.now();
  const row = streamRowFixture(streamId, {
    gameId: 'crash',
    anchorAt: now + 300,
    title: 'Crash',
    recordingKey: REC,
    indexKey: IDX,
    durationMs: (FRAMES - 1) * GAP_MS,
    frameCount: FRAMES,
    createdAt: now,
    updatedAt: now,
  });
  await createStream(row);
  for (const id of CLIENTS) {
    await putConnection({ connectionId: id, userId: id, displayName: id, connectedAt: now, lastSeenAt: now, expiresAt: 9e9 });
    await attachConnection(id, streamId, 'spectator');
    await addClients(streamId, 1);
  }
}

const input = (streamId: string): TickInput => ({ streamId, epoch: 1, generation: 0, iteration: 0 });
/** A Lambda context with a minute left (the tick sleeps between batches inside it). */
const context = (): Context => {
  const deadline = Date.now() + 60_000;
  return { memoryLimitInMB: '512', getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
};
/** Seqs each client received, in arrival order (each `frames` message flattened). */
const received = (id: string): number[] =>
  fake().received(id).flatMap((b) => {
    const m = JSON.parse(b) as { type: string; frames?: Array<{ seq: number }> };
    return m.type === 'frames' ? m.frames!.map((f) => f.seq) : [];
  });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const row = async (id: string) => (await getStream(id, { consistent: true }))!;

describe('a tick crashing mid-window (claim-then-send)', () => {
  it('crash BEFORE a claim (the claim write fails through its retries): the retried tick sends that batch exactly once', async () => {
    await playingStream('s-before');
    // Batches 0–3 go out; the claim of batch 4 fails on every SDK attempt → the tick throws.
    proxy().inject(after(4, isClaim), ...Array<FaultKind>(SDK_MAX_ATTEMPTS).fill('InternalServerError'));
    const crash = await tick(input('s-before'), context()).catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(AwsServiceError);
    expect(await row('s-before')).toMatchObject({ status: 'playing', epoch: 1, positionSeq: 4, framesSent: 4 });
    for (const id of CLIENTS) expect(received(id)).toEqual(range(0, 4));

    // Step Functions retries the Tick task: it starts from the persisted position.
    const out = (await tick(input('s-before'), context())) as TickOutput;
    expect(out.next).toBe('end');
    for (const id of CLIENTS) expect(received(id)).toEqual(range(0, FRAMES)); // every frame once, in order
    expect(await row('s-before')).toMatchObject({ status: 'ended', endedReason: 'finished', positionSeq: FRAMES, framesSent: FRAMES });
  });

  it('crash AFTER a claim, before any post (the fan-out cannot list the connections): the retry sends that batch first, then the rest — no client loses a frame', async () => {
    await playingStream('s-after');
    // Batches 0–3 are claimed and sent; batch 4 is claimed, then its fan-out's byStream
    // Query fails through every SDK attempt → fanOut throws → the tick throws.
    proxy().inject(after(4, isFanOutQuery), ...Array<FaultKind>(SDK_MAX_ATTEMPTS).fill('InternalServerError'));
    const crash = await tick(input('s-after'), context()).catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(AwsServiceError);
    // The claim of batch 4 stands: positionSeq is past it, framesSent counts it — and sentSeq says it never went out.
    expect(await row('s-after')).toMatchObject({ status: 'playing', positionSeq: 5, framesSent: 5, sentSeq: 4 });
    for (const id of CLIENTS) expect(received(id)).toEqual(range(0, 4));

    // The retry cannot tell a dead predecessor from one still fanning out: it waits the settle
    // time first (a Wait state, here), sending nothing.
    const waiting = (await tick(input('s-after'), context())) as TickOutput;
    expect(waiting.next).toBe('wait');
    for (const id of CLIENTS) expect(received(id)).toEqual(range(0, 4));
    // Half a minute later (the row's clock moved back instead of waiting), nobody has recorded it sent: it goes again.
    const stuck = await row('s-after');
    await updateStream('s-after', 1, { anchorAt: stuck.anchorAt - 60_000, lastTickAt: stuck.lastTickAt! - 60_000 });
    const out = (await tick(input('s-after'), context())) as TickOutput;
    expect(out.next).toBe('end');
    // The claimed-but-unsent batch (seq 4) goes out first, then the rest: every frame once, in order.
    for (const id of CLIENTS) expect(received(id)).toEqual(range(0, FRAMES));
    expect(await row('s-after')).toMatchObject({ status: 'ended', positionSeq: FRAMES, framesSent: FRAMES });
    // `rejoin` still replays from the recording what the row says was sent.
    expect((await readFrames(await row('s-after'), 4, 5)).map((f) => f.seq)).toEqual([4]);
  });

  it('a claim applied but its answer lost (500 after the write): the tick recognises its own claim and goes on — every frame once, nothing stalls', async () => {
    await playingStream('s-lost');
    proxy().inject(after(4, isClaim), 'applied-then-500');
    const out = (await tick(input('s-lost'), context())) as TickOutput;
    expect(proxy().pending()).toBe(0); // the fault was injected
    expect(out.next).toBe('end');
    expect(await row('s-lost')).toMatchObject({ status: 'ended', endedReason: 'finished', epoch: 1, positionSeq: FRAMES, framesSent: FRAMES });
    for (const id of CLIENTS) expect(received(id)).toEqual(range(0, FRAMES));
  });
});
