/**
 * Local mode's custom metrics, served at `GET /metrics` in the Prometheus text exposition
 * format, version 0.0.4 (prometheus.io, "Exposition formats"). Local-mode-only code: no Lambda
 * bundles it.
 *
 * Every local function's metrics adapter (lambda/adapters/metrics.ts `PowertoolsMetrics`)
 * writes its CloudWatch embedded metric format (EMF) documents to a sink the local stack
 * registers (local/stack.ts) instead of stdout; the sink is {@link LocalMetricsRegistry.ingest},
 * which parses each document and updates an in-memory registry:
 *
 * - a Count metric of contract/metrics.ts `METRICS` becomes a counter
 *   `matchcast_<snake_case name>_total`, increased by every data point's value;
 * - the two gauges (`ActiveStreams`, `Viewers`: counted by the sweeper, {@link GAUGE_METRICS})
 *   become gauges `matchcast_active_streams`, `matchcast_viewers` holding the last value;
 * - a Milliseconds metric becomes a summary `matchcast_<snake_case name>_ms` with quantiles 0.5
 *   and 0.99 over the data points of a sliding window (default the last 5 minutes, at most
 *   {@link DEFAULT_MAX_WINDOW_SAMPLES} per series: memory stays bounded), plus `_sum` and
 *   `_count` over every data point since the stack started.
 *
 * Labels are the document's dimensions except `service` (the same on every metric:
 * contract/metrics.ts `METRICS_SERVICE`), e.g. `cause="gone"`. Their values come from the
 * bounded sets of contract/metrics.ts `DIMENSION_VALUES`, so the number of series is bounded too.
 * `# HELP` is the metric's contract/metrics.ts description.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { METRICS, METRICS_NAMESPACE, SERVICE_DIMENSION, type MetricName } from '../contract/metrics';
import type { GatewayHttpHandler } from './gateway';
import { text } from './gateway/http';

/** The `content-type` of the Prometheus text exposition format, version 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The path local mode serves the metrics on. */
export const METRICS_PATH = '/metrics';

/** The quantiles every summary reports (0.5 = median). */
export const SUMMARY_QUANTILES = [0.5, 0.99] as const;

/** Default sliding window of the summaries' quantiles, ms (5 minutes). */
export const DEFAULT_WINDOW_MS = 5 * 60_000;

/** Default cap of the data points kept per summary series for its quantiles (the oldest go first). */
export const DEFAULT_MAX_WINDOW_SAMPLES = 10_000;

/**
 * The Count metrics that are gauges (a value at one moment, contract/metrics.ts: "Gauge: …"),
 * not event counts. A gauge's series not reported within {@link GAUGE_STALE_MS} of its metric's
 * newest data point is dropped: the sweeper reports every mode and status present in one sweep,
 * so a combination missing from the latest sweep has no stream any more.
 */
export const GAUGE_METRICS: ReadonlySet<MetricName> = new Set<MetricName>(['ActiveStreams', 'Viewers']);

/** How much older than its metric's newest data point a gauge series may be before it is dropped, ms. */
export const GAUGE_STALE_MS = 30_000;

/** The Prometheus type a metric of contract/metrics.ts is exposed as. */
export type PrometheusType = 'counter' | 'gauge' | 'summary';

/** `FanOutTime` → `fan_out_time`. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** How metric `name` is exposed: counter, gauge or summary. */
export function prometheusType(name: MetricName): PrometheusType {
  if (METRICS[name].unit === 'Milliseconds') return 'summary';
  return GAUGE_METRICS.has(name) ? 'gauge' : 'counter';
}

/**
 * The Prometheus name of metric `name`: `matchcast_` + its snake_case name + the unit suffix —
 * `_total` for a counter, `_ms` for a time in milliseconds, none for a gauge
 * (`FramesSent` → `matchcast_frames_sent_total`, `FrameLateness` → `matchcast_frame_lateness_ms`,
 * `Viewers` → `matchcast_viewers`).
 */
export function prometheusName(name: MetricName): string {
  const base = `${METRICS_NAMESPACE}_${snakeCase(name)}`;
  const type = prometheusType(name);
  return type === 'counter' ? `${base}_total` : type === 'summary' ? `${base}_ms` : base;
}

/** One EMF document as Powertools Metrics serializes it (only the fields read here). */
const emfDocument = z.looseObject({
  _aws: z.object({
    Timestamp: z.number().optional(),
    CloudWatchMetrics: z.array(
      z.object({
        Namespace: z.string(),
        Dimensions: z.array(z.array(z.string())),
        Metrics: z.array(z.object({ Name: z.string(), Unit: z.string().optional() })),
      }),
    ),
  }),
});
const emfValues = z.union([z.number(), z.array(z.number())]);

/** A series: one metric with one set of label values. */
interface Series {
  readonly labels: Record<string, string>;
  /** Counter/gauge value, or the summary's sum. */
  value: number;
  /** Summary: data points ever. */
  count: number;
  /** Summary: the window's data points `[atMs, value]`, oldest first. */
  readonly window: Array<[number, number]>;
  /** When the series was last updated (ms, the registry's clock). */
  updatedAt: number;
}

/** Options of {@link LocalMetricsRegistry}. */
export interface LocalMetricsRegistryOptions {
  /** The summaries' sliding window, ms. @default {@link DEFAULT_WINDOW_MS} */
  readonly windowMs?: number;
  /** At most this many data points per summary series in the window. @default {@link DEFAULT_MAX_WINDOW_SAMPLES} */
  readonly maxWindowSamples?: number;
  /** The clock, ms since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** The in-memory registry of local mode's metrics (see the module note). */
export class LocalMetricsRegistry {
  private readonly windowMs: number;
  private readonly maxWindowSamples: number;
  private readonly now: () => number;
  /** Series by metric, then by their labels as JSON. */
  private readonly series = new Map<MetricName, Map<string, Series>>();

