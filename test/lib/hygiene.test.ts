import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { ENV } from '../../contract/env';
import { MatchcastStack, OIDC_CONTEXT_KEYS, oidcAuthFromContext, type MatchcastStackProps } from '../../lib/matchcast-stack';
import { PROJECT_ROOT } from '../../lib/function';
import { buildStack, logicalId, testApp } from './support';

const { stack, template, json } = buildStack();
const ofType = (t: string) => Object.entries<any>(json.Resources).filter(([, r]) => r.Type === t);

describe('AWS hygiene of MatchcastStack', () => {
  it('every bucket blocks public access, is encrypted, has no ACLs and denies non-TLS requests', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.length).toBe(3); // recordings, web client, access logs
    template.allResourcesProperties('AWS::S3::Bucket', Match.objectLike({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      AccessControl: Match.absent(),
      BucketName: Match.absent(),
    }));
    for (const [id] of buckets) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('the recordings and web buckets log server access to the access-log bucket (by bucket policy, not ACL), which expires logs after 90 days', () => {
    const logsId = logicalId(stack.accessLogsBucket);
    expect(json.Resources[logicalId(stack.recordings.bucket)].Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'recordings-bucket/' });
    expect(json.Resources[logicalId(stack.webClient!.bucket)].Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'web-client-bucket/' });
    expect(json.Resources[logsId].Properties.LifecycleConfiguration.Rules).toEqual([{ ExpirationInDays: 90, Status: 'Enabled' }]);
    expect(json.Resources[logsId].DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Action: 's3:PutObject', Principal: { Service: 'logging.s3.amazonaws.com' } })]) },
    });
  });

  it('every table is encrypted; Games and Streams have point-in-time recovery', () => {
    template.allResourcesProperties('AWS::DynamoDB::Table', Match.objectLike({ SSESpecification: { SSEEnabled: true } }));
    for (const t of [stack.tables.games, stack.tables.streams]) {
      expect(json.Resources[logicalId(t)].Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('the WebSocket stage writes access logs (with the request id) to a log group kept one month', () => {
    const stage = ofType('AWS::ApiGatewayV2::Stage')[0][1];
    const lgId = logicalId(stack.webSocket.accessLogGroup);
    expect(stage.Properties.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [lgId, 'Arn'] });
    expect(stage.Properties.AccessLogSettings.Format).toEqual(expect.stringContaining('$context.requestId'));
    expect(stage.Properties.AccessLogSettings.Format).toEqual(expect.stringContaining('$context.connectionId'));
    expect(json.Resources[lgId].Properties.RetentionInDays).toBe(30);
  });

  it('the Player logs errors without execution data to a log group with retention', () => {
    const sm = json.Resources[logicalId(stack.workflow.stateMachine)];
    expect(sm.Properties.LoggingConfiguration).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });
    expect(json.Resources[logicalId(stack.workflow.logGroup)].Properties.RetentionInDays).toBe(30);
  });

  it('every log group has a retention, and every function logs to a log group of this stack', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', Match.objectLike({ RetentionInDays: Match.anyValue(), LogGroupName: Match.absent() }));
    const fns = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.LoggingConfig);
    // 11 matchcast functions and the web client's deployment handler.
    expect(fns).toHaveLength(12);
    for (const [, fn] of fns) expect(json.Resources[fn.Properties.LoggingConfig.LogGroup.Ref].Type).toBe('AWS::Logs::LogGroup');
  });

  it('hard-codes no physical names on the new resources (log buckets, roles, log groups)', () => {
    for (const [, r] of ofType('AWS::IAM::Role')) expect(r.Properties.RoleName).toBeUndefined();
    for (const [, r] of ofType('AWS::Logs::LogGroup')) expect(r.Properties.LogGroupName).toBeUndefined();
  });

  it('with removalPolicy DESTROY, the access-log bucket goes too (emptied first)', () => {
    const d = buildStack({ removalPolicy: RemovalPolicy.DESTROY });
    expect(d.json.Resources[logicalId(d.stack.accessLogsBucket)].DeletionPolicy).toBe('Delete');
    d.template.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: { Ref: logicalId(d.stack.accessLogsBucket) } });
  });

  it('accessLogsExpiration sets the log expiry and is validated', () => {
    const d = buildStack({ accessLogsExpiration: Duration.days(7), webClient: false });
    expect(d.json.Resources[logicalId(d.stack.accessLogsBucket)].Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(7);
    expect(() => new MatchcastStack(testApp(), 'M', { accessLogsExpiration: Duration.hours(12) })).toThrow('accessLogsExpiration');
  });
});

