/**
 * Indexing an uploaded recording: validate a matchcast/1 object line by line (streamed, never
 * buffered whole; protocol/recording.ts `RecordingIndexer`), write its index beside it
 * (contract/keys.ts `indexKeyFor`) and its row in the Games catalog — never over a live game.
 */
import { indexKeyFor } from '../../contract/keys';
import { RecordingError, RecordingIndexer } from '../../protocol/recording';
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
 * epoch ms). Throws RecordingError for an invalid recording (its `line` at fault) or one
 * named like a live game; the ports' errors (NotFoundError, ThrottledError, …) pass through.
 */
export async function indexRecording(ports: IndexRecordingPorts, key: string): Promise<{ gameId: string; frameCount: number }> {
  const indexer = new RecordingIndexer();
  for await (const line of ports.recordings.readLines(key)) indexer.addLine(line);
  const { header, index } = indexer.finish();
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
  });
  if (!cataloged) throw new RecordingError(1, `game "${header.gameId}" is a live game: its frames are published (POST /games/${header.gameId}/events), not uploaded`);
  return { gameId: header.gameId, frameCount: header.frameCount };
}
