/**
 * The `$connect` REQUEST authorizer: verifies the JWT in the `token` query parameter
 * (PROTOCOL.md "Connecting"). A valid token gets an Allow policy whose context carries
 * `userId` and `displayName` to every route of the connection; anything else is refused
 * with `Unauthorized` (API Gateway answers the handshake 401).
 *
 * Mode, fixed at cold start: OIDC (an IdP's RS256/ES256 ID tokens, checked against its
 * JWKS) when JWT_ISSUER, JWT_AUDIENCE and JWKS_URL are all set; the stack's HS256 secret
 * when none is. One or two of them set fails the cold start (OidcConfigError).
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { InvalidTokenError } from '../core/token';
import { verifyAccessToken as verify } from '../adapters/identity';
import { logger } from '../adapters/log';

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const token = event.queryStringParameters?.token;
  try {
    const who = await verify(token);
    return {
      principalId: who.userId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      context: { userId: who.userId, displayName: who.displayName },
    };
  } catch (e) {
    if (e instanceof InvalidTokenError) {
      logger.info('connection refused', { reason: e.reason, sourceIp: event.requestContext?.identity?.sourceIp });
      throw new Error('Unauthorized');
    }
    // Not the client's fault (e.g. the IdP's JWKS unreachable): the handshake fails with 500.
    logger.error('authorizer failed', { error: e as Error });
    throw e;
  }
};
