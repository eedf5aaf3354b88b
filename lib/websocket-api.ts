import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DEFAULT_MAX_CLIENTS_PER_STREAM, DEFAULT_REACTION_WINDOW_MS, DEFAULT_SPECTATE_LEAD_MS, MAX_LEAD_MS } from '../contract/defaults';
import { ENV } from '../contract/env';
import { ROUTE_TARGETS, type RouteTarget } from '../lambda/core/routes';
import { BUCKET_NAMES, RATE_LIMITS, STREAM_SOCIAL_LIMITS, type BucketName, type BucketSpec } from '../lambda/core/rate-limit';
import { MatchcastFunction } from './function';
import { escapeRegex, JWT_SECRET_ROTATION_REASON, logicalIdOf, suppress, suppressWildcards } from './nag';
import { grantReadRecordings } from './recordings';
import type { Tables } from './tables';

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

/**
 * Per-route throttling of the WebSocket stage by default (requests per second and burst, over
 * all clients; API Gateway stage route settings, applied on top of the stage's default-route
 * `throttle`). `$connect` is the dearest message (the authorizer and the connect function,
 * and every new connection may start streams); `start`, `join`, `rejoin` create streams and
 * Player executions; `chat`, `react`, `input` fan out to a whole stream, so one route's flood
 * cannot use up what the others need. `ping` and `$disconnect` keep the stage default.
 */
export const DEFAULT_ROUTE_THROTTLES: Readonly<Record<string, StageThrottle>> = {
  $connect: { rateLimit: 100, burstLimit: 200 },
  start: { rateLimit: 50, burstLimit: 100 },
  join: { rateLimit: 100, burstLimit: 200 },
  rejoin: { rateLimit: 100, burstLimit: 200 },
  list: { rateLimit: 50, burstLimit: 100 },
  pause: { rateLimit: 100, burstLimit: 200 },
  resume: { rateLimit: 100, burstLimit: 200 },
  speed: { rateLimit: 100, burstLimit: 200 },
  seek: { rateLimit: 100, burstLimit: 200 },
  scrub: { rateLimit: 200, burstLimit: 400 },
  stop: { rateLimit: 100, burstLimit: 200 },
  chat: { rateLimit: 200, burstLimit: 400 },
  react: { rateLimit: 500, burstLimit: 1000 },
  input: { rateLimit: 500, burstLimit: 1000 },
};

/**
 * OIDC mode of the `$connect` authorizer: tokens are an identity provider's ID tokens
 * (RS256/ES256, Cognito or any OIDC IdP) verified against its JWKS, instead of HS256 tokens
 * signed with the stack's generated secret.
 */
