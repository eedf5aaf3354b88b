/**
 * Browser tests of the web client against the real local mode (`startLocalStack()`, which
 * serves web/dist, config.json, /dev/token and the WebSocket on one port), on the Wimbledon
 * 2013 final: the catalog, spectating at 64× to the end, a PvP room of two players (controls,
 * chat, reactions, the collapsed join notice), and a reconnect with no gap. The cricket and
 * terminal players are in web-cricket.test.ts and web-terminal.test.ts (split so they play at
 * the same time; web-client.ts). The client is built first when web/dist is missing or older
 * than web/ (as `npm start` does). Screenshots land in test-results/screenshots/ — look at them.
 *
 * Skipped (with a note) when /usr/bin/chromium is missing; CI installs Debian's chromium.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { StreamRow } from '../../contract/rows';
import { until } from '../support/e2e';
import { screenshot } from './harness';
import { describeWebClient, DURATION_MS, expectText, GAME, pointsShown, scoreText, timelineSeqs } from './web-client';

jest.setTimeout(180_000);

describeWebClient('web client on local mode', (t) => {
  it('shows the catalog with the Wimbledon 2013 final and opens a player view', async () => {
    const page = await t.person('carol');
    await page.goto(`${t.stack.httpUrl}/#/`);
    await page.waitForSelector('[data-testid=conn-status][data-state=open]');
    const card = page.locator(`[data-testid=game][data-game-id="${GAME}"]`);
    await card.waitFor();
    await expectText(card, /1:21:25/);
    await expectText(card, /Lisicki|Bartoli|Wimbledon/i);
    await screenshot(page, '01-catalog');

    // Watch another game (spectating Wimbledon 2013 here would fix its shared stream at 1×).
    const other = page.locator('[data-testid=game]').filter({ hasNot: page.locator(`[data-game-id="${GAME}"]`) });
    const otherCard = (await page.locator('[data-testid=game]').count()) > 1
      ? page.locator(`[data-testid=game]:not([data-game-id="${GAME}"])`).first()
      : other.first();
    // Each card names the ways to watch for what they do.
    await expectText(card, /Watch with everyone.*Watch on my own.*Watch party/);
    if ((await otherCard.count()) > 0) {
      const otherId = (await otherCard.getAttribute('data-game-id'))!;
      await otherCard.locator('[data-action=watch]').click();
      await page.waitForSelector('[data-testid=player][data-role=spectator]');
      expect(await page.isDisabled('[data-testid=play-pause]')).toBe(true);
      await screenshot(page, '02-player-from-catalog');

      // A ?speed=64 link to that shared stream (running at 1× for carol) is not ignored silently:
      // the notice says so in plain words, and its button opens a stream of one's own at 64×.
      const gil = await t.person('gil');
      await gil.goto(`${t.stack.httpUrl}/#/watch/${otherId}?speed=64`);
      await gil.waitForSelector('[data-testid=shared-notice]:not([hidden])');
      await expectText(gil.locator('[data-testid=shared-notice-text]'), /plays at 1× .* so 64× did not apply/);
      const own = gil.locator('[data-testid=watch-own]');
      expect(await own.textContent()).toBe('Watch on my own at 64×');
      await screenshot(gil, '02b-shared-notice');
      await own.click();
      await gil.waitForSelector('[data-testid=player][data-role=player]');
      expect(gil.url()).toMatch(/mode=pvai&speed=64$/);
      await expectText(gil.locator('[data-testid=mode]'), /^Watch on my own$/);
      await gil.close();
      await page.click('a[aria-label="Back to the matches"]');
      await page.waitForSelector('[data-testid=catalog]');
    }
  });

  it('spectates the final at 64× from late in the match: the score and the timeline move', async () => {
    const page = await t.person('dave');
    // 16 min of match (about 24 points) ≈ 15 s at 64×: room for a page on a busy machine to see
    // the score move before the end.
    const atMs = DURATION_MS - 16 * 60_000;
    await page.goto(`${t.stack.httpUrl}/#/watch/${GAME}?speed=64&at=${atMs}`);
    await page.waitForSelector('[data-testid=player][data-kind=tennis]');
    await expectText(page.locator('[data-testid=title]'), /./);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=scoreboard]')?.getAttribute('data-points')) >= 2, null, { timeout: 60_000 });
    const firstPoints = await pointsShown(page);
    const firstPos = await page.textContent('[data-testid=position]');
    const firstScore = await scoreText(page);
    await screenshot(page, '03-spectate-64x');
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid=scoreboard]')?.getAttribute('data-points')) >= n + 3,
      firstPoints,
      { timeout: 60_000 },
    );
    expect(await page.textContent('[data-testid=position]')).not.toBe(firstPos);
    expect(await scoreText(page)).not.toBe(firstScore);
    const seqs = await timelineSeqs(page);
    expect(seqs.length).toBeGreaterThanOrEqual(firstPoints + 3);
    expect(seqs[0]!).toBeGreaterThan(0); // joined late: early points were never sent
    // the stream plays to the end of the recording
    await page.waitForSelector('[data-testid=ended-banner][data-reason=finished]', { state: 'visible', timeout: 90_000 });
    expect(await page.textContent('[data-testid=point-feed]')).toBeTruthy();
    await screenshot(page, '04-spectate-finished');
  });

  it('two players in one PvP room: one pauses, the other sees it; chat and reactions cross over', async () => {
    const room = `r${Date.now().toString(36)}`;
    const alice = await t.person('alice');
    const bob = await t.person('bob', { width: 390, height: 844 });
    await alice.goto(`${t.stack.httpUrl}/#/room/${GAME}/${room}?speed=4`);
    await alice.waitForSelector('[data-testid=player][data-role=player]');
    await expectText(alice.locator('[data-testid=invite-link]'), null, new RegExp(`#/room/${GAME}/${room}`));
    await expectText(alice.locator('[data-testid=party-state]'), /^Waiting for a second viewer — share this link$/);
    await bob.goto(`${t.stack.httpUrl}/#/room/${GAME}/${room}`);
    await bob.waitForSelector('[data-testid=player][data-role=player]');
    await bob.waitForSelector('[data-testid=play-status][data-status=playing]');
    await expectText(alice.locator('[data-testid=party-state]'), /2 people share the controls/);
    // who came is one collapsed notice in the chat; nobody is told of their own arrival
    await expectText(alice.locator('[data-testid=audience-notice]'), /^1 person joined$/);
    expect(await bob.locator('[data-testid=audience-notice]').count()).toBe(0);

    await alice.click('[data-testid=play-pause]');
    await bob.waitForSelector('[data-testid=play-status][data-status=paused]');
    await expectText(bob.locator('[data-testid=play-status]'), /paused by alice/i);
    expect(await bob.getAttribute('[data-testid=play-pause]', 'aria-label')).toBe('Resume');

    await bob.fill('[data-testid=chat-input]', 'hello from bob <b>not bold</b>');
    await bob.press('[data-testid=chat-input]', 'Enter');
    const msg = alice.locator('[data-testid=chat-message]').filter({ hasText: 'hello from bob' });
    await msg.waitFor();
    expect(await msg.locator('b').count()).toBe(0); // plain text, never HTML
    await expectText(msg, /<b>not bold<\/b>/);

    await alice.click('[data-emoji="🎾"]');
    await bob.waitForSelector('[data-testid=float-emoji]', { state: 'attached' });
    await screenshot(alice, '05-pvp-alice');
    await screenshot(bob, '06-pvp-bob-paused-mobile');

    await bob.press('[data-testid=chat-input]', 'Escape'); // leave the chat box
    await bob.keyboard.press('Space'); // keyboard resume
    await alice.waitForSelector('[data-testid=play-status][data-status=playing]');
  });

  it('reconnects after the network drops and the point list has no gap', async () => {
    const page = await t.person('erin');
    const context = t.people.contexts[t.people.contexts.length - 1]!;
    await page.goto(`${t.stack.httpUrl}/#/watch/${GAME}?mode=pvai&speed=64&at=600000`);
    await page.waitForSelector('[data-testid=player][data-role=player]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=timeline] [data-seq]').length >= 3, null, { timeout: 60_000 });
    await context.setOffline(true);
    await page.waitForSelector('[data-testid=conn-status]:not([data-state=open])', { timeout: 30_000 });
    const shown = await timelineSeqs(page);
    const before = shown.length;
    // Points keep coming on the server meanwhile: wait until it has sent at least three the page missed.
    await until('the stream to play on while the page is offline', async () => {
      const rows = ((await t.e.db.send(new ScanCommand({ TableName: t.stack.tables.Streams, ConsistentRead: true }))).Items ?? []) as StreamRow[];
      const row = rows.find((r) => r.mode === 'pvai' && r.gameId === GAME && r.status === 'playing');
      return row !== undefined && row.positionSeq >= shown[shown.length - 1]! + 4;
    });
    await screenshot(page, '07-offline');
    await context.setOffline(false);
    await page.waitForSelector('[data-testid=conn-status][data-state=open]', { timeout: 60_000 });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=timeline] [data-seq]').length >= n + 5, before, { timeout: 60_000 });
    const seqs = await timelineSeqs(page);
    const gaps = seqs.filter((s, i) => i > 0 && s !== seqs[i - 1]! + 1);
    expect(gaps).toEqual([]);
    expect(new Set(seqs).size).toBe(seqs.length);
    await screenshot(page, '08-reconnected');
  });
});
