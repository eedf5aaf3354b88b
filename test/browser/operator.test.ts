/**
 * The operator page (`#/operator`) in a real browser against the REAL local stack
 * (`startLocalStack()` through test/support/e2e.ts: port 0, no runtime file, the sweeper off):
 * a WebSocket viewer spectates a tennis final, the page (with a dev token minted with the
 * operator role) lists that stream with its one viewer, draws its chart from a `/metrics` the
 * browser is given (the route belongs to another part), passes the axe check, and ends it —
 * End, then the confirm — after which the page says so and the viewer receives `ended` with
 * reason `stopped`. Then, without the browser, on the same stack: a stream that failed is
 * restarted through the HTTP API (`POST /operator/streams/{streamId}/restart`), and its viewer
 * gets the new epoch's `state` and then frames of that epoch.
 *
 * Skipped (with a note) when /usr/bin/chromium is missing. Screenshot: test-results/screenshots/operator-*.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { buildWeb } from '../../local/web';
import { E2e } from '../support/e2e';
import { describeWithBrowser, launchBrowser, People, screenshot, seriousViolations } from './harness';

/** US Open 2011 women's final: 1:13:08 of points, so at speed 1 it is still playing when ended. */
const GAME = '2011-usopen-2701';
/** Wimbledon 2013 women's final, played at 64× for the restart: a point every half second or so. */
const FAST_GAME = '2013-wimbledon-2701';
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
    // GET /metrics is another part's: here the browser gets a summary whose totals grow by 10 observations of 20 ms per read.
    let reads = 0;
    await page.route('**/metrics', (route) => {
      reads++;
      const body = `# TYPE matchcast_frame_lateness_ms summary\nmatchcast_frame_lateness_ms_sum ${reads * 200}\nmatchcast_frame_lateness_ms_count ${reads * 10}\nmatchcast_fan_out_time_ms_sum ${reads * 50}\nmatchcast_fan_out_time_ms_count ${reads * 10}\n`;
      return route.fulfill({ status: 200, contentType: 'text/plain; version=0.0.4', body });
    });
    await page.goto(`${e.stack.httpUrl}/#/operator`);
    const row = page.locator(`[data-testid=operator-stream][data-stream-id="${joined.streamId}"]`);
    await row.waitFor({ timeout: HANG_MS });
    await page.waitForFunction(
      (id) => document.querySelector(`[data-stream-id="${id}"] [data-testid=operator-viewers]`)?.textContent === '1',
      joined.streamId,
      { timeout: HANG_MS },
    );
    // The second read gives the first interval's means: a point on each line.
    await page.locator('[data-testid=operator-metrics]').filter({ hasText: 'lateness 20 ms' }).waitFor({ timeout: HANG_MS });
    expect(await page.locator('[data-testid=operator-metrics]').textContent()).toBe('lateness 20 ms · fan-out 5 ms.');
    expect(await page.locator('.chart-lateness').getAttribute('d')).toMatch(/^M\d/);
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

  it('a failed stream restarted through the HTTP API: its viewer gets the new epoch, then its frames', async () => {
    const viewer = await e.connect('walt');
    viewer.send({ action: 'start', gameId: FAST_GAME, speed: 64 });
    const joined = await viewer.waitFor('joined');
    await viewer.waitFor('frames', () => true, HANG_MS);
    const row = await e.streamRow(joined.streamId);
    // A failure as the tick records one, with the epoch bumped so the running tick is fenced off.
    await e.db.send(
      new UpdateCommand({
        TableName: e.stack.tables.Streams,
        Key: { streamId: joined.streamId },
        UpdateExpression: 'SET #s = :f, endedReason = :f, failureReason = :why, epoch = :e',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':f': 'failed', ':why': 'simulated failure', ':e': row.epoch + 1 },
      }),
    );
    const token = await e.stack.token('olga', 'Olga', 600, ['operator']);
    const path = `/operator/streams/${encodeURIComponent(joined.streamId)}`;
    const shown = await e.http('GET', path, token);
    expect(shown).toMatchObject({ status: 200, body: { stream: { status: 'failed' }, restart: { ok: true, why: 'failed' }, viewers: [{ userId: 'walt' }] } });
    const from = viewer.messages.length;
    const res = await e.http('POST', `${path}/restart`, token);
    expect(res).toMatchObject({ status: 200, body: { streamId: joined.streamId, status: 'playing', epoch: row.epoch + 2 } });
    const state = await viewer.waitFor('state', (m) => m.epoch === row.epoch + 2, HANG_MS, from);
    expect(state).toMatchObject({ status: 'playing', by: 'olga', positionSeq: res.body.positionSeq });
    const frames = await viewer.waitFor('frames', (m) => m.epoch === row.epoch + 2, HANG_MS, from);
    expect(frames.frames[0]!.seq).toBe(res.body.positionSeq);
    expect((await e.http('POST', `${path}/restart`, token)).status).toBe(409);
  });
});
