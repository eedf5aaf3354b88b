/**
 * The custom metrics of the use cases and the fan-out: a data point for a metric of
 * contract/metrics.ts (`METRICS`: name, unit, resolution, dimensions), published once per
 * invocation. Implemented by adapters/metrics.ts `PowertoolsMetrics` (CloudWatch embedded
 * metric format on stdout), {@link NO_METRICS}, and the tests' recording fake.
 */
import type { MetricDimension, MetricName } from '../../contract/metrics';

/** The values of a data point's own dimensions (never `service`, which the adapter adds), e.g. `{ cause: 'gone' }`. */
export type MetricDimensionValues = Partial<Record<MetricDimension, string>>;

/** Custom metrics, buffered per invocation. */
export interface Metrics {
  /**
   * Add one data point `value` to metric `name`, in the metric's own unit (contract/metrics.ts:
   * a count of events, or milliseconds), with a value for every one of its dimensions
   * (`dimensions`; values from contract/metrics.ts `DIMENSION_VALUES` — never a streamId,
   * connectionId, userId or gameId). Never throws: a data point the contract refuses is dropped
   * and logged by the adapter, so a metric never fails the request it measures.
   */
  add(name: MetricName, value: number, dimensions?: MetricDimensionValues): void;
  /**
   * Publish every data point added since the last flush and forget them; nothing when none was
   * added. The composition root calls it once at the end of every invocation, thrown or not.
   */
  flush(): void;
}

/** Metrics that go nowhere (the default of a use case given no `metrics` port). */
export const NO_METRICS: Metrics = {
  add: () => undefined,
  flush: () => undefined,
};
