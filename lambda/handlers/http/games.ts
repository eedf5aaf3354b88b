/**
 * The live-game routes of the HTTP API (docs/HTTP-API.md "Live games"):
 * `PUT /games/{gameId}`, `POST /games/{gameId}/events`, `POST /games/{gameId}/finish`.
 * parse (zod, protocol/http-api.ts) → the use case (application/live.ts) on `ports`.
 * Each needs the `publisher` or the `operator` role; a live game belongs to the publisher
 * who opened it — another publisher is refused `forbidden`, an operator may act on any.
 */
import { liveBatchSchema, LiveRequestError, openLiveGameSchema, parseLiveBody, type FinishAnswer, type OpenAnswer } from '../../../protocol/http-api';
import { appendLiveEvents, finishLive, openLiveGame, type LivePorts } from '../../application/live';
import type { LivePublisher } from '../../core/live';
import { httpError, type HttpIdentity, type HttpResult } from '../../core/http-api';
import { NO_QUOTAS, QuotaExceededError } from '../../ports/quotas';

const GAME_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The `gameId` path parameter, checked like the WebSocket protocol's ids. Throws LiveRequestError. */
function gameIdOf(raw: string | undefined): string {
  if (!raw || !GAME_ID.test(raw)) throw new LiveRequestError('bad_request', `gameId: 1–128 letters, digits, ".", "_" and "-", got ${JSON.stringify(raw ?? '')}`);
  return raw;
}

/**
 * Run a publisher route: role check (`publisher` or `operator`), then `fn` with the caller as
 * a {@link LivePublisher}; a {@link LiveRequestError} becomes its HTTP error.
 */
async function asPublisher(identity: HttpIdentity, fn: (by: LivePublisher) => Promise<HttpResult>): Promise<HttpResult> {
  const operator = identity.roles.includes('operator');
  if (!identity.roles.includes('publisher') && !operator) return httpError(403, 'forbidden', 'this route needs a token with the publisher role');
  try {
    return await fn({ userId: identity.userId, operator });
  } catch (e) {
    if (e instanceof LiveRequestError) return httpError({ bad_request: 400, forbidden: 403, not_found: 404, conflict: 409 }[e.code], e.code, e.message);
    if (e instanceof QuotaExceededError) return httpError(429, 'limit_exceeded', e.message);
    throw e;
  }
}

/** `PUT /games/{gameId}`: `201` created / `200` already open — `{ gameId, live, frameCount }`. */
export function putGame(ports: LivePorts, identity: HttpIdentity, gameId: string | undefined, body: unknown): Promise<HttpResult> {
  return asPublisher(identity, async (by) => {
    const id = gameIdOf(gameId);
    const open = parseLiveBody(openLiveGameSchema, body);
    // Counted against the publisher's liveGames quota (released by finish). A refused open
    // releases it — unless it was refused as another publisher's game: that holder is theirs.
    await (ports.quotas ?? NO_QUOTAS).acquire(identity.userId, 'liveGames', id);
    const { created, game } = await openLiveGame(ports, id, open, undefined, by).catch(async (e: unknown) => {
      if (e instanceof LiveRequestError && e.code !== 'forbidden') await (ports.quotas ?? NO_QUOTAS).release('liveGames', id);
      throw e;
    });
    const answer: OpenAnswer = { gameId: id, live: game.liveStatus!, frameCount: game.frameCount };
    return { status: created ? 201 : 200, body: answer };
  });
}

/** `POST /games/{gameId}/events`: `200` `{ gameId, accepted, duplicates, frameCount, durationMs }`. */
export function postEvents(ports: LivePorts, identity: HttpIdentity, gameId: string | undefined, body: unknown): Promise<HttpResult> {
  return asPublisher(identity, async (by) => {
    const id = gameIdOf(gameId);
    const { events } = parseLiveBody(liveBatchSchema, body);
    return { status: 200, body: await appendLiveEvents(ports, id, events, undefined, by) };
  });
}

/** `POST /games/{gameId}/finish`: `200` `{ gameId, live: 'finished', frameCount, durationMs }`. */
export function postFinish(ports: LivePorts, identity: HttpIdentity, gameId: string | undefined): Promise<HttpResult> {
  return asPublisher(identity, async (by) => {
    const id = gameIdOf(gameId);
    const game = await finishLive(ports, id, by);
    const answer: FinishAnswer = { gameId: id, live: game.liveStatus!, frameCount: game.frameCount, durationMs: game.durationMs };
    return { status: 200, body: answer };
  });
}
