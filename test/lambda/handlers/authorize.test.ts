/**
 * The `$connect` authorizer in both modes: the stack's HS256 secret (Secrets
 * Manager stand-in on 127.0.0.1) and OIDC (a local JWKS), chosen at cold start; a half-set
 * OIDC configuration fails the cold start.
 */
import { createServer, type Server } from 'node:http';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { listen } from '../../../local/listen';
import { mintToken } from '../../../contract/token';
import { setEnv } from '../../support/aws-local';
import { COGNITO_SUB, OIDC_AUDIENCE, OIDC_ISSUER, startLocalIdp, type LocalIdp } from '../../support/oidc';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

type Handler = (e: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef/prod/$connect';
const SECRET = 'k'.repeat(48);

/** Load the authorizer as a cold start with `env` (module scope runs again). */
function coldStart(env: Record<string, string>): { handler: Handler; restore: () => void } {
  const restore = setEnv(env);
  let handler: Handler | undefined;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = (require('../../../lambda/handlers/authorize') as { handler: Handler }).handler;
    });
  } catch (e) {
    restore();
    throw e;
  }
  return { handler: handler!, restore };
}

const event = (token?: string): APIGatewayRequestAuthorizerEvent =>
  ({
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    queryStringParameters: token === undefined ? {} : { token },
    requestContext: { identity: { sourceIp: '127.0.0.1' } },
  }) as unknown as APIGatewayRequestAuthorizerEvent;

let idp: LocalIdp;
let secrets: Server;
let secretsUrl: string;
let secretReads = 0;
const cleared = { JWT_ISSUER: '', JWT_AUDIENCE: '', JWKS_URL: '' };

beforeAll(async () => {
  idp = await startLocalIdp();
  // A Secrets Manager GetSecretValue stand-in (AWS JSON 1.1).
  secrets = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      secretReads++;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ ARN: 'arn:secret', Name: 'jwt', SecretString: SECRET }));
    });
  });
  secretsUrl = `http://127.0.0.1:${await listen(secrets)}`;
});
afterAll(async () => {
  await idp?.close();
  await new Promise<void>((resolve) => (secrets ? secrets.close(() => resolve()) : resolve()));
});

describe('authorizer, stack-secret mode (no OIDC variables)', () => {
  let h: ReturnType<typeof coldStart>;
  beforeAll(() => {
    h = coldStart({
      ...cleared,
      JWT_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
  });
  afterAll(() => h?.restore());

  it('allows a minted HS256 token, passing userId and displayName on', async () => {
    const out = await h.handler(event(await mintToken(SECRET, { userId: 'alice', displayName: 'Alice A.' })));
    expect(out).toEqual({
      principalId: 'alice',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }] },
      context: { userId: 'alice', displayName: 'Alice A.' },
    });
    expect(secretReads).toBeGreaterThan(0);
  });

  it('answers Unauthorized to a missing, forged or IdP token', async () => {
    await expect(h.handler(event())).rejects.toThrow(/^Unauthorized$/);
    await expect(h.handler(event(await mintToken('x'.repeat(48), { userId: 'alice' })))).rejects.toThrow(/^Unauthorized$/);
    await expect(h.handler(event(await idp.sign({})))).rejects.toThrow(/^Unauthorized$/);
  });
});

describe('authorizer, OIDC mode (JWT_ISSUER, JWT_AUDIENCE, JWKS_URL)', () => {
  let h: ReturnType<typeof coldStart>;
  beforeAll(() => {
    secretReads = 0;
    h = coldStart({ JWT_ISSUER: OIDC_ISSUER, JWT_AUDIENCE: OIDC_AUDIENCE, JWKS_URL: idp.jwksUrl });
  });
  afterAll(() => h?.restore());

  it('allows an RS256 ID token of the IdP, with the sub as user id', async () => {
    const out = await h.handler(event(await idp.sign({ 'cognito:username': 'alice' })));
    expect(out.principalId).toBe(COGNITO_SUB);
    expect(out.context).toEqual({ userId: COGNITO_SUB, displayName: 'alice' });
    expect(out.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }]);
  });

  it('answers Unauthorized to a stack-secret token, a wrong audience and a missing token, and never reads the secret', async () => {
    await expect(h.handler(event(await mintToken(SECRET, { userId: 'alice' })))).rejects.toThrow(/^Unauthorized$/);
    await expect(h.handler(event(await idp.sign({ aud: 'other' })))).rejects.toThrow(/^Unauthorized$/);
    await expect(h.handler(event())).rejects.toThrow(/^Unauthorized$/);
    expect(secretReads).toBe(0);
  });

  it('fails (not Unauthorized) when the JWKS cannot be fetched', async () => {
    const cold = coldStart({ JWT_ISSUER: OIDC_ISSUER, JWT_AUDIENCE: OIDC_AUDIENCE, JWKS_URL: idp.jwksUrl.replace('/jwks.json', '/elsewhere.json') });
    try {
      const err = await cold.handler(event(await idp.sign({}))).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).not.toBe('Unauthorized');
      expect((err as Error).name).toBe('KeySetUnavailableError');
    } finally {
      cold.restore();
    }
  });
});

describe('authorizer cold start with a half-set OIDC configuration', () => {
  it('throws a configuration error naming the missing variables instead of falling back', () => {
    for (const env of [
      { ...cleared, JWT_ISSUER: OIDC_ISSUER },
      { ...cleared, JWT_ISSUER: OIDC_ISSUER, JWT_AUDIENCE: OIDC_AUDIENCE },
      { ...cleared, JWKS_URL: 'https://idp.example/jwks.json' },
    ]) {
      expect(() => coldStart(env)).toThrow(/OIDC mode needs JWT_ISSUER, JWT_AUDIENCE, JWKS_URL all set/);
    }
    expect(() => coldStart({ JWT_ISSUER: OIDC_ISSUER, JWT_AUDIENCE: OIDC_AUDIENCE, JWKS_URL: 'http://idp.example/jwks.json' })).toThrow(/JWKS_URL: must be an https URL/);
  });
});
