/**
 * The social handler: `chat`, `react`, `input` (PROTOCOL.md). Relayed to the caller's
 * stream and never stored (the tennis seed's "Volatile Live Chat"). `input` is the pong
 * seed's relay of player input to the room: pvp controllers only, to everyone else.
 */
import type { ChatMessage, InputMessage, ReactMessage } from '../../protocol/messages';
import type { Caller } from '../core/ws-event';
import { getConnection, getStream } from '../adapters/dynamo';
import { fanOut } from '../adapters/fanout';
import { messageHandler, ReplyError } from '../adapters/ws-handler';

async function attachedStreamId(caller: Caller, action: string): Promise<string> {
  const conn = await getConnection(caller.connectionId);
  if (!conn?.streamId) throw new ReplyError('bad_request', `${action}: not attached to a stream: send start or join first`);
  return conn.streamId;
}

async function chat(caller: Caller, m: ChatMessage): Promise<void> {
  const streamId = await attachedStreamId(caller, 'chat');
  await fanOut(streamId, [{ type: 'chat', streamId, from: caller.displayName, text: m.text, at: Date.now() }]);
}

async function react(caller: Caller, m: ReactMessage): Promise<void> {
  const streamId = await attachedStreamId(caller, 'react');
  await fanOut(streamId, [{ type: 'reaction', streamId, from: caller.displayName, emoji: m.emoji, at: Date.now() }]);
}

async function input(caller: Caller, m: InputMessage): Promise<void> {
  const streamId = await attachedStreamId(caller, 'input');
  const stream = await getStream(streamId);
  if (!stream || stream.mode !== 'pvp' || !stream.controllers.includes(caller.userId)) {
    throw new ReplyError('forbidden', 'input: only the players of a pvp room send input');
  }
  await fanOut(streamId, [{ type: 'input', streamId, from: caller.displayName, data: m.data }], { except: caller.connectionId });
}

/** Per-connection rate limits (issue 4; limits and reasons in core/rate-limit.ts). */
export const handler = messageHandler({ chat, react, input }, { limits: { chat: 'chat', react: 'react', input: 'input' } });
