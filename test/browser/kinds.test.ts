/**
 * Browser tests of the kind views (web/src/kinds/) against the real local mode: for tennis,
 * cricket, a full-screen terminal game (the NetHack ttyrec in samples/terminal) and chess, a
 * viewer who joins late (`at`) and then jumps to a marker (a `seek`) draws exactly what the
 * shared reducer folded from frame 0 says at the seq the page shows (`data-state-seq` on the
 * stage): the DOM's text is compared with `stateAt(kind, …)` (kinds/keyframes.ts) on the same
 * recording. The cricket, terminal and chess players pass axe-core (no serious or critical
 * violation of WCAG 2.x A/AA; the tennis player's check is in honest-client.test.ts). Every wait
 * is for an event on the page; timeouts only catch hangs.
 *
 * Skipped (with a note) when /usr/bin/chromium is missing; CI installs Debian's chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { Chess } from 'chess.js';
import { chess, type ChessState } from '../../kinds/chess';
import { cricket, type CricketState } from '../../kinds/cricket';
import { stateAt } from '../../kinds/keyframes';
import { tennis, type TennisState } from '../../kinds/tennis';
import { screenText, terminal, type TerminalState } from '../../kinds/terminal';
import { buildWeb } from '../../local/web';
import { formatClock } from '../../web/src/kinds/chess/model';
import { E2e } from '../support/e2e';
import { sample } from '../kinds/samples';
import { describeWithBrowser, launchBrowser, People, screenshot, seriousViolations } from './harness';

jest.setTimeout(300_000);

const run = describeWithBrowser();

let e: E2e;
let browser: Browser;
const people = new People(() => browser);

/** The seq the stage's state covers (every frame before it folded in). */
async function stateSeq(page: Page): Promise<number> {
  return Number(await page.getAttribute('[data-testid=stage]', 'data-state-seq'));
}

/**
 * Open an own stream (Play mode: this viewer controls it) of `gameId` from media time `atMs`,
 * wait until it plays, pause it, and return the page once the pause has landed.
 */
async function joinLateAndPause(name: string, gameId: string, atMs: number, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await people.open(name, viewport);
  await page.goto(`${e.stack.httpUrl}/#/watch/${gameId}?mode=pvai&at=${atMs}`);
  await page.waitForSelector('[data-testid=player][data-role=player]');
  await page.waitForSelector('[data-testid=play-status][data-status=playing]');
  await page.click('[data-testid=play-pause]');
  await page.waitForSelector('[data-testid=play-status][data-status=paused]');
  await page.waitForSelector('[data-testid=stage][data-state-seq]');
  return page;
}

/**
 * Jump to the marker of the "Jump to" list whose seq is furthest from the seq shown now (a
 * `seek` to its `t`); resolves with the new seq once the page shows another state.
 */
async function jumpToFarMarker(page: Page): Promise<number> {
  const before = await stateSeq(page);
  await page.waitForSelector('[data-testid=marker-jump] option[data-marker-seq]', { state: 'attached' });
  const options = await page.$$eval('[data-testid=marker-jump] option[data-marker-seq]', (els) => els.map((o) => ({ value: (o as HTMLOptionElement).value, seq: Number((o as HTMLElement).dataset.markerSeq) })));
  const far = options.reduce((a, b) => (Math.abs(b.seq - before) > Math.abs(a.seq - before) ? b : a));
  await page.selectOption('[data-testid=marker-jump]', far.value);
  await page.waitForFunction((s) => document.querySelector('[data-testid=stage]')?.getAttribute('data-state-seq') !== String(s), before);
  await page.waitForSelector('[data-testid=play-status][data-status=paused]');
  return stateSeq(page);
}

/** The trimmed text of every element matching `sel`. */
const texts = (page: Page, sel: string) => page.$$eval(sel, (els) => els.map((el) => (el.textContent ?? '').trim()));

