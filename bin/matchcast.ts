#!/usr/bin/env node
/**
 * The CDK app: one `MatchcastStack` with id `Matchcast`. Account and region come from
 * CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION when the CLI sets them (environment-agnostic
 * otherwise, so `cdk synth` works offline without credentials).
 *
 * The browser client (lib/web-client.ts) uploads web/dist, so the app first builds it with
 * Vite when it is missing or older than web/ (local/web.ts `buildWebSync`), unless the CLI
 * skips asset bundling for every stack (context `aws:cdk:bundling-stacks: []`, e.g. `cdk ls`).
 *
 * OIDC mode of the `$connect` authorizer, from the CDK context (all three keys or none):
 * `npx cdk deploy -c matchcast:oidcIssuer=https://… -c matchcast:oidcAudience=… -c matchcast:oidcJwksUrl=https://…`.
 *
 * Monitoring (docs/OPERATIONS.md), from the CDK context, each optional: `-c matchcast:alarmEmail=ops@example.com`
 * subscribes an address to the alarm topic, `-c matchcast:latenessP99ThresholdMs=400` sets the
 * frame-lateness alarm's threshold (default 250 ms).
 */
import { App } from 'aws-cdk-lib';
import { MatchcastStack, monitoringFromContext, oidcAuthFromContext } from '../lib/matchcast-stack';
import { buildWebSync } from '../local/web';

const app = new App();
const bundlingStacks: unknown = app.node.tryGetContext('aws:cdk:bundling-stacks');
if (!Array.isArray(bundlingStacks) || bundlingStacks.length > 0) buildWebSync();
const auth = oidcAuthFromContext(app);
const monitoring = monitoringFromContext(app);
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
new MatchcastStack(app, 'Matchcast', {
  description: 'matchcast: stream stored game recordings over an API Gateway WebSocket API',
  ...(account || region ? { env: { account, region } } : {}),
  ...(auth ? { auth } : {}),
  ...monitoring,
});
app.synth();