describe('OIDC mode of the $connect authorizer', () => {
  const auth = { issuer: 'https://idp.example.com/pool', audience: 'matchcast-client', jwksUrl: 'https://idp.example.com/pool/.well-known/jwks.json' };

  it('by default: HS256, the authorizer gets JWT_SECRET_ARN and may read the secret, and no OIDC variables', () => {
    const env = json.Resources[logicalId(stack.webSocket.authorizeFunction)].Properties.Environment.Variables;
    expect(env[ENV.jwtSecretArn]).toEqual({ Ref: logicalId(stack.webSocket.jwtSecret) });
    for (const k of [ENV.jwtIssuer, ENV.jwtAudience, ENV.jwksUrl]) expect(env[k]).toBeUndefined();
  });

  it('with auth: the authorizer gets JWT_ISSUER, JWT_AUDIENCE, JWKS_URL, and neither the secret ARN nor read access to it', () => {
    const o = buildStack({ auth, webClient: false });
    const fnId = logicalId(o.stack.webSocket.authorizeFunction);
    const env = o.json.Resources[fnId].Properties.Environment.Variables;
    expect(env).toMatchObject({ [ENV.jwtIssuer]: auth.issuer, [ENV.jwtAudience]: auth.audience, [ENV.jwksUrl]: auth.jwksUrl });
    expect(env[ENV.jwtSecretArn]).toBeUndefined();
    const role = o.json.Resources[fnId].Properties.Role['Fn::GetAtt'][0];
    const policies = Object.values<any>(o.json.Resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${role}"`));
    expect(JSON.stringify(policies)).not.toContain('secretsmanager:');
    // Still exactly one authorizer, REQUEST on ?token=.
    o.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'REQUEST', IdentitySource: ['route.request.querystring.token'] });
  });

  it('caches no authorizer result (WebSocket authorizers have no result cache; every $connect is verified)', () => {
    const wsAuthorizers = ofType('AWS::ApiGatewayV2::Authorizer').filter(([, a]) => a.Properties.AuthorizerType === 'REQUEST' && a.Properties.IdentitySource?.[0]?.startsWith('route.'));
    expect(wsAuthorizers.length).toBeGreaterThan(0);
    for (const [, a] of wsAuthorizers) expect(a.Properties.AuthorizerResultTtlInSeconds).toBeUndefined();
  });

  describe('validates auth, naming the field', () => {
    it.each<[string, MatchcastStackProps['auth']]>([
      ['auth.issuer', { ...auth, issuer: 'http://idp.example.com' }],
      ['auth.issuer', { ...auth, issuer: '' }],
      ['auth.issuer', { ...auth, issuer: 'not a url' }],
      ['auth.jwksUrl', { ...auth, jwksUrl: 'ftp://idp.example.com/jwks' }],
      ['auth.jwksUrl', { ...auth, jwksUrl: undefined as unknown as string }],
      ['auth.audience', { ...auth, audience: ' ' }],
    ])('%s', (field, bad) => {
      expect(() => new MatchcastStack(testApp(), 'M', { auth: bad, webClient: false })).toThrow(field);
    });
  });

  describe('from the CDK context (bin/matchcast.ts)', () => {
    const app = (ctx: Record<string, string>) => new App({ context: ctx });
    it('none of the keys: undefined (HS256)', () => expect(oidcAuthFromContext(app({}))).toBeUndefined());
    it('all three: the auth prop', () => {
      expect(oidcAuthFromContext(app({ [OIDC_CONTEXT_KEYS.issuer]: auth.issuer, [OIDC_CONTEXT_KEYS.audience]: auth.audience, [OIDC_CONTEXT_KEYS.jwksUrl]: auth.jwksUrl }))).toEqual(auth);
    });
    it('some but not all: an error naming the missing keys', () => {
      expect(() => oidcAuthFromContext(app({ [OIDC_CONTEXT_KEYS.issuer]: auth.issuer }))).toThrow(`missing ${OIDC_CONTEXT_KEYS.audience}, ${OIDC_CONTEXT_KEYS.jwksUrl}`);
    });
    it('an invalid value: an error naming the context key', () => {
      expect(() =>
        oidcAuthFromContext(app({ [OIDC_CONTEXT_KEYS.issuer]: 'http://x', [OIDC_CONTEXT_KEYS.audience]: 'a', [OIDC_CONTEXT_KEYS.jwksUrl]: auth.jwksUrl })),
      ).toThrow(OIDC_CONTEXT_KEYS.issuer);
    });
  });
});

/**
 * aws-cdk-lib's built-in CloudFormation template validation (`AppProps.builtinCloudFormationValidation`)
 * is off in every other test (test/support/env.ts sets CDK_VALIDATION=false: it costs seconds per
 * synth); here it runs on the real stack, strict: its errors are not downgraded to warnings
 * (`@aws-cdk/core:validateAgainstDefaultRules`) and a warning fails the synth too
 * (`@aws-cdk/core:strictCfnValidateErrors`).
 */
describe("aws-cdk-lib's template validation", () => {
  const cdkJsonContext = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
  /** Loading the validator is slow on a busy machine; this bound only catches a hang. */
  const BOUND_MS = 300_000;

  /** `build` in an App with validation on, synthesized; returns the validation report's plugin reports. */
  function synthValidated(build: (app: App) => void): unknown[] {
    const saved = process.env.CDK_VALIDATION;
    delete process.env.CDK_VALIDATION;
    const outdir = mkdtempSync(join(tmpdir(), 'matchcast-validate-'));
    try {
      const app = new App({
        outdir,
        builtinCloudFormationValidation: true,
        context: {
          ...cdkJsonContext,
          'aws:cdk:bundling-stacks': [],
          [cxapi.VALIDATE_AGAINST_DEFAULT_RULES]: true,
          [cxapi.STRICT_CFN_VALIDATE_ERRORS]: true,
        },
      });
      build(app);
      app.synth();
      const report = JSON.parse(readFileSync(join(outdir, cxapi.VALIDATION_REPORT_FILE), 'utf8')) as { pluginReports: unknown[] };
      return report.pluginReports;
    } finally {
      if (saved === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = saved;
      rmSync(outdir, { recursive: true, force: true });
    }
  }

  it('finds nothing in MatchcastStack as `cdk synth` builds it (cdk.json feature flags, browser client included)', () => {
    expect(synthValidated((app) => new MatchcastStack(app, 'Matchcast'))).toEqual([]);
  }, BOUND_MS);

  it('is live: it fails the synth of a template with an unknown resource property', () => {
    expect(() =>
      synthValidated((app) => new CfnResource(new Stack(app, 'Broken'), 'Bucket', { type: 'AWS::S3::Bucket', properties: { NotAProperty: true } })),
    ).toThrow(/ValidationFailed|NotAProperty/);
  }, BOUND_MS);
});
