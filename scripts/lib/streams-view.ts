/**
 * The Streams table as an operator sees it (`npm run streams`): pure formatting of
 * {@link StreamRow}s into an aligned table or JSON lines (`list`), and of the HTTP API's
 * operator answers (`show`, `end`, `restart`). No I/O; `now` is passed in.
 * Unit-tested in test/scripts/streams.test.ts.
 */
import type { StreamRow } from '../../contract/rows';
import type { StreamStatus } from '../../protocol/messages';
import { clean, formatClock, formatRelative, formatSpeed, formatWallClock } from './format';

/** Display order of statuses: running first, then those about to start, finished last. */
const STATUS_ORDER: readonly StreamStatus[] = ['playing', 'paused', 'starting', 'awaiting_start', 'scheduled', 'ended', 'failed'];

/** The columns of one table line, as text. */
export interface StreamLine {
  streamId: string;
  game: string;
  mode: string;
  status: string;
  /** Scheduled streams: when the first frame is due, `20:00:00 (in 5m)`; else empty. */
  startsAt: string;
  position: string;
  speed: string;
  viewers: string;
  epoch: string;
  lastTick: string;
  reason: string;
}

const COLUMNS: ReadonlyArray<[keyof StreamLine, string]> = [
  ['streamId', 'STREAM'],
  ['game', 'GAME'],
  ['mode', 'MODE'],
  ['status', 'STATUS'],
  ['startsAt', 'STARTS'],
  ['position', 'POSITION'],
  ['speed', 'SPEED'],
  ['viewers', 'VIEWERS'],
  ['epoch', 'EPOCH'],
  ['lastTick', 'LAST TICK'],
  ['reason', 'REASON'],
];

/**
 * Media position (ms) of a stream at wall time `now` (epoch ms): while `playing` it advances
 * from the anchor, `positionMs + (now − anchorAt) · speed` (the playback clock, contract/rows.ts `StreamRow`);
 * otherwise `positionMs`. Clamped to `[0, durationMs]`.
 */
export function positionNowMs(row: Pick<StreamRow, 'status' | 'positionMs' | 'anchorAt' | 'speed' | 'durationMs'>, now: number): number {
  const base = Number(row.positionMs) || 0;
  const pos = row.status === 'playing' && Number.isFinite(row.anchorAt) ? base + Math.max(0, now - row.anchorAt) * (Number(row.speed) || 1) : base;
  const duration = Number(row.durationMs);
  return Math.max(0, Number.isFinite(duration) && duration > 0 ? Math.min(pos, duration) : pos);
}

/**
 * When a scheduled stream starts, as an operator reads it at `now` (both epoch ms): local wall
 * time and how far off, `20:00:00 (in 5m)` (`20:00:00 2026-11-24 (in 1d)` on another day);
 * empty without `startsAt`.
 */
export function formatStartsAt(startsAt: number | undefined, now: number): string {
  if (startsAt === undefined || !Number.isFinite(startsAt)) return '';
  return `${formatWallClock(startsAt, now)} (${formatRelative(startsAt, now)})`;
}

/**
 * One row's columns: starts (scheduled streams, {@link formatStartsAt}), position `h:mm:ss / h:mm:ss`,
 * speed `4×`, last tick relative (`3s ago`), reason = failureReason or endedReason.
 */
export function streamLine(row: StreamRow, now: number): StreamLine {
  const reason = row.failureReason ?? row.endedReason ?? '';
  return {
    streamId: clean(row.streamId),
    game: clean(row.gameId ?? ''),
    mode: row.mode ?? '',
    status: row.status ?? '',
    startsAt: formatStartsAt(row.startsAt, now),
    position: `${formatClock(positionNowMs(row, now))} / ${formatClock(row.durationMs ?? 0)}`,
    speed: typeof row.speed === 'number' ? formatSpeed(row.speed) : '',
    viewers: String(row.clientCount ?? 0),
    epoch: String(row.epoch ?? ''),
    lastTick: formatRelative(row.lastTickAt, now),
    reason: clean(reason.length > 80 ? `${reason.slice(0, 80)}…` : reason),
  };
}

