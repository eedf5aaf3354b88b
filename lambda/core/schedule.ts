/**
 * Scheduled streams (docs/HTTP-API.md "Scheduled streams"): the `POST /streams`
 * body, its validation against the current time, the id and row of a new scheduled stream,
 * when the sweeper starts one, and the `GET /streams` / `catalog.streams` listing. Pure:
 * `now` and the random part of the id are passed in.
 *
 * Lifecycle: `scheduled` (a row, no execution) → `awaiting_start` (the sweeper started its
 * Player execution, which waits for `startsAt`) → `playing` (the tick, at `startsAt`) →
 * `ended` | `failed`. A scheduled stream is a `spectate` stream: nobody controls it.
 *
 * Units: `startsAt`, `now`, `…At` are wall-clock epoch milliseconds; `…Ms` durations are ms.
 */
import { isPreStart, newStreamRow } from './lifecycle';
import * as z from 'zod';
import { START_LEAD_MS } from './control';
import type { GameRow, StreamRow } from './model';
import { MAX_SPEED, MIN_SPEED, type Mode, type StreamStatus } from '../../protocol/server';

/** `startAt` must be at least this far ahead of `now` (ms): 5 s. */
export const MIN_SCHEDULE_LEAD_MS = 5_000;
/** `startAt` may be at most this far ahead of `now` (ms): 30 days. */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600 * 1000;
/** Longest `title`, in characters (code points). */
export const MAX_TITLE_CHARS = 200;
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

/** A game id, as the WebSocket protocol's `start.gameId` takes it (protocol.ts `idSchema`). */
const gameIdSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string (a game id)') })
  .min(1, { error: 'must not be empty' })
  .max(128, { error: 'must be at most 128 characters' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'letters, digits, ".", "_" and "-" only, starting with a letter or digit' });

/**
 * An RFC 3339 date-time with a zone (`2026-11-23T20:00:00Z`, `…T21:00:00.5+01:00`), checked
 * by zod (impossible dates such as `2026-02-30` refused). One without a zone is refused: its
 * instant would be a guess.
 */
const isoWithZone = z.iso.datetime({ offset: true });

