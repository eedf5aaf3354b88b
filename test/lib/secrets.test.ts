/**
 * Secrets and tokens agree across the stack and docs/SECURITY.md: the HTTP API authorizer's
 * result cache is the documented number of seconds, and the cdk-nag reason for not rotating
 * the signing secret names the token lifetime maximum that contract/token.ts enforces.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_TOKEN_TTL_SECONDS } from '../../contract/token';
import { HTTP_AUTHORIZER_CACHE_SECONDS } from '../../lib/http-api';
import { PROJECT_ROOT } from '../../lib/function';
import { JWT_SECRET_ROTATION_REASON } from '../../lib/nag';
import { buildStack } from './support';

const security = readFileSync(join(PROJECT_ROOT, 'docs/SECURITY.md'), 'utf8');
const section = security.slice(security.indexOf('## Secrets and tokens'), security.indexOf('\n## ', security.indexOf('## Secrets and tokens') + 3));

describe('secrets and tokens', () => {
  const { json } = buildStack();
  const authorizers = Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer');

  it('the HTTP API authorizer caches for the seconds docs/SECURITY.md states; the WebSocket one not at all', () => {
    const http = authorizers.filter((a) => a.Properties.AuthorizerType === 'REQUEST' && a.Properties.AuthorizerPayloadFormatVersion);
    expect(http).toHaveLength(1);
    expect(http[0].Properties.AuthorizerResultTtlInSeconds).toBe(HTTP_AUTHORIZER_CACHE_SECONDS);
    expect(section).toContain(`for **${HTTP_AUTHORIZER_CACHE_SECONDS} s**`);
    expect(section).toContain(`up to ${HTTP_AUTHORIZER_CACHE_SECONDS} s past its \`exp\``);
    for (const a of authorizers.filter((x) => !x.Properties.AuthorizerPayloadFormatVersion)) expect(a.Properties.AuthorizerResultTtlInSeconds).toBeUndefined();
  });

  it('the secret-rotation nag reason names the token lifetime maximum, and so does the page', () => {
    expect(JWT_SECRET_ROTATION_REASON).toContain(`${MAX_TOKEN_TTL_SECONDS / 86_400} days`);
    expect(JWT_SECRET_ROTATION_REASON).toContain('MAX_TOKEN_TTL_SECONDS');
    expect(section).toContain(`most ${MAX_TOKEN_TTL_SECONDS / 86_400} days (\`MAX_TOKEN_TTL_SECONDS\``);
    const secrets = Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    const reasons = (secrets[0].Metadata?.cdk_nag?.rules_to_suppress ?? []).filter((r: any) => r.id === 'AwsSolutions-SMG4');
    expect(reasons.map((r: any) => r.reason)).toEqual([JWT_SECRET_ROTATION_REASON]);
  });
});
