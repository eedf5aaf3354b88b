/**
 * The `POST /streams` body of a scheduled stream (docs/HTTP-API.md "Scheduled streams"): its
 * zod schema and its validation against the current time. Pure: `now` is passed in. Apart
 * from lambda/core/schedule.ts (ids, rows, start times, listing) so that what the sweeper
 * bundles does not carry zod.
 *
 * Units: `startAt`, `startsAt` and `now` are wall-clock epoch milliseconds; `…Ms` durations are ms.
 */
import * as z from 'zod';
import { gameIdSchema } from '../../protocol/ids';
import { MAX_SPEED, MIN_SPEED } from '../../protocol/server';

/** `startAt` must be at least this far ahead of `now` (ms): 5 s. */
export const MIN_SCHEDULE_LEAD_MS = 5_000;
/** `startAt` may be at most this far ahead of `now` (ms): 30 days. */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600 * 1000;
/** Longest `title`, in characters (code points). */
export const MAX_TITLE_CHARS = 200;
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
  error: (problem) =>
    `${problem.input === undefined ? 'is required: ' : 'must be '}an ISO-8601 date-time with a zone ("2026-11-23T20:00:00Z") or epoch milliseconds`,
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
  { error: (problem) => (problem.code === 'unrecognized_keys' ? undefined : 'must be a JSON object { "gameId", "startAt", "speed"?, "title"? }') },
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
    const first = parsed.error.issues[0];
    let where = first?.path.length ? `${first.path.join('.')}: ` : '';
    let message = first?.message ?? 'invalid body';
    if (first?.code === 'unrecognized_keys') {
      where = '';
      message = `unknown field${first.keys.length > 1 ? 's' : ''} ${first.keys.map((k) => `"${k}"`).join(', ')}: the body takes gameId, startAt, speed, title`;
    } else if (first?.path.length === 0) {
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

