/**
 * What the three DynamoDB repositories share (connection-registry.ts, stream-store.ts,
 * game-catalog.ts): the document client they are constructed with, sending a command with
 * SDK failures translated into the named errors of errors.ts, and conditional writes that
 * answer true/false.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { errorCode, SDK_MAX_ATTEMPTS, translate } from './aws';

/** What every repository is constructed with (the Powertools persistence-layer pattern). */
export interface RepositoryOptions {
  /** A DynamoDB document client (marshalling with `removeUndefinedValues`); see {@link documentClient}. */
  client: DynamoDBDocumentClient;
  /** The physical table name (from the environment, contract/env.ts). */
  tableName: string;
}

/**
 * A document client with the project's settings: `maxAttempts` {@link SDK_MAX_ATTEMPTS},
 * `removeUndefinedValues`. Its endpoint is the SDK's own `AWS_ENDPOINT_URL_DYNAMODB` (dynalite
 * locally) unless `endpoint` is given.
 */
export function documentClient(opts: { endpoint?: string } = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ maxAttempts: SDK_MAX_ATTEMPTS, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}

/** True for DynamoDB's `ConditionalCheckFailedException`. */
export const isConditionFailed = (e: unknown): boolean => errorCode(e) === 'ConditionalCheckFailedException';

/**
 * Send a command; a failed condition is rethrown as is (the caller maps it to its domain
 * error), anything else is translated (`ThrottledError`/`AwsServiceError`).
 */
export async function send<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isConditionFailed(e)) throw e;
    throw translate('DynamoDB', operation, e);
  }
}

/**
 * Send one conditional write: true when it was applied, false when its condition failed;
 * other failures are translated and thrown.
 */
export async function applied(operation: string, write: () => Promise<unknown>): Promise<boolean> {
  try {
    await send(operation, write);
    return true;
  } catch (e) {
    if (isConditionFailed(e)) return false;
    throw e;
  }
}

/** Upper bound on pages any paginated read walks (every loop is bounded). */
export const MAX_PAGES = 10_000;
