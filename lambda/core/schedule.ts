/**
 * Scheduled streams (docs/HTTP-API.md "Scheduled streams"): the id and row of a new scheduled
 * stream, when the sweeper starts one, and the `GET /streams` / `catalog.streams` listing.
 * Pure: `now` and the random part of the id are passed in. The `POST /streams` body and its
 * validation are lambda/core/schedule-request.ts's (zod), kept apart so the sweeper's bundle
 * does not carry zod.
 *
 * Lifecycle: `scheduled` (a row, no execution) → `awaiting_start` (the sweeper started its
 * Player execution, which waits for `startsAt`) → `playing` (the tick, at `startsAt`) →
 * `ended` | `failed`. A scheduled stream is a `spectate` stream: nobody controls it.
 *
 * Units: `startsAt`, `now`, `…At` are wall-clock epoch milliseconds; `…Ms` durations are ms.
 */
import { isPreStart, newStreamRow } from './lifecycle';
import { START_LEAD_MS } from './control';
import type { GameRow, StreamRow } from '../../contract/rows';
import type { Mode, StreamStatus } from '../../protocol/server';
import type { ScheduleRequest } from './schedule-request';

/**
 * The sweeper starts a `scheduled` stream once `startsAt − now` is at most this (ms): 90 s.
 * The sweeper runs every minute, so the sweep before `startsAt` always sees it within its
 * lead (60 s apart + 30 s of slack for a slow or delayed run) and the execution is waiting
 * before the first frame is due.
 */
export const SCHEDULE_START_LEAD_MS = 90_000;
/** Prefix of every scheduled stream id (`scheduled:{gameId}:{id}`). */
export const SCHEDULED_PREFIX = 'scheduled';
/** The random part of a scheduled stream id: 1–32 url-safe characters. */
const SCHEDULE_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The id of a scheduled stream: `scheduled:{gameId}:{id}`. `id` is the random part (1–32 of
 * `A-Za-z0-9_-`, e.g. 8 random bytes in base64url), passed in so this stays pure. Throws
 * when `id` is not of that form (a caller's bug, not user input).
 */
export function scheduledStreamId(gameId: string, id: string): string {
  if (!SCHEDULE_ID.test(id)) throw new Error(`scheduled stream id part "${id}" must be 1–32 of A-Za-z0-9_-`);
  return `${SCHEDULED_PREFIX}:${gameId}:${id}`;
}

/** Inputs to {@link newScheduledStreamRow}. */
export interface NewScheduledStream {
  /** From {@link scheduledStreamId}. */
  streamId: string;
  game: GameRow;
  request: ScheduleRequest;
  /** Wall time of creation, epoch ms. */
  now: number;
  /** Its playout buffer, ms (StreamRow `leadMs`); absent or 0: none. */
  leadMs?: number;
}

/**
 * The row of a new scheduled stream (lifecycle.ts `newStreamRow`): a `spectate`
 * stream with no controllers, status `scheduled`, epoch 1, at seq 0 / media 0 ms, its clock
 * anchored at `startsAt` (media time 0 shows at `startsAt`; a recording whose first frame
 * has `t > 0` sends it `t / speed` later), title the request's or the game's. No execution
 * yet (`executionArn` is set when the sweeper starts it). It has no client, so it is idle
 * since `now` like any new stream — `idleSince` stays true to `clientCount` — but the idle
 * TTL only counts from `startsAt` (sweep.ts). With `leadMs` > 0 it sends frames ahead like any
 * recorded game's spectate stream.
 */
export function newScheduledStreamRow(n: NewScheduledStream): StreamRow {
  const { game, request } = n;
  return newStreamRow({
    streamId: n.streamId,
    game,
    mode: 'spectate',
    status: 'scheduled',
    speed: request.speed,
    controllers: [],
    atSeq: 0,
    atMs: 0,
    anchorAt: request.startsAt,
    ...(request.title === undefined ? {} : { title: request.title }),
    startsAt: request.startsAt,
    now: n.now,
    ...(n.leadMs ? { leadMs: n.leadMs } : {}),
  });
}

/** When a scheduled stream is started: its (possibly moved) first-frame time and how late that is. */
export interface ScheduledStart {
  /** Wall time (epoch ms) of the first frame: the new `startsAt` and `anchorAt`. */
  startsAt: number;
  /** How much later than planned (ms); 0 when on time. */
  lateMs: number;
}

/**
 * The first-frame time of a scheduled stream started (or restarted) at `now`: `startsAt`
 * when it is still at least {@link START_LEAD_MS} ahead (on time — the sweeper's 90 s lead
 * makes this the normal case), else `now + START_LEAD_MS`. Decision: a stream whose start
 * was missed (the sweeper was down, or it was scheduled less than a sweep ahead) is started
 * at once and plays whole, shifted by its lateness — never skipping frames nor sending the
 * missed ones in a burst — however late it is; the caller logs `lateMs`. Both `startsAt`
 * and `anchorAt` move, so `startsAt` stays the wall time of the first frame.
 */
export function scheduledStart(startsAt: number, now: number): ScheduledStart {
  const earliest = now + START_LEAD_MS;
  return startsAt >= earliest ? { startsAt, lateMs: 0 } : { startsAt: earliest, lateMs: earliest - startsAt };
}

/** True when the sweeper should start a `scheduled` stream now: `startsAt − now ≤ leadMs` (a row without `startsAt` is due). */
export function isDueToStart(s: Pick<StreamRow, 'startsAt'>, now: number, leadMs = SCHEDULE_START_LEAD_MS): boolean {
  return s.startsAt === undefined || s.startsAt - now <= leadMs;
}

/** One stream of `GET /streams` and of the `list` action's `catalog.streams`. */
export interface StreamListEntry {
  streamId: string;
  gameId: string;
  title: string;
  mode: Mode;
  status: StreamStatus;
  /** Viewers attached now. */
  clients: number;
  /** Playback rate (1 = real time): the pace a viewer who joins it watches at. */
  speed: number;
  /** Streams not started yet (`scheduled`, `awaiting_start`): wall time of the first frame, epoch ms. */
  startsAt?: number;
}

/**
 * The stream listing (`GET /streams`, `catalog.streams`) of `rows` (every stream not
 * ended, as read): streams not started yet (`scheduled`/`awaiting_start`) first, soonest
 * `startsAt` first; then the rest by viewers, most first; ties by stream id, so the order is
 * stable. Ended and failed rows are left out. `startsAt` is given only while a stream has not
 * started (the countdown's target, as in `joined`); a negative `clientCount` (a double
 * decrement) shows as 0.
 */
export function streamListing(rows: readonly StreamRow[]): StreamListEntry[] {
  const startKey = (s: StreamRow) => s.startsAt ?? Number.MAX_SAFE_INTEGER;
  return rows
    .filter((s) => s.status !== 'ended' && s.status !== 'failed')
    .slice()
    .sort((a, b) => {
      const [pa, pb] = [isPreStart(a), isPreStart(b)];
      if (pa !== pb) return pa ? -1 : 1;
      const byKey = pa ? startKey(a) - startKey(b) : Math.max(0, b.clientCount) - Math.max(0, a.clientCount);
      return byKey || (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0);
    })
    .map((s) => ({
      streamId: s.streamId,
      gameId: s.gameId,
      title: s.title,
      mode: s.mode,
      status: s.status,
      clients: Math.max(0, s.clientCount),
      speed: s.speed,
      ...(isPreStart(s) && s.startsAt !== undefined ? { startsAt: s.startsAt } : {}),
    }));
}
