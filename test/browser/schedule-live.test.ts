/**
 * Browser tests of scheduled streams and live games in the web client, against a
 * scripted fake matchcast server: a tiny HTTP server on 127.0.0.1 serves web/dist (built
 * first when stale, as web.test.ts does), `/config.json` pointing at its own WebSocket and
 * `/dev/token`; the test decides every `joined`/`state`/`frames`/`catalog` the page receives.
 * The fake server's clock runs one hour ahead of the browser's (`pong.at`), so countdowns are
 * only right when the client corrects for the server clock.
 *
 * Skipped (with a note) when /usr/bin/chromium is missing. Screenshots: test-results/screenshots/.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import WebSocket, { WebSocketServer } from 'ws';
import type { CatalogMessage, JoinedMessage, ServerMessage, WireFrame } from '../../protocol/messages';
import { buildWeb } from '../../local/web';
import { describeWithBrowser, launchBrowser, People, screenshot } from './harness';

jest.setTimeout(300_000);

const run = describeWithBrowser();

const DIST = resolve(__dirname, '../../web/dist');
/** The fake server's clock is this far ahead of the machine's (ms): the client must follow pong.at. */
const SKEW_MS = 3_600_000;
const serverNow = () => Date.now() + SKEW_MS;
/** Bound of every wait for the page: only catches a hang. */
const HANG_MS = 60_000;
/** A stream joined in the player test starts this long after the join (ms): the countdown shows, then "Starting…". */
const JOIN_LEAD_MS = 8_000;

type Msg = Record<string, unknown> & { action: string };
/** Answers one client message; return true when handled (else the defaults: pong, catalog). */
type Script = (ws: WebSocket, msg: Msg) => boolean | void;

