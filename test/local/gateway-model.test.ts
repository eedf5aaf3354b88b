import { ApiGatewayManagementApiClient, GetConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { LocalWebSocketGateway, type GatewayLimits } from '../../local/gateway';
import { eventually } from '../support/fixtures-wait';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

async function withGateway<T>(limits: GatewayLimits, body: (gw: LocalWebSocketGateway) => Promise<T>): Promise<T> {
  const gw = new LocalWebSocketGateway({ stageName: 'live', routeSelectionExpression: '$request.body.action', routes: {}, limits });
  await gw.listen(0);
  try {
    return await body(gw);
  } finally {
    await gw.close();
  }
}

const post = (gw: LocalWebSocketGateway, id: string, body = 'x') => fetch(`${gw.callbackUrl}/@connections/${encodeURIComponent(id)}`, { method: 'POST', body });

describe('local gateway: virtual connections', () => {
  it('counts POSTs, describes with GET, forgets on DELETE (then 410)', async () => {
    await withGateway({}, async (gw) => {
      const ids = gw.addVirtualConnections(3);
      expect(new Set(ids).size).toBe(3);
      expect(gw.connectionIds()).toEqual([]); // no sockets
      for (const id of ids) expect((await post(gw, id, 'hello')).status).toBe(200);
      expect((await post(gw, ids[0]!, 'again')).status).toBe(200);
      expect(gw.virtualDeliveries(ids[0]!)).toEqual({ messages: 2, bytes: 10 });
      expect(gw.virtualDeliveries(ids[1]!)).toEqual({ messages: 1, bytes: 5 });
      const mgmt = new ApiGatewayManagementApiClient({ endpoint: gw.callbackUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
      try {
        const got = await mgmt.send(new GetConnectionCommand({ ConnectionId: ids[1]! }));
        expect(got.ConnectedAt).toBeInstanceOf(Date);
      } finally {
        mgmt.destroy();
      }
      expect((await fetch(`${gw.callbackUrl}/@connections/${encodeURIComponent(ids[2]!)}`, { method: 'DELETE' })).status).toBe(204);
      expect((await post(gw, ids[2]!)).status).toBe(410);
      expect(gw.virtualDeliveries(ids[2]!)).toBeUndefined();
      gw.clearVirtualConnections();
      expect((await post(gw, ids[0]!)).status).toBe(410);
      expect(gw.managementStats()).toEqual({ requests: 8, throttled: 0 });
    });
  });
});

describe('local gateway: the AWS model of @connections', () => {
  it('is off by default: 200 posts in a burst all pass', async () => {
    await withGateway({}, async (gw) => {
      const [id] = gw.addVirtualConnections(1);
      const statuses = await Promise.all(Array.from({ length: 200 }, () => post(gw, id!).then((r) => r.status)));
      expect(statuses.filter((s) => s === 200)).toHaveLength(200);
      expect(gw.managementStats()).toEqual({ requests: 200, throttled: 0 });
    });
  });

  it('answers 429 TooManyRequestsException beyond the burst, with API Gateway’s body', async () => {
    // A rate so low that no token comes back during the test: exactly the burst passes.
    await withGateway({ managementThrottle: { ratePerSecond: 0.001, burst: 25 } }, async (gw) => {
      const [id] = gw.addVirtualConnections(1);
      const answers = await Promise.all(
        Array.from({ length: 100 }, async () => {
          const r = await post(gw, id!);
          return { status: r.status, type: r.headers.get('x-amzn-errortype'), body: await r.text() };
        }),
      );
      const throttled = answers.filter((a) => a.status === 429);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(25);
      expect(throttled).toHaveLength(75);
      expect(throttled[0]).toEqual({ status: 429, type: 'TooManyRequestsException', body: '{"message":"Too Many Requests"}' });
      expect(gw.managementStats()).toEqual({ requests: 100, throttled: 75 });
      expect(gw.virtualDeliveries(id!)).toMatchObject({ messages: 25 });
    });
  });

  it('throttles GET and DELETE too, and the SDK sees a 429', async () => {
    await withGateway({ managementThrottle: { ratePerSecond: 0.001, burst: 1 } }, async (gw) => {
      const [id] = gw.addVirtualConnections(1);
      expect((await post(gw, id!)).status).toBe(200);
      const mgmt = new ApiGatewayManagementApiClient({ endpoint: gw.callbackUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
      try {
        const e = (await mgmt.send(new PostToConnectionCommand({ ConnectionId: id!, Data: 'y' })).catch((x: unknown) => x)) as { name: string; $metadata: { httpStatusCode: number } };
        expect(e.name).toBe('TooManyRequestsException');
        expect(e.$metadata.httpStatusCode).toBe(429);
        expect((await fetch(`${gw.callbackUrl}/@connections/${encodeURIComponent(id!)}`)).status).toBe(429);
        expect((await fetch(`${gw.callbackUrl}/@connections/${encodeURIComponent(id!)}`, { method: 'DELETE' })).status).toBe(429);
      } finally {
        mgmt.destroy();
      }
      expect(gw.managementStats()).toEqual({ requests: 4, throttled: 3 });
      expect(gw.virtualDeliveries(id!)).toEqual({ messages: 1, bytes: 1 });
    });
  });

  it('answers (and delivers) after the injected latency, not before', async () => {
    // The latency is long only so that "not yet delivered" is observed however loaded the
    // machine is; the test waits for events (the request's arrival, the answer), not for time.
    await withGateway({ managementLatencyMs: 2_000 }, async (gw) => {
      const [id] = gw.addVirtualConnections(1);
      const answered = post(gw, id!, 'late');
      await eventually(() => (gw.managementStats().requests === 1 ? true : undefined), 'the request to arrive');
      expect(gw.virtualDeliveries(id!)).toEqual({ messages: 0, bytes: 0 });
      expect((await answered).status).toBe(200);
      expect(gw.virtualDeliveries(id!)).toEqual({ messages: 1, bytes: 4 });
    });
  });
});
