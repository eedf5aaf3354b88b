import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Fn, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { PROJECT_ROOT } from './function';
import { arnFinding, suppress, suppressWildcards } from './nag';

/** Where `npx vite build --config web/vite.config.ts` writes the client (web/vite.config.ts `outDir`). */
export const DEFAULT_WEB_DIST_DIR = join(PROJECT_ROOT, 'web', 'dist');

/** The command that produces {@link DEFAULT_WEB_DIST_DIR}; named in the missing-build error. */
export const WEB_BUILD_COMMAND = 'npx vite build --config web/vite.config.ts';

/** What is uploaded instead of the build when the stack's bundling is skipped (tests, `cdk ls`). */
export const PLACEHOLDER_INDEX_HTML = '<!doctype html><title>matchcast</title><p>placeholder: asset bundling was skipped</p>';

/** Options of the browser client that {@link MatchcastStack} passes through (everything but the endpoint). */
export interface WebClientOptions {
  /**
   * The built client: a directory holding `index.html` and its assets (the output of
   * `npx vite build --config web/vite.config.ts`). Only read when the stack's asset bundling
   * runs (`cdk synth` / `cdk deploy`); when bundling is skipped (context
   * `aws:cdk:bundling-stacks: []`, as the tests and `cdk ls` do) a one-file placeholder
   * ({@link PLACEHOLDER_INDEX_HTML}) is uploaded instead, the way NodejsFunction emits a
   * placeholder for code it did not bundle.
   * @default DEFAULT_WEB_DIST_DIR — `<project>/web/dist`
   */
  readonly webDistDir?: string;
  /**
   * What happens to the web bucket when it leaves the stack. With DESTROY the bucket is
   * emptied first (`autoDeleteObjects`); its content is a build artifact, so that is the default.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of {@link WebClient}. */
export interface WebClientProps extends WebClientOptions {
  /**
   * The WebSocket endpoint the client connects to, `wss://{api}.execute-api.{region}.{urlSuffix}/{stage}`
   * (usually the stage's `url` token). Written to `config.json` as `wsUrl`, and its origin
   * (`wss://{host}`) is the only non-self `connect-src` of the Content-Security-Policy.
   */
  readonly webSocketUrl: string;
  /**
   * Where S3 writes the web bucket's server access logs (under `web-client-bucket/`).
   * @default - no server access logs
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/** Key prefix of the web bucket's server access logs in the access-log bucket. */
export const WEB_ACCESS_LOG_PREFIX = 'web-client-bucket/';

/**
 * The role of the BucketDeployment handler. aws-cdk-lib grants that handler
 * `cloudfront:CreateInvalidation` / `cloudfront:GetInvalidation` on Resource `*`, although
 * both actions take a distribution ARN; this role narrows exactly that statement to the one
 * distribution it is given, and passes every other grant through unchanged.
 */
class DeploymentRole extends iam.Role {
  private distributionArn?: string;