/**
 * Rows in display order: by status (playing, paused, starting, awaiting_start, scheduled, ended,
 * failed), then the soonest `startsAt` (scheduled ones), then streamId.
 */
export function sortStreams(rows: readonly StreamRow[]): StreamRow[] {
  const rank = (s: StreamStatus) => {
    const i = STATUS_ORDER.indexOf(s);
    return i < 0 ? STATUS_ORDER.length : i;
  };
  const starts = (r: StreamRow) => (typeof r.startsAt === 'number' ? r.startsAt : Infinity);
  return [...rows].sort((a, b) => rank(a.status) - rank(b.status) || starts(a) - starts(b) || a.streamId.localeCompare(b.streamId));
}

/**
 * The aligned table: a header line and one line per stream, columns separated by two spaces
 * (numbers right-aligned), the last column unpadded. The STARTS column is there only when a
 * row has `startsAt` (a scheduled stream). `all` only changes the empty message.
 */
export function formatStreamsTable(rows: readonly StreamRow[], now: number, all = false): string {
  if (rows.length === 0) return all ? 'no streams\n' : 'no open streams (--all includes ended and failed ones)\n';
  const lines = sortStreams(rows).map((r) => streamLine(r, now));
  const columns = lines.some((l) => l.startsAt !== '') ? COLUMNS : COLUMNS.filter(([k]) => k !== 'startsAt');
  const header = Object.fromEntries(columns.map(([k, h]) => [k, h])) as unknown as StreamLine;
  const widths = columns.map(([k]) => Math.max(...[header, ...lines].map((l) => width(l[k]))));
  const right = new Set<keyof StreamLine>(['speed', 'viewers', 'epoch']);
  const render = (l: StreamLine) =>
    columns.map(([k], i) => {
      const w = widths[i] ?? 0;
      if (i === columns.length - 1) return l[k];
      return right.has(k) ? padStart(l[k], w) : padEnd(l[k], w);
    })
      .join('  ')
      .trimEnd();
  return `${[header, ...lines].map(render).join('\n')}\n`;
}

/** One JSON line per stream: the stored row plus `positionNowMs` (computed at `now`). */
export function streamJsonLine(row: StreamRow, now: number): string {
  return JSON.stringify({ ...row, positionNowMs: positionNowMs(row, now) });
}

// Display width: "×" and the like are one column; this table holds no wide characters.
function width(s: string): number {
  return [...s].length;
}
function padEnd(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)));
}
function padStart(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - width(s))) + s;
}

/**
 * What `GET /operator/streams/{streamId}` answers (docs/HTTP-API.md "Operator routes"), as the
 * CLI reads it: the row, the current execution (times epoch ms), up to 100 viewers, and
 * whether a restart would be accepted.
 */
export interface StreamDetailsView {
  stream: StreamRow;
  positionNowMs: number;
  quietMs: number;
  execution: { executionArn: string; status: string; startedAt: number; stoppedAt?: number; error?: string; cause?: string } | null;
  viewers: Array<{ connectionId: string; userId: string; displayName: string; role: string }>;
  viewersTruncated: boolean;
  restart: { ok: true; why: string } | { ok: false; message: string };
}

/** What `POST …/end` answers. */
export interface EndResultView {
  streamId: string;
  status: string;
  endedReason?: string;
  epoch: number;
}

/** What `POST …/restart` answers. */
export interface RestartResultView {
  streamId: string;
  status: string;
  epoch: number;
  positionSeq: number;
  positionMs: number;
  executionArn: string;
}

const RESTART_WHY: Record<string, string> = {
  failed: 'it failed',
  no_execution: 'its player is not running',
  stuck: 'it has made no progress for minutes',
};

