import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENV } from '../../contract/env';
import { Recordings } from '../../lib/recordings';
import { Tables } from '../../lib/tables';
import { actionsOfRole, logicalId, roleOfFunction, testApp } from './support';

function build(removalPolicy?: RemovalPolicy) {
  const stack = new Stack(testApp(), 'S');
  const tables = new Tables(stack, 'Tables');
  const rec = new Recordings(stack, 'Recordings', { tables, removalPolicy });
  return { stack, tables, rec, template: Template.fromStack(stack) };
}

describe('Recordings', () => {
  const { tables, rec, template } = build();
  const json = template.toJSON();
  const fnId = logicalId(rec.indexFunction);
  const bucketId = logicalId(rec.bucket);

  it('blocks all public access, encrypts with S3-managed keys, has no physical name, is retained by default', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        BucketName: Match.absent(),
      }),
    });
  });

  it('denies requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
        ]),
      },
    });
  });

  it('invokes index-recording for new recordings/*.jsonl only', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucketId },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: Match.anyValue() } },
            LambdaFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          },
        ],
      },
    });
    const [n] = Object.values<any>(template.findResources('Custom::S3BucketNotifications'));
    const rules = n.Properties.NotificationConfiguration.LambdaFunctionConfigurations[0].Filter.Key.FilterRules;
    expect([...rules].sort((a: any, b: any) => a.Name.localeCompare(b.Name))).toEqual([
      { Name: 'prefix', Value: 'recordings/' },
      { Name: 'suffix', Value: '.jsonl' },
    ]);
  });

  it('gives index-recording its bucket, the table names, read + put on the bucket and writes to Games only', () => {
    const env = json.Resources[fnId].Properties.Environment.Variables;
    expect(env[ENV.recordingsBucket]).toEqual({ Ref: bucketId });
    expect(env[ENV.gamesTable]).toEqual({ Ref: logicalId(tables.games) });
    const actions = actionsOfRole(json, roleOfFunction(json, fnId));
    const names = new Set(actions.map((a) => a.action));
    for (const a of ['s3:GetObject', 's3:PutObject', 'dynamodb:PutItem']) expect(names).toContain(a);
    expect(names.has('s3:DeleteObject*')).toBe(false);
    const dynamo = actions.filter((a) => a.action.startsWith('dynamodb:')).map((a) => JSON.stringify(a.resource));
    expect(dynamo.every((r) => r.includes(logicalId(tables.games)))).toBe(true);
  });

  it('with DESTROY, deletes the bucket and its objects', () => {
    const t = build(RemovalPolicy.DESTROY).template;
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    t.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
  });

  it('names tables when it is missing', () => {
    const stack = new Stack(testApp(), 'S');
    expect(() => new Recordings(stack, 'R', {} as never)).toThrow('tables');
  });
});
