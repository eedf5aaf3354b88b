/**
 * The operator routes through the HTTP API's router (handlers/http-api.ts `createHandler`) on
 * in-memory ports: route keys, the authorizer's roles, the `{streamId}` path parameter
 * (decoded or still percent-encoded), the query string, and the JSON answers.
 */
import type { APIGatewayProxyEventV2WithLambdaAuthorizer } from 'aws-lambda';
import { createHandler, type HttpApiDeps } from '../../../../lambda/handlers/http-api';
import type { HttpAuthorizerContext } from '../../../../lambda/handlers/http-authorize';
import { streamIdParam } from '../../../../lambda/handlers/http/operator';
import { NO_METRICS } from '../../../../lambda/ports/metrics';
import { streamRowFixture } from '../../../support/aws-local';
import { FakeBroadcaster, FakeWorkflow, InMemoryConnectionRegistry, InMemoryStreamStore, ManualTime } from '../../fakes';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const STREAM = 'pvai:g1:alice@example.com';

function setup() {
  const streams = new InMemoryStreamStore([streamRowFixture(STREAM, { mode: 'pvai', controllers: ['alice@example.com'], clientCount: 1, epoch: 3 })]);
  const broadcaster = new FakeBroadcaster();
  const deps = {
    streams,
    connections: new InMemoryConnectionRegistry(),
    workflow: new FakeWorkflow(),
    broadcaster,
    time: new ManualTime(),
    log: silent,
    metrics: NO_METRICS,
  } as unknown as HttpApiDeps;
  return { streams, broadcaster, handle: createHandler(deps) };
}

function event(routeKey: string, opts: { roles?: string; streamId?: string; query?: Record<string, string> } = {}): APIGatewayProxyEventV2WithLambdaAuthorizer<HttpAuthorizerContext> {
  return {
    routeKey,
    ...(opts.streamId === undefined ? {} : { pathParameters: { streamId: opts.streamId } }),
    ...(opts.query ? { queryStringParameters: opts.query } : {}),
    requestContext: { requestId: 'r1', authorizer: { lambda: { userId: 'olga', roles: opts.roles ?? 'operator' } } },
  } as unknown as APIGatewayProxyEventV2WithLambdaAuthorizer<HttpAuthorizerContext>;
}

const json = (r: { body?: string }) => JSON.parse(r.body ?? 'null') as Record<string, unknown>;

describe('operator routes through the router', () => {
  it('GET /operator/streams lists with the query; a publisher token gets 403', async () => {
    const { handle } = setup();
    const ok = await handle(event('GET /operator/streams', { query: { status: 'playing', limit: '10' } }));
    expect(ok.statusCode).toBe(200);
    expect(json(ok)).toMatchObject({ streams: [{ streamId: STREAM, viewers: 1, epoch: 3 }], truncated: false });
    const no = await handle(event('GET /operator/streams', { roles: 'publisher' }));
    expect(no.statusCode).toBe(403);
    expect(json(no)).toEqual({ error: { code: 'forbidden', message: expect.stringContaining('operator role') } });
  });

  it('GET /operator/streams/{streamId} takes the id decoded or percent-encoded', async () => {
    const { handle } = setup();
    for (const id of [STREAM, encodeURIComponent(STREAM)]) {
      const res = await handle(event('GET /operator/streams/{streamId}', { streamId: id }));
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ stream: { streamId: STREAM }, viewers: [] });
    }
  });

  it('POST …/end ends it and tells its viewers; again is 409', async () => {
    const { handle, broadcaster, streams } = setup();
    const res = await handle(event('POST /operator/streams/{streamId}/end', { streamId: encodeURIComponent(STREAM) }));
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ streamId: STREAM, status: 'ended', endedReason: 'stopped', epoch: 3 });
    expect((await streams.get(STREAM))?.status).toBe('ended');
    expect(broadcaster.sentTo(STREAM).at(-1)).toEqual({ type: 'ended', streamId: STREAM, reason: 'stopped' });
    const again = await handle(event('POST /operator/streams/{streamId}/end', { streamId: STREAM }));
    expect(again.statusCode).toBe(409);
  });

  it('POST …/restart of a playing stream whose execution is gone restarts it', async () => {
    const { handle, streams } = setup();
    const res = await handle(event('POST /operator/streams/{streamId}/restart', { streamId: STREAM }));
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ streamId: STREAM, status: 'playing', epoch: 4 });
    expect((await streams.get(STREAM))?.epoch).toBe(4);
  });
});

describe('streamIdParam', () => {
  it('decodes an escaped id, keeps a decoded one and a malformed escape', () => {
    expect(streamIdParam('pvai%3Ag1%3Aa%40b')).toBe('pvai:g1:a@b');
    expect(streamIdParam('pvai:g1:a@b')).toBe('pvai:g1:a@b');
    expect(streamIdParam('bad%zz')).toBe('bad%zz');
    expect(streamIdParam(undefined)).toBeUndefined();
  });
});
