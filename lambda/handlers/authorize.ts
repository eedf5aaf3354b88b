/**
 * The `$connect` REQUEST authorizer: verifies the JWT in the `token` query parameter
 * (PROTOCOL.md "Connecting"). A valid token gets an Allow policy whose context carries
 * `userId` and `displayName` to every route of the connection; anything else is refused
 * with `Unauthorized` (API Gateway answers the handshake 401).
 *
 * Mode, fixed at cold start: OIDC (an IdP's RS256/ES256 ID tokens, checked against its
 * JWKS) when JWT_ISSUER, JWT_AUDIENCE and JWKS_URL are all set; the stack's HS256 secret
 * when none is. One or two of them set fails the cold start (OidcConfigError).
 *
 * Also the function's composition root: {@link fromEnvironment}, {@link createHandler}, and
 * {@link handler}, built when the module loads (the cold start) so a bad configuration fails it.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { InvalidTokenError } from '../../contract/token';
import type { Log } from '../ports/log';
import { verifierFromEnvironment, type VerifyAccessToken } from '../adapters/identity';
import { log, withLambdaContext } from '../adapters/log';

/** What the authorizer is built from. */
export interface AuthorizeDeps {
  verify: VerifyAccessToken;
  log: Log;
}

/**
 * The authorizer over `deps`: `(event) → Allow policy` for a valid token; rejects with
 * `Error('Unauthorized')` for a token to refuse, and with the verifier's own error otherwise
 * (e.g. the IdP's JWKS unreachable: the handshake fails with 500).
 */
export function createHandler(deps: AuthorizeDeps): (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> {
  return withLambdaContext(async (event) => {
    const token = event.queryStringParameters?.token;
    try {
      const who = await deps.verify(token);
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
        deps.log.info('connection refused', { reason: e.reason, sourceIp: event.requestContext?.identity?.sourceIp });
        throw new Error('Unauthorized');
      }
      // Not the client's fault (e.g. the IdP's JWKS unreachable): the handshake fails with 500.
      deps.log.error('authorizer failed', { error: e as Error });
      throw e;
    }
  });
}

/**
 * The authorizer's dependencies from `env` (its environment; contract/env.ts names): JWT_ISSUER,
 * JWT_AUDIENCE and JWKS_URL (OIDC mode), or else JWT_SECRET_ARN (read on the first request;
 * the secret itself through Secrets Manager). Throws OidcConfigError for a half-set or
 * invalid OIDC configuration.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): AuthorizeDeps {
  return { verify: verifierFromEnvironment(env), log };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built at cold start. */
export const handler = createHandler(fromEnvironment(process.env));
