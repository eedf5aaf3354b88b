/**
 * The `$connect` REQUEST authorizer: verifies the JWT in the `token` query parameter
 * (PROTOCOL.md "Connecting"). A valid token gets an Allow policy whose context carries
 * `userId` and `displayName` to every route of the connection; anything else is refused
 * with `Unauthorized` (API Gateway answers the handshake 401).
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { InvalidTokenError, verifyToken } from '../core/token';
import { logger } from '../adapters/log';
import { jwtSecret } from '../adapters/secrets';

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const token = event.queryStringParameters?.token;
  try {
    const who = await verifyToken(await jwtSecret(), token);
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
    throw e;
  }
};
