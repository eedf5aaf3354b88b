/**
 * The operator's actions on streams (docs/HTTP-API.md "Operator routes"), on ports: list the
 * streams by status ({@link listOperatorStreams}), show one with its execution and viewers
 * ({@link showOperatorStream}), end one ({@link endOperatorStream}, reason `stopped`) and
 * restart a failed or stuck one from its persisted position under a new epoch
 * ({@link restartOperatorStream}). Every function checks the `operator` role first (`403`).
 *
 * Each answers an {@link HttpResult}; every refusal is `{ error: { code, message } }` in plain
 * words and changes nothing. The ports' AWS failures (`ThrottledError`/`AwsServiceError`) are
 * thrown: the router answers them `500 internal`.
 */
import { STREAM_STATUSES, type StreamStatus } from '../../protocol/messages';
import { isStreamId } from '../../protocol/ids';
import { OPEN_STATUSES, type StreamRow } from '../../contract/rows';
import { currentPositionMs, START_LEAD_MS, stateMessage } from '../core/control';
import { httpError, type HttpIdentity, type HttpResult } from '../core/http-api';
import { awaitsSecondPlayer, isFinished, needsExecution } from '../core/lifecycle';
import { scheduledStart } from '../core/schedule';
import { executionName } from '../core/stream-keys';
import type { Broadcaster } from '../ports/broadcaster';
import type { ConnectionRegistry, StreamConnection } from '../ports/connections';
import { StaleEpochError, StreamExistsError } from '../ports/errors';
import type { Log } from '../ports/log';
import type { StreamStore } from '../ports/streams';
import type { Time } from '../ports/time';
import type { ExecutionDetails, Workflow } from '../ports/workflow';
import { currentExecutionArn, endStream, untilClaimedBatchSent } from './end-stream';

/**
 * How long (ms) a stream that needs an execution may show no progress before an operator may
 * restart it although its execution still runs: 3 minutes. "Progress" is the latest of the
 * row's `lastTickAt` (the last batch a tick claimed), `updatedAt` and `anchorAt`. It is above
 * the sweeper's start lead (90 s, the longest an `awaiting_start` stream waits in its first
 * tick) and the zombie grace (60 s). A recording with a longer quiet gap than this at its
 * speed looks stuck too; restarting it only brings its next frame forward to 1 s after the
 * restart.
 */
export const STUCK_AFTER_MS = 3 * 60_000;
/** Streams in one page of `GET /operator/streams` by default. */
export const DEFAULT_PAGE_SIZE = 50;
/** Most streams in one page of `GET /operator/streams` (`limit`). */
export const MAX_PAGE_SIZE = 100;
/** Most rows `GET /operator/streams` reads from the `byStatus` index per request. */
export const MAX_LISTED_ROWS = 5000;
/** Most viewers `GET /operator/streams/{streamId}` lists (the rest are counted as `viewersTruncated`). */
export const MAX_VIEWERS_SHOWN = 100;

/** Ports of the operator's use cases. */
export interface OperatorPorts {
  streams: Pick<StreamStore, 'get' | 'create' | 'update' | 'listByStatus'>;
  connections: Pick<ConnectionRegistry, 'listByStream'>;
  workflow: Pick<Workflow, 'arnFor' | 'start' | 'stop' | 'inspect'>;
  broadcaster: Pick<Broadcaster, 'fanOut'>;
  time: Time;
  log: Log;
}

/** One stream as `GET /operator/streams` lists it. Times are epoch ms, durations ms. */
export interface OperatorStreamEntry {
  streamId: string;
  gameId: string;
  title: string;
  kind: string;
  mode: StreamRow['mode'];
  status: StreamStatus;
  epoch: number;
  speed: number;
  /** Attached connections (the row's `clientCount`). */
  viewers: number;
  /** Time since the row was created. */
  ageMs: number;
  createdAt: number;
  updatedAt: number;
  /** The last batch a tick claimed; absent when none has. */
  lastTickAt?: number;
  /** Time since `lastTickAt` (absent with it). */
  lastTickAgoMs?: number;
  /** Time since the latest progress (`lastTickAt`, `updatedAt`, `anchorAt`): see {@link STUCK_AFTER_MS}. */
  quietMs: number;
  /**
   * True when the stream needs an execution (core/lifecycle.ts `needsExecution`) and has been
   * quiet for over {@link STUCK_AFTER_MS}: a restart would be accepted. (A stream whose
   * execution has died is restartable sooner; `GET /operator/streams/{streamId}` checks that.)
   */
  stuck: boolean;
  /** The media position showing now. */
  positionMs: number;
  /** The next frame to send. */
  positionSeq: number;
  durationMs: number;
  frameCount: number;
  startsAt?: number;
  livePlayback?: StreamRow['livePlayback'];
  restarts?: number;
  endedReason?: StreamRow['endedReason'];
  failureReason?: string;
}

