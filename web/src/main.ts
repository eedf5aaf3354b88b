/**
 * matchcast browser client: boot (config.json, name, token), the app header with the
 * connection pill, hash routing between the catalog and the player view, and message
 * dispatch. Plain TypeScript + DOM; see web/README.md.
 */
import './style.css';
import type { CatalogMessage, ServerMessage } from '../../protocol/messages';
import { Connection, type ConnState } from './connection';
import { errorText } from './core/errors';
import { canRetryNow, pillText, type LinkStatus } from './core/link';
import { CatalogPages } from './core/catalog';
import { parseRoute } from './core/route';
import { ServerClock } from '../../client/clock';
import {
  displayName,
  fetchDevToken,
  forgetToken,
  loadConfig,
  readClaims,
  setDisplayName,
  socketUrl,
  storedToken,
  storeToken,
  tokenFromFragment,
  type ClientConfig,
} from './session';
import { h, setText } from './ui/dom';
import { toast } from './ui/toast';
import { CatalogView } from './views/catalog';
import { PlayerView } from './views/player';
import { OperatorView } from './views/operator';
import { BracketView, markSeen } from './views/bracket';
import { gameOfStreamId } from './core/bracket';

const app = {
  config: null as ClientConfig | null,
  conn: null as Connection | null,
  token: null as string | null,
  me: { userId: '', name: '' },
  catalog: null as CatalogMessage | null,
  catalogView: null as CatalogView | null,
  player: null as PlayerView | null,
  operator: null as OperatorView | null,
  bracket: null as BracketView | null,
  /** A dev token with the operator role (local mode), and when it was minted (epoch ms). */
  operatorToken: null as { token: string; at: number; user: string } | null,
  failedOpens: 0,
  /** The connection as last reported (web/src/core/link.ts). */
  link: { state: 'connecting' } as LinkStatus,
  linkTimer: undefined as number | undefined,
  /** The server's clock from ping/pong round trips: countdowns count to the server's `startsAt`. */
  clock: new ServerClock(),
};

/** The server's time now (epoch ms), as well as this browser can tell. */
function serverNow(): number {
  return app.clock.now(Date.now());
}

const retryBtn = h('button', { class: 'btn retry-now', type: 'button', hidden: true, 'data-testid': 'retry-now', onclick: () => retryNow() }, 'Retry now');
const pill = h('span', { class: 'pill', 'data-testid': 'conn-status', 'data-state': 'connecting', role: 'status', 'aria-live': 'polite' }, 'Connecting…');
const nameInput = h('input', {
  class: 'name-input',
  type: 'text',
  maxlength: 32,
  'aria-label': 'Your display name',
  'data-testid': 'name-input',
  spellcheck: 'false',
  autocomplete: 'nickname',
});
const outlet = h('div', { class: 'outlet', id: 'content' });

/**
 * The first thing a keyboard reaches: skips the header to the page's main content (WCAG 2.2,
 * 2.4.1 Bypass Blocks). It moves focus itself: `#content` in the address bar would be read as a
 * route by the hash router.
 */
function skipLink(): HTMLElement {
  const link = h('a', { class: 'skip-link', href: '#content', 'data-testid': 'skip-link' }, 'Skip to the main content');
  link.addEventListener('click', (e) => {
    e.preventDefault();
    const main = outlet.querySelector<HTMLElement>('main, form') ?? outlet;
    if (!main.hasAttribute('tabindex')) main.setAttribute('tabindex', '-1');
    main.focus();
  });
  return link;
}

function header(): HTMLElement {
  const form = h('form', { class: 'name-form', 'aria-label': 'Change your display name' }, h('label', { class: 'sr-only', for: 'name' }, 'Name'), nameInput);
  nameInput.id = 'name';
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    changeName();
  });
  nameInput.addEventListener('change', changeName);
  return h(
    'header',
    { class: 'app-header' },
    h('a', { class: 'brand', href: '#/', 'aria-label': 'matchcast home' }, h('span', { class: 'brand-ball', 'aria-hidden': 'true' }), 'match', h('b', {}, 'cast')),
    h('div', { class: 'header-right' }, pill, retryBtn, form),
  );
}

function changeName(): void {
  const v = nameInput.value.trim();
  if (v === app.me.name) return;
  if (!app.config?.tokenUrl) {
    nameInput.value = app.me.name;
    toast('Your name comes from your sign-in token here.', 'info');
    return;
  }
  if (!setDisplayName(v)) {
    toast('Names are 1–32 letters, digits, ".", "_" or "-".', 'error');
    nameInput.value = app.me.name;
    return;
  }
  app.me = { userId: v, name: v };
  toast(`You are now ${v}.`, 'ok', 2500);
  app.conn?.restart();
}

