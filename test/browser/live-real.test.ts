/**
 * Live games and scheduled streams, in a real browser against the REAL local stack (`startLocalStack()`
 * through test/support/e2e.ts: the same handlers, state machine and gateway as `npm start`;
 * port 0, no runtime file, the sweeper off), through the real HTTP API:
 *
 * 1. A recording published live reaches the browser: a publisher opens a live cricket game
 *    (`PUT /games/{id}`), a viewer finds it in the catalog marked LIVE and watches it, then the
 *    first balls of the IPL 2019 final (samples/cricket, converted as ingest does and read with
 *    `parseRecording`) are POSTed one by one (keys `{id}-{seq}`, their original `t`/`type`/`data`);
 *    the scoreboard follows each one, each ball drawn within a loose sanity bound of its POST
 *    (latency figures belong to `npm run bench -- --only live`).
 * 2. A scheduled stream starts on time in the browser: an operator schedules a tennis final a
 *    little ahead (`POST /streams`), a viewer joins it from the catalog's "Coming up" list, sees
 *    "Starts in 0:xx", and the countdown goes away and the scoreboard starts at `startsAt` — not
 *    before. How far ahead follows how long this machine took to open the page (a busy machine
 *    gets a longer lead), so the viewer is always in before the start.
 *
 * Arrival times are taken in the page (a MutationObserver stamping `Date.now()` — the same
 * machine clock as the test's and the server's) the moment the DOM changes.
 *
 * Skipped (with a note) when /usr/bin/chromium is missing. Screenshots: test-results/screenshots/live-real-*.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { convertFiles } from '../../convert';
import type { WireFrame } from '../../protocol/messages';
import { parseRecording, serializeRecording, type RecordingHeader } from '../../protocol/recording';
import { buildWeb } from '../../local/web';
import { E2e } from '../support/e2e';
import type { LocalStack } from '../support/local-stack';
import { describeWithBrowser, launchBrowser, People, screenshot } from './harness';

/** IPL 2019 final (cricsheet): MI 149/8 beat CSK 148/7; balls 30 s apart on the replay clock. */
const CRICKET_FILE = resolve(__dirname, '../../samples/cricket/ipl-2019-final-1181768.json');
/** Frames posted live, one POST each. */
const LIVE_FRAMES = 12;
/** Wimbledon 2013 women's final, Lisicki v Bartoli: points at t = 0, 32 s, 68 s, … */
const TENNIS = '2013-wimbledon-2701';
/** The least lead of the scheduled stream (the API wants ≥ 5 s); a slow page load lengthens it. */
const MIN_LEAD_MS = 6_500;
/** The longest lead: `POST /streams` within the sweeper's 90 s lead starts the stream at once. */
const MAX_LEAD_MS = 80_000;
/** Its speed: the second and third points follow the first by 2 s and 4.25 s. */
const SPEED = 16;
/**
 * Bound of one ball's way from POST to screen, and of the first point after `startsAt`: it only
 * catches a ball that never arrives (latency figures are `npm run bench`'s, not a test's).
 */
const SANE_MS = 60_000;
/** Bound of every wait for the page: only catches a hang. */
const HANG_MS = 60_000;
/**
 * Slack for "not before startsAt": the server's and the browser's Date.now() are the same clock,
 * read by two processes. The page shows a frame at its `dueAt` on the server clock as it reads it
 * from ping/pong round trips, which may be off by up to the page's `data-clock-uncertainty-ms`
 * (half a round trip, client/clock.ts): that is added, as it was when the page stamped.
 */
const CLOCK_SLACK_MS = 5;

jest.setTimeout(300_000);

const run = describeWithBrowser();

let e: E2e;
let stack: LocalStack;
let browser: Browser;
const people = new People(() => browser);
const person = (name: string, viewport?: { width: number; height: number }) => people.open(name, viewport);

/** One call to the local HTTP API with a bearer token; the status and the JSON answer. */
const api = (method: string, path: string, token: string, body?: unknown) => e.http(method, path, token, body);

/** The cricket sample as ingest converts it, read back with parseRecording. */
function cricketRecording(): { header: RecordingHeader; frames: WireFrame[] } {
  const [rec] = convertFiles([{ name: 'ipl-2019-final-1181768.json', content: readFileSync(CRICKET_FILE) }]);
  return parseRecording(serializeRecording(rec!.header, rec!.frames));
}

const text = async (p: Page, sel: string) => ((await p.textContent(sel, { timeout: HANG_MS })) ?? '').trim();


