/**
 * Structured logging for the use cases: the subset of the Powertools `Logger` they call
 * (adapters/log.ts `logger` implements it). Log ids (connectionId, streamId, epoch, seq) and
 * counts; never tokens or message bodies.
 */
export interface Log {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}
