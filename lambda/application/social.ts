/**
 * Social pass-through: `chat`, `react` and `input` (docs/PROTOCOL.md) are relayed to the
 * caller's stream and never stored. `input` is a pvp room's relay of a player's input:
 * pvp controllers only, to everyone on the stream but the sender.
 * Metrics (contract/metrics.ts): `ChatMessages` and `Reactions`, one per message relayed.
 */
import type { ChatMessage, ErrorCode, InputMessage, ReactMessage } from '../../protocol/messages';
import type { Caller } from '../core/ws-event';
import type { Broadcaster } from '../ports/broadcaster';
import type { ConnectionRegistry } from '../ports/connections';
import type { StreamStore } from '../ports/streams';
import { NO_METRICS, type Metrics } from '../ports/metrics';
import type { Time } from '../ports/time';

/** Ports of the social use cases. */
export interface SocialPorts {
  connections: Pick<ConnectionRegistry, 'get'>;
  streams: Pick<StreamStore, 'get'>;
  broadcaster: Pick<Broadcaster, 'fanOut'>;
  time: Pick<Time, 'now'>;
  /** ChatMessages, Reactions (default: nowhere). */
  metrics?: Metrics;
}

/** A refusal of a social message: the protocol error `code` and a sentence for the client. */
export class SocialRefusal extends Error {
  constructor(
    readonly code: Extract<ErrorCode, 'bad_request' | 'forbidden'>,
    message: string,
  ) {
    super(message);
    this.name = 'SocialRefusal';
  }
}

async function attachedStreamId(ports: SocialPorts, caller: Caller, action: string): Promise<string> {
  const conn = await ports.connections.get(caller.connectionId);
  if (!conn?.streamId) throw new SocialRefusal('bad_request', `${action}: not attached to a stream: send start or join first`);
  return conn.streamId;
}

/** Relay a chat line to the caller's stream (`chat`, `at` epoch ms). Throws {@link SocialRefusal} `bad_request` when the caller is on no stream. */
export async function relayChat(ports: SocialPorts, caller: Caller, m: ChatMessage): Promise<void> {
  const streamId = await attachedStreamId(ports, caller, 'chat');
  await ports.broadcaster.fanOut(streamId, [{ type: 'chat', streamId, from: caller.displayName, text: m.text, at: ports.time.now() }]);
  (ports.metrics ?? NO_METRICS).add('ChatMessages', 1);
}

/** Relay an emoji reaction to the caller's stream (`reaction`). Throws {@link SocialRefusal} `bad_request` when the caller is on no stream. */
export async function relayReaction(ports: SocialPorts, caller: Caller, m: ReactMessage): Promise<void> {
  const streamId = await attachedStreamId(ports, caller, 'react');
  await ports.broadcaster.fanOut(streamId, [{ type: 'reaction', streamId, from: caller.displayName, emoji: m.emoji, at: ports.time.now() }]);
  (ports.metrics ?? NO_METRICS).add('Reactions', 1);
}

/**
 * Relay a pvp player's input to everyone else on the room's stream. Throws
 * {@link SocialRefusal} `bad_request` (on no stream) or `forbidden` (not a pvp controller).
 */
export async function relayInput(ports: SocialPorts, caller: Caller, m: InputMessage): Promise<void> {
  const streamId = await attachedStreamId(ports, caller, 'input');
  const stream = await ports.streams.get(streamId);
  if (!stream || stream.mode !== 'pvp' || !stream.controllers.includes(caller.userId)) {
    throw new SocialRefusal('forbidden', 'input: only the players of a pvp room send input');
  }
  await ports.broadcaster.fanOut(streamId, [{ type: 'input', streamId, from: caller.displayName, data: m.data }], { except: caller.connectionId });
}