declare global {
  interface Window {
    /** seq → Date.now() when that ball first showed in the ball-by-ball feed. */
    __seenAt?: Record<number, number>;
    /** Date.now() when the countdown was hidden / the scoreboard first counted a point. */
    __countdownGoneAt?: number;
    __firstPointAt?: number;
    __thirdPointAt?: number;
    /** The page's clock uncertainty (ms) at each stamp above, by stamp name. */
    __uncertaintyAt?: Record<string, number>;
  }
}

run('live games and scheduled streams in the browser, on the real local stack', () => {
  beforeAll(async () => {
    await buildWeb();
    e = await E2e.start({ sweeper: false }); // startLocalStack: port 0, no runtime file
    stack = e.stack;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await people.closeAll();
    await browser?.close();
    // Fences off the scheduled stream still playing, so its tick (sleeping in its Lambda
    // between points) ends at its next claim instead of holding the stack's close for ~100 s.
    await e?.close();
  });

  it('a cricket game published live: LIVE in the catalog and the player, each ball on the scoreboard as it is posted', async () => {
    const { header, frames } = cricketRecording();
    const posted = frames.slice(0, LIVE_FRAMES);
    expect(posted.map((f) => f.seq)).toEqual([...Array(LIVE_FRAMES).keys()]);
    const gameId = `ipl-live-${Date.now().toString(36)}`;
    const publisher = await stack.token('feed', 'Feed', 3600, ['publisher']);

    const opened = await api('PUT', `/games/${gameId}`, publisher, { kind: header.kind, title: `${header.title} (live feed)`, participants: header.participants });
    expect(opened).toEqual({ status: 201, body: { gameId, live: 'live', frameCount: 0 } });

    // A viewer finds it in the catalog, marked LIVE, and watches it.
    const page = await person('lena');
    await page.goto(`${stack.httpUrl}/#/`);
    await page.waitForSelector('[data-testid=conn-status][data-state=open]', { timeout: HANG_MS });
    const card = page.locator(`[data-testid=game][data-game-id="${gameId}"]`);
    await card.waitFor({ timeout: HANG_MS });
    await card.locator('[data-testid=live-badge]').waitFor({ timeout: HANG_MS });
    expect(await card.locator('.game-title').textContent()).toBe(`${header.title} (live feed)`);
    await screenshot(page, 'live-real-01-catalog-live');
    await card.locator('[data-action=watch]').click();
    await page.waitForSelector('[data-testid=player][data-kind=cricket][data-live=true]', { timeout: HANG_MS });
    expect(page.url()).toContain(`#/watch/${gameId}`);
    await page.waitForSelector('[data-testid=live-badge]', { state: 'visible', timeout: HANG_MS });
    expect(await text(page, '[data-testid=live-badge]')).toBe('LIVE');
    expect(await page.getAttribute('[data-testid=player]', 'data-stream-id')).toBe(`spectate:${gameId}`);
    await page.waitForSelector('[data-testid=play-status][data-status=playing]', { timeout: HANG_MS });
    expect(await text(page, '[data-testid=cricket-runs]')).toBe('–'); // nothing posted yet
    expect(await page.isHidden('[data-testid=countdown]')).toBe(true);
    await screenshot(page, 'live-real-02-player-waiting');

    // Stamp, in the page, when each ball first shows in the ball-by-ball feed.
    await page.evaluate(() => {
      window.__seenAt = {};
      const stamp = () => {
        const now = Date.now();
        document.querySelectorAll<HTMLElement>('[data-testid=point-feed] li[data-seq]').forEach((el) => {
          const seq = Number(el.dataset.seq);
          if (window.__seenAt![seq] === undefined) window.__seenAt![seq] = now;
        });
      };
      new MutationObserver(stamp).observe(document.body, { subtree: true, childList: true });
      stamp();
    });

    const latencies: number[] = [];
    for (const f of posted) {
      const startedAt = Date.now();
      const r = await api('POST', `/games/${gameId}/events`, publisher, { key: `${gameId}-${f.seq}`, type: f.type, t: f.t, data: f.data });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ accepted: [{ key: `${gameId}-${f.seq}`, seq: f.seq }], duplicates: [], frameCount: f.seq + 1, durationMs: f.t });
      await page.waitForFunction((seq) => window.__seenAt?.[seq] !== undefined, f.seq, { timeout: SANE_MS });
      const seenAt = await page.evaluate((seq) => window.__seenAt![seq]!, f.seq);
      latencies.push(seenAt - startedAt);
    }

    // The scoreboard shows the last ball posted (seq 11: MI 10/0 after 1.5 overs, a six by Rohit Sharma).
    const last = posted[posted.length - 1]!;
    const score = (last.data as { score: { runs: number; wickets: number; overs: string } }).score;
    expect(score).toMatchObject({ runs: 10, wickets: 0, overs: '1.5' });
    expect(await text(page, '[data-testid=cricket-runs]')).toBe(`${score.runs}/${score.wickets}`);
    expect(await text(page, '[data-testid=cricket-overs]')).toBe(`${score.overs} ov`);
    expect(await text(page, '[data-testid=cricket-team]')).toBe('Mumbai Indians');
    expect(await page.getAttribute('[data-testid=scoreboard]', 'data-runs')).toBe(String(score.runs));
    expect(await page.getAttribute('[data-testid=scoreboard]', 'data-wickets')).toBe(String(score.wickets));
    const balls = posted.filter((f) => f.type === 'ball').length;
    expect(await page.getAttribute('[data-testid=scoreboard]', 'data-balls')).toBe(String(balls));
    expect(await text(page, '[data-testid=recent-balls] li:last-child')).toBe('6');
    expect(await page.getAttribute('[data-testid=point-feed] li:first-child', 'data-seq')).toBe(String(last.seq));
    // Still live, still playing; the timeline has grown to the newest ball's t.
    expect(await page.isVisible('[data-testid=live-badge]')).toBe(true);
    expect(await page.getAttribute('[data-testid=play-status]', 'data-status')).toBe('playing');
    expect(await page.getAttribute('[data-testid=timeline]', 'aria-valuemax')).toBe(String(last.t / 1000));
    expect(await page.locator('[data-testid=ended-banner]').isHidden()).toBe(true);
    await screenshot(page, 'live-real-03-live-12-balls');

    // Each ball was drawn after its POST began and well within a sanity bound (latency
    // figures are `npm run bench -- --only live`'s, not a test's).
    for (const l of latencies) {
      expect(l).toBeGreaterThanOrEqual(0);
      expect(l).toBeLessThan(SANE_MS);
    }

    // Finishing the game ends the live stream in the page.
    expect((await api('POST', `/games/${gameId}/finish`, publisher)).body).toMatchObject({ gameId, live: 'finished', frameCount: LIVE_FRAMES });
    await page.waitForSelector('[data-testid=ended-banner][data-reason=finished]', { state: 'visible', timeout: HANG_MS });
    expect(await page.isHidden('[data-testid=live-badge]')).toBe(true);
    expect(await text(page, '[data-testid=cricket-runs]')).toBe(`${score.runs}/${score.wickets}`);
    await screenshot(page, 'live-real-04-live-finished');
  });

  it('a stream scheduled a little ahead: joined from "Coming up", counts down, and starts at startsAt — not before', async () => {
    expect(stack.games).toContain(TENNIS);
    const operator = await stack.token('olga', 'Olga', 3600, ['operator']);
    // How long this machine takes to open the page sets the lead: the viewer opens it again
    // (reload, catalog, join, countdown) after the stream is scheduled, all before the start.
    const warm = await person('sven');
    const loadStart = Date.now();
    await warm.goto(`${stack.httpUrl}/#/`);
    await warm.waitForSelector('[data-testid=conn-status][data-state=open]', { timeout: HANG_MS });
    const leadMs = Math.min(MAX_LEAD_MS, Math.max(MIN_LEAD_MS, 6 * (Date.now() - loadStart) + 2_000));
    const startAt = Date.now() + leadMs;
    const created = await api('POST', '/streams', operator, { gameId: TENNIS, startAt, speed: SPEED, title: 'Wimbledon 2013 final, right now' });
    expect(created.status).toBe(201);
    // Within the sweeper's lead: POST /streams starts it itself (the sweeper is off here).
    expect(created.body).toEqual({ streamId: expect.stringMatching(new RegExp(`^scheduled:${TENNIS}:`)), gameId: TENNIS, status: 'awaiting_start', startsAt: startAt });
    const { streamId, startsAt } = created.body as { streamId: string; startsAt: number };

    const page = warm;
    await page.reload();
    await page.waitForSelector('[data-testid=conn-status][data-state=open]', { timeout: HANG_MS });
    const item = page.locator(`[data-testid=scheduled-stream][data-stream-id="${streamId}"]`);
    await item.waitFor({ timeout: HANG_MS });
    expect(await item.locator('.stream-title').textContent()).toBe('Wimbledon 2013 final, right now');
    expect(await text(page, `[data-testid=scheduled-stream][data-stream-id="${streamId}"] [data-testid=countdown]`)).toMatch(/^Starts in \d+:\d\d$/);
    await screenshot(page, 'live-real-05-coming-up');
    await item.locator('[data-action=join]').click();
    await page.waitForSelector(`[data-testid=player][data-stream-id="${streamId}"]`, { timeout: HANG_MS });
    expect(page.url()).toContain('#/stream/scheduled');

    // Stamp, in the page, when the countdown goes away and when the first point is on the scoreboard.
    await page.evaluate(() => {
      const stamp = () => {
        const now = Date.now();
        const cd = document.querySelector<HTMLElement>('[data-testid=player] [data-testid=countdown]');
        if (window.__countdownGoneAt === undefined && cd && cd.hidden) window.__countdownGoneAt = now;
        const points = Number(document.querySelector('[data-testid=scoreboard]')?.getAttribute('data-points') ?? 0);
        if (window.__firstPointAt === undefined && points > 0) window.__firstPointAt = now;
        if (window.__thirdPointAt === undefined && points >= 3) window.__thirdPointAt = now;
        const u = Number(document.documentElement.dataset.clockUncertaintyMs ?? 0);
        const at = (window.__uncertaintyAt ??= {});
        for (const [k, v] of [['gone', window.__countdownGoneAt], ['first', window.__firstPointAt], ['third', window.__thirdPointAt]] as const) {
          if (v !== undefined && at[k] === undefined) at[k] = Number.isFinite(u) ? u : 0;
        }
      };
      new MutationObserver(stamp).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      stamp();
    });

    await page.waitForSelector('[data-testid=countdown]:not([hidden])', { timeout: HANG_MS });
    // Before the start (the lead covers this machine's pace; were it past, the status below would say so).
    expect(await text(page, '[data-testid=countdown-text]')).toMatch(/^Starts in \d+:\d\d$/);
    expect(await page.getAttribute('[data-testid=play-status]', 'data-status')).toBe('awaiting_start');
    expect(await page.isHidden('[data-testid=live-badge]')).toBe(true);
    expect(Number((await page.getAttribute('[data-testid=scoreboard]', 'data-points')) ?? 0)).toBe(0);
    expect(await page.locator('[data-testid=timeline] [data-seq]').count()).toBe(0);
    await screenshot(page, 'live-real-06-countdown');

    // At startsAt: the countdown goes, the status turns playing, the first point arrives — none of it before.
    const waitMs = Math.max(0, startsAt - Date.now()) + HANG_MS;
    await page.waitForSelector('[data-testid=player] [data-testid=countdown]', { state: 'hidden', timeout: waitMs });
    await page.waitForFunction(() => window.__firstPointAt !== undefined, null, { timeout: waitMs });
    await page.waitForSelector('[data-testid=play-status][data-status=playing]', { timeout: HANG_MS });
    const { gone, first, slack } = await page.evaluate(() => ({ gone: window.__countdownGoneAt!, first: window.__firstPointAt!, slack: window.__uncertaintyAt! }));
    expect(gone).toBeGreaterThanOrEqual(startsAt - CLOCK_SLACK_MS - slack.gone!);
    expect(first).toBeGreaterThanOrEqual(startsAt - CLOCK_SLACK_MS - slack.first!);
    expect(first - startsAt).toBeLessThan(SANE_MS);
    await screenshot(page, 'live-real-07-started');

    // …and the scoreboard keeps updating: the next points at 32 s and 68 s of media time (2 s, 4.25 s at 16×).
    await page.waitForFunction(() => window.__thirdPointAt !== undefined, null, { timeout: HANG_MS });
    const seqs = await page.$$eval('[data-testid=timeline] [data-seq]', (els) => els.map((e) => Number((e as HTMLElement).dataset.seq)).sort((a, b) => a - b));
    expect(seqs.slice(0, 3)).toEqual([0, 1, 2]);
    const third = await page.evaluate(() => ({ at: window.__thirdPointAt!, slack: window.__uncertaintyAt!.third! }));
    expect(third.at - startsAt).toBeGreaterThanOrEqual(68_000 / SPEED - CLOCK_SLACK_MS - third.slack);
    expect(await page.isHidden('[data-testid=countdown]')).toBe(true);
    await screenshot(page, 'live-real-08-playing');
  });
});
