/**
 * Operator page (`#/operator`): the streams of the HTTP API's `GET /operator/streams` (open
 * ones by default, or failed, or all) with mode, status, viewers, position and last tick, each
 * with End and Restart buttons (a confirm step, a pending state, the result in plain words),
 * and a small chart of frame lateness and fan-out time over the last minutes, drawn from
 * `GET /metrics` (Prometheus text format) when it answers 200 — "metrics unavailable"
 * otherwise. Routes: docs/HTTP-API.md "Operator routes"; every call carries a bearer token
 * with the `operator` role (local mode mints one from `/dev/token?roles=operator`).
 *
 * The HTTP API is called on this page's own origin (local mode serves the web client, the
 * HTTP API and `/metrics` on one port). The pure parts (Prometheus parsing, interval means,
 * the chart's path) are exported and unit-tested in node (test/web/operator.test.ts).
 */
import { formatDuration, modeLabel, statusLabel } from '../core/format';
import { clear, h, setText } from '../ui/dom';

/** How often the stream list is fetched again (ms). */
export const LIST_REFRESH_MS = 5000;
/** How often `/metrics` is read (ms): each read adds one point per line of the chart. */
export const METRICS_REFRESH_MS = 5000;
/** How far back the chart reaches (ms): 10 minutes. */
export const CHART_WINDOW_MS = 10 * 60_000;
/** The Prometheus metric of frame lateness (contract/metrics.ts `FrameLateness`, ms): a summary or histogram. */
export const LATENESS_METRIC = 'matchcast_frame_lateness_ms';
/** The Prometheus metric of fan-out time (contract/metrics.ts `FanOutTime`, ms). */
export const FAN_OUT_METRIC = 'matchcast_fan_out_time_ms';

/** One stream as `GET /operator/streams` lists it (times epoch ms, durations ms). */
export interface OperatorStream {
  streamId: string;
  gameId: string;
  title: string;
  mode: string;
  status: string;
  epoch: number;
  speed: number;
  viewers: number;
  ageMs: number;
  lastTickAt?: number;
  /** Time since `lastTickAt`, by the server's clock. */
  lastTickAgoMs?: number;
  quietMs: number;
  /** The server counts it as stuck: a restart would be accepted. */
  stuck: boolean;
  positionMs: number;
  durationMs: number;
  livePlayback?: string;
  failureReason?: string;
  endedReason?: string;
}

/** What the page asks the app for. */
export interface OperatorActions {
  /** A bearer token with the `operator` role (minted or pasted); rejects when there is none. */
  token(): Promise<string>;
}

/** One sample of a Prometheus text exposition: metric name, labels, value. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parse Prometheus' text exposition format (version 0.0.4): one `name{labels} value
 * [timestamp]` per line; `#` lines (HELP, TYPE) and blank lines skipped; values `NaN`,
 * `+Inf`, `-Inf` as numbers; malformed lines ignored.
 */
export function parsePrometheus(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    const v = m[4]!;
    const value = v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);
    if (v !== 'NaN' && Number.isNaN(value)) continue;
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** A summary's or histogram's totals at one read: `_sum` and `_count` over every label set, and its p99 when it exports quantiles. */
export interface MetricTotals {
  sum: number;
  count: number;
  p99?: number;
}

/** The totals of metric `base` (`{base}_sum`, `{base}_count`, `{base}{quantile="0.99"}`) in `samples`; undefined when it has no `_count`. */
export function metricTotals(samples: readonly PromSample[], base: string): MetricTotals | undefined {
  let sum = 0;
  let count = 0;
  let seen = false;
  let p99: number | undefined;
  for (const s of samples) {
    if (s.name === `${base}_sum`) sum += s.value;
    else if (s.name === `${base}_count`) {
      count += s.value;
      seen = true;
    } else if (s.name === base && s.labels.quantile === '0.99' && Number.isFinite(s.value)) p99 = Math.max(p99 ?? -Infinity, s.value);
  }
  return seen ? { sum, count, ...(p99 === undefined ? {} : { p99 }) } : undefined;
}

/**
 * The mean (ms) of the observations between two reads of one metric: Δsum / Δcount; undefined
 * when nothing was observed between them or a counter went back (a restart of the process).
 */
