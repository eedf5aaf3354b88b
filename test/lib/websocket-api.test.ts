import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DEFAULT_MAX_CLIENTS_PER_STREAM, DEFAULT_SPECTATE_LEAD_MS } from '../../contract/defaults';
import { ENV } from '../../contract/env';
import { ROUTE_TARGETS } from '../../lambda/core/routes';
import { Tables } from '../../lib/tables';
import { MatchcastWebSocketApi, type MatchcastWebSocketApiProps } from '../../lib/websocket-api';
import { actionsOfRole, logicalId, roleOfFunction, testApp } from './support';

/** A bare stack holding the WebSocket API and what it takes: the tables and a bucket. */
const stack = new Stack(testApp(), 'S');
const bucket = new s3.Bucket(stack, 'B');
const tables = new Tables(stack, 'Tables');
const ws = new MatchcastWebSocketApi(stack, 'Ws', { tables, bucket });
const template = Template.fromStack(stack);
const json = template.toJSON();
const fnIds = {
  control: logicalId(ws.controlFunction),
  social: logicalId(ws.socialFunction),
  connect: logicalId(ws.connectFunction),
  disconnect: logicalId(ws.disconnectFunction),
  authorize: logicalId(ws.authorizeFunction),
};

const wsApiId = logicalId(ws.api);
/** The WebSocket API's routes (the HTTP API has its own). */
const wsRoutes = () => Object.values<any>(template.findResources('AWS::ApiGatewayV2::Route')).filter((r) => r.Properties.ApiId.Ref === wsApiId);

/** routeKey → the function logical id its integration invokes. */
function routeTargets(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of wsRoutes()) {
    const integrationId = r.Properties.Target['Fn::Join'][1][1].Ref as string;
    const uri = JSON.stringify(json.Resources[integrationId].Properties.IntegrationUri);
    const fn = Object.entries(fnIds).find(([, id]) => uri.includes(`"${id}"`));
    out[r.Properties.RouteKey] = fn ? fn[0] : `unknown:${uri}`;
  }
  return out;
}

