import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../lambda/adapters/config';
import { ROUTE_TARGETS, type RouteTarget } from '../lambda/core/routes';
import { MatchcastFunction } from './function';
import type { Tables } from './tables';
import { wholeSeconds } from './validation';

/** Route selection on the message's `action` field (PROTOCOL.md "Client → server"). */
export const ROUTE_SELECTION_EXPRESSION = '$request.body.action';
/** Where the `$connect` authorizer finds the JWT: `?token=` (PROTOCOL.md "Connecting"). */
export const TOKEN_IDENTITY_SOURCE = 'route.request.querystring.token';
/** API Gateway's integration timeout for WebSocket routes (29 s, an API Gateway quota). */
const INTEGRATION_TIMEOUT = Duration.seconds(29);
/** Stage names API Gateway accepts. */
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** Default-route throttling of the stage (requests per second, burst). */
export interface StageThrottle {
  /** Steady-state requests per second; a positive number. */
  readonly rateLimit: number;
  /** Burst bucket size; a positive integer. */
  readonly burstLimit: number;
}

/** Properties of {@link MatchcastWebSocketApi}. */
export interface MatchcastWebSocketApiProps {
  /** The tables the route functions use. */
  readonly tables: Tables;
  /** The recordings bucket (`rejoin` reads recordings back by byte range). */
  readonly bucket: s3.IBucket;
  /**
   * Stage name: the last path segment of the endpoint (`wss://…/{stageName}`). `[A-Za-z0-9_-]{1,128}`.
   * @default 'live'
   */
  readonly stageName?: string;
  /**
   * Default-route throttling of the stage.
   * @default { rateLimit: 1000, burstLimit: 500 }
   */
  readonly throttle?: StageThrottle;
  /**
   * How long a spectate stream with no clients lives on (tennis seed: 5 min). Whole seconds, ≥ 1 s.
   * @default Duration.minutes(5)
   */
  readonly idleTtl?: Duration;
  /**
   * Max viewers on one stream (DungeonGate `max_spectators_per_session`). A positive integer.
   * @default 1000
   */
  readonly maxClientsPerStream?: number;
}

/**
 * The API Gateway WebSocket API (DESIGN.md "AWS architecture"; PROTOCOL.md):
 * - route selection on `$request.body.action`;
 * - `$connect` behind a REQUEST Lambda authorizer (`authorize`, identity source
 *   `route.request.querystring.token`), which verifies an HS256 JWT against a secret the
 *   stack generates in Secrets Manager (`JWT_SECRET_ARN`);
 * - `$connect` → connect, `$disconnect` → disconnect, `$default` → control, and one route
 *   per action of lambda/core/routes.ts `ROUTE_TARGETS` → control or social;
 * - one auto-deployed stage with default-route throttling.
 *
 * Functions that post to clients get `CALLBACK_URL` and `execute-api:ManageConnections` on
 * this stage through {@link grantPostToConnections}.
 *
 * @throws Error naming the prop: `tables`, `bucket`, `stageName`, `throttle`, `idleTtl`,
 *   `maxClientsPerStream` when missing or out of range.
 */
export class MatchcastWebSocketApi extends Construct {
  public readonly api: apigwv2.WebSocketApi;
  public readonly stage: apigwv2.WebSocketStage;
  /** The HS256 JWT signing secret (64 characters, no punctuation). */
  public readonly jwtSecret: secretsmanager.Secret;
  public readonly authorizeFunction: MatchcastFunction;
  public readonly connectFunction: MatchcastFunction;
  public readonly disconnectFunction: MatchcastFunction;
  public readonly controlFunction: MatchcastFunction;
  public readonly socialFunction: MatchcastFunction;

