/**
 * Social pass-through: `chat`, `react` and `input` (docs/PROTOCOL.md), never stored.
 * - `chat` is relayed to the caller's stream, with the sender's display name (cleaned:
 *   protocol/server.ts `cleanDisplayName`) and short stable id (`fromId`, `senderIdOf`).
 * - `react` is summed per stream over a window ({@link SocialPorts.reactionWindowMs}, default
 *   contract/defaults.ts, 1 s): the first reaction of a window waits for its end and fans out
 *   one `reactions` message with the counts per emoji; the others only add to the count. So a
 *   stream's reactions cost one fan-out per window, however many viewers click.
 * - `input` is a pvp room's relay of a player's input: pvp controllers only, to everyone on
 *   the stream but the sender.
 * `chat` and `input` spend the stream-wide social budget ({@link SocialPorts.budget}): one
 * token per viewer they fan out to, so one stream's chat cannot take more than its share of
 * the API Gateway throttle (core/rate-limit.ts).
 * Metrics (contract/metrics.ts): `ChatMessages` and `Reactions`, one per message relayed or counted.
 */
import { DEFAULT_REACTION_WINDOW_MS } from '../../contract/defaults';
import { cleanDisplayName, senderIdOf, type ChatMessage, type ErrorCode, type InputMessage, type ReactMessage } from '../../protocol/messages';
import { streamBusyMessage, type BucketSpec } from '../core/rate-limit';
import type { Caller } from '../core/ws-event';
import type { Broadcaster } from '../ports/broadcaster';
import type { ConnectionRegistry } from '../ports/connections';
import type { StreamStore } from '../ports/streams';
import { NO_METRICS, type Metrics } from '../ports/metrics';
import type { Time } from '../ports/time';

/**
 * The reactions of each stream, summed per window (adapters/reaction-windows.ts on DynamoDB;
 * an in-memory one in the tests). `windowStart` is epoch ms, a multiple of the window length.
 * A window is closed once, by its publisher, and reads its counts in the same atomic step, so
 * every reaction is counted in exactly one published window: an add that finds its window
 * closed is told so and goes to the next one.
 */
export interface ReactionWindows {
  /**
   * Count one `emoji` in the window, atomically: `first` for the window's first reaction (its
   * caller publishes the window), `counted` for a later one, `closed` when the window was
   * already closed (nothing counted: the caller adds it to the next window).
   */
  add(streamId: string, windowStart: number, emoji: string): Promise<'first' | 'counted' | 'closed'>;
  /** Close the window and return its counts (emoji → number) in one atomic step: every later add is `closed`. */
  close(streamId: string, windowStart: number): Promise<Record<string, number>>;
}

/** Ports of the social use cases. */
export interface SocialPorts {
  connections: Pick<ConnectionRegistry, 'get'>;
  streams: Pick<StreamStore, 'get'>;
  broadcaster: Pick<Broadcaster, 'fanOut'>;
  time: Pick<Time, 'now' | 'sleep'>;
  /** ChatMessages, Reactions (default: nowhere). */
  metrics?: Metrics;
  /**
   * The stream-wide social budget: spend `posts` tokens (the audience of one fan-out) of
   * stream `streamId`'s bucket (adapters/rate-limit.ts `consumeStreamBudget`). Default: no budget.
   */
  budget?: (streamId: string, posts: number) => Promise<{ ok: true } | { ok: false; retryInMs: number; spec?: BucketSpec }>;
  /** Where reactions are summed. Default: none — each `react` fans out a `reactions` of its own (count 1). */
  reactions?: ReactionWindows;
  /** Length of a reaction window, ms (default contract/defaults.ts `DEFAULT_REACTION_WINDOW_MS`, 1,000). */
  reactionWindowMs?: number;
}

/**
 * How long after its window's end the publisher of a window closes it, ms: room for the
 * writes of reactions that arrived just before the end to land in their own window. One that
 * lands after the close is not lost: it is counted in the next window (its summary a window late).
 */
export const REACTION_GRACE_MS = 150;

/** Windows a reaction may move on when it finds each closed (a publisher closing them as it adds): far more than a live stream sees. */
const MAX_WINDOW_MOVES = 3;

/** A refusal of a social message: the protocol error `code`, a sentence for the client, and for `rate_limited` the wait (ms). */
export class SocialRefusal extends Error {
  constructor(
    readonly code: Extract<ErrorCode, 'bad_request' | 'forbidden' | 'rate_limited'>,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SocialRefusal';
  }
}

