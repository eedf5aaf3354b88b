/**
 * `npm run token -- --user NAME [--name "Display"] [--ttl 1h] [--stack NAME]`
 *
 * Prints an access token — and nothing else — on stdout, so
 * `TOKEN=$(npm run -s token -- --user alice)` works. Local mode (default): asks the running
 * stack's `/dev/token`. `--stack NAME`: reads the stack's JWT secret (output `JwtSecretArn`)
 * with the default AWS credentials and mints the token here (lambda/core/token.ts).
 */
import type { Writable } from 'node:stream';
import { parseCli, parseTtl, runMain, usageError } from './lib/cli';
import { resolveTarget, type TargetDeps } from './lib/target';
import { getToken } from './lib/token-source';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const TOKEN_HELP = `usage: npm run token -- --user NAME [--name "Display Name"] [--ttl 1h] [--stack NAME]

Print a matchcast access token (a JWT) on stdout, alone:
  TOKEN=$(npm run -s token -- --user alice)

  --user NAME     user id (the token's sub): 1-64 letters, digits, . _ @ -   (required)
  --name TEXT     display name shown to others (default: the user id)
  --ttl TIME      lifetime: seconds, or 30m, 1h, 2d (default 1h, at most 30d)
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
 * The `token` CLI as a function: parses `argv` (without node and script), writes the token
 * and a newline to `io.stdout`, resolves 0. Throws {@link CliError} (exit 2 for usage errors,
 * 1 for failures) — `runMain` prints it.
 */
export async function runToken(argv: readonly string[], io: { stdout: Writable }, deps: TokenDeps = {}): Promise<number> {
  const { values } = parseCli(argv, {
    user: { type: 'string', short: 'u' },
    name: { type: 'string', short: 'n' },
    ttl: { type: 'string' },
    stack: { type: 'string', short: 's' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(TOKEN_HELP);
    return 0;
  }
  if (!values.user) throw usageError('--user NAME is required (see --help)');
  const ttlSeconds = values.ttl === undefined ? undefined : parseTtl(values.ttl);
  const target = await resolveTarget(values.stack, deps);
  const token = await getToken(
    target,
    { userId: values.user, ...(values.name ? { displayName: values.name } : {}), ...(ttlSeconds ? { ttlSeconds } : {}) },
    deps,
  );
  io.stdout.write(`${token}\n`);
  return 0;
}

if (require.main === module) runMain(() => runToken(process.argv.slice(2), { stdout: process.stdout }));
