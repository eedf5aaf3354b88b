/**
 * The tick's reserved concurrency and the WebSocket stage's per-route throttles
 * (lib/matchcast-stack.ts, lib/websocket-api.ts).
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DEFAULT_TICK_RESERVED_CONCURRENCY, MatchcastStack } from '../../lib/matchcast-stack';
import { Tables } from '../../lib/tables';
import { DEFAULT_ROUTE_THROTTLES, MatchcastWebSocketApi } from '../../lib/websocket-api';
import { ROUTE_TARGETS } from '../../lambda/core/routes';
import { buildStack, logicalId, testApp } from './support';

describe('tick reserved concurrency', () => {
  const { stack, template } = buildStack();

  it('reserves DEFAULT_TICK_RESERVED_CONCURRENCY for the tick, and nothing for any other function', () => {
    expect(DEFAULT_TICK_RESERVED_CONCURRENCY).toBe(100);
    const fns = template.findResources('AWS::Lambda::Function', { Metadata: { 'matchcast:entry': Match.anyValue() } });
    const reserved = Object.entries<any>(fns).filter(([, r]) => r.Properties.ReservedConcurrentExecutions !== undefined).map(([id, r]) => [id, r.Properties.ReservedConcurrentExecutions]);
    expect(reserved).toEqual([[logicalId(stack.workflow.tickFunction), 100]]);
  });

  it('is a prop: a number, or false for none; anything else names the prop', () => {
    const t = buildStack({ tickReservedConcurrency: 250, webClient: false }).template;
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 250 });
    const none = buildStack({ tickReservedConcurrency: false, webClient: false }).template;
    expect(JSON.stringify(none.toJSON())).not.toContain('ReservedConcurrentExecutions');
    for (const bad of [0, -1, 1.5]) expect(() => new MatchcastStack(testApp(), 'S', { tickReservedConcurrency: bad })).toThrow(/tickReservedConcurrency/);
  });
});

describe('WebSocket stage route throttles', () => {
  it('throttles every route key of DEFAULT_ROUTE_THROTTLES, and those are routes of the API', () => {
    const { stack, template } = buildStack({ webClient: false });
    const stage = template.findResources('AWS::ApiGatewayV2::Stage', { Properties: { ApiId: { Ref: logicalId(stack.webSocket.api) } } });
    const [props] = Object.values<any>(stage).map((r) => r.Properties);
    const expected = Object.fromEntries(Object.entries(DEFAULT_ROUTE_THROTTLES).map(([k, t]) => [k, { ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit }]));
    expect(props.RouteSettings).toEqual(expected);
    const routeKeys = Object.values<any>(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    for (const k of Object.keys(DEFAULT_ROUTE_THROTTLES)) expect(routeKeys).toContain(k);
    // The social routes and stream creation are limited below the stage default.
    for (const k of ['chat', 'react', 'input', 'start', '$connect']) expect(DEFAULT_ROUTE_THROTTLES[k].rateLimit).toBeLessThan(1000);
    expect(Object.keys(ROUTE_TARGETS).filter((k) => k !== 'ping').every((k) => k in DEFAULT_ROUTE_THROTTLES)).toBe(true);
  });

  it('the stage waits for the routes its settings name', () => {
    const { json } = buildStack({ webClient: false });
    const stage = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage' && r.Properties.RouteSettings);
    const routes = Object.entries<any>(json.Resources).filter(([id, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && id.startsWith('WebSocketApi')).map(([id]) => id);
    expect(routes.length).toBeGreaterThan(10);
    for (const id of routes) expect(stage.DependsOn).toContain(id);
  });

  it('routeThrottles overrides one route, false drops it, an unknown key or bad value names the prop', () => {
    const make = (routeThrottles: any) => {
      const s = new Stack(testApp(), 'S');
      new MatchcastWebSocketApi(s, 'Ws', { tables: new Tables(s, 'Tables'), bucket: new s3.Bucket(s, 'B'), routeThrottles });
      return Template.fromStack(s);
    };
    const t = make({ chat: { rateLimit: 5, burstLimit: 10 }, react: false });
    const settings = Object.values<any>(t.findResources('AWS::ApiGatewayV2::Stage'))[0].Properties.RouteSettings;
    expect(settings.chat).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
    expect(settings.react).toBeUndefined();
    expect(settings.start).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    expect(() => make({ shout: { rateLimit: 1, burstLimit: 1 } })).toThrow(/routeThrottles\.shout/);
    expect(() => make({ chat: { rateLimit: 0, burstLimit: 1 } })).toThrow(/routeThrottles\.chat/);
  });
});
