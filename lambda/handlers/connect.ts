/**
 * `$connect`: the authorizer has already verified the token; record the connection.
 * `expiresAt` (TTL) is 2 h 10 min out: API Gateway closes every connection at 2 h.
 */
import { callerOf, type WebSocketEvent } from '../core/ws-event';
import { putConnection } from '../adapters/dynamo';
import { logger } from '../adapters/log';

/** API Gateway's maximum connection duration (2 h) plus a margin, in seconds. */
export const CONNECTION_TTL_SECONDS = 2 * 3600 + 10 * 60;

export const handler = async (event: WebSocketEvent): Promise<{ statusCode: number }> => {
  const caller = callerOf(event);
  const now = Date.now();
  await putConnection({
    connectionId: caller.connectionId,
    userId: caller.userId,
    displayName: caller.displayName,
    connectedAt: now,
    lastSeenAt: now,
    expiresAt: Math.floor(now / 1000) + CONNECTION_TTL_SECONDS,
  });
  logger.info('connected', { connectionId: caller.connectionId, userId: caller.userId });
  return { statusCode: 200 };
};
