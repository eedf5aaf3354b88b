import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { ENV } from '../contract/env';
import { LIVE_PREFIX, RECORDING_SUFFIX, RECORDINGS_PREFIX } from '../contract/keys';
import { MatchcastFunction } from './function';
import { arnFinding, suppress, suppressWildcards } from './nag';
import type { Tables } from './tables';

/**
 * The key layout of the recordings bucket (contract/keys.ts): `recordings/` holds recordings
 * (`*.jsonl`, which trigger indexing) and their indexes (`*.idx.json`, which do not); `live/`
 * holds live games' chunk objects, one per published batch (`live/{gameId}/{firstSeq}-{batchId}.jsonl`),
 * which are not indexed (the `Games` row is a live game's index).
 */
export { LIVE_PREFIX, RECORDING_SUFFIX, RECORDINGS_PREFIX };

/** Properties of {@link Recordings}. */
export interface RecordingsProps {
  /** The tables; the index function writes the `Games` catalog. */
  readonly tables: Tables;
  /**
   * Removal policy of the bucket. With DESTROY its objects are deleted too.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Where S3 writes the bucket's server access logs (under `recordings-bucket/`).
   * @default - no server access logs
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/** Key prefix of the recordings bucket's server access logs in the access-log bucket. */
export const RECORDINGS_ACCESS_LOG_PREFIX = 'recordings-bucket/';

/**
 * Let `grantee` read recordings, their indexes and live games' chunks: `s3:GetObject` on
 * `recordings/*` and `live/*` (ranged reads included) and `s3:ListBucket` on the bucket, so
 * that a missing key answers 404 `NoSuchKey` (which lambda/adapters/recordings.ts maps to
 * NotFoundError) rather than 403. Narrower than `bucket.grants.read` (`s3:GetObject*`,
 * `s3:GetBucket*`, `s3:List*` on every key).
 */
export function grantReadRecordings(bucket: s3.IBucket, grantee: iam.IGrantable): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:GetObject'],
    resourceArns: [bucket.arnForObjects(`${RECORDINGS_PREFIX}*`), bucket.arnForObjects(`${LIVE_PREFIX}*`)],
  });
  iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn] });
  suppressRecordingsWildcard(bucket, grantee);
}

/** Let `grantee` write and delete live games' chunk objects (`s3:PutObject`, `s3:DeleteObject` on `live/*`): the live ingest. */
export function grantWriteLiveChunks(bucket: s3.IBucket, grantee: iam.IGrantable): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject', 's3:DeleteObject'], resourceArns: [bucket.arnForObjects(`${LIVE_PREFIX}*`)] });
}

function suppressRecordingsWildcard(bucket: s3.IBucket, grantee: iam.IGrantable): void {
  suppressWildcards(
    grantee,
    `Object keys are data: \`${RECORDINGS_PREFIX}*\` and \`${LIVE_PREFIX}*\` are the recordings and live-chunk prefixes of this stack's recordings bucket (recordings, their .idx.json indexes, live games' chunks), nothing else in it or elsewhere.`,
    [arnFinding(bucket, `/${RECORDINGS_PREFIX}*`), arnFinding(bucket, `/${LIVE_PREFIX}*`)],
  );
}

/**
 * The recordings bucket (private, TLS only, S3-managed encryption, server access logs when
 * `accessLogsBucket` is given) and the `index-recording`
 * function, which S3 invokes for every new `recordings/*.jsonl`: it reads the recording,
 * writes its index object beside it and its `Games` row (docs/ARCHITECTURE.md "Recording format").
 *
 * @throws Error naming `tables` when it is missing.
 */
export class Recordings extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly indexFunction: MatchcastFunction;

  constructor(scope: Construct, id: string, props: RecordingsProps) {
    super(scope, id);
    if (!props?.tables) throw new Error('Recordings: tables is required');
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
      ...(props.accessLogsBucket ? { serverAccessLogsBucket: props.accessLogsBucket, serverAccessLogsPrefix: RECORDINGS_ACCESS_LOG_PREFIX } : {}),
    });

    this.indexFunction = new MatchcastFunction(this, 'IndexRecording', {
      handlerName: 'index-recording',
      memorySize: 512,
      timeout: Duration.minutes(2),
      environment: {
        [ENV.recordingsBucket]: this.bucket.bucketName,
        ...props.tables.environment(),
      },
    });
    // Reads the new recording, writes its index beside it, and writes live games' keyframes
    // objects when it folds them on (refolds): recordings/ and live/, no delete.
    grantReadRecordings(this.bucket, this.indexFunction);
    iam.Grant.addToPrincipal({
      grantee: this.indexFunction,
      actions: ['s3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(`${RECORDINGS_PREFIX}*`), this.bucket.arnForObjects(`${LIVE_PREFIX}*`)],
    });
    props.tables.grantTableAccess(this.indexFunction);

    this.bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(this.indexFunction),
      { prefix: RECORDINGS_PREFIX, suffix: RECORDING_SUFFIX },
    );
    // aws-cdk-lib's stack-wide singleton that writes the notification configuration at deploy time.
    for (const child of Stack.of(this).node.children) {
      if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
      suppress(
        child,
        'IAM4',
        "aws-cdk-lib's BucketNotificationsHandler (a deploy-time custom resource, not on any request path) attaches AWSLambdaBasicExecutionRole for its own logs; its role is created inside aws-cdk-lib and s3:PutBucketNotification in its inline policy is scoped by CDK.",
        [{ regex: /^Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole$/ }],
      );
    }
  }

  /**
   * Let `grantee` (the HTTP API function) have live games' keyframes folded on past the lean
   * kinds by the index function (lambda/application/refold-live-keyframes.ts): it gets
   * `lambda:InvokeFunction` on the index function (and its versions) and the function's name
   * as INDEX_FUNCTION_NAME.
   */
  public grantRefoldLiveKeyframes(grantee: MatchcastFunction): void {
    this.indexFunction.grantInvokeTo(grantee, ENV.indexFunctionName, 'the index function');
  }
}
