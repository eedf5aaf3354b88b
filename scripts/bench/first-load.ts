/**
 * `npm run bench -- --only web`: the web client's first load in Debian's Chromium against local
 * mode (127.0.0.1): bytes over the wire and time to the catalog, cold (a fresh browser context:
 * empty cache) and warm (a reload in the same context: what the caching headers keep).
 *
 * - *over the wire*: the bytes Chromium received for every HTTP request of the page, headers
 *   included (Chrome DevTools Protocol `Network.loadingFinished.encodedDataLength`), by the
 *   request's resource type (Document, Script, Stylesheet, Fetch, …); the WebSocket's frames
 *   are not HTTP requests and are not counted;
 * - *bodies*: the same responses decoded (`Network.dataReceived.dataLength`): what a
 *   compression-less server would have sent;
 * - *to catalog*: ms from the navigation's start (the page's `performance.timeOrigin`) to the
 *   first game card in the DOM (`[data-testid=game]`), checked on every animation frame — the
 *   whole chain HTML → script → config → token → WebSocket → catalog;
 * - *source maps*: requests for `*.map` (none: the build emits none to serve).
 *
 * Figures, not assertions. Every wait is bounded ({@link PAGE_BOUND_MS}).
 */
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM_PATH, hasChromium, launchChromium } from '../lib/chromium';
import { round, summarize, type Summary } from './stats';

/** Bound on one page load, ms: a hang, never a pace. */
export const PAGE_BOUND_MS = 60_000;

/** One resource type's share of a load. */
export interface LoadShare {
  requests: number;
  /** Bytes received, headers included. */
  wireBytes: number;
  /** Decoded body bytes. */
  bodyBytes: number;
}

/** One page load. */
export interface LoadRun extends LoadShare {
  /** ms from navigation start to the first game card. */
  toCatalogMs: number;
  /** Requests answered from Chromium's cache (no bytes over the wire). */
  fromCache: number;
  /** Requests for `*.map` files. */
  sourceMaps: number;
  /** By CDP resource type (`Document`, `Script`, `Stylesheet`, `Fetch`, `Image`, …). */
  byType: Record<string, LoadShare>;
}

/** {@link measureFirstLoad}'s result: `runs` cold loads and as many warm reloads. */
export interface FirstLoadResult {
  url: string;
  cold: LoadRun[];
  warm: LoadRun[];
}

/** Minimal CDP event shapes read here. */
interface CdpResponse { requestId: string; type?: string; response: { url: string; fromDiskCache?: boolean; fromMemoryCache?: boolean } }
interface CdpFinished { requestId: string; encodedDataLength: number }
interface CdpData { requestId: string; dataLength: number }
interface CdpServedFromCache { requestId: string }

/** Load `url` once in `context` (`reload`: reload its page instead of opening one), count what came over the wire. */
async function load(context: BrowserContext, url: string, reload: boolean): Promise<LoadRun> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(PAGE_BOUND_MS);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const reqs = new Map<string, { type: string; url: string; wire: number; body: number; cached: boolean }>();
  const entry = (id: string) => {
    let e = reqs.get(id);
    if (!e) reqs.set(id, (e = { type: 'Other', url: '', wire: 0, body: 0, cached: false }));
    return e;
  };
  cdp.on('Network.responseReceived', (ev: CdpResponse) => {
    const e = entry(ev.requestId);
    e.type = ev.type ?? 'Other';
    e.url = ev.response.url;
    if (ev.response.fromDiskCache || ev.response.fromMemoryCache) e.cached = true;
  });
  cdp.on('Network.requestServedFromCache', (ev: CdpServedFromCache) => void (entry(ev.requestId).cached = true));
  cdp.on('Network.dataReceived', (ev: CdpData) => void (entry(ev.requestId).body += ev.dataLength));
  cdp.on('Network.loadingFinished', (ev: CdpFinished) => void (entry(ev.requestId).wire = ev.encodedDataLength));
  if (reload) await page.reload({ waitUntil: 'commit' });
  else await page.goto(url, { waitUntil: 'commit' });
  const at = await page.waitForFunction(() => (document.querySelector('[data-testid=game]') ? performance.now() : false), undefined, { polling: 'raf', timeout: PAGE_BOUND_MS });
  const toCatalogMs = (await at.jsonValue()) as number;
  // Let the responses still in flight (a font, the catalog's follow-ups) finish.
  await page.waitForLoadState('networkidle', { timeout: PAGE_BOUND_MS }).catch(() => undefined);
  await cdp.detach();
  return tally([...reqs.values()].filter((r) => r.url.startsWith('http')), toCatalogMs);
}

