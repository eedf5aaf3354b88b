import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PlayerWorkflow } from './player-workflow';
import { Recordings } from './recordings';
import { Sweeper } from './sweeper';
import { Tables } from './tables';
import { wholeSeconds } from './validation';
import { WebClient, type WebClientOptions } from './web-client';
import { MatchcastWebSocketApi, type StageThrottle } from './websocket-api';

/** Properties of {@link MatchcastStack}. */
export interface MatchcastStackProps extends StackProps {
  /**
   * WebSocket stage name (`wss://…/{stageName}`), `[A-Za-z0-9_-]{1,128}`.
   * @default 'live'
   */
  readonly stageName?: string;
  /**
   * Default-route throttling of the stage.
   * @default { rateLimit: 1000, burstLimit: 500 }
   */
  readonly throttle?: StageThrottle;
  /**
   * How long a stream with no clients lives on (tennis seed: 5 min). Whole seconds ≥ 1 s.
   * @default Duration.minutes(5)
   */
  readonly idleTtl?: Duration;
  /**
   * How long a pvai/pvp stream may go without a controller connected before it ends with
   * `stopped` (a reconnect's grace). Whole seconds ≥ 1 s; applied by the minute sweeper.
   * @default Duration.seconds(30)
   */
  readonly controllerGrace?: Duration;
  /**
   * Wall-clock limit of one stream (football seed). Whole seconds ≥ 1 s.
   * @default Duration.hours(8)
   */
  readonly maxStreamDuration?: Duration;
  /**
   * Max viewers on one stream (DungeonGate `max_spectators_per_session`). Positive integer.
   * @default 1000
   */
  readonly maxClientsPerStream?: number;
  /**
   * Removal policy of the tables and the recordings bucket. When unset the catalog
   * (Games) and the recordings are kept, Connections and Streams are destroyed.
   * @default - RETAIN for Games and the bucket, DESTROY for Connections and Streams
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The browser client on S3 + CloudFront ({@link WebClient}), or `false` to leave it out
   * (local mode does: its gateway serves web/dist itself). Its removal policy defaults to
   * `removalPolicy` when that is set.
   * @default {} — web/dist, removal policy `removalPolicy` ?? DESTROY
   */
  readonly webClient?: WebClientOptions | false;
}

/**
 * matchcast on AWS (DESIGN.md "AWS architecture"): tables, recordings bucket + indexer,
 * WebSocket API + route functions, the Player workflow + tick, the sweeper, and the
 * browser client (S3 + CloudFront) unless `webClient` is `false`.
 *
 * Outputs: WebSocketUrl, CallbackUrl, RecordingsBucketName, ConnectionsTableName,
 * StreamsTableName, GamesTableName, PlayerStateMachineArn, JwtSecretArn, and WebClientUrl
 * (with the browser client).
 *
 * @throws Error naming the prop (`stageName`, `idleTtl`, `maxStreamDuration`,
 *   `maxClientsPerStream`, `removalPolicy`, `throttle`, `webClient`'s `webDistDir` /
 *   `removalPolicy`) when it is invalid.
 */
export class MatchcastStack extends Stack {
  public readonly tables: Tables;
  public readonly recordings: Recordings;
  public readonly webSocket: MatchcastWebSocketApi;
  public readonly workflow: PlayerWorkflow;
  public readonly sweeper: Sweeper;
  /** The browser client; undefined when `webClient` is `false`. */
  public readonly webClient?: WebClient;

  constructor(scope: Construct, id: string, props: MatchcastStackProps = {}) {
    super(scope, id, props);
    validateProps(props);

    this.tables = new Tables(this, 'Tables', { removalPolicy: props.removalPolicy });
    this.recordings = new Recordings(this, 'Recordings', { tables: this.tables, removalPolicy: props.removalPolicy });
    const bucket = this.recordings.bucket;
    this.webSocket = new MatchcastWebSocketApi(this, 'WebSocket', {
      tables: this.tables,
      bucket,
      stageName: props.stageName,
      throttle: props.throttle,
      idleTtl: props.idleTtl,
      maxClientsPerStream: props.maxClientsPerStream,
    });
    this.workflow = new PlayerWorkflow(this, 'PlayerWorkflow', {
      tables: this.tables,
      bucket,
      webSocket: this.webSocket,
      maxStreamDuration: props.maxStreamDuration,
    });
    // control starts/stops/describes executions; disconnect may end a PvAI stream.
    this.workflow.addController(this.webSocket.controlFunction);
    this.workflow.addController(this.webSocket.disconnectFunction);
    this.sweeper = new Sweeper(this, 'Sweeper', {
      tables: this.tables,
      bucket,
      webSocket: this.webSocket,
      workflow: this.workflow,
      idleTtl: props.idleTtl,
      controllerGrace: props.controllerGrace,
    });

    const outputs: Record<string, [string, string]> = {
      WebSocketUrl: [this.webSocket.url, 'Client endpoint: append ?token=<JWT>'],
      CallbackUrl: [this.webSocket.callbackUrl, 'API Gateway management endpoint (@connections)'],
      RecordingsBucketName: [bucket.bucketName, 'Upload recordings under recordings/*.jsonl'],
      ConnectionsTableName: [this.tables.connections.tableName, 'Connections table'],
      StreamsTableName: [this.tables.streams.tableName, 'Streams table'],
      GamesTableName: [this.tables.games.tableName, 'Games catalog table'],
      PlayerStateMachineArn: [this.workflow.stateMachine.stateMachineArn, 'Player state machine'],
      JwtSecretArn: [this.webSocket.jwtSecret.secretArn, 'HS256 secret that signs connection tokens'],
    };
    if (props.webClient !== false) {
      this.webClient = new WebClient(this, 'WebClient', {
        webDistDir: props.webClient?.webDistDir,
        removalPolicy: props.webClient?.removalPolicy ?? props.removalPolicy,
        webSocketUrl: this.webSocket.url,
      });
      outputs.WebClientUrl = [this.webClient.url, 'Browser client: append #token=<JWT>'];
    }
    for (const [outputId, [value, description]] of Object.entries(outputs)) new CfnOutput(this, outputId, { value, description });
  }
}

function validateProps(props: MatchcastStackProps): void {
  const owner = 'MatchcastStack';
  if (props.idleTtl !== undefined) wholeSeconds(owner, 'idleTtl', props.idleTtl);
  if (props.maxStreamDuration !== undefined) wholeSeconds(owner, 'maxStreamDuration', props.maxStreamDuration);
  if (props.controllerGrace !== undefined) wholeSeconds(owner, 'controllerGrace', props.controllerGrace);
  if (props.maxClientsPerStream !== undefined && (!Number.isInteger(props.maxClientsPerStream) || props.maxClientsPerStream < 1)) {
    throw new Error(`${owner}: maxClientsPerStream must be a positive integer, got ${props.maxClientsPerStream}`);
  }
  if (props.stageName !== undefined && !/^[A-Za-z0-9_-]{1,128}$/.test(props.stageName)) {
    throw new Error(`${owner}: stageName must match [A-Za-z0-9_-]{1,128}, got "${props.stageName}"`);
  }
  if (props.removalPolicy !== undefined && !Object.values(RemovalPolicy).includes(props.removalPolicy)) {
    throw new Error(`${owner}: removalPolicy must be a RemovalPolicy, got ${String(props.removalPolicy)}`);
  }
}
