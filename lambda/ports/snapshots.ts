/**
 * A stream's snapshots and markers (protocol 1.1, docs/PROTOCOL.md "Snapshots"): what a viewer
 * who did not see every frame from seq 0 is sent first. Built per stream by
 * application/snapshots.ts `snapshotSourceFor` (a recording's keyframes object and frames; a
 * live game's chunks); `join`, `start`, `rejoin` and `seek` read through it. Never used by
 * the tick.
 */
import type { WireMarker, WireSnapshot } from '../../protocol/server';

/** The snapshots of one stream's history. */
export interface SnapshotSource {
  /**
   * `{ seq, state }`: the kind's snapshot after every frame with seq < `seq` (0…frameCount).
   * Undefined when none can be made (a recording indexed without keyframes, a kind that
   * refused its frames, a live game past the bound, a state over 64 KB). Throws only the
   * ports' transient errors (ThrottledError, …).
   */
  snapshotAt(seq: number): Promise<WireSnapshot | undefined>;
  /** The recording's markers (≤ 2,000, sorted by seq); `[]` when it has none or none are known. */
  markers(): Promise<WireMarker[]>;
}