export interface OidcAuth {
  /** The IdP's issuer (the tokens' `iss`), an https URL, e.g. `https://cognito-idp.{region}.amazonaws.com/{poolId}`. */
  readonly issuer: string;
  /** The audience the tokens must carry (`aud`: the client id at the IdP). A non-empty string. */
  readonly audience: string;
  /** The IdP's JSON Web Key Set, an https URL, e.g. `{issuer}/.well-known/jwks.json`. */
  readonly jwksUrl: string;
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
   * Per-route throttling of the stage, by route key (`$connect`, `$disconnect`, `$default` or
   * an action of lambda/core/routes.ts), merged over {@link DEFAULT_ROUTE_THROTTLES}; `false`
   * for a route leaves it at the stage's default-route `throttle`.
   * @default DEFAULT_ROUTE_THROTTLES
   */
  readonly routeThrottles?: Readonly<Record<string, StageThrottle | false>>;
  /**
   * Most connections attached to one stream (the control function refuses the next `start`/
   * `join` with `stream_full`). A positive integer.
   * @default DEFAULT_MAX_CLIENTS_PER_STREAM (contract/defaults.ts: 1000)
   */
  readonly maxClientsPerStream?: number;
  /**
   * Playout buffer (ms) of a recorded game's spectate stream (docs/PROTOCOL.md "Playout buffer
   * (1.1)"): its frames are sent up to this long before they are due, each with its `dueAt`,
   * and clients show them on time from their buffer. 0 sends nothing early. Player streams and
   * a live game's live stream never get one. An integer from 0 to 60,000. Passed as
   * `SPECTATE_LEAD_MS` to the control function (which creates streams) and, through
   * {@link MatchcastWebSocketApi.spectateLeadMs}, to the HTTP API's (scheduled streams).
   * @default DEFAULT_SPECTATE_LEAD_MS (contract/defaults.ts: 2000)
   */
  readonly spectateLeadMs?: number;
  /**
   * OIDC mode of the `$connect` authorizer: the authorize function gets `JWT_ISSUER`,
   * `JWT_AUDIENCE` and `JWKS_URL` and verifies the IdP's tokens; it then neither gets
   * `JWT_SECRET_ARN` nor may read the secret (which the stack still creates, for its output).
   * `issuer` and `jwksUrl` must be https URLs, `audience` a non-empty string.
   * @default - HS256 tokens signed with the stack-generated secret (`JWT_SECRET_ARN`)
   */
  readonly auth?: OidcAuth;
  /**
   * Retention of the stage's access log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;
  /**
   * Rate limits per user (across all the user's connections), by bucket kind: `chat`, `react`,
   * `input`, `control` (every control-route action but `ping`), `ping`; each `{ burst, perSecond }`
   * with `burst` ≥ 1 (messages at once) and `perSecond` > 0 (messages per second after it).
   * A kind left out keeps its default. Passed to the control and social functions as
   * `USER_RATE_LIMITS` (JSON).
   * @default RATE_LIMITS (lambda/core/rate-limit.ts: chat 5 then 1/s, react 10 then 5/s,
   *   input 20 then 10/s, control 10 then 2/s, ping 10 then 1/s; docs/SECURITY.md "Limits")
   */
  readonly rateLimits?: Partial<Record<BucketName, BucketSpec>>;
  /**
   * A stream's social budget, in posts (PostToConnection calls): a `chat` line or an `input`
   * relay costs the stream's audience. `{ burst, perSecond }` as for {@link rateLimits}.
   * Passed to the social function as `STREAM_SOCIAL_LIMITS` (JSON).
   * @default STREAM_SOCIAL_LIMITS (lambda/core/rate-limit.ts: 20,000 posts at once, then 2,000 per
   *   second — a fifth of the account's API Gateway throttle of 10,000 requests per second)
   */
  readonly streamSocialLimits?: BucketSpec;
  /**
   * Milliseconds over which a stream's reactions are summed into one `reactions` message; an
   * integer from 50 to 10,000. Passed to the social function as `REACTION_WINDOW_MS`.
   * @default DEFAULT_REACTION_WINDOW_MS (contract/defaults.ts: 1000)
   */
  readonly reactionWindowMs?: number;
}

/**
 * The API Gateway WebSocket API (docs/ARCHITECTURE.md "The pieces"; docs/PROTOCOL.md):
 * - route selection on `$request.body.action`;
 * - `$connect` behind a REQUEST Lambda authorizer (`authorize`, identity source
 *   `route.request.querystring.token`), which verifies an HS256 JWT against a secret the
 *   stack generates in Secrets Manager (`JWT_SECRET_ARN`), or with `auth` an OIDC IdP's
 *   tokens against its JWKS. Authorizer results are **not cached**: API Gateway offers no
 *   result cache for WebSocket authorizers (`AuthorizerResultTtlInSeconds` is HTTP-API only),
 *   and a cache keyed by the `token` query string would in any case be safe only for less
 *   than the token's remaining lifetime — every `$connect` runs the authorizer;
 * - `$connect` → connect, `$disconnect` → disconnect, `$default` → control, and one route
 *   per action of lambda/core/routes.ts `ROUTE_TARGETS` → control or social;
 * - one auto-deployed stage with default-route throttling and access logs (one line per
 *   connect, message and disconnect: caller IP, route, connection id, status, request id)
 *   in a log group kept one month by default. WebSocket access logging needs the account's
 *   API Gateway CloudWatch Logs role (a one-time setting per account and region).
 *
 * Functions that post to clients get `CALLBACK_URL` and `execute-api:ManageConnections` on
 * this stage through {@link grantPostToConnections}.
 *
 * The limits of docs/SECURITY.md "Limits" (`rateLimits`, `streamSocialLimits`,
 * `reactionWindowMs`) reach the control and social functions as USER_RATE_LIMITS,
 * STREAM_SOCIAL_LIMITS and REACTION_WINDOW_MS (contract/env.ts), set only when given.
 *
 * @throws Error naming the prop: `tables`, `bucket`, `stageName`, `throttle.rateLimit`,
 *   `throttle.burstLimit`, `maxClientsPerStream`, `spectateLeadMs`, `auth.issuer`, `auth.audience`,
 *   `auth.jwksUrl`, `rateLimits.{kind}.burst|perSecond`, `streamSocialLimits.burst|perSecond`,
 *   `reactionWindowMs` when missing or out of range.
 */
