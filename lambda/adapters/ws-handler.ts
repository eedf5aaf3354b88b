/**
 * The shape every message handler shares: parse (zod, protocol.ts) → dispatch to the
 * action's function → reply `error` for anything refused. No stack trace ever reaches a
 * client: unexpected failures are logged with the request id and answered `internal`.
 */
import type { ClientAction, ClientMessage, ErrorCode, ServerMessage } from '../core/protocol';
import { errorMessage, parseClientMessage } from '../core/protocol';
import { bodyOf, callerOf, type Caller, type WebSocketEvent } from '../core/ws-event';
import { postToConnection } from './fanout';
import { logger } from './log';

/** Thrown by an action to refuse a request with a protocol error code; nothing was changed. */
export class ReplyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly action?: string,
  ) {
    super(message);
    this.name = 'ReplyError';
  }
}

/** An action implementation: gets the caller and its validated message. */
export type ActionFn<A extends ClientAction> = (caller: Caller, message: Extract<ClientMessage, { action: A }>) => Promise<void>;
export type ActionTable = { [A in ClientAction]?: ActionFn<A> };

/** Send one message to the caller; a gone caller is not an error (it left). */
export async function reply(caller: Pick<Caller, 'connectionId'>, message: ServerMessage): Promise<void> {
  await postToConnection(caller.connectionId, message);
}

/**
 * A WebSocket route handler over an action table. Always answers `{ statusCode: 200 }`
 * (replies travel by PostToConnection); refusals are `error` messages to the caller.
 */
export function messageHandler(actions: ActionTable) {
  return async (event: WebSocketEvent): Promise<{ statusCode: number }> => {
    const caller = callerOf(event);
    const parsed = parseClientMessage(bodyOf(event));
    if (!parsed.ok) {
      await reply(caller, errorMessage(parsed.error));
      return { statusCode: 200 };
    }
    const message = parsed.message;
    const fn = actions[message.action] as ActionFn<typeof message.action> | undefined;
    try {
      if (!fn) throw new ReplyError('unknown_action', `action "${message.action}" is not served on this route`, message.action);
      await fn(caller, message as never);
    } catch (e) {
      if (e instanceof ReplyError) {
        await reply(caller, errorMessage({ code: e.code, message: e.message, action: e.action ?? message.action }));
      } else {
        logger.error('action failed', { action: message.action, connectionId: caller.connectionId, requestId: caller.requestId, error: e as Error });
        await reply(caller, errorMessage({ code: 'internal', message: `something went wrong on our side (request ${caller.requestId})`, action: message.action }));
      }
    }
    return { statusCode: 200 };
  };
}
