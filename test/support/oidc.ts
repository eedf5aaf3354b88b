/**
 * A local OpenID Connect key server for token tests: an RS256 and an ES256 key pair, their
 * public JWKS served by node:http on 127.0.0.1 (`GET /jwks.json`), and a signer for ID
 * tokens with the issuer and audience the tests configure. `fail(status)` makes the JWKS
 * answer an error; `fetches` counts requests. Close it in `afterAll`.
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { listen } from '../../local/listen';

export const OIDC_ISSUER = 'https://idp.example/us-east-1_TEST';
export const OIDC_AUDIENCE = 'matchcast-client-id';

export interface LocalIdp {
  /** `http://127.0.0.1:{port}/jwks.json`. */
  jwksUrl: string;
  /** The RS256 public key as SPKI PEM (for the HS/RS confusion attack). */
  rsaPublicPem: string;
  /**
   * Sign an ID token: RS256 with kid `rsa-1` by default, `alg: 'ES256'` with kid `ec-1`;
   * `iss`, `aud`, `sub` (a UUID, as Cognito's), `iat` and `exp` (+1 h) unless overridden
   * (a claim set to `undefined` is left out).
   */
  sign(claims?: JWTPayload, opts?: { alg?: 'RS256' | 'ES256'; kid?: string; key?: KeyLike }): Promise<string>;
  /** Answer the JWKS with `status` (0: answer normally again). */
  fail(status: number): void;
  /** JWKS requests served so far. */
  readonly fetches: number;
  close(): Promise<void>;
}

export const COGNITO_SUB = '3f2b8c1e-6a4d-4c1b-9e7f-0a1b2c3d4e5f';

export async function startLocalIdp(): Promise<LocalIdp> {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const jwks = {
    keys: [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ],
  };
  let failing = 0;
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/jwks.json') return void res.writeHead(404).end();
    fetches++;
    if (failing) return void res.writeHead(failing, { 'content-type': 'text/plain' }).end('down');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  const port = await listen(server);
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    rsaPublicPem: await exportSPKI(rsa.publicKey),
    async sign(claims = {}, opts = {}) {
      const alg = opts.alg ?? 'RS256';
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = { iss: OIDC_ISSUER, aud: OIDC_AUDIENCE, sub: COGNITO_SUB, iat: now, exp: now + 3600, ...claims };
      for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
      return new SignJWT(payload)
        .setProtectedHeader({ alg, typ: 'JWT', kid: opts.kid ?? (alg === 'RS256' ? 'rsa-1' : 'ec-1') })
        .sign(opts.key ?? (alg === 'RS256' ? rsa.privateKey : ec.privateKey));
    },
    fail(status) {
      failing = status;
    },
    get fetches() {
      return fetches;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
