/**
 * The reaction windows of application/social.ts on DynamoDB: one row per stream and window,
 * `reactions#{streamId}#{windowStart}` in the Connections table (beside the bucket rows of
 * adapters/rate-limit.ts, under a key no connection id can take; no `streamId`, so no
 * fan-out lists it), holding one number attribute per emoji (`e#{emoji}`), `n` (all
 * reactions) and, once its publisher has closed it, `closed`. Each reaction is one
 * conditional UpdateItem `ADD` (refused once the window is closed), and the close is one
 * UpdateItem that returns the row as it leaves it — both atomic in DynamoDB, so each reaction
 * is in exactly one window's counts. The row's `expiresAt` (epoch seconds,
 * {@link WINDOW_ROW_TTL_SECONDS} on) lets DynamoDB TTL and the sweeper delete it.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReactionWindows } from '../application/social';
import { isConditionFailed, send, type RepositoryOptions } from './dynamo-write';

/** Seconds a window row lives: long enough for its publisher to read it, short enough not to pile up: 10 minutes. */
export const WINDOW_ROW_TTL_SECONDS = 600;

/** The Connections key of stream `streamId`'s reaction window starting at `windowStart` (epoch ms). */
export const reactionWindowKey = (streamId: string, windowStart: number): string => `reactions#${streamId}#${windowStart}`;

/** Prefix of a window row's per-emoji count attributes: `e#🔥`. */
const EMOJI_PREFIX = 'e#';

/** {@link ReactionWindows} on the Connections table (`tableName`). Methods throw the adapters' AWS errors. */
export class DynamoReactionWindows implements ReactionWindows {
  constructor(private readonly opts: RepositoryOptions) {}

  /** ADD one `emoji` to the window unless it is closed; `first` when it was the window's first reaction (`n` became 1). */
  async add(streamId: string, windowStart: number, emoji: string): Promise<'first' | 'counted' | 'closed'> {
    try {
      const out = await send('UpdateItem', () =>
        this.opts.client.send(
          new UpdateCommand({
            TableName: this.opts.tableName,
            Key: { connectionId: reactionWindowKey(streamId, windowStart) },
            UpdateExpression: 'SET expiresAt = if_not_exists(expiresAt, :exp) ADD n :one, #e :one',
            ConditionExpression: 'attribute_not_exists(closed)',
            ExpressionAttributeNames: { '#e': `${EMOJI_PREFIX}${emoji}` },
            ExpressionAttributeValues: { ':exp': Math.floor(windowStart / 1000) + WINDOW_ROW_TTL_SECONDS, ':one': 1 },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      return out.Attributes?.n === 1 ? 'first' : 'counted';
    } catch (e) {
      if (isConditionFailed(e)) return 'closed';
      throw e;
    }
  }

  /** Close the window (later adds are refused) and return its counts as the close left them; empty when it has none. */
  async close(streamId: string, windowStart: number): Promise<Record<string, number>> {
    const out = await send('UpdateItem', () =>
      this.opts.client.send(
        new UpdateCommand({
          TableName: this.opts.tableName,
          Key: { connectionId: reactionWindowKey(streamId, windowStart) },
          UpdateExpression: 'SET closed = :t, expiresAt = if_not_exists(expiresAt, :exp)',
          ExpressionAttributeValues: { ':t': true, ':exp': Math.floor(windowStart / 1000) + WINDOW_ROW_TTL_SECONDS },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    const counts: Record<string, number> = {};
    for (const [name, value] of Object.entries(out.Attributes ?? {})) {
      if (name.startsWith(EMOJI_PREFIX) && typeof value === 'number' && value > 0) counts[name.slice(EMOJI_PREFIX.length)] = value;
    }
    return counts;
  }
}