/** When the next connection attempt is due (epoch ms), while waiting to reconnect. */
let retryAt: number | undefined;

/**
 * The connection changed (web/src/connection.ts onState): remember it, count down to the next
 * attempt once a second, and tell the header, the catalog and the player view.
 */
function setLink(state: ConnState, info: { attempt: number; retryInMs?: number; error?: string }): void {
  retryAt = state === 'reconnecting' && info.retryInMs !== undefined ? Date.now() + info.retryInMs : undefined;
  app.link = { state, ...(info.error !== undefined && state !== 'open' ? { error: info.error } : {}) };
  window.clearInterval(app.linkTimer);
  if (retryAt !== undefined) app.linkTimer = window.setInterval(showLink, 1000);
  showLink();
  if (state === 'reconnecting' && info.retryInMs !== undefined && info.error) {
    app.failedOpens++;
    if (app.failedOpens === 3 && !app.config?.tokenUrl) {
      toast('Cannot connect — your token may have expired. Paste a new one.', 'error', 8000);
      forgetToken();
      app.conn?.close();
      app.conn = null;
      showTokenBox();
    }
  }
  if (state === 'open') app.failedOpens = 0;
}

/** The connection as the views show it now, with the seconds left before the next attempt. */
function linkNow(): LinkStatus {
  return retryAt !== undefined ? { ...app.link, retryInS: Math.max(0, Math.ceil((retryAt - Date.now()) / 1000)) } : app.link;
}

/** Redraw every view of the connection (the pill, the Retry now button, the catalog, the stage). */
function showLink(): void {
  const link = linkNow();
  const text = pillText(link);
  pill.dataset.state = link.state;
  setText(pill, text);
  pill.setAttribute('aria-label', `Connection: ${text}`);
  retryBtn.hidden = !canRetryNow(link);
  app.catalogView?.setLink(link);
  app.player?.setLink(link);
}

/** Try to connect now instead of at the end of the backoff delay. */
function retryNow(): void {
  app.conn?.retryNow();
}

async function socketAddress(): Promise<string> {
  const cfg = app.config!;
  if (cfg.tokenUrl) {
    app.token = await fetchDevToken(cfg.tokenUrl, app.me.name);
  }
  if (!app.token) throw new Error('no token');
  const claims = readClaims(app.token);
  app.me = { userId: claims.sub ?? app.me.name, name: claims.name ?? claims.sub ?? app.me.name };
  if (document.activeElement !== nameInput) nameInput.value = app.me.name;
  return socketUrl(cfg.wsUrl, app.token);
}

function connect(): void {
  app.conn = new Connection({
    url: socketAddress,
    onState: setLink,
    onOpen: (reconnected) => {
      if (reconnected) toast('Reconnected.', 'ok', 2000);
      requestCatalog();
      app.player?.connected(reconnected);
    },
    onMessage: dispatch,
    onClock: (sentAt, receivedAt, serverAt) => {
      app.clock.sample(sentAt, receivedAt, serverAt);
      // How far the server clock as this page reads it may be off, ms (for a person debugging a
      // countdown, and for the browser tests' "not before" checks).
      document.documentElement.dataset.clockUncertaintyMs = String(Math.ceil(app.clock.uncertaintyMs));
    },
  });
  app.conn.start();
}

/** The pages of the catalog being fetched (PROTOCOL.md `catalog.next`). */
const catalogPages = new CatalogPages();

/** Ask for the whole catalog afresh: its first page; {@link dispatch} asks for the others. */
function requestCatalog(): void {
  catalogPages.reset();
  app.conn?.send({ action: 'list' });
}

function dispatch(msg: ServerMessage): void {
  if (msg.type === 'catalog') {
    const step = catalogPages.add(msg);
    if ('next' in step) {
      app.conn?.send({ action: 'list', cursor: step.next });
      return;
    }
    app.catalog = step.done;
    app.catalogView?.update(step.done);
    app.bracket?.update(step.done);
    app.player?.catalogUpdated();
    return;
  }
  // A match seen to its end may show its result in a tournament's bracket (views/bracket.ts).
  if (msg.type === 'ended' && msg.reason === 'finished') {
    const gameId = gameOfStreamId(msg.streamId);
    if (gameId) markSeen(gameId);
  }
  if (app.player?.handle(msg)) return;
  if (msg.type === 'error') toast(errorText(msg), 'error');
}

