import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { QuotaLimits } from '../lambda/ports/quotas';
import type { MatchcastFunction } from './function';
import { MatchcastHttpApi } from './http-api';
import { Monitoring } from './monitoring';
import { suppress } from './nag';
import { PlayerWorkflow } from './player-workflow';
import { Recordings } from './recordings';
import { Sweeper } from './sweeper';
import { Tables } from './tables';
import { WebClient, type WebClientOptions } from './web-client';
import { MatchcastWebSocketApi, validateAuth, type MatchcastWebSocketApiProps, type OidcAuth, type StageThrottle } from './websocket-api';


/** Properties of {@link MatchcastStack}. */
export interface MatchcastStackProps extends StackProps {
  /**
   * WebSocket stage name (`wss://…/{stageName}`), `[A-Za-z0-9_-]{1,128}` (API Gateway stage names).
   * @default 'live'
   */
  readonly stageName?: string;
  /**
   * Default-route throttling of the stage.
   * @default { rateLimit: 1000, burstLimit: 500 }
   */
  readonly throttle?: StageThrottle;
  /**
   * Per-route throttling of the WebSocket stage by route key, merged over
   * `DEFAULT_ROUTE_THROTTLES` (lib/websocket-api.ts); `false` leaves a route at `throttle`.
   * @default DEFAULT_ROUTE_THROTTLES
   */
  readonly routeThrottles?: Readonly<Record<string, StageThrottle | false>>;
  /**
   * Reserved concurrency of the tick function (the Player's fan-out), or `false` for none.
   * Reserved, the tick can always run that many at once whatever the WebSocket routes' social
   * traffic takes from the account's pool, and never more. AWS Lambda quotas: an account has
   * 1,000 concurrent executions per Region by default and must keep at least 100 unreserved,
   * so the reservation must be at most the account's limit − 100 (a new account whose limit
   * is still 10 deploys only with `false`). A throttled tick is retried by the Player
   * (`Lambda.TooManyRequestsException`, lib/player-workflow.ts).
   * @default DEFAULT_TICK_RESERVED_CONCURRENCY (100)
   */
  readonly tickReservedConcurrency?: number | false;
  /**
   * How long a stream with no clients lives on before the sweeper ends it `idle`. Whole seconds ≥ 1 s.
   * @default DEFAULT_IDLE_TTL_SECONDS (contract/defaults.ts: 5 minutes)
   */
  readonly idleTtl?: Duration;
  /**
   * How long a pvai/pvp stream may go without a controller connected before it ends with
   * `stopped` (a reconnect's grace). Whole seconds ≥ 1 s; applied by the minute sweeper.
   * @default DEFAULT_CONTROLLER_GRACE_SECONDS (contract/defaults.ts: 30 s)
   */
  readonly controllerGrace?: Duration;
  /**
   * Wall-clock limit of one stream; then it ends with `max_duration`. Whole seconds ≥ 1 s.
   * @default DEFAULT_MAX_STREAM_SECONDS (contract/defaults.ts: 8 hours)
   */
  readonly maxStreamDuration?: Duration;
  /**
   * Most connections attached to one stream (a `start`/`join` past it gets `stream_full`). Positive integer.
   * @default DEFAULT_MAX_CLIENTS_PER_STREAM (contract/defaults.ts: 1000)
   */
  readonly maxClientsPerStream?: number;
  /**
   * Playout buffer (ms) of a recorded game's spectate stream: frames sent up to this long
   * before they are due (docs/PROTOCOL.md "Playout buffer (1.1)"). An integer 0–60,000.
   * @default DEFAULT_SPECTATE_LEAD_MS (contract/defaults.ts: 2000)
   */
  readonly spectateLeadMs?: number;
  /**
   * Per-user quotas across all of a user's connections (docs/SECURITY.md "Limits"), each a
   * positive integer; a resource left out keeps its default: `connections` open (20),
   * `streams` started and still running (5), `executions` of the Player running for them (5),
   * `scheduled` streams not yet ended (50), `liveGames` open (10). Past one, the request is
   * refused with `limit_exceeded` (HTTP 429; `$connect` 429).
   * @default DEFAULT_USER_QUOTAS (contract/defaults.ts)
   */
  readonly userQuotas?: Partial<QuotaLimits>;
  /**
   * Rate limits per user, by bucket kind (validated and documented by {@link MatchcastWebSocketApi}).
   * @default RATE_LIMITS (lambda/core/rate-limit.ts)
   */
  readonly rateLimits?: MatchcastWebSocketApiProps['rateLimits'];
  /**
   * A stream's social budget in posts (validated and documented by {@link MatchcastWebSocketApi}).
   * @default STREAM_SOCIAL_LIMITS (lambda/core/rate-limit.ts: 20,000 at once, then 2,000 per second)
   */
  readonly streamSocialLimits?: MatchcastWebSocketApiProps['streamSocialLimits'];
  /**
   * Milliseconds over which a stream's reactions are summed (validated by {@link MatchcastWebSocketApi}).
   * @default DEFAULT_REACTION_WINDOW_MS (contract/defaults.ts: 1000)
   */
  readonly reactionWindowMs?: number;
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
  /**
   * OIDC mode of the `$connect` authorizer ({@link OidcAuth}): verify an identity provider's
   * tokens (`iss` = `issuer`, `aud` = `audience`, keys from `jwksUrl`) instead of HS256
   * tokens signed with the stack's secret. `issuer` and `jwksUrl` must be https URLs,
   * `audience` a non-empty string. bin/matchcast.ts reads it from the context keys
   * `matchcast:oidcIssuer`, `matchcast:oidcAudience`, `matchcast:oidcJwksUrl`.
   * @default - HS256 with the stack-generated secret (output JwtSecretArn)
   */
  readonly auth?: OidcAuth;
  /**
   * How long the S3 server access logs of the recordings and web buckets are kept.
   * @default Duration.days(90)
   */
  readonly accessLogsExpiration?: Duration;
  /**
   * An e-mail address subscribed to the alarm topic ({@link Monitoring}); SNS mails a
   * confirmation link first. bin/matchcast.ts reads it from the context key `matchcast:alarmEmail`.
   * @default - no subscription (subscribe to the output AlarmTopicArn yourself)
   */
  readonly alarmEmail?: string;
  /**
   * The frame-lateness alarm's threshold: p99 of `FrameLateness` (post time − due time) in ms.
   * A positive number, at most 3,600,000. bin/matchcast.ts reads it from the context key
   * `matchcast:latenessP99ThresholdMs`.
   * @default 250
   */
  readonly latenessP99ThresholdMs?: number;
}

