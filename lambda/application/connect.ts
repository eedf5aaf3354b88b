/**
 * `$connect`: the authorizer has already verified the token; the connection is recorded, its
 * display name cleaned (protocol/server.ts `cleanDisplayName`): bidi controls (U+202A–U+202E,
 * U+2066–U+2069), zero-width and other invisible format characters (Unicode category Cf) and
 * control characters are removed rather than refused — a `$connect` refusal reaches the
 * client only as an HTTP 403 without words, and the name comes from the identity provider,
 * where the user may not be able to change it. A name with nothing left is the userId.
 */
import { cleanDisplayName } from '../../protocol/server';
import type { Caller } from '../core/ws-event';
import type { ConnectionRow } from '../../contract/rows';
import type { ConnectionRegistry } from '../ports/connections';
import type { Time } from '../ports/time';
import { NO_QUOTAS, type UserQuotas } from '../ports/quotas';

/** API Gateway's maximum connection duration (2 h, API Gateway quotas) plus a margin, in seconds. */
export const CONNECTION_TTL_SECONDS = 2 * 3600 + 10 * 60;

/** Ports of {@link recordConnection}. */
export interface ConnectPorts {
  connections: Pick<ConnectionRegistry, 'put'>;
  time: Pick<Time, 'now'>;
  /** The per-user quotas (`connections`); default none. */
  quotas?: Pick<UserQuotas, 'acquire' | 'release'>;
}

/**
 * Write the caller's connection row: on no stream yet, the display name cleaned (module
 * comment), `connectedAt`/`lastSeenAt` now (epoch ms), `expiresAt` (TTL, epoch **seconds**)
 * {@link CONNECTION_TTL_SECONDS} out, counted against the user's `connections` quota. Returns
 * the row. Throws QuotaExceededError (ports/quotas.ts) when the user has as many connections
 * open as the quota allows (nothing is written).
 */
export async function recordConnection(ports: ConnectPorts, caller: Pick<Caller, 'connectionId' | 'userId' | 'displayName'>): Promise<ConnectionRow> {
  const now = ports.time.now();
  const row: ConnectionRow = {
    connectionId: caller.connectionId,
    userId: caller.userId,
    displayName: cleanDisplayName(caller.displayName, caller.userId),
    connectedAt: now,
    lastSeenAt: now,
    expiresAt: Math.floor(now / 1000) + CONNECTION_TTL_SECONDS,
  };
  const quotas = ports.quotas ?? NO_QUOTAS;
  await quotas.acquire(caller.userId, 'connections', caller.connectionId);
  await ports.connections.put(row).catch(async (e: unknown) => {
    await quotas.release('connections', caller.connectionId).catch(() => undefined);
    throw e;
  });
  return row;
}
