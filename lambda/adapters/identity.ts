/**
 * Token verification for both APIs, in the mode fixed when the verifier is built (a cold
 * start): OIDC (an IdP's RS256/ES256 ID tokens, checked against its JWKS) when JWT_ISSUER,
 * JWT_AUDIENCE and JWKS_URL are all set; the stack's HS256 secret (JWT_SECRET_ARN) when none
 * is. One or two of them set fails the build (OidcConfigError, adapters/secrets.ts).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { JWTVerifyGetKey } from 'jose';
import { verifyOidcToken, verifyToken, type TokenIdentity } from '../../contract/token';
import { ENV } from './config';
import { oidcConfig, remoteKeySet, SecretsManagerJwtSecret, type OidcConfig } from './secrets';

/**
 * Verifies an access token: the identity it names (`{ userId, displayName, roles }`). Throws
 * InvalidTokenError for a token to refuse, KeySetUnavailableError when the IdP's keys cannot
 * be had, MissingConfigError when stack-secret mode has no JWT_SECRET_ARN.
 */
export type VerifyAccessToken = (token: string | undefined) => Promise<TokenIdentity>;

/** What a verifier is built from: OIDC mode's configuration and key set, or the stack's secret. */
export type VerifierDeps =
  | { oidc: OidcConfig; keys: JWTVerifyGetKey }
  | { oidc?: undefined; secret: Pick<SecretsManagerJwtSecret, 'value'> };

/** The verifier over `deps`: OIDC tokens against `keys` when `oidc` is given, else HS256 tokens signed with `secret`. */
export function accessTokenVerifier(deps: VerifierDeps): VerifyAccessToken {
  if (deps.oidc) {
    const { oidc, keys } = deps;
    return (token) => verifyOidcToken(keys, oidc, token);
  }
  const { secret } = deps;
  return async (token) => verifyToken(await secret.value(), token);
}

/**
 * The verifier of `env` (a function's environment, contract/env.ts names: JWT_ISSUER,
 * JWT_AUDIENCE, JWKS_URL, or JWT_SECRET_ARN): OIDC mode with the IdP's remote key set
 * (secrets.ts `remoteKeySet`), or the secret of JWT_SECRET_ARN read through Secrets Manager.
 * Throws OidcConfigError at once for a half-set or invalid OIDC configuration, so it fails the
 * cold start rather than a request.
 */
export function verifierFromEnvironment(env: NodeJS.ProcessEnv): VerifyAccessToken {
  const oidc = oidcConfig(env);
  if (oidc) return accessTokenVerifier({ oidc, keys: remoteKeySet(oidc.jwksUrl) });
  return accessTokenVerifier({ secret: new SecretsManagerJwtSecret({ client: new SecretsManagerClient({}), secretArn: env[ENV.jwtSecretArn] }) });
}