/**
 * Default reserved concurrency of the tick function: 100 of the default 1,000 concurrent
 * executions per account and Region (AWS Lambda quotas), leaving 900 — well above the 100 the
 * account must keep unreserved — for the route functions, the HTTP API and everything else.
 */
export const DEFAULT_TICK_RESERVED_CONCURRENCY = 100;

/**
 * matchcast on AWS (docs/ARCHITECTURE.md "The pieces"): tables, recordings bucket + indexer,
 * WebSocket API + route functions, the HTTP API (live ingest, scheduled streams), the Player workflow + tick, the sweeper, and the
 * browser client (S3 + CloudFront) unless `webClient` is `false`, and the monitoring: an alarm
 * topic, a dashboard and alarms on every function, the Player, the tables and both APIs
 * ({@link Monitoring}; docs/OPERATIONS.md).
 *
 * Outputs: WebSocketUrl, CallbackUrl, HttpApiUrl, RecordingsBucketName, ConnectionsTableName,
 * StreamsTableName, GamesTableName, PlayerStateMachineArn, JwtSecretArn, DashboardName,
 * DashboardUrl, AlarmTopicArn, and WebClientUrl (with the browser client).
 *
 * S3 server access logs of the recordings and web buckets go to a private `AccessLogs`
 * bucket (expiring after `accessLogsExpiration`, removed with the stack only when
 * `removalPolicy` is DESTROY).
 *
 * @throws Error naming the prop (`stageName`, `idleTtl`, `controllerGrace`, `maxStreamDuration`,
 *   `maxClientsPerStream`, `spectateLeadMs`, `removalPolicy`, `throttle.*`, `auth.issuer` / `auth.audience` /
 *   `auth.jwksUrl`, `accessLogsExpiration`, `webClient`'s `webDistDir` / `removalPolicy`,
 *   `alarmEmail`, `latenessP99ThresholdMs`, `routeThrottles.*`, `tickReservedConcurrency`,
 *   `userQuotas.*` (by {@link Tables}))
 *   when it is invalid. Each prop is validated once, by the construct that uses it:
 *   `stageName`, `throttle`, `maxClientsPerStream`, `spectateLeadMs`, `auth` by {@link MatchcastWebSocketApi}
 *   (the HTTP API's authorizer takes its validated `auth`), `idleTtl` and `controllerGrace`
 *   by {@link Sweeper}, `maxStreamDuration` by {@link PlayerWorkflow}, `removalPolicy` by
 *   {@link Tables}, `webClient` by {@link WebClient}, `alarmEmail` and `latenessP99ThresholdMs`
 *   by {@link Monitoring}, `accessLogsExpiration` here.
 *   Defaults: contract/defaults.ts.
 */
