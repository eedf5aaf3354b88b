/**
 * Coalesced `presence` broadcasts (docs/ARCHITECTURE.md "Fan-out"): every `clientCount`
 * change bumps the row's `presenceVersion`; a broadcast is claimed with a conditional write
 * on `presenceSentAt` — at most one per {@link PRESENCE_INTERVAL_MS} per stream — and records
 * the version it covers.
 */
import { isFinished } from '../core/lifecycle';
import type { Broadcaster } from '../ports/broadcaster';
import type { ConnectionRegistry } from '../ports/connections';
import type { Log } from '../ports/log';
import type { StreamStore } from '../ports/streams';
import type { Time } from '../ports/time';
import { reconcileClientCount } from './client-count';

/** At most one `presence` broadcast per stream per this many ms (joins coalesce). */
export const PRESENCE_INTERVAL_MS = 1000;
/** Reads of the row one announcement makes before it gives up (logged). */
const MAX_ANNOUNCE_ATTEMPTS = 5;

/** Ports of {@link announcePresence}. */
export interface PresencePorts {
  streams: Pick<StreamStore, 'get' | 'claimPresence' | 'noteCountCheck' | 'repairClientCount'>;
  connections: Pick<ConnectionRegistry, 'countByStream'>;
  broadcaster: Pick<Broadcaster, 'fanOut'>;
  time: Time;
  log: Log;
  /** A jitter (ms, 0–50 by default) added to each wait, so waiting callers do not claim in lockstep. */
  jitterMs?: () => number;
}

/**
 * Make sure a `presence` (clients, players, spectators) that counts the caller's change
 * reaches everyone on the stream — `version` is the stream's `presenceVersion` right after
 * that change (undefined: broadcast unconditionally soon). When another caller broadcast
 * within the interval, this one waits for the interval to pass and then either finds that a
 * later broadcast already covered its version (done) or claims the next one. A join storm of
 * N viewers thus costs about one broadcast per second instead of N (N² posts). Waits at most
 * a few intervals; a finished or missing stream needs no presence. The counts broadcast are
 * also held against the row's `clientCount` (client-count.ts `reconcileClientCount`).
 */
export async function announcePresence(ports: PresencePorts, streamId: string, version?: number): Promise<void> {
  const jitter = ports.jitterMs ?? (() => Math.floor(Math.random() * 50));
  for (let attempt = 0; attempt < MAX_ANNOUNCE_ATTEMPTS; attempt++) {
    const row = await ports.streams.get(streamId, { consistent: true });
    if (!row || isFinished(row)) return;
    if (version !== undefined && (row.presenceSentVersion ?? -1) >= version) return; // a later broadcast counted us
    const last = row.presenceSentAt;
    const waitMs = last === undefined ? 0 : last + PRESENCE_INTERVAL_MS - ports.time.now();
    if (waitMs > 0) {
      await ports.time.sleep(waitMs + jitter());
      continue;
    }
    if (await ports.streams.claimPresence(streamId, last, ports.time.now())) {
      const counts = await ports.connections.countByStream(streamId);
      await ports.broadcaster.fanOut(streamId, [{ type: 'presence', streamId, ...counts }]);
      // The counts were just taken: compare them with the row's (client-count.ts; a failure here only defers that to a later look).
      await reconcileClientCount(ports, streamId, ports.time.now(), { row, counts }).catch((e: unknown) =>
        ports.log.warn('clientCount not checked', { streamId, error: (e as Error).message }),
      );
      return;
    }
  }
  ports.log.warn('presence not announced: the stream stayed busy', { streamId, version });
}