/** `200` body of `GET /operator/streams`. */
export interface OperatorStreamPage {
  streams: OperatorStreamEntry[];
  /** Pass as `cursor` for the next page; absent on the last one. */
  next?: string;
  /** True when more than {@link MAX_LISTED_ROWS} rows matched: narrow `status`. */
  truncated: boolean;
}

/** Whether an operator may restart a stream now, and if not why (in plain words). */
export type Restartability = { ok: true; why: 'failed' | 'no_execution' | 'stuck' } | { ok: false; message: string };

/** `200` body of `GET /operator/streams/{streamId}`. */
export interface OperatorStreamDetails {
  /** The row as stored (contract/rows.ts `StreamRow`). */
  stream: StreamRow;
  /** The media position showing now (ms). */
  positionNowMs: number;
  quietMs: number;
  /** The current epoch's execution (DescribeExecution), or null when there is none. */
  execution: ExecutionDetails | null;
  /** Connections attached, by the `byStream` index (eventually consistent), at most {@link MAX_VIEWERS_SHOWN}. */
  viewers: StreamConnection[];
  viewersTruncated: boolean;
  /** Whether `POST …/restart` would restart it now. */
  restart: Restartability;
}

const forbidden = (route: string): HttpResult => httpError(403, 'forbidden', `${route}: this needs a token with the operator role`);
const isOperator = (who: HttpIdentity): boolean => who.roles.includes('operator');

/** Time (ms) since the row's latest progress at `now`: the latest of `lastTickAt`, `updatedAt`, `anchorAt`. */
export function quietFor(s: Pick<StreamRow, 'lastTickAt' | 'updatedAt' | 'anchorAt'>, now: number): number {
  return Math.max(0, now - Math.max(s.lastTickAt ?? 0, s.updatedAt ?? 0, Number.isFinite(s.anchorAt) ? s.anchorAt : 0));
}

/**
 * Whether an operator may restart `s` at `now` (epoch ms), given its current execution's
 * status (`undefined`: none exists). Restartable: a `failed` stream (not a live game's live
 * stream, which has no execution); a stream that needs an execution (core/lifecycle.ts
 * `needsExecution`) whose execution is not RUNNING, or that has shown no progress for
 * {@link STUCK_AFTER_MS}. Everything else is refused with a message saying why.
 */
export function restartability(s: StreamRow, executionStatus: string | undefined, now: number): Restartability {
  if (s.livePlayback === 'edge') return { ok: false, message: "it is a live game's live stream: its publisher feeds it, no player runs it" };
  if (s.status === 'failed') return { ok: true, why: 'failed' };
  if (s.status === 'ended') return { ok: false, message: `it has ended (${s.endedReason ?? 'ended'}); start a new stream of the game instead` };
  if (s.status === 'scheduled') return { ok: false, message: 'it has not started yet: the sweeper starts it shortly before its start time' };
  if (s.status === 'paused') return { ok: false, message: 'it is paused by its player and needs no player running; it resumes when they resume it' };
  if (awaitsSecondPlayer(s)) return { ok: false, message: 'it is waiting for its second player; it starts when they join' };
  if (!needsExecution(s)) return { ok: false, message: `a ${s.status} stream has nothing to restart` };
  if (executionStatus !== 'RUNNING') return { ok: true, why: 'no_execution' };
  const quiet = quietFor(s, now);
  if (quiet > STUCK_AFTER_MS) return { ok: true, why: 'stuck' };
  return {
    ok: false,
    message: `it is playing normally (its player is running and it moved ${Math.round(quiet / 1000)} s ago); a stream counts as stuck after ${STUCK_AFTER_MS / 60_000} minutes without progress`,
  };
}

