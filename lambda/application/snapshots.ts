/**
 * Snapshots at join, seek and rejoin (protocol 1.1, docs/PROTOCOL.md "Snapshots"), behind
 * ports/snapshots.ts `SnapshotSource`:
 *
 * - a recording: its keyframes object (contract/keys.ts `keyframesKeyFor`, written by
 *   application/index-recording.ts; read once per function instance and kept), the last
 *   keyframe at or before S, the frames from it to S − 1 (one ranged read through the
 *   recording's index: keyframes are at most K = 64 frames apart), folded by the kind's lean
 *   registry (kinds/lean.ts: terminal without its emulator);
 * - a live game: no keyframes — the frames from 0 to S − 1 read from its chunks and folded,
 *   when S ≤ {@link LIVE_SNAPSHOT_MAX_FRAMES}; past that, or across a terminal resize, no
 *   snapshot. Live games carry no markers.
 *
 * Repeated calls on one source extend the last state computed when they can (the quiet-moment
 * wait of application/session.ts asks again as the stream moves on). The tick never calls this.
 */
import { keyframesKeyFor } from '../../contract/keys';
import { applyFrames, keyframeFor } from '../../kinds/keyframes';
import { jsonBytes, MAX_SNAPSHOT_BYTES, type AnyGameKind } from '../../kinds/kind';
import { generic } from '../../kinds/generic';
import { leanKindOf } from '../../kinds/lean';
import { KEYFRAMES_FORMAT, RECORDING_FORMAT, type RecordingKeyframes } from '../../protocol/recording';
import type { WireFrame, WireMarker, WireSnapshot } from '../../protocol/server';
import type { StreamRow } from '../../contract/rows';
import { NotFoundError } from '../ports/errors';
import type { FrameSource } from '../ports/frames';
import type { RecordingStore } from '../ports/recordings';
import type { SnapshotSource } from '../ports/snapshots';
import type { FrameHistory } from './frames';

/** Most frames of a live game folded for one snapshot (read from its chunks at each join). */
export const LIVE_SNAPSHOT_MAX_FRAMES = 2000;
/** Keyframes objects kept per function instance (each at most a few hundred KB). */
const CACHE_ENTRIES = 32;

/** What a snapshot source needs of a stream (or a game before its stream exists). */
export type SnapshotHistory = FrameHistory & Pick<StreamRow, 'kind'> & { title?: string; participants?: string[] };

/** Ports of the snapshot sources. */
export interface SnapshotPorts {
  recordings: Pick<RecordingStore, 'readText'>;
  /** The frame source of a history (application/frames.ts `frameSourceFor`). */
  frames: (history: FrameHistory) => FrameSource;
}

/** Keyframes objects by key, with the `frameCount` they were read for (null: none usable for it). */
const cache = new Map<string, { frameCount: number; kf: RecordingKeyframes | null }>();

/** Forget every cached keyframes object (tests). */
export function clearKeyframesCache(): void {
  cache.clear();
}

/** The snapshot source of `history`: its keyframes when it is a recording, its chunks when a live game. */
export function snapshotSourceFor(ports: SnapshotPorts, history: SnapshotHistory): SnapshotSource {
  return history.liveStatus !== undefined || history.livePlayback !== undefined ? new LiveSnapshots(ports, history) : new RecordedSnapshots(ports, history);
}

function lean(kindName: string): AnyGameKind {
  return leanKindOf(kindName) ?? generic;
}

function fits(snapshot: WireSnapshot): WireSnapshot | undefined {
  return jsonBytes(snapshot.state) <= MAX_SNAPSHOT_BYTES ? snapshot : undefined;
}

/** The last state a source computed, to extend from. */
interface Folded {
  seq: number;
  state: unknown;
}

/**
 * The state at `seq` folded from `from` (a keyframe, or a state computed before): the frames
 * `[from.seq, seq)` read from the history in one read and applied with the kind's reducer.
 * Undefined when the read comes back short or out of place, a frame fails `accept`, or the
 * reducer throws (the viewer then gets no snapshot, never a wrong one).
 */
