/**
 * What the web client's browser tests share (web.test.ts, web-cricket.test.ts,
 * web-terminal.test.ts): the games they watch, local mode and a browser started side by side
 * for one file, and reading the page. The tests are split over three files so that their
 * playback — each one waits for a match to play out at 64× — runs on several jest workers at
 * once instead of one after the other; every file boots its own local mode, so no file's
 * streams are another's.
 */
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../local/web';
import { E2e } from '../support/e2e';
import type { LocalStack } from '../support/local-stack';
import { describeWithBrowser, launchBrowser, People } from './harness';

/** Wimbledon 2013 women's final, Lisicki v Bartoli: 123 points, 1:21:25 (match_id in 2013-wimbledon-matches.csv). */
export const GAME = '2013-wimbledon-2701';
/** Its duration, ms. */
export const DURATION_MS = 4_885_000;

/** IPL 2019 final (samples/cricket, cricsheet): MI 149/8 beat CSK 148/7 by 1 run; 306 frames on the replay clock. */
export const CRICKET = 'ipl-2019-final-1181768';
/** Its duration on the replay clock, ms. */
export const CRICKET_DURATION_MS = 10_230_000;
/** asciinema's welcome recording (samples/terminal): 3:51 of typing, ending on "# Happy recording!". */
export const TERMINAL = 'asciinema-welcome';

/**
 * For one test file: the web client built when web/dist is missing or stale (local/web.ts
 * `buildWeb`, as `npm start` does), then local mode with the samples (test/support/e2e.ts) and
 * headless Chromium (./harness.ts), started at the same time. If either fails to start, the
 * other is closed and the failure thrown.
 */
export async function startWebClient(): Promise<{ e: E2e; browser: Browser }> {
  await buildWeb();
  const [e, browser] = await Promise.allSettled([E2e.start(), launchBrowser()]);
  if (e.status === 'fulfilled' && browser.status === 'fulfilled') return { e: e.value, browser: browser.value };
  if (e.status === 'fulfilled') await e.value.close();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw e.status === 'rejected' ? e.reason : (browser as PromiseRejectedResult).reason;
}

/** What a web-client test file's tests use: its local mode, and people with their own pages. */
export interface WebClientFile {
  /** Local mode with the samples (set once the file's `beforeAll` ran). */
  readonly e: E2e;
  readonly stack: LocalStack;
  /** The people who opened pages, and their browser contexts. */
  readonly people: People;
  /** A page of its own for `name` (a new browser context), at `viewport` when given. */
  person(name: string, viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * One web-client test file: a describe block (skipped with a note when Chromium is missing,
 * harness.ts `describeWithBrowser`) that starts local mode and Chromium before its tests
 * ({@link startWebClient}) and closes everyone's pages, the browser and local mode after.
 * `body` declares the tests, reading the file's local mode and people from its argument.
 */
export function describeWebClient(title: string, body: (t: WebClientFile) => void): void {
  const run = describeWithBrowser();
  let e: E2e | undefined;
  let browser: Browser | undefined;
  const people = new People(() => browser!);
  const t: WebClientFile = {
    get e() {
      if (!e) throw new Error('local mode is not started yet (read it inside a test)');
      return e;
    },
    get stack() {
      return this.e.stack;
    },
    people,
    person: (name, viewport) => people.open(name, viewport),
  };
  run(title, () => {
    beforeAll(async () => {
      ({ e, browser } = await startWebClient());
    });
    afterAll(async () => {
      await people.closeAll();
      await browser?.close();
      await e?.close();
    });
    body(t);
  });
}

/** Seqs of the points on the timeline, ascending. */
export async function timelineSeqs(page: Page): Promise<number[]> {
  return page.$$eval('[data-testid=timeline] [data-seq]', (els) => els.map((e) => Number((e as HTMLElement).dataset.seq)).sort((a, b) => a - b));
}

/** The number of points the scoreboard says it has shown (`data-points`). */
export async function pointsShown(page: Page): Promise<number> {
  return Number(await page.getAttribute('[data-testid=scoreboard]', 'data-points'));
}

/** The scoreboard's text. */
export async function scoreText(page: Page): Promise<string> {
  return (await page.textContent('[data-testid=scoreboard]')) ?? '';
}

/** Wait until a locator's text (or its input value) matches: harness.ts. */
export { expectText } from './harness';
