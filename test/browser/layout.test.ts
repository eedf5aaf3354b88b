/**
 * The player of each kind (tennis, cricket, terminal, chess) laid out on a phone (390 × 844,
 * mobile viewport, touch) and a laptop (1280 × 800), against the real local mode: the page never
 * scrolls sideways, no text of the player sticks out of its box or is cut short, painted labels
 * (the tennis court's canvas) stay in their places, and on the phone every control is at least
 * 44 px tall (WCAG 2.2 2.5.5 Target Size, Apple's Human Interface Guidelines) and the chat is
 * one tap away (the Chat button at the top brings its input into view). The checks are
 * harness.ts `layoutProblems`; a screenshot of each lands in test-results/screenshots/ — look
 * at them. Every wait is for an event on the page; timeouts only catch hangs.
 *
 * Skipped (with a note) when /usr/bin/chromium is missing; CI installs Debian's chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../local/web';
import { E2e } from '../support/e2e';
import { DESKTOP, describeWithBrowser, launchBrowser, layoutProblems, People, PHONE, screenshot, type Device } from './harness';

jest.setTimeout(300_000);

const run = describeWithBrowser();

let e: E2e;
let browser: Browser;
const people = new People(() => browser);

/**
 * One game of each kind: where to start, at what speed, and how many frames to watch arrive
 * before pausing (so feeds and logs have lines). Each leaves a long stretch of the recording
 * after those frames (tens of seconds at that speed: 39 s, 66 s, 33 s, 24 s), so the pause
 * lands before the end however slow this machine is to take it.
 */
const GAMES = [
  { kind: 'tennis', gameId: '2013-wimbledon-2701', atMs: 2_400_000, speed: 64, frames: 4 },
  { kind: 'cricket', gameId: 'ipl-2019-final-1181768', atMs: 6_000_000, speed: 64, frames: 6 },
  { kind: 'terminal', gameId: 'nethack-nao-2012-02-16-fare', atMs: 60_000, speed: 4, frames: 2 },
  { kind: 'chess', gameId: 'lichess-swlhTnEl-classical', atMs: 1_200_000, speed: 64, frames: 4 },
] as const;

const SIZES: Array<{ name: string; device: Device; phone: boolean }> = [
  { name: 'phone', device: PHONE, phone: true },
  { name: 'desktop', device: DESKTOP, phone: false },
];

/**
 * Watch `g.gameId` on one's own from `g.atMs` at `g.speed`, wait until `g.frames` frames arrived
 * (the stage's state moved that far past where it started), pause, and return the page once the
 * pause landed.
 */
async function watchAndPause(name: string, device: Device, g: (typeof GAMES)[number]): Promise<Page> {
  const { gameId, atMs, speed, frames } = g;
  const page = await people.open(name, device);
  await page.goto(`${e.stack.httpUrl}/#/watch/${gameId}?mode=pvai&speed=${speed}&at=${atMs}`);
  await page.waitForSelector('[data-testid=player][data-role=player]');
  await page.waitForSelector('[data-testid=stage][data-state-seq]');
  const from = Number(await page.getAttribute('[data-testid=stage]', 'data-state-seq'));
  await page.waitForFunction(
    ([s, n]) => Number(document.querySelector('[data-testid=stage]')?.getAttribute('data-state-seq')) >= s + n,
    [from, frames] as const,
  );
  await page.click('[data-testid=play-pause]');
  await page.waitForSelector('[data-testid=play-status][data-status=paused]');
  return page;
}

/** Whether the chat input lies wholly inside the window now. */
const chatInView = (page: Page) =>
  page.evaluate(() => {
    const r = document.querySelector('[data-testid=chat-input]')!.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
  });

run('player layout of every kind on a phone and a laptop', () => {
  beforeAll(async () => {
    await buildWeb();
    [e, browser] = await Promise.all([E2e.start(), launchBrowser()]);
  });
  afterAll(async () => {
    await people.closeAll();
    await browser?.close();
    await e?.close();
  });

  for (const g of GAMES) {
    it(`${g.kind} on a phone and on a laptop: nothing overflows; on the phone 44 px controls and the chat one tap away`, async () => {
      // Both pages play at once (their waits are the recording's pace), then each is checked.
      const pages = await Promise.all(SIZES.map((size) => watchAndPause(`${g.kind}-${size.name}`, size.device, g)));
      for (const [i, size] of SIZES.entries()) {
        const page = pages[i]!;
        if (g.kind === 'terminal') await page.waitForSelector('[data-testid=terminal] .xterm-rows');
        if (g.kind === 'tennis') await page.waitForSelector('[data-testid=court][data-text-boxes]');
        // From the top (the header is sticky: a scrolled page would draw it over the middle of a
        // full-page screenshot), once the layout settled on the next two frames.
        await page.evaluate(() => new Promise((r) => {
          window.scrollTo(0, 0);
          requestAnimationFrame(() => requestAnimationFrame(r));
        }));
        await screenshot(page, `layout-${g.kind}-${size.name}`);
        expect({ size: size.name, problems: await layoutProblems(page, '[data-testid=player]', size.phone ? { minTargetPx: 44 } : {}) }).toEqual({ size: size.name, problems: [] });
        const jump = page.locator('[data-testid=chat-jump]');
        if (size.phone) {
          await jump.click();
          await page.waitForFunction(() => document.activeElement === document.querySelector('[data-testid=chat-input]'));
          expect(await chatInView(page)).toBe(true);
          await screenshot(page, `layout-${g.kind}-${size.name}-chat`, { fullPage: false });
        } else {
          // side by side on a laptop: the chat is on screen already, no button needed
          expect(await jump.isVisible()).toBe(false);
        }
      }
    });
  }
});
