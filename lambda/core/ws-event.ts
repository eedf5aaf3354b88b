/**
 * Reading API Gateway WebSocket events (the parse step of every WebSocket handler).
 * Pure: works on the event object only.
 */

/** Who sent a message, as the `$connect` authorizer established it. */
export interface Caller {
  connectionId: string;
  /** JWT `sub`. */
  userId: string;
  /** JWT `name`, or the user id. */
  displayName: string;
  /** API Gateway's request id, for log correlation and `internal` error messages. */
  requestId: string;
  routeKey: string;
}

/** The parts of an API Gateway WebSocket event the handlers read. */
export interface WebSocketEvent {
  requestContext: {
    connectionId?: string;
    routeKey?: string;
    requestId?: string;
    authorizer?: Record<string, unknown> | null;
  };
  body?: string | null;
  isBase64Encoded?: boolean;
}

/**
 * The caller of a WebSocket event. The authorizer's context (`userId`, `displayName`) is
 * passed by API Gateway to every route of the connection. Throws when the event has no
 * connection id or no authorized user (a misconfigured route, never a client's fault).
 */
export function callerOf(event: WebSocketEvent): Caller {
  const rc = event.requestContext;
  if (!rc?.connectionId) throw new Error('event has no requestContext.connectionId');
  const auth = rc.authorizer ?? {};
  const userId = typeof auth.userId === 'string' ? auth.userId : typeof auth.principalId === 'string' ? auth.principalId : undefined;
  if (!userId) throw new Error('event has no authorized user (requestContext.authorizer.userId)');
  const displayName = typeof auth.displayName === 'string' && auth.displayName !== '' ? auth.displayName : userId;
  return { connectionId: rc.connectionId, userId, displayName, requestId: rc.requestId ?? 'unknown', routeKey: rc.routeKey ?? '$default' };
}

/** The message body as text (API Gateway may base64-encode binary frames). */
export function bodyOf(event: WebSocketEvent): string {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}
