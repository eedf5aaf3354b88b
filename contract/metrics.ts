/**
 * The custom metrics of matchcast: the one list the stack's dashboard and alarms
 * (lib/monitoring.ts) read and the functions' emitters write (Powertools Metrics, CloudWatch
 * embedded metric format). A name, unit or dimension used on either side comes from here, so a
 * dashboard graph or an alarm cannot silently watch a metric nobody emits.
 *
 * Every metric lives in the namespace {@link METRICS_NAMESPACE} and carries the dimension
 * `service` = {@link METRICS_SERVICE}: Powertools Metrics adds `service` (from
 * `POWERTOOLS_SERVICE_NAME`) to every metric as a default dimension, and CloudWatch treats each
 * combination of dimensions as a metric of its own, so the alarms name it too.
 *
 * Dimensions are few and take values from bounded sets ({@link DIMENSION_VALUES}). A stream id
 * (or a connectionId, userId, gameId) is never a dimension: CloudWatch bills per metric, and each
 * distinct dimension value is a new metric (Amazon CloudWatch pricing, custom metrics) — one per
 * stream would grow the bill with the number of streams ever played and make the alarms
 * (which watch one metric) blind to all of them. Per-stream detail belongs in the log lines.
 */
import { ERROR_CODES, MODES, STREAM_STATUSES } from '../protocol/server';

/** CloudWatch namespace of every custom metric. */
export const METRICS_NAMESPACE = 'matchcast';

/**
 * Value of the `service` dimension on every custom metric: Powertools Metrics' default dimension,
 * taken from `POWERTOOLS_SERVICE_NAME`, which lib/function.ts sets to this very value
 * (`SERVICE_NAME`) on every function.
 */
export const METRICS_SERVICE = 'matchcast';

/** Name of the dimension Powertools Metrics adds to every metric. */
export const SERVICE_DIMENSION = 'service';

/**
 * Why an `@connections` POST failed (the `cause` dimension of `PostsFailed`), from the API
 * Gateway Management API's answer: `gone` — 410 GoneException (the connection is closed);
 * `throttled` — 429 LimitExceededException / TooManyRequests (the account's API Gateway
 * request rate, shared by every `@connections` call of the account and region); `timeout` — no
 * answer within the poster's deadline; `server` — any other 5xx or network error.
 */
export const POST_FAILURE_CAUSES = ['gone', 'throttled', 'timeout', 'server'] as const;
export type PostFailureCause = (typeof POST_FAILURE_CAUSES)[number];

/**
 * The custom metrics' dimensions (besides `service`) and the only values each may take:
 * `cause` ({@link POST_FAILURE_CAUSES}), `mode` (protocol `MODES`), `status` (protocol
 * `STREAM_STATUSES`), `code` (protocol `ERROR_CODES`).
 */
export const DIMENSION_VALUES = {
  cause: POST_FAILURE_CAUSES,
  mode: MODES,
  status: STREAM_STATUSES,
  code: ERROR_CODES,
} as const;
export type MetricDimension = keyof typeof DIMENSION_VALUES;

/** The units the custom metrics use: Powertools `MetricUnit.Count` / `MetricUnit.Milliseconds` (CloudWatch `StandardUnit`). */
export type MetricUnitName = 'Count' | 'Milliseconds';

/**
 * Storage resolution in seconds: 60 (standard; Powertools `MetricResolution.Standard`) or 1
 * (high resolution, `MetricResolution.High`: alarms and graphs at periods below a minute).
 */
export type MetricResolutionSeconds = 1 | 60;

/** One custom metric's contract. */
export interface MetricDefinition {
  /** Its unit; emitters must use exactly this one (CloudWatch keeps the unit per data point). */
  readonly unit: MetricUnitName;
  /** Its dimensions besides `service`, in this order; an emitter sets every one of them. */
  readonly dimensions: readonly MetricDimension[];
  /** Storage resolution, seconds ({@link MetricResolutionSeconds}). */
  readonly resolution: MetricResolutionSeconds;
  /** Who emits it, when, and what one data point means. */
  readonly description: string;
}

/**
 * Every custom metric by name (the CloudWatch `MetricName`). Counts are emitted as the number
 * of events in one invocation (graph and alarm them with the `Sum` statistic); times in
 * milliseconds, one data point per event (graph them with percentiles); gauges (`ActiveStreams`,
 * `Viewers`) as the value at one moment (graph them with `Maximum`).
 */
