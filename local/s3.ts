/**
 * Local S3: `s3rver` 3.7 on 127.0.0.1 over a folder (objects survive restarts with the same
 * folder), path-style addressing (clients need `forcePathStyle: true`), silent.
 * s3rver accepts only its built-in credentials: access key `S3RVER`, secret `S3RVER`.
 *
 * Object-created notifications: s3rver's `event` emissions are turned into the event S3
 * sends to Lambda (AWS S3 user guide, "Event message structure"): `Records[]` with
 * `eventVersion '2.1'`, `eventSource 'aws:s3'`, `eventName 'ObjectCreated:Put'|'…:Post'|'…:Copy'`,
 * `s3.bucket.{name,arn}`, `s3.object.{key,size,eTag,sequencer}` where `key` is URL-encoded as
 * S3 does (form encoding: a space becomes `+`, `/` stays). Removal events are not forwarded.
 */
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';

/** The S3 event notification a Lambda receives (the subset handlers read, plus the usual fields). */
export interface S3NotificationEvent {
  Records: Array<{
    eventVersion: string;
    eventSource: 'aws:s3';
    awsRegion: string;
    eventTime: string;
    eventName: string;
    userIdentity: { principalId: string };
    requestParameters: { sourceIPAddress: string };
    responseElements: Record<string, string>;
    s3: {
      s3SchemaVersion: '1.0';
      configurationId: string;
      bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
      object: { key: string; size: number; eTag: string; sequencer: string };
    };
  }>;
}

/** A running s3rver. */
export interface LocalS3 {
  /** `http://127.0.0.1:{port}`, for `AWS_ENDPOINT_URL_S3`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

interface S3rverEvent {
  Records: Array<{
    eventTime?: string;
    eventName: string;
    requestParameters?: { sourceIPAddress?: string };
    responseElements?: Record<string, string>;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer?: string } };
  }>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', fn: (e: S3rverEvent) => void): void;
}

/** URL-encode an object key as S3 event notifications do (`+` for space, `/` kept). */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()))
    .join('/');
}

/**
 * Start s3rver on 127.0.0.1 (`port` 0 = free) over `directory` (created if missing) with
 * `buckets` created if absent. `onObjectCreated` is called for every object created (put,
 * POST upload, copy) with one S3-shaped event per object; a throwing callback is ignored.
 */
export async function startS3(opts: {
  directory: string;
  buckets: string[];
  port?: number;
  onObjectCreated?: (event: S3NotificationEvent) => void;
}): Promise<LocalS3> {
  mkdirSync(opts.directory, { recursive: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as new (o: object) => S3rverInstance;
  const server = new S3rver({
    address: '127.0.0.1',
    port: opts.port ?? 0,
    silent: true,
    directory: opts.directory,
    vhostBuckets: false,
    configureBuckets: opts.buckets.map((name) => ({ name })),
  });
  server.on('event', (e) => {
    const rec = e.Records?.[0];
    if (!rec || !rec.eventName.startsWith('ObjectCreated:') || !opts.onObjectCreated) return;
    const o = rec.s3.object;
    const event: S3NotificationEvent = {
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: 'us-east-1',
          eventTime: rec.eventTime ?? new Date().toISOString(),
          eventName: rec.eventName,
          userIdentity: { principalId: 'AWS:LOCAL' },
          requestParameters: { sourceIPAddress: rec.requestParameters?.sourceIPAddress ?? '127.0.0.1' },
          responseElements: rec.responseElements ?? {},
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: 'local-notification',
            bucket: { name: rec.s3.bucket.name, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${rec.s3.bucket.name}` },
            object: { key: encodeS3EventKey(o.key), size: o.size ?? 0, eTag: o.eTag ?? '', sequencer: o.sequencer ?? Date.now().toString(16).toUpperCase() },
          },
        },
      ],
    };
    try {
      opts.onObjectCreated(event);
    } catch {
      // A notification target's failure never fails the upload (S3 delivers asynchronously).
    }
  });
  const addr = await server.run();
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    close: () => (closed ??= server.close()),
  };
}
