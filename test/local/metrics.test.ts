/**
 * Local mode's metrics registry (local/metrics.ts): the EMF documents the metrics adapter
 * writes (lambda/adapters/metrics.ts, through a registered sink) become counters, gauges and
 * summaries served in the Prometheus text exposition format 0.0.4 (prometheus.io, "Exposition
 * formats") at `GET /metrics`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS, METRIC_NAMES } from '../../contract/metrics';
import { METRICS_SINK_ENV, metricsFromEnvironment, registerMetricsSink } from '../../lambda/adapters/metrics';
import { logger } from '../../lambda/adapters/log';
import { GAUGE_METRICS, GAUGE_STALE_MS, LocalMetricsRegistry, PROMETHEUS_CONTENT_TYPE, metricsHttp, prometheusName } from '../../local/metrics';

/** The registry fed through the real adapter: `add` data points, flush into a sink. */
function fed(registry: LocalMetricsRegistry, points: Array<[Parameters<ReturnType<typeof metricsFromEnvironment>['add']>[0], number, Record<string, string>?]>): void {
  const sink = registerMetricsSink((line) => void registry.ingest(line));
  try {
    const m = metricsFromEnvironment({ [METRICS_SINK_ENV]: sink.id });
    for (const [name, value, dims] of points) m.add(name, value, dims);
    m.flush();
  } finally {
    sink.unregister();
  }
}

/** The sample lines of `text` as `name{labels}` → value. */
function samples(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => {
        const i = l.lastIndexOf(' ');
        return [l.slice(0, i), l.slice(i + 1)];
      }),
  );
}

describe('prometheusName', () => {
  it('is matchcast_ + snake_case + the unit suffix', () => {
    expect(prometheusName('FramesSent')).toBe('matchcast_frames_sent_total');
    expect(prometheusName('MessagesPosted')).toBe('matchcast_messages_posted_total');
    expect(prometheusName('FrameLateness')).toBe('matchcast_frame_lateness_ms');
    expect(prometheusName('FanOutTime')).toBe('matchcast_fan_out_time_ms');
    expect(prometheusName('ActiveStreams')).toBe('matchcast_active_streams');
    expect(prometheusName('Viewers')).toBe('matchcast_viewers');
  });

  it('treats exactly the metrics contract/metrics.ts calls gauges as gauges', () => {
    expect(METRIC_NAMES.filter((n) => METRICS[n].description.startsWith('Gauge:')).sort()).toEqual([...GAUGE_METRICS].sort());
  });
});

