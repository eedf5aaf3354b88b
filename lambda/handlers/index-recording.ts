/**
 * The `index` Lambda (S3 ObjectCreated on `recordings/*.jsonl`): validates a matchcast/1
 * recording line by line (streamed, never buffered whole), writes its index beside it
 * (`recordings/{name}.idx.json`) and its row in the `Games` catalog.
 *
 * A recording that fails validation is logged with the line at fault and left out of the
 * catalog; `npm run ingest` runs the same validation before upload, so users see it there.
 */
import type { S3Event } from 'aws-lambda';
import { RecordingError, RecordingIndexer } from '../core/recording';
import { putGame } from '../adapters/dynamo';
import { logger } from '../adapters/log';
import { putObject, readObjectLines } from '../adapters/recordings';

/** `recordings/x.jsonl` → `recordings/x.idx.json`. */
export function indexKeyFor(recordingKey: string): string {
  return recordingKey.replace(/\.jsonl$/, '') + '.idx.json';
}

/** Index one recording object and catalog it. Throws RecordingError for an invalid recording, or one named like a live game. */
export async function indexRecording(key: string): Promise<{ gameId: string; frameCount: number }> {
  const indexer = new RecordingIndexer();
  for await (const line of readObjectLines(key)) indexer.addLine(line);
  const { header, index } = indexer.finish();
  const indexKey = indexKeyFor(key);
  await putObject(indexKey, JSON.stringify(index), 'application/json');
  const cataloged = await putGame({
    gameId: header.gameId,
    title: header.title,
    kind: header.kind,
    recordingKey: key,
    indexKey,
    durationMs: header.durationMs,
    frameCount: header.frameCount,
    participants: header.participants,
    createdAt: Date.now(),
  });
  if (!cataloged) throw new RecordingError(1, `game "${header.gameId}" is a live game: its frames are published (POST /games/${header.gameId}/events), not uploaded`);
  return { gameId: header.gameId, frameCount: header.frameCount };
}

export const handler = async (event: S3Event): Promise<void> => {
  for (const record of event.Records ?? []) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    if (!key.endsWith('.jsonl')) continue;
    try {
      const { gameId, frameCount } = await indexRecording(key);
      logger.info('recording indexed', { key, gameId, frameCount });
    } catch (e) {
      if (e instanceof RecordingError) {
        logger.error('recording refused', { key, line: e.line, reason: e.message });
        continue;
      }
      throw e; // transient (S3/DynamoDB): let Lambda's async retry have it
    }
  }
};