describe('MatchcastWebSocketApi', () => {
  it('selects routes on $request.body.action', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' });
  });

  it('has $connect, $disconnect, $default and one route per ROUTE_TARGETS entry, each on the right function', () => {
    const expected: Record<string, string> = { $connect: 'connect', $disconnect: 'disconnect', $default: 'control', ...ROUTE_TARGETS };
    expect(routeTargets()).toEqual(expected);
  });

  it('guards $connect with the REQUEST authorizer reading ?token=, and only $connect', () => {
    const wsAuthorizers = Object.entries<any>(template.findResources('AWS::ApiGatewayV2::Authorizer')).filter(([, a]) => a.Properties.ApiId.Ref === wsApiId);
    expect(wsAuthorizers).toHaveLength(1);
    const [authId, auth] = wsAuthorizers[0]!;
    expect(auth.Properties.AuthorizerType).toBe('REQUEST');
    expect(auth.Properties.IdentitySource).toEqual(['route.request.querystring.token']);
    expect(JSON.stringify(auth.Properties.AuthorizerUri)).toContain(`"${fnIds.authorize}"`);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$connect', AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authId } });
    const others = wsRoutes().filter((r) => r.Properties.RouteKey !== '$connect');
    expect(others.every((r) => r.Properties.AuthorizationType === 'NONE' && r.Properties.AuthorizerId === undefined)).toBe(true);
  });

  it('lets API Gateway invoke every route function and the authorizer', () => {
    for (const id of Object.values(fnIds)) {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [id, 'Arn'] },
      });
    }
  });

  it('deploys an auto-deployed stage named live with default-route throttling', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'live',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 500, ThrottlingRateLimit: 1000 },
    });
  });

  it('generates a 64-character JWT secret without punctuation, readable by authorize only', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
    });
    const secretId = logicalId(ws.jwtSecret);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.jwtSecretArn]: { Ref: secretId } }) },
    });
    const readers = Object.entries(fnIds).filter(([, id]) =>
      actionsOfRole(json, roleOfFunction(json, id)).some((a) => a.action === 'secretsmanager:GetSecretValue'),
    );
    expect(readers.map(([name]) => name)).toEqual(['authorize']);
  });

  it('gives CALLBACK_URL and stage-scoped ManageConnections to disconnect, control, social — not to connect or authorize', () => {
    for (const [name, id] of Object.entries(fnIds)) {
      const env = json.Resources[id].Properties.Environment.Variables;
      const manage = actionsOfRole(json, roleOfFunction(json, id)).filter((a) => a.action === 'execute-api:ManageConnections');
      const posts = ['disconnect', 'control', 'social'].includes(name);
      expect([name, env[ENV.callbackUrl] !== undefined]).toEqual([name, posts]);
      expect([name, manage.length > 0]).toEqual([name, posts]);
      if (posts) {
        expect(JSON.stringify(env[ENV.callbackUrl])).toContain('/live');
        expect(JSON.stringify(manage[0].resource)).toContain('/live/*/@connections/*');
      }
    }
  });

  it('gives control the stream limit and the bucket, and no idle TTL (the sweeper applies it)', () => {
    const env = json.Resources[fnIds.control].Properties.Environment.Variables;
    expect(env[ENV.idleTtlSeconds]).toBeUndefined();
    expect(env[ENV.maxClientsPerStream]).toBe(String(DEFAULT_MAX_CLIENTS_PER_STREAM));
    expect(env[ENV.recordingsBucket]).toEqual({ Ref: logicalId(bucket) });
  });

  it('grants connect only a put on Connections, and its quota items (test/lib/iam-tables.test.ts has every function)', () => {
    const actions = actionsOfRole(json, roleOfFunction(json, fnIds.connect));
    const on = (t: Parameters<typeof logicalId>[0]) => actions.filter((a) => a.action.startsWith('dynamodb:') && JSON.stringify(a.resource).includes(logicalId(t))).map((a) => a.action);
    expect(on(tables.connections)).toEqual(['dynamodb:PutItem']);
    expect(on(tables.quotas).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(on(tables.streams)).toEqual([]);
    expect(actions.some((a) => a.action.startsWith('states:') || a.action.startsWith('s3:'))).toBe(false);
  });

  it('honours stageName, throttle and maxClientsPerStream', () => {
    const s = new Stack(testApp(), 'S');
    const custom = new MatchcastWebSocketApi(s, 'Ws', { tables: new Tables(s, 'Tables'), bucket: new s3.Bucket(s, 'B'), stageName: 'v1', throttle: { burstLimit: 10, rateLimit: 20 }, maxClientsPerStream: 7 });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'v1',
      DefaultRouteSettings: { ThrottlingBurstLimit: 10, ThrottlingRateLimit: 20 },
    });
    expect(t.toJSON().Resources[logicalId(custom.controlFunction)].Properties.Environment.Variables[ENV.maxClientsPerStream]).toBe('7');
  });

  it('gives control the spectate playout buffer: the default, or the prop', () => {
    expect(json.Resources[fnIds.control].Properties.Environment.Variables[ENV.spectateLeadMs]).toBe(String(DEFAULT_SPECTATE_LEAD_MS));
    const s = new Stack(testApp(), 'S');
    new MatchcastWebSocketApi(s, 'Ws', { tables: new Tables(s, 'Tables'), bucket: new s3.Bucket(s, 'B'), spectateLeadMs: 0 });
    Template.fromStack(s).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.spectateLeadMs]: '0', [ENV.maxClientsPerStream]: String(DEFAULT_MAX_CLIENTS_PER_STREAM) }) },
    });
  });

  it('passes the limit props to control and social as JSON, and sets nothing when they are not given', () => {
    const s = new Stack(testApp(), 'S');
    const custom = new MatchcastWebSocketApi(s, 'Ws', {
      tables: new Tables(s, 'Tables'),
      bucket: new s3.Bucket(s, 'B'),
      rateLimits: { chat: { burst: 3, perSecond: 0.5 } },
      streamSocialLimits: { burst: 5000, perSecond: 500 },
      reactionWindowMs: 2000,
    });
    const vars = (fn: typeof custom.controlFunction) => Template.fromStack(s).toJSON().Resources[logicalId(fn)].Properties.Environment.Variables;
    const social = vars(custom.socialFunction);
    expect(JSON.parse(social[ENV.userRateLimits])).toMatchObject({ chat: { burst: 3, perSecond: 0.5 }, ping: { burst: 10, perSecond: 1 } });
    expect(JSON.parse(social[ENV.streamSocialLimits])).toEqual({ burst: 5000, perSecond: 500 });
    expect(social[ENV.reactionWindowMs]).toBe('2000');
    expect(vars(custom.controlFunction)[ENV.userRateLimits]).toBe(social[ENV.userRateLimits]);
    const defaults = json.Resources[fnIds.social].Properties.Environment.Variables;
    expect([defaults[ENV.userRateLimits], defaults[ENV.streamSocialLimits], defaults[ENV.reactionWindowMs]]).toEqual([undefined, undefined, undefined]);
  });

  describe('validates its props, naming the prop', () => {
    const make = (over: Partial<MatchcastWebSocketApiProps>) => () => {
      const s = new Stack(testApp(), 'S');
      const tables = new Tables(s, 'Tables');
      const bucket = new s3.Bucket(s, 'B');
      new MatchcastWebSocketApi(s, 'Ws', { tables, bucket, ...over });
    };
    it.each([
      ['stageName', { stageName: 'has space' }],
      ['stageName', { stageName: '' }],
      ['throttle.rateLimit', { throttle: { rateLimit: 0, burstLimit: 1 } }],
      ['throttle.burstLimit', { throttle: { rateLimit: 1, burstLimit: 1.5 } }],
      ['maxClientsPerStream', { maxClientsPerStream: 0 }],
      ['spectateLeadMs', { spectateLeadMs: -1 }],
      ['spectateLeadMs', { spectateLeadMs: 60_001 }],
      ['spectateLeadMs', { spectateLeadMs: 2.5 }],
      ['rateLimits.chat.burst', { rateLimits: { chat: { burst: 0, perSecond: 1 } } }],
      ['rateLimits.ping.perSecond', { rateLimits: { ping: { burst: 1, perSecond: -1 } } }],
      ['rateLimits.shout', { rateLimits: { shout: { burst: 1, perSecond: 1 } } as never }],
      ['streamSocialLimits.perSecond', { streamSocialLimits: { burst: 10, perSecond: 0 } }],
      ['reactionWindowMs', { reactionWindowMs: 10 }],
      ['tables', { tables: undefined as never }],
      ['bucket', { bucket: undefined as never }],
    ])('%s', (prop, over) => {
      expect(make(over as Partial<MatchcastWebSocketApiProps>)).toThrow(prop);
    });
    it('accepts the defaults', () => expect(make({})).not.toThrow());
  });
});
