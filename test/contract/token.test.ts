import { createRemoteJWKSet, generateKeyPair, SignJWT, UnsecuredJWT, type JWTVerifyGetKey } from 'jose';
import {
  InvalidTokenError,
  KeySetUnavailableError,
  MAX_TOKEN_TTL_SECONDS,
  mintToken,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  verifyOidcToken,
  verifyToken,
  type TokenIdentity,
} from '../../contract/token';
import { COGNITO_SUB, OIDC_AUDIENCE, OIDC_ISSUER, startLocalIdp, type LocalIdp } from '../support/oidc';

const secret = 's'.repeat(48);
const key = new TextEncoder().encode(secret);
const sign = (claims: Record<string, unknown>, over: (j: SignJWT) => SignJWT = (j) => j) =>
  over(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setSubject('alice').setExpirationTime('1h')).sign(key);

async function refused(token: string | undefined): Promise<string> {
  try {
    await verifyToken(secret, token);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidTokenError);
    return (e as InvalidTokenError).reason;
  }
  throw new Error('token was accepted');
}

describe('tokens', () => {
  it('round-trips a minted token to its identity', async () => {
    const t = await mintToken(secret, { userId: 'alice', displayName: 'Alice A.' });
    await expect(verifyToken(secret, t)).resolves.toEqual({ userId: 'alice', displayName: 'Alice A.', roles: [] });
  });

  it('grants the HTTP API roles it was minted with, and only claims that are exactly true', async () => {
    const t = await mintToken(secret, { userId: 'pub', roles: ['publisher', 'operator'] });
    await expect(verifyToken(secret, t)).resolves.toMatchObject({ userId: 'pub', roles: ['publisher', 'operator'] });
    await expect(verifyToken(secret, await sign({ publisher: 'true', operator: 1 }))).resolves.toMatchObject({ roles: [] });
    await expect(mintToken(secret, { userId: 'x', roles: ['admin' as never] })).rejects.toThrow(/role "admin"/);
  });

  it('uses the user id as display name when none is given', async () => {
    await expect(verifyToken(secret, await sign({}))).resolves.toEqual({ userId: 'alice', displayName: 'alice', roles: [] });
  });

  it('refuses missing, malformed, expired, not-yet-valid and wrongly signed tokens', async () => {
    expect(await refused(undefined)).toBe('missing');
    expect(await refused('not.a.jwt')).toBeDefined();
    await refused(await sign({}, (j) => j.setExpirationTime(Math.floor(Date.now() / 1000) - 120)));
    await refused(await sign({}, (j) => j.setNotBefore(Math.floor(Date.now() / 1000) + 600)));
    await refused(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(48))));
  });

  it('refuses the wrong issuer or audience, and a token with no exp', async () => {
    await refused(await sign({}, (j) => j.setIssuer('someone-else')));
    await refused(await sign({}, (j) => j.setAudience('other')));
    await refused(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).sign(key));
  });

  it('refuses alg none', async () => {
    const none = new UnsecuredJWT({}).setSubject('alice').setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setExpirationTime('1h').encode();
    await refused(none);
  });

  it('refuses user ids it could not store safely', async () => {
    await refused(await sign({}, (j) => j.setSubject('a b/../c')));
    await expect(mintToken(secret, { userId: '' })).rejects.toThrow(/user id/);
  });
});

