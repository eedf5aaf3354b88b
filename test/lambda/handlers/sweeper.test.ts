/**
 * The sweeper and scheduled streams against the local DynamoDB stand-in, a fake
 * `@connections` endpoint and a tiny Step Functions stand-in (awsJson1_0, like
 * test/lambda/adapters/workflow.test.ts): a scheduled stream due within the lead is started
 * (→ `awaiting_start`, its execution started, `state` to its viewers), a future one is left
 * alone, a missed one starts at once shifted, none is ended idle before it started, and an
 * `awaiting_start` stream whose execution died is restarted still waiting for `startsAt`.
 */
import { createServer, type Server } from 'node:http';
import { setEnv, useLocalAwsWithConnections } from '../../support/aws-local';
import { listen } from '../../../local/listen';
import { ENV } from '../../../contract/env';
import { addClients, createStream, getStream, listStreamsByStatus, putConnection, updateStream } from '../adapters/env-adapters';
import { START_LEAD_MS } from '../../../lambda/core/control';
import { OPEN_STATUSES, type GameRow, type StreamRow } from '../../../contract/rows';
import type { ServerMessage } from '../../../protocol/messages';
import { newScheduledStreamRow, scheduledStreamId } from '../../../lambda/core/schedule';
import { executionName } from '../../../lambda/core/stream-keys';
import { runSweep } from '../../../lambda/application/sweep';
import { fromEnvironment, type SweepReport, type SweeperDeps } from '../../../lambda/handlers/sweeper';

// The handlers' custom metrics would print EMF JSON here; test/lambda/adapters/metrics.test.ts covers them.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:Player';
const execArn = (name: string) => `${SM.replace(':stateMachine:', ':execution:')}:${name}`;

// A Step Functions stand-in: StartExecution / DescribeExecution / StopExecution, recorded.
const starts: Array<{ name: string; input: unknown }> = [];
const executions = new Map<string, string>(); // arn → status
let sfn: Server;
let restoreEnv: () => void;

const { fake } = useLocalAwsWithConnections({ s3: false });

/** The sweeper's dependencies (handlers/sweeper.ts `fromEnvironment`), built on the first sweep, once the environment is set. */
let deps: SweeperDeps | undefined;
/** One sweep at `now` (epoch ms) on the sweeper function's adapters. */
function sweep(now: number): Promise<SweepReport> {
  deps ??= fromEnvironment(process.env);
  return runSweep(deps.ports, deps.config, now);
}