  /** Scope CloudFront statements added from now on to `distribution`. */
  public scopeInvalidationsTo(distribution: cloudfront.IDistribution): void {
    this.distributionArn = distribution.distributionArn;
  }

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const invalidation =
      this.distributionArn !== undefined &&
      statement.effect === iam.Effect.ALLOW &&
      statement.resources.length === 1 &&
      statement.resources[0] === '*' &&
      statement.actions.length > 0 &&
      statement.actions.every((a) => a === 'cloudfront:CreateInvalidation' || a === 'cloudfront:GetInvalidation');
    if (!invalidation) return super.addToPrincipalPolicy(statement);
    return super.addToPrincipalPolicy(new iam.PolicyStatement({ actions: statement.actions, resources: [this.distributionArn!] }));
  }
}

/**
 * The browser client on AWS (web/README.md "Browser client on AWS"):
 * - a private S3 bucket (all public access blocked, SSL enforced, S3-managed encryption,
 *   emptied on delete only when its removal policy is DESTROY);
 * - a CloudFront distribution reading it through Origin Access Control, viewers redirected
 *   to HTTPS, `index.html` as the default root object, and a response headers policy with
 *   security headers (CSP allowing `connect-src 'self' wss://{the API's host}`, HSTS,
 *   nosniff, frame-options DENY, referrer policy);
 * - an `s3deploy.BucketDeployment` of the built client plus a generated `config.json`
 *   `{ "wsUrl": <webSocketUrl>, "tokenUrl": null }` (resolved at deploy time), which
 *   invalidates `/*` on the distribution after every upload; its handler runs with its own
 *   role (no managed policy; invalidations on this distribution only) and logs to a log
 *   group kept one month.
 *
 * @throws Error naming the prop: `webSocketUrl` when missing or not `wss://…`;
 *   `webDistDir` when bundling runs and the directory has no `index.html` (the message
 *   says to run `npx vite build --config web/vite.config.ts`); `removalPolicy` when it is
 *   not a RemovalPolicy.
 */
export class WebClient extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  public readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  public readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: WebClientProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const v = validateProps(props, stack.bundlingRequired);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: v.removalPolicy,
      autoDeleteObjects: v.removalPolicy === RemovalPolicy.DESTROY,
      ...(props.accessLogsBucket ? { serverAccessLogsBucket: props.accessLogsBucket, serverAccessLogsPrefix: WEB_ACCESS_LOG_PREFIX } : {}),
    });

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      // CloudFront names are global to the account: the region keeps one stack per region apart.
      responseHeadersPolicyName: `${Names.uniqueResourceName(this, { maxLength: 100 })}-${stack.region}`,
      comment: 'matchcast browser client: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(webSocketOrigin(props.webSocketUrl)), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `matchcast browser client (${stack.stackName})`,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
    });

    suppress(
      this.distribution,
      'CFR1',
      'The client is a public static page for anyone with a token; the service has no country restriction to enforce.',
    );
    suppress(
      this.distribution,
      'CFR2',
      'The distribution serves only the static client (GET/HEAD, cached, from a private bucket through OAC); there is no application endpoint behind it for WAF to protect. The WebSocket API is throttled at its stage and authenticated at $connect.',
    );
    suppress(
      this.distribution,
      'CFR3',
      'CloudFront standard logs (legacy) need a bucket with ACLs enabled, which the stack keeps disabled everywhere (BucketOwnerEnforced); the content is a public static page. Who uses the service is in the WebSocket stage\'s access log.',
    );
    suppress(
      this.distribution,
      'CFR4',
      'The distribution uses the default *.cloudfront.net certificate, with which CloudFront fixes the viewer security policy (minimumProtocolVersion applies only with a custom certificate and domain); there is no custom domain to attach one to.',
    );

    const deploymentRole = new DeploymentRole(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'matchcast web client upload: read the assets, write the web bucket, invalidate its distribution',
    });
    deploymentRole.scopeInvalidationsTo(this.distribution);
    const deploymentLogs = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    deploymentLogs.grants.write(deploymentRole);

    const client = v.webDistDir === undefined ? s3deploy.Source.data('index.html', PLACEHOLDER_INDEX_HTML) : s3deploy.Source.asset(v.webDistDir);
    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      destinationBucket: this.bucket,
      // config.json last: it wins over any file of the same name in the build.
      sources: [client, s3deploy.Source.jsonData('config.json', { wsUrl: props.webSocketUrl, tokenUrl: null })],
      prune: true,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
      role: deploymentRole,
      logGroup: deploymentLogs,
    });
    suppressWildcards(
      deploymentRole,
      "aws-cdk-lib's BucketDeployment grants: read the deployment's zipped assets from the CDK bootstrap asset bucket (`s3:GetObject*`, `s3:GetBucket*`, `s3:List*` on `cdk-…-assets-…/*`, written by `cdk deploy`) and replace the whole content of this stack's web bucket with prune (`…/*`, including `s3:DeleteObject*` and `s3:Abort*`). Keys are file names of the build.",
      [
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
        arnFinding(this.bucket, '/*'),
        { regex: /^Resource::arn:.+:s3:::cdk-[a-z0-9]+-assets-.+\/\*$/ },
      ],
    );
    // The deployment handler is a stack-wide singleton of aws-cdk-lib.
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      suppress(
        child,
        'L1',
        "aws-cdk-lib's BucketDeployment handler (Python, with the AWS CLI layer) runs only during `cdk deploy`; its runtime is chosen and updated by aws-cdk-lib, not by this project.",
      );
    }
  }

  /** `https://{distribution domain}/`: where the client is served. */
  public get url(): string {
    return `https://${this.distribution.distributionDomainName}/`;
  }
}

/**
 * `wss://{host}` of a WebSocket URL, as a CloudFormation expression when the URL is a token
 * (`Fn::Select(2, Fn::Split('/', url))`: `wss:`, ``, host, stage).
 */
function webSocketOrigin(url: string): string {
  if (Token.isUnresolved(url)) return `wss://${Fn.select(2, Fn.split('/', url))}`;
  return `wss://${new URL(url).host}`;
}

/**
 * The client's CSP: everything from its own origin; WebSocket only to `wsOrigin`; inline styles
 * allowed (xterm.js and the timeline set styles at run time); `data:` images (the favicon).
 */
function contentSecurityPolicy(wsOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${wsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function validateProps(props: WebClientProps, bundlingRequired: boolean): { webDistDir?: string; removalPolicy: RemovalPolicy } {
  const owner = 'WebClient';
  const url = props?.webSocketUrl;
  if (typeof url !== 'string' || url === '') throw new Error(`${owner}: webSocketUrl is required`);
  if (!Token.isUnresolved(url) && !/^wss:\/\/[^/\s]+(\/\S*)?$/.test(url)) {
    throw new Error(`${owner}: webSocketUrl must be a wss:// URL, got "${url}"`);
  }
  const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
  if (!Object.values(RemovalPolicy).includes(removalPolicy)) {
    throw new Error(`${owner}: removalPolicy must be a RemovalPolicy, got ${String(props.removalPolicy)}`);
  }
  if (props.webDistDir !== undefined && (typeof props.webDistDir !== 'string' || props.webDistDir === '')) {
    throw new Error(`${owner}: webDistDir must be a directory path, got ${JSON.stringify(props.webDistDir)}`);
  }
  if (!bundlingRequired) return { removalPolicy };
  const webDistDir = props.webDistDir ?? DEFAULT_WEB_DIST_DIR;
  if (!existsSync(join(webDistDir, 'index.html'))) {
    throw new Error(`${owner}: webDistDir "${webDistDir}" has no index.html; build the client first: ${WEB_BUILD_COMMAND}`);
  }
  return { webDistDir, removalPolicy };
}
