/**
 * The identifiers of the wire protocol and the HTTP API, defined once for every side (the
 * Lambda handlers, the CLIs, the browser client). Each id has a pattern (for places that only
 * test a string, such as a URL route) and a zod schema (for messages).
 *
 * Every id starts with a letter or digit and holds only URL- and key-safe characters, so it can
 * sit in a DynamoDB key, an S3 key, a Step Functions execution name (after sanitising) and a
 * URL path segment without escaping.
 */
import * as z from 'zod';

/** Longest game id, in characters. */
export const MAX_GAME_ID_CHARS = 128;
/** Longest stream id, in characters: `pvai:{gameId}:{userId}` of the longest ids, with room to spare. */
export const MAX_STREAM_ID_CHARS = 300;
/** Longest user id, in characters. */
export const MAX_USER_ID_CHARS = 64;

/**
 * A game id (also a pvp room id): 1–128 letters, digits, `.`, `_`, `-`, starting with a
 * letter or digit.
 */
export const GAME_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/**
 * A stream id: built from a mode, ids and (pvai) a user id — `spectate:{gameId}`,
 * `pvai:{gameId}:{userId}`, `pvp:{gameId}:{room}`, `scheduled:{gameId}:{id}` — so it may hold
 * `:` and the `@` of a user id; 1–300 characters.
 */
export const STREAM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,299}$/;
/**
 * A user id as matchcast stores it and puts it in stream keys: 1–64 letters, digits, `.`,
 * `_`, `@`, `-`. Cognito's `sub` (a UUID) fits; an IdP whose `sub` holds other characters
 * (Auth0's `auth0|…`) is refused rather than stored unsafely.
 */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** True when `s` is a valid game id ({@link GAME_ID_PATTERN}). */
export const isGameId = (s: string): boolean => GAME_ID_PATTERN.test(s);
/** True when `s` is a valid stream id ({@link STREAM_ID_PATTERN}). */
export const isStreamId = (s: string): boolean => STREAM_ID_PATTERN.test(s);
/** True when `s` is a valid user id ({@link USER_ID_PATTERN}). */
export const isUserId = (s: string): boolean => USER_ID_PATTERN.test(s);

/** zod schema of a game id or room id, with messages a user can act on. */
export const gameIdSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string (a game id)') })
  .min(1, { error: 'must not be empty' })
  .max(MAX_GAME_ID_CHARS, { error: `must be at most ${MAX_GAME_ID_CHARS} characters` })
  .regex(GAME_ID_PATTERN, { error: 'letters, digits, ".", "_" and "-" only, starting with a letter or digit' });

/** zod schema of a stream id. */
export const streamIdSchema = z
  .string()
  .min(1)
  .max(MAX_STREAM_ID_CHARS)
  .regex(STREAM_ID_PATTERN, { error: 'not a stream id' });
