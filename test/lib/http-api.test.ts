import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HTTP_ROUTE_KEYS } from '../../lambda/core/http-api';
import { MatchcastHttpApi } from '../../lib/http-api';
import { Tables } from '../../lib/tables';
import { MatchcastWebSocketApi } from '../../lib/websocket-api';
import { actionsOfRole, buildStack, logicalId, roleOfFunction, testApp } from './support';

const { stack, template, json } = buildStack();
const http = stack.httpApi;
const apiId = logicalId(http.api);
const routesFn = logicalId(http.routeFunction);

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

  it('has a throttled $default stage with access logs, and outputs its URL', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: apiId },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    expect(json.Outputs.HttpApiUrl).toBeDefined();
  });

  it('lets the routes write live chunks, read recordings, use the tables and post to connections', () => {
    const actions = actionsOfRole(json, roleOfFunction(json, routesFn)).map((a) => a.action);
    for (const a of ['s3:PutObject', 's3:DeleteObject', 's3:GetObject', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'execute-api:ManageConnections']) {
      expect(actions).toContain(a);
    }
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
  });
});
