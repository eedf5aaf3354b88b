import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Tables } from '../../lib/tables';
import { WEB_BUILD_COMMAND, WebClient, type WebClientProps } from '../../lib/web-client';
import { MatchcastWebSocketApi } from '../../lib/websocket-api';
import { buildStack, logicalId, testApp } from './support';

/** A bare stack holding the browser client and the WebSocket API whose URL it is given. */
function bare() {
  const stack = new Stack(testApp(), 'S');
  const tables = new Tables(stack, 'T');
  const webSocket = new MatchcastWebSocketApi(stack, 'W', { tables, bucket: new s3.Bucket(stack, 'B') });
  const web = new WebClient(stack, 'WebClient', { webSocketUrl: webSocket.url });
  const template = Template.fromStack(stack);
  return { stack, webSocket, web, template, json: template.toJSON() };
}

const { stack, webSocket, web, template, json } = bare();
const bucketId = logicalId(web.bucket);
const distributionId = logicalId(web.distribution);
const ofType = (t: string, j: Record<string, any> = json) => Object.entries<any>(j.Resources).filter(([, r]) => r.Type === t);

/** A stack with only a WebClient in it; `bundling` false skips asset bundling as the tests do. */
function standalone(props: Partial<WebClientProps>, bundling: boolean): { app: App; stack: Stack } {
  const app = bundling ? new App() : testApp();
  const s = new Stack(app, 'Web');
  new WebClient(s, 'WebClient', { webSocketUrl: 'wss://abc123.execute-api.eu-west-1.amazonaws.com/live', ...props });
  return { app, stack: s };
}

describe('WebClient', () => {
  it('keeps the bucket private: all public access blocked, SSL enforced, S3-managed encryption', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    expect(json.Resources[bucketId].Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('serves the bucket through Origin Access Control, granted to CloudFront for this distribution only', () => {
    expect(ofType('AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
    const [oacId] = ofType('AWS::CloudFront::OriginAccessControl')[0];
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ Ref: distributionId }])]) }) } },
          }),
        ]),
      },
    });
    const origin = json.Resources[distributionId].Properties.DistributionConfig.Origins[0];
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
  });

  it('redirects viewers to HTTPS, serves index.html at / and attaches the security headers', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
          ResponseHeadersPolicyId: { Ref: logicalId(web.responseHeadersPolicy) },
        }),
      }),
    });
  });

  it('lets the page connect only to its own origin and the stage’s wss:// host, built from the region token', () => {
    const config = json.Resources[logicalId(web.responseHeadersPolicy)].Properties.ResponseHeadersPolicyConfig;
    const headers = config.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000, Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    const [, [before, host, after]] = headers.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'];
    expect(before).toMatch(/connect-src 'self' wss:\/\/$/);
    expect(before).toContain("script-src 'self'");
    expect(after).toContain("frame-ancestors 'none'");
    // host = Fn::Select(2, Fn::Split('/', <the stage URL>)): the API's host in the stack's region.
    expect(host['Fn::Select'][0]).toBe(2);
    const url = JSON.stringify(host['Fn::Select'][1]['Fn::Split'][1]);
    expect(url).toContain(`{"Ref":"${logicalId(webSocket.api)}"}`);
    expect(url).toContain('{"Ref":"AWS::Region"}');
    expect(JSON.stringify(config)).not.toMatch(/(us|eu|ap|sa|ca|me|af)-[a-z]+-\d/);
    expect(config.Name).toEqual({ 'Fn::Join': ['', [expect.stringMatching(/^[\w-]+-$/), { Ref: 'AWS::Region' }]] });
  });

  it('deploys the client plus config.json { wsUrl: <stage URL>, tokenUrl: null } and invalidates /*', () => {
    const [[, deployment]] = ofType('Custom::CDKBucketDeployment');
    const p = deployment.Properties;
    expect(p.DestinationBucketName).toEqual({ Ref: bucketId });
    expect(p.DistributionId).toEqual({ Ref: distributionId });
    expect(p.DistributionPaths).toEqual(['/*']);
    expect(p.Prune).toBe(true);
    expect(p.SourceObjectKeys).toHaveLength(2);
    // config.json holds a marker that the deployment replaces with the stage URL at deploy time.
    const app = stack.node.root as App;
    const configDir = join(app.outdir, `asset.${String(p.SourceObjectKeys[1]).replace(/\.zip$/, '')}`);
    const config = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.tokenUrl).toBeNull();
    const markers = p.SourceMarkers[1] as Record<string, unknown>;
    const substituted = Object.entries(markers).reduce((text, [marker, value]) => text.replace(marker, JSON.stringify(value)), String(config.wsUrl));
    expect(substituted).toBe(`wss://{"Ref":"${logicalId(webSocket.api)}"}.execute-api.{"Ref":"AWS::Region"}.{"Ref":"AWS::URLSuffix"}/live`);
  });

  it('its url is https://<distribution domain>/', () => {
    expect(stack.resolve(web.url)).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] });
  });
});