/** The sender as chat shows it: the cleaned display name and the short stable id of the userId. */
export function senderOf(caller: Pick<Caller, 'userId' | 'displayName'>): { from: string; fromId: string } {
  return { from: cleanDisplayName(caller.displayName, caller.userId), fromId: senderIdOf(caller.userId) };
}

/** Spend the stream budget for a fan-out to the stream's audience; throws a `rate_limited` {@link SocialRefusal} when it is spent. */
async function spendBudget(ports: SocialPorts, streamId: string, action: string): Promise<void> {
  if (!ports.budget) return;
  const audience = Math.max(1, (await ports.streams.get(streamId))?.clientCount ?? 1);
  const r = await ports.budget(streamId, audience);
  if (!r.ok) throw new SocialRefusal('rate_limited', streamBusyMessage(action, audience, r.retryInMs, r.spec), r.retryInMs);
}

async function attachedStreamId(ports: SocialPorts, caller: Caller, action: string): Promise<string> {
  const conn = await ports.connections.get(caller.connectionId);
  if (!conn?.streamId) throw new SocialRefusal('bad_request', `${action}: not attached to a stream: send start or join first`);
  return conn.streamId;
}

/**
 * Relay a chat line to the caller's stream (`chat` with `from`, `fromId`, `at` epoch ms).
 * Throws {@link SocialRefusal} `bad_request` when the caller is on no stream, `rate_limited`
 * (with the wait) when the stream's social budget is spent.
 */
export async function relayChat(ports: SocialPorts, caller: Caller, m: ChatMessage): Promise<void> {
  const streamId = await attachedStreamId(ports, caller, 'chat');
  await spendBudget(ports, streamId, 'chat');
  await ports.broadcaster.fanOut(streamId, [{ type: 'chat', streamId, ...senderOf(caller), text: m.text, at: ports.time.now() }]);
  (ports.metrics ?? NO_METRICS).add('ChatMessages', 1);
}

/**
 * Count an emoji reaction in the caller's stream's current window. The window's first
 * reaction waits for the window to end (plus {@link REACTION_GRACE_MS}) and fans out one
 * `reactions` message with the counts; the others return at once. Without
 * {@link SocialPorts.reactions} it fans out a `reactions` of count 1. Throws
 * {@link SocialRefusal} `bad_request` when the caller is on no stream.
 */
export async function relayReaction(ports: SocialPorts, caller: Caller, m: ReactMessage): Promise<void> {
  const streamId = await attachedStreamId(ports, caller, 'react');
  (ports.metrics ?? NO_METRICS).add('Reactions', 1);
  const windowMs = ports.reactionWindowMs ?? DEFAULT_REACTION_WINDOW_MS;
  if (!ports.reactions) {
    await ports.broadcaster.fanOut(streamId, [{ type: 'reactions', streamId, counts: { [m.emoji]: 1 }, windowMs, at: ports.time.now() }]);
    return;
  }
  let windowStart = Math.floor(ports.time.now() / windowMs) * windowMs;
  let added = await ports.reactions.add(streamId, windowStart, m.emoji);
  // Its window closed before the add landed (the add was slow): it counts in the next one.
  for (let moves = 0; added === 'closed' && moves < MAX_WINDOW_MOVES; moves++) {
    windowStart += windowMs;
    added = await ports.reactions.add(streamId, windowStart, m.emoji);
  }
  if (added === 'closed') throw new Error(`react: ${MAX_WINDOW_MOVES + 1} reaction windows of ${streamId} closed before the add landed`);
  if (added !== 'first') return;
  const end = windowStart + windowMs;
  await ports.time.sleep(end + REACTION_GRACE_MS - ports.time.now());
  const counts = await ports.reactions.close(streamId, windowStart);
  if (Object.keys(counts).length === 0) return;
  await ports.broadcaster.fanOut(streamId, [{ type: 'reactions', streamId, counts, windowMs, at: end }]);
}

/**
 * Relay a pvp player's input to everyone else on the room's stream. Throws
 * {@link SocialRefusal} `bad_request` (on no stream), `forbidden` (not a pvp controller) or
 * `rate_limited` (the stream's social budget is spent).
 */
export async function relayInput(ports: SocialPorts, caller: Caller, m: InputMessage): Promise<void> {
  const streamId = await attachedStreamId(ports, caller, 'input');
  const stream = await ports.streams.get(streamId);
  if (!stream || stream.mode !== 'pvp' || !stream.controllers.includes(caller.userId)) {
    throw new SocialRefusal('forbidden', 'input: only the players of a pvp room send input');
  }
  await spendBudget(ports, streamId, 'input');
  await ports.broadcaster.fanOut(streamId, [{ type: 'input', streamId, ...senderOf(caller), data: m.data }], { except: caller.connectionId });
}
