/** Catalog rows for tests of scheduling, listing and streaming recorded games. */
import { indexKeyFor, recordingKey } from '../../contract/keys';
import type { GameRow } from '../../contract/rows';

/**
 * A recorded tennis game `gameId` as the catalog stores it: titled `Final {gameId}`, its
 * recording and index at their contract/keys.ts keys (`recordings/{gameId}.jsonl`,
 * `recordings/{gameId}.idx.json`), 600,000 ms long in 40 frames, players `A` and `B`,
 * created at epoch ms 0; `over` replaces any field.
 */
export function gameRow(gameId: string, over: Partial<GameRow> = {}): GameRow {
  const recording = recordingKey(gameId);
  return {
    gameId,
    title: `Final ${gameId}`,
    kind: 'tennis',
    recordingKey: recording,
    indexKey: indexKeyFor(recording),
    durationMs: 600_000,
    frameCount: 40,
    participants: ['A', 'B'],
    createdAt: 0,
    ...over,
  };
}
