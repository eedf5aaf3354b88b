/**
 * The HTTP API's stream routes (docs/HTTP-API.md "Scheduled streams"), as
 * functions the HTTP router (handlers/http-api.ts) calls after its authorizer has verified
 * the token: `POST /streams` ({@link postStream}, operator) and `GET /streams`
 * ({@link getStreams}, any valid token).
 *
 * parse (zod, core/schedule.ts) → decide (core/schedule.ts) → act (adapters/schedule.ts).
 * Every refusal is `{ error: { code, message } }` with the HTTP status of its code and
 * changes nothing. DynamoDB failures are thrown (`AwsServiceError`/`ThrottledError`): the
 * router answers them `500 internal`.
 */
import { randomBytes } from 'node:crypto';
import {
  isDueToStart,
  newScheduledStreamRow,
  parseScheduleRequest,
  scheduledStart,
  scheduledStreamId,
  streamListing,
  type StreamListEntry,
} from '../../core/schedule';
import { httpError, type HttpIdentity, type HttpResult } from '../../core/http-api';
import type { StreamStatus } from '../../../protocol/messages';
import { getGame } from '../../adapters/dynamo';
import { StreamExistsError } from '../../adapters/errors';
import { logger } from '../../adapters/log';
import { createScheduledStream, listOpenStreams, startScheduledStream } from '../../adapters/schedule';

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
 * - `409 conflict` — the game is a live game (scheduled streams replay recorded games).
 * Refusals change nothing. Throws on DynamoDB failures (the router's `500`).
 */
export async function postStream(identity: HttpIdentity, body: unknown, now = Date.now()): Promise<HttpResult> {
  if (!identity.roles.includes('operator')) {
    return httpError(403, 'forbidden', 'POST /streams: scheduling a stream needs the operator role');
  }
  const parsed = parseScheduleRequest(body, now);
  if (!parsed.ok) return httpError(400, parsed.error.code, parsed.error.message);
  const { request } = parsed;
  const game = await getGame(request.gameId);
  if (!game) return httpError(404, 'not_found', `gameId: no game "${request.gameId}": the list action shows the catalog`);
  if (game.live !== undefined) {
    return httpError(409, 'conflict', `gameId: "${request.gameId}" is a live game; only recorded games can be scheduled`);
  }
  for (let attempt = 1; ; attempt++) {
    const streamId = scheduledStreamId(game.gameId, newScheduleId());
    const row = newScheduledStreamRow({ streamId, game, request, now });
    try {
      await createScheduledStream(row);
    } catch (e) {
      if (e instanceof StreamExistsError && attempt < ID_ATTEMPTS) continue; // that random id is taken: draw another
      throw e;
    }
    logger.info('stream scheduled', { streamId, gameId: game.gameId, startsAt: request.startsAt, speed: request.speed, by: identity.userId });
    // Due within the sweeper's lead: start it now, or the next sweep (≤ 1 min) could be late.
    const started = isDueToStart(row, now) ? await startScheduledStream(row, scheduledStart(row.startsAt!, now), now) : undefined;
    const created: ScheduledStreamCreated = { streamId, gameId: game.gameId, status: started ? 'awaiting_start' : 'scheduled', startsAt: started?.startsAt ?? request.startsAt };
    return { status: 201, body: created };
  }
}

/**
 * `GET /streams` — every stream not ended: `200 { streams: StreamListEntry[] }`
 * (core/schedule.ts `streamListing`: scheduled/awaiting_start first by `startsAt`, then the
 * rest by viewers; `startsAt` epoch ms on the ones not started). Any valid token may ask
 * (the authorizer checked it). Eventually consistent. Throws on DynamoDB failures.
 */
export async function getStreams(): Promise<HttpResult> {
  const streams: StreamListEntry[] = streamListing(await listOpenStreams());
  return { status: 200, body: { streams } };
}

/** The random part of a scheduled stream id: 8 random bytes, base64url (11 characters). */
function newScheduleId(): string {
  return randomBytes(8).toString('base64url');
}
