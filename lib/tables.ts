import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV } from '../contract/env';
import { BY_STATUS_INDEX, BY_STREAM_INDEX } from '../contract/tables';
import { DEFAULT_USER_QUOTAS } from '../contract/defaults';
import { QUOTAS_KEY, validateQuotaLimits } from '../lambda/adapters/quotas';
import type { QuotaLimits } from '../lambda/ports/quotas';
import type { MatchcastFunction } from './function';
import { arnFinding, suppress, suppressWildcards } from './nag';

/** DynamoDB TTL attribute of Connections and Streams (epoch **seconds**, contract/rows.ts). */
export const TTL_ATTRIBUTE = 'expiresAt';

/** Properties of {@link Tables}. */
export interface TablesProps {
  /**
   * Per-user quotas (lambda/ports/quotas.ts), each resource it leaves out at its default; passed
   * to the functions as `USER_QUOTAS` with the Quotas table. Positive integers.
   * @default DEFAULT_USER_QUOTAS (contract/defaults.ts)
   */
  readonly userQuotas?: Partial<QuotaLimits>;
  /**
   * Removal policy of all three tables. When unset, the catalog (`Games`) is kept and the
   * transient tables (`Connections`, `Streams`) are destroyed with the stack.
   * @default - RemovalPolicy.RETAIN for Games, RemovalPolicy.DESTROY for Connections and Streams
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The three on-demand tables of docs/ARCHITECTURE.md "Tables" (row shapes: contract/rows.ts).
 *
 * - `Connections`: PK `connectionId`; GSI `byStream` (PK `streamId`, SK `connectionId`,
 *   INCLUDE `userId`, `displayName`, `role`) — what fan-out queries, never a Scan; TTL `expiresAt`.
 * - `Streams`: PK `streamId`; GSI `byStatus` (PK `status`, SK `streamId`, ALL) for the
 *   sweeper and `list`; TTL `expiresAt`; point-in-time recovery.
 * - `Games`: PK `gameId`; point-in-time recovery (the catalog).
 * - `Quotas`: PK `pk`; TTL `expiresAt`: the per-user quota items (lambda/adapters/quotas.ts).
 *
 * All AWS-managed encryption, no physical names. `Connections` has no point-in-time
 * recovery: its rows live at most 2 h 10 min (TTL) and describe sockets that a restore
 * could not bring back.
 *
 * @throws Error naming `removalPolicy` when it is not a RemovalPolicy value, or the `userQuotas`
 *   resource that is not a positive integer.
 */
export class Tables extends Construct {
  public readonly connections: dynamodb.Table;
  public readonly streams: dynamodb.Table;
  public readonly games: dynamodb.Table;
  public readonly quotas: dynamodb.Table;
  /** The per-user quotas, validated, defaults filled in. */
  public readonly userQuotas: QuotaLimits;

  constructor(scope: Construct, id: string, props: TablesProps = {}) {
    super(scope, id);
    if (props.removalPolicy !== undefined && !Object.values(RemovalPolicy).includes(props.removalPolicy)) {
      throw new Error(`Tables: removalPolicy must be a RemovalPolicy, got ${String(props.removalPolicy)}`);
    }
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
    } as const;

