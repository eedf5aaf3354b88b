/**
 * Indexing an uploaded recording: validate a matchcast/1 object line by line (streamed, never
 * buffered whole; protocol/recording.ts `RecordingIndexer`), fold its frames through its game
 * kind as they stream by into keyframes and markers (kinds/keyframes.ts `KeyframeBuilder`),
 * write the keyframes object and the index beside it (contract/keys.ts `keyframesKeyFor`,
 * `indexKeyFor`) and its row in the Games catalog — never over a live game.
 */
import { indexKeyFor, keyframesKeyFor } from '../../contract/keys';
import { keyframeFoldFor } from '../../kinds/folds';
import { KeyframeBuilder } from '../../kinds/keyframes';
import type { KindFold, Marker } from '../../kinds/kind';
import { KEYFRAMES_FORMAT, RecordingError, RecordingIndexer, type RecordingHeader, type RecordingKeyframes } from '../../protocol/recording';
import { catalogEventOf, type WireFrame } from '../../protocol/server';
import type { GameCatalog } from '../ports/games';
import type { RecordingStore } from '../ports/recordings';
import type { Time } from '../ports/time';

/** What indexing needs: the object's lines, where to put the index, the catalog, the clock. */
export interface IndexRecordingPorts {
  recordings: Pick<RecordingStore, 'put'> & {
    /** The lines of object `key`, streamed, without terminators. Throws NotFoundError for a missing object. */
    readLines(key: string): AsyncIterable<string>;
  };
  games: Pick<GameCatalog, 'put'>;
  time: Pick<Time, 'now'>;
}

/**
 * Index the recording object `key` (`recordings/{name}.jsonl`) and catalog it (`createdAt`:
 * epoch ms). The keyframes object goes first, then the index, then the catalog row, so a
 * viewer who finds the row finds both. Throws RecordingError for an invalid recording (its
 * `line` at fault) or one named like a live game; the ports' errors (NotFoundError,
 * ThrottledError, …) pass through. A recording whose frames its kind refuses is still indexed
 * and cataloged: its keyframes object then holds no keyframes (viewers get no snapshot).
 */
export async function indexRecording(ports: IndexRecordingPorts, key: string): Promise<{ gameId: string; frameCount: number }> {
  const indexer = new RecordingIndexer();
  let folding: KeyframeFolder | undefined;
  for await (const line of ports.recordings.readLines(key)) {
    const frame = indexer.addLine(line);
    if (frame) {
      folding ??= new KeyframeFolder(indexer.headerSoFar!);
      await folding.add(frame);
    }
  }
  const { header, index } = indexer.finish();
  const keyframes = await (folding ?? new KeyframeFolder(header)).finish();
  await ports.recordings.put(keyframesKeyFor(key), JSON.stringify(keyframes), 'application/json');
  const indexKey = indexKeyFor(key);
  await ports.recordings.put(indexKey, JSON.stringify(index), 'application/json');
  const cataloged = await ports.games.put({
    gameId: header.gameId,
    title: header.title,
    kind: header.kind,
    recordingKey: key,
    indexKey,
    durationMs: header.durationMs,
    frameCount: header.frameCount,
    participants: header.participants,
    createdAt: ports.time.now(),
    ...eventOf(header),
  });
  if (!cataloged) throw new RecordingError(1, `game "${header.gameId}" is a live game: its frames are published (POST /games/${header.gameId}/events), not uploaded`);
  return { gameId: header.gameId, frameCount: header.frameCount };
}

/** `{ event }` when the header's `meta.event` is a valid catalog event (protocol/server.ts `catalogEventOf`), else `{}`. */
function eventOf(header: RecordingHeader): { event?: NonNullable<ReturnType<typeof catalogEventOf>> } {
  const event = catalogEventOf(header.meta.event);
  return event ? { event } : {};
}

/**
 * Folds a recording's frames into its keyframes object as they stream by. Keyframe states
 * are folded in runs of the kind's K frames (no more is held for them); markers need the
 * whole recording (kinds/kind.ts `markers(frames, header)`), so the frames are kept for
 * them — the recording's size in memory, inside the index function's 512 MB for any
 * recording S3 can stream to it in its timeout. The kind is the header's (`generic` for a
 * kind matchcast does not know), folded without its zod schema (kinds/folds.ts: the
 * emulator already fills this function's bundle); the first frame its reducer throws on
 * stops the folding: the object then has no keyframes and no markers, and the recording
 * plays without snapshots.
 */
class KeyframeFolder {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly kind: KindFold<any>;
  private readonly builder: KeyframeBuilder<unknown>;
  private readonly frames: WireFrame[] = [];
  private failed = false;

  constructor(private readonly header: RecordingHeader) {
    this.kind = keyframeFoldFor(header.kind);
    this.builder = new KeyframeBuilder(this.kind, header);
  }

  async add(frame: WireFrame): Promise<void> {
    if (this.failed) return;
    try {
      await this.builder.add(frame);
      this.frames.push(frame);
    } catch {
      this.failed = true;
      this.frames.length = 0;
    }
  }

  async finish(): Promise<RecordingKeyframes> {
    const base: Pick<RecordingKeyframes, 'format' | 'gameId' | 'kind' | 'every'> = { format: KEYFRAMES_FORMAT, gameId: this.header.gameId, kind: this.kind.kind, every: this.kind.keyframeEvery };
    if (this.failed) return { ...base, frameCount: this.header.frameCount, keyframes: [], markers: [] };
    const kf = this.builder.finish();
    let markers: Marker[] = [];
    try {
      markers = this.kind.markers(this.frames, this.header);
    } catch {
      markers = [];
    }
    return { ...base, every: kf.every, frameCount: kf.frameCount, keyframes: kf.keyframes, markers };
  }
}
