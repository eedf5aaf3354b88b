/**
 * The three DynamoDB repositories of this container — {@link connections}, {@link streams},
 * {@link games} (connection-registry.ts, stream-store.ts, game-catalog.ts) — built on first
 * use from the environment (ENV.connectionsTable …; endpoint: the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB`, dynalite locally), and the module functions the handlers call
 * on them. Each function delegates to one repository method (same name in the port,
 * ports/*.ts); new code takes the ports as arguments instead.
 */
import type { Role, StreamStatus } from '../../protocol/messages';
import { BY_STATUS_INDEX, BY_STREAM_INDEX } from '../../contract/tables';
import { leaveStream as leave } from '../application/leave-stream';
import type { ConnectionRow, GameRow, StreamRow } from '../core/model';
import type { BucketWrite } from '../core/rate-limit';
import type { PresenceCounts, StreamConnection } from '../ports/connections';
import type { LiveAppend } from '../ports/games';
import type { StreamChanges, UpdateConditions } from '../ports/streams';
import { lazy } from './aws';
import { ENV, requireEnv } from './config';
import { DynamoConnectionRegistry } from './connection-registry';
import { documentClient } from './dynamo-write';
import { DynamoGameCatalog } from './game-catalog';
import { DynamoStreamStore } from './stream-store';

export { BY_STATUS_INDEX, BY_STREAM_INDEX };
export type { StreamChanges, StreamConnection };

const client = lazy(() => documentClient());
/** This container's Connections repository (table ENV.connectionsTable). */
export const connections = lazy(() => new DynamoConnectionRegistry({ client: client(), tableName: requireEnv(ENV.connectionsTable) }));
/** This container's Streams repository (table ENV.streamsTable). */
export const streams = lazy(() => new DynamoStreamStore({ client: client(), tableName: requireEnv(ENV.streamsTable) }));
/** This container's Games repository (table ENV.gamesTable). */
export const games = lazy(() => new DynamoGameCatalog({ client: client(), tableName: requireEnv(ENV.gamesTable) }));

// Connections -----------------------------------------------------------------------------

/** {@link DynamoConnectionRegistry.put}. */
export const putConnection = (row: ConnectionRow): Promise<void> => connections().put(row);
/** {@link DynamoConnectionRegistry.get}. */
export const getConnection = (connectionId: string): Promise<ConnectionRow | undefined> => connections().get(connectionId);
/** {@link DynamoConnectionRegistry.attach}; throws `NotFoundError` (`connection`). */
export const attachConnection = (connectionId: string, streamId: string, role: Role): Promise<ConnectionRow> => connections().attach(connectionId, streamId, role);
/** {@link DynamoConnectionRegistry.detach}. */
export const detachConnection = (connectionId: string): Promise<ConnectionRow | undefined> => connections().detach(connectionId);
/** {@link DynamoConnectionRegistry.delete}. */
export const deleteConnection = (connectionId: string): Promise<ConnectionRow | undefined> => connections().delete(connectionId);
/** {@link DynamoConnectionRegistry.touch}. */
export const touchConnection = (connectionId: string, now: number): Promise<boolean> => connections().touch(connectionId, now);
/** {@link DynamoConnectionRegistry.getRateBucket}. */
export const getRateBucket = (connectionId: string, attribute: string): Promise<{ exists: boolean; tat: unknown }> => connections().getRateBucket(connectionId, attribute);
/** {@link DynamoConnectionRegistry.writeRateBucket}. */
export const writeRateBucket = (connectionId: string, attribute: string, write: BucketWrite): Promise<boolean> => connections().writeRateBucket(connectionId, attribute, write);
/** {@link DynamoConnectionRegistry.listByStream}. */
export const listStreamConnections = (streamId: string, opts: { pageSize?: number } = {}): AsyncIterable<StreamConnection[]> => connections().listByStream(streamId, opts);
/** {@link DynamoConnectionRegistry.countByStream}. */
export const countStreamConnections = (streamId: string): Promise<PresenceCounts> => connections().countByStream(streamId);
/** {@link DynamoConnectionRegistry.listExpired}; `nowSeconds` in epoch seconds. */
export const listExpiredConnections = (nowSeconds: number, opts: { maxItems?: number } = {}): Promise<ConnectionRow[]> => connections().listExpired(nowSeconds, opts);

// Streams ---------------------------------------------------------------------------------

/** {@link DynamoStreamStore.get}. */
export const getStream = (streamId: string, opts: { consistent?: boolean } = {}): Promise<StreamRow | undefined> => streams().get(streamId, opts);
/** {@link DynamoStreamStore.create}; throws `StreamExistsError`. */
export const createStream = (row: StreamRow, opts: { replaceFinishedEpoch?: number } = {}): Promise<void> => streams().create(row, opts);
/** {@link DynamoStreamStore.update}; throws `StaleEpochError`. */
export const updateStream = (streamId: string, expectedEpoch: number, changes: StreamChanges, opts: UpdateConditions = {}): Promise<StreamRow> =>
  streams().update(streamId, expectedEpoch, changes, opts);
/** {@link DynamoStreamStore.addClients}. */
export const addClients = (streamId: string, delta: number, now: number = Date.now()): Promise<StreamRow | undefined> => streams().addClients(streamId, delta, now);
/** {@link DynamoStreamStore.markControllers}. */
export const markControllers = (streamId: string, present: boolean, now: number = Date.now()): Promise<void> => streams().markControllers(streamId, present, now);
/** {@link DynamoStreamStore.claimPresence}. */
export const claimPresence = (streamId: string, seenAt: number | undefined, now: number = Date.now()): Promise<boolean> => streams().claimPresence(streamId, seenAt, now);
/** {@link DynamoStreamStore.listByStatus}. */
export const listStreamsByStatus = (statuses: readonly StreamStatus[], opts: { maxItems?: number; pageSize?: number } = {}): Promise<StreamRow[]> =>
  streams().listByStatus(statuses, opts);
/** application/leave-stream.ts `leaveStream` on this container's repositories. */
export const leaveStream = (left: Pick<ConnectionRow, 'streamId' | 'role'>, now: number = Date.now()): Promise<StreamRow | undefined> =>
  leave({ streams: streams(), connections: connections() }, left, now);

// Games -----------------------------------------------------------------------------------

/** {@link DynamoGameCatalog.put}. */
export const putGame = (row: GameRow): Promise<boolean> => games().put(row);
/** {@link DynamoGameCatalog.get}. */
export const getGame = (gameId: string, opts: { consistent?: boolean } = {}): Promise<GameRow | undefined> => games().get(gameId, opts);
/** {@link DynamoGameCatalog.create}. */
export const createGame = (row: GameRow): Promise<boolean> => games().create(row);
/** {@link DynamoGameCatalog.commitLiveAppend}. */
export const commitLiveAppend = (gameId: string, expectFrameCount: number, append: LiveAppend): Promise<boolean> => games().commitLiveAppend(gameId, expectFrameCount, append);
/** {@link DynamoGameCatalog.finishLive}. */
export const finishLiveGame = (gameId: string): Promise<boolean> => games().finishLive(gameId);
/** {@link DynamoGameCatalog.list}. */
export const listGames = (opts: { maxItems?: number; pageSize?: number } = {}): Promise<GameRow[]> => games().list(opts);
