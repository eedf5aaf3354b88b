/**
 * The one structured logger of every handler and adapter (AWS Lambda Powertools for
 * TypeScript, JSON lines to CloudWatch). Created once per container at module scope.
 * Level from `POWERTOOLS_LOG_LEVEL` (default INFO); local mode and tests may set it to
 * `SILENT` or `ERROR`. Never log tokens or message bodies; log ids (connectionId, streamId,
 * epoch, seq) and counts.
 */
import { Logger } from '@aws-lambda-powertools/logger';

/** The shared logger, service name `matchcast`. */
export const logger = new Logger({ serviceName: 'matchcast' });
