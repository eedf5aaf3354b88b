/**
 * What the `$connect` authorizer verifies tokens with:
 *
 * - the JWT signing secret, read once per function instance from Secrets Manager
 *   ({@link SecretsManagerJwtSecret}; the stack generates it). Local mode serves the same API
 *   (AWS_ENDPOINT_URL_SECRETS_MANAGER);
 * - in OIDC mode (JWT_ISSUER, JWT_AUDIENCE, JWKS_URL all set), the IdP's remote
 *   key set, fetched by jose and cached for the container's life.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import * as z from 'zod';
import type { OidcSettings } from '../../contract/token';
import { ENV, MissingConfigError } from './config';

/** What a {@link SecretsManagerJwtSecret} is constructed with. */
export interface SecretsManagerJwtSecretOptions {
  /** A Secrets Manager client (endpoint: the SDK's own `AWS_ENDPOINT_URL_SECRETS_MANAGER`). */
  client: SecretsManagerClient;
  /** The secret's ARN (env JWT_SECRET_ARN); undefined or empty when the function has none: {@link SecretsManagerJwtSecret.value} then throws MissingConfigError. */
  secretArn: string | undefined;
}

/**
 * The stack's JWT signing secret in Secrets Manager:
 * `new SecretsManagerJwtSecret({ client: new SecretsManagerClient({}), secretArn })`. The
 * secret string is read once and cached by this instance (one function, one secret).
 */
export class SecretsManagerJwtSecret {
  private readonly client: SecretsManagerClient;
  private readonly secretArn: string | undefined;
  private cached: Promise<string> | undefined;

  constructor(opts: SecretsManagerJwtSecretOptions) {
    this.client = opts.client;
    this.secretArn = opts.secretArn || undefined;
  }

  /**
   * The secret string (GetSecretValue, then cached; a failed read is not cached, so the next
   * request tries again). Throws MissingConfigError when no ARN was given, an Error when the
   * secret has no SecretString, and the SDK's error when the read fails.
   */
  value(): Promise<string> {
    this.cached ??= (async () => {
      if (!this.secretArn) throw new MissingConfigError(ENV.jwtSecretArn);
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretArn }));
      if (!out.SecretString) throw new Error('the JWT secret has no SecretString');
      return out.SecretString;
    })().catch((e: unknown) => {
      this.cached = undefined; // retry on the next request rather than caching a failure
      throw e;
    });
    return this.cached;
  }
}

/** OIDC mode's configuration (ENV.jwtIssuer, ENV.jwtAudience, ENV.jwksUrl). */
export interface OidcConfig extends OidcSettings {
  /** The IdP's JWKS, e.g. `https://cognito-idp.{region}.amazonaws.com/{userPoolId}/.well-known/jwks.json`. */
  jwksUrl: string;
}

/** Thrown at cold start when the OIDC variables are set inconsistently (some but not all, or a bad URL). */
export class OidcConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcConfigError';
  }
}

const OIDC_VARIABLES = [ENV.jwtIssuer, ENV.jwtAudience, ENV.jwksUrl] as const;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** A JWKS URL: https, or http to a loopback host only (local tests and tools). */
const jwksUrlSchema = z
  .url()
  .refine((u) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      return false; // already reported by .url()
    }
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }, 'must be an https URL (http only for 127.0.0.1/localhost)');

/**
 * The OIDC configuration of `env` (a function's environment), or undefined when none of
 * JWT_ISSUER, JWT_AUDIENCE, JWKS_URL is set (stack-secret HS256 mode). Call it while the
 * function is built (its cold start), so a bad configuration fails the cold start. Throws {@link OidcConfigError} when only one or two
 * are set (no silent fallback to the stack secret) or JWKS_URL is not an https URL.
 */
export function oidcConfig(env: NodeJS.ProcessEnv): OidcConfig | undefined {
  const set = OIDC_VARIABLES.filter((name) => (env[name] ?? '') !== '');
  if (set.length === 0) return undefined;
  if (set.length < OIDC_VARIABLES.length) {
    const missing = OIDC_VARIABLES.filter((name) => !set.includes(name));
    throw new OidcConfigError(
      `OIDC mode needs ${OIDC_VARIABLES.join(', ')} all set (or none, for the stack secret): ${set.join(', ')} set but ${missing.join(', ')} not`,
    );
  }
  const jwksUrl = jwksUrlSchema.safeParse(env[ENV.jwksUrl]);
  if (!jwksUrl.success) throw new OidcConfigError(`environment variable ${ENV.jwksUrl}: ${jwksUrl.error.issues[0]?.message ?? 'not a URL'}`);
  return { issuer: env[ENV.jwtIssuer]!, audience: env[ENV.jwtAudience]!, jwksUrl: jwksUrl.data };
}

/** Key sets by URL: one per container, so its keys (and jose's refetch cooldown) outlive an invocation. */
const keySets = new Map<string, JWTVerifyGetKey>();

/**
 * The remote key set at `jwksUrl` (jose `createRemoteJWKSet`), created once per container.
 * jose fetches it on first use, keeps it 10 min, refetches on an unknown `kid` at most every
 * 30 s, and gives up a fetch after 3 s.
 */
export function remoteKeySet(jwksUrl: string): JWTVerifyGetKey {
  let keys = keySets.get(jwksUrl);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    keySets.set(jwksUrl, keys);
  }
  return keys;
}
