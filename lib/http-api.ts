import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV } from '../contract/env';
import { HTTP_ROUTE_KEYS } from '../lambda/core/http-api';
import { MatchcastFunction } from './function';
import { grantReadRecordings, grantWriteLiveChunks } from './recordings';
import type { Tables } from './tables';
import { tokenVerifierEnvironment, validateAuth, validateThrottle, type MatchcastWebSocketApi, type OidcAuth, type StageThrottle } from './websocket-api';

/** Where the HTTP API's authorizer finds the JWT (docs/HTTP-API.md "Authentication"). */
export const HTTP_TOKEN_IDENTITY_SOURCE = '$request.header.Authorization';

/** Properties of {@link MatchcastHttpApi}. */
export interface MatchcastHttpApiProps {
  /** The tables the routes use (Games for live games, Streams and Connections for streams and fan-out). */
  readonly tables: Tables;
  /** The recordings bucket: live games' chunks are written under `live/`. */
  readonly bucket: s3.IBucket;
  /** The WebSocket API: published events are fanned out to its connections; its secret signs tokens. */
  readonly webSocket: MatchcastWebSocketApi;
  /**
   * OIDC mode of the authorizer.
   * @default - the WebSocket API's (`webSocket.auth`, already validated there): its OIDC mode,
   *   or HS256 tokens signed with its secret
   */
  readonly auth?: OidcAuth;
  /**
   * Throttling of the `$default` stage.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly throttle?: StageThrottle;
  /**
   * Retention of the access log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;
}

/**
 * How long API Gateway caches the HTTP API authorizer's answer for one bearer token, in
 * **seconds** (`AuthorizerResultTtlInSeconds`). A publisher posts many events a second with one
 * token, so each need not invoke the authorizer; the price is that a token stays accepted up to
 * this long after its `exp`. docs/SECURITY.md "Secrets and tokens" states the same number
 * (test/lib/secrets.test.ts holds the two together).
 */
export const HTTP_AUTHORIZER_CACHE_SECONDS = 60;

/**
 * The HTTP API of publishers and operators (docs/HTTP-API.md): an API Gateway HTTP
 * API whose every route ({@link HTTP_ROUTE_KEYS}: live games, scheduled streams, and the
 * operator's `/operator/streams…` routes) goes to one function
 * (`lambda/handlers/http-api.ts`) behind a Lambda authorizer (`http-authorize`, simple
 * responses, the bearer token of `Authorization`, cached {@link HTTP_AUTHORIZER_CACHE_SECONDS} s per
 * token). The routes check the token's roles (`publisher`, `operator`) themselves. The function
 * reads and writes the Streams and Connections tables (the operator lists a stream's viewers on
 * `byStream`; lib/tables.ts `TABLE_ACCESS` lists its actions); the stack makes it a controller
 * of the Player workflow (start, stop, describe executions).
 *
 * @throws Error naming `tables`, `bucket` or `webSocket` when missing, `throttle.*` or `auth.*` when invalid.
 */
export class MatchcastHttpApi extends Construct {
  public readonly api: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly authorizeFunction: MatchcastFunction;
  public readonly routeFunction: MatchcastFunction;
  public readonly accessLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: MatchcastHttpApiProps) {
    super(scope, id);
    if (!props?.tables) throw new Error('MatchcastHttpApi: tables is required');
    if (!props.bucket) throw new Error('MatchcastHttpApi: bucket is required');
    if (!props.webSocket) throw new Error('MatchcastHttpApi: webSocket is required');
    const throttle = validateThrottle('MatchcastHttpApi', props.throttle ?? { rateLimit: 100, burstLimit: 200 });
    const auth = props.auth === undefined ? props.webSocket.auth : validateAuth('MatchcastHttpApi', props.auth);
    const { tables, bucket, webSocket } = props;

    this.authorizeFunction = new MatchcastFunction(this, 'Authorize', {
      handlerName: 'http-authorize',
      environment: tokenVerifierEnvironment(auth, webSocket.jwtSecret),
    });
    if (!auth) webSocket.jwtSecret.grantRead(this.authorizeFunction);

    this.routeFunction = new MatchcastFunction(this, 'Routes', {
      handlerName: 'http-api',
      memorySize: 512,
      timeout: Duration.seconds(29),
      // Scheduled streams get the same playout buffer as the spectate streams viewers start.
      environment: { ...tables.environment(), [ENV.recordingsBucket]: bucket.bucketName, [ENV.spectateLeadMs]: String(webSocket.spectateLeadMs) },
    });
    tables.grantTableAccess(this.routeFunction);
    grantReadRecordings(bucket, this.routeFunction);
    grantWriteLiveChunks(bucket, this.routeFunction);
    webSocket.grantPostToConnections(this.routeFunction);

    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'matchcast: live game ingest and scheduled streams',
      createDefaultStage: false,
      defaultAuthorizer: new HttpLambdaAuthorizer('TokenAuthorizer', this.authorizeFunction, {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: [HTTP_TOKEN_IDENTITY_SOURCE],
        resultsCacheTtl: Duration.seconds(HTTP_AUTHORIZER_CACHE_SECONDS),
      }),
    });
    const integration = new HttpLambdaIntegration('RoutesIntegration', this.routeFunction);
    for (const key of HTTP_ROUTE_KEYS) {
      const [method, path] = key.split(' ') as [keyof typeof apigwv2.HttpMethod, string];
      this.api.addRoutes({ path, methods: [apigwv2.HttpMethod[method]], integration });
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup) },
    });
  }

  /** The base URL of the API, `https://{api}.execute-api.{region}.amazonaws.com/`. */
  public get url(): string {
    return this.stage.url;
  }
}
