/**
 * The identifiers' patterns and lengths, without their zod schemas (protocol/ids.ts adds
 * those and re-exports these): for code that only tests a string and must not bundle zod —
 * the index function, whose bundle the terminal emulator already fills.
 */
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
