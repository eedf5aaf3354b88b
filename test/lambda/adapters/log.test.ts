/**
 * Log lines with context (lambda/adapters/log.ts): every line a handler writes during an
 * invocation carries Powertools' Lambda context keys (`function_request_id`, `function_name`,
 * `cold_start`, …), and the tick's and the control function's lines the `streamId` and `epoch`
 * they work on — per invocation, also when invocations overlap in one process (local mode).
 */
import type { GameRow, StreamRow } from '../../../contract/rows';
import { appendLogKeys, log, logger, withLambdaContext } from '../../../lambda/adapters/log';
import { createHandler as createTick } from '../../../lambda/handlers/tick';
import { createHandler as createControl } from '../../../lambda/handlers/control';
import { streamRowFixture, wsEvent } from '../../support/aws-local';
import { FakeBroadcaster, FakeWorkflow, InMemoryConnectionRegistry, InMemoryGameCatalog, InMemoryRecordingStore, InMemoryStreamStore, ManualTime } from '../fakes';
import { recordedGame, silentFrames } from '../application/fixtures';

/** The JSON log lines written (stdout and stderr) while `fn` runs. */
async function linesOf(fn: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await fn();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A Lambda context as the Node.js runtime passes it (only the fields the logger reads, plus the tick's). */
const lambdaContext = (awsRequestId: string, functionName: string) => ({
  awsRequestId,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
  memoryLimitInMB: '512',
  getRemainingTimeInMillis: () => 120_000,
});

let level: string;
beforeAll(() => {
  level = logger.getLevelName();
  logger.setLogLevel('INFO');
});
afterAll(() => logger.setLogLevel(level as Parameters<typeof logger.setLogLevel>[0]));

describe('withLambdaContext', () => {
  it('puts the Lambda context and the appended keys on every line of the invocation, cold_start on the first only', async () => {
    const handler = withLambdaContext(async (_event: unknown, _context?: unknown) => {
      log.info('first');
      appendLogKeys({ streamId: 's1', epoch: 3 });
      await new Promise((r) => setImmediate(r));
      logger.warn('second', { epoch: 4 }); // a line's own attribute wins
    });
    const lines = await linesOf(async () => {
      await handler({}, lambdaContext('req-1', 'tick'));
      await handler({}, lambdaContext('req-2', 'tick'));
    });
    expect(lines.map((l) => [l.message, l.function_request_id, l.cold_start])).toEqual([
      ['first', 'req-1', true],
      ['second', 'req-1', true],
      ['first', 'req-2', false],
      ['second', 'req-2', false],
    ]);
    expect(lines[0]).toMatchObject({ function_name: 'tick', function_arn: 'arn:aws:lambda:us-east-1:000000000000:function:tick', function_memory_size: '512', service: 'matchcast' });
    expect(lines[0]!.streamId).toBeUndefined();
    expect(lines[1]).toMatchObject({ streamId: 's1', epoch: 4 });
    expect(lines[2]!.streamId).toBeUndefined(); // a new invocation starts with no appended keys
  });

  it('keeps overlapping invocations apart, and writes no context outside one', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handler = withLambdaContext(async (event: { id: string; wait: boolean }, _context?: unknown) => {
      appendLogKeys({ streamId: `s-${event.id}` });
      if (event.wait) await gate;
      log.info('done', { id: event.id });
    });
    const lines = await linesOf(async () => {
      const slow = handler({ id: 'a', wait: true }, lambdaContext('req-a', 'control'));
      await handler({ id: 'b', wait: false }, lambdaContext('req-b', 'control'));
      release();
      await slow;
      log.info('outside');
    });
    expect(lines.map((l) => [l.id, l.function_request_id, l.streamId])).toEqual([
      ['b', 'req-b', 's-b'],
      ['a', 'req-a', 's-a'],
      [undefined, undefined, undefined],
    ]);
  });
});

describe("the handlers' log lines", () => {
  it('the tick: function_request_id, streamId and epoch on its lines', async () => {
    const row: StreamRow = streamRowFixture('spectate:g1', { status: 'playing', epoch: 2, recordingKey: 'recordings/g1.jsonl', indexKey: 'recordings/g1.idx.json' });
    const tick = createTick({
      ports: {
        streams: new InMemoryStreamStore([row]),
        games: new InMemoryGameCatalog(),
        recordings: new InMemoryRecordingStore(),
        broadcaster: new FakeBroadcaster(),
        workflow: new FakeWorkflow(),
        time: new ManualTime(1_000_000),
        log,
      },
      config: { maxStreamMs: 8 * 3600_000 },
    });
    // The workflow's failure path: the tick records the failure and ends the stream (a log line).
    const input = { streamId: 'spectate:g1', epoch: 2, generation: 0, iteration: 0, failure: { Error: 'Error', Cause: 'boom' } };
    const lines = await linesOf(() => tick(input, lambdaContext('req-tick', 'tick')));
    const ended = lines.find((l) => l.message === 'stream ended');
    expect(ended).toMatchObject({ function_request_id: 'req-tick', function_name: 'tick', streamId: 'spectate:g1', epoch: 2 });
  });

  it('the control function: function_request_id and the streamId of the stream its action touched', async () => {
    const game: GameRow = recordedGame;
    const connections = new InMemoryConnectionRegistry();
    await connections.put({ connectionId: 'c-ann', userId: 'ann', displayName: 'ann', connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 });
    const workflow = new FakeWorkflow();
    workflow.start = async () => {
      throw new Error('Step Functions unavailable');
    };
    const control = createControl({
      ports: {
        streams: new InMemoryStreamStore([]),
        connections,
        games: new InMemoryGameCatalog([game]),
        broadcaster: new FakeBroadcaster(),
        workflow,
        frames: () => silentFrames,
        time: new ManualTime(),
        log,
      },
      config: { maxClients: 1000 },
    });
    const event = wsEvent('c-ann', 'ann', { action: 'start', gameId: 'g1', mode: 'pvai', speed: 1 });
    // Lambda passes the context as the second argument, whatever the handler's type declares.
    const invoke = control as (e: typeof event, context: unknown) => Promise<unknown>;
    const lines = await linesOf(() => invoke(event, lambdaContext('req-control', 'control')));
    const failed = lines.find((l) => l.message === 'action failed');
    expect(failed).toMatchObject({ function_request_id: 'req-control', function_name: 'control', streamId: 'pvai:g1:ann', epoch: 1, action: 'start' });
  });
});
