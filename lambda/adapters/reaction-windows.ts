/**
 * The reaction windows of application/social.ts on DynamoDB: one row per stream and window,
 * `reactions#{streamId}#{windowStart}` in the Connections table (beside the bucket rows of
 * adapters/rate-limit.ts, under a key no connection id can take; no `streamId`, so no
 * fan-out lists it), holding `counts` (emoji → number) and `n` (all reactions). Each
 * reaction is one UpdateItem `ADD`, atomic across Lambda instances; the row's `expiresAt`
 * (epoch seconds, {@link WINDOW_ROW_TTL_SECONDS} on) lets DynamoDB TTL and the sweeper delete it.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReactionWindows } from '../application/social';
import { send, type RepositoryOptions } from './dynamo-write';

/** Seconds a window row lives: long enough for its publisher to read it, short enough not to pile up: 10 minutes. */
export const WINDOW_ROW_TTL_SECONDS = 600;

/** The Connections key of stream `streamId`'s reaction window starting at `windowStart` (epoch ms). */
export const reactionWindowKey = (streamId: string, windowStart: number): string => `reactions#${streamId}#${windowStart}`;

/** {@link ReactionWindows} on the Connections table (`tableName`). Methods throw the adapters' AWS errors. */
export class DynamoReactionWindows implements ReactionWindows {
  constructor(private readonly opts: RepositoryOptions) {}

  /** ADD one `emoji` to the window; true when it was the window's first reaction (`n` became 1). */
  async add(streamId: string, windowStart: number, emoji: string): Promise<boolean> {
    const out = await send('UpdateItem', () =>
      this.opts.client.send(
        new UpdateCommand({
          TableName: this.opts.tableName,
          Key: { connectionId: reactionWindowKey(streamId, windowStart) },
          // A map attribute must exist before ADD reaches into it; the first writer creates it.
          UpdateExpression: 'SET #c = if_not_exists(#c, :empty), expiresAt = if_not_exists(expiresAt, :exp) ADD n :one',
          ExpressionAttributeNames: { '#c': 'counts' },
          ExpressionAttributeValues: { ':empty': {}, ':exp': Math.floor(windowStart / 1000) + WINDOW_ROW_TTL_SECONDS, ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    // The emoji's own count: a second UpdateItem, since one expression cannot both create the
    // map and ADD inside it.
    await send('UpdateItem', () =>
      this.opts.client.send(
        new UpdateCommand({
          TableName: this.opts.tableName,
          Key: { connectionId: reactionWindowKey(streamId, windowStart) },
          UpdateExpression: 'ADD #c.#e :one',
          ExpressionAttributeNames: { '#c': 'counts', '#e': emoji },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
    return out.Attributes?.n === 1;
  }

  /** The window's counts (strongly consistent); empty when it has none. */
  async counts(streamId: string, windowStart: number): Promise<Record<string, number>> {
    const out = await send('GetItem', () =>
      this.opts.client.send(
        new GetCommand({ TableName: this.opts.tableName, Key: { connectionId: reactionWindowKey(streamId, windowStart) }, ConsistentRead: true }),
      ),
    );
    const counts = (out.Item?.counts ?? {}) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(counts).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0));
  }
}