function participants(gameId: string): readonly string[] | undefined {
  return app.catalog?.games.find((g) => g.gameId === gameId)?.participants;
}

/** How long a minted operator token is reused (ms); `/dev/token` mints them for an hour. */
const OPERATOR_TOKEN_REUSE_MS = 10 * 60_000;

/**
 * A bearer token with the operator role for the operator page: local mode mints one from
 * `/dev/token?roles=operator` (reused for 10 minutes); elsewhere it is the token this page was
 * opened with (the HTTP API refuses it without the operator role).
 */
async function operatorToken(): Promise<string> {
  const cfg = app.config;
  if (cfg?.tokenUrl) {
    const cached = app.operatorToken;
    if (cached && cached.user === app.me.name && Date.now() - cached.at < OPERATOR_TOKEN_REUSE_MS) return cached.token;
    const token = await fetchDevToken(`${cfg.tokenUrl}?roles=operator`, app.me.name);
    app.operatorToken = { token, at: Date.now(), user: app.me.name };
    return token;
  }
  if (!app.token) throw new Error('open this page with a token (#token=…) that has the operator role');
  return app.token;
}

function render(): void {
  const route = parseRoute(location.hash);
  app.player?.destroy();
  app.player = null;
  app.catalogView?.destroy();
  app.catalogView = null;
  app.operator?.destroy();
  app.operator = null;
  app.bracket?.destroy();
  app.bracket = null;
  if (/^#\/operator\/?$/.test(location.hash)) {
    document.title = 'matchcast — operator';
    app.operator = new OperatorView({ token: operatorToken });
    outlet.replaceChildren(app.operator.root);
    window.scrollTo(0, 0);
    return;
  }
  if (route.name === 'event') {
    document.title = 'matchcast — bracket';
    app.bracket = new BracketView(route.eventId, { catalog: () => app.catalog, refresh: () => requestCatalog(), now: serverNow, token: operatorToken });
    outlet.replaceChildren(app.bracket.root);
    if (app.conn?.isOpen) requestCatalog();
    window.scrollTo(0, 0);
    return;
  }
  if (route.name === 'catalog') {
    document.title = 'matchcast — live sports replays';
    const view = new CatalogView({ refresh: () => requestCatalog(), now: serverNow, retryNow });
    app.catalogView = view;
    outlet.replaceChildren(view.root);
    if (app.catalog) view.update(app.catalog);
    view.setLink(linkNow());
    if (app.conn?.isOpen) requestCatalog();
  } else {
    const view = new PlayerView(route, {
      send: (m) => app.conn?.send(m) ?? false,
      get me() {
        return app.me;
      },
      participants,
      now: serverNow,
      retryNow,
      liveLengthMs: (gameId) => {
        const g = app.catalog?.games.find((x) => x.gameId === gameId);
        return g?.live ? g.durationMs : undefined;
      },
      refreshCatalog: () => requestCatalog(),
    });
    app.player = view;
    outlet.replaceChildren(view.root);
    view.setLink(linkNow());
    if (app.conn?.isOpen) view.connected(false);
  }
  window.scrollTo(0, 0);
}

function showTokenBox(): void {
  const input = h('textarea', { class: 'token-input', rows: 4, 'aria-label': 'Access token', placeholder: 'eyJhbGciOi…', 'data-testid': 'token-input' });
  const form = h(
    'form',
    { class: 'panel token-box', 'aria-label': 'Sign in with a token' },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'Paste the access token you were given (or open a link ending in #token=…).'),
    input,
    h('button', { class: 'btn primary', type: 'submit', 'aria-label': 'Use this token' }, 'Connect'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const t = input.value.trim();
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(t)) {
      toast('That does not look like a token (three dot-separated parts).');
      return;
    }
    storeToken(t);
    app.token = t;
    start();
  });
  outlet.replaceChildren(form);
}

function start(): void {
  window.addEventListener('hashchange', render);
  render();
  connect();
}

async function boot(): Promise<void> {
  document.body.append(skipLink(), header(), outlet);
  app.config = await loadConfig();
  if (app.config.tokenUrl) {
    app.me = { userId: displayName(), name: displayName() };
    nameInput.value = app.me.name;
    start();
    return;
  }
  nameInput.readOnly = true;
  app.token = tokenFromFragment() ?? storedToken();
  if (app.token) {
    const claims = readClaims(app.token);
    if (claims.exp !== undefined && claims.exp * 1000 < Date.now()) {
      forgetToken();
      app.token = null;
      toast('Your token has expired. Paste a new one.', 'error');
    }
  }
  if (app.token) start();
  else showTokenBox();
}

void boot();
