import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DEFAULT_SPECTATE_LEAD_MS } from '../../contract/defaults';
import { ENV } from '../../contract/env';
import { HTTP_ROUTE_KEYS } from '../../lambda/core/http-api';
import { MatchcastHttpApi, type MatchcastHttpApiProps } from '../../lib/http-api';
import { Tables } from '../../lib/tables';
import { MatchcastWebSocketApi, type OidcAuth } from '../../lib/websocket-api';
import { actionsOfRole, logicalId, roleOfFunction, testApp } from './support';

/** A bare stack holding the HTTP API and what it takes: tables, a bucket, the WebSocket API (with `wsAuth`, `spectateLeadMs`). */
function make(over: Partial<MatchcastHttpApiProps> = {}, wsAuth?: OidcAuth, spectateLeadMs?: number) {
  const stack = new Stack(testApp(), 'S');
  const tables = new Tables(stack, 'T');
  const bucket = new s3.Bucket(stack, 'B');
  const webSocket = new MatchcastWebSocketApi(stack, 'W', { tables, bucket, auth: wsAuth, spectateLeadMs });
  const http = new MatchcastHttpApi(stack, 'Http', { tables, bucket, webSocket, ...over });
  const template = Template.fromStack(stack);
  return { stack, http, webSocket, template, json: template.toJSON() };
}

const { http, template, json } = make();
const apiId = logicalId(http.api);
const routesFn = logicalId(http.routeFunction);
const oidc: OidcAuth = { issuer: 'https://idp.example.com/pool', audience: 'matchcast-client', jwksUrl: 'https://idp.example.com/pool/.well-known/jwks.json' };

describe('MatchcastHttpApi', () => {
  it('declares exactly the routes of docs/HTTP-API.md, each on the routes function behind the token authorizer', () => {
    const routes = Object.values<any>(template.findResources('AWS::ApiGatewayV2::Route')).filter((r) => r.Properties.ApiId.Ref === apiId);
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual([...HTTP_ROUTE_KEYS].sort());
    const [authId] = Object.entries<any>(template.findResources('AWS::ApiGatewayV2::Authorizer')).find(([, a]) => a.Properties.ApiId.Ref === apiId)!;
    for (const r of routes) {
      expect(r.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authId } });
      const integrationId = r.Properties.Target['Fn::Join'][1][1].Ref as string;
      expect(JSON.stringify(json.Resources[integrationId].Properties.IntegrationUri)).toContain(`"${routesFn}"`);
    }
  });

  it('authorizes with simple responses on the Authorization header, cached 60 s', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      ApiId: { Ref: apiId },
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 60,
    });
  });

  it('has a throttled $default stage with access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: apiId },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('lets the routes write live chunks, read recordings, use the tables and post to connections', () => {
    const actions = actionsOfRole(json, roleOfFunction(json, routesFn)).map((a) => a.action);
    for (const a of ['s3:PutObject', 's3:DeleteObject', 's3:GetObject', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'execute-api:ManageConnections']) {
      expect(actions).toContain(a);
    }
  });

  it("verifies tokens as the WebSocket API does: its secret by default, its OIDC mode when it has one", () => {
    const env = (j: Record<string, any>, id: string) => j.Resources[id].Properties.Environment.Variables;
    expect(env(json, logicalId(http.authorizeFunction))[ENV.jwtSecretArn]).toBeDefined();
    expect(env(json, logicalId(http.authorizeFunction))[ENV.jwtIssuer]).toBeUndefined();
    const o = make({}, oidc);
    expect(env(o.json, logicalId(o.http.authorizeFunction))).toMatchObject({ [ENV.jwtIssuer]: oidc.issuer, [ENV.jwtAudience]: oidc.audience, [ENV.jwksUrl]: oidc.jwksUrl });
    expect(env(o.json, logicalId(o.http.authorizeFunction))[ENV.jwtSecretArn]).toBeUndefined();
  });

  it("gives the routes (which create scheduled streams) the WebSocket API's playout buffer", () => {
    const env = (m: ReturnType<typeof make>) => m.json.Resources[logicalId(m.http.routeFunction)].Properties.Environment.Variables;
    expect(env({ http, json } as ReturnType<typeof make>)[ENV.spectateLeadMs]).toBe(String(DEFAULT_SPECTATE_LEAD_MS));
    expect(env(make({}, undefined, 750))[ENV.spectateLeadMs]).toBe('750');
  });

  it('validates its props, naming the prop', () => {
    const stackOf = () => new Stack(testApp(), 'S');
    const s = stackOf();
    const tables = new Tables(s, 'T');
    const bucket = new s3.Bucket(s, 'B');
    const webSocket = new MatchcastWebSocketApi(s, 'W', { tables, bucket });
    expect(() => new MatchcastHttpApi(s, 'H1', { tables, bucket, webSocket, throttle: { rateLimit: 0, burstLimit: 1 } })).toThrow(/throttle\.rateLimit/);
    expect(() => new MatchcastHttpApi(s, 'H2', { tables, bucket, webSocket, throttle: { rateLimit: 1, burstLimit: 0.5 } })).toThrow(/throttle\.burstLimit/);
    expect(() => new MatchcastHttpApi(s, 'H3', { tables, bucket } as never)).toThrow(/webSocket is required/);
    expect(() => new MatchcastHttpApi(s, 'H4', { tables, bucket, webSocket, auth: { ...oidc, issuer: 'http://x' } })).toThrow(/auth\.issuer/);
  });
});
