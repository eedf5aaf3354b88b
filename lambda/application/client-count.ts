/**
 * Reconciling a stream's `clientCount` with the truth — the connections attached to it
 * (`byStream`) — for the one window the exact moves cannot close (docs/ARCHITECTURE.md
 * "Fan-out": a Lambda that dies between writing a connection row and moving the count, or a
 * count write retried by the SDK after a lost answer while another count change slipped in).
 *
 * A mismatch is normal for a moment (an attach or a leave between its two writes, the index
 * catching up), so it is only repaired once it has stood still: a first look records it on the
 * row (`countCheck`), and a look at least {@link COUNT_SETTLE_MS} later that finds the same
 * count, the same `presenceVersion` (no count change since) and the same attached connections
 * repairs it with a conditional write. Every writer that moves the count runs inside a Lambda
 * whose timeout (at most the tick's 2 minutes, lib/player-workflow.ts) is shorter than that,
 * so by then no half-done move is still on its way. Never a clamp: the count is set to what
 * `byStream` lists, and the repair is logged.
 */
import type { StreamRow } from '../../contract/rows';
import type { ConnectionRegistry, PresenceCounts } from '../ports/connections';
import type { Log } from '../ports/log';
import type { CountCheck, StreamStore } from '../ports/streams';

/**
 * How long (ms) a mismatch must stand still before it is repaired: longer than any Lambda
 * that moves a count may run (the tick's 2-minute timeout), plus a margin.
 */
export const COUNT_SETTLE_MS = 150_000;

/** Ports of {@link reconcileClientCount}. */
export interface ClientCountPorts {
  streams: Pick<StreamStore, 'get' | 'noteCountCheck' | 'repairClientCount'>;
  connections: Pick<ConnectionRegistry, 'countByStream'>;
  log: Log;
}

/** What {@link reconcileClientCount} found: `ok` (the count is true), `noted` (a mismatch recorded or still settling), `repaired`, `changed` (the row moved meanwhile: nothing written), `gone`. */
export type CountVerdict = 'ok' | 'noted' | 'repaired' | 'changed' | 'gone';

/**
 * Check `streamId`'s `clientCount` against the connections `byStream` lists at `now` (epoch
 * ms) and repair a mismatch that has stood still for {@link COUNT_SETTLE_MS} (see the module
 * note). `seen` — a row just read and the counts taken after it (presence.ts has both) —
 * saves the two reads. Throws the ports' AWS errors.
 */
export async function reconcileClientCount(
  ports: ClientCountPorts,
  streamId: string,
  now: number,
  seen?: { row: StreamRow; counts: PresenceCounts },
): Promise<CountVerdict> {
  const row = seen?.row ?? (await ports.streams.get(streamId, { consistent: true }));
  if (!row) return 'gone';
  const clients = (seen?.counts ?? (await ports.connections.countByStream(streamId))).clients;
  if (clients === row.clientCount) return 'ok';
  const presenceVersion = row.presenceVersion ?? 0;
  const check = (row as StreamRow & { countCheck?: CountCheck }).countCheck;
  const same = check !== undefined && check.presenceVersion === presenceVersion && check.clientCount === row.clientCount && check.clients === clients;
  if (!same) {
    const look: CountCheck = { clientCount: row.clientCount, presenceVersion, clients, at: now };
    return (await ports.streams.noteCountCheck(streamId, look)) ? 'noted' : 'changed';
  }
  if (now - check.at < COUNT_SETTLE_MS) return 'noted';
  const repaired = await ports.streams.repairClientCount(streamId, check, clients, now);
  if (!repaired) return 'changed';
  ports.log.warn('clientCount repaired from the attached connections', { streamId, was: check.clientCount, now: clients, since: check.at });
  return 'repaired';
}
