import { SignJWT, UnsecuredJWT } from 'jose';
import { InvalidTokenError, mintToken, TOKEN_AUDIENCE, TOKEN_ISSUER, verifyToken } from '../../../lambda/core/token';

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
    await expect(verifyToken(secret, t)).resolves.toEqual({ userId: 'alice', displayName: 'Alice A.' });
  });

  it('uses the user id as display name when none is given', async () => {
    await expect(verifyToken(secret, await sign({}))).resolves.toEqual({ userId: 'alice', displayName: 'alice' });
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
