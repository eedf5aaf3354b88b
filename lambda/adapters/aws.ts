/**
 * What every AWS adapter shares: the retry budget, and the translation of SDK exceptions
 * into the named errors of errors.ts.
 *
 * Endpoints are never passed in code (except the management API's, CALLBACK_URL): the SDK
 * reads `AWS_ENDPOINT_URL_<SERVICE>` itself (docs/ARCHITECTURE.md "The pieces"), so the same
 * code runs on AWS and against local stand-ins. Each function's composition root
 * (lambda/handlers/*.ts `fromEnvironment`) creates its clients when the function is built — on
 * its first invocation — not at import, so a test or local mode may set those variables after
 * importing a handler.
 */
import { AwsServiceError, ThrottledError } from './errors';

/**
 * SDK attempts per call (1 try + 4 retries) for DynamoDB, S3 and Step Functions. The
 * standard retry strategy retries throttling (`ThrottlingException`,
 * `ProvisionedThroughputExceededException`), 5xx and transient network errors with jittered
 * exponential backoff; 5 attempts ride out a short DynamoDB on-demand throttle.
 */
export const SDK_MAX_ATTEMPTS = 5;

/** The AWS error name of an SDK exception (`e.name`, e.g. `ConditionalCheckFailedException`). */
export function errorCode(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    const o = e as { name?: unknown; code?: unknown; Code?: unknown };
    for (const v of [o.name, o.Code, o.code]) if (typeof v === 'string' && v !== '' && v !== 'Error') return v;
  }
  return 'Error';
}

/** The HTTP status an SDK exception came with (`$metadata.httpStatusCode`), if any. */
export function httpStatus(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const meta = (e as { $metadata?: { httpStatusCode?: unknown }; $response?: { statusCode?: unknown } });
  const s = meta.$metadata?.httpStatusCode ?? meta.$response?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'LimitExceededException',
  'SlowDown',
]);

/** True for an AWS throttling error (by name, or HTTP 429). */
export function isThrottling(e: unknown): boolean {
  return THROTTLING.has(errorCode(e)) || httpStatus(e) === 429;
}

/** Node/undici network error codes after which a retry may succeed. */
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Error names that mean the request got no answer in time. */
const TIMEOUTS = new Set(['AbortError', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
/**
 * The SDK's retry middleware replaces a thrown value that is not an `Error` of its own realm
 * with `new Error("AWS SDK error wrapper for …")` (@smithy/core `asSdkError`), dropping its
 * name and code — it happens to Node's socket errors inside jest's VM contexts. The text
 * still names the failure.
 */
const WRAPPED_NETWORK_FAILURE = new RegExp(`^AWS SDK error wrapper for .*\\b(${[...TIMEOUTS, ...NETWORK, 'socket hang up'].join('|')})\\b`);

/** True when a later attempt may succeed: throttling, HTTP 5xx, timeouts and network errors. */
export function isTransient(e: unknown): boolean {
  if (isThrottling(e)) return true;
  const status = httpStatus(e);
  if (status !== undefined) return status >= 500;
  const code = errorCode(e);
  const sys = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return (
    TIMEOUTS.has(code) ||
    NETWORK.has(code) ||
    (typeof sys === 'string' && NETWORK.has(sys)) ||
    (code === 'Error' && typeof message === 'string' && WRAPPED_NETWORK_FAILURE.test(message))
  );
}

/**
 * Turn an SDK exception that no domain error covers into {@link ThrottledError} or
 * {@link AwsServiceError} (message: service, operation, code, status — no stack, no request
 * internals). Errors that are not SDK exceptions (ours, programming errors) pass through.
 */
export function translate(service: string, operation: string, e: unknown): Error {
  if (e instanceof AwsServiceError) return e;
  const isSdk = typeof e === 'object' && e !== null && '$metadata' in e;
  if (!isSdk) return e instanceof Error ? e : new Error(String(e));
  const code = errorCode(e);
  const status = httpStatus(e);
  if (isThrottling(e)) return new ThrottledError(service, operation, code, status);
  return new AwsServiceError(service, operation, code, status, isTransient(e));
}
