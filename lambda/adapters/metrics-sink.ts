/**
 * In-process write sinks for the metrics adapter (metrics.ts): local mode runs every function
 * in one Node.js process and collects their custom metrics itself (local/metrics.ts, served at
 * `GET /metrics`). It registers a sink here and names it in each function's environment
 * ({@link METRICS_SINK_ENV}); metrics.ts `metricsFromEnvironment` then writes that function's
 * EMF documents to the sink instead of stdout. On AWS nothing registers one and the variable
 * is never set.
 *
 * This module imports nothing, so local mode can register a sink before the handler modules
 * (and the logger, which reads its level when it loads) are loaded.
 */

/** The variable naming an in-process write sink registered with {@link registerMetricsSink} (local mode only; never set on AWS). */
export const METRICS_SINK_ENV = 'MATCHCAST_METRICS_SINK';

/** The write sinks registered in this process, by id. */
const sinks = new Map<string, (emfLine: string) => void>();
let nextSinkId = 1;

/** A write sink registered with {@link registerMetricsSink}. */
export interface RegisteredMetricsSink {
  /** The value of {@link METRICS_SINK_ENV} that selects this sink. */
  readonly id: string;
  /** Forget the sink: documents a function still writes to it are dropped; functions built afterwards write to stdout. */
  unregister(): void;
}

/**
 * Register `write` (it receives each EMF document, one JSON line) as a sink a function's
 * environment may select: a function built by metrics.ts `metricsFromEnvironment` from an
 * environment whose {@link METRICS_SINK_ENV} is the returned `id` writes its metrics there. One
 * per local stack, so two stacks in one process keep their metrics apart.
 */
export function registerMetricsSink(write: (emfLine: string) => void): RegisteredMetricsSink {
  const id = `sink-${nextSinkId++}`;
  sinks.set(id, write);
  return { id, unregister: () => void sinks.delete(id) };
}

/** The sink registered under `id`, or undefined when none is (never registered, or unregistered). */
export function metricsSink(id: string): ((emfLine: string) => void) | undefined {
  return sinks.get(id);
}