/** The listing of one row at `now`. */
export function operatorEntry(s: StreamRow, now: number): OperatorStreamEntry {
  return {
    streamId: s.streamId,
    gameId: s.gameId,
    title: s.title,
    kind: s.kind,
    mode: s.mode,
    status: s.status,
    epoch: s.epoch,
    speed: s.speed,
    viewers: Math.max(0, s.clientCount ?? 0),
    ageMs: Math.max(0, now - s.createdAt),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    ...(s.lastTickAt === undefined ? {} : { lastTickAt: s.lastTickAt, lastTickAgoMs: Math.max(0, now - s.lastTickAt) }),
    quietMs: quietFor(s, now),
    stuck: needsExecution(s) && quietFor(s, now) > STUCK_AFTER_MS,
    positionMs: currentPositionMs(s, now),
    positionSeq: s.positionSeq,
    durationMs: s.durationMs,
    frameCount: s.frameCount,
    ...(s.startsAt === undefined ? {} : { startsAt: s.startsAt }),
    ...(s.livePlayback === undefined ? {} : { livePlayback: s.livePlayback }),
    ...(s.restarts === undefined ? {} : { restarts: s.restarts }),
    ...(s.endedReason === undefined ? {} : { endedReason: s.endedReason }),
    ...(s.failureReason === undefined ? {} : { failureReason: s.failureReason }),
  };
}

/** The query of `GET /operator/streams`, as API Gateway passes it (`queryStringParameters`). */
export interface OperatorListQuery {
  /** `open` (default: every status but ended/failed), `all`, or a comma-separated list of statuses. */
  status?: string;
  /** Page size, 1–{@link MAX_PAGE_SIZE} (default {@link DEFAULT_PAGE_SIZE}). */
  limit?: string;
  /** The `next` of the previous page. */
  cursor?: string;
}

/** `status` of the list query as statuses, or a refusal message. */
function parseStatuses(raw: string | undefined): readonly StreamStatus[] | string {
  const v = (raw ?? '').trim();
  if (v === '' || v === 'open') return OPEN_STATUSES;
  if (v === 'all') return STREAM_STATUSES;
  const list = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const bad = list.find((x) => !(STREAM_STATUSES as readonly string[]).includes(x));
  if (bad !== undefined) return `status: "${bad.slice(0, 40)}" is not a status; use open, all, or some of ${STREAM_STATUSES.join(', ')} separated by commas`;
  return [...new Set(list)] as StreamStatus[];
}

