/**
 * The Powertools Metrics adapter (lambda/adapters/metrics.ts) writes CloudWatch embedded
 * metric format (EMF) as its Lambda would: the JSON lines it prints to stdout are captured and
 * checked against contract/metrics.ts (namespace, units, storage resolution, dimensions).
 * EMF specification: Amazon CloudWatch User Guide, "Specification: Embedded metric format".
 */
import { flushingMetrics, metricsFromEnvironment, METRICS_SINK_ENV, PowertoolsMetrics, registerMetricsSink } from '../../../lambda/adapters/metrics';
import { logger } from '../../../lambda/adapters/log';
import { METRICS_NAMESPACE } from '../../../contract/metrics';

interface Emf {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string; StorageResolution?: number }> }>;
  };
  [key: string]: unknown;
}

/** What `fn` prints to stdout, as parsed JSON lines (and nothing else is printed). */
function stdoutOf(fn: () => void): Emf[] {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return lines.join('').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Emf);
}

describe('PowertoolsMetrics', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('writes valid EMF: namespace matchcast, the contract units, service plus the metric own dimensions', () => {
    const m = new PowertoolsMetrics();
    m.add('FramesSent', 3);
    m.add('TickDuration', 42.5);
    m.add('PostsFailed', 1, { cause: 'gone' });
    m.add('PostsFailed', 2, { cause: 'throttled' });
    const docs = stdoutOf(() => m.flush());
    expect(docs).toHaveLength(3); // one EMF document per set of dimensions
    for (const d of docs) {
      expect(typeof d._aws.Timestamp).toBe('number');
      expect(d._aws.CloudWatchMetrics).toHaveLength(1);
      expect(d._aws.CloudWatchMetrics[0]!.Namespace).toBe(METRICS_NAMESPACE);
      expect(d.service).toBe('matchcast');
    }
    const plain = docs.find((d) => d.FramesSent !== undefined)!;
    expect(plain._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service']]);
    expect(plain._aws.CloudWatchMetrics[0]!.Metrics).toEqual([
      { Name: 'FramesSent', Unit: 'Count' },
      { Name: 'TickDuration', Unit: 'Milliseconds' },
    ]);
    expect(plain).toMatchObject({ FramesSent: 3, TickDuration: 42.5 });
    const gone = docs.find((d) => d.cause === 'gone')!;
    expect(gone._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service', 'cause']]);
    expect(gone).toMatchObject({ PostsFailed: 1, service: 'matchcast', cause: 'gone' });
    expect(docs.find((d) => d.cause === 'throttled')).toMatchObject({ PostsFailed: 2 });
    expect(warn).not.toHaveBeenCalled();
  });

  it('marks FrameLateness high resolution (StorageResolution 1) and keeps every sample of an invocation', () => {
    const m = new PowertoolsMetrics();
    for (const v of [5, 12, 7]) m.add('FrameLateness', v);
    const [doc] = stdoutOf(() => m.flush());
    expect(doc!._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: 'FrameLateness', Unit: 'Milliseconds', StorageResolution: 1 }]);
    expect(doc!.FrameLateness).toEqual([5, 12, 7]);
  });

  it('writes nothing, and warns nothing, for an invocation without data points; a flush forgets what it wrote', () => {
    const m = new PowertoolsMetrics();
    expect(stdoutOf(() => m.flush())).toEqual([]);
    m.add('ActiveStreams', 2, { mode: 'pvai', status: 'playing' });
    expect(stdoutOf(() => m.flush())).toHaveLength(1);
    expect(stdoutOf(() => m.flush())).toEqual([]);
    m.add('Viewers', 4);
    const [doc] = stdoutOf(() => m.flush());
    expect(doc).toMatchObject({ Viewers: 4 });
    expect(doc!.mode).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });

  it('drops, with a warning, a data point the contract refuses (missing, extra or unknown dimension value; not a number)', () => {
    const m = new PowertoolsMetrics();
    m.add('PostsFailed', 1);
    m.add('FramesSent', 1, { cause: 'gone' });
    m.add('MessagesRefused', 1, { code: 'stream-42' });
    m.add('Joins', Number.NaN);
    expect(stdoutOf(() => m.flush())).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(4);
  });

  it('is silent when POWERTOOLS_METRICS_DISABLED is true in the environment it is built from', () => {
    const m = metricsFromEnvironment({ POWERTOOLS_METRICS_DISABLED: 'true' });
    m.add('Joins', 1);
    expect(stdoutOf(() => m.flush())).toEqual([]);
    const on = metricsFromEnvironment({});
    on.add('Joins', 1);
    expect(stdoutOf(() => on.flush())).toHaveLength(1);
  });

  it('hands each EMF document to `write` when given one, instead of stdout', () => {
    const lines: string[] = [];
    const m = new PowertoolsMetrics({ write: (l) => lines.push(l) });
    m.add('Reactions', 2);
    expect(stdoutOf(() => m.flush())).toEqual([]);
    expect(lines.map((l) => JSON.parse(l) as Emf)).toEqual([expect.objectContaining({ Reactions: 2, service: 'matchcast' })]);
    m.flush();
    expect(lines).toHaveLength(1);
  });

  it('hands `write` also the documents Powertools publishes by itself at 100 values of a metric', () => {
    const lines: string[] = [];
    const m = new PowertoolsMetrics({ write: (l) => lines.push(l) });
    const printed = stdoutOf(() => {
      for (let i = 0; i < 150; i++) m.add('FrameLateness', i);
      m.flush();
    });
    expect(printed).toEqual([]);
    const values = lines.flatMap((l) => (JSON.parse(l) as Emf).FrameLateness as number[]);
    expect(values).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });

  it('writes to the sink its environment names (registerMetricsSink), and to stdout once that one is unregistered', () => {
    const lines: string[] = [];
    const sink = registerMetricsSink((l) => lines.push(l));
    const env = { [METRICS_SINK_ENV]: sink.id };
    const m = metricsFromEnvironment(env);
    m.add('Joins', 1);
    expect(stdoutOf(() => m.flush())).toEqual([]);
    expect(lines).toHaveLength(1);
    sink.unregister();
    const later = metricsFromEnvironment(env);
    later.add('Joins', 1);
    expect(stdoutOf(() => later.flush())).toHaveLength(1);
  });
});

describe('flushingMetrics', () => {
  it('flushes after every invocation, returned or thrown', async () => {
    let flushes = 0;
    const metrics = { flush: () => void flushes++ };
    const ok = flushingMetrics(metrics, async (x: number) => x * 2);
    await expect(ok(2)).resolves.toBe(4);
    const bad = flushingMetrics(metrics, async () => {
      throw new Error('boom');
    });
    await expect(bad()).rejects.toThrow('boom');
    expect(flushes).toBe(2);
  });
});