export class MatchcastStack extends Stack {
  public readonly tables: Tables;
  public readonly recordings: Recordings;
  public readonly webSocket: MatchcastWebSocketApi;
  /** The HTTP API of publishers (live games) and operators (scheduled streams). */
  public readonly httpApi: MatchcastHttpApi;
  public readonly workflow: PlayerWorkflow;
  public readonly sweeper: Sweeper;
  /** Where S3 writes the server access logs of the recordings and web buckets. */
  public readonly accessLogsBucket: s3.Bucket;
  /** The browser client; undefined when `webClient` is `false`. */
  public readonly webClient?: WebClient;
  /** The alarm topic, the dashboard and the alarms. */
  public readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: MatchcastStackProps = {}) {
    super(scope, id, props);
    const accessLogsExpiration = validateAccessLogsExpiration(props.accessLogsExpiration ?? Duration.days(90));
    // Server access logs are allowed by a bucket policy on the log bucket (logging.s3.amazonaws.com),
    // never by the legacy LogDeliveryWrite ACL: ACLs stay disabled (BucketOwnerEnforced) whatever
    // the app's feature flags (cdk.json sets this one; tests and local mode build apps without it).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    // Tables first: it validates removalPolicy, which the access-log bucket uses too.
    this.tables = new Tables(this, 'Tables', { removalPolicy: props.removalPolicy, userQuotas: props.userQuotas });
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Server access logs cannot be delivered to a KMS-encrypted bucket: SSE-S3 it is.
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: accessLogsExpiration }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });
    suppress(
      this.accessLogsBucket,
      'S1',
      'This is the server-access-log bucket of the recordings and web buckets; logging its own access would log the delivery of every log object, recursively.',
    );

    this.recordings = new Recordings(this, 'Recordings', {
      tables: this.tables,
      removalPolicy: props.removalPolicy,
      accessLogsBucket: this.accessLogsBucket,
    });
    const bucket = this.recordings.bucket;
    this.webSocket = new MatchcastWebSocketApi(this, 'WebSocket', {
      tables: this.tables,
      bucket,
      stageName: props.stageName,
      throttle: props.throttle,
      routeThrottles: props.routeThrottles,
      maxClientsPerStream: props.maxClientsPerStream,
      spectateLeadMs: props.spectateLeadMs,
      auth: props.auth,
      rateLimits: props.rateLimits,
      streamSocialLimits: props.streamSocialLimits,
      reactionWindowMs: props.reactionWindowMs,
    });
    // Its authorizer follows the WebSocket API's auth (validated there).
    this.httpApi = new MatchcastHttpApi(this, 'HttpApi', { tables: this.tables, bucket, webSocket: this.webSocket });
    this.workflow = new PlayerWorkflow(this, 'PlayerWorkflow', {
      tables: this.tables,
      bucket,
      webSocket: this.webSocket,
      maxStreamDuration: props.maxStreamDuration,
    });
    const tickReserved = validateTickReservedConcurrency(props.tickReservedConcurrency ?? DEFAULT_TICK_RESERVED_CONCURRENCY);
    if (tickReserved !== false) (this.workflow.tickFunction.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = tickReserved;
    // control starts/stops/describes executions. disconnect has no workflow port (it only
    // uncounts a connection: application/forget-connection.ts), so it gets no Step Functions access.
    this.workflow.addController(this.webSocket.controlFunction);
    // POST /streams starts a stream due within the sweeper's lead at once.
    this.workflow.addController(this.httpApi.routeFunction);
    // A live game's keyframes past a terminal resize are folded by the index function's emulator.
    this.recordings.grantRefoldLiveKeyframes(this.httpApi.routeFunction);
    this.sweeper = new Sweeper(this, 'Sweeper', {
      tables: this.tables,
      bucket,
      webSocket: this.webSocket,
      workflow: this.workflow,
      idleTtl: props.idleTtl,
      controllerGrace: props.controllerGrace,
    });

    // Every matchcast function, by its handler module's name (its role).
    const functions: MatchcastFunction[] = [
      this.webSocket.authorizeFunction,
      this.webSocket.connectFunction,
      this.webSocket.disconnectFunction,
      this.webSocket.controlFunction,
      this.webSocket.socialFunction,
      this.httpApi.authorizeFunction,
      this.httpApi.routeFunction,
      this.workflow.tickFunction,
      this.workflow.fanOutFunction,
      this.sweeper.function,
      this.recordings.indexFunction,
    ];
    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: Object.fromEntries(functions.map((f) => [f.handlerName, f])),
      stateMachine: this.workflow.stateMachine,
      tables: { connections: this.tables.connections, streams: this.tables.streams, games: this.tables.games },
      webSocketApi: this.webSocket.api,
      webSocketStage: this.webSocket.stage,
      httpApi: this.httpApi.api,
      alarmEmail: props.alarmEmail,
      latenessP99ThresholdMs: props.latenessP99ThresholdMs,
    });

    const outputs: Record<string, [string, string]> = {
      WebSocketUrl: [this.webSocket.url, 'Client endpoint: append ?token=<JWT>'],
      CallbackUrl: [this.webSocket.callbackUrl, 'API Gateway management endpoint (@connections)'],
      HttpApiUrl: [this.httpApi.url, 'HTTP API: live game ingest and scheduled streams (docs/HTTP-API.md)'],
      RecordingsBucketName: [bucket.bucketName, 'Upload recordings under recordings/*.jsonl'],
      ConnectionsTableName: [this.tables.connections.tableName, 'Connections table'],
      StreamsTableName: [this.tables.streams.tableName, 'Streams table'],
      GamesTableName: [this.tables.games.tableName, 'Games catalog table'],
      PlayerStateMachineArn: [this.workflow.stateMachine.stateMachineArn, 'Player state machine'],
      JwtSecretArn: [this.webSocket.jwtSecret.secretArn, 'HS256 secret that signs connection tokens'],
      DashboardName: [this.monitoring.dashboard.dashboardName, 'CloudWatch dashboard (docs/OPERATIONS.md)'],
      DashboardUrl: [this.monitoring.dashboardUrl, 'CloudWatch dashboard in the console'],
      AlarmTopicArn: [this.monitoring.topic.topicArn, 'SNS topic of every alarm: subscribe to get ALARM and OK notifications'],
    };
    if (props.webClient !== false) {
      this.webClient = new WebClient(this, 'WebClient', {
        webDistDir: props.webClient?.webDistDir,
        removalPolicy: props.webClient?.removalPolicy ?? props.removalPolicy,
        webSocketUrl: this.webSocket.url,
        accessLogsBucket: this.accessLogsBucket,
      });
      outputs.WebClientUrl = [this.webClient.url, 'Browser client: append #token=<JWT>'];
    }
    for (const [outputId, [value, description]] of Object.entries(outputs)) new CfnOutput(this, outputId, { value, description });
  }
}