export class MatchcastWebSocketApi extends Construct {
  public readonly api: apigwv2.WebSocketApi;
  public readonly stage: apigwv2.WebSocketStage;
  /** The stage's access log group. */
  public readonly accessLogGroup: logs.LogGroup;
  /** The HS256 JWT signing secret (64 characters, no punctuation). */
  public readonly jwtSecret: secretsmanager.Secret;
  public readonly authorizeFunction: MatchcastFunction;
  public readonly connectFunction: MatchcastFunction;
  public readonly disconnectFunction: MatchcastFunction;
  public readonly controlFunction: MatchcastFunction;
  public readonly socialFunction: MatchcastFunction;
  /** The OIDC mode, validated (undefined: HS256 with {@link jwtSecret}); the HTTP API's authorizer follows it. */
  public readonly auth?: OidcAuth;
  /** The playout buffer (ms) of recorded games' spectate streams, validated (`spectateLeadMs` prop). */
  public readonly spectateLeadMs: number;

  constructor(scope: Construct, id: string, props: MatchcastWebSocketApiProps) {
    super(scope, id);
    const v = validateProps(props);
    const { tables, bucket } = props;
    this.auth = v.auth;
    this.spectateLeadMs = v.spectateLeadMs;

    this.jwtSecret = new secretsmanager.Secret(this, 'JwtSecret', {
      description: 'HS256 signing key of matchcast connection tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    suppress(
      this.jwtSecret,
      'SMG4',
      JWT_SECRET_ROTATION_REASON,
    );

    this.authorizeFunction = new MatchcastFunction(this, 'Authorize', {
      handlerName: 'authorize',
      timeout: Duration.seconds(10),
      environment: tokenVerifierEnvironment(v.auth, this.jwtSecret),
    });
    if (!v.auth) this.jwtSecret.grantRead(this.authorizeFunction);

    this.connectFunction = new MatchcastFunction(this, 'Connect', {
      handlerName: 'connect',
      timeout: INTEGRATION_TIMEOUT,
      environment: tables.environment(),
    });
    tables.grantTableAccess(this.connectFunction);

    this.disconnectFunction = new MatchcastFunction(this, 'Disconnect', {
      handlerName: 'disconnect',
      timeout: INTEGRATION_TIMEOUT,
      environment: tables.environment(),
    });
    tables.grantTableAccess(this.disconnectFunction);

    this.controlFunction = new MatchcastFunction(this, 'Control', {
      handlerName: 'control',
      memorySize: 512,
      timeout: INTEGRATION_TIMEOUT,
      environment: {
        ...tables.environment(),
        [ENV.recordingsBucket]: bucket.bucketName,
        [ENV.maxClientsPerStream]: String(v.maxClientsPerStream),
        [ENV.spectateLeadMs]: String(v.spectateLeadMs),
        ...v.limitsEnvironment.control,
      },
    });
    tables.grantTableAccess(this.controlFunction);
    // `rejoin` reads recordings back by byte range.
    grantReadRecordings(bucket, this.controlFunction);

    this.socialFunction = new MatchcastFunction(this, 'Social', {
      handlerName: 'social',
      timeout: INTEGRATION_TIMEOUT,
      environment: { ...tables.environment(), ...v.limitsEnvironment.social },
    });
    // Read to check membership; write because fan-out forgets connections that answer 410.
    tables.grantTableAccess(this.socialFunction);

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
    for (const route of this.api.node.findAll()) {
      if (!(route instanceof apigwv2.CfnRoute) || route.routeKey === '$connect') continue;
      suppress(
        route,
        'APIG4',
        'API Gateway WebSocket APIs accept an authorizer on the $connect route only. The connection is authenticated once, at $connect (REQUEST authorizer on ?token=); every later message arrives on that authenticated connection, and the handlers act as the userId the authorizer put in the connection row.',
      );
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: v.stageName,
      autoDeploy: true,
      throttle: v.throttle,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup) },
    });
    // Route settings name route keys, so they wait for the routes (CloudFormation: a route
    // setting of a key the deployment does not have fails the stage).
    const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      Object.entries(v.routeThrottles).map(([routeKey, t]) => [routeKey, { ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit }]),
    );
    for (const route of this.api.node.findAll()) if (route instanceof apigwv2.CfnRoute) cfnStage.addResourceDependency(route);

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
    // Partition, region and account are tokens or concrete values depending on the stack's env.
    const stage = escapeRegex(this.stage.stageName);
    suppressWildcards(
      fn,
      'execute-api:ManageConnections is authorized on `{api}/{stage}/{method}/@connections/{connectionId}`: the wildcards are the HTTP method (POST to send, GET to read, DELETE to close) and the connection id, which API Gateway assigns at run time. The API and stage are this stack\'s own.',
      [{ regex: new RegExp(`^Resource::arn:.+:execute-api:.+:<${escapeRegex(logicalIdOf(this.api))}>\\/${stage}\\/\\*\\/@connections\\/\\*$`) }],
    );
  }
}