/**
 * `show`: one stream as labelled lines — game, mode, status, epoch, speed, position, counts,
 * times relative to `now` (epoch ms), the reason it ended, its execution (status, start,
 * stop, error and cause), whether it can be restarted, and a table of its viewers.
 */
export function formatStreamDetails(d: StreamDetailsView, now: number): string {
  const s = d.stream;
  const lines: Array<[string, string]> = [
    ['stream', clean(s.streamId)],
    ['game', `${clean(s.gameId)}${s.title ? ` — ${clean(s.title)}` : ''}`],
    ['mode', `${s.mode}${s.controllers?.length ? ` (controllers: ${s.controllers.map(clean).join(', ')})` : ''}${s.livePlayback ? `, live ${s.livePlayback}` : ''}`],
    ['status', `${s.status}, epoch ${s.epoch}, ${typeof s.speed === 'number' ? formatSpeed(s.speed) : '?'}`],
  ];
  if (s.startsAt !== undefined) lines.push(['starts', formatStartsAt(s.startsAt, now)]);
  lines.push(
    ['position', `${formatClock(d.positionNowMs)} / ${formatClock(s.durationMs ?? 0)} (next frame ${s.positionSeq} of ${s.frameCount})`],
    ['viewers', String(s.clientCount ?? 0)],
    ['created', formatRelative(s.createdAt, now)],
    ['last tick', formatRelative(s.lastTickAt, now)],
    ['quiet for', formatRelative(now - d.quietMs, now).replace(/ ago$/, '')],
  );
  if (s.restarts) lines.push(['restarts', String(s.restarts)]);
  const reason = s.failureReason ?? s.endedReason;
  if (reason) lines.push(['reason', clean(reason)]);
  const x = d.execution;
  if (!x) lines.push(['execution', 'none']);
  else {
    const times = `started ${formatRelative(x.startedAt, now)}${x.stoppedAt !== undefined ? `, stopped ${formatRelative(x.stoppedAt, now)}` : ''}`;
    lines.push(['execution', `${x.status} (${times})`], ['', clean(x.executionArn)]);
    if (x.error || x.cause) lines.push(['error', clean(`${x.error ?? ''}${x.error && x.cause ? ': ' : ''}${(x.cause ?? '').slice(0, 300)}`)]);
  }
  lines.push(['restart', d.restart.ok ? `possible (${RESTART_WHY[d.restart.why] ?? d.restart.why}): npm run streams -- restart ${s.streamId}` : `not possible: ${d.restart.message}`]);
  const w = Math.max(...lines.map(([k]) => width(k)));
  let out = `${lines.map(([k, v]) => `${padEnd(k, w)}  ${v}`.trimEnd()).join('\n')}\n`;
  if (d.viewers.length === 0) return `${out}\nno viewers attached\n`;
  const rows = [['CONNECTION', 'USER', 'NAME', 'ROLE'], ...d.viewers.map((v) => [clean(v.connectionId), clean(v.userId), clean(v.displayName), v.role])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => width(r[i]!))));
  out += `\n${rows.map((r) => r.map((c, i) => (i < 3 ? padEnd(c, widths[i]!) : c)).join('  ').trimEnd()).join('\n')}\n`;
  if (d.viewersTruncated) out += `… and more (${s.clientCount} attached; the first ${d.viewers.length} shown)\n`;
  return out;
}

/** `end`: one line saying what happened. */
export function formatEndResult(r: EndResultView): string {
  return `ended ${clean(r.streamId)} (reason ${r.endedReason ?? 'stopped'}, epoch ${r.epoch}): its viewers were sent "ended" and its execution stopped\n`;
}

/** `restart`: one line saying what happened. */
export function formatRestartResult(r: RestartResultView): string {
  return `restarted ${clean(r.streamId)} under epoch ${r.epoch}, ${r.status}, from frame ${r.positionSeq} (${formatClock(r.positionMs)}): its viewers were sent the new state\n`;
}