beforeAll(async () => {
  sfn = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>;
      const answer = (status: number, out: object) => res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(out));
      const missing = () => answer(400, { __type: 'com.amazonaws.states#ExecutionDoesNotExist', message: 'fake' });
      if (op === 'StartExecution') {
        const arn = execArn(body.name!);
        if (executions.has(arn)) return answer(400, { __type: 'com.amazonaws.states#ExecutionAlreadyExists', message: 'fake' });
        starts.push({ name: body.name!, input: JSON.parse(body.input!) });
        executions.set(arn, 'RUNNING');
        return answer(200, { executionArn: arn, startDate: 1_700_000_000 });
      }
      if (op === 'DescribeExecution') {
        const status = executions.get(body.executionArn!);
        return status ? answer(200, { executionArn: body.executionArn, stateMachineArn: SM, status, startDate: 1_700_000_000 }) : missing();
      }
      if (op === 'StopExecution') {
        if (!executions.has(body.executionArn!)) return missing();
        executions.set(body.executionArn!, 'ABORTED');
        return answer(200, { stopDate: 1_700_000_001 });
      }
      return answer(400, { __type: 'UnknownOperation', message: op });
    });
  });
  const port = await listen(sfn);
  restoreEnv = setEnv({ AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${port}`, [ENV.stateMachineArn]: SM });
});
afterAll(async () => {
  restoreEnv?.();
  sfn?.closeAllConnections();
  await new Promise((r) => sfn?.close(r));
});
beforeEach(() => {
  starts.length = 0;
});
afterEach(async () => {
  // Each test sweeps only its own streams: end what the previous one left.
  for (const s of await listStreamsByStatus(OPEN_STATUSES)) await updateStream(s.streamId, s.epoch, { status: 'ended' }).catch(() => undefined);
});

const NOW = Date.now();
const game: GameRow = {
  gameId: 'final',
  title: 'The final',
  kind: 'tennis',
  recordingKey: 'recordings/final.jsonl',
  indexKey: 'recordings/final.idx.json',
  durationMs: 600_000,
  frameCount: 40,
  participants: ['A', 'B'],
  createdAt: 0,
};
let ids = 0;

/** A scheduled stream row created `createdAgoMs` before NOW, starting at `startsAt`. */
async function scheduled(startsAt: number, createdAgoMs = 3_600_000): Promise<StreamRow> {
  const streamId = scheduledStreamId(game.gameId, `id${++ids}`);
  const row = newScheduledStreamRow({ streamId, game, request: { gameId: game.gameId, startsAt, speed: 1 }, now: NOW - createdAgoMs });
  await createStream(row);
  return row;
}

/** Attach a viewer connection to a stream (a row `byStream` lists) and count it there, as an attach does; returns the stream row after. */
async function viewer(connectionId: string, streamId: string): Promise<StreamRow> {
  await putConnection({ connectionId, userId: connectionId, displayName: connectionId, streamId, role: 'spectator', connectedAt: NOW, lastSeenAt: NOW, expiresAt: Math.floor(NOW / 1000) + 7200 });
  return (await addClients(streamId, 1, NOW))!;
}

const received = (connectionId: string): ServerMessage[] => fake().received(connectionId).map((b) => JSON.parse(b) as ServerMessage);
const row = async (streamId: string) => (await getStream(streamId, { consistent: true }))!;

describe('the sweeper starts scheduled streams on time', () => {
  it('starts one due within the 90 s lead (awaiting_start, execution, state) and leaves a future one alone', async () => {
    const due = await scheduled(NOW + 80_000);
    const scheduledLater = await scheduled(NOW + 100_000);
    await viewer('c-due', due.streamId);
    const future = await viewer('c-future', scheduledLater.streamId);

    const report = await sweep(NOW);
    expect(report).toMatchObject({ started: 1, ended: 0, restarted: 0, failed: 0 });

    const name = executionName(due.streamId, 1);
    expect(await row(due.streamId)).toMatchObject({
      status: 'awaiting_start',
      epoch: 1,
      generation: 0,
      startsAt: NOW + 80_000,
      anchorAt: NOW + 80_000,
      positionSeq: 0,
      executionArn: execArn(name),
      updatedAt: NOW,
    });
    expect(starts).toEqual([{ name, input: { streamId: due.streamId, epoch: 1, generation: 0, iteration: 0 } }]);
    expect(received('c-due')).toEqual([
      { type: 'state', streamId: due.streamId, status: 'awaiting_start', speed: 1, epoch: 1, positionMs: 0, positionSeq: 0, by: 'system' },
    ]);

    // The future one: untouched, no execution, nothing sent.
    expect(await row(future.streamId)).toEqual(future);
    expect(received('c-future')).toEqual([]);

    // The next sweep, 60 s later: the future one is now due; the started one is running and kept.
    starts.length = 0;
    expect(await sweep(NOW + 60_000)).toMatchObject({ started: 1, restarted: 0 });
    expect(starts.map((s) => s.name)).toEqual([executionName(future.streamId, 1)]);
    expect(await row(future.streamId)).toMatchObject({ status: 'awaiting_start', startsAt: NOW + 100_000 });
    expect(await row(due.streamId)).toMatchObject({ status: 'awaiting_start', epoch: 1 });
  });

  it('starts a stream whose start was missed at once, its first frame moved to now + START_LEAD_MS', async () => {
    const missed = await scheduled(NOW - 600_000);
    expect(await sweep(NOW)).toMatchObject({ started: 1 });
    expect(await row(missed.streamId)).toMatchObject({ status: 'awaiting_start', startsAt: NOW + START_LEAD_MS, anchorAt: NOW + START_LEAD_MS });
    expect(starts).toHaveLength(1);
  });

  it('never ends a scheduled stream idle before it started, however long it had no viewer', async () => {
    const lonely = await scheduled(NOW + 86_400_000, 10 * 86_400_000);
    expect(lonely.clientCount).toBe(0);
    expect(lonely.idleSince).toBe(NOW - 10 * 86_400_000);
    expect(await sweep(NOW)).toMatchObject({ started: 0, ended: 0 });
    expect(await row(lonely.streamId)).toEqual(lonely);
  });

  it('restarts an awaiting_start stream whose execution died, still waiting for its startsAt', async () => {
    const s = await scheduled(NOW + 80_000);
    expect(await sweep(NOW)).toMatchObject({ started: 1 });
    executions.set(execArn(executionName(s.streamId, 1)), 'FAILED'); // its execution died

    await viewer('c-zombie', s.streamId);
    expect(await sweep(NOW + 60_000)).toMatchObject({ restarted: 1 });
    const name = executionName(s.streamId, 2);
    expect(await row(s.streamId)).toMatchObject({ status: 'awaiting_start', epoch: 2, startsAt: NOW + 80_000, anchorAt: NOW + 80_000, restarts: 1, executionArn: execArn(name) });
    expect(starts.at(-1)).toEqual({ name, input: { streamId: s.streamId, epoch: 2, generation: 0, iteration: 0 } });
    expect(received('c-zombie')).toEqual([expect.objectContaining({ type: 'state', status: 'awaiting_start', epoch: 2, by: 'system' })]);
  });
});