function validateProps(props: MatchcastWebSocketApiProps) {
  if (!props?.tables) throw new Error('MatchcastWebSocketApi: tables is required');
  if (!props.bucket) throw new Error('MatchcastWebSocketApi: bucket is required');
  const stageName = props.stageName ?? 'live';
  if (!STAGE_NAME.test(stageName)) {
    throw new Error(`MatchcastWebSocketApi: stageName must match ${STAGE_NAME} (API Gateway stage names), got "${stageName}"`);
  }
  const throttle = validateThrottle('MatchcastWebSocketApi', props.throttle ?? { rateLimit: 1000, burstLimit: 500 });
  const maxClientsPerStream = props.maxClientsPerStream ?? DEFAULT_MAX_CLIENTS_PER_STREAM;
  if (!Number.isInteger(maxClientsPerStream) || maxClientsPerStream < 1) {
    throw new Error(`MatchcastWebSocketApi: maxClientsPerStream must be a positive integer, got ${maxClientsPerStream}`);
  }
  const spectateLeadMs = props.spectateLeadMs ?? DEFAULT_SPECTATE_LEAD_MS;
  if (!Number.isInteger(spectateLeadMs) || spectateLeadMs < 0 || spectateLeadMs > MAX_LEAD_MS) {
    throw new Error(`MatchcastWebSocketApi: spectateLeadMs must be an integer from 0 to ${MAX_LEAD_MS} (ms), got ${spectateLeadMs}`);
  }
  return { stageName, throttle, maxClientsPerStream, spectateLeadMs, routeThrottles: validateRouteThrottles(props.routeThrottles), auth: validateAuth('MatchcastWebSocketApi', props.auth), limitsEnvironment: validateLimits('MatchcastWebSocketApi', props) };
}

/**
 * `overrides` merged over {@link DEFAULT_ROUTE_THROTTLES} (`false` drops a route), each checked
 * by {@link validateThrottle}. Throws an Error naming `routeThrottles.<routeKey>` for a key that
 * is not a route of the API or an invalid throttle.
 */
function validateRouteThrottles(overrides: Readonly<Record<string, StageThrottle | false>> = {}): Record<string, StageThrottle> {
  const keys = new Set(['$connect', '$disconnect', '$default', ...Object.keys(ROUTE_TARGETS)]);
  const out: Record<string, StageThrottle> = { ...DEFAULT_ROUTE_THROTTLES };
  for (const [routeKey, t] of Object.entries(overrides)) {
    if (!keys.has(routeKey)) throw new Error(`MatchcastWebSocketApi: routeThrottles.${routeKey} is not a route key (${[...keys].join(', ')})`);
    if (t === false) delete out[routeKey];
    else out[routeKey] = validateThrottle(`MatchcastWebSocketApi: routeThrottles.${routeKey}`, t);
  }
  return out;
}

/**
 * The limit props checked (`rateLimits.{kind}.burst|perSecond`, `streamSocialLimits.burst|perSecond`,
 * `reactionWindowMs`) and turned into the functions' environment: only the props given are
 * set, so a function without them uses the defaults of lambda/core/rate-limit.ts and
 * contract/defaults.ts. Throws an Error naming the prop.
 */