/** CDK context keys of the OIDC mode (`cdk deploy -c matchcast:oidcIssuer=https://… …`): all three or none. */
export const OIDC_CONTEXT_KEYS = {
  issuer: 'matchcast:oidcIssuer',
  audience: 'matchcast:oidcAudience',
  jwksUrl: 'matchcast:oidcJwksUrl',
} as const;

/**
 * The `auth` prop from the CDK context of `scope` ({@link OIDC_CONTEXT_KEYS}): undefined when
 * none of the three keys is set, {@link OidcAuth} when all three are.
 * @throws Error naming the missing keys when only some are set, or the key whose value is
 *   invalid (not an https URL, empty).
 */
export function oidcAuthFromContext(scope: Construct): OidcAuth | undefined {
  const values = Object.fromEntries(
    Object.entries(OIDC_CONTEXT_KEYS).map(([field, key]) => [field, scope.node.tryGetContext(key) as unknown]),
  ) as Record<keyof OidcAuth, unknown>;
  const set = (Object.keys(OIDC_CONTEXT_KEYS) as Array<keyof OidcAuth>).filter((f) => values[f] !== undefined && values[f] !== null);
  if (set.length === 0) return undefined;
  if (set.length < 3) {
    const missing = (Object.keys(OIDC_CONTEXT_KEYS) as Array<keyof OidcAuth>).filter((f) => !set.includes(f)).map((f) => OIDC_CONTEXT_KEYS[f]);
    throw new Error(`OIDC context: set all of ${Object.values(OIDC_CONTEXT_KEYS).join(', ')} or none; missing ${missing.join(', ')}`);
  }
  try {
    return validateAuth('OIDC context', values as unknown as OidcAuth);
  } catch (e) {
    // Name the context key rather than the prop field.
    const message = (e as Error).message.replace(/auth\.(issuer|audience|jwksUrl)/, (_, f: keyof OidcAuth) => OIDC_CONTEXT_KEYS[f]);
    throw new Error(message);
  }
}

