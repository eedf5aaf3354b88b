/**
 * The `Metrics` port (ports/metrics.ts) over Powertools for AWS Lambda (TypeScript) Metrics:
 * each data point is buffered and written at {@link PowertoolsMetrics.flush} as CloudWatch
 * embedded metric format (EMF) JSON on stdout, which CloudWatch Logs turns into metrics
 * asynchronously — no PutMetricData call on the request's path.
 *
 * Names, units, resolutions and dimensions come from contract/metrics.ts (`METRICS`), the
 * list the dashboard and alarms (lib/monitoring.ts) read. One EMF document carries one set of
 * dimensions, so the adapter keeps one Powertools `Metrics` per set of dimension values met
 * (bounded: the values come from contract/metrics.ts `DIMENSION_VALUES`), each with the
 * namespace `matchcast` and the default dimension `service` = `matchcast`.
 *
 * `POWERTOOLS_METRICS_DISABLED=true` in the function's environment makes every call a no-op:
 * {@link metricsFromEnvironment} reads it from the environment it is given (Powertools' own
 * stdout publishing also reads it from `process.env`; a write sink does not).
 *
 * Local mode runs every function in one Node.js process and collects their metrics itself
 * (local/metrics.ts, served at `GET /metrics`): it registers a write sink (metrics-sink.ts
 * `registerMetricsSink`) and names it in each function's environment (`METRICS_SINK_ENV`), so
 * {@link metricsFromEnvironment} writes the EMF documents there instead of stdout. On AWS the
 * variable is never set.
 */
import { Metrics as PowertoolsMetricsClient, MetricResolution } from '@aws-lambda-powertools/metrics';
import { METRICS, METRICS_NAMESPACE, METRICS_SERVICE, SERVICE_DIMENSION, metricDimensions, type MetricName } from '../../contract/metrics';
import type { MetricDimensionValues, Metrics } from '../ports/metrics';
import { logger } from './log';
import { METRICS_SINK_ENV, metricsSink } from './metrics-sink';

export { METRICS_SINK_ENV, registerMetricsSink, type RegisteredMetricsSink } from './metrics-sink';

/** The variable that turns the custom metrics off (Powertools Metrics' own name for it). */
export const METRICS_DISABLED_ENV = 'POWERTOOLS_METRICS_DISABLED';

/** What {@link PowertoolsMetrics} is constructed with (every field optional). */
export interface PowertoolsMetricsOptions {
  /** Emit nothing (default false). */
  disabled?: boolean;
  /**
   * Where each EMF document (one JSON line per set of dimensions) goes — every one, including
   * those Powertools publishes before the flush when a metric reaches 100 values. Default:
   * Powertools' own `publishStoredMetrics()`, which prints it to stdout (in Lambda, the
   * function's log).
   */
  write?: (emfLine: string) => void;
}

/**
 * A Powertools `Metrics` whose every publish goes to `write` instead of stdout: the flush's, and
 * the one Powertools makes by itself in the middle of an invocation when a metric reaches 100
 * values or the document 100 metrics (EMF: at most 100 values per metric and 100 metrics per
 * document — Amazon CloudWatch User Guide, "Specification: Embedded metric format").
 */
class SinkMetricsClient extends PowertoolsMetricsClient {
  constructor(
    options: ConstructorParameters<typeof PowertoolsMetricsClient>[0],
    private readonly write: (emfLine: string) => void,
  ) {
    super(options);
  }

  override publishStoredMetrics(): this {
    if (!this.hasStoredMetrics()) return this;
    try {
      this.write(JSON.stringify(this.serializeMetrics()));
    } finally {
      this.clearMetrics();
      this.clearMetadata();
    }
    return this;
  }
}

/** A `true`/`1`/`yes`/`on` value (any case), as Powertools reads its boolean variables. */
function truthy(v: string | undefined): boolean {
  return ['true', '1', 'yes', 'on'].includes((v ?? '').trim().toLowerCase());
}

/**
 * Custom metrics in CloudWatch EMF through Powertools Metrics. One per function (its
 * composition root builds it); the handler calls {@link flush} at the end of every invocation.
 */
