import { createHandler } from '../../../lambda/handlers/connect';
import { CONNECTION_TTL_SECONDS } from '../../../lambda/application/connect';
import { wsEvent } from '../../support/aws-local';
import { InMemoryConnectionRegistry, ManualTime } from '../fakes';

describe('$connect', () => {
  it('records the connection on no stream, expiring 2 h 10 min out (epoch seconds)', async () => {
    const connections = new InMemoryConnectionRegistry();
    const handler = createHandler({ connections, time: new ManualTime(1_700_000_000_500), log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    expect(await handler(wsEvent('c-1', 'ann', {}))).toEqual({ statusCode: 200 });
    expect(await connections.get('c-1')).toEqual({
      connectionId: 'c-1', userId: 'ann', displayName: 'ann', connectedAt: 1_700_000_000_500, lastSeenAt: 1_700_000_000_500, expiresAt: 1_700_000_000 + CONNECTION_TTL_SECONDS,
    });
    expect(CONNECTION_TTL_SECONDS).toBe(7800);
  });

  it('cleans the display name of bidi controls, invisible and control characters; an empty one becomes the userId', async () => {
    const connections = new InMemoryConnectionRegistry();
    const handler = createHandler({ connections, time: new ManualTime(1_000), log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    const named = (id: string, displayName: string) => {
      const e = wsEvent(id, 'ann', {});
      e.requestContext.authorizer = { userId: 'ann', displayName };
      return e;
    };
    await handler(named('c-bidi', 'Ad\u202Emin\u202C \u2066x\u2069'));
    await handler(named('c-zw', 'b\u200Bo\u200Db\uFEFF\u00AD\n\tbob'));
    await handler(named('c-empty', '\u200B\u202E \u2060'));
    expect((await connections.get('c-bidi'))?.displayName).toBe('Admin x');
    expect((await connections.get('c-zw'))?.displayName).toBe('bob bob');
    expect((await connections.get('c-empty'))?.displayName).toBe('ann');
  });
});
