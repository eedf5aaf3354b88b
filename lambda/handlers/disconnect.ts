/**
 * `$disconnect`: forget the connection and uncount it from its stream (presence goes to
 * the others). API Gateway does not guarantee this event: fan-out's 410 handling and the
 * sweeper forget what it misses, through the same `forgetConnection`.
 */
import type { WebSocketEvent } from '../core/ws-event';
import { forgetConnection } from '../adapters/fanout';
import { logger } from '../adapters/log';
import { announcePresence } from '../adapters/session';

export const handler = async (event: WebSocketEvent): Promise<{ statusCode: number }> => {
  const connectionId = event.requestContext.connectionId;
  if (!connectionId) return { statusCode: 200 };
  const gone = await forgetConnection(connectionId);
  const streamId = gone?.connection.streamId;
  if (streamId) await announcePresence(streamId, gone.stream?.presenceVersion);
  logger.info('disconnected', { connectionId, streamId });
  return { statusCode: 200 };
};
