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

/**
 * Save a PNG as test-results/screenshots/{name}.png — the full page, or with `fullPage: false`
 * only what the window shows now (what a viewer sees after a scroll) — and return its path.
 */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  return file;
}

/** `describe` when Chromium is installed; `describe.skip`, with a warning saying how to get it, when not. */
export function describeWithBrowser(): jest.Describe {
  if (hasChromium()) return describe;
  console.warn('browser tests skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');
  return describe.skip;
}

/** A browser context's screen: its viewport (CSS px) and whether it is a phone's (meta viewport honoured, touch events). */
export interface Device {
  readonly viewport: { width: number; height: number };
  readonly isMobile?: boolean;
  readonly hasTouch?: boolean;
}

/** A phone: 390 × 844 CSS px (iPhone 12–14), mobile viewport, touch. */
export const PHONE: Device = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** A laptop screen: 1280 × 800 CSS px, mouse. */
export const DESKTOP: Device = { viewport: { width: 1280, height: 800 } };

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
   * A new person called `name`, with one page at `viewport` (CSS px) or on a {@link Device}
   * (e.g. {@link PHONE}). Its waits (Playwright's
   * `waitFor…`, actions) give up after {@link PAGE_HANG_MS}: a bound against a hang, never a
   * pace the page must keep on a busy machine.
   */
  async open(name: string, viewport: { width: number; height: number } | Device = { width: 1280, height: 900 }): Promise<Page> {
    const device: Device = 'viewport' in viewport ? viewport : { viewport };
    const context = await this.browser().newContext({ viewport: device.viewport, isMobile: device.isMobile ?? false, hasTouch: device.hasTouch ?? false });
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

/** What {@link layoutProblems} checks besides overflow. */
export interface LayoutChecks {
  /** The least height (CSS px) of every visible control under the root (buttons, links, inputs, selects); none when undefined. */
  readonly minTargetPx?: number;
}

/**
 * What is wrong with the layout of the page as it is now, in plain words; [] when nothing is:
 * - the page is wider than the window (`document.documentElement.scrollWidth` over `innerWidth`);
 * - a visible element with text under `rootSelector` sticks out of the root's box, or out of a
 *   nearer ancestor that clips (overflow hidden or clip), or its own text is cut
 *   (`scrollWidth` over `clientWidth` where it clips: an ellipsis) or runs past its own box;
 *   what a scrolling ancestor (overflow auto or scroll) holds out of view is not a problem;
 * - text an element paints itself (a canvas) and declares in `data-text-boxes` — a JSON array
 *   of `{ text, box: [x, y, w, h], area: [x, y, w, h] }` in CSS px from the element's top left,
 *   `area` where that text must stay — lies outside its area or the element;
 * - with `checks.minTargetPx`, a visible control under the root is less tall than that (WCAG 2.2
 *   2.5.5 Target Size and Apple's Human Interface Guidelines ask for 44 px).
 * Boxes are compared with 1 px of slack (subpixel rounding). Throws when `rootSelector` matches nothing.
 */
export async function layoutProblems(page: Page, rootSelector: string, checks: LayoutChecks = {}): Promise<string[]> {
  return page.evaluate(
    ({ sel, minTarget }) => {
      const out: string[] = [];
      const root = document.querySelector(sel);
      if (!root) throw new Error(`layoutProblems: nothing matches ${sel}`);
      const slack = 1;
      const px = (n: number) => `${Math.round(n)} px`;
      const describe = (el: Element) => {
        const id = el.getAttribute('data-testid');
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ');
        return `${el.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : cls}${text ? ` "${text.length > 40 ? `${text.slice(0, 40)}…` : text}"` : ''}`;
      };
      const visible = (el: Element) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) return false;
        for (let e: Element | null = el; e; e = e.parentElement) {
          const cs = getComputedStyle(e);
          if (cs.visibility === 'hidden' || cs.display === 'none' || Number(cs.opacity) === 0) return false;
        }
        return true;
      };
      // hidden or clip: what lies beyond is lost (auto and scroll keep it a scroll away)
      const lost = (v: string) => v === 'hidden' || v === 'clip';
      const clips = (el: Element) => {
        const cs = getComputedStyle(el);
        return lost(cs.overflowX) || lost(cs.overflowY);
      };
      const scrolls = (el: Element) => /auto|scroll/.test(getComputedStyle(el).overflowX);
      const scrollsAny = (el: Element) => {
        const cs = getComputedStyle(el);
        return /auto|scroll/.test(cs.overflowX) || /auto|scroll/.test(cs.overflowY);
      };
      const outside = (a: DOMRect | { left: number; top: number; right: number; bottom: number }, b: { left: number; top: number; right: number; bottom: number }) => {
        const sides: string[] = [];
        if (a.left < b.left - slack) sides.push(`${px(b.left - a.left)} on the left`);
        if (a.right > b.right + slack) sides.push(`${px(a.right - b.right)} on the right`);
        if (a.top < b.top - slack) sides.push(`${px(b.top - a.top)} at the top`);
        if (a.bottom > b.bottom + slack) sides.push(`${px(a.bottom - b.bottom)} at the bottom`);
        return sides.join(', ');
      };
      const doc = document.documentElement;
      if (doc.scrollWidth > window.innerWidth) out.push(`the page is ${px(doc.scrollWidth - window.innerWidth)} wider than the window (${px(window.innerWidth)}): it scrolls sideways`);
      const rootBox = root.getBoundingClientRect();
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (!visible(el)) continue;
        const ownText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
        const box = el.getBoundingClientRect();
        if (ownText) {
          // a screen-reader-only element is visible to the check but clipped to 1 px on purpose
          const cs = getComputedStyle(el);
          const srOnly = box.width <= 1 && box.height <= 1 && cs.position === 'absolute';
          if (!srOnly) {
            // the nearest ancestor that clips or scrolls: inside a scroller, out of view is a scroll away
            let a = el.parentElement;
            while (a && a !== root && !clips(a) && !scrollsAny(a)) a = a.parentElement;
            const inScroller = a !== null && a !== root && scrollsAny(a);
            if (!inScroller) {
              const off = outside(box, rootBox);
              if (off) out.push(`${describe(el)} sticks out of ${sel} by ${off}`);
              if (a && a !== root) {
                const cut = outside(box, a.getBoundingClientRect());
                if (cut) out.push(`${describe(el)} is cut off by ${describe(a).split(' ')[0]} by ${cut}`);
              }
            }
            if (cs.display !== 'inline' && !scrolls(el) && el.scrollWidth > el.clientWidth + slack && !el.matches('input, select, textarea')) {
              const how = clips(el) ? 'is cut short' : 'spills out of its box';
              out.push(`${describe(el)} ${how}: its text needs ${px(el.scrollWidth)} and has ${px(el.clientWidth)}`);
            }
          }
        }
        const painted = el.getAttribute('data-text-boxes');
        if (painted) {
          for (const t of JSON.parse(painted) as Array<{ text: string; box: number[]; area: number[] }>) {
            const at = (r: number[]) => ({ left: box.left + r[0]!, top: box.top + r[1]!, right: box.left + r[0]! + r[2]!, bottom: box.top + r[1]! + r[3]! });
            const b = at(t.box);
            const inArea = outside(b, at(t.area));
            if (inArea) out.push(`"${t.text}" painted on ${describe(el).split(' ')[0]} spills out of its place by ${inArea}`);
            const inEl = outside(b, box);
            if (inEl) out.push(`"${t.text}" painted on ${describe(el).split(' ')[0]} runs off it by ${inEl}`);
          }
        }
        if (minTarget !== undefined && el.matches('button, a[href], input:not([type=hidden]), select, textarea, [role=button]')) {
          const off = box.right < 0 || box.left > window.innerWidth; // parked off screen on purpose (an editor's helper textarea)
          if (!off && box.height < minTarget - 0.5) out.push(`${describe(el)} is ${px(box.height)} tall: under ${minTarget} px to touch`);
        }
      }
      return out;
    },
    { sel: rootSelector, minTarget: checks.minTargetPx },
  );
}
