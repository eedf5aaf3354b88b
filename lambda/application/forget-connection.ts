/**
 * Forgetting a connection that is gone — `$disconnect`, a GoneException during fan-out, a
 * connection closed for accepting nothing, or the sweeper past `expiresAt`.
 */
import type { ConnectionRow, StreamRow } from '../../contract/rows';
import type { ConnectionRegistry } from '../ports/connections';
import type { StreamStore } from '../ports/streams';
import { leaveStream } from './leave-stream';

/** Ports of {@link forgetConnection}. */
export interface ForgetPorts {
  connections: Pick<ConnectionRegistry, 'delete' | 'countByStream'>;
  streams: Pick<StreamStore, 'addClients' | 'markControllers'>;
}

/**
 * Delete the connection's row and, if it was attached to a stream, uncount it there
 * (leave-stream.ts: `clientCount`, controller grace). Exactly once: the registry's delete
 * reports the `streamId` only to the call that took the connection off it (a concurrent
 * detach, move or second delete sees none), and no attach lands on a row being deleted.
 * Returns the deleted row and the stream row after the decrement (for its
 * `presenceVersion`), or undefined when there was no row. `now` is epoch ms.
 */
export async function forgetConnection(
  ports: ForgetPorts,
  connectionId: string,
  now: number = Date.now(),
): Promise<{ connection: ConnectionRow; stream?: StreamRow } | undefined> {
  const connection = await ports.connections.delete(connectionId);
  if (!connection) return undefined;
  const stream = connection.streamId ? await leaveStream(ports, connection, now) : undefined;
  return { connection, stream };
}
