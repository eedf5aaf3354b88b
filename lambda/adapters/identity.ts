/**
 * Token verification for both APIs, in the mode fixed when the verifier is built (a cold
 * start): OIDC (an IdP's RS256/ES256 ID tokens, checked against its JWKS) when JWT_ISSUER,
 * JWT_AUDIENCE and JWKS_URL are all set; the stack's HS256 secret (JWT_SECRET_ARN) when none
 * is. One or two of them set fails the build (OidcConfigError, adapters/secrets.ts).
 */
import { verifyOidcToken, verifyToken, type TokenIdentity } from '../core/token';
import { ENV } from './config';
import { jwtSecret, oidcConfig, remoteKeySet } from './secrets';

/**
 * Verifies an access token: the identity it names (`{ userId, displayName, roles }`). Throws
 * InvalidTokenError for a token to refuse, KeySetUnavailableError when the IdP's keys cannot
 * be had, MissingConfigError when stack-secret mode has no JWT_SECRET_ARN.
 */
export type VerifyAccessToken = (token: string | undefined) => Promise<TokenIdentity>;

/**
 * The verifier of `env` (a function's environment, contract/env.ts names). Throws
 * OidcConfigError at once for a half-set or invalid OIDC configuration, so it fails the cold
 * start rather than a request.
 */
export function accessTokenVerifier(env: NodeJS.ProcessEnv): VerifyAccessToken {
  const oidc = oidcConfig(env);
  if (oidc) {
    const keys = remoteKeySet(oidc.jwksUrl);
    return (token) => verifyOidcToken(keys, oidc, token);
  }
  const secretArn = env[ENV.jwtSecretArn] || undefined;
  return async (token) => verifyToken(await jwtSecret(secretArn), token);
}
