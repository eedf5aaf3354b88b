/**
 * Pure readers of the synthesized CloudFormation template (local/synth.ts `synthTemplate`):
 * everything local mode needs — tables, functions and their environment, the WebSocket
 * routes and authorizer, the Player state machine, the S3 notification, schedules, outputs —
 * taken from the very template `cdk deploy` uses, so local and deployed resources cannot drift.
 *
 * Intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`)
 * are resolved by {@link resolve} against a caller-supplied {@link Resolver}, which maps a
 * logical id (and attribute) to its local value: a table logical id → the local table name,
 * a function logical id → `arn:aws:lambda:us-east-1:000000000000:function:<name>`, and the
 * pseudo parameters `AWS::Region`, `AWS::AccountId`, `AWS::Partition`, `AWS::URLSuffix`.
 *
 * Every function here throws an `Error` with a message naming the resource when the
 * template does not have the shape the matchcast constructs (lib/) synthesize.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** A CloudFormation template as JSON. */
export type Template = Record<string, any>;

/**
 * Maps a logical id (or a pseudo parameter such as `AWS::Region`) and, for `Fn::GetAtt`,
 * an attribute (`Arn`, `Name`, …; undefined for `Ref`) to its local value. Returning
 * undefined means "unknown": {@link resolve} then throws naming the reference.
 */
export type Resolver = (logicalId: string, attribute?: string) => unknown;

/** The metadata key lib/function.ts puts on every matchcast function resource. */
export const ENTRY_METADATA_KEY = 'matchcast:entry';
/** The metadata key CDK puts on every resource (when path metadata is enabled). */
const PATH_METADATA_KEY = 'aws:cdk:path';

interface Resource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
}

function resourcesOf(template: Template): Record<string, Resource> {
  const r = template?.Resources;
  if (!r || typeof r !== 'object') throw new Error('template has no Resources section');
  return r as Record<string, Resource>;
}

function byType(template: Template, type: string): Array<[string, Resource]> {
  return Object.entries(resourcesOf(template)).filter(([, r]) => r.Type === type);
}

// ---------------------------------------------------------------------------------------
// Intrinsic functions

/**
 * `value` with every intrinsic function replaced by its local value: objects and arrays
 * recursively, `Ref`, `Fn::GetAtt` (array or `"Id.Attr"` form), `Fn::Join`, `Fn::Sub`
 * (string or `[string, variables]`, `${!Literal}` escapes), `Fn::Select`, `Fn::Split`,
 * `Fn::Base64`. Throws on an unknown reference (the resolver returned undefined) and on
 * intrinsics matchcast's template does not use (`Fn::If`, `Fn::ImportValue`, …).
 */
export function resolve(value: unknown, resolver: Resolver): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, resolver));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    return resolveIntrinsic(keys[0], obj[keys[0]], resolver);
  }
  return Object.fromEntries(keys.map((k) => [k, resolve(obj[k], resolver)]));
}

function lookup(resolver: Resolver, logicalId: string, attribute?: string): unknown {
  const v = resolver(logicalId, attribute);
  if (v === undefined) {
    throw new Error(attribute === undefined ? `cannot resolve { Ref: ${logicalId} }` : `cannot resolve { Fn::GetAtt: [${logicalId}, ${attribute}] }`);
  }
  return v;
}

