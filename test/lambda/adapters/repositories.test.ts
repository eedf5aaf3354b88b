/**
 * The three DynamoDB repositories constructed as classes with their client and table name
 * (no environment read), against dynalite: each talks to its own table only.
 */
import { startLocalAws, streamRowFixture, type LocalAws } from '../../support/aws-local';
import { DynamoConnectionRegistry } from '../../../lambda/adapters/connection-registry';
import { documentClient } from '../../../lambda/adapters/dynamo-write';
import { StaleEpochError, StreamExistsError } from '../../../lambda/adapters/errors';
import { DynamoGameCatalog } from '../../../lambda/adapters/game-catalog';
import { DynamoStreamStore } from '../../../lambda/adapters/stream-store';
import { leaveStream } from '../../../lambda/application/leave-stream';
import type { GameRow } from '../../../contract/rows';

let aws: LocalAws;
let streams: DynamoStreamStore;
let connections: DynamoConnectionRegistry;
let games: DynamoGameCatalog;
beforeAll(async () => {
  aws = await startLocalAws({ s3: false });
  const client = documentClient({ endpoint: aws.dynamoEndpoint });
  streams = new DynamoStreamStore({ client, tableName: aws.tables.streams });
  connections = new DynamoConnectionRegistry({ client, tableName: aws.tables.connections });
  games = new DynamoGameCatalog({ client, tableName: aws.tables.games });
});
afterAll(async () => {
  await aws?.close();
});

const game = (gameId: string, extra: Partial<GameRow> = {}): GameRow => ({
  gameId,
  title: gameId,
  kind: 'tennis',
  recordingKey: `recordings/${gameId}.jsonl`,
  indexKey: `recordings/${gameId}.idx.json`,
  durationMs: 1000,
  frameCount: 10,
  participants: [],
  createdAt: 1,
  ...extra,
});

describe('DynamoStreamStore', () => {
  it('creates once, updates on its epoch and fences a stale writer with StaleEpochError', async () => {
    await streams.create(streamRowFixture('r-1'));
    await expect(streams.create(streamRowFixture('r-1'))).rejects.toBeInstanceOf(StreamExistsError);
    const row = await streams.update('r-1', 1, { epoch: 2, speed: 4 });
    expect(row).toMatchObject({ epoch: 2, speed: 4 });
    await expect(streams.update('r-1', 1, { speed: 8 })).rejects.toBeInstanceOf(StaleEpochError);
    expect((await streams.get('r-1', { consistent: true }))?.speed).toBe(4);
  });
});

describe('DynamoConnectionRegistry with leaveStream', () => {
  it('uncounts the last player of a pvai stream and starts its controller grace', async () => {
    await streams.create(streamRowFixture('pvai:g:u', { mode: 'pvai', controllers: ['u'] }));
    await connections.put({ connectionId: 'c-1', userId: 'u', displayName: 'U', connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 });
    await connections.attach('c-1', 'pvai:g:u', 'player');
    await streams.addClients('pvai:g:u', 1, 10);
    const old = await connections.detach('c-1');
    const after = await leaveStream({ streams, connections }, old!, 20);
    expect(after?.clientCount).toBe(0);
    expect((await streams.get('pvai:g:u', { consistent: true }))?.controllersGoneSince).toBe(20);
  });
});

describe('DynamoGameCatalog', () => {
  it('never overwrites a live game with a recorded one', async () => {
    expect(await games.create(game('live-1', { liveStatus: 'live', frameCount: 0, chunks: [] }))).toBe(true);
    expect(await games.put(game('live-1'))).toBe(false);
    expect(await games.finishLive('live-1')).toBe(true);
    expect(await games.finishLive('live-1')).toBe(false);
    expect((await games.list()).map((g) => g.gameId)).toEqual(['live-1']);
  });
});
