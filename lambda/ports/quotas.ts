/**
 * Per-user quotas on what a user holds across all their connections (docs/SECURITY.md
 * "Limits"): connections open, streams they started, Player executions running for their
 * streams, scheduled streams (`POST /streams`), live games open (`PUT /games/{gameId}`).
 *
 * A user holds a resource under a holder id (the connectionId, the streamId, the gameId): each
 * acquire names the holder, so a repeated acquire of the same holder (an SDK retry after a
 * lost answer, an idempotent `PUT`) counts once, and a release needs only the resource and the
 * holder id — the quota store remembers whose it was.
 */

/** The resources a user's quotas bound. */
export const QUOTA_RESOURCES = ['connections', 'streams', 'executions', 'scheduled', 'liveGames'] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

/** Most of each resource one user may hold at once (positive integers). */
export type QuotaLimits = Readonly<Record<QuotaResource, number>>;

/** What each resource is, and what to do when its limit is reached: the refusal's wording. */
const WHAT: Record<QuotaResource, { what: string; advice: string }> = {
  connections: { what: 'open connections', advice: 'close another tab or client first' },
  streams: { what: 'streams you started that are still running', advice: 'stop one of your streams first' },
  executions: { what: 'playing streams of yours', advice: 'stop one of your streams first' },
  scheduled: { what: 'scheduled streams not yet ended', advice: 'wait until one has ended' },
  liveGames: { what: 'live games open', advice: 'finish one (POST /games/{gameId}/finish) first' },
};

/**
 * A user already holds `limit` of `resource`: the acquire changed nothing. Its message is a
 * plain sentence naming the limit, for the client (`error` code `limit_exceeded`, HTTP 429).
 */
export class QuotaExceededError extends Error {
  constructor(
    readonly userId: string,
    readonly resource: QuotaResource,
    readonly limit: number,
  ) {
    super(`limit reached: at most ${limit} ${WHAT[resource].what} per user; ${WHAT[resource].advice}`);
    this.name = 'QuotaExceededError';
  }
}

/** The quota store (lambda/adapters/quotas.ts on DynamoDB; test/lambda/fakes.ts in memory). */
export interface UserQuotas {
  /**
   * Count `holderId` against `userId`'s `resource`. Idempotent: a holder already counted is
   * not counted again (and never refused); one counted for another user stays theirs (a no-op). Throws {@link QuotaExceededError} when the user
   * already holds the limit, or the store's AWS errors (`ThrottledError`/`AwsServiceError`).
   */
  acquire(userId: string, resource: QuotaResource, holderId: string): Promise<void>;
  /**
   * Uncount `holderId` from whoever holds it as `resource`. Idempotent: a holder not (or no
   * longer) counted is a no-op. Throws the store's AWS errors.
   */
  release(resource: QuotaResource, holderId: string): Promise<void>;
}

/** No quotas: every acquire passes (a use case given no quota store; tools and tests). */
export const NO_QUOTAS: UserQuotas = {
  acquire: async () => undefined,
  release: async () => undefined,
};