export function intervalMean(prev: MetricTotals | undefined, cur: MetricTotals | undefined): number | undefined {
  if (!prev || !cur) return undefined;
  const dc = cur.count - prev.count;
  const ds = cur.sum - prev.sum;
  if (dc <= 0 || ds < 0) return undefined;
  return ds / dc;
}

/** One point of a chart line: wall time (epoch ms) and value (ms). */
export interface ChartPoint {
  at: number;
  value: number;
}

/**
 * An SVG path (`M x y L x y …`) of `points` in a `width`×`height` box: time from `now −
 * windowMs` (left) to `now` (right), value from 0 (bottom) to `max` (top); points outside the
 * window are dropped. A single point is a zero-length segment (drawn as a dot with round
 * line caps). Empty when no point is inside.
 */
export function chartPath(points: readonly ChartPoint[], now: number, windowMs: number, max: number, width: number, height: number): string {
  const inside = points.filter((p) => p.at >= now - windowMs && p.at <= now);
  const top = max > 0 ? max : 1;
  return inside
    .map((p, i) => {
      const x = ((p.at - (now - windowMs)) / windowMs) * width;
      const y = height - (Math.min(p.value, top) / top) * height;
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
    })
    .concat(inside.length === 1 ? ['l0 0'] : [])
    .join(' ');
}

/** A duration in ms as an operator reads it: `850 ms`, `3.2 s`, `4 min`, `2 h`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** An error with the server's words (`{ error: { message } }`) or an explanation of the status. */
class ApiError extends Error {}

/** How long (ms) a row whose stream left the list stays, to keep the result of an action on it in view. */
export const RESULT_KEEP_MS = 60_000;

/** The buttons and result line of one stream's row. */
interface RowParts {
  tr: HTMLTableRowElement;
  cells: { status: HTMLElement; viewers: HTMLElement; position: HTMLElement; tick: HTMLElement };
  actions: HTMLElement;
  result: HTMLElement;
  busy: boolean;
  stream: OperatorStream;
  /** When (Date.now(), ms) an action's result was shown; undefined before any. */
  resultAt?: number;
}

const CHART_W = 320;
const CHART_H = 90;

/** The operator page. Call {@link destroy} when leaving it (it stops its timers). */
export class OperatorView {
  readonly root: HTMLElement;
  private readonly note: HTMLElement;
  private readonly filter: HTMLSelectElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly empty: HTMLElement;
  private readonly rows = new Map<string, RowParts>();
  private readonly chartNote: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly chartSvg: SVGSVGElement;
  private readonly latenessLine: SVGPathElement;
  private readonly fanOutLine: SVGPathElement;
  private readonly maxLabel: SVGTextElement;
  private readonly lateness: ChartPoint[] = [];
  private readonly fanOut: ChartPoint[] = [];
  private lastTotals: { lateness?: MetricTotals; fanOut?: MetricTotals } = {};
  private readonly timers: number[] = [];
  private destroyed = false;

