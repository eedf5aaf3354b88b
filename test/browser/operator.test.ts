/**
 * The operator page (`#/operator`) in a real browser against the REAL local stack
 * (`startLocalStack()` through test/support/e2e.ts: port 0, no runtime file, the sweeper off):
 * a WebSocket viewer spectates a tennis final, the page (with a dev token minted with the
 * operator role) lists that stream with its one viewer, passes the axe check, and ends it —
 * End, then the confirm — after which the page says so and the viewer receives `ended` with
 * reason `stopped`.
 *
 * Skipped (with a note) when /usr/bin/chromium is missing. Screenshot: test-results/screenshots/operator-*.
 */
import type { Browser } from 'playwright-core';
import { buildWeb } from '../../local/web';
import { E2e } from '../support/e2e';
import { describeWithBrowser, launchBrowser, People, screenshot, seriousViolations } from './harness';

/** US Open 2011 women's final: 1:13:08 of points, so at speed 1 it is still playing when ended. */
const GAME = '2011-usopen-2701';
/** Bound of every wait: only catches a hang. */
const HANG_MS = 60_000;

jest.setTimeout(240_000);

const run = describeWithBrowser();

let e: E2e;
let browser: Browser;
const people = new People(() => browser);

run('the operator page on the real local stack', () => {
  beforeAll(async () => {
    await buildWeb();
    e = await E2e.start({ sweeper: false });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await people.closeAll();
    await browser?.close();
    await e?.close();
  });

  it('lists a stream with its viewer, ends it from the page, and the viewer gets ended (stopped)', async () => {
    const viewer = await e.connect('vera');
    viewer.send({ action: 'start', gameId: GAME, speed: 1 });
    const joined = await viewer.waitFor('joined');

    const page = await people.open('olga');
    await page.goto(`${e.stack.httpUrl}/#/operator`);
    const row = page.locator(`[data-testid=operator-stream][data-stream-id="${joined.streamId}"]`);
    await row.waitFor({ timeout: HANG_MS });
    await page.waitForFunction(
      (id) => document.querySelector(`[data-stream-id="${id}"] [data-testid=operator-viewers]`)?.textContent === '1',
      joined.streamId,
      { timeout: HANG_MS },
    );
    await page.locator('[data-testid=operator-metrics]').filter({ hasNotText: 'Reading /metrics' }).waitFor({ timeout: HANG_MS });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'operator-list');

    await row.locator('[data-testid=operator-end]').click();
    await row.locator('[data-testid=operator-confirm]').click();
    await row.locator('[data-testid=operator-result][data-outcome=ok]').waitFor({ timeout: HANG_MS });
    expect(await row.locator('[data-testid=operator-result]').textContent()).toContain('Ended');

    const ended = await viewer.waitFor('ended', () => true, HANG_MS);
    expect(ended).toEqual({ type: 'ended', streamId: joined.streamId, reason: 'stopped' });
    const state = await viewer.waitFor('state', (m) => m.status === 'ended', HANG_MS);
    expect(state.by).toBe('olga');
    expect(await e.streamRow(joined.streamId)).toMatchObject({ status: 'ended', endedReason: 'stopped' });
    await screenshot(page, 'operator-ended');
  });
});
