/**
 * The AWS SDK's own retry strategy with its waits cut short, for the tests that inject
 * throttling and 5xx answers into the real SDK (test/lambda/adapters/faults-dynamo.test.ts,
 * aws.test.ts).
 *
 * The SDK's standard strategy waits between attempts with full-jitter exponential backoff: up
 * to 100 ms × 2ⁿ after a 5xx and 500 ms × 2ⁿ after a throttle (the AWS SDKs and Tools reference
 * guide, "Retry behavior"), so a call that exhausts the project's 5 throttled attempts
 * waits up to 7.5 s. These tests assert what is retried, how many times and what comes out, not
 * how long the SDK waits, so every `DynamoDBClient` of such a test file is built with the SDK's
 * `ConfiguredRetryStrategy` — the standard strategy's decisions (which errors are retryable, the
 * retry-token bucket, the client's own `maxAttempts`) with a fixed wait of
 * {@link SHORT_BACKOFF_MS} per retry. Nothing else of the client changes.
 *
 * Use it as a jest module factory, first thing in the test file (jest hoists it above imports):
 *
 * ```ts
 * jest.mock('@aws-sdk/client-dynamodb', () => jest.requireActual('../../support/short-sdk-backoff').dynamoDbWithShortBackoff());
 * ```
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** The wait before each retry (ms). */
export const SHORT_BACKOFF_MS = 5;

/** The SDK's default attempts per call when a client sets no `maxAttempts`. */
const SDK_DEFAULT_ATTEMPTS = 3;

/**
 * `@aws-sdk/client-dynamodb` with a `DynamoDBClient` whose retry strategy waits
 * {@link SHORT_BACKOFF_MS} per retry and keeps the configured `maxAttempts` (the project's
 * clients set SDK_MAX_ATTEMPTS, lambda/adapters/aws.ts); every other export is the real one.
 */
export function dynamoDbWithShortBackoff(): typeof import('@aws-sdk/client-dynamodb') {
  const actual = jest.requireActual<typeof import('@aws-sdk/client-dynamodb')>('@aws-sdk/client-dynamodb');
  class DynamoDBClient extends actual.DynamoDBClient {
    constructor(config: DynamoDBClientConfig = {}) {
      const attempts = typeof config.maxAttempts === 'number' ? config.maxAttempts : SDK_DEFAULT_ATTEMPTS;
      super({ ...config, retryStrategy: new ConfiguredRetryStrategy(attempts, SHORT_BACKOFF_MS) });
    }
  }
  return { ...actual, DynamoDBClient };
}
