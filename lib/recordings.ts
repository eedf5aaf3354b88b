import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { ENV } from '../lambda/adapters/config';
import { MatchcastFunction } from './function';
import type { Tables } from './tables';

/** Key prefix of recordings in the bucket (DESIGN.md: `recordings/*.jsonl` + `*.idx.json`). */
export const RECORDINGS_PREFIX = 'recordings/';
/** Suffix of a matchcast/1 recording; its index (`.idx.json`) does not trigger indexing. */
export const RECORDING_SUFFIX = '.jsonl';

/** Properties of {@link Recordings}. */
export interface RecordingsProps {
  /** The tables; the index function writes the `Games` catalog. */
  readonly tables: Tables;
  /**
   * Removal policy of the bucket. With DESTROY its objects are deleted too.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The recordings bucket (private, TLS only, S3-managed encryption) and the `index-recording`
 * function, which S3 invokes for every new `recordings/*.jsonl`: it reads the recording,
 * writes its index object beside it and its `Games` row (DESIGN.md "Recording format").
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
    this.bucket.grants.read(this.indexFunction);
    this.bucket.grants.put(this.indexFunction);
    props.tables.games.grants.writeData(this.indexFunction);

    this.bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(this.indexFunction),
      { prefix: RECORDINGS_PREFIX, suffix: RECORDING_SUFFIX },
    );
  }
}
