/**
 * The payload the append path invokes the index function with to fold a live game's keyframes
 * on (adapters/live-keyframer.ts sends it, handlers/index-recording.ts reads it): a JSON object
 * `{ "refoldLiveKeyframes": gameId }`, told apart from the S3 events the function also takes by
 * its one key.
 */
import { isGameId } from '../../protocol/id-patterns';

/** `{ refoldLiveKeyframes: gameId }`. */
export interface RefoldRequest {
  refoldLiveKeyframes: string;
}

/** The request for game `gameId`. */
export function refoldRequest(gameId: string): RefoldRequest {
  return { refoldLiveKeyframes: gameId };
}

/**
 * The game id of a refold request, undefined when `event` is none (an S3 event). Throws a
 * RangeError naming the field when it has the key but not a game id (protocol/id-patterns.ts).
 */
export function refoldGameIdOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null || !('refoldLiveKeyframes' in event)) return undefined;
  const gameId = (event as { refoldLiveKeyframes: unknown }).refoldLiveKeyframes;
  if (typeof gameId !== 'string' || !isGameId(gameId)) throw new RangeError(`refoldLiveKeyframes must be a game id, got ${JSON.stringify(gameId)?.slice(0, 80)}`);
  return gameId;
}