function resolveIntrinsic(fn: string, arg: unknown, resolver: Resolver): unknown {
  switch (fn) {
    case 'Ref':
      if (typeof arg !== 'string') throw new Error(`Ref takes a logical id, got ${JSON.stringify(arg)}`);
      return lookup(resolver, arg);
    case 'Fn::GetAtt': {
      const [id, ...attr] = typeof arg === 'string' ? arg.split('.') : (arg as string[]);
      if (typeof id !== 'string' || attr.length === 0) throw new Error(`Fn::GetAtt takes [logicalId, attribute], got ${JSON.stringify(arg)}`);
      return lookup(resolver, id, attr.join('.'));
    }
    case 'Fn::Join': {
      const [sep, list] = arg as [string, unknown];
      const items = resolve(list, resolver);
      if (typeof sep !== 'string' || !Array.isArray(items)) throw new Error(`Fn::Join takes [separator, list], got ${JSON.stringify(arg)}`);
      return items.map((i) => String(i)).join(sep);
    }
    case 'Fn::Sub': {
      const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
      if (typeof text !== 'string') throw new Error(`Fn::Sub takes a string or [string, variables], got ${JSON.stringify(arg)}`);
      const local = resolve(vars ?? {}, resolver) as Record<string, unknown>;
      return text.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
        if (name.startsWith('!')) return `\${${name.slice(1)}}`;
        if (name in local) return String(local[name]);
        const dot = name.indexOf('.');
        return String(dot < 0 ? lookup(resolver, name) : lookup(resolver, name.slice(0, dot), name.slice(dot + 1)));
      });
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      const items = resolve(list, resolver);
      const i = Number(resolve(index, resolver));
      if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
        throw new Error(`Fn::Select index ${String(index)} out of range of ${JSON.stringify(items)}`);
      }
      return items[i];
    }
    case 'Fn::Split': {
      const [sep, text] = arg as [string, unknown];
      return String(resolve(text, resolver)).split(sep);
    }
    case 'Fn::Base64':
      return Buffer.from(String(resolve(arg, resolver)), 'utf8').toString('base64');
    default:
      throw new Error(`unsupported intrinsic function ${fn} (local mode resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::Base64)`);
  }
}

/** Every logical id `value` references through `Ref`, `Fn::GetAtt` or `Fn::Sub` (pseudo parameters excluded). */
export function referencedLogicalIds(value: unknown): string[] {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'Ref' && typeof x === 'string') out.add(x);
      else if (k === 'Fn::GetAtt') out.add(typeof x === 'string' ? x.split('.')[0] : String((x as unknown[])[0]));
      else if (k === 'Fn::Sub') {
        const text = typeof x === 'string' ? x : (x as unknown[])[0];
        for (const m of String(text).matchAll(/\$\{([^!}][^}.]*)[^}]*\}/g)) out.add(m[1]);
        if (Array.isArray(x)) visit(x[1]);
      } else visit(x);
    }
  };
  visit(value);
  return [...out].filter((id) => !id.startsWith('AWS::'));
}

// ---------------------------------------------------------------------------------------
// Tables

/** One DynamoDB table of the template, ready for `CreateTable` against a local endpoint. */
export interface TableDefinition {
  readonly logicalId: string;
  /** The construct id (`Connections`, `Streams`, `Games`), from the `aws:cdk:path` metadata. */
  readonly localName: string;
  /** KeySchema, AttributeDefinitions, GSIs, BillingMode (+ ProvisionedThroughput, StreamSpecification when set); `TableName` = localName. */
  readonly input: CreateTableCommandInput;
  /** The TTL attribute (epoch seconds), when TTL is enabled. */
  readonly ttlAttribute?: string;
}

/** The construct id of a resource: the path segment before `Resource` in `aws:cdk:path`. */
function constructId(logicalId: string, r: Resource): string {
  const path = r.Metadata?.[PATH_METADATA_KEY];
  if (typeof path !== 'string') {
    throw new Error(`${logicalId} has no ${PATH_METADATA_KEY} metadata (synthesize with path metadata enabled)`);
  }
  const parts = path.split('/');
  const last = parts[parts.length - 1];
  return last === 'Resource' || last === 'Default' ? parts[parts.length - 2] : last;
}

/**
 * The template's DynamoDB tables as `CreateTable` inputs. Only literal (unresolved-free)
 * key and index definitions are supported, which is what lib/tables.ts synthesizes.
 */
export function tableDefinitions(template: Template): TableDefinition[] {
  return byType(template, 'AWS::DynamoDB::Table').map(([logicalId, r]) => {
    const p = r.Properties ?? {};
    const localName = constructId(logicalId, r);
    if (!Array.isArray(p.KeySchema) || !Array.isArray(p.AttributeDefinitions)) {
      throw new Error(`table ${logicalId} has no KeySchema/AttributeDefinitions`);
    }
    const billingMode = p.BillingMode ?? 'PROVISIONED';
    const provisioned = billingMode === 'PROVISIONED';
    const gsis = (p.GlobalSecondaryIndexes ?? []) as Array<Record<string, any>>;
    const input: CreateTableCommandInput = {
      TableName: localName,
      KeySchema: p.KeySchema,
      AttributeDefinitions: p.AttributeDefinitions,
      BillingMode: billingMode,
      ...(provisioned ? { ProvisionedThroughput: p.ProvisionedThroughput ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } : {}),
      ...(gsis.length > 0
        ? {
            GlobalSecondaryIndexes: gsis.map((g) => ({
              IndexName: g.IndexName,
              KeySchema: g.KeySchema,
              Projection: g.Projection,
              ...(provisioned ? { ProvisionedThroughput: g.ProvisionedThroughput ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } : {}),
            })),
          }
        : {}),
      ...(p.StreamSpecification?.StreamViewType
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: p.StreamSpecification.StreamViewType } }
        : {}),
    };
    const ttl = p.TimeToLiveSpecification;
    return { logicalId, localName, input, ...(ttl?.Enabled && ttl.AttributeName ? { ttlAttribute: String(ttl.AttributeName) } : {}) };
  });
}

