/**
 * Defaults of the settings the stack passes to the functions (contract/env.ts), defined once:
 * the CDK constructs use them for their `@default`s, the functions fall back to them when a
 * variable is unset (local mode, tests).
 */

/** Seconds a stream with no clients lives on before the sweeper ends it `idle`: 5 minutes. */
export const DEFAULT_IDLE_TTL_SECONDS = 300;
/** Wall-clock seconds a stream may run before it ends with `max_duration`: 8 hours. */
export const DEFAULT_MAX_STREAM_SECONDS = 8 * 3600;
/** Seconds a pvai/pvp stream may go without a connected controller (a reconnect's grace). */
export const DEFAULT_CONTROLLER_GRACE_SECONDS = 30;
/** Seconds a playing stream may be without a running execution before it counts as a zombie. */
export const DEFAULT_ZOMBIE_GRACE_SECONDS = 60;
/** Most connections attached to one stream. */
export const DEFAULT_MAX_CLIENTS_PER_STREAM = 1000;
/**
 * Playout buffer (ms) of a recorded game's spectate stream (docs/PROTOCOL.md "Playout buffer
 * (1.1)"): 2 s. A spectate stream has no controllers, so what a larger buffer costs — the
 * frames already sent that a `state` makes clients drop and the tick sends again — is paid
 * only by an operator's restart; 2 s still packs every frame of a dense recording due within
 * 2 s of wall time (128 s of media at 64×) into one `frames` message, and a viewer rides out
 * a 2 s stall of the tick or the network without a gap.
 */
export const DEFAULT_SPECTATE_LEAD_MS = 2000;
/** Largest playout buffer (ms) a stream may be given: 60 s. */
export const MAX_LEAD_MS = 60_000;
/**
 * Milliseconds over which a stream's reactions are summed into one `reactions` message
 * (`{ emoji: count }`): 1 s — one fan-out per second however many viewers click, and still
 * felt as "now" by a person watching.
 */
export const DEFAULT_REACTION_WINDOW_MS = 1000;

/**
 * API Gateway's account-level throttle, shared by every API of an account in one Region
 * (API Gateway quotas: 10,000 requests/s steady rate, burst 5,000, per account and Region).
 * `ratePerSecond` is requests/s, `burst` the token-bucket size in requests. The audience
 * planner caps fan-out shards by it; the AWS-model bench hands it to the local gateway as
 * `limits.managementThrottle`.
 */
export const ACCOUNT_THROTTLE: { readonly ratePerSecond: number; readonly burst: number } = { ratePerSecond: 10_000, burst: 5_000 };

/**
 * Per-user quotas by default (lambda/ports/quotas.ts; docs/SECURITY.md "Limits"): how many of
 * each a user may hold at once across all their connections. `connections`: open WebSocket
 * connections (a few tabs and a terminal); `streams`: streams the user started still running;
 * `executions`: Player executions running for them; `scheduled`: `POST /streams` not yet
 * ended; `liveGames`: live games open (`PUT /games/{gameId}`).
 */
export const DEFAULT_USER_QUOTAS = { connections: 20, streams: 5, executions: 5, scheduled: 50, liveGames: 10 } as const;
