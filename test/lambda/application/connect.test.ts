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
});
