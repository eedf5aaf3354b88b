/**
 * A live game's live stream (docs/ARCHITECTURE.md "Stream keys"): the game's spectate
 * stream, positioned at the live edge and fed by the ingest function as events are published.
 */
import { isFinished, newStreamRow } from '../core/lifecycle';
import type { GameRow, StreamRow } from '../../contract/rows';
import { streamIdFor } from '../core/stream-keys';
import { StreamExistsError } from '../ports/errors';
import type { StreamStore } from '../ports/streams';

/** Conditional creates {@link ensureEdgeStream} tries before it gives up. */
const MAX_CREATE_ATTEMPTS = 5;

/** The id of a live game's live stream: its spectate stream (docs/ARCHITECTURE.md "Stream keys"). */
export function edgeStreamId(gameId: string): string {
  return streamIdFor('spectate', gameId, {});
}

/**
 * The live stream row of `game` created at `now` (epoch ms): status `playing`, `livePlayback: 'edge'`,
 * positioned at the live edge (`frameCount`), no execution — the ingest function feeds it.
 */
export function newEdgeStream(game: GameRow, now: number, previousEpoch?: number): StreamRow {
  return newStreamRow({
    streamId: edgeStreamId(game.gameId),
    game,
    mode: 'spectate',
    status: 'playing',
    speed: 1,
    controllers: [],
    atSeq: game.frameCount,
    atMs: game.durationMs,
    anchorAt: now,
    ...(previousEpoch === undefined ? {} : { previousEpoch }),
    livePlayback: 'edge',
    now,
  });
}

/**
 * The live stream of a live game, created when missing or finished (a conditional create:
 * concurrent callers end up with the same row). Returns the row that is live. Throws an
 * Error when every one of 5 creates lost to a finished-then-replaced row, and the port's
 * AWS errors.
 */
export async function ensureEdgeStream(streams: Pick<StreamStore, 'get' | 'create'>, game: GameRow, now: number): Promise<StreamRow> {
  for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
    const existing = await streams.get(edgeStreamId(game.gameId), { consistent: true });
    if (existing && !isFinished(existing)) return existing;
    const row = newEdgeStream(game, now, existing?.epoch);
    try {
      await streams.create(row, existing ? { replaceFinishedEpoch: existing.epoch } : {});
      return row;
    } catch (e) {
      if (!(e instanceof StreamExistsError)) throw e;
    }
  }
  throw new Error(`could not create the live stream of "${game.gameId}"`);
}
