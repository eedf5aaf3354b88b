/**
 * End to end on local mode with the sharding threshold at 1: every batch of a stream with
 * three spectators is handed to fan-out workers (the `fanout` function, invoked through local
 * mode's Lambda `Invoke`), one per connectionId range, and each spectator still gets every
 * frame once.
 */
import { SignedLambdaInvoker } from '../../lambda/adapters/lambda-invoke';
import { DynamoShardConnections } from '../../lambda/adapters/shard-connections';
import { ENV } from '../../contract/env';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { TestClient } from '../support/ws-client';

const GAME = '2011-usopen-2701';
jest.setTimeout(300_000);

let stack: LocalStack;
const clients: TestClient[] = [];
const started: string[] = [];
const listed: string[] = [];

beforeAll(async () => {
  // Count the hand-overs and the workers' shard reads, passing through to the real ones.
  const run = SignedLambdaInvoker.prototype.run;
  jest.spyOn(SignedLambdaInvoker.prototype, 'run').mockImplementation(async function (this: SignedLambdaInvoker, job) {
    const summary = await run.call(this, job);
    started.push(`${job.shard.from ?? ''}…${job.shard.to ?? ''}`);
    return summary;
  });
  const list = DynamoShardConnections.prototype.list;
  jest.spyOn(DynamoShardConnections.prototype, 'list').mockImplementation(async function (this: DynamoShardConnections, streamId, range, opts) {
    const ids = await list.call(this, streamId, range, opts);
    listed.push(...ids);
    return ids;
  });
  stack = await startLocalStack({ env: { [ENV.fanOutShardThreshold]: '1' } });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await stack?.close();
  jest.restoreAllMocks();
});

async function connect(user: string): Promise<TestClient> {
  const c = await TestClient.connect(stack.wsUrl, await stack.token(user), user);
  clients.push(c);
  return c;
}

it('runs each batch on the workers, and every spectator gets every frame once, in order', async () => {
  const [a, b, c] = [await connect('ann'), await connect('bob'), await connect('cat')];
  a.send({ action: 'start', gameId: GAME, speed: 64, atMs: 4_388_000 - 3 * 60_000 });
  const joined = await a.waitFor('joined');
  for (const x of [b, c]) x.send({ action: 'start', gameId: GAME, speed: 1 });
  await Promise.all([b.waitFor('joined'), c.waitFor('joined')]);
  await Promise.all([a, b, c].map((x) => x.waitFor('ended', () => true, 120_000)));
  for (const x of [a, b, c]) {
    // Every frame once, none missing, in order: the tick waits for a batch's workers before its next batch.
    const seqs = x.frames().map((f) => f.seq);
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    expect(seqs[0]).toBeGreaterThanOrEqual(joined.positionSeq);
  }
  // Batches went to workers (more than one shard each), and the workers read their shards.
  expect(started.length).toBeGreaterThan(1);
  expect(listed.length).toBeGreaterThan(0);
});
