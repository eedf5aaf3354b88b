/**
 * Error translation and the SDK retry budget. Throttling is injected twice: once for real,
 * by a local proxy in front of dynalite that answers `ThrottlingException` (so the SDK's own
 * retry middleware runs), and once with aws-sdk-client-mock, which replaces `send` and so
 * proves only the translation.
 */
// The SDK's retries as they are, with their backoff waits cut to a few ms (test/support/short-sdk-backoff.ts).
jest.mock('@aws-sdk/client-dynamodb', () => jest.requireActual('../../support/short-sdk-backoff').dynamoDbWithShortBackoff());
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setEnv, startLocalAws, type LocalAws } from '../../support/aws-local';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { errorCode, httpStatus, isThrottling, isTransient, SDK_MAX_ATTEMPTS, translate } from '../../../lambda/adapters/aws';
import { createStream, getStream } from './env-adapters';
import { AwsServiceError, ThrottledError } from '../../../lambda/adapters/errors';
import type { StreamRow } from '../../../contract/rows';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: status === undefined ? {} : { httpStatusCode: status } });

describe('error helpers', () => {
  it('classifies throttling, 5xx and network errors as transient, 4xx as not', () => {
    expect(isThrottling(sdkError('ThrottlingException', 400))).toBe(true);
    expect(isThrottling(sdkError('ProvisionedThroughputExceededException', 400))).toBe(true);
    expect(isThrottling(sdkError('Whatever', 429))).toBe(true);
    expect(isTransient(sdkError('InternalServerError', 500))).toBe(true);
    expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(true);
    expect(isTransient(sdkError('ValidationException', 400))).toBe(false);
    // The SDK's wrapper of a cross-realm socket error (jest VM contexts): transient by its text.
    const wrapped = (text: string) => Object.assign(new Error(`AWS SDK error wrapper for ${text}`), { $metadata: { attempts: 1 } });
    expect(isTransient(wrapped('TimeoutError: socket hang up'))).toBe(true);
    expect(isTransient(wrapped('Error: read ECONNRESET'))).toBe(true);
    expect(isTransient(wrapped('[object Object]'))).toBe(false);
    expect(isTransient(Object.assign(new Error('socket hang up happened in my code'), { $metadata: {} }))).toBe(false);
    expect(isTransient(sdkError('ForbiddenException', 403))).toBe(false);
    expect(errorCode('nope')).toBe('Error');
    expect(httpStatus(sdkError('X', 418))).toBe(418);
  });

  it('translates SDK exceptions into named errors without their internals, and passes ours through', () => {
    const t = translate('DynamoDB', 'Query', sdkError('ThrottlingException', 400));
    expect(t).toBeInstanceOf(ThrottledError);
    expect(t.message).toBe('DynamoDB Query failed: ThrottlingException (HTTP 400)');
    const v = translate('S3', 'GetObject', sdkError('AccessDenied', 403));
    expect(v).toBeInstanceOf(AwsServiceError);
    expect(v).toMatchObject({ code: 'AccessDenied', status: 403, retryable: false });
    const ours = new RangeError('bug');
    expect(translate('S3', 'GetObject', ours)).toBe(ours);
  });
});

describe('DynamoDB throttling', () => {
  let aws: LocalAws;
  let proxy: Server;
  let throttleNext = 0;
  let requests = 0;
  let restore: () => void;

  beforeAll(async () => {
    aws = await startLocalAws({ s3: false });
    const target = new URL(aws.dynamoEndpoint);
    // Answers the next `throttleNext` requests with ThrottlingException, forwards the rest to dynalite.
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests++;
        if (throttleNext > 0) {
          throttleNext--;
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }));
          return;
        }
        const fwd = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 500, up.headers);
          up.pipe(res);
        });
        fwd.on('error', () => res.destroy());
        fwd.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    restore = setEnv({ AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
    await createStream({ streamId: 's1', epoch: 1 } as StreamRow);
  });
  afterAll(async () => {
    restore?.();
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await aws?.close();
  });

  it("rides out throttled answers with the SDK's retries", async () => {
    throttleNext = 2;
    requests = 0;
    expect(await getStream('s1')).toMatchObject({ streamId: 's1', epoch: 1 });
    expect(requests).toBe(3);
  });

  it(`throws ThrottledError after ${SDK_MAX_ATTEMPTS} throttled attempts`, async () => {
    throttleNext = SDK_MAX_ATTEMPTS;
    requests = 0;
    const err = await getStream('s1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect(err).toMatchObject({ service: 'DynamoDB', operation: 'GetItem', code: 'ThrottlingException', retryable: true });
    expect(requests).toBe(SDK_MAX_ATTEMPTS);
  });

  it('translates an injected ThrottlingException (aws-sdk-client-mock)', async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    try {
      mock.onAnyCommand().rejects(sdkError('ThrottlingException', 400));
      await expect(getStream('s1')).rejects.toBeInstanceOf(ThrottledError);
      mock.onAnyCommand().rejects(sdkError('InternalServerError', 500));
      await expect(getStream('s1')).rejects.toMatchObject({ name: 'AwsServiceError', code: 'InternalServerError', retryable: true });
    } finally {
      mock.restore();
    }
    expect((await getStream('s1'))?.epoch).toBe(1);
  });
});
