/**
 * The JWT signing secret, read once per container from Secrets Manager (the stack
 * generates it). Local mode serves the same API (AWS_ENDPOINT_URL_SECRETS_MANAGER).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV, requireEnv } from './config';

let client: SecretsManagerClient | undefined;
let cached: Promise<string> | undefined;

/** The secret string behind JWT_SECRET_ARN, cached for the container's life. Throws when it is empty. */
export function jwtSecret(): Promise<string> {
  cached ??= (async () => {
    client ??= new SecretsManagerClient({});
    const out = await client.send(new GetSecretValueCommand({ SecretId: requireEnv(ENV.jwtSecretArn) }));
    if (!out.SecretString) throw new Error('the JWT secret has no SecretString');
    return out.SecretString;
  })().catch((e: unknown) => {
    cached = undefined; // retry on the next request rather than caching a failure
    throw e;
  });
  return cached;
}
