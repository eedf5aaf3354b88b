/**
 * matchcast access tokens: JWTs, HS256, with `sub` (user id) and `name` (display name)
 * claims (PROTOCOL.md "Connecting"). Verified by the `$connect` authorizer; minted by
 * local mode's `/dev/token` and by `npm run token`. Uses jose; no AWS.
 */
import { errors, jwtVerify, SignJWT } from 'jose';

/** Issuer and audience every matchcast token carries and every verification requires. */
export const TOKEN_ISSUER = 'matchcast';
export const TOKEN_AUDIENCE = 'matchcast-ws';
/** Allowed clock skew between minting and verifying hosts, in seconds. */
const CLOCK_TOLERANCE_S = 30;
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Who a valid token names. */
export interface TokenIdentity {
  userId: string;
  displayName: string;
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
 * Mint a token for `userId` valid for `ttlSeconds` (default 1 h). Throws on a user id that
 * is not 1–64 characters of letters, digits, `.`, `_`, `@`, `-`, or a secret under 32 chars.
 */
export async function mintToken(secret: string, user: { userId: string; displayName?: string; ttlSeconds?: number }): Promise<string> {
  if (!USER_ID.test(user.userId)) throw new Error(`user id "${user.userId}" must be 1–64 letters, digits, ".", "_", "@" or "-"`);
  const name = (user.displayName ?? user.userId).slice(0, 64);
  return new SignJWT({ name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.userId)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${Math.max(1, Math.floor(user.ttlSeconds ?? 3600))}s`)
    .sign(key(secret));
}

/**
 * Verify a token: HS256 only (no `none`, no RS/HS confusion), our issuer and audience,
 * `exp` required and not passed, `nbf` respected, a well-formed `sub`.
 * Throws {@link InvalidTokenError} for any token that must be refused.
 */
export async function verifyToken(secret: string, token: string | undefined): Promise<TokenIdentity> {
  if (!token) throw new InvalidTokenError('missing');
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    const sub = payload.sub;
    if (typeof sub !== 'string' || !USER_ID.test(sub)) throw new InvalidTokenError('bad sub claim');
    const name = typeof payload.name === 'string' && payload.name.trim() !== '' ? payload.name.trim().slice(0, 64) : sub;
    return { userId: sub, displayName: name };
  } catch (e) {
    if (e instanceof InvalidTokenError) throw e;
    if (e instanceof errors.JOSEError) throw new InvalidTokenError(e.code);
    throw new InvalidTokenError('malformed');
  }
}
