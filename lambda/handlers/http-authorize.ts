/**
 * The HTTP API's Lambda authorizer (docs/HTTP-API.md "Authentication"): payload
 * format 2.0 with simple responses. `Authorization: Bearer <JWT>` — the same tokens as the
 * WebSocket API (adapters/identity.ts) — is authorized with the context `userId`,
 * `displayName` and `roles` (comma-separated `publisher`/`operator` claims); the routes check
 * the role they need. Anything else is refused: API Gateway answers 401 without calling a route.
 *
 * Also the function's composition root: {@link fromEnvironment}, {@link createHandler}, and
 * {@link handler}, built when the module loads (the cold start) so a bad configuration fails it.
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { InvalidTokenError } from '../../contract/token';
import type { Log } from '../ports/log';
import { verifierFromEnvironment, type VerifyAccessToken } from '../adapters/identity';
import { log, withLambdaContext } from '../adapters/log';

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

/** What the HTTP authorizer is built from. */
export interface HttpAuthorizeDeps {
  verify: VerifyAccessToken;
  log: Log;
}

type Result = APIGatewaySimpleAuthorizerWithContextResult<HttpAuthorizerContext>;

/**
 * The HTTP authorizer over `deps`: `{ isAuthorized: true, context }` for a valid bearer token,
 * `{ isAuthorized: false }` for a token to refuse; rejects with the verifier's own error
 * otherwise (e.g. the IdP's JWKS unreachable).
 */
export function createHandler(deps: HttpAuthorizeDeps): (event: APIGatewayRequestAuthorizerEventV2) => Promise<Result> {
  return withLambdaContext(async (event) => {
    const refuse = { isAuthorized: false, context: { userId: '', displayName: '', roles: '' } };
    const header = event.headers?.authorization ?? event.headers?.Authorization;
    try {
      const who = await deps.verify(bearerToken(header));
      return { isAuthorized: true, context: { userId: who.userId, displayName: who.displayName, roles: who.roles.join(',') } };
    } catch (e) {
      if (e instanceof InvalidTokenError) {
        deps.log.info('HTTP request refused', { reason: e.reason, sourceIp: event.requestContext?.http?.sourceIp });
        return refuse;
      }
      deps.log.error('HTTP authorizer failed', { error: e as Error });
      throw e;
    }
  });
}

/**
 * The HTTP authorizer's dependencies from `env` (its environment; contract/env.ts names): JWT_ISSUER,
 * JWT_AUDIENCE and JWKS_URL (OIDC mode), or else JWT_SECRET_ARN (read on the first request;
 * the secret itself through Secrets Manager). Throws OidcConfigError for a half-set or
 * invalid OIDC configuration.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): HttpAuthorizeDeps {
  return { verify: verifierFromEnvironment(env), log };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built at cold start. */
export const handler = createHandler(fromEnvironment(process.env));
