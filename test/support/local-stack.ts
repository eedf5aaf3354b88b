/**
 * The local stack for end-to-end and browser tests: the real `npm start` system on a free
 * port, sample recordings indexed, state in a temp folder removed on close.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StreamRow } from '../../contract/rows';
import { startLocalStack as start, type LocalStack, type LocalStackOptions } from '../../local/stack';
import { SHARED_TEMPLATE_ENV } from './shared-template-env';

export type { LocalStack };

/**
 * Start local mode for a test (port 0, no runtime file, quiet). Its `close()` first ends
 * every live stream ({@link endLiveStreams}) and then closes the stack. With the run's shared
 * template (test/support/shared-template.ts) the state machine is not checked again: the
 * global setup checked that template once.
 *
 * Why: closing waits for the tick invocations still running (local/stepfunctions.ts
 * `close`), and a tick of a stream playing at speed keeps sleeping in its Lambda and claiming
 * batch after batch until its timeout (minutes). Fenced off, each one stops at its next
 * claim, so a test file's teardown takes seconds instead of that timeout.
 */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const stack = await start({ port: 0, writeRuntimeFile: false, validateStateMachine: !process.env[SHARED_TEMPLATE_ENV], ...opts });
  const close = stack.close.bind(stack);
  return Object.assign(stack, {
    async close(): Promise<void> {
      await endLiveStreams(stack).catch(() => undefined);
      await close();
    },
  });
}

/**
 * End every live stream of `stack` behind the handlers' backs (status `ended`, epoch + 1),
 * so each tick still sleeping in its Lambda is fenced off at its next claim (the epoch it
 * holds is no longer the row's). Throws what DynamoDB throws.
 */
export async function endLiveStreams(stack: LocalStack): Promise<void> {
  const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: 'us-east-1', credentials }));
  try {
    const rows: StreamRow[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: stack.tables.Streams, ExclusiveStartKey: startKey }));
      rows.push(...((page.Items ?? []) as StreamRow[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    for (const r of rows.filter((x) => x.status !== 'ended' && x.status !== 'failed')) {
      await db.send(
        new UpdateCommand({
          TableName: stack.tables.Streams,
          Key: { streamId: r.streamId },
          UpdateExpression: 'SET #s = :ended, epoch = epoch + :one',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':ended': 'ended', ':one': 1 },
        }),
      );
    }
  } finally {
    db.destroy();
  }
}