/** How MatchcastStack includes the browser client: truly about the whole stack. */
describe('WebClient in MatchcastStack', () => {
  it('outputs WebClientUrl = https://<distribution domain>/', () => {
    const full = buildStack();
    full.template.hasOutput('WebClientUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(full.stack.webClient!.distribution), 'DomainName'] }, '/']] },
    });
  });

  it('empties and deletes the bucket by default, keeps it (no auto-delete) with RETAIN', () => {
    expect(json.Resources[bucketId].DeletionPolicy).toBe('Delete');
    const autoDeletes = (j: Record<string, any>, id: string) =>
      ofType('Custom::S3AutoDeleteObjects', j).filter(([, r]) => JSON.stringify(r.Properties.BucketName) === JSON.stringify({ Ref: id }));
    expect(autoDeletes(json, bucketId)).toHaveLength(1);
    const kept = buildStack({ removalPolicy: RemovalPolicy.RETAIN });
    const keptId = logicalId(kept.stack.webClient!.bucket);
    expect(kept.json.Resources[keptId].DeletionPolicy).toBe('Retain');
    expect(autoDeletes(kept.json, keptId)).toHaveLength(0);
  });

  it('is left out with webClient: false (no CloudFront, no WebClientUrl)', () => {
    const without = buildStack({ webClient: false });
    expect(without.stack.webClient).toBeUndefined();
    expect(ofType('AWS::CloudFront::Distribution', without.json)).toHaveLength(0);
    expect(without.json.Outputs.WebClientUrl).toBeUndefined();
  });
});

describe('WebClient assets', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('uploads webDistDir when bundling runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'matchcast-web-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>stub build</title>');
    const { app, stack: s } = standalone({ webDistDir: dir }, true);
    const p = Template.fromStack(s).findResources('Custom::CDKBucketDeployment');
    const keys = (Object.values(p)[0] as any).Properties.SourceObjectKeys as string[];
    const staged = join(app.outdir, `asset.${keys[0].replace(/\.zip$/, '')}`, 'index.html');
    expect(readFileSync(staged, 'utf8')).toContain('stub build');
  });

  it('uploads a placeholder instead, and needs no build, when bundling is skipped', () => {
    const { stack: s } = standalone({ webDistDir: join(tmpdir(), 'matchcast-no-such-dir') }, false);
    Template.fromStack(s).resourceCountIs('Custom::CDKBucketDeployment', 1);
  });
});

describe('WebClient validates its props, naming the prop', () => {
  it.each<[string, Partial<WebClientProps>]>([
    ['webSocketUrl', { webSocketUrl: '' }],
    ['webSocketUrl', { webSocketUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/live' }],
    ['removalPolicy', { removalPolicy: 'keep' as RemovalPolicy }],
    ['webDistDir', { webDistDir: '' }],
  ])('%s', (prop, props) => {
    expect(() => standalone(props, false)).toThrow(prop);
  });

  it('webDistDir without index.html, when bundling runs: says how to build it', () => {
    const missing = join(tmpdir(), 'matchcast-no-such-dir');
    expect(() => standalone({ webDistDir: missing }, true)).toThrow('webDistDir');
    expect(() => standalone({ webDistDir: missing }, true)).toThrow(WEB_BUILD_COMMAND);
    expect(WEB_BUILD_COMMAND).toBe('npx vite build --config web/vite.config.ts');
  });

  it('through MatchcastStack too', () => {
    expect(() => buildStack({ webClient: { removalPolicy: 'keep' as RemovalPolicy } })).toThrow('removalPolicy');
  });
});
