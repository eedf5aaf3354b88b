/**
 * matchcast access tokens (PROTOCOL.md "Connecting"), verified by the `$connect` authorizer.
 * Two modes:
 *
 * - **stack secret** (default): HS256 JWTs with `sub` (user id) and `name` (display name),
 *   issuer {@link TOKEN_ISSUER}, audience {@link TOKEN_AUDIENCE}; minted by local mode's
 *   `/dev/token` and by `npm run token` ({@link mintToken}), verified by {@link verifyToken}.
 * - **OIDC**: ID tokens of an external IdP (Cognito or any OpenID Connect
 *   provider), RS256/ES256 only, verified against the IdP's JWKS by {@link verifyOidcToken}.
 *
 * Uses jose; no AWS and no I/O of its own (the JWKS key getter is passed in).
 */
import { errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** Issuer and audience every matchcast token carries and every verification requires. */
export const TOKEN_ISSUER = 'matchcast';
export const TOKEN_AUDIENCE = 'matchcast-ws';
/** Allowed clock skew between minting and verifying hosts, in seconds (both modes). */
export const CLOCK_TOLERANCE_S = 30;
/**
 * The user ids matchcast stores and puts in stream keys (`pvai:{gameId}:{userId}`): 1–64
 * letters, digits, `.`, `_`, `@`, `-`. Cognito's `sub` is a UUID, which fits; an IdP whose
 * `sub` holds other characters (Auth0's `auth0|…`) is refused rather than stored unsafely.
 */
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/**
 * Longest lifetime of a stack-secret token, in **seconds**: 30 days. {@link mintToken} refuses a
 * longer `ttlSeconds`, and {@link verifyToken} refuses a token whose `exp` lies further ahead
 * than this (plus {@link CLOCK_TOLERANCE_S}), whoever minted it with the secret. `npm run token`
 * (`--ttl`, at most 30d) and local mode's `/dev/token` mint through {@link mintToken}. The
 * signing secret is not rotated automatically because every token expires within this bound
 * (lib/nag.ts `JWT_SECRET_ROTATION_REASON`).
 */
export const MAX_TOKEN_TTL_SECONDS = 30 * 86_400;
/** Lifetime of a token minted without `ttlSeconds`, in seconds: 1 hour. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
/** Longest display name kept, in characters. */
const MAX_DISPLAY_NAME = 64;
/** The only algorithms OIDC mode accepts: asymmetric, so a public key can never verify an HMAC. */
export const OIDC_ALGORITHMS = ['RS256', 'ES256'] as const;

/**
 * The roles a token may grant on the HTTP API, each a boolean claim of that name:
 * `publisher` may open live games and post their events (`PUT /games/{gameId}`,
 * `POST /games/{gameId}/events`, `POST /games/{gameId}/finish`); `operator` may schedule
 * streams (`POST /streams`). The WebSocket API needs no role.
 */
export const TOKEN_ROLES = ['publisher', 'operator'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Who a valid token names, and the roles it grants (claims `publisher: true`, `operator: true`). */
export interface TokenIdentity {
  userId: string;
  displayName: string;
  roles: TokenRole[];
}

/** A token that must be refused; `reason` is for logs, never for the client. */
export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(`invalid token: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

function key(secret: string): Uint8Array {
  if (secret.length < 32) throw new Error('the JWT secret must be at least 32 characters');
  return new TextEncoder().encode(secret);
}

/**
 * Mint a token for `userId` valid for `ttlSeconds` (default {@link DEFAULT_TOKEN_TTL_SECONDS},
 * 1 h; at most {@link MAX_TOKEN_TTL_SECONDS}, 30 days), granting `roles` (default none; see
 * {@link TOKEN_ROLES}). Throws on a user id that is not 1–64 characters of letters, digits,
 * `.`, `_`, `@`, `-`, a `ttlSeconds` above the maximum, an unknown role, or a secret under 32 chars.
 */
export async function mintToken(
  secret: string,
  user: { userId: string; displayName?: string; ttlSeconds?: number; roles?: readonly TokenRole[] },
): Promise<string> {
  if (!USER_ID.test(user.userId)) throw new Error(`user id "${user.userId}" must be 1–64 letters, digits, ".", "_", "@" or "-"`);
  const name = (user.displayName ?? user.userId).slice(0, MAX_DISPLAY_NAME);
  for (const r of user.roles ?? []) if (!TOKEN_ROLES.includes(r)) throw new Error(`role "${String(r)}" is not one of ${TOKEN_ROLES.join(', ')}`);
  const ttlSeconds = Math.max(1, Math.floor(user.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS));
  if (!(ttlSeconds <= MAX_TOKEN_TTL_SECONDS)) throw new Error(`a token lives at most ${MAX_TOKEN_TTL_SECONDS} s (30 days), got a ttl of ${user.ttlSeconds} s`);
  return new SignJWT({ name, ...Object.fromEntries((user.roles ?? []).map((r) => [r, true])) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.userId)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

/**
 * Verify a stack-secret token: HS256 only (no `none`, no RS/HS confusion), our issuer and
 * audience, `exp` required and not passed nor more than {@link MAX_TOKEN_TTL_SECONDS} (+ the
 * clock tolerance) ahead, `nbf` respected, a well-formed `sub`.
 * `secret` is the stack's JWT secret (≥ 32 characters); `token` the compact JWS.
 * Returns `{ userId, displayName, roles }`. Throws {@link InvalidTokenError} for any token that
 * must be refused (its `reason` is the jose error code, `missing`, `malformed`, `bad sub
 * claim` or `lifetime over the maximum`), a plain Error for a secret under 32 characters (misconfiguration).
 */
export async function verifyToken(secret: string, token: string | undefined): Promise<TokenIdentity> {
  if (!token) throw new InvalidTokenError('missing');
  const k = key(secret); // a short secret is a configuration error, not a bad token
  return refusing(async () => {
    const { payload } = await jwtVerify(token, k, {
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    if ((payload.exp as number) > Date.now() / 1000 + MAX_TOKEN_TTL_SECONDS + CLOCK_TOLERANCE_S) throw new InvalidTokenError('lifetime over the maximum');
    return identityOf(payload, ['name']);
  });
}

/** What OIDC mode checks besides the signature: the IdP's `iss` and the `aud` this API is. */
export interface OidcSettings {
  /** Exact `iss` claim, e.g. `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`. */
  issuer: string;
  /** Exact `aud` claim (Cognito: the app client id — so Cognito *ID* tokens; its access tokens carry no `aud`). */
  audience: string;
}

/**
 * Thrown when the IdP's key set cannot be fetched or read (timeout, HTTP error, not JSON,
 * not a JWKS): the token may well be valid, so this is not a refusal of the client but an
 * outage to log and alarm on. `cause` holds the underlying error.
 */
export class KeySetUnavailableError extends Error {
  constructor(readonly cause: unknown) {
    super(`the JWKS could not be fetched: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'KeySetUnavailableError';
  }
}

/** jose errors of the key lookup that mean "this token names no usable key" (a refusal, not an outage). */
const TOKEN_KEY_FAULTS = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_NOT_SUPPORTED']);

/**
 * Verify an OIDC token against the IdP's key set `keys` (jose
 * `createRemoteJWKSet(jwksUrl)`, cached by the caller across invocations): RS256 or ES256
 * only (never HS*, never `none`, so no HS/RS confusion), `iss` = `settings.issuer`, `aud`
 * includes `settings.audience`, `exp` and `sub` required, `nbf` respected, clock tolerance
 * {@link CLOCK_TOLERANCE_S} s. The display name is `name`, else `preferred_username`, else
 * `cognito:username`, else the `sub`.
 * Returns `{ userId, displayName, roles }`. Throws {@link InvalidTokenError} for a token that must be
 * refused (including an unknown `kid`), {@link KeySetUnavailableError} when the key set
 * itself cannot be had.
 */
export async function verifyOidcToken(keys: JWTVerifyGetKey, settings: OidcSettings, token: string | undefined): Promise<TokenIdentity> {
  if (!token) throw new InvalidTokenError('missing');
  const getKey: JWTVerifyGetKey = async (header, input) => {
    try {
      return await keys(header, input);
    } catch (e) {
      if (e instanceof errors.JOSEError && TOKEN_KEY_FAULTS.has(e.code)) throw e;
      throw new KeySetUnavailableError(e);
    }
  };
  return refusing(async () => {
    const { payload } = await jwtVerify(token, getKey, {
      algorithms: [...OIDC_ALGORITHMS],
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    return identityOf(payload, ['name', 'preferred_username', 'cognito:username']);
  });
}

/** Run a verification; any failure but an outage becomes {@link InvalidTokenError}. */
async function refusing(verify: () => Promise<TokenIdentity>): Promise<TokenIdentity> {
  try {
    return await verify();
  } catch (e) {
    if (e instanceof InvalidTokenError || e instanceof KeySetUnavailableError) throw e;
    if (e instanceof errors.JOSEError) throw new InvalidTokenError(e.code);
    throw new InvalidTokenError('malformed');
  }
}

/** The identity of a verified payload: `sub` checked against USER_ID, the first usable name claim (control characters dropped, ≤ 64 chars). */
function identityOf(payload: JWTPayload, nameClaims: readonly string[]): TokenIdentity {
  const sub = payload.sub;
  if (typeof sub !== 'string' || !USER_ID.test(sub)) throw new InvalidTokenError('bad sub claim');
  for (const claim of nameClaims) {
    const v = payload[claim];
    // eslint-disable-next-line no-control-regex
    const name = typeof v === 'string' ? v.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_DISPLAY_NAME) : '';
    if (name !== '') return { userId: sub, displayName: name, roles: rolesOf(payload) };
  }
  return { userId: sub, displayName: sub, roles: rolesOf(payload) };
}

/** The roles a payload grants: each {@link TOKEN_ROLES} claim that is exactly `true`. */
function rolesOf(payload: JWTPayload): TokenRole[] {
  return TOKEN_ROLES.filter((r) => payload[r] === true);
}
