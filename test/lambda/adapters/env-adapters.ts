/**
 * The adapters of this test process, built from its environment the way a function's
 * composition root builds them (lambda/handlers/*.ts `fromEnvironment`):
 * test/support/aws-local.ts `startLocalAws` sets the table names, the bucket and the
 * stand-ins' endpoints, `useLocalAwsWithConnections` the callback URL. Each is created on
 * first use — after the test file's `beforeAll` has set that environment — and kept for the
 * file.
 *
 * Below them, one named call per repository method (the same name the tests always used:
 * `putConnection` is `connections.put`, …), for the repository tests.
 */
import type { Role, StreamStatus } from '../../../protocol/messages';
import { ENV, requireEnv } from '../../../lambda/adapters/config';
import { DynamoConnectionRegistry } from '../../../lambda/adapters/connection-registry';
import { documentClient } from '../../../lambda/adapters/dynamo-write';
import { connectionPoster, ManagementApiBroadcaster } from '../../../lambda/adapters/fanout';
import { DynamoGameCatalog } from '../../../lambda/adapters/game-catalog';
import { s3Client, S3RecordingStore } from '../../../lambda/adapters/recordings';
import { DynamoStreamStore } from '../../../lambda/adapters/stream-store';
import type { ConnectionRow, GameRow, StreamRow } from '../../../contract/rows';
import type { BucketWrite } from '../../../lambda/core/rate-limit';
import type { LiveAppend } from '../../../lambda/ports/games';
import type { PresenceCounts, StreamConnection } from '../../../lambda/ports/connections';
import type { StreamChanges, UpdateConditions } from '../../../lambda/ports/streams';

/** The three repositories of this process's environment. */
export interface Repositories {
  connections: DynamoConnectionRegistry;
  streams: DynamoStreamStore;
  games: DynamoGameCatalog;
}

let repos: Repositories | undefined;
let fanout: ManagementApiBroadcaster | undefined;
let bucket: S3RecordingStore | undefined;

/** The Connections, Streams and Games repositories (CONNECTIONS_TABLE, STREAMS_TABLE, GAMES_TABLE; one document client). */
export function repositories(): Repositories {
  if (!repos) {
    const client = documentClient();
    repos = {
      connections: new DynamoConnectionRegistry({ client, tableName: requireEnv(ENV.connectionsTable, process.env) }),
      streams: new DynamoStreamStore({ client, tableName: requireEnv(ENV.streamsTable, process.env) }),
      games: new DynamoGameCatalog({ client, tableName: requireEnv(ENV.gamesTable, process.env) }),
    };
  }
  return repos;
}

/** The management API broadcaster on CALLBACK_URL over {@link repositories}. */
export function broadcaster(): ManagementApiBroadcaster {
  const { connections, streams } = repositories();
  fanout ??= new ManagementApiBroadcaster({ poster: connectionPoster(process.env), connections, streams });
  return fanout;
}

/** The recordings bucket (RECORDINGS_BUCKET) with its own index cache. */
export function recordings(): S3RecordingStore {
  bucket ??= new S3RecordingStore({ client: s3Client(process.env), bucket: requireEnv(ENV.recordingsBucket, process.env) });
  return bucket;
}

// Connections -----------------------------------------------------------------------------

export const putConnection = (row: ConnectionRow): Promise<void> => repositories().connections.put(row);
export const getConnection = (connectionId: string): Promise<ConnectionRow | undefined> => repositories().connections.get(connectionId);
export const attachConnection = (connectionId: string, streamId: string, role: Role): Promise<ConnectionRow> => repositories().connections.attach(connectionId, streamId, role);
export const detachConnection = (connectionId: string): Promise<ConnectionRow | undefined> => repositories().connections.detach(connectionId);
export const deleteConnection = (connectionId: string): Promise<ConnectionRow | undefined> => repositories().connections.delete(connectionId);
export const touchConnection = (connectionId: string, now: number): Promise<boolean> => repositories().connections.touch(connectionId, now);
export const getRateBucket = (connectionId: string, attribute: string): Promise<{ exists: boolean; tat: unknown }> => repositories().connections.getRateBucket(connectionId, attribute);
export const writeRateBucket = (connectionId: string, attribute: string, write: BucketWrite): Promise<boolean> => repositories().connections.writeRateBucket(connectionId, attribute, write);
export const listStreamConnections = (streamId: string, opts: { pageSize?: number } = {}): AsyncIterable<StreamConnection[]> => repositories().connections.listByStream(streamId, opts);
export const countStreamConnections = (streamId: string): Promise<PresenceCounts> => repositories().connections.countByStream(streamId);
export const listExpiredConnections = (nowSeconds: number, opts: { maxItems?: number } = {}): Promise<ConnectionRow[]> => repositories().connections.listExpired(nowSeconds, opts);

// Streams ---------------------------------------------------------------------------------

export const getStream = (streamId: string, opts: { consistent?: boolean } = {}): Promise<StreamRow | undefined> => repositories().streams.get(streamId, opts);
export const createStream = (row: StreamRow, opts: { replaceFinishedEpoch?: number } = {}): Promise<void> => repositories().streams.create(row, opts);
export const updateStream = (streamId: string, expectedEpoch: number, changes: StreamChanges, opts: UpdateConditions = {}): Promise<StreamRow> =>
  repositories().streams.update(streamId, expectedEpoch, changes, opts);
export const addClients = (streamId: string, delta: number, now: number = Date.now()): Promise<StreamRow | undefined> => repositories().streams.addClients(streamId, delta, now);
export const markControllers = (streamId: string, present: boolean, now: number = Date.now()): Promise<void> => repositories().streams.markControllers(streamId, present, now);
export const claimPresence = (streamId: string, seenAt: number | undefined, now: number = Date.now()): Promise<boolean> => repositories().streams.claimPresence(streamId, seenAt, now);
export const listStreamsByStatus = (statuses: readonly StreamStatus[], opts: { maxItems?: number; pageSize?: number } = {}): Promise<StreamRow[]> =>
  repositories().streams.listByStatus(statuses, opts);

// Games -----------------------------------------------------------------------------------

export const putGame = (row: GameRow): Promise<boolean> => repositories().games.put(row);
export const getGame = (gameId: string, opts: { consistent?: boolean } = {}): Promise<GameRow | undefined> => repositories().games.get(gameId, opts);
export const createGame = (row: GameRow): Promise<boolean> => repositories().games.create(row);
export const commitLiveAppend = (gameId: string, expectFrameCount: number, append: LiveAppend): Promise<boolean> => repositories().games.commitLiveAppend(gameId, expectFrameCount, append);
export const finishLiveGame = (gameId: string): Promise<boolean> => repositories().games.finishLive(gameId);
export const listGames = (opts: { maxItems?: number; pageSize?: number } = {}): Promise<GameRow[]> => repositories().games.list(opts);
