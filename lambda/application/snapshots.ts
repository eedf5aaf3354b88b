/**
 * Snapshots at join, seek and rejoin (protocol 1.1, docs/PROTOCOL.md "Snapshots"), behind
 * ports/snapshots.ts `SnapshotSource`:
 *
 * - a recording: its keyframes object (contract/keys.ts `keyframesKeyFor`, written by
 *   application/index-recording.ts; read once per function instance and kept), the last
 *   keyframe at or before S, the frames from it to S − 1 (one ranged read through the
 *   recording's index: keyframes are at most K = 64 frames apart), folded by the kind's lean
 *   registry (kinds/lean.ts: terminal without its emulator). A recording indexed before
 *   keyframes existed (no keyframes object) is folded from frame 0 through its index, up to
 *   S = {@link LIVE_SNAPSHOT_MAX_FRAMES} (re-indexing it adds keyframes: `npm run ingest --`
 *   `FILE --reindex`), and has no markers;
 * - a live game: its keyframes object (contract/keys.ts `liveKeyframesKey`, kept by the
 *   append use case, application/live.ts), read once per source — the last keyframe (or the
 *   object's tail state) at or before S, then the frames after it read from the chunks, at
 *   most {@link LIVE_SNAPSHOT_MAX_FRAMES} of them; its markers are the object's. Without the
 *   object (a game opened before live keyframes existed) it folds from frame 0 up to that
 *   bound. Past a frame the kind could not fold (the object's `stoppedAt`: a refused event,
 *   a terminal resize in the lean kind) there is no snapshot.
 *
 * Repeated calls on one source extend the last state computed when they can (the quiet-moment
 * wait of application/session.ts asks again as the stream moves on). The tick never calls this.
 */
import { keyframesKeyFor } from '../../contract/keys';
import { applyFrames, keyframeFor } from '../../kinds/keyframes';
import { jsonBytes, MAX_SNAPSHOT_BYTES, type AnyGameKind } from '../../kinds/kind';
import { generic } from '../../kinds/generic';
import { leanKindOf } from '../../kinds/lean';
import { KEYFRAMES_FORMAT, RECORDING_FORMAT, type RecordingHeader, type RecordingKeyframes } from '../../protocol/recording';
import type { WireFrame, WireMarker, WireSnapshot } from '../../protocol/server';
import type { StreamRow } from '../../contract/rows';
import { NotFoundError } from '../ports/errors';
import type { FrameSource } from '../ports/frames';
import type { RecordingStore } from '../ports/recordings';
import type { SnapshotSource } from '../ports/snapshots';
import type { FrameHistory } from './frames';
import { liveHeader, liveKeyframeAt, readLiveKeyframes, readLiveKeyframesSegment, type LiveKeyframes, type LiveKeyframesSegment } from './live-keyframes';

/**
 * Most frames folded for one snapshot without a keyframe close by: a live game's frames after
 * its keyframes object's last state (or from 0 without one), a recording's from 0 when it was
 * indexed before keyframes existed.
 */
export const LIVE_SNAPSHOT_MAX_FRAMES = 2000;
/** Keyframes objects kept per function instance (each at most a few hundred KB). */
const CACHE_ENTRIES = 32;

/** What a snapshot source needs of a stream (or a game before its stream exists). */
export type SnapshotHistory = FrameHistory & Pick<StreamRow, 'kind'> & { title?: string; participants?: string[] };

/** Ports of the snapshot sources. */
export interface SnapshotPorts {
  recordings: Pick<RecordingStore, 'readText' | 'readRange' | 'getIndex'>;
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

/** A published event the kind can fold: published events are checked against the matchcast/1 format only, not the kind's schema. */
export function acceptsFrame(kind: AnyGameKind): (f: WireFrame) => boolean {
  return (f) => kind.frameSchema.safeParse(f).success;
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

  /** The recording's header (its first line, read through the index's `headerBytes`), for a fold from frame 0. */
  private async header(): Promise<RecordingHeader | undefined> {
    try {
      const index = await this.ports.recordings.getIndex(this.history.indexKey);
      const header = JSON.parse((await this.ports.recordings.readRange(this.history.recordingKey, 0, index.headerBytes)).trim()) as RecordingHeader;
      return header.format === RECORDING_FORMAT ? header : undefined;
    } catch {
      return undefined;
    }
  }

  /** A recording indexed before keyframes existed: fold from frame 0, up to {@link LIVE_SNAPSHOT_MAX_FRAMES}. */
  private async fromZero(seq: number): Promise<WireSnapshot | undefined> {
    if (seq < 0 || seq > this.history.frameCount || seq > LIVE_SNAPSHOT_MAX_FRAMES) return undefined;
    const kind = lean(this.history.kind);
    let from = this.last && this.last.seq <= seq ? this.last : undefined;
    if (!from) {
      const header = await this.header();
      if (!header) return undefined;
      from = { seq: 0, state: kind.initialState(header) };
    }
    const folded = await foldTo(this.ports, this.history, kind, from, seq, acceptsFrame(kind));
    if (!folded) return undefined;
    this.last = folded;
    return fits({ seq, state: kind.snapshot(folded.state) });
  }

  async snapshotAt(seq: number): Promise<WireSnapshot | undefined> {
    const kf = await this.keyframes();
    if (!kf) return this.fromZero(seq);
    if (kf.keyframes.length === 0 || seq < 0 || seq > kf.frameCount) return undefined;
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
  private kf: Promise<LiveKeyframes | null> | undefined;
  /** Segment objects read, by key (each read once per source). */
  private readonly segments: Record<string, Promise<LiveKeyframesSegment | null>> = {};

  constructor(
    private readonly ports: SnapshotPorts,
    private readonly history: SnapshotHistory,
  ) {}

  /** The game's keyframes object, read once per source (null: none, or of another kind). */
  private keyframes(kind: AnyGameKind): Promise<LiveKeyframes | null> {
    this.kf ??= readLiveKeyframes(this.ports.recordings, this.history.gameId).then((kf) => (kf && kf.kind === kind.kind ? kf : null));
    return this.kf;
  }

  async snapshotAt(seq: number): Promise<WireSnapshot | undefined> {
    if (seq < 0) return undefined;
    const kind = lean(this.history.kind);
    const kf = await this.keyframes(kind);
    if (kf?.stoppedAt !== undefined && seq > kf.stoppedAt) return undefined;
    // The latest state at or before seq: the last one computed, the object's tail, a keyframe, or frame 0.
    const candidates: Folded[] = [{ seq: 0, state: kind.initialState(liveHeader(this.history)) }];
    if (kf) {
      const k = await liveKeyframeAt(kf, seq, (key) => (this.segments[key] ??= readLiveKeyframesSegment(this.ports.recordings, key)));
      if (k) candidates.push(k);
      if (kf.tail && kf.tail.seq <= seq) candidates.push(kf.tail);
    }
    if (this.last && this.last.seq <= seq) candidates.push(this.last);
    const from = candidates.reduce((a, b) => (b.seq > a.seq ? b : a));
    if (seq - from.seq > LIVE_SNAPSHOT_MAX_FRAMES || (!kf && seq > LIVE_SNAPSHOT_MAX_FRAMES)) return undefined;
    const folded = await foldTo(this.ports, this.history, kind, from, seq, acceptsFrame(kind));
    if (!folded) return undefined;
    this.last = folded;
    return fits({ seq, state: kind.snapshot(folded.state) });
  }

  async markers(): Promise<WireMarker[]> {
    const kf = await this.keyframes(lean(this.history.kind));
    return kf?.markers ?? [];
  }
}