run('kind views on local mode: late join and seek draw the reducer’s state', () => {
  beforeAll(async () => {
    await buildWeb();
    e = await E2e.start();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await people.closeAll();
    await browser?.close();
    await e?.close();
  });

  it('tennis: every completed set, the game, the server and the whole match’s points won', async () => {
    const rec = sample('2012-wimbledon-1701');
    const page = await joinLateAndPause('tess', rec.header.gameId, rec.frames[180]!.t);
    const check = async () => {
      const seq = await stateSeq(page);
      const s = (await stateAt(tennis, rec.header, rec.frames, seq)) as TennisState;
      const done = s.winner !== null ? s.sets.length : s.setsWon[0] + s.setsWon[1];
      for (const i of [0, 1]) {
        const n = i + 1;
        expect(await texts(page, `[data-testid=sets-p${n}] .sb-set`)).toEqual(s.sets.slice(0, done).map((g) => String(g[i])));
        if (s.winner === null) {
          expect(await page.textContent(`[data-testid=games-p${n}]`)).toBe(String(s.sets[done]?.[i] ?? 0));
          expect(await page.textContent(`[data-testid=points-p${n}]`)).toBe(s.points[i]);
          expect(((await page.getAttribute(`[data-testid=score-p${n}]`, 'class')) ?? '').split(' ').includes('serving')).toBe(s.server === n);
        }
      }
      const won = await page.$$eval('[data-stat="Points won"] .num', (els) => els.map((el) => Number(el.textContent)));
      expect(won).toEqual([s.stats[0].pointsWon, s.stats[1].pointsWon]);
      expect(await page.getAttribute('[data-testid=scoreboard]', 'data-played')).toBe(String(s.pointsPlayed));
      return seq;
    };
    const first = await check();
    expect(first).toBeGreaterThanOrEqual(180);
    await screenshot(page, 'kinds-01-tennis-late');
    const jumped = await jumpToFarMarker(page);
    expect(jumped).not.toBe(first);
    await check();
    await screenshot(page, 'kinds-02-tennis-seek');
  });

  it('cricket: both innings’ cards, the target and the required rate', async () => {
    const rec = sample('ipl-2019-final-1181768');
    const chaseStart = rec.frames.findIndex((f) => f.type === 'ball' && (f.data as { innings: number }).innings === 2);
    const page = await joinLateAndPause('cora', rec.header.gameId, rec.frames[chaseStart + 50]!.t, { width: 390, height: 844 });
    const check = async () => {
      const seq = await stateSeq(page);
      const s = (await stateAt(cricket, rec.header, rec.frames, seq)) as CricketState;
      const cards = [...s.innings].reverse();
      expect(await texts(page, '[data-testid=innings-summary]')).toEqual(cards.map((c) => `${c.team} ${c.runs}/${c.wickets} (${c.overs} ov)`));
      const rows = await page.$$eval('[data-testid=innings-card] [data-testid=batting] tbody', (els) => els.map((b) => b.querySelectorAll('tr').length));
      expect(rows).toEqual(cards.map((c) => c.batting.length));
      const cur = s.innings[s.innings.length - 1]!;
      expect(await page.textContent('[data-testid=cricket-runs]')).toBe(`${cur.runs}/${cur.wickets}`);
      if (s.chase && s.chase.requiredRate !== null) expect(await page.textContent('[data-testid=cricket-context]')).toContain(`RRR ${s.chase.requiredRate.toFixed(2)}`);
      if (cur.target !== null) expect(await page.textContent('[data-testid=cricket-context]')).toContain(`Target ${cur.target}`);
      return { seq, innings: s.innings.length };
    };
    const first = await check();
    expect(first.innings).toBe(2); // joined in the chase: the first innings' card is there too
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'kinds-03-cricket-late-phone');
    await jumpToFarMarker(page);
    await check();
    await screenshot(page, 'kinds-04-cricket-seek-phone');
  });

  it('terminal: the NetHack screen at 80×24, whole on a phone', async () => {
    const rec = sample('nethack-nao-2012-02-16-fare');
    const page = await joinLateAndPause('nell', rec.header.gameId, rec.frames[300]!.t, { width: 360, height: 800 });
    await page.waitForSelector('[data-testid=terminal] .xterm-rows');
    const check = async () => {
      // every frame the page holds is written once `data-written` reaches the state's seq
      const seq = await stateSeq(page);
      await page.waitForFunction((s) => document.querySelector('[data-testid=terminal]')?.getAttribute('data-written') === String(s), seq);
      const s = (await stateAt(terminal, rec.header, rec.frames, seq)) as TerminalState;
      const want = (await screenText(s)).split('\n').slice(0, s.rows);
      // xterm draws the rows it parsed on its next animation frame: wait for the text itself
      await page.waitForFunction(
        (rows) => {
          const got = Array.from(document.querySelectorAll('[data-testid=terminal] .xterm-rows > div')).map((el) => (el.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd());
          return JSON.stringify(got) === JSON.stringify(rows);
        },
        want,
      );
      expect(await page.getAttribute('[data-testid=terminal]', 'data-cols')).toBe(String(s.cols));
      expect(await page.getAttribute('[data-testid=terminal]', 'data-rows')).toBe(String(s.rows));
      return seq;
    };
    const first = await check();
    expect(first).toBeGreaterThanOrEqual(300);
    // fitted by the font: the whole 80-column screen inside the phone's width
    const fit = await page.evaluate(() => {
      const panel = document.querySelector('[data-testid=terminal]')!.getBoundingClientRect();
      const screen = document.querySelector('[data-testid=terminal] .xterm-screen')!.getBoundingClientRect();
      return { panelRight: panel.right, screenRight: screen.right, overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth };
    });
    expect(fit.screenRight).toBeLessThanOrEqual(fit.panelRight + 0.5);
    expect(fit.overflow).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'kinds-05-nethack-phone');
    // seek back to 40 % of the recording (it has no markers): a click on the seek bar
    const before = await stateSeq(page);
    const bar = (await page.locator('[data-testid=timeline]').boundingBox())!;
    await page.mouse.click(bar.x + bar.width * 0.4, bar.y + bar.height / 2);
    await page.waitForFunction((b) => document.querySelector('[data-testid=stage]')?.getAttribute('data-state-seq') !== String(b), before);
    await page.waitForSelector('[data-testid=play-status][data-status=paused]');
    await check();
  });

  it('chess: the board, both clocks and the move list of the position', async () => {
    const rec = sample('lichess-swlhTnEl-classical');
    const page = await joinLateAndPause('cass', rec.header.gameId, rec.frames[70]!.t);
    const check = async () => {
      const seq = await stateSeq(page);
      const s = (await stateAt(chess, rec.header, rec.frames, seq)) as ChessState;
      const want = new Chess(s.fen).board().flat().map((p) => (p ? (p.color === 'w' ? p.type.toUpperCase() : p.type) : ''));
      expect(await page.$$eval('[data-testid=chess-board] [data-square]', (els) => els.map((el) => (el as HTMLElement).dataset.piece ?? ''))).toEqual(want);
      expect(await page.getAttribute('[data-testid=chess-board] [data-square=e4]', 'aria-label')).toMatch(/^e4, (empty|white|black)/);
      expect(await page.$$eval('[data-testid=move-list] li', (els) => els.length)).toBe(Math.ceil(s.moves.length / 2));
      if (s.moves.length) expect(await page.textContent('[data-testid=move-list]')).toContain(s.moves[s.moves.length - 1]!);
      for (const side of ['white', 'black'] as const) {
        expect(await page.textContent(`[data-testid=clock-${side}]`)).toBe(formatClock(s.clocks[side]));
      }
      return seq;
    };
    const first = await check();
    expect(first).toBeGreaterThanOrEqual(70);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'kinds-06-chess-late');
    await jumpToFarMarker(page);
    await check();
    await screenshot(page, 'kinds-07-chess-seek');
  });
});