/** Sum requests into a {@link LoadRun}. Pure. */
export function tally(reqs: ReadonlyArray<{ type: string; url: string; wire: number; body: number; cached: boolean }>, toCatalogMs: number): LoadRun {
  const byType: Record<string, LoadShare> = {};
  const run: LoadRun = { requests: 0, wireBytes: 0, bodyBytes: 0, toCatalogMs, fromCache: 0, sourceMaps: 0, byType };
  for (const r of reqs) {
    const share = (byType[r.type] ??= { requests: 0, wireBytes: 0, bodyBytes: 0 });
    for (const s of [run, share]) {
      s.requests++;
      s.wireBytes += r.cached ? 0 : r.wire;
      s.bodyBytes += r.body;
    }
    if (r.cached) run.fromCache++;
    if (/\.map(\?|$)/.test(r.url)) run.sourceMaps++;
  }
  return run;
}

/**
 * Measure `runs` cold loads of `url` (each in a fresh context) and, in each context, one warm
 * reload. Throws when Chromium is missing or a load hangs past {@link PAGE_BOUND_MS}.
 */
export async function measureFirstLoad(url: string, runs: number, progress: (line: string) => void): Promise<FirstLoadResult> {
  if (!hasChromium()) throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium)`);
  const browser = await launchChromium();
  const result: FirstLoadResult = { url, cold: [], warm: [] };
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        result.cold.push(await load(context, url, false));
        result.warm.push(await load(context, url, true));
      } finally {
        await context.close();
      }
      const c = result.cold.at(-1)!;
      progress(`  first load ${i + 1}/${runs}: ${kb(c.wireBytes)} over the wire, catalog at ${Math.round(c.toCatalogMs)} ms; reload ${kb(result.warm.at(-1)!.wireBytes)}, ${Math.round(result.warm.at(-1)!.toCatalogMs)} ms`);
    }
  } finally {
    await browser.close();
  }
  return result;
}

/** `12.3 KB` (1 KB = 1,000 B). */
function kb(bytes: number): string {
  return `${round(bytes / 1000, 1).toFixed(1)} KB`;
}

/** Summaries of a set of loads: the figures the report prints. */
export interface LoadSummary {
  requests: number;
  fromCache: number;
  sourceMaps: number;
  wireBytes: Summary;
  bodyBytes: Summary;
  toCatalogMs: Summary;
  /** Median over-the-wire bytes by resource type. */
  wireByType: Record<string, number>;
}

/** Summarize loads (requests, cache hits and source maps: the largest of the runs). Pure. */
export function summarizeLoads(runs: readonly LoadRun[]): LoadSummary {
  const types = [...new Set(runs.flatMap((r) => Object.keys(r.byType)))].sort();
  return {
    requests: Math.max(0, ...runs.map((r) => r.requests)),
    fromCache: Math.max(0, ...runs.map((r) => r.fromCache)),
    sourceMaps: Math.max(0, ...runs.map((r) => r.sourceMaps)),
    wireBytes: summarize(runs.map((r) => r.wireBytes)),
    bodyBytes: summarize(runs.map((r) => r.bodyBytes)),
    toCatalogMs: summarize(runs.map((r) => r.toCatalogMs)),
    wireByType: Object.fromEntries(types.map((t) => [t, summarize(runs.map((r) => r.byType[t]?.wireBytes ?? 0)).p50])),
  };
}

/** The report's text: one line for cold loads, one for warm reloads, then bytes by type. Pure. */
export function formatFirstLoad(r: FirstLoadResult): string {
  const cold = summarizeLoads(r.cold);
  const warm = summarizeLoads(r.warm);
  const ms = (s: Summary) => `${Math.round(s.p50)} ms (${Math.round(s.min)}–${Math.round(s.max)})`;
  const row = (label: string, s: LoadSummary) =>
    `${label.padEnd(20)} ${String(s.requests).padStart(8)} ${String(s.fromCache).padStart(10)} ${kb(s.wireBytes.p50).padStart(13)} ${kb(s.bodyBytes.p50).padStart(10)}   ${ms(s.toCatalogMs)}`;
  return [
    `First load of the web client in Chromium (${r.url}), ${r.cold.length} runs: medians (to catalog: median, min–max)`,
    `${''.padEnd(20)} ${'requests'.padStart(8)} ${'from cache'.padStart(10)} ${'over the wire'.padStart(13)} ${'bodies'.padStart(10)}   to catalog`,
    row('cold (empty cache)', cold),
    row('warm (reload)', warm),
    `cold, over the wire by type: ${Object.entries(cold.wireByType).map(([t, b]) => `${t} ${kb(b)}`).join(', ')}`,
    `source maps requested: ${cold.sourceMaps + warm.sourceMaps}`,
    '',
  ].join('\n');
}