describe('LocalMetricsRegistry', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('writes one HELP and one TYPE per metric of contract/metrics.ts, with zeroed series for the ones without dimensions', () => {
    const text = new LocalMetricsRegistry().exposition();
    expect(text.endsWith('\n')).toBe(true);
    for (const name of METRIC_NAMES) {
      const prom = prometheusName(name);
      expect(text.split('\n').filter((l) => l.startsWith(`# HELP ${prom} `))).toEqual([`# HELP ${prom} ${METRICS[name].description}`]);
      expect(text.split('\n').filter((l) => l.startsWith(`# TYPE ${prom} `))).toHaveLength(1);
    }
    const s = samples(text);
    expect(s.get('matchcast_frames_sent_total')).toBe('0');
    expect(s.get('matchcast_frame_lateness_ms_count')).toBe('0');
    expect(s.get('matchcast_frame_lateness_ms{quantile="0.5"}')).toBe('NaN');
    expect([...s.keys()].some((k) => k.startsWith('matchcast_posts_failed_total'))).toBe(false); // a dimension's series appears with its first data point
  });

  it('sums counts into counters, labelled by the dimensions other than service', () => {
    const r = new LocalMetricsRegistry();
    fed(r, [
      ['FramesSent', 1],
      ['FramesSent', 1],
      ['MessagesPosted', 4],
      ['PostsFailed', 2, { cause: 'gone' }],
      ['PostsFailed', 1, { cause: 'throttled' }],
    ]);
    fed(r, [
      ['FramesSent', 3],
      ['PostsFailed', 1, { cause: 'gone' }],
    ]);
    const text = r.exposition();
    expect(text).toContain('# TYPE matchcast_frames_sent_total counter');
    const s = samples(text);
    expect(s.get('matchcast_frames_sent_total')).toBe('5');
    expect(s.get('matchcast_messages_posted_total')).toBe('4');
    expect(s.get('matchcast_posts_failed_total{cause="gone"}')).toBe('3');
    expect(s.get('matchcast_posts_failed_total{cause="throttled"}')).toBe('1');
    expect(text).not.toContain('service=');
  });

  it('keeps ms metrics as summaries: quantiles 0.5 and 0.99 over the window, _sum and _count over all', () => {
    let now = 1_000_000;
    const r = new LocalMetricsRegistry({ windowMs: 60_000, now: () => now });
    fed(
      r,
      Array.from({ length: 100 }, (_, i) => ['FrameLateness', i + 1] as ['FrameLateness', number]),
    );
    let s = samples(r.exposition());
    expect(r.exposition()).toContain('# TYPE matchcast_frame_lateness_ms summary');
    expect(s.get('matchcast_frame_lateness_ms{quantile="0.5"}')).toBe('50');
    expect(s.get('matchcast_frame_lateness_ms{quantile="0.99"}')).toBe('99');
    expect(s.get('matchcast_frame_lateness_ms_sum')).toBe('5050');
    expect(s.get('matchcast_frame_lateness_ms_count')).toBe('100');

    now += 61_000; // the first 100 leave the window; _sum and _count keep them
    fed(r, [['FrameLateness', 7]]);
    s = samples(r.exposition());
    expect(s.get('matchcast_frame_lateness_ms{quantile="0.5"}')).toBe('7');
    expect(s.get('matchcast_frame_lateness_ms{quantile="0.99"}')).toBe('7');
    expect(s.get('matchcast_frame_lateness_ms_sum')).toBe('5057');
    expect(s.get('matchcast_frame_lateness_ms_count')).toBe('101');
  });

  it('caps the data points a summary keeps for its quantiles', () => {
    const r = new LocalMetricsRegistry({ maxWindowSamples: 10 });
    fed(
      r,
      Array.from({ length: 1000 }, (_, i) => ['TickDuration', i < 990 ? 1000 : 1] as ['TickDuration', number]),
    );
    const s = samples(r.exposition());
    expect(s.get('matchcast_tick_duration_ms{quantile="0.99"}')).toBe('1'); // only the last 10 (all 1) are kept
    expect(s.get('matchcast_tick_duration_ms_count')).toBe('1000');
  });

  it('holds a gauge at its last value and drops a series the newer data points no longer report', () => {
    let now = 5_000_000;
    const r = new LocalMetricsRegistry({ now: () => now });
    fed(r, [
      ['ActiveStreams', 2, { mode: 'spectate', status: 'playing' }],
      ['ActiveStreams', 1, { mode: 'pvp', status: 'paused' }],
      ['Viewers', 9],
    ]);
    let s = samples(r.exposition());
    expect(s.get('matchcast_active_streams{mode="spectate",status="playing"}')).toBe('2');
    expect(s.get('matchcast_active_streams{mode="pvp",status="paused"}')).toBe('1');
    expect(s.get('matchcast_viewers')).toBe('9');

    now += GAUGE_STALE_MS + 1;
    fed(r, [
      ['ActiveStreams', 1, { mode: 'spectate', status: 'playing' }],
      ['Viewers', 3],
    ]);
    s = samples(r.exposition());
    expect(s.get('matchcast_active_streams{mode="spectate",status="playing"}')).toBe('1');
    expect(s.has('matchcast_active_streams{mode="pvp",status="paused"}')).toBe(false);
    expect(s.get('matchcast_viewers')).toBe('3');
  });

  it('ignores metrics of another namespace or not in the contract, and refuses what is not EMF', () => {
    const r = new LocalMetricsRegistry();
    const doc = (ns: string, name: string) =>
      JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: ns, Dimensions: [['service']], Metrics: [{ Name: name, Unit: 'Count' }] }] }, service: 'matchcast', [name]: 5 });
    expect(r.ingest(doc('other', 'FramesSent'))).toBe(0);
    expect(r.ingest(doc('matchcast', 'NotAMetric'))).toBe(0);
    expect(r.ingest(doc('matchcast', 'FramesSent'))).toBe(1);
    expect(() => r.ingest('not json')).toThrow();
    expect(() => r.ingest('{"hello":1}')).toThrow();
    expect(samples(r.exposition()).get('matchcast_frames_sent_total')).toBe('5');
  });

  it('escapes label values as the format says', () => {
    const r = new LocalMetricsRegistry();
    r.ingest(
      JSON.stringify({
        _aws: { CloudWatchMetrics: [{ Namespace: 'matchcast', Dimensions: [['service', 'cause']], Metrics: [{ Name: 'PostsFailed', Unit: 'Count' }] }] },
        service: 'matchcast',
        cause: 'a"b\\c\nd',
        PostsFailed: 1,
      }),
    );
    expect(r.exposition()).toContain('matchcast_posts_failed_total{cause="a\\"b\\\\c\\nd"} 1\n');
  });
});

describe('GET /metrics', () => {
  let server: Server;
  let base: string;
  const registry = new LocalMetricsRegistry();

  beforeAll(async () => {
    const handler = metricsHttp(registry, (_req, res) => {
      res.writeHead(404).end();
      return true;
    });
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections(); // fetch's keep-alive sockets
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('answers the exposition as text/plain version 0.0.4, and passes other requests on', async () => {
    fed(registry, [['Joins', 2]]);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(samples(await res.text()).get('matchcast_joins_total')).toBe('2');
    const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
  });
});
