/**
 * The Games table on DynamoDB (ports/games.ts `GameCatalog`): the catalog the index Lambda
 * writes, and each live game's index (`chunks`) — whose conditional append orders concurrent
 * publishers. Conditional writes answer true/false; other SDK failures that outlive the SDK's
 * retries become `ThrottledError`/`AwsServiceError`.
 */
import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GameRow } from '../../contract/rows';
import type { GameCatalog, LiveAppend } from '../ports/games';
import { applied, MAX_PAGES, send, type RepositoryOptions } from './dynamo-write';

/** The Games table: `new DynamoGameCatalog({ client, tableName })`. */
export class DynamoGameCatalog implements GameCatalog {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(opts: RepositoryOptions) {
    this.client = opts.client;
    this.tableName = opts.tableName;
  }

  /**
   * Write (or overwrite) a catalog row — the index Lambda — but never over a live game's row
   * (its `chunks` are the only index of its frames). False when a live game has this id.
   */
  async put(row: GameRow): Promise<boolean> {
    return applied('PutItem', () => this.client.send(new PutCommand({ TableName: this.tableName, Item: row, ConditionExpression: 'attribute_not_exists(liveStatus)' })));
  }

  /** The catalog row, or undefined. `consistent` asks for a strongly consistent read (a live game's index before an append). */
  async get(gameId: string, opts: { consistent?: boolean } = {}): Promise<GameRow | undefined> {
    const out = await send('GetItem', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { gameId }, ConsistentRead: opts.consistent === true })),
    );
    return out.Item as GameRow | undefined;
  }

  /** Create a catalog row only if none has its id (a live game's `PUT`). False when one exists. */
  async create(row: GameRow): Promise<boolean> {
    return applied('PutItem', () => this.client.send(new PutCommand({ TableName: this.tableName, Item: row, ConditionExpression: 'attribute_not_exists(gameId)' })));
  }

  /**
   * Commit an append to a live game (core/live.ts `planAppend`): append `chunk` to `chunks`,
   * set `frameCount` and `durationMs`, drop the `keys` of the chunks at `forgetKeysOf` — on
   * condition that `frameCount` is still `expectFrameCount` and the game is still `live`.
   * This conditional write is what orders concurrent publishers. False when the condition
   * failed (another append won, or the game was finished): re-read and re-plan.
   *
   * Without keys to drop, `chunk` is appended with `list_append`. With some, the whole list
   * (`append.chunks`) is written instead: `REMOVE chunks[i].keys` cannot share one update
   * expression with `SET chunks = list_append(…)` (DynamoDB refuses overlapping document
   * paths), and a batch may forget the keys of hundreds of chunks (more paths than an
   * expression's 4 KB allow). The condition on `frameCount` makes the whole write as safe
   * as the append. Throws `Error` when keys are to be dropped but `append.chunks` is absent.
   */
  async commitLiveAppend(gameId: string, expectFrameCount: number, append: LiveAppend): Promise<boolean> {
    const whole = append.forgetKeysOf.length > 0;
    if (whole && !append.chunks) throw new Error(`commitLiveAppend("${gameId}"): forgetKeysOf needs the whole chunk list (append.chunks)`);
    return applied('UpdateItem', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { gameId },
          UpdateExpression: `SET chunks = ${whole ? ':chunks' : 'list_append(chunks, :chunk)'}, frameCount = :n, durationMs = :d`,
          ConditionExpression: 'frameCount = :expect AND liveStatus = :live',
          ExpressionAttributeValues: {
            ...(whole ? { ':chunks': append.chunks } : { ':chunk': [append.chunk] }),
            ':n': append.frameCount,
            ':d': append.durationMs,
            ':expect': expectFrameCount,
            ':live': 'live',
          },
        }),
      ),
    );
  }

  /** Mark a live game finished (`liveStatus` `live` → `finished`). False when it is not live (already finished, or recorded). */
  async finishLive(gameId: string): Promise<boolean> {
    return applied('UpdateItem', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { gameId },
          UpdateExpression: 'SET liveStatus = :finished',
          ConditionExpression: 'liveStatus = :live',
          ExpressionAttributeValues: { ':finished': 'finished', ':live': 'live' },
        }),
      ),
    );
  }

  /**
   * The catalog (Scan, paginated: the Games table is small — one row per recording), at most
   * `maxItems` rows (default 1,000), sorted by title for a stable listing.
   */
  async list(opts: { maxItems?: number; pageSize?: number } = {}): Promise<GameRow[]> {
    const max = opts.maxItems ?? 1000;
    const out: GameRow[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES && out.length < max; page++) {
      const res = await send('Scan', () => this.client.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey, Limit: opts.pageSize })));
      for (const i of res.Items ?? []) if (out.length < max) out.push(i as GameRow);
      startKey = res.LastEvaluatedKey;
      if (!startKey) break;
    }
    return out.sort((a, b) => a.title.localeCompare(b.title) || a.gameId.localeCompare(b.gameId));
  }
}