// ---------------------------------------------------------------------------------------
// Functions

/** One matchcast Lambda function (those with `matchcast:entry` metadata). */
export interface FunctionDefinition {
  readonly logicalId: string;
  /** The handler module name, e.g. `tick` (entry file name without `.ts`). */
  readonly name: string;
  /** The entry module relative to the project root, e.g. `lambda/handlers/tick.ts`. */
  readonly entry: string;
  /** Lambda timeout in seconds (CloudFormation default 3). */
  readonly timeoutSeconds: number;
  /** Memory in MB (CloudFormation default 128). */
  readonly memoryMb: number;
  /**
   * Environment variables, unresolved (pass each value through {@link resolve}). A state
   * machine ARN formatted from its name (what the tick gets, to avoid a circular reference)
   * is given as `{ Ref: <state machine logical id> }`, so a resolver maps it like any other.
   */
  readonly environment: Record<string, unknown>;
}

/** The matchcast functions of the template (CDK's own helper functions are left out). */
export function functions(template: Template): FunctionDefinition[] {
  const machines = byType(template, 'AWS::StepFunctions::StateMachine')
    .filter(([, r]) => typeof r.Properties?.StateMachineName === 'string')
    .map(([id, r]) => [String(r.Properties?.StateMachineName), id] as const);
  const machineByName = new Map(machines);
  return byType(template, 'AWS::Lambda::Function')
    .filter(([, r]) => typeof r.Metadata?.[ENTRY_METADATA_KEY] === 'string')
    .map(([logicalId, r]) => {
      const entry = String(r.Metadata?.[ENTRY_METADATA_KEY]);
      const p = r.Properties ?? {};
      const vars = (p.Environment?.Variables ?? {}) as Record<string, unknown>;
      const environment = Object.fromEntries(
        Object.entries(vars).map(([k, v]) => [k, asStateMachineRef(v, machineByName) ?? v]),
      );
      return {
        logicalId,
        name: entry.replace(/^.*\//, '').replace(/\.[cm]?[jt]s$/, ''),
        entry,
        timeoutSeconds: Number(p.Timeout ?? 3),
        memoryMb: Number(p.MemorySize ?? 128),
        environment,
      };
    });
}

/** `{ Ref: id }` when `v` formats the ARN of the template's state machine `id` from its name. */
function asStateMachineRef(v: unknown, machineByName: Map<string, string>): { Ref: string } | undefined {
  if (machineByName.size === 0 || v === null || typeof v !== 'object') return undefined;
  let text: unknown;
  try {
    text = resolve(v, (id) => (id.startsWith('AWS::') ? 'x' : undefined));
  } catch {
    return undefined; // references a resource: not a formatted ARN
  }
  const m = /^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:([^:]+)$/.exec(String(text));
  const id = m ? machineByName.get(m[1]) : undefined;
  return id ? { Ref: id } : undefined;
}

// ---------------------------------------------------------------------------------------
// WebSocket API

/** The WebSocket API of the template. */
export interface WebSocketApiDefinition {
  readonly apiLogicalId: string;
  readonly stageLogicalId: string;
  /** E.g. `$request.body.action`. */
  readonly routeSelectionExpression: string;
  readonly stageName: string;
  /** Every route (`$connect`, `$disconnect`, `$default`, and one per action), sorted by routeKey. */
  readonly routes: Array<{ routeKey: string; functionLogicalId: string }>;
  /** The REQUEST authorizer of `$connect`, when there is one. */
  readonly authorizer?: { functionLogicalId: string; identitySource: string[] };
  /** Default-route throttling of the stage, when set. */
  readonly throttle?: { burstLimit?: number; rateLimit?: number };
}

/** The one Lambda function `expr` references (an integration or authorizer URI). */
function functionIn(template: Template, expr: unknown, what: string): string {
  const resources = resourcesOf(template);
  const fns = referencedLogicalIds(expr).filter((id) => resources[id]?.Type === 'AWS::Lambda::Function');
  if (fns.length !== 1) throw new Error(`${what} references ${fns.length} Lambda functions, expected 1`);
  return fns[0];
}

/**
 * The routes of API `apiLogicalId`, sorted by routeKey: each with the Lambda function its
 * integration invokes and, for `CUSTOM` authorization, its authorizer resource. Throws
 * naming the route when its integration or authorizer is missing.
 */
function apiRoutes(template: Template, apiLogicalId: string): Array<{ routeKey: string; functionLogicalId: string; auth?: { id: string; resource: Resource } }> {
  const resources = resourcesOf(template);
  return byType(template, 'AWS::ApiGatewayV2::Route')
    .filter(([, r]) => referencedLogicalIds(r.Properties?.ApiId).includes(apiLogicalId))
    .map(([routeId, r]) => {
      const p = r.Properties ?? {};
      const integrationId = referencedLogicalIds(p.Target).find((id) => resources[id]?.Type === 'AWS::ApiGatewayV2::Integration');
      if (!integrationId) throw new Error(`route ${routeId} (${p.RouteKey}) has no integration target`);
      const functionLogicalId = functionIn(template, resources[integrationId].Properties?.IntegrationUri, `integration ${integrationId}`);
      if (p.AuthorizationType !== 'CUSTOM') return { routeKey: String(p.RouteKey), functionLogicalId };
      const id = referencedLogicalIds(p.AuthorizerId)[0];
      const resource = id ? resources[id] : undefined;
      if (!id || !resource || resource.Type !== 'AWS::ApiGatewayV2::Authorizer') throw new Error(`route ${routeId} has no authorizer resource`);
      return { routeKey: String(p.RouteKey), functionLogicalId, auth: { id, resource } };
    })
    .sort((a, b) => a.routeKey.localeCompare(b.routeKey));
}

/** The template's (single) WebSocket API, its stage, routes and `$connect` authorizer. */
export function webSocketApi(template: Template): WebSocketApiDefinition {
  const apis = byType(template, 'AWS::ApiGatewayV2::Api').filter(([, r]) => r.Properties?.ProtocolType === 'WEBSOCKET');
  if (apis.length !== 1) throw new Error(`expected one WebSocket API, found ${apis.length}`);
  const [apiLogicalId, api] = apis[0];
  const belongs = (r: Resource) => referencedLogicalIds(r.Properties?.ApiId).includes(apiLogicalId);
  const stages = byType(template, 'AWS::ApiGatewayV2::Stage').filter(([, r]) => belongs(r));
  if (stages.length !== 1) throw new Error(`expected one stage of ${apiLogicalId}, found ${stages.length}`);
  const [stageLogicalId, stage] = stages[0];

  let authorizer: WebSocketApiDefinition['authorizer'];
  const routes = apiRoutes(template, apiLogicalId).map(({ routeKey, functionLogicalId, auth }) => {
    if (auth) {
      if (routeKey !== '$connect') throw new Error(`route ${routeKey}: WebSocket authorizers apply to $connect only`);
      if (auth.resource.Properties?.AuthorizerType !== 'REQUEST') throw new Error(`authorizer ${auth.id} is not a REQUEST authorizer`);
      authorizer = {
        functionLogicalId: functionIn(template, auth.resource.Properties?.AuthorizerUri, `authorizer ${auth.id}`),
        identitySource: [...(auth.resource.Properties?.IdentitySource ?? [])],
      };
    }
    return { routeKey, functionLogicalId };
  });

  const rs = stage.Properties?.DefaultRouteSettings;
  return {
    apiLogicalId,
    stageLogicalId,
    routeSelectionExpression: String(api.Properties?.RouteSelectionExpression ?? '$request.body.action'),
    stageName: String(stage.Properties?.StageName),
    routes,
    ...(authorizer ? { authorizer } : {}),
    ...(rs && (rs.ThrottlingBurstLimit !== undefined || rs.ThrottlingRateLimit !== undefined)
      ? { throttle: { burstLimit: rs.ThrottlingBurstLimit, rateLimit: rs.ThrottlingRateLimit } }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------
// HTTP API

/** The template's HTTP API (live ingest and scheduled streams, lib/http-api.ts): its routes and Lambda authorizer. */
export interface HttpApiDefinition {
  readonly apiLogicalId: string;
  /** Every route (`POST /games/{gameId}/events`, …), sorted by routeKey. */
  readonly routes: Array<{ routeKey: string; functionLogicalId: string; authorized: boolean }>;
  /** The Lambda authorizer (payload 2.0). */
  readonly authorizer?: { functionLogicalId: string; identitySource: string[]; simpleResponses: boolean };
}

/** The template's HTTP API, or undefined when it has none. Throws when there is more than one. */
export function httpApi(template: Template): HttpApiDefinition | undefined {
  const apis = byType(template, 'AWS::ApiGatewayV2::Api').filter(([, r]) => r.Properties?.ProtocolType === 'HTTP');
  if (apis.length === 0) return undefined;
  if (apis.length !== 1) throw new Error(`expected at most one HTTP API, found ${apis.length}`);
  const [apiLogicalId] = apis[0];
  let authorizer: HttpApiDefinition['authorizer'];
  const routes = apiRoutes(template, apiLogicalId).map(({ routeKey, functionLogicalId, auth }) => {
    if (auth) {
      authorizer = {
        functionLogicalId: functionIn(template, auth.resource.Properties?.AuthorizerUri, `authorizer ${auth.id}`),
        identitySource: [...(auth.resource.Properties?.IdentitySource ?? [])],
        simpleResponses: auth.resource.Properties?.EnableSimpleResponses === true,
      };
    }
    return { routeKey, functionLogicalId, authorized: auth !== undefined };
  });
  return { apiLogicalId, routes, ...(authorizer ? { authorizer } : {}) };
}

// ---------------------------------------------------------------------------------------
// State machine

/** The template's state machine. */
export interface StateMachineDefinition {
  readonly logicalId: string;
  /** `StateMachineName` when the template sets one (lib/player-workflow.ts does). */
  readonly name?: string;
  /** The Amazon States Language definition with every `Ref`/`Fn::GetAtt` resolved. */
  readonly definition: Record<string, any>;
}

/**
 * The template's (single) state machine, its ASL parsed from `DefinitionString` (or
 * `Definition`) after resolving intrinsics and applying `DefinitionSubstitutions`.
 * Throws when there is not exactly one state machine or the definition is not JSON.
 */
export function stateMachine(template: Template, resolver: Resolver): StateMachineDefinition {
  const machines = byType(template, 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const [logicalId, r] = machines[0];
  const p = r.Properties ?? {};
  let definition: Record<string, any>;
  if (p.DefinitionString !== undefined) {
    let text = String(resolve(p.DefinitionString, resolver));
    const subs = resolve(p.DefinitionSubstitutions ?? {}, resolver) as Record<string, unknown>;
    for (const [k, v] of Object.entries(subs)) text = text.split(`\${${k}}`).join(String(v));
    try {
      definition = JSON.parse(text) as Record<string, any>;
    } catch (e) {
      throw new Error(`state machine ${logicalId}: DefinitionString is not JSON (${(e as Error).message})`);
    }
  } else if (p.Definition !== undefined) {
    definition = resolve(p.Definition, resolver) as Record<string, any>;
  } else {
    throw new Error(`state machine ${logicalId} has no definition`);
  }
  return { logicalId, ...(typeof p.StateMachineName === 'string' ? { name: p.StateMachineName } : {}), definition };
}

// ---------------------------------------------------------------------------------------
// S3 notifications, schedules, other resources

/** One S3 → Lambda notification. */
export interface BucketNotification {
  /** The bucket's logical id. */
  readonly bucketLogicalId: string;
  /** E.g. `s3:ObjectCreated:*`. */
  readonly events: string[];
  readonly prefix?: string;
  readonly suffix?: string;
  readonly functionLogicalId: string;
}

/** The Lambda notifications of the template's `Custom::S3BucketNotifications` resources. */
export function bucketNotifications(template: Template): BucketNotification[] {
  const resources = resourcesOf(template);
  return byType(template, 'Custom::S3BucketNotifications').flatMap(([id, r]) => {
    const bucketLogicalId = referencedLogicalIds(r.Properties?.BucketName).find((b) => resources[b]?.Type === 'AWS::S3::Bucket');
    if (!bucketLogicalId) throw new Error(`${id} names no bucket of this template`);
    const configs = (r.Properties?.NotificationConfiguration?.LambdaFunctionConfigurations ?? []) as Array<Record<string, any>>;
    return configs.map((c) => {
      const rules = (c.Filter?.Key?.FilterRules ?? []) as Array<{ Name: string; Value: string }>;
      const rule = (name: string) => rules.find((x) => x.Name.toLowerCase() === name)?.Value;
      const prefix = rule('prefix');
      const suffix = rule('suffix');
      return {
        bucketLogicalId,
        events: [...(c.Events ?? [])],
        ...(prefix !== undefined ? { prefix } : {}),
        ...(suffix !== undefined ? { suffix } : {}),
        functionLogicalId: functionIn(template, c.LambdaFunctionArn, `notification of ${id}`),
      };
    });
  });
}

/** One scheduled invocation (EventBridge `rate()` rule → Lambda). */
export interface Schedule {
  readonly ruleLogicalId: string;
  /** E.g. `rate(1 minute)`. */
  readonly expression: string;
  /** The period in milliseconds. */
  readonly everyMs: number;
  readonly functionLogicalId: string;
}

const RATE_UNIT_MS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

/**
 * Every enabled EventBridge rule with a `rate(N unit)` schedule, per Lambda target.
 * Throws on `cron()` schedules (local mode does not run them).
 */
export function schedules(template: Template): Schedule[] {
  const resources = resourcesOf(template);
  return byType(template, 'AWS::Events::Rule')
    .filter(([, r]) => typeof r.Properties?.ScheduleExpression === 'string' && r.Properties?.State !== 'DISABLED')
    .flatMap(([ruleLogicalId, r]) => {
      const expression = String(r.Properties?.ScheduleExpression);
      const m = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
      if (!m) throw new Error(`rule ${ruleLogicalId}: unsupported schedule ${expression} (local mode runs rate() only)`);
      const everyMs = Number(m[1]) * RATE_UNIT_MS[m[2]];
      return ((r.Properties?.Targets ?? []) as Array<Record<string, unknown>>)
        .flatMap((t) => referencedLogicalIds(t.Arn).filter((id) => resources[id]?.Type === 'AWS::Lambda::Function'))
        .map((functionLogicalId) => ({ ruleLogicalId, expression, everyMs, functionLogicalId }));
    });
}

/** Logical ids of the template's Secrets Manager secrets. */
export function secretLogicalIds(template: Template): string[] {
  return byType(template, 'AWS::SecretsManager::Secret').map(([id]) => id);
}

/** Logical ids of the template's S3 buckets. */
export function bucketLogicalIds(template: Template): string[] {
  return byType(template, 'AWS::S3::Bucket').map(([id]) => id);
}

/**
 * Resource types of the template that local mode has no stand-in for and leaves alone: the
 * monitoring of lib/monitoring.ts (the alarm topic, its policy and e-mail subscription, the
 * dashboard, the alarms). No reader here selects them, and {@link outputs} leaves out the
 * outputs that name them (DashboardName, DashboardUrl, AlarmTopicArn): they have no local value.
 */
export const UNMODELLED_RESOURCE_TYPES: readonly string[] = [
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::CloudWatch::Dashboard',
  'AWS::CloudWatch::Alarm',
];

/**
 * The template's outputs: `{ [outputId]: value }`, resolved when a resolver is given,
 * raw (possibly intrinsic) otherwise. Outputs that reference a resource of an
 * {@link UNMODELLED_RESOURCE_TYPES} type are left out.
 */
export function outputs(template: Template, resolver?: Resolver): Record<string, unknown> {
  const resources = (template?.Resources ?? {}) as Record<string, Resource>;
  const out = (template?.Outputs ?? {}) as Record<string, { Value: unknown }>;
  const modelled = Object.entries(out).filter(
    ([, o]) => !referencedLogicalIds(o.Value).some((id) => UNMODELLED_RESOURCE_TYPES.includes(resources[id]?.Type)),
  );
  return Object.fromEntries(modelled.map(([k, o]) => [k, resolver ? resolve(o.Value, resolver) : o.Value]));
}
