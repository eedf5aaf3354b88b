/**
 * Forgetting a connection that is gone — `$disconnect`, a GoneException (410) during fan-out,
 * or the sweeper past `expiresAt`.
 */
import type { ConnectionRow, StreamRow } from '../../contract/rows';
import type { ConnectionRegistry } from '../ports/connections';
import type { StreamStore } from '../ports/streams';
import { NO_QUOTAS, type UserQuotas } from '../ports/quotas';
import { leaveStream } from './leave-stream';

/** Ports of {@link forgetConnection}. */
export interface ForgetPorts {
  connections: Pick<ConnectionRegistry, 'delete' | 'countByStream'>;
  streams: Pick<StreamStore, 'addClients' | 'markControllers'>;
  /** The per-user quotas: the connection's `connections` slot is released; default none. */
  quotas?: Pick<UserQuotas, 'release'>;
}

/**
 * Delete the connection's row and, if it was attached to a stream, uncount it there
 * (leave-stream.ts: `clientCount`, controller grace). Exactly once: the registry's delete
 * reports the `streamId` only to the call that took the connection off it (a concurrent
 * detach, move or second delete sees none), and no attach lands on a row being deleted.
 * Returns the deleted row and the stream row after the decrement (for its
 * `presenceVersion`), or undefined when there was no row. `now` is epoch ms. The user's
 * `connections` quota slot is released whether or not the row was still there (idempotent).
 */
export async function forgetConnection(
  ports: ForgetPorts,
  connectionId: string,
  now: number = Date.now(),
): Promise<{ connection: ConnectionRow; stream?: StreamRow } | undefined> {
  const connection = await ports.connections.delete(connectionId);
  await (ports.quotas ?? NO_QUOTAS).release('connections', connectionId);
  if (!connection) return undefined;
  const stream = connection.streamId ? await leaveStream(ports, connection, now) : undefined;
  return { connection, stream };
}
