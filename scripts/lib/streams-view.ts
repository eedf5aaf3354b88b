/**
 * The Streams table as an operator sees it (`npm run streams`): pure formatting of
 * {@link StreamRow}s into an aligned table or JSON lines. No I/O; `now` is passed in.
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