const encodeCursor = (streamId: string): string => Buffer.from(streamId, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string | undefined {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return isStreamId(id) ? id : undefined;
}

/**
 * `GET /operator/streams?status=&limit=&cursor=` — streams by status, a page at a time, in
 * streamId order: `200` {@link OperatorStreamPage}. Reads at most {@link MAX_LISTED_ROWS}
 * rows of the `byStatus` index (eventually consistent). Refusals: `403 forbidden` (no operator
 * role), `400 bad_request` (an unknown status, a limit outside 1–100, a cursor not from `next`).
 */
export async function listOperatorStreams(ports: Pick<OperatorPorts, 'streams' | 'time'>, who: HttpIdentity, query: OperatorListQuery = {}): Promise<HttpResult> {
  if (!isOperator(who)) return forbidden('GET /operator/streams');
  const statuses = parseStatuses(query.status);
  if (typeof statuses === 'string') return httpError(400, 'bad_request', statuses);
  const limit = query.limit === undefined || query.limit === '' ? DEFAULT_PAGE_SIZE : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    return httpError(400, 'bad_request', `limit: give a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  let after: string | undefined;
  if (query.cursor !== undefined && query.cursor !== '') {
    after = decodeCursor(query.cursor);
    if (after === undefined) return httpError(400, 'bad_request', 'cursor: not a cursor this API gave; pass the `next` of the previous page, or none for the first');
  }
  const rows = await ports.streams.listByStatus(statuses, { maxItems: MAX_LISTED_ROWS });
  const sorted = rows.filter((r) => after === undefined || r.streamId > after).sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  const page = sorted.slice(0, limit);
  const now = ports.time.now();
  const body: OperatorStreamPage = {
    streams: page.map((r) => operatorEntry(r, now)),
    ...(sorted.length > limit ? { next: encodeCursor(page.at(-1)!.streamId) } : {}),
    truncated: rows.length >= MAX_LISTED_ROWS,
  };
  return { status: 200, body };
}

/** A stream id from the path, or a `400`/`404` refusal; the row read consistently. */
async function loadStream(ports: Pick<OperatorPorts, 'streams'>, route: string, streamId: string | undefined): Promise<StreamRow | HttpResult> {
  if (streamId === undefined || !isStreamId(streamId)) {
    return httpError(400, 'bad_request', `${route}: "${(streamId ?? '').slice(0, 40)}" is not a stream id (URL-encode it: it holds ":")`);
  }
  const row = await ports.streams.get(streamId, { consistent: true });
  if (!row) return httpError(404, 'not_found', `${route}: no stream "${streamId}" (GET /operator/streams?status=all lists them; finished ones are deleted a day after they end)`);
  return row;
}
const isResult = (v: StreamRow | HttpResult): v is HttpResult => 'status' in v && 'body' in v && !('streamId' in v);

/** The current execution's ARN of `s`, or undefined for a stream that never has one. */
function executionArnOf(ports: Pick<OperatorPorts, 'workflow'>, s: StreamRow): string | undefined {
  if (s.livePlayback === 'edge' || s.status === 'scheduled') return undefined;
  return currentExecutionArn(ports.workflow, s);
}

/**
 * `GET /operator/streams/{streamId}` — `200` {@link OperatorStreamDetails}: the row, its
 * current execution (Step Functions DescribeExecution: status, start, stop, error and cause),
 * up to {@link MAX_VIEWERS_SHOWN} attached connections with their role and user, and whether
 * it may be restarted. Refusals: `403`, `400` (not a stream id), `404` (no such stream).
 */
export async function showOperatorStream(ports: OperatorPorts, who: HttpIdentity, streamId: string | undefined): Promise<HttpResult> {
  const route = 'GET /operator/streams/{streamId}';
  if (!isOperator(who)) return forbidden(route);
  const row = await loadStream(ports, route, streamId);
  if (isResult(row)) return row;
  const arn = executionArnOf(ports, row);
  const execution = arn === undefined ? undefined : await ports.workflow.inspect(arn);
  const viewers: StreamConnection[] = [];
  let viewersTruncated = false;
  for await (const page of ports.connections.listByStream(row.streamId, { pageSize: MAX_VIEWERS_SHOWN })) {
    for (const c of page) {
      if (viewers.length >= MAX_VIEWERS_SHOWN) viewersTruncated = true;
      else viewers.push({ connectionId: c.connectionId, userId: c.userId, displayName: c.displayName, role: c.role });
    }
    if (viewersTruncated || viewers.length >= MAX_VIEWERS_SHOWN) {
      viewersTruncated ||= row.clientCount > viewers.length;
      break;
    }
  }
  const now = ports.time.now();
  const body: OperatorStreamDetails = {
    stream: row,
    positionNowMs: currentPositionMs(row, now),
    quietMs: quietFor(row, now),
    execution: execution ?? null,
    viewers,
    viewersTruncated,
    restart: restartability(row, execution?.status, now),
  };
  return { status: 200, body };
}

/**
 * `POST /operator/streams/{streamId}/end` — end the stream with reason `stopped`
 * (application/end-stream.ts `endStream`: status `ended`, its execution stopped, `state` and
 * `ended` broadcast to its viewers, `by` the operator's user id). `200 { streamId, status,
 * endedReason, epoch }`. Refusals: `403`, `400`, `404`, `409 conflict` (it has already ended
 * or failed, or ended meanwhile).
 */
export async function endOperatorStream(ports: OperatorPorts, who: HttpIdentity, streamId: string | undefined): Promise<HttpResult> {
  const route = 'POST /operator/streams/{streamId}/end';
  if (!isOperator(who)) return forbidden(route);
  const row = await loadStream(ports, route, streamId);
  if (isResult(row)) return row;
  const finished = (s: StreamRow) => httpError(409, 'conflict', `${route}: "${s.streamId}" has already ${s.status === 'failed' ? 'failed' : `ended (${s.endedReason ?? 'ended'})`}; there is nothing to end`);
  if (isFinished(row)) return finished(row);
  const ended = await endStream(ports, row, 'stopped', who.userId);
  if (!ended) {
    const now = await ports.streams.get(row.streamId, { consistent: true });
    return now ? finished(now) : httpError(404, 'not_found', `${route}: "${row.streamId}" was deleted meanwhile`);
  }
  ports.log.info('operator ended stream', { streamId: ended.streamId, by: who.userId, epoch: ended.epoch });
  return { status: 200, body: { streamId: ended.streamId, status: ended.status, endedReason: ended.endedReason, epoch: ended.epoch } };
}

/**
 * `POST /operator/streams/{streamId}/restart` — restart a failed or stuck stream
 * ({@link restartability}) from its persisted position (`positionSeq`, `positionMs`) under a
 * new epoch: the row moves to epoch + 1 (generation 0, `epochStartSeq = positionSeq`, next
 * frame due {@link START_LEAD_MS} after now; an `awaiting_start` stream keeps waiting for
 * `startsAt`), `restarts` cleared (the sweeper's zombie budget starts afresh); the old execution is stopped, the attached viewers get a `state`
 * of the new epoch (`by` the operator's user id), then the new execution starts. A failed row
 * is replaced by the conditional create of a finished stream (its viewers stay attached).
 * `200 { streamId, status, epoch, positionSeq, positionMs, executionArn }`. Refusals: `403`,
 * `400`, `404`, `409 conflict` with the reason it cannot be restarted (or that it changed
 * meanwhile: try again).
 */
export async function restartOperatorStream(ports: OperatorPorts, who: HttpIdentity, streamId: string | undefined): Promise<HttpResult> {
  const route = 'POST /operator/streams/{streamId}/restart';
  if (!isOperator(who)) return forbidden(route);
  const row = await loadStream(ports, route, streamId);
  if (isResult(row)) return row;
  const oldArn = executionArnOf(ports, row);
  const status = oldArn === undefined || row.status === 'failed' ? undefined : (await ports.workflow.inspect(oldArn))?.status;
  const now = ports.time.now();
  const verdict = restartability(row, status, now);
  if (!verdict.ok) return httpError(409, 'conflict', `${route}: "${row.streamId}" cannot be restarted: ${verdict.message}`);
  const epoch = row.epoch + 1;
  const name = executionName(row.streamId, epoch);
  const executionArn = ports.workflow.arnFor(name);
  let updated: StreamRow;
  try {
    if (row.status === 'failed') {
      const { endedReason: _r, failureReason: _f, expiresAt: _e, consecutiveFailures: _c, restarts: _n, ...kept } = row;
      updated = {
        ...kept,
        status: 'playing',
        epoch,
        generation: 0,
        epochStartSeq: row.positionSeq,
        anchorAt: now + START_LEAD_MS,
        executionArn,
        updatedAt: now,
      };
      await ports.streams.create(updated, { replaceFinishedEpoch: row.epoch });
    } else {
      const waiting = row.status === 'awaiting_start' ? scheduledStart(row.startsAt ?? now, now) : undefined;
      updated = await ports.streams.update(
        row.streamId,
        row.epoch,
        {
          epoch,
          generation: 0,
          ...(waiting ? { status: 'awaiting_start', startsAt: waiting.startsAt, anchorAt: waiting.startsAt } : { status: 'playing', anchorAt: now + START_LEAD_MS }),
          epochStartSeq: row.positionSeq,
          // `restarts` counts the sweeper's zombie restarts (it fails a stream at its maximum): an operator's restart starts that budget afresh.
          restarts: null,
          consecutiveFailures: null,
          executionArn,
          updatedAt: now,
        },
        // The position too: a tick still alive may have claimed a batch since the read.
        { expectPositionSeq: row.positionSeq, expectStatus: [row.status] },
      );
    }
  } catch (e) {
    if (e instanceof StaleEpochError || e instanceof StreamExistsError) {
      return httpError(409, 'conflict', `${route}: "${row.streamId}" changed while restarting it (a control, a tick or the sweeper); look at it again and retry`);
    }
    throw e;
  }
  // The new epoch fences the old execution off; stop it so it does not linger, and let a batch it claimed go out first.
  if (oldArn !== undefined) await ports.workflow.stop(oldArn, `restarted by operator ${who.userId}`);
  await untilClaimedBatchSent(ports.time, row);
  await ports.broadcaster.fanOut(row.streamId, [stateMessage(updated, who.userId)]);
  await ports.workflow.start(name, { streamId: row.streamId, epoch, generation: 0, iteration: 0 });
  ports.log.warn('operator restarted stream', { streamId: row.streamId, by: who.userId, why: verdict.why, epoch, positionSeq: row.positionSeq });
  return {
    status: 200,
    body: { streamId: updated.streamId, status: updated.status, epoch, positionSeq: updated.positionSeq, positionMs: updated.positionMs, executionArn },
  };
}
