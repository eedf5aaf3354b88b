import { Duration } from 'aws-cdk-lib';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENV } from '../../contract/env';
import { DEFAULT_SPECTATE_LEAD_MS, DEFAULT_USER_QUOTAS } from '../../contract/defaults';
import { HTTP_ROUTE_KEYS } from '../../lambda/core/http-api';
import { ROUTE_TARGETS } from '../../lambda/core/routes';
import { STATE } from '../../lambda/core/workflow';
import { PROJECT_ROOT } from '../../lib/function';
import { synthTemplate } from '../../local/synth';
import * as tpl from '../../local/template';
import { DEFAULT_SHARD_THRESHOLD } from '../../lambda/core/shards';

const template = synthTemplate();
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const tables = tpl.tableDefinitions(template);
const fns = tpl.functions(template);
const api = tpl.webSocketApi(template);
const sm = tpl.stateMachine(template, () => '');
const fnArn = (logicalId: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fns.find((f) => f.logicalId === logicalId)?.name}`;

/** A resolver like local mode's: every resource of the template maps to a local value. */
const resolver: tpl.Resolver = (logicalId, attribute) => {
  const t = tables.find((x) => x.logicalId === logicalId);
  if (t) return attribute === 'Arn' ? `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${t.localName}` : t.localName;
  if (fns.some((f) => f.logicalId === logicalId)) return fnArn(logicalId);
  if (tpl.bucketLogicalIds(template).includes(logicalId)) return 'matchcast-recordings';
  if (tpl.secretLogicalIds(template).includes(logicalId)) return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:jwt`;
  if (logicalId === sm.logicalId) return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Player`;
  if (logicalId === api.apiLogicalId) return 'local';
  if (logicalId === tpl.httpApi(template)?.apiLogicalId) return 'localhttp';
  return { 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' }[logicalId];
};
const byName = (name: string) => {
  const f = fns.find((x) => x.name === name);
  if (!f) throw new Error(`no function ${name}`);
  return f;
};

describe('resolve', () => {
  const r: tpl.Resolver = (id, attr) => ({ A: 'a', 'B.Arn': 'arn:b', 'AWS::Region': 'r1' } as Record<string, string>)[attr ? `${id}.${attr}` : id];

  it('resolves Ref, GetAtt (both forms), Join, Select, Split, nested in objects and arrays', () => {
    expect(tpl.resolve({ x: [{ Ref: 'A' }, { 'Fn::GetAtt': ['B', 'Arn'] }, { 'Fn::GetAtt': 'B.Arn' }] }, r)).toEqual({ x: ['a', 'arn:b', 'arn:b'] });
    expect(tpl.resolve({ 'Fn::Join': ['-', ['x', { Ref: 'A' }, { Ref: 'AWS::Region' }]] }, r)).toBe('x-a-r1');
    expect(tpl.resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'p,q,r'] }] }, r)).toBe('q');
  });

  it('resolves Fn::Sub with references, attributes, local variables and ${!Literal}', () => {
    expect(tpl.resolve({ 'Fn::Sub': '${A}/${B.Arn}/${AWS::Region}/${!Keep}' }, r)).toBe('a/arn:b/r1/${Keep}');
    expect(tpl.resolve({ 'Fn::Sub': ['${V}-${A}', { V: { Ref: 'A' } }] }, r)).toBe('a-a');
  });

  it('throws naming the reference it cannot resolve, and names unsupported intrinsics', () => {
    expect(() => tpl.resolve({ Ref: 'Nope' }, r)).toThrow('Nope');
    expect(() => tpl.resolve({ 'Fn::GetAtt': ['A', 'Missing'] }, r)).toThrow('A, Missing');
    expect(() => tpl.resolve({ 'Fn::If': ['c', 1, 2] }, r)).toThrow('Fn::If');
  });

  it('leaves plain values alone', () => {
    expect(tpl.resolve({ a: 1, b: 'two', c: null, d: [true] }, r)).toEqual({ a: 1, b: 'two', c: null, d: [true] });
  });
});

describe('tableDefinitions', () => {
  it('gives the four tables under their construct ids with keys, GSIs, billing and TTL', () => {
    expect(tables.map((t) => t.localName).sort()).toEqual(['Connections', 'Games', 'Quotas', 'Streams']);
    const connections = tables.find((t) => t.localName === 'Connections')!;
    expect(connections.input).toMatchObject({
      TableName: 'Connections',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'connectionId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStream',
          KeySchema: [
            { AttributeName: 'streamId', KeyType: 'HASH' },
            { AttributeName: 'connectionId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['userId', 'displayName', 'role'] },
        },
      ],
    });
    expect(connections.ttlAttribute).toBe('expiresAt');
    expect(tables.find((t) => t.localName === 'Streams')!.input.GlobalSecondaryIndexes?.[0].IndexName).toBe('byStatus');
    const games = tables.find((t) => t.localName === 'Games')!;
    expect(games.ttlAttribute).toBeUndefined();
    expect(games.input.GlobalSecondaryIndexes).toBeUndefined();
    expect(games.input.ProvisionedThroughput).toBeUndefined();
  });

  it('throws naming the table when path metadata is missing', () => {
    const stripped = JSON.parse(JSON.stringify(template));
    for (const r of Object.values<any>(stripped.Resources)) delete r.Metadata;
    expect(() => tpl.tableDefinitions(stripped)).toThrow(/Tables\w+ has no aws:cdk:path metadata/);
  });
});

describe('functions', () => {
  it('lists the eleven handlers with their entry, name, timeout and memory (not CDK helper functions)', () => {
    expect(fns.map((f) => f.name).sort()).toEqual(['authorize', 'connect', 'control', 'disconnect', 'fanout', 'http-api', 'http-authorize', 'index-recording', 'social', 'sweeper', 'tick']);
    for (const f of fns) {
      expect(f.entry).toBe(`lambda/handlers/${f.name}.ts`);
      expect(existsSync(join(PROJECT_ROOT, f.entry))).toBe(true);
    }
    expect(byName('tick')).toMatchObject({ timeoutSeconds: 120, memoryMb: 512 });
    expect(byName('control')).toMatchObject({ timeoutSeconds: 29, memoryMb: 512 });
  });

  it("resolves every function's environment to local values, the same value for the same name", () => {
    const merged: Record<string, string> = {};
    for (const f of fns) {
      for (const [k, v] of Object.entries(f.environment)) {
        const value = String(tpl.resolve(v, resolver));
        if (merged[k] !== undefined) expect([k, value]).toEqual([k, merged[k]]);
        merged[k] = value;
      }
    }
    expect(merged).toEqual({
      POWERTOOLS_SERVICE_NAME: 'matchcast',
      [ENV.connectionsTable]: 'Connections',
      [ENV.streamsTable]: 'Streams',
      [ENV.gamesTable]: 'Games',
      [ENV.quotasTable]: 'Quotas',
      [ENV.userQuotas]: JSON.stringify(DEFAULT_USER_QUOTAS),
      [ENV.recordingsBucket]: 'matchcast-recordings',
      [ENV.stateMachineArn]: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Player`,
      [ENV.callbackUrl]: `https://local.execute-api.${REGION}.amazonaws.com/live`,
      [ENV.jwtSecretArn]: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:jwt`,
      [ENV.idleTtlSeconds]: '300',
      [ENV.controllerGraceSeconds]: '30',
      [ENV.maxStreamSeconds]: '28800',
      [ENV.maxClientsPerStream]: '1000',
      [ENV.spectateLeadMs]: String(DEFAULT_SPECTATE_LEAD_MS),
      [ENV.fanOutFunctionName]: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fanout`,
      [ENV.fanOutShardThreshold]: String(DEFAULT_SHARD_THRESHOLD),
      [ENV.indexFunctionName]: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:index-recording`,
    });
  });

  it("turns the tick's name-formatted state machine ARN into a Ref of the machine", () => {
    expect(byName('tick').environment[ENV.stateMachineArn]).toEqual({ Ref: sm.logicalId });
    const raw = template.Resources[byName('tick').logicalId].Properties.Environment.Variables[ENV.stateMachineArn];
    expect(raw).toHaveProperty('Fn::Join');
  });

  it('reflects stack props (synthTemplate passes them through)', () => {
    const t = synthTemplate({ props: { idleTtl: Duration.seconds(42) } });
    expect(tpl.functions(t).find((f) => f.name === 'sweeper')!.environment[ENV.idleTtlSeconds]).toBe('42');
  });
});

describe('httpApi', () => {
  it('reads every route of the HTTP API, each on the routes function behind the Lambda authorizer', () => {
    const api = tpl.httpApi(template)!;
    const fns = tpl.functions(template);
    const nameOf = (id: string) => fns.find((f) => f.logicalId === id)?.name;
    expect(api.routes.map((r) => [r.routeKey, nameOf(r.functionLogicalId), r.authorized])).toEqual(
      [...HTTP_ROUTE_KEYS].sort((a, b) => a.localeCompare(b)).map((k) => [k, 'http-api', true]),
    );
    expect(api.authorizer).toEqual({ functionLogicalId: expect.any(String), identitySource: ['$request.header.Authorization'], simpleResponses: true });
    expect(nameOf(api.authorizer!.functionLogicalId)).toBe('http-authorize');
  });

  it('is undefined for a template without one, and refuses two', () => {
    expect(tpl.httpApi({ Resources: {} })).toBeUndefined();
    const api = { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP' } };
    expect(() => tpl.httpApi({ Resources: { A: api, B: api } })).toThrow(/at most one HTTP API, found 2/);
  });
});

describe('webSocketApi', () => {
  it('gives route selection, stage, every route with its function, and the $connect authorizer', () => {
    expect(api.routeSelectionExpression).toBe('$request.body.action');
    expect(api.stageName).toBe('live');
    const named = Object.fromEntries(api.routes.map((r) => [r.routeKey, fns.find((f) => f.logicalId === r.functionLogicalId)?.name]));
    expect(named).toEqual({ $connect: 'connect', $disconnect: 'disconnect', $default: 'control', ...ROUTE_TARGETS });
    expect(api.authorizer).toEqual({ functionLogicalId: byName('authorize').logicalId, identitySource: ['route.request.querystring.token'] });
    expect(api.throttle).toEqual({ burstLimit: 500, rateLimit: 1000 });
    expect(template.Resources[api.apiLogicalId].Type).toBe('AWS::ApiGatewayV2::Api');
  });
});

describe('stateMachine', () => {
  const { definition, name, logicalId } = tpl.stateMachine(template, resolver);
  it('parses the ASL with every Lambda ARN resolved to the local function ARN', () => {
    expect(logicalId).toBe(sm.logicalId);
    expect(name).toMatch(/^Matchcast-PlayerWorkflow-/);
    expect(Object.keys(definition.States).sort()).toEqual(Object.values(STATE).sort());
    const tickArn = fnArn(byName('tick').logicalId);
    expect(definition.States[STATE.tick].Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(definition.States[STATE.tick].Parameters.FunctionName).toBe(tickArn);
    expect(definition.States[STATE.recordFailure].Parameters.FunctionName).toBe(tickArn);
    expect(definition.States[STATE.continueAsNew].Resource).toBe('arn:aws:states:::states:startExecution');
    expect(JSON.stringify(definition)).not.toMatch(/Fn::|"Ref"/);
  });

  it('throws naming the reference when the resolver does not know it', () => {
    expect(() => tpl.stateMachine(template, (id) => (id.startsWith('AWS::') ? 'aws' : undefined))).toThrow(byName('tick').logicalId);
  });
});

describe('bucketNotifications, schedules, secrets, buckets, outputs', () => {
  it('gives the recordings/ + .jsonl notification to index-recording', () => {
    expect(tpl.bucketNotifications(template)).toEqual([
      {
        bucketLogicalId: tpl.bucketLogicalIds(template).find((id) => id.startsWith('Recordings')),
        events: ['s3:ObjectCreated:*'],
        prefix: 'recordings/',
        suffix: '.jsonl',
        functionLogicalId: byName('index-recording').logicalId,
      },
    ]);
  });

  it('gives the sweeper schedule in milliseconds', () => {
    expect(tpl.schedules(template)).toEqual([
      expect.objectContaining({ expression: 'rate(1 minute)', everyMs: 60_000, functionLogicalId: byName('sweeper').logicalId }),
    ]);
  });

  it('rejects cron schedules, naming the rule', () => {
    const t = JSON.parse(JSON.stringify(template));
    const rule = tpl.schedules(template)[0].ruleLogicalId;
    t.Resources[rule].Properties.ScheduleExpression = 'cron(0 * * * ? *)';
    expect(() => tpl.schedules(t)).toThrow(rule);
  });

  it('lists one secret and the buckets (recordings, access logs)', () => {
    expect(tpl.secretLogicalIds(template)).toHaveLength(1);
    expect(tpl.bucketLogicalIds(template)).toEqual([expect.stringMatching(/^AccessLogs/), expect.stringMatching(/^RecordingsBucket/)]);
  });

  it('resolves the outputs', () => {
    const out = tpl.outputs(template, resolver);
    expect(out).toMatchObject({
      WebSocketUrl: `wss://local.execute-api.${REGION}.amazonaws.com/live`,
      CallbackUrl: `https://local.execute-api.${REGION}.amazonaws.com/live`,
      ConnectionsTableName: 'Connections',
      StreamsTableName: 'Streams',
      GamesTableName: 'Games',
      RecordingsBucketName: 'matchcast-recordings',
      PlayerStateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Player`,
      HttpApiUrl: `https://localhttp.execute-api.${REGION}.amazonaws.com/`,
    });
    expect(Object.keys(tpl.outputs(template))).toHaveLength(9);
  });

  it('throws a clear error for a document that is not a template', () => {
    expect(() => tpl.functions({})).toThrow('no Resources');
  });
});
