/**
 * The token adapters: OIDC configuration from the environment (secrets.ts `oidcConfig`,
 * `remoteKeySet`) and the stack secret read from Secrets Manager (`SecretsManagerJwtSecret`,
 * verified through identity.ts `accessTokenVerifier`). The token rules themselves:
 * test/contract/token.test.ts.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { accessTokenVerifier } from '../../../lambda/adapters/identity';
import { OidcConfigError, oidcConfig, remoteKeySet, SecretsManagerJwtSecret } from '../../../lambda/adapters/secrets';
import { InvalidTokenError, mintToken } from '../../../contract/token';
import { OIDC_AUDIENCE, OIDC_ISSUER } from '../../support/oidc';

/** The stack secret (≥ 32 characters) the mocked Secrets Manager returns. */
const secret = 's'.repeat(48);

describe('OIDC configuration (secrets.ts oidcConfig)', () => {
  const all = { JWT_ISSUER: OIDC_ISSUER, JWT_AUDIENCE: OIDC_AUDIENCE, JWKS_URL: 'https://idp.example/.well-known/jwks.json' };

  it('is off when none of the three is set, on when all are', () => {
    expect(oidcConfig({})).toBeUndefined();
    expect(oidcConfig({ JWT_ISSUER: '', JWT_AUDIENCE: '', JWKS_URL: '' })).toBeUndefined();
    expect(oidcConfig(all)).toEqual({ issuer: all.JWT_ISSUER, audience: all.JWT_AUDIENCE, jwksUrl: all.JWKS_URL });
  });

  it('refuses one or two of the three, naming what is missing', () => {
    const names = Object.keys(all) as (keyof typeof all)[];
    for (let mask = 1; mask < 7; mask++) {
      const env = Object.fromEntries(names.filter((_, i) => mask & (1 << i)).map((n) => [n, all[n]]));
      const missing = names.filter((n) => !(n in env));
      expect(() => oidcConfig(env)).toThrow(OidcConfigError);
      expect(() => oidcConfig(env)).toThrow(new RegExp(`${missing.join(', ')} not`));
    }
  });

  it('refuses a JWKS URL that is not https (http only to a loopback host)', () => {
    for (const JWKS_URL of ['not a url', 'http://idp.example/jwks.json', 'ftp://idp.example/jwks.json', 'file:///etc/passwd']) {
      expect(() => oidcConfig({ ...all, JWKS_URL })).toThrow(OidcConfigError);
    }
    expect(oidcConfig({ ...all, JWKS_URL: 'http://127.0.0.1:8080/jwks.json' })?.jwksUrl).toBe('http://127.0.0.1:8080/jwks.json');
  });

  it('creates one remote key set per URL for the container', () => {
    expect(remoteKeySet('https://idp.example/a.json')).toBe(remoteKeySet('https://idp.example/a.json'));
    expect(remoteKeySet('https://idp.example/a.json')).not.toBe(remoteKeySet('https://idp.example/b.json'));
  });
});

describe('the stack secret (secrets.ts SecretsManagerJwtSecret)', () => {
  it('reads the secret once per instance, does not cache a failed read, and verifies tokens signed with it', async () => {
    const sm = mockClient(SecretsManagerClient);
    try {
      sm.on(GetSecretValueCommand).rejectsOnce(new Error('network down')).resolves({ SecretString: secret });
      const client = new SecretsManagerClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      const jwt = new SecretsManagerJwtSecret({ client, secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt' });
      await expect(jwt.value()).rejects.toThrow('network down');
      expect(await jwt.value()).toBe(secret);
      expect(await jwt.value()).toBe(secret);
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
      expect(sm.commandCalls(GetSecretValueCommand)[1]!.args[0].input).toEqual({ SecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt' });
      // Another function's instance has its own cache.
      await new SecretsManagerJwtSecret({ client, secretArn: 'arn:x' }).value();
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(3);

      const verify = accessTokenVerifier({ secret: jwt });
      expect((await verify(await mintToken(secret, { userId: 'alice' }))).userId).toBe('alice');
      await expect(verify(await mintToken('x'.repeat(48), { userId: 'alice' }))).rejects.toBeInstanceOf(InvalidTokenError);
    } finally {
      sm.restore();
    }
  });

  it('throws MissingConfigError naming JWT_SECRET_ARN when it has no ARN', async () => {
    const jwt = new SecretsManagerJwtSecret({ client: new SecretsManagerClient({ region: 'us-east-1' }), secretArn: undefined });
    await expect(jwt.value()).rejects.toMatchObject({ name: 'MissingConfigError', variable: 'JWT_SECRET_ARN' });
  });
});