  constructor(opts: LocalMetricsRegistryOptions = {}) {
    this.windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
    this.maxWindowSamples = opts.maxWindowSamples ?? DEFAULT_MAX_WINDOW_SAMPLES;
    this.now = opts.now ?? Date.now;
    // Metrics without dimensions have their one series from the start (a counter at 0), so a
    // scrape sees them before the first event and `rate()` has a starting point.
    for (const name of Object.keys(METRICS) as MetricName[]) if (METRICS[name].dimensions.length === 0) this.seriesOf(name, {});
  }

  /**
   * Take one EMF document (a JSON line, what `PowertoolsMetrics` writes to its sink) into the
   * registry. A metric of another namespace or not in contract/metrics.ts is ignored. Returns
   * how many data points were taken.
   * @throws Error when `emfLine` is not JSON or not an EMF document (`_aws.CloudWatchMetrics`),
   *   or a metric's value is not a number or a list of numbers; nothing is taken then.
   */
  ingest(emfLine: string): number {
    const doc = emfDocument.parse(JSON.parse(emfLine));
    const points: Array<{ name: MetricName; labels: Record<string, string>; values: number[] }> = [];
    for (const directive of doc._aws.CloudWatchMetrics) {
      if (directive.Namespace !== METRICS_NAMESPACE) continue;
      const dims = (directive.Dimensions[0] ?? []).filter((d) => d !== SERVICE_DIMENSION);
      const labels = Object.fromEntries(dims.map((d) => [d, String(doc[d] ?? '')]));
      for (const m of directive.Metrics) {
        if (!Object.hasOwn(METRICS, m.Name)) continue;
        const raw = emfValues.parse(doc[m.Name]);
        points.push({ name: m.Name as MetricName, labels, values: typeof raw === 'number' ? [raw] : raw });
      }
    }
    const at = this.now();
    let taken = 0;
    for (const p of points) {
      const s = this.seriesOf(p.name, p.labels);
      s.updatedAt = at;
      const type = prometheusType(p.name);
      if (type === 'gauge') {
        s.value = p.values[p.values.length - 1] ?? s.value;
      } else {
        for (const v of p.values) {
          s.value += v;
          if (type === 'summary') {
            s.count++;
            s.window.push([at, v]);
          }
        }
        if (s.window.length > this.maxWindowSamples) s.window.splice(0, s.window.length - this.maxWindowSamples);
      }
      taken += p.values.length;
    }
    return taken;
  }

  /**
   * Every metric of contract/metrics.ts in the Prometheus text exposition format 0.0.4: for
   * each, one `# HELP` and one `# TYPE` line, then its series (a summary: one line per quantile
   * of {@link SUMMARY_QUANTILES} over the window — `NaN` when the window is empty — then `_sum`
   * and `_count`). Ends with a newline.
   */
  exposition(): string {
    const at = this.now();
    const lines: string[] = [];
    for (const name of Object.keys(METRICS) as MetricName[]) {
      const prom = prometheusName(name);
      const type = prometheusType(name);
      lines.push(`# HELP ${prom} ${escapeHelp(METRICS[name].description)}`, `# TYPE ${prom} ${type}`);
      const all = this.series.get(name) ?? new Map<string, Series>();
      if (type === 'gauge') {
        const newest = Math.max(0, ...[...all.values()].map((s) => s.updatedAt));
        for (const [key, s] of all) if (newest - s.updatedAt > GAUGE_STALE_MS) all.delete(key);
      }
      for (const s of all.values()) {
        if (type !== 'summary') {
          lines.push(`${prom}${labelText(s.labels)} ${numberText(s.value)}`);
          continue;
        }
        while (s.window.length > 0 && s.window[0]![0] < at - this.windowMs) s.window.shift();
        const sorted = s.window.map(([, v]) => v).sort((a, b) => a - b);
        for (const q of SUMMARY_QUANTILES) lines.push(`${prom}${labelText({ ...s.labels, quantile: String(q) })} ${numberText(quantile(sorted, q))}`);
        lines.push(`${prom}_sum${labelText(s.labels)} ${numberText(s.value)}`, `${prom}_count${labelText(s.labels)} ${s.count}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  private seriesOf(name: MetricName, labels: Record<string, string>): Series {
    let byLabels = this.series.get(name);
    if (!byLabels) this.series.set(name, (byLabels = new Map()));
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    let s = byLabels.get(key);
    if (!s) byLabels.set(key, (s = { labels, value: 0, count: 0, window: [], updatedAt: this.now() }));
    return s;
  }
}

/** The `q`-quantile of ascending `sorted` by nearest rank; NaN when it is empty. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** A sample value as the format writes it: `NaN`, `+Inf`, `-Inf` or the number. */
function numberText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** `# HELP` text: backslash and line feed escaped (the format's rule). */
function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `{a="x",b="y"}` (nothing for no labels); values with backslash, double quote and line feed escaped. */
function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

/**
 * The gateway's HTTP handler for `GET`/`HEAD /metrics`: `200` with `registry`'s exposition
 * ({@link PROMETHEUS_CONTENT_TYPE}, `cache-control: no-store`); every other request goes to
 * `next` (resolves false when there is none).
 */
export function metricsHttp(registry: LocalMetricsRegistry, next?: GatewayHttpHandler): GatewayHttpHandler {
  return async (req, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === METRICS_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      text(res, 200, registry.exposition(), PROMETHEUS_CONTENT_TYPE, { 'cache-control': 'no-store' });
      return true;
    }
    return next ? next(req, res) : false;
  };
}