/** CDK context keys of the monitoring settings (`cdk deploy -c matchcast:alarmEmail=ops@example.com`); each optional. */
export const MONITORING_CONTEXT_KEYS = {
  alarmEmail: 'matchcast:alarmEmail',
  latenessP99ThresholdMs: 'matchcast:latenessP99ThresholdMs',
} as const;

/**
 * The `alarmEmail` and `latenessP99ThresholdMs` props from the CDK context of `scope`
 * ({@link MONITORING_CONTEXT_KEYS}); a key that is unset is left out. The CLI passes `-c`
 * values as strings, so the threshold is parsed as a number of milliseconds here ({@link Monitoring}
 * validates both).
 * @throws Error naming `matchcast:latenessP99ThresholdMs` when it is not a number, or
 *   `matchcast:alarmEmail` when it is not a string.
 */
export function monitoringFromContext(scope: Construct): Pick<MatchcastStackProps, 'alarmEmail' | 'latenessP99ThresholdMs'> {
  const email: unknown = scope.node.tryGetContext(MONITORING_CONTEXT_KEYS.alarmEmail);
  const threshold: unknown = scope.node.tryGetContext(MONITORING_CONTEXT_KEYS.latenessP99ThresholdMs);
  const out: { alarmEmail?: string; latenessP99ThresholdMs?: number } = {};
  if (email !== undefined && email !== null) {
    if (typeof email !== 'string') throw new Error(`${MONITORING_CONTEXT_KEYS.alarmEmail} must be an e-mail address, got ${JSON.stringify(email)}`);
    out.alarmEmail = email;
  }
  if (threshold !== undefined && threshold !== null) {
    const ms = typeof threshold === 'number' ? threshold : typeof threshold === 'string' && threshold.trim() !== '' ? Number(threshold) : NaN;
    if (!Number.isFinite(ms)) throw new Error(`${MONITORING_CONTEXT_KEYS.latenessP99ThresholdMs} must be a number of milliseconds, got ${JSON.stringify(threshold)}`);
    out.latenessP99ThresholdMs = ms;
  }
  return out;
}

/** `d` when it is a whole number of days ≥ 1 (S3 lifecycle expirations are in days); else an Error naming `accessLogsExpiration`. */
function validateAccessLogsExpiration(d: Duration): Duration {
  const days = d.isUnresolved() ? NaN : d.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`MatchcastStack: accessLogsExpiration must be a whole number of days ≥ 1, got ${d.toHumanString()}`);
  }
  return d;
}

/**
 * `n` when it is `false` or a positive integer; else an Error naming `tickReservedConcurrency`.
 * Whether the account can spare it (its limit − 100, AWS Lambda quotas) only the deployment can tell.
 */
function validateTickReservedConcurrency(n: number | false): number | false {
  if (n === false) return n;
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`MatchcastStack: tickReservedConcurrency must be false or a positive integer (at most the account's concurrency limit − 100, AWS Lambda quotas), got ${n}`);
  }
  return n;
}