async function foldTo(
  ports: SnapshotPorts,
  history: SnapshotHistory,
  kind: AnyGameKind,
  from: Folded,
  seq: number,
  accept: (f: WireFrame) => boolean = () => true,
): Promise<Folded | undefined> {
  let frames: WireFrame[] = [];
  if (seq > from.seq) {
    frames = await ports.frames(history).read(from.seq, seq, seq - from.seq);
    if (frames.length !== seq - from.seq || frames[0]?.seq !== from.seq || !frames.every(accept)) return undefined;
  }
  try {
    return { seq, state: await applyFrames(kind, from.state, frames) };
  } catch {
    return undefined;
  }
}

class RecordedSnapshots implements SnapshotSource {
  private last: Folded | undefined;

  constructor(
    private readonly ports: SnapshotPorts,
    private readonly history: SnapshotHistory,
  ) {}

  /**
   * The keyframes object, cached per function instance for the history's `frameCount` (a
   * re-upload with another length is read again). Null when there is none usable: missing
   * (indexed before keyframes existed), unreadable, or for another length.
   */
  private async keyframes(): Promise<RecordingKeyframes | null> {
    const key = keyframesKeyFor(this.history.recordingKey);
    const cached = cache.get(key);
    if (cached && cached.frameCount === this.history.frameCount) return cached.kf;
    let kf: RecordingKeyframes | null;
    try {
      const parsed = JSON.parse(await this.ports.recordings.readText(key)) as RecordingKeyframes;
      kf = parsed.format === KEYFRAMES_FORMAT && parsed.frameCount === this.history.frameCount ? parsed : null;
    } catch (e) {
      if (!(e instanceof NotFoundError) && !(e instanceof SyntaxError)) throw e;
      kf = null; // indexed before keyframes existed: no snapshots for it
    }
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(key, { frameCount: this.history.frameCount, kf });
    return kf;
  }

  async snapshotAt(seq: number): Promise<WireSnapshot | undefined> {
    const kf = await this.keyframes();
    if (!kf || kf.keyframes.length === 0 || seq < 0 || seq > kf.frameCount) return undefined;
    const kind = lean(kf.kind);
    const k = keyframeFor(kf, seq);
    // Extend the last state when it lies between this seq's keyframe and the seq.
    const from: Folded = this.last && this.last.seq <= seq && this.last.seq >= k.seq ? this.last : k;
    const folded = await foldTo(this.ports, this.history, kind, from, seq);
    if (!folded) return undefined;
    this.last = folded;
    return fits({ seq, state: kind.snapshot(folded.state) });
  }

  async markers(): Promise<WireMarker[]> {
    return (await this.keyframes())?.markers ?? [];
  }
}

class LiveSnapshots implements SnapshotSource {
  private last: Folded | undefined;

  constructor(
    private readonly ports: SnapshotPorts,
    private readonly history: SnapshotHistory,
  ) {}

  async snapshotAt(seq: number): Promise<WireSnapshot | undefined> {
    if (seq < 0 || seq > LIVE_SNAPSHOT_MAX_FRAMES) return undefined;
    const kind = lean(this.history.kind);
    const from: Folded =
      this.last && this.last.seq <= seq
        ? this.last
        : {
            seq: 0,
            state: kind.initialState({
              format: RECORDING_FORMAT,
              gameId: this.history.gameId,
              kind: this.history.kind,
              title: this.history.title ?? this.history.gameId,
              participants: this.history.participants ?? [],
              durationMs: 0,
              frameCount: 0,
              meta: {},
            }),
          };
    // Published events are checked against the matchcast/1 format only, not the kind's schema.
    const folded = await foldTo(this.ports, this.history, kind, from, seq, (f) => kind.frameSchema.safeParse(f).success);
    if (!folded) return undefined;
    this.last = folded;
    return fits({ seq, state: kind.snapshot(folded.state) });
  }

  async markers(): Promise<WireMarker[]> {
    return [];
  }
}
