/**
 * Browser test harness: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), and screenshots into test-results/screenshots/ (gitignored) for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { CHROMIUM_PATH, hasChromium, launchChromium } from '../../scripts/lib/chromium';

/** Where the system Chromium lives, and whether it is there (CI installs the `chromium` apt package). */
export { CHROMIUM_PATH, hasChromium };

/** Where {@link screenshot} writes. */
export const SCREENSHOT_DIR = resolve(__dirname, '../../test-results/screenshots');

/**
 * Launch headless Chromium with no background network traffic (tests may only talk to
 * 127.0.0.1; scripts/lib/chromium.ts). Close it with `browser.close()`.
 */
export { launchChromium as launchBrowser };

/** Save a full-page PNG as test-results/screenshots/{name}.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** `describe` when Chromium is installed; `describe.skip`, with a warning saying how to get it, when not. */
export function describeWithBrowser(): jest.Describe {
  if (hasChromium()) return describe;
  console.warn('browser tests skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');
  return describe.skip;
}

/** How long a page's wait may take before it counts as a hang (ms). */
export const PAGE_HANG_MS = 60_000;

/**
 * The people of a browser test: each one a browser context of its own (its own storage) with
 * a display name for the client to use, and its page errors logged.
 */
export class People {
  readonly contexts: BrowserContext[] = [];

  constructor(private readonly browser: () => Browser) {}

  /**
   * A new person called `name`, with one page at `viewport` (CSS px). Its waits (Playwright's
   * `waitFor…`, actions) give up after {@link PAGE_HANG_MS}: a bound against a hang, never a
   * pace the page must keep on a busy machine.
   */
  async open(name: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await this.browser().newContext({ viewport });
    context.setDefaultTimeout(PAGE_HANG_MS);
    this.contexts.push(context);
    await context.addInitScript((n) => localStorage.setItem('matchcast.name', n), name);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[${name}] page error: ${e.message}`));
    return page;
  }

  /** Close every person's context. */
  async closeAll(): Promise<void> {
    for (const c of this.contexts.splice(0)) await c.close().catch(() => undefined);
  }
}

/**
 * axe-core's violations of impact serious or critical on the page as it is now (WCAG 2.x A and AA rules:
 * axe's tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa), at most five nodes each.
 */
export async function seriousViolations(page: Page): Promise<Array<{ id: string; impact: string; nodes: string[] }>> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Array<{ id: string; impact?: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact ?? '', nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
}

/**
 * Resolve once `loc`'s text matches `re` — or, with `valueRe`, once its input value matches
 * `valueRe` — polling every 100 ms; throws with the last text read after {@link PAGE_HANG_MS}
 * (a bound against a hang, never a pace the page must keep).
 */
export async function expectText(loc: Locator, re: RegExp | null, valueRe?: RegExp): Promise<void> {
  const want = valueRe ?? re;
  if (!want) throw new Error('expectText needs a pattern for the text or for the value');
  const deadline = Date.now() + PAGE_HANG_MS;
  let last = '';
  while (Date.now() < deadline) {
    last = valueRe ? await loc.inputValue().catch(() => '') : ((await loc.textContent().catch(() => '')) ?? '');
    if (want.test(last)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`text ${JSON.stringify(last)} never matched ${String(want)}`);
}
