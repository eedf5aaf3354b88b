/**
 * The identifiers of the wire protocol and the HTTP API, defined once for every side (the
 * Lambda handlers, the CLIs, the browser client). Each id has a pattern (for places that only
 * test a string, such as a URL route: protocol/id-patterns.ts, re-exported here) and a zod schema
 * (for messages).
 *
 * Every id starts with a letter or digit and holds only URL- and key-safe characters, so it can
 * sit in a DynamoDB key, an S3 key, a Step Functions execution name (after sanitising) and a
 * URL path segment without escaping.
 */
import * as z from 'zod';
import { GAME_ID_PATTERN, MAX_GAME_ID_CHARS, MAX_STREAM_ID_CHARS, STREAM_ID_PATTERN } from './id-patterns';

export * from './id-patterns';

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
