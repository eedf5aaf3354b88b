/**
 * The engine's public surface for benchmarks and tools: what `npm run bench` (scripts/bench/)
 * measures of the functions' own code from outside, re-exported from one place so that no
 * script reaches into lambda/'s internals. The layout test (test/layout.test.ts) holds every
 * file under scripts/ to importing lambda/ only through this module; nothing else outside
 * lambda/, lib/ and local/ imports lambda/ at all.
 *
 * - `@connections` posting: {@link SignedConnectionPoster} (SigV4-signed POSTs over one
 *   keep-alive agent, its retries and outcome kinds), the fan-out's defaults
 *   ({@link FANOUT_DEFAULTS}: concurrency, attempts, per-post timeout in ms) and the fan-out
 *   itself ({@link ManagementApiBroadcaster}: the poster bench measures the whole path's CPU
 *   per post through it).
 * - Planning and cost: {@link planAudience} (the audience planner: the fan-out shards a
 *   stream of N viewers needs, one message's time to reach them all, a viewer-hour's cost), the Step Functions / Lambda cost model
 *   ({@link PRICES}, {@link sleepThresholdMs}: ms, {@link TRANSITIONS_PER_WAIT_LOOP}).
 * - Scheduling: the playback clock ({@link PlaybackClock}, {@link dueAt}: wall epoch ms of a
 *   frame's media ms), {@link forEachPool} (bounded concurrency), {@link streamIdFor} (the
 *   streamId of a mode, gameId and user or room).
 * - The DynamoDB repositories the functions use, for filling and reading the local stand-ins:
 *   {@link DynamoConnectionRegistry}, {@link DynamoGameCatalog}, {@link DynamoStreamStore},
 *   built on a {@link documentClient}.
 *
 * Adding to this surface is a decision: a tool that needs more of the engine should say so
 * here, not import the module it lives in.
 */
export { SignedConnectionPoster, type PostOutcomeKind, type SignedConnectionPosterOptions } from './adapters/signed-poster';
export { FANOUT_DEFAULTS, ManagementApiBroadcaster } from './adapters/fanout';
export { planAudience, type AudienceInput, type AudiencePlan } from './core/audience-plan';
export { PRICES, sleepThresholdMs, TRANSITIONS_PER_WAIT_LOOP } from './core/cost';
export { dueAt, type PlaybackClock } from './core/clock';
export { forEachPool } from './core/concurrency';
export { streamIdFor } from './core/stream-keys';
export { DynamoConnectionRegistry } from './adapters/connection-registry';
export { DynamoGameCatalog } from './adapters/game-catalog';
export { DynamoStreamStore } from './adapters/stream-store';
export { documentClient } from './adapters/dynamo-write';
