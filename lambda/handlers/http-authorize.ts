/**
 * The HTTP API's Lambda authorizer (docs/HTTP-API.md "Authentication"): payload
 * format 2.0 with simple responses. `Authorization: Bearer <JWT>` — the same tokens as the
 * WebSocket API (adapters/identity.ts) — is authorized with the context `userId`,
 * `displayName` and `roles` (comma-separated `publisher`/`operator` claims); the routes check
 * the role they need. Anything else is refused: API Gateway answers 401 without calling a route.
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { InvalidTokenError } from '../core/token';
import { verifyAccessToken } from '../adapters/identity';
import { logger } from '../adapters/log';

/** What a route receives in `requestContext.authorizer.lambda`. */
export interface HttpAuthorizerContext {
  userId: string;
  displayName: string;
  /** Comma-separated roles, e.g. `publisher,operator`, or empty. */
  roles: string;
}

/** The bearer token of an `Authorization` header value, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerWithContextResult<HttpAuthorizerContext>> => {
  const refuse = { isAuthorized: false, context: { userId: '', displayName: '', roles: '' } };
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  try {
    const who = await verifyAccessToken(bearerToken(header));
    return { isAuthorized: true, context: { userId: who.userId, displayName: who.displayName, roles: who.roles.join(',') } };
  } catch (e) {
    if (e instanceof InvalidTokenError) {
      logger.info('HTTP request refused', { reason: e.reason, sourceIp: event.requestContext?.http?.sourceIp });
      return refuse;
    }
    logger.error('HTTP authorizer failed', { error: e as Error });
    throw e;
  }
};
