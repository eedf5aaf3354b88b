/**
 * The `index` Lambda (S3 ObjectCreated on `recordings/*.jsonl`): indexes and catalogs each
 * uploaded recording (application/index-recording.ts). Invoked asynchronously by the HTTP API
 * function with `{ refoldLiveKeyframes: gameId }` (core/refold-request.ts), it folds that live
 * game's keyframes on past where the append path's lean kinds stopped, with the full kinds
 * (application/refold-live-keyframes.ts).
 *
 * A recording that fails validation is logged with the line at fault and left out of the
 * catalog; `npm run ingest` runs the same validation before upload, so users see it there.
 *
 * Also the function's composition root: {@link fromEnvironment}, {@link createHandler}, and
 * {@link handler} built on the first invocation.
 */
import type { S3Event } from 'aws-lambda';
import { indexRecording as indexWith, type IndexRecordingPorts } from '../application/index-recording';
import { refoldLiveKeyframes, type RefoldPorts } from '../application/refold-live-keyframes';
import { refoldGameIdOf, type RefoldRequest } from '../core/refold-request';
import { RecordingError } from '../../protocol/recording';
import type { Log } from '../ports/log';
import { ENV, requireEnv } from '../adapters/config';
import { documentClient } from '../adapters/dynamo-write';
import { DynamoGameCatalog } from '../adapters/game-catalog';
import { log, withLambdaContext } from '../adapters/log';
import { s3Client, S3RecordingStore } from '../adapters/recordings';
import { systemTime } from '../adapters/time';
import { lazyHandler } from '../adapters/lazy-handler';

export { indexKeyFor } from '../../contract/keys';

/** What the index function is built from. */
export interface IndexRecordingDeps extends IndexRecordingPorts {
  games: IndexRecordingPorts['games'] & RefoldPorts['games'];
  recordings: IndexRecordingPorts['recordings'] & RefoldPorts['recordings'];
  log: Log;
}

/**
 * The handler over `deps`. An S3 event: indexes every `.jsonl` object of it; a refused
 * recording (RecordingError) is logged and skipped. A refold request: folds that live game's
 * keyframes on (a payload that names no game id is logged and dropped). Any other error
 * rejects, so Lambda's async retry has the event.
 */
export function createHandler(deps: IndexRecordingDeps): (event: S3Event | RefoldRequest) => Promise<void> {
  return withLambdaContext(async (event) => {
    let gameId: string | undefined;
    try {
      gameId = refoldGameIdOf(event);
    } catch (e) {
      deps.log.error('refold request refused', { reason: (e as Error).message });
      return;
    }
    if (gameId !== undefined) {
      const done = await refoldLiveKeyframes(deps, gameId);
      deps.log.info('live keyframes refolded', { gameId, ...done });
      return;
    }
    for (const record of (event as S3Event).Records ?? []) {
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      if (!key.endsWith('.jsonl')) continue;
      try {
        const { gameId, frameCount } = await indexWith(deps, key);
        deps.log.info('recording indexed', { key, gameId, frameCount });
      } catch (e) {
        if (e instanceof RecordingError) {
          deps.log.error('recording refused', { key, line: e.line, reason: e.message });
          continue;
        }
        throw e; // transient (S3/DynamoDB): let Lambda's async retry have it
      }
    }
  });
}

/**
 * The index function's dependencies from `env` (its environment; contract/env.ts names):
 * GAMES_TABLE (required), RECORDINGS_BUCKET (checked on first use), AWS_ENDPOINT_URL_S3 (set:
 * a local S3, addressed path-style). Throws MissingConfigError when GAMES_TABLE is unset.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): IndexRecordingDeps {
  const tableName = requireEnv(ENV.gamesTable, env);
  return {
    recordings: new S3RecordingStore({ client: s3Client(env), bucket: env[ENV.recordingsBucket] ?? '' }),
    games: new DynamoGameCatalog({ client: documentClient(), tableName }),
    time: systemTime,
    log,
  };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built on the first invocation. */
export const handler = lazyHandler(() => createHandler(fromEnvironment(process.env)));
