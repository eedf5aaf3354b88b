/** The first-load figures (scripts/bench/first-load.ts): sums, medians and the report, pure. */
import { formatFirstLoad, summarizeLoads, tally } from '../../../scripts/bench/first-load';

const cold = (toCatalogMs: number, js: number) =>
  tally(
    [
      { type: 'Document', url: 'http://127.0.0.1:1/', wire: 1_500, body: 2_000, cached: false },
      { type: 'Script', url: 'http://127.0.0.1:1/assets/index-abc.js', wire: js, body: js * 3, cached: false },
      { type: 'Fetch', url: 'http://127.0.0.1:1/config.json', wire: 400, body: 200, cached: false },
    ],
    toCatalogMs,
  );

test('a load sums its requests, by type; a cached response costs no bytes over the wire', () => {
  const warm = tally(
    [
      { type: 'Document', url: 'http://127.0.0.1:1/', wire: 300, body: 2_000, cached: false },
      { type: 'Script', url: 'http://127.0.0.1:1/assets/index-abc.js', wire: 50_000, body: 150_000, cached: true },
      { type: 'Other', url: 'http://127.0.0.1:1/assets/index-abc.js.map', wire: 10, body: 0, cached: false },
    ],
    80,
  );
  expect(warm).toMatchObject({ requests: 3, wireBytes: 310, bodyBytes: 152_000, fromCache: 1, sourceMaps: 1, toCatalogMs: 80 });
  expect(warm.byType.Script).toEqual({ requests: 1, wireBytes: 0, bodyBytes: 150_000 });
});

test('the report gives medians of the runs and the slowest and fastest catalog', () => {
  const runs = [cold(400, 50_000), cold(300, 52_000), cold(900, 51_000)];
  const s = summarizeLoads(runs);
  expect(s.wireBytes.p50).toBe(1_500 + 51_000 + 400);
  expect(s.toCatalogMs).toMatchObject({ p50: 400, min: 300, max: 900 });
  expect(s.wireByType).toEqual({ Document: 1_500, Fetch: 400, Script: 51_000 });
  const text = formatFirstLoad({ url: 'http://127.0.0.1:1/', cold: runs, warm: runs });
  expect(text).toMatch(/cold \(empty cache\) +3 +0 +52\.9 KB +155\.2 KB +400 ms \(300–900\)/);
  expect(text).toContain('cold, over the wire by type: Document 1.5 KB, Fetch 0.4 KB, Script 51.0 KB');
  expect(text).toContain('source maps requested: 0');
});