  constructor(private readonly actions: OperatorActions) {
    this.note = h('p', { class: 'muted operator-note', role: 'status', 'data-testid': 'operator-note' }, 'Loading the streams…');
    this.filter = h(
      'select',
      { id: 'operator-status', 'data-testid': 'operator-filter' },
      h('option', { value: 'open' }, 'Open streams'),
      h('option', { value: 'failed' }, 'Failed streams'),
      h('option', { value: 'all' }, 'All streams'),
    );
    this.filter.addEventListener('change', () => void this.refresh());
    const refreshBtn = h('button', { class: 'btn', type: 'button', 'data-testid': 'operator-refresh', onclick: () => void this.refresh() }, 'Refresh');
    this.tbody = h('tbody', {});
    this.empty = h('p', { class: 'muted', hidden: true, 'data-testid': 'operator-empty' }, 'No streams here.');
    const table = h(
      'table',
      { class: 'operator-table', 'data-testid': 'operator-streams' },
      h('caption', { class: 'sr-only' }, 'Streams, with their mode, status, viewers, position, last tick and actions'),
      h(
        'thead',
        {},
        h('tr', {}, ...['Stream', 'Mode', 'Status', 'Viewers', 'Position', 'Last tick', 'Actions'].map((t) => h('th', { scope: 'col' }, t))),
      ),
      this.tbody,
    );

    this.chartSvg = svg('svg', { viewBox: `0 0 ${CHART_W} ${CHART_H + 14}`, width: CHART_W, height: CHART_H + 14, role: 'img', 'aria-label': 'Frame lateness and fan-out time, last 10 minutes', 'data-testid': 'operator-chart' });
    this.chartSvg.append(svg('line', { x1: 0, y1: CHART_H, x2: CHART_W, y2: CHART_H, class: 'chart-axis' }));
    this.latenessLine = svg('path', { d: '', class: 'chart-lateness', fill: 'none' });
    this.fanOutLine = svg('path', { d: '', class: 'chart-fanout', fill: 'none' });
    this.maxLabel = svg('text', { x: 2, y: 10, class: 'chart-label' });
    const minLabel = svg('text', { x: 2, y: CHART_H + 12, class: 'chart-label' });
    minLabel.textContent = '10 min ago';
    const nowLabel = svg('text', { x: CHART_W - 2, y: CHART_H + 12, class: 'chart-label', 'text-anchor': 'end' });
    nowLabel.textContent = 'now';
    this.chartSvg.append(this.latenessLine, this.fanOutLine, this.maxLabel, minLabel, nowLabel);
    this.chartNote = h('p', { class: 'muted small', role: 'status', 'data-testid': 'operator-metrics' }, 'Reading /metrics…');
    const legend = (this.legend = h(
      'p',
      { class: 'small operator-legend' },
      h('span', { class: 'key key-lateness', 'aria-hidden': 'true' }),
      ' frame lateness (mean per 5 s) ',
      h('span', { class: 'key key-fanout', 'aria-hidden': 'true' }),
      ' fan-out time (mean per 5 s)',
    ));

    this.root = h(
      'main',
      { class: 'operator', 'data-testid': 'operator' },
      h(
        'div',
        { class: 'operator-head' },
        h('h1', {}, 'Operator'),
        h('div', { class: 'operator-tools' }, h('label', { for: 'operator-status', class: 'sr-only' }, 'Which streams'), this.filter, refreshBtn),
      ),
      this.note,
      h('section', { class: 'panel operator-list', 'aria-labelledby': 'operator-streams-h' }, h('h2', { id: 'operator-streams-h' }, 'Streams'), table, this.empty),
      h('section', { class: 'panel operator-chart', 'aria-labelledby': 'operator-chart-h' }, h('h2', { id: 'operator-chart-h' }, 'Lateness and fan-out'), this.chartSvg, legend, this.chartNote),
    );
    void this.refresh();
    void this.readMetrics();
    this.timers.push(window.setInterval(() => void this.refresh(), LIST_REFRESH_MS), window.setInterval(() => void this.readMetrics(), METRICS_REFRESH_MS));
  }

  /** Stop the timers; the page is gone. */
  destroy(): void {
    this.destroyed = true;
    for (const t of this.timers) window.clearInterval(t);
  }