  constructor(scope: Construct, id: string, props: MatchcastWebSocketApiProps) {
    super(scope, id);
    const v = validateProps(props);
    const { tables, bucket } = props;

    this.jwtSecret = new secretsmanager.Secret(this, 'JwtSecret', {
      description: 'HS256 signing key of matchcast connection tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    this.authorizeFunction = new MatchcastFunction(this, 'Authorize', {
      handlerName: 'authorize',
      timeout: Duration.seconds(10),
      environment: { [ENV.jwtSecretArn]: this.jwtSecret.secretArn },
    });
    this.jwtSecret.grantRead(this.authorizeFunction);

    this.connectFunction = new MatchcastFunction(this, 'Connect', {
      handlerName: 'connect',
      timeout: INTEGRATION_TIMEOUT,
      environment: tables.environment(),
    });
    tables.connections.grants.writeData(this.connectFunction);

    this.disconnectFunction = new MatchcastFunction(this, 'Disconnect', {
      handlerName: 'disconnect',
      timeout: INTEGRATION_TIMEOUT,
      environment: tables.environment(),
    });
    tables.grantSessionReadWrite(this.disconnectFunction);

    this.controlFunction = new MatchcastFunction(this, 'Control', {
      handlerName: 'control',
      memorySize: 512,
      timeout: INTEGRATION_TIMEOUT,
      environment: {
        ...tables.environment(),
        [ENV.recordingsBucket]: bucket.bucketName,
        [ENV.idleTtlSeconds]: String(v.idleTtlSeconds),
        [ENV.maxClientsPerStream]: String(v.maxClientsPerStream),
      },
    });
    tables.grantSessionReadWrite(this.controlFunction);
    tables.games.grants.readData(this.controlFunction);
    s3.BucketGrants.fromBucket(bucket).read(this.controlFunction);

    this.socialFunction = new MatchcastFunction(this, 'Social', {
      handlerName: 'social',
      timeout: INTEGRATION_TIMEOUT,
      environment: tables.environment(),
    });
    // Read to check membership; write because fan-out forgets connections that answer 410.
    tables.grantSessionReadWrite(this.socialFunction);

    const authorizer = new WebSocketLambdaAuthorizer('TokenAuthorizer', this.authorizeFunction, {
      identitySource: [TOKEN_IDENTITY_SOURCE],
    });
    const integrations: Record<RouteTarget, WebSocketLambdaIntegration> = {
      control: new WebSocketLambdaIntegration('ControlIntegration', this.controlFunction, { timeout: INTEGRATION_TIMEOUT }),
      social: new WebSocketLambdaIntegration('SocialIntegration', this.socialFunction, { timeout: INTEGRATION_TIMEOUT }),
    };

    this.api = new apigwv2.WebSocketApi(this, 'Api', {
      description: 'matchcast: stream stored game recordings over WebSocket',
      routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
      connectRouteOptions: {
        integration: new WebSocketLambdaIntegration('ConnectIntegration', this.connectFunction, { timeout: INTEGRATION_TIMEOUT }),
        authorizer,
      },
      disconnectRouteOptions: {
        integration: new WebSocketLambdaIntegration('DisconnectIntegration', this.disconnectFunction, { timeout: INTEGRATION_TIMEOUT }),
      },
      defaultRouteOptions: { integration: integrations.control },
    });
    for (const [routeKey, target] of Object.entries(ROUTE_TARGETS) as Array<[string, RouteTarget]>) {
      this.api.addRoute(routeKey, { integration: integrations[target] });
    }

    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: v.stageName,
      autoDeploy: true,
      throttle: v.throttle,
    });

    for (const fn of [this.disconnectFunction, this.controlFunction, this.socialFunction]) this.grantPostToConnections(fn);
  }

  /** The client endpoint, `wss://{api}.execute-api.{region}.amazonaws.com/{stage}`. */
  public get url(): string {
    return this.stage.url;
  }

  /** The management endpoint, `https://{api}.execute-api.{region}.amazonaws.com/{stage}`. */
  public get callbackUrl(): string {
    return this.stage.callbackUrl;
  }

  /**
   * Let `fn` post to, read and close this stage's connections: `execute-api:ManageConnections`
   * on `…/{stage}/*\/@connections/*` and env `CALLBACK_URL` = the stage's callback URL.
   */
  public grantPostToConnections(fn: lambda.Function): void {
    this.stage.grantManagementApiAccess(fn);
    fn.addEnvironment(ENV.callbackUrl, this.stage.callbackUrl);
  }
}

function validateProps(props: MatchcastWebSocketApiProps) {
  if (!props?.tables) throw new Error('MatchcastWebSocketApi: tables is required');
  if (!props.bucket) throw new Error('MatchcastWebSocketApi: bucket is required');
  const stageName = props.stageName ?? 'live';
  if (!STAGE_NAME.test(stageName)) {
    throw new Error(`MatchcastWebSocketApi: stageName must match ${STAGE_NAME} (API Gateway stage names), got "${stageName}"`);
  }
  const throttle = props.throttle ?? { rateLimit: 1000, burstLimit: 500 };
  if (!(throttle.rateLimit > 0) || !Number.isFinite(throttle.rateLimit)) {
    throw new Error(`MatchcastWebSocketApi: throttle.rateLimit must be a positive number, got ${throttle.rateLimit}`);
  }
  if (!Number.isInteger(throttle.burstLimit) || throttle.burstLimit < 1) {
    throw new Error(`MatchcastWebSocketApi: throttle.burstLimit must be a positive integer, got ${throttle.burstLimit}`);
  }
  const idleTtlSeconds = wholeSeconds('MatchcastWebSocketApi', 'idleTtl', props.idleTtl ?? Duration.minutes(5));
  const maxClientsPerStream = props.maxClientsPerStream ?? 1000;
  if (!Number.isInteger(maxClientsPerStream) || maxClientsPerStream < 1) {
    throw new Error(`MatchcastWebSocketApi: maxClientsPerStream must be a positive integer, got ${maxClientsPerStream}`);
  }
  return { stageName, throttle, idleTtlSeconds, maxClientsPerStream };
}
