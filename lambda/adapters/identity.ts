/**
 * Token verification for both APIs, in the mode fixed at cold start: OIDC (an IdP's
 * RS256/ES256 ID tokens, checked against its JWKS) when JWT_ISSUER, JWT_AUDIENCE and
 * JWKS_URL are all set; the stack's HS256 secret when none is. One or two of them set fails
 * the cold start (OidcConfigError, adapters/secrets.ts).
 */
import { verifyOidcToken, verifyToken, type TokenIdentity } from '../core/token';
import { jwtSecret, oidcConfig, remoteKeySet } from './secrets';

/** Read at cold start: a half-configured OIDC mode throws here, not on a request. */
const oidc = oidcConfig();
const keys = oidc && remoteKeySet(oidc.jwksUrl);

/**
 * The identity a token names (`{ userId, displayName, roles }`). Throws InvalidTokenError
 * for a token to refuse, KeySetUnavailableError when the IdP's keys cannot be had.
 */
export async function verifyAccessToken(token: string | undefined): Promise<TokenIdentity> {
  if (oidc && keys) return verifyOidcToken(keys, oidc, token);
  return verifyToken(await jwtSecret(), token);
}