  /** Call an operator route; resolves its JSON, rejects with an {@link ApiError} in plain words. */
  private async call(method: 'GET' | 'POST', path: string): Promise<unknown> {
    let token: string;
    try {
      token = await this.actions.token();
    } catch (e) {
      throw new ApiError(`No operator token: ${(e as Error).message}`);
    }
    let res: Response;
    try {
      res = await fetch(path, { method, headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    } catch {
      throw new ApiError('Cannot reach the HTTP API. Check the connection and try again.');
    }
    const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    if (res.ok) return body;
    if (typeof body?.error?.message === 'string') throw new ApiError(body.error.message);
    if (res.status === 401 || res.status === 403) throw new ApiError('The HTTP API refused this token: it needs the operator role (open the page with an operator token).');
    throw new ApiError(`The HTTP API answered ${res.status}. Try again in a moment.`);
  }

  /** Fetch the list (every page, at most 10) and redraw it. */
  private async refresh(): Promise<void> {
    const status = this.filter.value === 'failed' ? 'failed' : this.filter.value === 'all' ? 'all' : 'open';
    const streams: OperatorStream[] = [];
    try {
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const q = new URLSearchParams({ status, limit: '100', ...(cursor ? { cursor } : {}) });
        const body = (await this.call('GET', `/operator/streams?${q}`)) as { streams: OperatorStream[]; next?: string };
        streams.push(...body.streams);
        cursor = body.next;
        if (!cursor) break;
      }
    } catch (e) {
      if (!this.destroyed) setText(this.note, (e as Error).message);
      return;
    }
    if (this.destroyed) return;
    setText(this.note, `${streams.length} stream${streams.length === 1 ? '' : 's'}, updated every ${LIST_REFRESH_MS / 1000} s.`);
    this.draw(streams);
  }

  private draw(streams: readonly OperatorStream[]): void {
    const seen = new Set<string>();
    for (const s of streams) {
      seen.add(s.streamId);
      let row = this.rows.get(s.streamId);
      if (!row) {
        row = this.newRow(s);
        this.rows.set(s.streamId, row);
      }
      this.tbody.append(row.tr); // keeps the server's order
      // Just ended here: the list (an eventually consistent index) may still show it open for a moment.
      if (row.tr.dataset.status === 'ended' && s.status !== 'ended' && s.status !== 'failed') continue;
      row.stream = s;
      const status = statusLabel(s.status) + (s.failureReason ? `: ${s.failureReason}` : s.endedReason ? ` (${s.endedReason})` : '');
      setText(row.cells.status, status);
      row.tr.dataset.status = s.status;
      setText(row.cells.viewers, String(s.viewers));
      setText(row.cells.position, `${formatDuration(s.positionMs)} / ${formatDuration(s.durationMs)}`);
      setText(row.cells.tick, `${s.lastTickAgoMs === undefined ? 'never' : `${formatMs(s.lastTickAgoMs)} ago`}${s.stuck ? ' — stuck' : ''}`);
    }
    const now = Date.now();
    for (const [id, row] of this.rows) {
      if (!seen.has(id) && !row.busy && (row.resultAt === undefined || now - row.resultAt > RESULT_KEEP_MS)) {
        row.tr.remove();
        this.rows.delete(id);
      }
    }
    this.empty.hidden = this.rows.size > 0;
  }

  private newRow(s: OperatorStream): RowParts {
    const cells = {
      status: h('td', { 'data-testid': 'operator-status' }),
      viewers: h('td', { class: 'num', 'data-testid': 'operator-viewers' }),
      position: h('td', { class: 'num' }),
      tick: h('td', {}),
    };
    const actions = h('div', { class: 'operator-actions' });
    const result = h('p', { class: 'small operator-result', role: 'status', 'data-testid': 'operator-result' });
    const tr = h(
      'tr',
      { 'data-testid': 'operator-stream', 'data-stream-id': s.streamId },
      h('th', { scope: 'row' }, h('span', { class: 'operator-id' }, s.streamId), h('span', { class: 'muted small operator-title' }, s.title)),
      h('td', {}, modeLabel(s.mode)),
      cells.status,
      cells.viewers,
      cells.position,
      cells.tick,
      h('td', {}, actions, result),
    );
    const row: RowParts = { tr, cells, actions, result, busy: false, stream: s };
    this.showButtons(row);
    return row;
  }

  /** The row's idle buttons: End and Restart. */
  private showButtons(row: RowParts): void {
    clear(row.actions);
    const label = (what: string) => `${what} ${row.stream.streamId}`;
    row.actions.append(
      h('button', { class: 'btn', type: 'button', 'data-testid': 'operator-end', 'aria-label': label('End'), onclick: () => this.confirm(row, 'end') }, 'End'),
      h('button', { class: 'btn', type: 'button', 'data-testid': 'operator-restart', 'aria-label': label('Restart'), onclick: () => this.confirm(row, 'restart') }, 'Restart'),
    );
  }

  /** Ask before acting: "End it for its N viewers?" with a confirm and a cancel button. */
  private confirm(row: RowParts, action: 'end' | 'restart'): void {
    clear(row.actions);
    const n = row.stream.viewers;
    const question = action === 'end' ? `End it for its ${n} viewer${n === 1 ? '' : 's'}?` : 'Restart it from where it was?';
    const yes = h(
      'button',
      { class: 'btn primary', type: 'button', 'data-testid': 'operator-confirm', onclick: () => void this.act(row, action, yes) },
      action === 'end' ? 'Yes, end it' : 'Yes, restart it',
    );
    row.actions.append(h('span', { class: 'small' }, question), ' ', yes, ' ', h('button', { class: 'btn ghost', type: 'button', onclick: () => this.showButtons(row) }, 'Cancel'));
    setText(row.result, '');
    yes.focus();
  }

  private async act(row: RowParts, action: 'end' | 'restart', button: HTMLButtonElement): Promise<void> {
    if (row.busy) return;
    row.busy = true;
    button.disabled = true;
    button.dataset.pending = '';
    setText(button, action === 'end' ? 'Ending…' : 'Restarting…');
    const id = row.stream.streamId;
    try {
      const body = (await this.call('POST', `/operator/streams/${encodeURIComponent(id)}/${action}`)) as { epoch: number; positionMs?: number };
      setText(
        row.result,
        action === 'end'
          ? `Ended. Its viewers were told the stream was stopped.`
          : `Restarted under epoch ${body.epoch} from ${formatDuration(body.positionMs ?? 0)}. Its viewers were sent the new state.`,
      );
      row.result.dataset.outcome = 'ok';
      if (action === 'end') {
        row.stream = { ...row.stream, status: 'ended', endedReason: 'stopped' };
        row.tr.dataset.status = 'ended';
        setText(row.cells.status, `${statusLabel('ended')} (stopped)`);
      }
    } catch (e) {
      setText(row.result, (e as Error).message);
      row.result.dataset.outcome = 'error';
    } finally {
      row.busy = false;
      row.resultAt = Date.now();
      if (!this.destroyed) {
        if (row.stream.status === 'ended') clear(row.actions);
        else this.showButtons(row);
        void this.refresh();
      }
    }
  }

  /** Read `/metrics` once: add a point per line, redraw; "metrics unavailable" unless it answers 200. */
  private async readMetrics(): Promise<void> {
    let text: string | undefined;
    try {
      const res = await fetch('/metrics', { cache: 'no-store' });
      // An HTML page (a proxy's or a fallback's) is not the Prometheus text format.
      text = res.status === 200 && !/html/i.test(res.headers.get('content-type') ?? '') ? await res.text() : undefined;
    } catch {
      text = undefined;
    }
    if (this.destroyed) return;
    if (text === undefined) {
      setText(this.chartNote, 'Metrics unavailable: this server does not answer GET /metrics.');
      this.chartSvg.dataset.state = 'unavailable';
      this.chartSvg.style.display = 'none';
      this.legend.hidden = true;
      return;
    }
    this.chartSvg.style.display = '';
    this.legend.hidden = false;
    const samples = parsePrometheus(text);
    const now = Date.now();
    const totals = { lateness: metricTotals(samples, LATENESS_METRIC), fanOut: metricTotals(samples, FAN_OUT_METRIC) };
    const late = intervalMean(this.lastTotals.lateness, totals.lateness);
    const fan = intervalMean(this.lastTotals.fanOut, totals.fanOut);
    this.lastTotals = totals;
    if (late !== undefined) this.lateness.push({ at: now, value: late });
    if (fan !== undefined) this.fanOut.push({ at: now, value: fan });
    for (const line of [this.lateness, this.fanOut]) while (line.length > 0 && line[0]!.at < now - CHART_WINDOW_MS) line.shift();
    const max = Math.max(1, ...this.lateness.map((p) => p.value), ...this.fanOut.map((p) => p.value));
    this.latenessLine.setAttribute('d', chartPath(this.lateness, now, CHART_WINDOW_MS, max, CHART_W, CHART_H));
    this.fanOutLine.setAttribute('d', chartPath(this.fanOut, now, CHART_WINDOW_MS, max, CHART_W, CHART_H));
    this.maxLabel.textContent = formatMs(max);
    this.chartSvg.dataset.state = 'ok';
    const p99 = totals.lateness?.p99;
    const lastLate = this.lateness.at(-1)?.value;
    const lastFan = this.fanOut.at(-1)?.value;
    const parts = [
      lastLate === undefined ? 'lateness: no frames lately' : `lateness ${formatMs(lastLate)}`,
      ...(p99 === undefined ? [] : [`p99 ${formatMs(p99)}`]),
      lastFan === undefined ? 'fan-out: none lately' : `fan-out ${formatMs(lastFan)}`,
    ];
    if (!totals.lateness && !totals.fanOut) parts.splice(0, parts.length, `/metrics has no ${LATENESS_METRIC} or ${FAN_OUT_METRIC} yet`);
    setText(this.chartNote, `${parts.join(' · ')}.`);
    this.chartSvg.setAttribute('aria-label', `Frame lateness and fan-out time, last 10 minutes: ${parts.join(', ')}`);
  }
}