    this.connections = new dynamodb.Table(this, 'Connections', {
      ...common,
      partitionKey: { name: 'connectionId', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    suppress(
      this.connections,
      'DDB3',
      'Connections holds one row per open WebSocket (TTL 2 h 10 min, the API Gateway connection limit); a restored row would name a socket that no longer exists, so point-in-time recovery has nothing to recover.',
    );
    this.connections.addGlobalSecondaryIndex({
      indexName: BY_STREAM_INDEX,
      partitionKey: { name: 'streamId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'connectionId', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: ['userId', 'displayName', 'role'],
    });

    this.streams = new dynamodb.Table(this, 'Streams', {
      ...common,
      partitionKey: { name: 'streamId', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.streams.addGlobalSecondaryIndex({
      indexName: BY_STATUS_INDEX,
      partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'streamId', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    this.games = new dynamodb.Table(this, 'Games', {
      ...common,
      partitionKey: { name: 'gameId', type: dynamodb.AttributeType.STRING },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.userQuotas = validateQuotaLimits({ ...DEFAULT_USER_QUOTAS, ...props.userQuotas });
    this.quotas = new dynamodb.Table(this, 'Quotas', {
      ...common,
      partitionKey: { name: QUOTAS_KEY, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    suppress(
      this.quotas,
      'DDB3',
      'Quotas holds what each user holds right now (open connections, running streams, open live games), each item with a TTL; a restored item would count what no longer exists, so point-in-time recovery has nothing to recover.',
    );
  }

  /**
   * The table-name variables (`CONNECTIONS_TABLE`, `STREAMS_TABLE`, `GAMES_TABLE`,
   * `QUOTAS_TABLE`) and the per-user quotas (`USER_QUOTAS`, JSON).
   * Every function that uses a DynamoDB repository (lambda/adapters/connection-registry.ts,
   * stream-store.ts, game-catalog.ts) gets all three, so its composition root can build any of
   * them, while its IAM grants stay per table.
   */
  public environment(): Record<string, string> {
    return {
      [ENV.connectionsTable]: this.connections.tableName,
      [ENV.streamsTable]: this.streams.tableName,
      [ENV.gamesTable]: this.games.tableName,
      [ENV.quotasTable]: this.quotas.tableName,
      [ENV.userQuotas]: JSON.stringify(this.userQuotas),
    };
  }

  /**
   * Grant `fn` exactly the table actions its adapters call ({@link TABLE_ACCESS}, by its
   * `handlerName`): item actions on the table, and `dynamodb:Query` on the table and its
   * indexes (`<table>/index/*`) where it queries. Nothing for a handler that uses no table.
   * @throws Error naming the handler when {@link TABLE_ACCESS} has no entry for it.
   */
  public grantTableAccess(fn: MatchcastFunction): void {
    const access = TABLE_ACCESS[fn.handlerName];
    if (!access) throw new Error(`Tables: TABLE_ACCESS has no entry for the ${fn.handlerName} function`);
    const findings: string[] = [];
    for (const [name, actions] of Object.entries(access) as Array<[TableName, readonly DynamoAction[]]>) {
      const table = this[name];
      const item = actions.filter((a) => a !== 'Query');
      if (item.length) iam.Grant.addToPrincipal({ grantee: fn, actions: item.map((a) => `dynamodb:${a}`), resourceArns: [table.tableArn] });
      if (actions.includes('Query')) {
        iam.Grant.addToPrincipal({ grantee: fn, actions: ['dynamodb:Query'], resourceArns: [table.tableArn, `${table.tableArn}/index/*`] });
        findings.push(arnFinding(table, '/index/*'));
      }
    }
    if (findings.length) {
      suppressWildcards(
        fn,
        'dynamodb:Query is granted on `<table>/index/*`: the global secondary indexes of this very table (byStream on Connections, byStatus on Streams), which fan-out, the sweeper and `list` query. Index ARNs exist only under their table.',
        findings,
      );
    }
  }
}

/** The tables of {@link Tables}, by property. */
export type TableName = 'connections' | 'streams' | 'games' | 'quotas';
/** The DynamoDB item and query actions the adapters call (lambda/adapters/*.ts). */
export type DynamoAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'Scan';

/** Fan-out (adapters/fanout.ts): list a stream's connections by `byStream`, forget a gone one (read, mark, delete). */
const FANOUT_CONNECTIONS: readonly DynamoAction[] = ['GetItem', 'UpdateItem', 'DeleteItem', 'Query'];
/**
 * Rate-limit buckets (adapters/rate-limit.ts): the per-user and per-stream bucket rows of the
 * Connections table are created with PutItem, then taken from with UpdateItem; reaction windows
 * (adapters/reaction-windows.ts) are UpdateItem and GetItem.
 */
const RATE_BUCKETS: readonly DynamoAction[] = ['GetItem', 'PutItem', 'UpdateItem'];
/** Releasing quota slots (adapters/quotas.ts `release`). */
const QUOTA_RELEASE: readonly DynamoAction[] = ['GetItem', 'UpdateItem', 'DeleteItem'];
/** Acquiring and releasing quota slots (adapters/quotas.ts). */
const QUOTA_ACQUIRE: readonly DynamoAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];

/** The actions of both lists, each once. */
function union(a: readonly DynamoAction[], b: readonly DynamoAction[]): readonly DynamoAction[] {
  return [...new Set([...a, ...b])];
}

/**
 * Per function (handler module name), the actions of each table its adapters call — and
 * nothing else: no `BatchWriteItem`, `BatchGetItem`, `ConditionCheckItem`, `DescribeTable`;
 * `Scan` only where a repository method scans (`listExpired` of Connections: the sweeper;
 * `list` of Games: the control function's `list`); `DeleteItem` only on Connections (a
 * connection forgotten) and Quotas; `PutItem` on Streams only where streams are created
 * (control: `start`; http-api: live streams, `POST /streams`). test/lib/iam.test.ts holds
 * the synthesized policies to exactly this.
 */
export const TABLE_ACCESS: Readonly<Record<string, Readonly<Partial<Record<TableName, readonly DynamoAction[]>>>>> = {
  authorize: {},
  'http-authorize': {},
  connect: { connections: ['PutItem'], quotas: QUOTA_ACQUIRE },
  disconnect: { connections: FANOUT_CONNECTIONS, streams: ['GetItem', 'UpdateItem'], quotas: QUOTA_RELEASE },
  control: { connections: union(FANOUT_CONNECTIONS, RATE_BUCKETS), streams: ['GetItem', 'PutItem', 'UpdateItem', 'Query'], games: ['GetItem', 'Scan'], quotas: QUOTA_ACQUIRE },
  social: { connections: union(FANOUT_CONNECTIONS, RATE_BUCKETS), streams: ['GetItem', 'UpdateItem'], quotas: QUOTA_RELEASE },
  'http-api': { connections: FANOUT_CONNECTIONS, streams: ['GetItem', 'PutItem', 'UpdateItem', 'Query'], games: ['GetItem', 'PutItem', 'UpdateItem'], quotas: QUOTA_ACQUIRE },
  tick: { connections: FANOUT_CONNECTIONS, streams: ['GetItem', 'UpdateItem'], games: ['GetItem'], quotas: QUOTA_RELEASE },
  // A fan-out worker: its shard from byStream, and forgetting a gone connection (uncounted from its stream).
  fanout: { connections: FANOUT_CONNECTIONS, streams: ['GetItem', 'UpdateItem'] },
  sweeper: { connections: [...FANOUT_CONNECTIONS, 'Scan'], streams: ['GetItem', 'UpdateItem', 'Query'], quotas: QUOTA_RELEASE },
  'index-recording': { games: ['GetItem', 'PutItem'] },
};
