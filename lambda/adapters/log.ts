/**
 * The one structured logger of every handler and adapter (AWS Lambda Powertools for
 * TypeScript, JSON lines to CloudWatch). Created once per container at module scope.
 * Level from `POWERTOOLS_LOG_LEVEL` (default INFO); local mode and tests may set it to
 * `SILENT` or `ERROR`. Never log tokens or message bodies; log ids (connectionId, streamId,
 * epoch, seq) and counts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { Log } from '../ports/log';

/** The shared logger, service name `matchcast`. */
export const logger = new Logger({ serviceName: 'matchcast' });

/** {@link logger} as the `Log` port of the use cases (ports/log.ts). */
export const log: Log = {
  info: (message, attributes) => logger.info(message, (attributes ?? {}) as LogAttributes),
  warn: (message, attributes) => logger.warn(message, (attributes ?? {}) as LogAttributes),
  error: (message, attributes) => logger.error(message, (attributes ?? {}) as LogAttributes),
};
