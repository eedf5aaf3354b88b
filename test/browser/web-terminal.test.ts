/**
 * Browser test of the web client's terminal player against the real local mode (see
 * web.test.ts; split from it so its playback runs beside the others, web-client.ts):
 * asciinema's welcome recording at 64× in xterm, to the end. Screenshots land in
 * test-results/screenshots/ — look at them.
 *
 * Skipped (with a note) when /usr/bin/chromium is missing; CI installs Debian's chromium.
 */
import { screenshot } from './harness';
import { describeWebClient, TERMINAL } from './web-client';

jest.setTimeout(180_000);

describeWebClient('web client on local mode: terminal', (t) => {
  it('spectates a terminal recording at 64×: the xterm screen shows its text', async () => {
    const page = await t.person('hank');
    await page.goto(`${t.stack.httpUrl}/#/watch/${TERMINAL}?speed=64`);
    await page.waitForSelector('[data-testid=player][data-kind=terminal]');
    await page.waitForSelector('[data-testid=terminal] .xterm-rows', { timeout: 60_000 });
    // xterm's DOM renderer: one div per row (spaces may be no-break spaces)
    const screenHas = (re: string) =>
      page.waitForFunction(
        (src) => new RegExp(src).test((document.querySelector('[data-testid=terminal] .xterm-rows')?.textContent ?? '').replace(/\u00a0/g, ' ')),
        re,
        { timeout: 90_000 },
      );
    await screenHas('asciinema|marcin@stacja|\\$|>');
    await screenHas('# Happy recording!');
    await page.waitForSelector('[data-testid=ended-banner][data-reason=finished]', { state: 'visible', timeout: 90_000 });
    const rows = await page.$$eval('[data-testid=terminal] .xterm-rows > div', (els) => els.map((e) => (e.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
    expect(rows.some((r) => r.includes('select and copy this text'))).toBe(true);
    await screenshot(page, '12-terminal-64x');
  });
});
