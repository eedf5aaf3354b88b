/**
 * The operator page's pure parts (web/src/views/operator.ts): reading Prometheus' text
 * format, the mean of a summary or histogram between two reads, and the chart's path.
 */
import { chartPath, FAN_OUT_METRIC, formatMs, intervalMean, LATENESS_METRIC, metricTotals, parsePrometheus } from '../../web/src/views/operator';

const EXPOSITION = `# HELP ${LATENESS_METRIC} How late a frame reached API Gateway
# TYPE ${LATENESS_METRIC} summary
${LATENESS_METRIC}{quantile="0.5"} 12
${LATENESS_METRIC}{quantile="0.99"} 80.5
${LATENESS_METRIC}_sum 1200
${LATENESS_METRIC}_count 100
# TYPE ${FAN_OUT_METRIC} histogram
${FAN_OUT_METRIC}_bucket{le="10",mode="spectate"} 3
${FAN_OUT_METRIC}_bucket{le="+Inf",mode="spectate"} 5
${FAN_OUT_METRIC}_sum{mode="spectate"} 90
${FAN_OUT_METRIC}_count{mode="spectate"} 5
${FAN_OUT_METRIC}_sum{mode="pvai"} 10
${FAN_OUT_METRIC}_count{mode="pvai"} 1 1764600000000
not a line
weird{a="x\\"y"} NaN
`;

describe('operator page: metrics', () => {
  it('parses samples with labels, escapes, special values and timestamps; skips comments and junk', () => {
    const s = parsePrometheus(EXPOSITION);
    expect(s.find((x) => x.name === `${FAN_OUT_METRIC}_bucket` && x.labels.le === '+Inf')).toEqual({ name: `${FAN_OUT_METRIC}_bucket`, labels: { le: '+Inf', mode: 'spectate' }, value: 5 });
    expect(s.find((x) => x.name === 'weird')).toMatchObject({ labels: { a: 'x"y' }, value: NaN });
    expect(s.some((x) => x.name === 'not')).toBe(false);
  });

  it('totals sum every label set; p99 from a summary; none for a missing metric', () => {
    const s = parsePrometheus(EXPOSITION);
    expect(metricTotals(s, LATENESS_METRIC)).toEqual({ sum: 1200, count: 100, p99: 80.5 });
    expect(metricTotals(s, FAN_OUT_METRIC)).toEqual({ sum: 100, count: 6 });
    expect(metricTotals(s, 'matchcast_nothing_ms')).toBeUndefined();
  });

  it('the interval mean is Δsum/Δcount; nothing observed or a reset counter gives none', () => {
    expect(intervalMean({ sum: 1200, count: 100 }, { sum: 1500, count: 110 })).toBe(30);
    expect(intervalMean({ sum: 1200, count: 100 }, { sum: 1200, count: 100 })).toBeUndefined();
    expect(intervalMean({ sum: 1200, count: 100 }, { sum: 5, count: 1 })).toBeUndefined();
    expect(intervalMean(undefined, { sum: 5, count: 1 })).toBeUndefined();
  });

  it('the chart path spans the window left to right, values bottom to top, clamped; old points dropped', () => {
    const now = 1_000_000;
    const d = chartPath([{ at: now - 700_000, value: 5 }, { at: now - 600_000, value: 0 }, { at: now - 300_000, value: 50 }, { at: now, value: 500 }], now, 600_000, 100, 300, 100);
    expect(d).toBe('M0.0 100.0 L150.0 50.0 L300.0 0.0');
    expect(chartPath([], now, 600_000, 100, 300, 100)).toBe('');
    expect(chartPath([{ at: now, value: 50 }], now, 600_000, 100, 300, 100)).toBe('M300.0 50.0 l0 0');
  });

  it('formats durations for operators', () => {
    expect([formatMs(12.4), formatMs(3200), formatMs(240_000), formatMs(7_200_000), formatMs(NaN)]).toEqual(['12 ms', '3.2 s', '4 min', '2 h', '–']);
  });
});