/** web/dist + config.json + /dev/token + a scripted WebSocket, on one port. */
class FakeMatchcast {
  readonly received: Msg[] = [];
  catalog: CatalogMessage = { type: 'catalog', games: [], streams: [] };
  script: Script = () => false;
  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeMatchcast> {
    const http = createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (url.pathname === '/config.json') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ wsUrl: `ws://127.0.0.1:${port()}/`, tokenUrl: '/dev/token' }));
          return;
        }
        if (url.pathname === '/dev/token') {
          const user = url.searchParams.get('user') ?? 'guest';
          const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${b64({ alg: 'none' })}.${b64({ sub: user, name: user })}.x` }));
          return;
        }
        const file = normalize(join(DIST, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname)));
        if (!file.startsWith(DIST + sep)) return void res.writeHead(403).end();
        try {
          const body = await readFile(file);
          res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
        } catch {
          res.writeHead(404).end();
        }
      })();
    });
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = () => (http.address() as AddressInfo).port;
    const fake = new FakeMatchcast(http, wss, port());
    wss.on('connection', (ws) => {
      ws.on('message', (d) => {
        const msg = JSON.parse(String(d)) as Msg;
        fake.received.push(msg);
        if (fake.script(ws, msg)) return;
        if (msg.action === 'ping') send(ws, { type: 'pong', at: serverNow() });
        else if (msg.action === 'list') send(ws, fake.catalog);
      });
    });
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise((r) => this.wss.close(r));
    this.http.closeAllConnections();
    await new Promise((r) => this.http.close(r));
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

function send(ws: WebSocket, m: ServerMessage): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tennis point of the first set (the web client's frame adapter reads these names). */
const point = (seq: number, t: number, winner: 1 | 2, pts: [string, string]): WireFrame => ({
  seq, t, type: 'point', data: { set: 1, games: [seq >> 2, 0], points: pts, tiebreak: false, setsWon: [0, 0], server: 1, winner, serveSpeedKmh: 180 + seq },
});

const TITLE = 'Wimbledon 2012 final: Roger Federer v Andy Murray';
const joined = (over: Partial<JoinedMessage>): JoinedMessage => ({
  type: 'joined', streamId: 'scheduled:2012-wimbledon-1701:s1', gameId: '2012-wimbledon-1701', kind: 'tennis', title: TITLE,
  mode: 'spectate', role: 'spectator', status: 'scheduled', speed: 1, epoch: 1, positionMs: 0, positionSeq: 0,
  durationMs: 14_320_000, frameCount: 288, clients: 3, ...over,
});

run('scheduled streams and live games in the web client (scripted server)', () => {
  let fake: FakeMatchcast;
  let browser: Browser;
  const people = new People(() => browser);
  const page = (name: string, viewport?: { width: number; height: number }) => people.open(name, viewport);

  const text = async (p: Page, sel: string) => ((await p.textContent(sel)) ?? '').trim();

  beforeAll(async () => {
    await buildWeb();
    fake = await FakeMatchcast.start();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await people.closeAll();
    await browser?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.script = () => false;
    fake.received.length = 0;
  });

  it('catalog: live games marked LIVE; scheduled streams with start time, a ticking countdown, viewers and Join', async () => {
    const startsAt = serverNow() + 83_000;
    fake.catalog = {
      type: 'catalog',
      games: [
        { gameId: 'ipl-2026-final', kind: 'cricket', title: 'IPL 2026 final: MI v CSK', durationMs: 3_725_000, participants: ['Mumbai Indians', 'Chennai Super Kings'], live: true },
        { gameId: '2012-wimbledon-1701', kind: 'tennis', title: TITLE, durationMs: 14_320_000, participants: ['Roger Federer', 'Andy Murray'] },
      ],
      streams: [
        { streamId: 'spectate:ipl-2026-final', gameId: 'ipl-2026-final', mode: 'spectate', status: 'playing', clients: 12 },
        { streamId: 'scheduled:2012-wimbledon-1701:late', gameId: '2012-wimbledon-1701', mode: 'spectate', status: 'scheduled', clients: 1, title: 'Late-night replay', startsAt: startsAt + 2 * 3_600_000 },
        { streamId: 'scheduled:2012-wimbledon-1701:s1', gameId: '2012-wimbledon-1701', mode: 'spectate', status: 'awaiting_start', clients: 4, title: 'Wimbledon 2012 final, tonight', startsAt },
      ],
    };
    const p = await page('carol');
    await p.goto(`${fake.url}/#/`);
    await p.waitForSelector('[data-testid=conn-status][data-state=open]');
    await p.waitForSelector('[data-testid=game][data-game-id=ipl-2026-final] [data-testid=live-badge]');
    expect(await p.locator('[data-testid=game][data-game-id="2012-wimbledon-1701"] [data-testid=live-badge]').count()).toBe(0);
    expect(await text(p, '[data-testid=game][data-game-id=ipl-2026-final] .meta')).toMatch(/1:02:05 so far/);
    // the live game's running stream is marked too
    expect(await p.locator('[data-testid=streams] [data-stream-id="spectate:ipl-2026-final"] [data-testid=live-badge]').count()).toBe(1);

    // scheduled streams: soonest first, with start time, countdown (server clock!) and viewers
    const items = p.locator('[data-testid=scheduled-stream]');
    expect(await items.count()).toBe(2);
    const first = items.first();
    expect(await first.getAttribute('data-stream-id')).toBe('scheduled:2012-wimbledon-1701:s1');
    await expectMatch(() => first.textContent(), /Wimbledon 2012 final, tonight/);
    await expectCountdown(() => first.locator('[data-testid=countdown]').textContent(), startsAt);
    await expectMatch(() => first.locator('[data-testid=viewers]').textContent(), /^4 waiting$/);
    await expectCountdown(() => items.nth(1).locator('[data-testid=countdown]').textContent(), startsAt + 2 * 3_600_000);
    const startClock = new Date(startsAt); // the instant the operator scheduled, however wrong the viewer's clock
    const hm = `${String(startClock.getHours()).padStart(2, '0')}:${String(startClock.getMinutes()).padStart(2, '0')}`;
    expect(await first.locator('[data-testid=starts-at]').textContent()).toContain(hm);
    // scheduled streams are not among the running ones
    expect(await p.locator('[data-testid=streams] [data-stream-id^="scheduled:"]').count()).toBe(0);
    // it ticks every second
    const before = await first.locator('[data-testid=countdown]').textContent();
    await expectMatch(() => first.locator('[data-testid=countdown]').textContent(), new RegExp(`^(?!${escape(before ?? '')}$)Starts in \\d+:\\d\\d$`));
    await screenshot(p, 'schedule-01-catalog');

    // Join → `join` with that streamId
    fake.script = (ws, m) => {
      if (m.action !== 'join') return false;
      send(ws, joined({ streamId: String(m.streamId), status: 'awaiting_start', startsAt, title: 'Wimbledon 2012 final, tonight' }));
      return true;
    };
    await first.locator('[data-action=join]').click();
    await p.waitForSelector('[data-testid=player][data-stream-id="scheduled:2012-wimbledon-1701:s1"]');
    expect(p.url()).toContain('#/stream/scheduled');
    expect(fake.received.find((m) => m.action === 'join')).toEqual({ action: 'join', streamId: 'scheduled:2012-wimbledon-1701:s1' });
    await expectCountdown(() => p.textContent('[data-testid=countdown-text]'), startsAt);
  });

  it('player: a countdown while scheduled / awaiting the start, "Starting…" at startsAt, gone when it plays', async () => {
    const streamId = 'scheduled:2012-wimbledon-1701:s2';
    let sock: WebSocket | undefined;
    // The start is set when the page joins (the page's load time on a busy machine does not eat into it).
    let startsAt = 0;
    fake.script = (ws, m) => {
      if (m.action !== 'join') return false;
      sock = ws;
      startsAt = serverNow() + JOIN_LEAD_MS;
      send(ws, joined({ streamId, status: 'scheduled', startsAt }));
      send(ws, { type: 'presence', streamId, clients: 3, players: 0, spectators: 3 });
      return true;
    };
    const p = await page('dave');
    await p.goto(`${fake.url}/#/stream/${encodeURIComponent(streamId)}`);
    await p.waitForSelector('[data-testid=countdown]:not([hidden])');
    await expectCountdown(() => p.textContent('[data-testid=countdown-text]'), startsAt);
    expect(await p.getAttribute('[data-testid=play-status]', 'data-status')).toBe('scheduled');
    expect(await p.isHidden('[data-testid=live-badge]')).toBe(true);
    await screenshot(p, 'schedule-02-player-countdown');

    send(sock!, { type: 'state', streamId, status: 'awaiting_start', speed: 1, epoch: 1, positionMs: 0, positionSeq: 0, by: 'system' });
    await p.waitForSelector('[data-testid=play-status][data-status=awaiting_start]');
    expect(await p.isVisible('[data-testid=countdown]')).toBe(true);
    await expectMatch(() => p.textContent('[data-testid=countdown-text]'), /^Starting…$/);

    send(sock!, { type: 'state', streamId, status: 'playing', speed: 1, epoch: 2, positionMs: 0, positionSeq: 0, by: 'system' });
    await p.waitForSelector('[data-testid=countdown]', { state: 'hidden' });
    send(sock!, { type: 'frames', streamId, epoch: 2, frames: [point(0, 0, 1, ['15', '0']), point(1, 20_000, 2, ['15', '15'])] });
    await p.waitForFunction(() => document.querySelectorAll('[data-testid=timeline] [data-seq]').length === 2);
    expect(await p.getAttribute('[data-testid=play-status]', 'data-status')).toBe('playing');
    await screenshot(p, 'schedule-03-player-started');
  });

  it('player: a live game wears LIVE and its timeline grows with the frames, never past them', async () => {
    const gameId = 'live-final';
    const streamId = `spectate:${gameId}`;
    let sock: WebSocket | undefined;
    fake.script = (ws, m) => {
      if (m.action !== 'start') return false;
      sock = ws;
      send(ws, joined({ streamId, gameId, status: 'playing', live: true, positionMs: 40_000, positionSeq: 3, durationMs: 40_000, frameCount: 3, title: 'Live: Federer v Murray' }));
      send(ws, { type: 'frames', streamId, epoch: 1, frames: [point(0, 0, 1, ['15', '0']), point(1, 20_000, 1, ['30', '0']), point(2, 40_000, 2, ['30', '15'])] });
      return true;
    };
    const p = await page('erin');
    await p.goto(`${fake.url}/#/watch/${gameId}`);
    await p.waitForSelector('[data-testid=player][data-live=true]');
    await p.waitForSelector('[data-testid=live-badge]', { state: 'visible' });
    expect(await text(p, '[data-testid=live-badge]')).toBe('LIVE');
    expect(await p.isHidden('[data-testid=countdown]')).toBe(true);
    expect(await p.getAttribute('[data-testid=timeline]', 'aria-valuemax')).toBe('40');
    // the playhead waits at the edge of what exists (wall time passes, no frames yet)
    await sleep(1_500);
    expect(await text(p, '[data-testid=position]')).toBe('0:00:40');

    // new frames arrive: the known duration grows to the newest t, the marks stay on the bar
    send(sock!, { type: 'frames', streamId, epoch: 1, frames: [point(3, 75_000, 1, ['40', '15'])] });
    await p.waitForFunction(() => document.querySelector('[data-testid=timeline]')?.getAttribute('aria-valuemax') === '75');
    send(sock!, { type: 'frames', streamId, epoch: 1, frames: [point(4, 130_000, 1, ['0', '0'])] });
    await p.waitForFunction(() => document.querySelector('[data-testid=timeline]')?.getAttribute('aria-valuemax') === '130');
    await p.waitForFunction(() => document.querySelectorAll('[data-testid=timeline] [data-seq]').length === 5);
    const lefts = await p.$$eval('[data-testid=timeline] [data-seq]', (els) => els.map((e) => parseFloat((e as HTMLElement).style.left)));
    expect(Math.max(...lefts)).toBeLessThanOrEqual(100);
    expect(lefts.sort((a, b) => a - b)[lefts.length - 1]).toBeCloseTo(100, 5); // the newest frame is the edge
    expect(lefts).toContainEqual(expect.closeTo((100 * 75) / 130, 3));
    expect(await text(p, '.timeline .tl-time:last-child')).toBe('0:02:10');
    const now = Number(await p.getAttribute('[data-testid=timeline]', 'aria-valuenow'));
    expect(now).toBeLessThanOrEqual(130);
    // a live match's last point so far is not "match over"
    expect(await p.locator('.scoreboard.over').count()).toBe(0);
    await screenshot(p, 'schedule-04-live');

    // on a phone, nothing is wider than the screen
    const phone = await page('frank', { width: 360, height: 800 });
    await phone.goto(`${fake.url}/#/watch/${gameId}`);
    await phone.waitForSelector('[data-testid=live-badge]', { state: 'visible' });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'schedule-05-live-mobile-360');
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Wait until `read()` (a text) satisfies `ok`; throws naming `what` and the last text when it never does (after `ms`, a hang). */
async function expectText(read: () => Promise<string | null>, ok: (text: string) => boolean, what: string, ms = HANG_MS): Promise<void> {
  const deadline = Date.now() + ms;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await read().catch(() => null);
    if (last !== null && ok(last.trim())) return;
    await sleep(100);
  }
  throw new Error(`text ${JSON.stringify(last)} never ${what}`);
}

/** Wait until `read()` (a text) matches `re`. */
function expectMatch(read: () => Promise<string | null>, re: RegExp): Promise<void> {
  return expectText(read, (t) => re.test(t), `matched ${String(re)}`);
}

/**
 * Wait until `read()` shows the countdown to `startsAt` (server clock, epoch ms) as it stands
 * at the moment it is read: `Starts in [h:]m:ss` within 2 s of `startsAt − serverNow()`.
 * However long the page took to get there, the figure must be right for now.
 */
function expectCountdown(read: () => Promise<string | null>, startsAt: number): Promise<void> {
  return expectText(read, (t) => {
    const m = /^Starts in (?:(\d+):)?(\d{1,2}):(\d\d)$/.exec(t);
    if (!m) return false;
    const shown = Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    return Math.abs(shown - (startsAt - serverNow()) / 1000) <= 2;
  }, `counted down to ${new Date(startsAt).toISOString()}`);
}
