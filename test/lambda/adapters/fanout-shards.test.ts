import { randomBytes } from 'node:crypto';
import { streamRowFixture, useLocalAwsWithConnections } from '../../support/aws-local';
import { addClients, attachConnection, broadcaster, createStream, detachConnection, putConnection } from './env-adapters';
import { ENV } from '../../../contract/env';
import { documentClient } from '../../../lambda/adapters/dynamo-write';
import { DynamoShardConnections } from '../../../lambda/adapters/shard-connections';
import { fanOutShard } from '../../../lambda/application/fanout-shard';
import { shardOf, shardRanges, type ShardRange } from '../../../lambda/core/shards';
import type { ServerMessage } from '../../../protocol/messages';

const { fake } = useLocalAwsWithConnections({ s3: false });

let lister: DynamoShardConnections | undefined;
const shards = () => (lister ??= new DynamoShardConnections({ client: documentClient(), tableName: process.env[ENV.connectionsTable]! }));

/** An id as API Gateway makes them: base64 of random bytes. */
const apiGatewayId = () => randomBytes(11).toString('base64');

async function join(streamId: string, id: string): Promise<void> {
  await putConnection({ connectionId: id, userId: `u-${id}`, displayName: id, connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 });
  await attachConnection(id, streamId, 'spectator');
  await addClients(streamId, 1);
}

async function room(streamId: string, ids: readonly string[]): Promise<void> {
  await createStream(streamRowFixture(streamId));
  for (const id of ids) await join(streamId, id);
}

const frame = (streamId: string): ServerMessage => ({ type: 'frames', streamId, epoch: 1, frames: [{ seq: 0, t: 0, type: 'point', data: {} }] });

describe('DynamoShardConnections', () => {
  it('lists every attached connection in exactly the shard its id falls in, across pages, boundary ids included', async () => {
    const ranges = shardRanges(5);
    // Random ids, and ids equal to each boundary (they start the next range) and just below it.
    const boundaryIds = ranges.flatMap((r) => (r.from ? [r.from, `${r.from.slice(0, 1)}${String.fromCharCode(r.from.charCodeAt(1) - 1)}~`] : []));
    const ids = [...Array.from({ length: 60 }, apiGatewayId), ...boundaryIds];
    await room('s-shards', ids);
    await room('s-other', Array.from({ length: 5 }, apiGatewayId)); // never listed for s-shards
    const lists = await Promise.all(ranges.map((r) => shards().list('s-shards', r, { pageSize: 4 })));
    expect(lists.flat().sort()).toEqual([...ids].sort());
    for (const [i, list] of lists.entries()) {
      for (const id of list) expect([id, shardOf(id, ranges)]).toEqual([id, i]);
      expect(list).toEqual([...list].sort()); // key order
    }
    expect(await shards().list('s-shards', {})).toHaveLength(ids.length);
    expect(await shards().list('s-none', ranges[2]!)).toEqual([]);
  });
});

describe('fanOutShard', () => {
  it('posts once to every connection attached throughout, and at most once to those joining or leaving during the fan-out', async () => {
    const stable = Array.from({ length: 80 }, apiGatewayId);
    const leaving = Array.from({ length: 20 }, apiGatewayId);
    const joining = Array.from({ length: 20 }, apiGatewayId);
    await room('s-churn', [...stable, ...leaving]);
    fake().latencyMs = 4;
    const ranges = shardRanges(4);
    const ports = { shards: { list: (s: string, r: ShardRange) => shards().list(s, r, { pageSize: 3 }) }, broadcaster: broadcaster() };
    const churn = (async () => {
      for (let i = 0; i < 20; i++) {
        await join('s-churn', joining[i]!);
        await detachConnection(leaving[i]!);
      }
    })();
    const results = await Promise.all(ranges.map((shard) => fanOutShard(ports, { streamId: 's-churn', messages: [frame('s-churn')], shard })));
    await churn;
    for (const id of stable) expect([id, fake().received(id).length]).toEqual([id, 1]);
    for (const id of [...leaving, ...joining]) expect(fake().received(id).length).toBeLessThanOrEqual(1);
    const targeted = results.reduce((n, r) => n + r.connections, 0);
    expect(targeted).toBe(fake().receivedIds().length);
    expect(results.every((r) => r.failed.length === 0 && r.gone.length === 0)).toBe(true);
  });

  it('skips `except` and posts nothing outside its shard', async () => {
    const ids = Array.from({ length: 30 }, apiGatewayId);
    await room('s-one-shard', ids);
    const ranges = shardRanges(3);
    const ports = { shards: shards(), broadcaster: broadcaster() };
    const mine = ids.filter((id) => shardOf(id, ranges) === 1);
    const r = await fanOutShard(ports, { streamId: 's-one-shard', messages: [frame('s-one-shard')], shard: ranges[1]!, except: mine[0] });
    expect(r.connections).toBe(mine.length - 1);
    expect(fake().receivedIds().sort()).toEqual(mine.slice(1).sort());
  });
});
