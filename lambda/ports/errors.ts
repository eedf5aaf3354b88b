/**
 * The named errors the ports (and so the adapters) throw instead of raw AWS SDK exceptions. Handlers branch on
 * these classes (`instanceof`), never on SDK error names; their messages are plain
 * sentences with the ids involved and no stack or SDK internals, so a handler may log them
 * and, when it chooses, tell a client what happened.
 */

/**
 * A conditional write on a `Streams` row lost: the row's `epoch` is no longer
 * `expectedEpoch` (a newer control, restart or end fenced this writer out), or a
 * `positionSeq`/`status` expectation did not hold, or the row is gone. docs/ARCHITECTURE.md "The Player
 * workflow and the tick": the epoch is the fencing token; a stale writer must stop, re-read
 * and decide again. Maps DynamoDB's `ConditionalCheckFailedException` on `updateStream`.
 */
export class StaleEpochError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedEpoch: number,
  ) {
    super(`stream "${streamId}" changed: it is no longer at epoch ${expectedEpoch} with the expected position/status`);
    this.name = 'StaleEpochError';
  }
}

/**
 * `createStream` lost: a stream with this id already exists (and, when replacing a finished
 * one, it is no longer the finished epoch that was read). docs/ARCHITECTURE.md "Stream keys": losing
 * the create race means attaching to the winner's stream.
 */
export class StreamExistsError extends Error {
  constructor(readonly streamId: string) {
    super(`stream "${streamId}" already exists`);
    this.name = 'StreamExistsError';
  }
}

/** A row or object the caller named does not exist (`what` is e.g. `connection`, `recording`). */
export class NotFoundError extends Error {
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`${what} "${id}" not found`);
    this.name = 'NotFoundError';
  }
}

/**
 * The WebSocket connection is gone: API Gateway answered `410 GoneException` to
 * PostToConnection (the client disconnected, possibly without `$disconnect` reaching us).
 * Fan-out turns this into cleanup of that connection's row (docs/ARCHITECTURE.md "Fan-out").
 */
export class ConnectionGoneError extends Error {
  constructor(readonly connectionId: string) {
    super(`connection "${connectionId}" is gone`);
    this.name = 'ConnectionGoneError';
  }
}

/**
 * An AWS call failed after the SDK's own retries, for a reason the adapters do not map to a
 * domain error above. `code` is the AWS error name (e.g. `ThrottlingException`,
 * `InternalServerError`), `status` the HTTP status when one arrived, `retryable` whether a
 * later attempt may succeed (throttling, 5xx, network).
 */
export class AwsServiceError extends Error {
  constructor(
    readonly service: string,
    readonly operation: string,
    readonly code: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(`${service} ${operation} failed: ${code}${status === undefined ? '' : ` (HTTP ${status})`}`);
    this.name = 'AwsServiceError';
  }
}

/**
 * The AWS service kept throttling the call (`ThrottlingException`,
 * `ProvisionedThroughputExceededException`, `RequestLimitExceeded`, 429) through all of the
 * SDK's retries (maxAttempts 5). Retryable later.
 */
export class ThrottledError extends AwsServiceError {
  constructor(service: string, operation: string, code: string, status: number | undefined) {
    super(service, operation, code, status, true);
    this.name = 'ThrottledError';
  }
}
