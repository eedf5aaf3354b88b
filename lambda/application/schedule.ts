/**
 * Scheduled streams (docs/HTTP-API.md "Scheduled streams"): scheduling a stream of a recorded
 * game (`POST /streams`) and listing the streams not ended (`GET /streams`), on ports.
 * Decisions are core/schedule.ts's; a start within the sweeper's lead is
 * application/start-scheduled.ts's.
 */
import { randomBytes } from 'node:crypto';
import type { StreamStatus } from '../../protocol/messages';
import { httpError, type HttpIdentity, type HttpResult } from '../core/http-api';
import { OPEN_STATUSES } from '../../contract/rows';
import {
  isDueToStart,
  newScheduledStreamRow,
  scheduledStart,
  scheduledStreamId,
  streamListing,
  type StreamListEntry,
} from '../core/schedule';
import { parseScheduleRequest } from '../core/schedule-request';
import { StreamExistsError } from '../ports/errors';
import { NO_QUOTAS, QuotaExceededError, type UserQuotas } from '../ports/quotas';
import type { GameCatalog } from '../ports/games';
import type { StreamStore } from '../ports/streams';
import { startScheduledStream, type StartScheduledPorts } from './start-scheduled';

/** Ports of {@link scheduleStream}. */
export interface ScheduleStreamPorts extends StartScheduledPorts {
  streams: Pick<StreamStore, 'create' | 'update'>;
  games: Pick<GameCatalog, 'get'>;
  /** The operators' `scheduled` quotas, released when the stream ends (end-stream.ts); default none. */
  quotas?: Pick<UserQuotas, 'acquire' | 'release'>;
  /**
   * Playout buffer (ms) of the scheduled streams (StreamRow `leadMs`; docs/PROTOCOL.md "Playout
   * buffer (1.1)"): the same as the control function gives a recorded game's spectate stream
   * (adapters/config.ts `spectateLeadMsFromEnv`). Default 0: none.
   */
  spectateLeadMs?: number;
  /** The random part of a new scheduled stream id (default: 8 random bytes, base64url, 11 characters). */
  newScheduleId?: () => string;
}

/** Ports of {@link listStreams}. */
export interface ListStreamsPorts {
  streams: Pick<StreamStore, 'listByStatus'>;
}

/** `201` body of `POST /streams`. */
export interface ScheduledStreamCreated {
  streamId: string;
  gameId: string;
  /** `awaiting_start` when `startsAt` was within the sweeper's lead (90 s): started at once. */
  status: Extract<StreamStatus, 'scheduled' | 'awaiting_start'>;
  /** Wall time of the first frame, epoch ms. */
  startsAt: number;
}

/** Random id parts tried before giving up on a collision (8 random bytes: never in practice). */
const ID_ATTEMPTS = 3;

/**
 * `POST /streams` — schedule a stream of a recorded game. `identity` is the verified caller;
 * `body` the request body parsed from JSON (any value); `now` wall time, epoch ms.
 *
 * Answers:
 * - `201` `{ streamId: "scheduled:{gameId}:{id}", gameId, status: "scheduled", startsAt }`
 *   (`startsAt` epoch ms) — the row exists; the sweeper starts it within its lead (90 s) —
 *   or `status: "awaiting_start"` when `startsAt` is already that close: started at once;
 * - `403 forbidden` — the token has no `operator` role;
 * - `400 bad_request` — a bad body (message naming the field: `startAt: …`, `speed: …`);
 * - `404 not_found` — no game with that id;
 * - `409 conflict` — the game is a live game (scheduled streams replay recorded games);
 * - `429 limit_exceeded` — the operator has as many scheduled streams not yet ended as the
 *   `scheduled` quota allows (docs/SECURITY.md "Limits").
 * Refusals change nothing. Throws the ports' failures (`ThrottledError`/`AwsServiceError`:
 * the router's `500`).
 */
export async function scheduleStream(ports: ScheduleStreamPorts, identity: HttpIdentity, body: unknown, now: number): Promise<HttpResult> {
  if (!identity.roles.includes('operator')) {
    return httpError(403, 'forbidden', 'POST /streams: scheduling a stream needs the operator role');
  }
  const parsed = parseScheduleRequest(body, now);
  if (!parsed.ok) return httpError(400, parsed.error.code, parsed.error.message);
  const { request } = parsed;
  const game = await ports.games.get(request.gameId);
  if (!game) return httpError(404, 'not_found', `gameId: no game "${request.gameId}": the list action shows the catalog`);
  if (game.liveStatus !== undefined) {
    return httpError(409, 'conflict', `gameId: "${request.gameId}" is a live game; only recorded games can be scheduled`);
  }
  const newId = ports.newScheduleId ?? newScheduleId;
  for (let attempt = 1; ; attempt++) {
    const streamId = scheduledStreamId(game.gameId, newId());
    const row = newScheduledStreamRow({ streamId, game, request, now, leadMs: ports.spectateLeadMs });
    if (row.status !== 'scheduled') throw new Error(`scheduleStream: ${row.streamId} has status ${row.status}, not scheduled`);
    try {
      await (ports.quotas ?? NO_QUOTAS).acquire(identity.userId, 'scheduled', streamId);
    } catch (e) {
      if (e instanceof QuotaExceededError) return httpError(429, 'limit_exceeded', `POST /streams: ${e.message}`);
      throw e;
    }
    try {
      // The conditional put of every new stream (attribute_not_exists(streamId)).
      await ports.streams.create(row);
    } catch (e) {
      await (ports.quotas ?? NO_QUOTAS).release('scheduled', streamId);
      if (e instanceof StreamExistsError && attempt < ID_ATTEMPTS) continue; // that random id is taken: draw another
      throw e;
    }
    ports.log.info('stream scheduled', { streamId, gameId: game.gameId, startsAt: request.startsAt, speed: request.speed, by: identity.userId });
    // Due within the sweeper's lead: start it now, or the next sweep (≤ 1 min) could be late.
    const started = isDueToStart(row, now) ? await startScheduledStream(ports, row, scheduledStart(row.startsAt!, now), now) : undefined;
    const created: ScheduledStreamCreated = { streamId, gameId: game.gameId, status: started ? 'awaiting_start' : 'scheduled', startsAt: started?.startsAt ?? request.startsAt };
    return { status: 201, body: created };
  }
}

/**
 * `GET /streams` — every stream not ended: `200 { streams: StreamListEntry[] }`
 * (core/schedule.ts `streamListing`: scheduled/awaiting_start first by `startsAt`, then the
 * rest by viewers; `startsAt` epoch ms on the ones not started), from the `byStatus` index
 * (eventually consistent, at most 5,000). Throws the port's failures.
 */
export async function listStreams(ports: ListStreamsPorts): Promise<HttpResult> {
  const streams: StreamListEntry[] = streamListing(await ports.streams.listByStatus(OPEN_STATUSES));
  return { status: 200, body: { streams } };
}

/** The random part of a scheduled stream id: 8 random bytes, base64url (11 characters). */
function newScheduleId(): string {
  return randomBytes(8).toString('base64url');
}
