/**
 * The shape every message handler shares: parse (zod, protocol/messages.ts) → rate limit (the
 * action's bucket, core/rate-limit.ts) → dispatch to the action's function → reply `error`
 * for anything refused. No stack trace ever reaches a client: unexpected failures are
 * logged with the request id and answered `internal`.
 */
import type { ClientAction, ClientMessage, ErrorCode, ServerMessage } from '../../protocol/messages';
import { errorMessage, parseClientMessage } from '../../protocol/messages';
import { rateLimitedMessage, type BucketName } from '../core/rate-limit';
import { bodyOf, callerOf, type Caller, type WebSocketEvent } from '../core/ws-event';
import { NotFoundError, StaleEpochError } from './errors';
import { logger } from './log';
import type { RateDecision } from './rate-limit';

/** Thrown by an action to refuse a request with a protocol error code; nothing was changed. */
export class ReplyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly action?: string,
    /** `rate_limited`: ms until a retry can pass (the reply's `retryAfterMs`). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ReplyError';
  }
}

/** An action implementation: gets the caller and its validated message. */
export type ActionFn<A extends ClientAction> = (caller: Caller, message: Extract<ClientMessage, { action: A }>) => Promise<void>;
export type ActionTable = { [A in ClientAction]?: ActionFn<A> };
/** Which rate bucket each action of a route draws from; an action not listed is not limited. */
export type RateLimitTable = { [A in ClientAction]?: BucketName };

/** Options of {@link messageHandler}. */
export interface MessageHandlerOptions {
  /** Rate limits by action (per user: every connection of the caller's user shares each bucket). */
  limits?: RateLimitTable;
  /** Takes a token from the caller's user's bucket (rate-limit.ts `consumeRateToken` on the function's Connections table). */
  consume: (caller: Pick<Caller, 'connectionId' | 'userId'>, bucket: BucketName) => Promise<RateDecision>;
  /** Sends a reply to one connection (the function's `Broadcaster.post`); a gone caller is not an error (it left). */
  post: (connectionId: string, message: ServerMessage) => Promise<unknown>;
}

/**
 * A WebSocket route handler over an action table. Always answers `{ statusCode: 200 }`
 * (replies travel by PostToConnection); refusals are `error` messages to the caller.
 * A valid message of an action listed in `opts.limits` first takes a token from the
 * caller's user's bucket; without one it gets `error` `rate_limited` (`…; retry in N ms`, and
 * `retryAfterMs` N) and the action does not run — nothing else changes. A `StaleEpochError` that outlives the
 * action's own retries is answered `conflict`; any other unexpected error `internal`.
 */
export function messageHandler(actions: ActionTable, opts: MessageHandlerOptions) {
  const limits = opts.limits ?? {};
  const consume = opts.consume;
  const reply = async (caller: Pick<Caller, 'connectionId'>, message: ServerMessage): Promise<void> => {
    await opts.post(caller.connectionId, message);
  };
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
      const bucket = limits[message.action];
      if (bucket) {
        const taken = await consume(caller, bucket);
        if (!taken.ok) {
          throw new ReplyError('rate_limited', rateLimitedMessage(message.action, bucket, taken.retryInMs, taken.spec), message.action, taken.retryInMs);
        }
      }
      await fn(caller, message as never);
    } catch (e) {
      if (e instanceof ReplyError) {
        const refusal = { code: e.code, message: e.message, action: e.action ?? message.action };
        await reply(caller, errorMessage(e.retryAfterMs === undefined ? refusal : { ...refusal, retryAfterMs: e.retryAfterMs }));
      } else if (e instanceof StaleEpochError) {
        // The stream kept changing under the action (concurrent controls won every retry):
        // PROTOCOL.md's `conflict` — the client may try again on the stream's new state.
        await reply(caller, errorMessage({ code: 'conflict', message: `${message.action}: the stream kept changing; try again`, action: message.action }));
      } else if (e instanceof NotFoundError && e.what === 'connection' && e.id === caller.connectionId) {
        // The caller disconnected while its action ran ($disconnect deleted its row, so the
        // attach found none): a client leaving, not a failure — and nobody left to answer.
        logger.info('caller left during its action', { action: message.action, connectionId: caller.connectionId, requestId: caller.requestId });
      } else {
        logger.error('action failed', { action: message.action, connectionId: caller.connectionId, requestId: caller.requestId, error: e as Error });
        await reply(caller, errorMessage({ code: 'internal', message: `something went wrong on our side (request ${caller.requestId})`, action: message.action }));
      }
    }
    return { statusCode: 200 };
  };
}
