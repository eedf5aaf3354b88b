/**
 * Live games (docs/HTTP-API.md) on this container's adapters: application/live.ts's use
 * cases (open, append, deliver to the live stream, finish) over the DynamoDB tables, the
 * recordings bucket and the management API.
 */
import type { AppendAnswer, LiveEvent, OpenLiveGame } from '../core/live';
import type { GameRow } from '../core/model';
import type { WireFrame } from '../../protocol/server';
import * as live from '../application/live';
import { edgeStreamId, newEdgeStream } from '../application/edge-stream';
import { games, streams } from './dynamo';
import { broadcaster } from './fanout';
import { log } from './log';
import { recordingStore } from './recordings';
import { systemTime } from './time';
import { workflow } from './workflow';

export { edgeStreamId, newEdgeStream };

/** The live-game ports of this container (tables named by GAMES_TABLE, STREAMS_TABLE; the bucket by RECORDINGS_BUCKET; read on first use). */
export function livePorts(): live.LivePorts {
  return { games: games(), streams: streams(), recordings: recordingStore, broadcaster, workflow, time: systemTime, log };
}

/** application/live.ts `openLiveGame` on this container's adapters (`now` epoch ms). */
export function openLiveGame(gameId: string, open: OpenLiveGame, now = Date.now()): Promise<{ created: boolean; game: GameRow }> {
  return live.openLiveGame(livePorts(), gameId, open, now);
}

/** application/live.ts `appendLiveEvents` on this container's adapters (`now` epoch ms). */
export function appendLiveEvents(gameId: string, events: readonly LiveEvent[], now = Date.now()): Promise<AppendAnswer> {
  return live.appendLiveEvents(livePorts(), gameId, events, now);
}

/** application/live.ts `deliverToEdge` on this container's adapters. */
export function deliverToEdge(game: GameRow, frames: readonly WireFrame[]): Promise<void> {
  return live.deliverToEdge(livePorts(), game, frames);
}

/** application/live.ts `finishLive` on this container's adapters. */
export function finishLive(gameId: string): Promise<GameRow> {
  return live.finishLive(livePorts(), gameId);
}