describe('HS256 tokens: each refusal on its own', () => {
  const now = () => Math.floor(Date.now() / 1000);
  it('refuses an expired token (past the 30 s tolerance) but accepts one within it', async () => {
    expect(await refused(await sign({}, (j) => j.setExpirationTime(now() - 120)))).toBe('ERR_JWT_EXPIRED');
    await expect(verifyToken(secret, await sign({}, (j) => j.setExpirationTime(now() - 5)))).resolves.toMatchObject({ userId: 'alice' });
  });
  it('refuses a token not yet valid (nbf)', async () => {
    expect(await refused(await sign({}, (j) => j.setNotBefore(now() + 600)))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });
  it('lives at most MAX_TOKEN_TTL_SECONDS (30 days): minting longer throws, a longer token signed with the secret is refused', async () => {
    expect(MAX_TOKEN_TTL_SECONDS).toBe(30 * 86_400);
    await expect(mintToken(secret, { userId: 'alice', ttlSeconds: MAX_TOKEN_TTL_SECONDS + 1 })).rejects.toThrow(/at most 2592000 s/);
    await expect(verifyToken(secret, await mintToken(secret, { userId: 'alice', ttlSeconds: MAX_TOKEN_TTL_SECONDS }))).resolves.toMatchObject({ userId: 'alice' });
    expect(await refused(await sign({}, (j) => j.setExpirationTime(now() + MAX_TOKEN_TTL_SECONDS + 3600)))).toBe('lifetime over the maximum');
  });
  it('refuses a wrong audience and a wrong issuer', async () => {
    expect(await refused(await sign({}, (j) => j.setAudience('other')))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await refused(await sign({}, (j) => j.setIssuer('someone-else')))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });
  it('refuses alg none', async () => {
    const none = new UnsecuredJWT({}).setSubject('alice').setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setExpirationTime('1h').encode();
    expect(await refused(none)).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });
  it('refuses an RS256-signed token (asymmetric algorithms are never accepted in HS mode)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const rs = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('alice').setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setExpirationTime('1h').sign(privateKey);
    expect(await refused(rs)).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });
  it('refuses malformed, missing and empty tokens, and one without sub', async () => {
    for (const bad of ['not.a.jwt', 'garbage', 'a.b', '...', 'eyJhbGciOiJIUzI1NiJ9.e30.', `${await sign({})}x`]) await refused(bad);
    expect(await refused(undefined)).toBe('missing');
    expect(await refused('')).toBe('missing');
    const noSub = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setExpirationTime('1h').sign(key);
    await refused(noSub);
  });
});

describe('HS256 misconfiguration', () => {
  it('a secret under 32 characters is a configuration error, not a refused token', async () => {
    const err = await verifyToken('short', await sign({})).catch((e: Error) => e);
    expect(err).not.toBeInstanceOf(InvalidTokenError);
    expect((err as Error).message).toMatch(/at least 32 characters/);
  });
});

describe('OIDC tokens', () => {
  let idp: LocalIdp;
  let keys: JWTVerifyGetKey;
  const settings = { issuer: OIDC_ISSUER, audience: OIDC_AUDIENCE };
  beforeAll(async () => {
    idp = await startLocalIdp();
    keys = createRemoteJWKSet(new URL(idp.jwksUrl), { cooldownDuration: 0 });
  });
  afterAll(async () => {
    await idp?.close();
  });

  const verify = (token: string | undefined, k: JWTVerifyGetKey = keys): Promise<TokenIdentity> => verifyOidcToken(k, settings, token);
  async function refusedOidc(token: string | undefined): Promise<string> {
    try {
      await verify(token);
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidTokenError);
      return (e as InvalidTokenError).reason;
    }
    throw new Error('token was accepted');
  }
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a valid RS256 ID token from the JWKS, with the Cognito UUID sub as user id', async () => {
    await expect(verify(await idp.sign({ name: 'Alice A.' }))).resolves.toEqual({ userId: COGNITO_SUB, displayName: 'Alice A.', roles: [] });
  });

  it('accepts ES256 too', async () => {
    await expect(verify(await idp.sign({ name: 'Eve' }, { alg: 'ES256' }))).resolves.toEqual({ userId: COGNITO_SUB, displayName: 'Eve', roles: [] });
  });

  it('takes the display name from name, then preferred_username, then cognito:username, then sub', async () => {
    const who = async (claims: Record<string, unknown>) => (await verify(await idp.sign(claims))).displayName;
    expect(await who({ name: 'N', preferred_username: 'P', 'cognito:username': 'C' })).toBe('N');
    expect(await who({ name: '  ', preferred_username: 'P', 'cognito:username': 'C' })).toBe('P');
    expect(await who({ 'cognito:username': 'Google_1234' })).toBe('Google_1234');
    expect(await who({ name: 42 })).toBe(COGNITO_SUB);
    expect(await who({ name: `a\u0000b\nc${'x'.repeat(100)}` })).toBe(`abc${'x'.repeat(61)}`);
  });

  it('refuses an expired token and one not yet valid (nbf)', async () => {
    expect(await refusedOidc(await idp.sign({ exp: now() - 120 }))).toBe('ERR_JWT_EXPIRED');
    expect(await refusedOidc(await idp.sign({ nbf: now() + 600 }))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('refuses a wrong audience, a wrong issuer, and a token without exp or sub', async () => {
    expect(await refusedOidc(await idp.sign({ aud: 'another-app-client' }))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await refusedOidc(await idp.sign({ iss: 'https://evil.example/pool' }))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await refusedOidc(await idp.sign({ exp: undefined }))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await refusedOidc(await idp.sign({ sub: undefined }))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await refusedOidc(await idp.sign({ sub: 'auth0|abc' }))).toBe('bad sub claim');
  });

  it('refuses alg none', async () => {
    const none = new UnsecuredJWT({}).setSubject(COGNITO_SUB).setIssuer(OIDC_ISSUER).setAudience(OIDC_AUDIENCE).setExpirationTime('1h').encode();
    expect(await refusedOidc(none)).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('refuses an HS256 token signed with the public key bytes (HS/RS confusion)', async () => {
    for (const secretBytes of [new TextEncoder().encode(idp.rsaPublicPem), new TextEncoder().encode(idp.rsaPublicPem.trim())]) {
      const forged = await new SignJWT({ name: 'mallory' })
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
        .setSubject(COGNITO_SUB)
        .setIssuer(OIDC_ISSUER)
        .setAudience(OIDC_AUDIENCE)
        .setExpirationTime('1h')
        .sign(secretBytes);
      expect(await refusedOidc(forged)).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
    }
  });

  it('refuses a token signed by a key the IdP does not publish (unknown kid, or a known kid with a foreign key)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    expect(await refusedOidc(await idp.sign({}, { kid: 'not-in-jwks', key: privateKey }))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(await refusedOidc(await idp.sign({}, { kid: 'rsa-1', key: privateKey }))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('refuses other asymmetric algorithms than RS256/ES256', async () => {
    const { privateKey } = await generateKeyPair('PS256');
    expect(await refusedOidc(await idp.sign({}, { kid: 'rsa-1', key: privateKey, alg: 'PS256' as 'RS256' }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('refuses malformed and missing tokens without fetching the key set', async () => {
    const before = idp.fetches;
    for (const bad of ['not.a.jwt', 'garbage', '...', 'eyJhbGciOiJSUzI1NiJ9.e30.']) await refusedOidc(bad);
    expect(await refusedOidc(undefined)).toBe('missing');
    expect(await refusedOidc('')).toBe('missing');
    expect(idp.fetches).toBe(before);
  });

  it('reports an unreachable or broken key set as an outage, not as a bad token', async () => {
    const token = await idp.sign({});
    const fresh = () => createRemoteJWKSet(new URL(idp.jwksUrl));
    idp.fail(503);
    try {
      await expect(verify(token, fresh())).rejects.toBeInstanceOf(KeySetUnavailableError);
    } finally {
      idp.fail(0);
    }
    const closed = createRemoteJWKSet(new URL('http://127.0.0.1:1/jwks.json'));
    await expect(verify(token, closed)).rejects.toBeInstanceOf(KeySetUnavailableError);
    await expect(verify(token, fresh())).resolves.toMatchObject({ userId: COGNITO_SUB });
  });
});