export const METRICS = {
  FramesSent: {
    unit: 'Count',
    dimensions: [],
    resolution: 60,
    description: 'Recording frames the tick sent to a stream (one per frame, however many connections it went to).',
  },
  MessagesPosted: {
    unit: 'Count',
    dimensions: [],
    resolution: 60,
    description: 'Server messages posted to one connection through the callback URL (`@connections` POST) that API Gateway accepted: a frame fanned out to n connections counts n.',
  },
  PostsFailed: {
    unit: 'Count',
    dimensions: ['cause'],
    resolution: 60,
    description: '`@connections` POST attempts that API Gateway refused or did not answer, by cause (POST_FAILURE_CAUSES): `gone` is a closed connection (GoneException, normal churn), `throttled` the account\'s API Gateway request rate. A post the fan-out retries counts once per failed attempt, so throttling shows before a message is lost.',
  },
  FanOutTime: {
    unit: 'Milliseconds',
    dimensions: [],
    resolution: 60,
    description: 'Time to post one server message to every connection of its stream (the fan-out), from the first POST to the last answer, in ms.',
  },
  FrameLateness: {
    unit: 'Milliseconds',
    dimensions: [],
    resolution: 1,
    description: 'How late a frame reached API Gateway: post time − due time (the stream clock\'s time for the frame), in ms, one data point per frame. High resolution, so a burst of lateness shows within seconds.',
  },
  Joins: {
    unit: 'Count',
    dimensions: [],
    resolution: 60,
    description: 'Connections that attached to a stream (`start` or `join` answered with `joined`).',
  },
  Rejoins: {
    unit: 'Count',
    dimensions: [],
    resolution: 60,
    description: 'Reconnected clients that resumed a stream from their cursor (`rejoin`), with the frames they missed replayed.',
  },
  SnapshotReads: {
    unit: 'Count',
    dimensions: [],
    resolution: 60,
    description: 'Snapshots (a game\'s state at a position) read from S3 to bring a joining or rejoining client up to date.',
  },
  ActiveStreams: {
    unit: 'Count',
    dimensions: ['mode', 'status'],
    resolution: 60,
    description: 'Gauge: streams in the Streams table by mode and status, counted by the sweeper once a minute (one data point per mode and status present).',
  },
  Viewers: {
    unit: 'Count',
    dimensions: [],
    resolution: 60,
    description: 'Gauge: connections attached to a stream, counted by the sweeper once a minute.',
  },
  ChatMessages: {
    unit: 'Count',
    dimensions: [],
    resolution: 60,
    description: '`chat` messages accepted and fanned out.',
  },
  Reactions: {
    unit: 'Count',
    dimensions: [],
    resolution: 60,
    description: '`react` messages accepted and fanned out.',
  },
  ControlMessages: {
    unit: 'Count',
    dimensions: [],
    resolution: 60,
    description: 'Playback control messages accepted (`pause`, `resume`, `speed`, `seek`, `stop`).',
  },
  MessagesRefused: {
    unit: 'Count',
    dimensions: ['code'],
    resolution: 60,
    description: 'Client messages answered with an `error`, by its protocol code (ERROR_CODES).',
  },
  TickDuration: {
    unit: 'Milliseconds',
    dimensions: [],
    resolution: 60,
    description: 'Wall time of one tick invocation (read the due frames, fan them out, save the cursor), in ms.',
  },
  TickFailures: {
    unit: 'Count',
    dimensions: [],
    resolution: 60,
    description: 'Tick invocations that failed: the tick threw, or it ended its stream as `failed`.',
  },
  LiveEventAppendLatency: {
    unit: 'Milliseconds',
    dimensions: [],
    resolution: 60,
    description: 'Time from receiving a live event (`POST /games/{gameId}/events`) to its being stored and fanned out to the stream\'s connections, in ms.',
  },
} as const satisfies Record<string, MetricDefinition>;

/** The name of a custom metric. */
export type MetricName = keyof typeof METRICS;

/** Every custom metric's name, in {@link METRICS}' order. */
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/**
 * The full dimensions of a data point of `name`: `service` plus `values` for the metric's own
 * dimensions (what CloudWatch stores, and what an alarm must name exactly).
 * @throws Error when `values` lacks one of the metric's dimensions, has one it does not have,
 *   or gives a value outside {@link DIMENSION_VALUES}.
 */
export function metricDimensions(name: MetricName, values: Partial<Record<MetricDimension, string>> = {}): Record<string, string> {
  const def: MetricDefinition = METRICS[name];
  const extra = Object.keys(values).filter((d) => !def.dimensions.includes(d as MetricDimension));
  if (extra.length > 0) throw new Error(`metric ${name} has no dimension ${extra.join(', ')}`);
  const out: Record<string, string> = { [SERVICE_DIMENSION]: METRICS_SERVICE };
  for (const d of def.dimensions) {
    const v = values[d];
    if (v === undefined) throw new Error(`metric ${name} needs the dimension ${d}`);
    if (!(DIMENSION_VALUES[d] as readonly string[]).includes(v)) {
      throw new Error(`metric ${name}: ${d} must be one of ${DIMENSION_VALUES[d].join(', ')}, got "${v}"`);
    }
    out[d] = v;
  }
  return out;
}