export function validateLimits(
  owner: string,
  props: Pick<MatchcastWebSocketApiProps, 'rateLimits' | 'streamSocialLimits' | 'reactionWindowMs'>,
): { control: Record<string, string>; social: Record<string, string> } {
  const checkSpec = (name: string, spec: BucketSpec | undefined): void => {
    if (spec === null || typeof spec !== 'object') throw new Error(`${owner}: ${name} must be { burst, perSecond }, got ${String(spec)}`);
    if (!(spec.burst >= 1) || !Number.isFinite(spec.burst)) throw new Error(`${owner}: ${name}.burst must be a number ≥ 1, got ${spec.burst}`);
    if (!(spec.perSecond > 0) || !Number.isFinite(spec.perSecond)) throw new Error(`${owner}: ${name}.perSecond must be a positive number, got ${spec.perSecond}`);
  };
  const control: Record<string, string> = {};
  const social: Record<string, string> = {};
  if (props.rateLimits !== undefined) {
    if (props.rateLimits === null || typeof props.rateLimits !== 'object') throw new Error(`${owner}: rateLimits must be an object of bucket kinds, got ${String(props.rateLimits)}`);
    for (const [kind, spec] of Object.entries(props.rateLimits)) {
      if (!(BUCKET_NAMES as string[]).includes(kind)) throw new Error(`${owner}: rateLimits.${kind} is not a bucket kind (${BUCKET_NAMES.join(', ')})`);
      checkSpec(`rateLimits.${kind}`, spec);
    }
    const json = JSON.stringify({ ...RATE_LIMITS, ...props.rateLimits });
    control[ENV.userRateLimits] = json;
    social[ENV.userRateLimits] = json;
  }
  if (props.streamSocialLimits !== undefined) {
    checkSpec('streamSocialLimits', props.streamSocialLimits);
    social[ENV.streamSocialLimits] = JSON.stringify({ ...STREAM_SOCIAL_LIMITS, ...props.streamSocialLimits });
  }
  if (props.reactionWindowMs !== undefined) {
    const w = props.reactionWindowMs;
    if (!Number.isInteger(w) || w < 50 || w > 10_000) throw new Error(`${owner}: reactionWindowMs must be an integer from 50 to 10000 (ms), got ${w} (default ${DEFAULT_REACTION_WINDOW_MS})`);
    social[ENV.reactionWindowMs] = String(w);
  }
  return { control, social };
}

/**
 * The environment of a function that verifies access tokens (lambda/adapters/identity.ts):
 * `JWT_ISSUER`, `JWT_AUDIENCE`, `JWKS_URL` in OIDC mode, else `JWT_SECRET_ARN` of `secret`
 * (which the caller then grants read).
 */
export function tokenVerifierEnvironment(auth: OidcAuth | undefined, secret: secretsmanager.ISecret): Record<string, string> {
  return auth
    ? { [ENV.jwtIssuer]: auth.issuer, [ENV.jwtAudience]: auth.audience, [ENV.jwksUrl]: auth.jwksUrl }
    : { [ENV.jwtSecretArn]: secret.secretArn };
}

/**
 * A stage's throttle checked: `rateLimit` a positive number, `burstLimit` a positive integer.
 * Returns it; throws an Error naming `throttle.rateLimit` / `throttle.burstLimit`.
 */
export function validateThrottle(owner: string, throttle: StageThrottle): StageThrottle {
  if (!(throttle.rateLimit > 0) || !Number.isFinite(throttle.rateLimit)) {
    throw new Error(`${owner}: throttle.rateLimit must be a positive number, got ${throttle.rateLimit}`);
  }
  if (!Number.isInteger(throttle.burstLimit) || throttle.burstLimit < 1) {
    throw new Error(`${owner}: throttle.burstLimit must be a positive integer, got ${throttle.burstLimit}`);
  }
  return throttle;
}

/**
 * `auth` checked: `issuer` and `jwksUrl` https URLs, `audience` a non-empty string (tokens,
 * e.g. from CloudFormation parameters, are accepted as they are). Throws an Error naming the
 * field (`auth.issuer`, `auth.audience`, `auth.jwksUrl`).
 */
export function validateAuth(owner: string, auth: OidcAuth | undefined): OidcAuth | undefined {
  if (auth === undefined) return undefined;
  if (auth === null || typeof auth !== 'object') throw new Error(`${owner}: auth must be { issuer, audience, jwksUrl }, got ${String(auth)}`);
  const httpsUrl = (field: 'issuer' | 'jwksUrl') => {
    const value: unknown = auth[field];
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`${owner}: auth.${field} must be a non-empty https URL, got ${JSON.stringify(value)}`);
    if (Token.isUnresolved(value)) return;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`${owner}: auth.${field} must be an https URL, got "${value}"`);
    }
    if (url.protocol !== 'https:' || url.hostname === '') throw new Error(`${owner}: auth.${field} must be an https URL, got "${value}"`);
  };
  httpsUrl('issuer');
  httpsUrl('jwksUrl');
  if (typeof auth.audience !== 'string' || auth.audience.trim() === '') {
    throw new Error(`${owner}: auth.audience must be a non-empty string, got ${JSON.stringify(auth.audience)}`);
  }
  return { issuer: auth.issuer, audience: auth.audience, jwksUrl: auth.jwksUrl };
}
