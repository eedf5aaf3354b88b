/**
 * Browser test of the web client's cricket player against the real local mode (see
 * web.test.ts; split from it so its playback runs beside the others, web-client.ts): the IPL
 * 2019 final at 64× from late in the chase, on a desktop and a 360 px phone, to the result.
 * Screenshots land in test-results/screenshots/ — look at them.
 *
 * Skipped (with a note) when /usr/bin/chromium is missing; CI installs Debian's chromium.
 */
import { screenshot } from './harness';
import { CRICKET, CRICKET_DURATION_MS, describeWebClient, expectText } from './web-client';

jest.setTimeout(180_000);

describeWebClient('web client on local mode: cricket', (t) => {
  it('spectates a cricket final at 64× from late in the chase: the scorecard follows the deliveries', async () => {
    const page = await t.person('frank');
    // The last ~50 deliveries ≈ 26 s at 64×: room for a page on a busy machine to read the chase
    // (the checks below, each bounded at 20 s) before the result.
    const atMs = CRICKET_DURATION_MS - 28 * 60_000;
    await page.goto(`${t.stack.httpUrl}/#/watch/${CRICKET}?speed=64&at=${atMs}`);
    await page.waitForSelector('[data-testid=player][data-kind=cricket]');
    // A phone joins the same shared stream now, while it plays (however slow this machine is
    // to open a second page, the stream is still early); it is looked at below.
    const phone = await t.person('gina', { width: 360, height: 800 });
    await phone.goto(`${t.stack.httpUrl}/#/watch/${CRICKET}?speed=64&at=${atMs}`);
    await phone.waitForSelector('[data-testid=player][data-kind=cricket]');
    await expectText(page.locator('[data-testid=title]'), /IPL 2019 final/);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=scoreboard]')?.getAttribute('data-balls')) >= 1, null, { timeout: 60_000 });
    // The runs and the score text read together (a delivery landing between two reads would
    // pair the old runs with the new text).
    const { firstRuns, firstScore } = await page.evaluate(() => ({
      firstRuns: Number(document.querySelector('[data-testid=scoreboard]')?.getAttribute('data-runs')),
      firstScore: document.querySelector('[data-testid=cricket-runs]')?.textContent ?? '',
    }));
    expect(firstScore).toMatch(/^\d+\/\d$/);
    await expectText(page.locator('[data-testid=cricket-team]'), /Chennai Super Kings/);
    await expectText(page.locator('[data-testid=score-badge]'), /CSK need \d+ runs? from \d+ balls?/);
    await expectText(page.locator('[data-testid=cricket-context]'), /Target 150.*RRR \d+\.\d\d/);
    expect(await page.locator('[data-testid=batting] tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid=bowling] tbody tr').count()).toBeGreaterThanOrEqual(1);
    // the score moves as deliveries arrive
    await page.waitForFunction(
      (runs) => Number(document.querySelector('[data-testid=scoreboard]')?.getAttribute('data-runs')) > runs,
      firstRuns,
      { timeout: 60_000 },
    );
    // …and its text with them (waited for: a render may follow the attribute).
    await page.waitForFunction((score) => document.querySelector('[data-testid=cricket-runs]')?.textContent !== score, firstScore, { timeout: 20_000 });
    expect(await page.textContent('[data-testid=cricket-runs]')).not.toBe(firstScore);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=recent-balls] li').length >= 3, null, { timeout: 60_000 });
    expect(await page.locator('[data-testid=point-feed] li').count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, '09-cricket-64x');

    // the same shared stream on a 360 px phone
    await phone.waitForFunction(() => Number(document.querySelector('[data-testid=scoreboard]')?.getAttribute('data-balls')) >= 1, null, { timeout: 60_000 });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0); // nothing wider than the phone
    await screenshot(phone, '10-cricket-mobile-360');

    // the match plays out: the last delivery and the result
    await page.waitForSelector('[data-testid=ended-banner][data-reason=finished]', { state: 'visible', timeout: 90_000 });
    await expectText(page.locator('[data-testid=score-badge]'), /Mumbai Indians won by 1 run/);
    await expectText(page.locator('[data-testid=cricket-runs]'), /^148\/7$/);
    await expectText(page.locator('[data-testid=innings-list]'), /Mumbai Indians 149\/8/);
    await expectText(page.locator('[data-testid=point-feed]'), /Result/);
    await screenshot(page, '11-cricket-finished');
  });
});
