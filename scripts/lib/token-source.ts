/**
 * Getting an access token (PROTOCOL.md "Connecting") for a {@link Target}:
 * - local: `GET {httpUrl}/dev/token?user=…&name=…&ttl=…` → `{ "token": "…" }` (local mode only);
 * - AWS: GetSecretValue on the stack's `JwtSecretArn`, then {@link mintToken} here.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mintToken, type TokenRole } from '../../contract/token';
import { awsError, clientConfig, type Target } from './target';
import { CliError } from './cli';

/** Who the token is for. `ttlSeconds` defaults to 3600 (1 h). */
export interface TokenRequest {
  userId: string;
  displayName?: string;
  ttlSeconds?: number;
  /** HTTP API roles (`publisher`, `operator`) the token grants. */
  roles?: readonly TokenRole[];
}

/** Bound on the `/dev/token` request (ms): local mode answers in milliseconds. */
const DEV_TOKEN_TIMEOUT_MS = 10_000;

/**
 * Ask local mode's `/dev/token` for a token. Throws {@link CliError}: the server's own error
 * text on 400 (a bad user id), "cannot reach local mode …" when nothing listens.
 */
export async function fetchDevToken(httpUrl: string, req: TokenRequest, fetchImpl: typeof fetch = fetch): Promise<string> {
  const url = new URL('/dev/token', httpUrl);
  url.searchParams.set('user', req.userId);
  if (req.displayName) url.searchParams.set('name', req.displayName);
  if (req.ttlSeconds) url.searchParams.set('ttl', String(req.ttlSeconds));
  if (req.roles?.length) url.searchParams.set('roles', req.roles.join(','));
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: AbortSignal.timeout(DEV_TOKEN_TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    throw new CliError(`cannot reach local mode at ${httpUrl} (${cause}): is \`npm start\` running?`);
  }
  const text = await res.text();
  let body: { token?: unknown; error?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    /* not JSON: reported below */
  }
  if (!res.ok) {
    throw new CliError(`/dev/token refused: ${typeof body.error === 'string' ? body.error : `HTTP ${res.status}`}`);
  }
  if (typeof body.token !== 'string' || body.token === '') throw new CliError('/dev/token answered without a token');
  return body.token;
}

/**
 * Read the stack's JWT secret and mint a token with it. Throws {@link CliError} when the stack
 * has no `JwtSecretArn` output or the secret cannot be read (credentials, access, empty).
 */
export async function mintStackToken(target: Target, req: TokenRequest, secrets?: SecretsManagerClient): Promise<string> {
  if (!target.jwtSecretArn) throw new CliError(`stack ${target.name} has no JwtSecretArn output`);
  const client = secrets ?? new SecretsManagerClient(clientConfig(target, 'secretsmanager'));
  let secret: string | undefined;
  try {
    secret = (await client.send(new GetSecretValueCommand({ SecretId: target.jwtSecretArn }))).SecretString;
  } catch (e) {
    throw awsError(e, `reading the JWT secret of stack ${target.name}`);
  }
  if (!secret) throw new CliError(`the JWT secret of stack ${target.name} is empty`);
  try {
    return await mintToken(secret, {
      userId: req.userId,
      ...(req.displayName ? { displayName: req.displayName } : {}),
      ...(req.ttlSeconds ? { ttlSeconds: req.ttlSeconds } : {}),
      ...(req.roles?.length ? { roles: req.roles } : {}),
    });
  } catch (e) {
    throw new CliError((e as Error).message, /user id/.test((e as Error).message) ? 2 : 1);
  }
}

/** A token for `target`: {@link fetchDevToken} locally, {@link mintStackToken} on AWS. */
export function getToken(target: Target, req: TokenRequest, deps: { fetch?: typeof fetch; secrets?: SecretsManagerClient } = {}): Promise<string> {
  if (target.kind === 'local') {
    if (!target.httpUrl) throw new CliError('the local runtime file has no httpUrl: restart `npm start`');
    return fetchDevToken(target.httpUrl, req, deps.fetch);
  }
  return mintStackToken(target, req, deps.secrets);
}