/** The instant (epoch ms) of an RFC 3339 date-time with a zone, or undefined when `s` is not one. */
export function parseIsoInstant(s: string): number | undefined {
  if (!isoWithZone.safeParse(s).success) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

const startAtSchema = z.union([z.string(), z.number()], {
  error: (issue) =>
    `${issue.input === undefined ? 'is required: ' : 'must be '}an ISO-8601 date-time with a zone ("2026-11-23T20:00:00Z") or epoch milliseconds`,
});

/**
 * The `POST /streams` body as sent (before the time checks of {@link parseScheduleRequest}).
 * Unknown fields are refused, so a misspelt `startsAt` is not silently ignored.
 */
export const scheduleBodySchema = z.strictObject(
  {
    gameId: gameIdSchema,
    startAt: startAtSchema,
    speed: z
      .number({ error: `must be a number from ${MIN_SPEED} to ${MAX_SPEED}` })
      .finite({ error: `must be a number from ${MIN_SPEED} to ${MAX_SPEED}` })
      .min(MIN_SPEED, { error: `must be a number from ${MIN_SPEED} to ${MAX_SPEED}` })
      .max(MAX_SPEED, { error: `must be a number from ${MIN_SPEED} to ${MAX_SPEED}` })
      .default(1),
    title: z
      .string({ error: `must be a string of 1–${MAX_TITLE_CHARS} characters` })
      .trim()
      .min(1, { error: `must be a string of 1–${MAX_TITLE_CHARS} characters` })
      .refine((t) => [...t].length <= MAX_TITLE_CHARS, { error: `must be at most ${MAX_TITLE_CHARS} characters` })
      .optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a JSON object { "gameId", "startAt", "speed"?, "title"? }') },
);

/** A valid `POST /streams` request. */
export interface ScheduleRequest {
  gameId: string;
  /** Wall time of the first frame, epoch ms (an integer). */
  startsAt: number;
  /** Playback rate, 0.25–64. */
  speed: number;
  /** The stream's title; absent: the game's title. Trimmed. */
  title?: string;
}

/** A refused request, as the HTTP API's error body carries it (`{ error: { code, message } }`). */
export interface ScheduleError {
  code: 'bad_request';
  /** Names the field first: `startAt: must be at least 5 s from now …`. */
  message: string;
}

/**
 * Validate a `POST /streams` body (already parsed from JSON) at wall time `now` (epoch ms).
 * Never throws. Refusals are `bad_request` with a message naming the field:
 * - the body is not an object, has an unknown field, or `gameId`/`speed`/`title` is
 *   missing or malformed (`speed` 0.25–64, default 1; `title` 1–200 characters after trimming);
 * - `startAt` is neither an ISO-8601 date-time with a zone nor an integer of epoch ms, or
 *   is not between `now + 5 s` and `now + 30 days` (inclusive).
 * Whether the game exists is the caller's check (404).
 */
export function parseScheduleRequest(body: unknown, now: number): { ok: true; request: ScheduleRequest } | { ok: false; error: ScheduleError } {
  const parsed = scheduleBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    let where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    let message = issue?.message ?? 'invalid body';
    if (issue?.code === 'unrecognized_keys') {
      where = '';
      message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: the body takes gameId, startAt, speed, title`;
    } else if (issue?.path.length === 0) {
      where = 'body: ';
    }
    return bad(`${where}${message}`);
  }
  const { gameId, startAt, speed, title } = parsed.data;
  let startsAt: number;
  if (typeof startAt === 'number') {
    if (!Number.isSafeInteger(startAt)) return bad(`startAt: ${startAt} is not an integer of epoch milliseconds`);
    startsAt = startAt;
  } else {
    const t = parseIsoInstant(startAt);
    if (t === undefined) {
      return bad(`startAt: "${startAt.slice(0, 40)}" is not an ISO-8601 date-time with a zone (e.g. "2026-11-23T20:00:00Z") or epoch milliseconds`);
    }
    startsAt = t;
  }
  const earliest = now + MIN_SCHEDULE_LEAD_MS;
  const latest = now + MAX_SCHEDULE_AHEAD_MS;
  if (startsAt < earliest) {
    const hint = typeof startAt === 'number' && startAt < 1e11 ? ' (startAt is epoch milliseconds, not seconds)' : '';
    return bad(`startAt: ${iso(startsAt)} is too soon: it must be at least ${MIN_SCHEDULE_LEAD_MS / 1000} s from now (${iso(now)})${hint}`);
  }
  if (startsAt > latest) {
    return bad(`startAt: ${iso(startsAt)} is too far ahead: it must be at most ${MAX_SCHEDULE_AHEAD_MS / 86_400_000} days from now (${iso(now)})`);
  }
  return { ok: true, request: { gameId, startsAt, speed, ...(title === undefined ? {} : { title }) } };
}

function bad(message: string): { ok: false; error: ScheduleError } {
  return { ok: false, error: { code: 'bad_request', message } };
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/**
 * The id of a scheduled stream: `scheduled:{gameId}:{id}`. `id` is the random part (1–32 of
 * `A-Za-z0-9_-`, e.g. 8 random bytes in base64url), passed in so this stays pure. Throws
 * when `id` is not of that form (a caller's bug, not user input).
 */
export function scheduledStreamId(gameId: string, id: string): string {
  if (!SCHEDULE_ID.test(id)) throw new Error(`scheduled stream id part "${id}" must be 1–32 of A-Za-z0-9_-`);
  return `${SCHEDULED_PREFIX}:${gameId}:${id}`;
}

/** True when a stream has not started yet: core/lifecycle.ts `isPreStart`. */
export const isNotStarted = isPreStart;

/** Inputs to {@link newScheduledStreamRow}. */
export interface NewScheduledStream {
  /** From {@link scheduledStreamId}. */
  streamId: string;
  game: GameRow;
  request: ScheduleRequest;
  /** Wall time of creation, epoch ms. */
  now: number;
}

/**
 * The row of a new scheduled stream (lifecycle.ts `newStreamRow`): a `spectate`
 * stream with no controllers, status `scheduled`, epoch 1, at seq 0 / media 0 ms, its clock
 * anchored at `startsAt` (media time 0 shows at `startsAt`; a recording whose first frame
 * has `t > 0` sends it `t / speed` later), title the request's or the game's. No execution
 * yet (`executionArn` is set when the sweeper starts it). It has no client, so it is idle
 * since `now` like any new stream — `idleSince` stays true to `clientCount` — but the idle
 * TTL only counts from `startsAt` (sweep.ts).
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
      ...(isPreStart(s) && s.startsAt !== undefined ? { startsAt: s.startsAt } : {}),
    }));
}
