/**
 * Browser test harness: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), and screenshots into test-results/screenshots/ (gitignored) for a person to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where the system Chromium lives (CI installs the `chromium` apt package). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where {@link screenshot} writes. */
export const SCREENSHOT_DIR = resolve(__dirname, '../../test-results/screenshots');

/** Whether a browser is available to run the browser tests. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * Launch headless Chromium with no background network traffic (tests may only talk to
 * 127.0.0.1). Close it with `browser.close()`.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

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
