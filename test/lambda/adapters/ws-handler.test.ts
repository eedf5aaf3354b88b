/**
 * The shared message-handler shape (adapters/ws-handler.ts): refusals become `error`
 * replies; a StaleEpochError that outlived an action's retries is `conflict`, never `internal`.
 */
import { messageHandler, ReplyError } from '../../../lambda/adapters/ws-handler';
import { StaleEpochError } from '../../../lambda/adapters/errors';
import type { ServerMessage } from '../../../protocol/messages';
import { wsEvent } from '../../support/aws-local';

function harness(action: () => Promise<void>) {
  const replies: Array<{ connectionId: string; message: ServerMessage }> = [];
  const handler = messageHandler(
    { stop: action },
    { post: async (connectionId, message) => void replies.push({ connectionId, message }), consume: async () => ({ ok: true }) },
  );
  return { replies, handler };
}

describe('messageHandler', () => {
  it('answers a StaleEpochError with conflict', async () => {
    const { replies, handler } = harness(async () => {
      throw new StaleEpochError('pvai:g1:alice', 4);
    });
    expect(await handler(wsEvent('c-1', 'alice', { action: 'stop' }))).toEqual({ statusCode: 200 });
    expect(replies).toEqual([{ connectionId: 'c-1', message: expect.objectContaining({ type: 'error', code: 'conflict', action: 'stop' }) }]);
  });

  it('answers a ReplyError with its code and an unexpected error with internal', async () => {
    const refused = harness(async () => {
      throw new ReplyError('bad_request', 'not attached to a stream');
    });
    await refused.handler(wsEvent('c-1', 'alice', { action: 'stop' }));
    expect(refused.replies[0]?.message).toEqual({ type: 'error', code: 'bad_request', message: 'not attached to a stream', action: 'stop' });
    const broken = harness(async () => {
      throw new Error('boom');
    });
    await broken.handler(wsEvent('c-1', 'alice', { action: 'stop' }));
    expect(broken.replies[0]?.message).toMatchObject({ type: 'error', code: 'internal', action: 'stop' });
  });
});
