/**
 * `npm run token -- --user NAME [--name "Display"] [--ttl 1h] [--role publisher|operator]… [--stack NAME]`
 *
 * Prints an access token — and nothing else — on stdout, so
 * `TOKEN=$(npm run -s token -- --user alice)` works. Local mode (default): asks the running
 * stack's `/dev/token`. `--stack NAME`: reads the stack's JWT secret (output `JwtSecretArn`)
 * with the default AWS credentials and mints the token here (contract/token.ts).
 * `--role` (repeatable) grants HTTP API roles (docs/HTTP-API.md "Authentication").
 */
import './lib/quiet-sdk'; // first: no AWS SDK Node-version warning on stderr
import type { Writable } from 'node:stream';
import { TOKEN_ROLES, type TokenRole } from '../contract/token';
import { parseCli, parseTtl, runMain, usageError } from './lib/cli';
import { resolveTarget, type TargetDeps } from './lib/target';
import { getToken } from './lib/token-source';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const TOKEN_HELP = `usage: npm run token -- --user NAME [--name "Display Name"] [--ttl 1h]
                        [--role publisher|operator]… [--stack NAME]

Print a matchcast access token (a JWT) on stdout, alone:
  TOKEN=$(npm run -s token -- --user alice)

  --user NAME     user id (the token's sub), required: 1-64 letters, digits, . _ @ -,
                  starting with a letter or digit
  --name TEXT     display name shown to others (default: the user id)
  --ttl TIME      lifetime: seconds, or 30m, 1h, 2d (default 1h, at most 30d)
  --role ROLE     grant an HTTP API role: publisher (live games) or operator (scheduled
                  streams); repeatable (docs/HTTP-API.md)
  --stack NAME    mint for a deployed stack (reads its JWT secret with your AWS credentials);
                  default: the running local stack (\`npm start\`)
  -h, --help      this help
`;

/** Test seams: where the target comes from, the HTTP and Secrets Manager clients. */
export interface TokenDeps extends TargetDeps {
  fetch?: typeof fetch;
  secrets?: SecretsManagerClient;
}

/**
 * `--role` values (each may also be a comma list: `--role publisher,operator`), checked
 * against {@link TOKEN_ROLES} and deduplicated. Throws a usage error naming a bad one.
 */
export function parseRoles(values: readonly string[]): TokenRole[] {
  const out: TokenRole[] = [];
  for (const r of values.flatMap((v) => v.split(',')).map((v) => v.trim())) {
    if (!(TOKEN_ROLES as readonly string[]).includes(r)) throw usageError(`--role ${JSON.stringify(r)}: expected ${TOKEN_ROLES.join(' or ')}`);
    if (!out.includes(r as TokenRole)) out.push(r as TokenRole);
  }
  return out;
}

/**
 * The `token` CLI as a function: parses `argv` (without node and script), writes the token
 * and a newline to `io.stdout`, resolves 0. Throws {@link CliError} (exit 2 for usage errors,
 * 1 for failures) — `runMain` prints it.
 */
export async function runToken(argv: readonly string[], io: { stdout: Writable }, deps: TokenDeps = {}): Promise<number> {
  const { values } = parseCli(argv, {
    user: { type: 'string', short: 'u' },
    name: { type: 'string', short: 'n' },
    ttl: { type: 'string' },
    role: { type: 'string', multiple: true },
    stack: { type: 'string', short: 's' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(TOKEN_HELP);
    return 0;
  }
  if (!values.user) throw usageError('--user NAME is required (see --help)');
  const ttlSeconds = values.ttl === undefined ? undefined : parseTtl(values.ttl);
  const roles = parseRoles(values.role ?? []);
  const target = await resolveTarget(values.stack, deps);
  const token = await getToken(
    target,
    { userId: values.user, ...(values.name ? { displayName: values.name } : {}), ...(ttlSeconds ? { ttlSeconds } : {}), ...(roles.length ? { roles } : {}) },
    deps,
  );
  io.stdout.write(`${token}\n`);
  return 0;
}

if (require.main === module) runMain(() => runToken(process.argv.slice(2), { stdout: process.stdout }));
