/**
 * End to end on local mode, the custom metrics at `GET /metrics` (local/metrics.ts): a short
 * stream at high speed to two viewers, then the counters and the lateness summary read back in
 * the Prometheus text exposition format agree with what the viewers received.
 */
import { PROMETHEUS_CONTENT_TYPE } from '../../local/metrics';
import { E2e, HANG_MS, seqsOf } from '../support/e2e';

jest.setTimeout(300_000); // a bound against a hang on a busy machine

const GAME = '2013-wimbledon-2701';
/** Frames from the end of the recording the stream starts at. */
const FRAMES = 6;

let e: E2e;

beforeAll(async () => {
  // Metrics on whatever the test process's environment says (test/support turns stdout EMF off):
  // in local mode they go to the stack's registry, never stdout.
  e = await E2e.start({ sweeper: false, env: { POWERTOOLS_METRICS_DISABLED: 'false' } });
});
afterAll(async () => {
  await e?.close();
});

/** `GET /metrics`: the sample lines as `name{labels}` → value (every metric, with its HELP and TYPE lines checked). */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${e.stack.httpUrl}/metrics`, { signal: AbortSignal.timeout(HANG_MS) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
  const text = await res.text();
  expect(text).toContain('# TYPE matchcast_frames_sent_total counter\n');
  expect(text).toContain('# TYPE matchcast_frame_lateness_ms summary\n');
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe('GET /metrics', () => {
  it('counts the frames sent, their lateness and the posts of a stream to two viewers', async () => {
    const before = await scrape();
    expect(before.get('matchcast_frames_sent_total')).toBe(0);

    const times = await e.recordingTimes(GAME);
    const [a, b] = [await e.connect('mia'), await e.connect('ned')];
    a.send({ action: 'start', gameId: GAME, speed: 64, atMs: times[times.length - FRAMES] });
    const joined = await a.waitFor('joined');
    b.send({ action: 'join', streamId: joined.streamId });
    await b.waitFor('joined');
    await Promise.all([a, b].map((x) => x.waitFor('ended', () => true, HANG_MS)));

    const sent = seqsOf(a).length; // `a` started the stream: it got every frame the stream sent
    expect(sent).toBeGreaterThanOrEqual(FRAMES - 1);
    const frameMessages = [a, b].reduce((n, x) => n + x.messages.filter((m) => m.type === 'frames').length, 0);

    const m = await scrape();
    expect(m.get('matchcast_frames_sent_total')).toBe(sent);
    expect(m.get('matchcast_frame_lateness_ms_count')).toBe(sent);
    expect(m.get('matchcast_frame_lateness_ms_sum')).toEqual(expect.any(Number));
    expect(Number.isNaN(m.get('matchcast_frame_lateness_ms{quantile="0.5"}'))).toBe(false);
    expect(Number.isNaN(m.get('matchcast_frame_lateness_ms{quantile="0.99"}'))).toBe(false);
    // Every `frames` message either viewer got was one accepted `@connections` POST.
    expect(m.get('matchcast_messages_posted_total')).toBeGreaterThanOrEqual(frameMessages);
    expect(m.get('matchcast_joins_total')).toBe(2);
  });
});
