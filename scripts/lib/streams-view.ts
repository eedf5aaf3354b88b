/**
 * The Streams table as an operator sees it (`npm run streams`): pure formatting of
 * {@link StreamRow}s into an aligned table or JSON lines. No I/O; `now` is passed in.
 * Unit-tested in test/scripts/streams.test.ts.
 */
import type { StreamRow } from '../../lambda/core/model';
import type { StreamStatus } from '../../lambda/core/protocol';
import { clean, formatClock, formatRelative, formatSpeed } from './format';

/** Display order of statuses: running first, finished last. */
const STATUS_ORDER: readonly StreamStatus[] = ['playing', 'paused', 'starting', 'scheduled', 'ended', 'failed'];

/** The columns of one table line, as text. */
export interface StreamLine {
  streamId: string;
  game: string;
  mode: string;
  status: string;
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
  ['position', 'POSITION'],
  ['speed', 'SPEED'],
  ['viewers', 'VIEWERS'],
  ['epoch', 'EPOCH'],
  ['lastTick', 'LAST TICK'],
  ['reason', 'REASON'],
];

/**
 * Media position (ms) of a stream at wall time `now` (epoch ms): while `playing` it advances
 * from the anchor, `positionMs + (now − anchorAt) · speed` (the playback clock, model.ts);
 * otherwise `positionMs`. Clamped to `[0, durationMs]`.
 */
export function livePositionMs(row: Pick<StreamRow, 'status' | 'positionMs' | 'anchorAt' | 'speed' | 'durationMs'>, now: number): number {
  const base = Number(row.positionMs) || 0;
  const pos = row.status === 'playing' && Number.isFinite(row.anchorAt) ? base + Math.max(0, now - row.anchorAt) * (Number(row.speed) || 1) : base;
  const duration = Number(row.durationMs);
  return Math.max(0, Number.isFinite(duration) && duration > 0 ? Math.min(pos, duration) : pos);
}

/** One row's columns: position `h:mm:ss / h:mm:ss`, speed `4×`, last tick relative (`3s ago`), reason = failureReason or endedReason. */
export function streamLine(row: StreamRow, now: number): StreamLine {
  const reason = row.failureReason ?? row.endedReason ?? '';
  return {
    streamId: clean(row.streamId),
    game: clean(row.gameId ?? ''),
    mode: row.mode ?? '',
    status: row.status ?? '',
    position: `${formatClock(livePositionMs(row, now))} / ${formatClock(row.durationMs ?? 0)}`,
    speed: typeof row.speed === 'number' ? formatSpeed(row.speed) : '',
    viewers: String(row.clientCount ?? 0),
    epoch: String(row.epoch ?? ''),
    lastTick: formatRelative(row.lastTickAt, now),
    reason: clean(reason.length > 80 ? `${reason.slice(0, 80)}…` : reason),
  };
}

/** Rows in display order: by status (playing, paused, starting, scheduled, ended, failed), then streamId. */
export function sortStreams(rows: readonly StreamRow[]): StreamRow[] {
  const rank = (s: StreamStatus) => {
    const i = STATUS_ORDER.indexOf(s);
    return i < 0 ? STATUS_ORDER.length : i;
  };
  return [...rows].sort((a, b) => rank(a.status) - rank(b.status) || a.streamId.localeCompare(b.streamId));
}

/**
 * The aligned table: a header line and one line per stream, columns separated by two spaces
 * (numbers right-aligned), the last column unpadded. `all` only changes the empty message.
 */
export function formatStreamsTable(rows: readonly StreamRow[], now: number, all = false): string {
  if (rows.length === 0) return all ? 'no streams\n' : 'no live streams (--all includes ended and failed ones)\n';
  const lines = sortStreams(rows).map((r) => streamLine(r, now));
  const header = Object.fromEntries(COLUMNS.map(([k, h]) => [k, h])) as unknown as StreamLine;
  const widths = COLUMNS.map(([k]) => Math.max(...[header, ...lines].map((l) => width(l[k]))));
  const right = new Set<keyof StreamLine>(['speed', 'viewers', 'epoch']);
  const render = (l: StreamLine) =>
    COLUMNS.map(([k], i) => {
      const w = widths[i] ?? 0;
      if (i === COLUMNS.length - 1) return l[k];
      return right.has(k) ? padStart(l[k], w) : padEnd(l[k], w);
    })
      .join('  ')
      .trimEnd();
  return `${[header, ...lines].map(render).join('\n')}\n`;
}

/** One JSON line per stream: the stored row plus `livePositionMs` (computed at `now`). */
export function streamJsonLine(row: StreamRow, now: number): string {
  return JSON.stringify({ ...row, livePositionMs: livePositionMs(row, now) });
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
