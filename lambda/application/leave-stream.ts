/**
 * Uncounting a connection that has left its stream — shared by `$disconnect`, `stop`,
 * a re-`start` (and an attach that found the connection on another stream), and fan-out's
 * GoneException cleanup.
 */
import type { ConnectionRow, StreamRow } from '../../contract/rows';
import type { ConnectionRegistry } from '../ports/connections';
import type { StreamStore } from '../ports/streams';

/** Ports of {@link leaveStream}. */
export interface LeaveStreamPorts {
  streams: Pick<StreamStore, 'addClients' | 'markControllers'>;
  connections: Pick<ConnectionRegistry, 'countByStream'>;
}

/**
 * Uncount a connection that has just left its stream (its row already deleted, detached or
 * moved by the caller's own write — the only caller that may uncount it): `clientCount` − 1, and when it was a `player` of a pvai/pvp stream and no
 * player connection is left, start the stream's controller grace (`controllersGoneSince` =
 * `now`, epoch ms; the sweeper ends the stream `stopped` once the grace,
 * CONTROLLER_GRACE_SECONDS, has passed). Returns the stream row after the decrement, or
 * undefined when the connection was on no stream or the stream row does not exist.
 */
export async function leaveStream(
  ports: LeaveStreamPorts,
  left: Pick<ConnectionRow, 'streamId' | 'role'>,
  now: number = Date.now(),
): Promise<StreamRow | undefined> {
  if (!left.streamId) return undefined;
  const row = await ports.streams.addClients(left.streamId, -1, now);
  if (row && left.role === 'player' && row.mode !== 'spectate' && (await ports.connections.countByStream(left.streamId)).players === 0) {
    await ports.streams.markControllers(left.streamId, false, now);
  }
  return row;
}