export class PowertoolsMetrics implements Metrics {
  private readonly disabled: boolean;
  private readonly write: ((emfLine: string) => void) | undefined;
  /** One Powertools `Metrics` per set of dimension values, by that set as JSON. */
  private readonly byDimensions = new Map<string, PowertoolsMetricsClient>();

  constructor(opts: PowertoolsMetricsOptions = {}) {
    this.disabled = opts.disabled ?? false;
    this.write = opts.write;
  }

  /**
   * Buffer one data point of `name` (unit and resolution from contract/metrics.ts; `FrameLateness`
   * high resolution). A data point the contract refuses (a missing, extra or unknown dimension
   * value) or a value that is not a finite number is dropped with a warning in the log.
   */
  add(name: MetricName, value: number, dimensions: MetricDimensionValues = {}): void {
    if (this.disabled) return;
    try {
      if (!Number.isFinite(value)) throw new Error(`${value} is not a finite number`);
      const { [SERVICE_DIMENSION]: _service, ...own } = metricDimensions(name, dimensions);
      const def = METRICS[name];
      this.client(own).addMetric(name, def.unit, value, def.resolution === 1 ? MetricResolution.High : MetricResolution.Standard);
    } catch (e) {
      logger.warn('metric data point dropped', { metric: name, error: (e as Error).message });
    }
  }

  /** Write every buffered data point (one EMF document per set of dimensions) and forget them; nothing when none was added. */
  flush(): void {
    if (this.disabled) return;
    for (const m of this.byDimensions.values()) {
      if (!m.hasStoredMetrics()) continue; // Powertools would warn "No application metrics to publish"
      try {
        m.publishStoredMetrics(); // to stdout, or to `write` (SinkMetricsClient)
      } catch (e) {
        m.clearMetrics();
        logger.warn('metrics not published', { error: (e as Error).message });
      }
    }
  }

  private client(own: Record<string, string>): PowertoolsMetricsClient {
    const key = JSON.stringify(own);
    let m = this.byDimensions.get(key);
    if (!m) {
      const options = {
        namespace: METRICS_NAMESPACE,
        serviceName: METRICS_SERVICE,
        ...(Object.keys(own).length > 0 ? { defaultDimensions: own } : {}),
        logger,
      };
      m = this.write ? new SinkMetricsClient(options, this.write) : new PowertoolsMetricsClient(options);
      this.byDimensions.set(key, m);
    }
    return m;
  }
}

/**
 * The function's metrics from `env` (its environment): a {@link PowertoolsMetrics}, disabled
 * when {@link METRICS_DISABLED_ENV} (`POWERTOOLS_METRICS_DISABLED`) is `true`/`1`/`yes`/`on`,
 * writing to the sink {@link METRICS_SINK_ENV} names when that one is registered in this
 * process (local mode; {@link registerMetricsSink}), else to stdout. A sink looked up when the
 * flush runs, so one unregistered meanwhile drops the documents instead of printing them.
 */
export function metricsFromEnvironment(env: NodeJS.ProcessEnv): PowertoolsMetrics {
  const disabled = truthy(env[METRICS_DISABLED_ENV]);
  const sinkId = env[METRICS_SINK_ENV];
  if (!sinkId || !metricsSink(sinkId)) return new PowertoolsMetrics({ disabled });
  return new PowertoolsMetrics({ disabled, write: (emfLine) => metricsSink(sinkId)?.(emfLine) });
}

/**
 * `handler` with `metrics.flush()` after every invocation, returned or thrown (`handler` itself when there are no metrics) — Powertools'
 * `logMetrics` middleware pattern without middy: `(...args) → handler(...args)`, then flush.
 */
export function flushingMetrics<A extends unknown[], R>(metrics: Pick<Metrics, 'flush'> | undefined, handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  if (!metrics) return handler;
  return async (...args: A): Promise<R> => {
    try {
      return await handler(...args);
    } finally {
      metrics.flush();
    }
  };
}
