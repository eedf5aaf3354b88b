import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV } from '../contract/env';
import { BY_STATUS_INDEX, BY_STREAM_INDEX } from '../contract/tables';
import { DEFAULT_USER_QUOTAS } from '../contract/defaults';
import { QUOTAS_KEY, validateQuotaLimits } from '../lambda/adapters/quotas';
import type { QuotaLimits } from '../lambda/ports/quotas';
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

  /** Read and write items of Connections and Streams (fan-out deletes gone connections and decrements `clientCount`). */
  public grantSessionReadWrite(grantee: iam.IGrantable): void {
    this.connections.grants.readWriteData(grantee);
    this.streams.grants.readWriteData(grantee);
    suppressWildcards(
      grantee,
      'The table grant covers `<table>/index/*`: the global secondary indexes of this very table (byStream on Connections, byStatus on Streams), which fan-out, the sweeper and `list` query. Index ARNs exist only under their table.',
      [arnFinding(this.connections, '/index/*'), arnFinding(this.streams, '/index/*')],
    );
  }
}
