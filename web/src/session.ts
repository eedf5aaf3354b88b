/**
 * Where to connect and as whom: `./config.json` (`{ wsUrl, tokenUrl }`), the display name,
 * and the token. Local mode serves config.json with `tokenUrl: "/dev/token"`; a deployed
 * config.json has `tokenUrl: null`, and the token comes from the URL fragment `#token=…`
 * or the paste box.
 */

/** The client's configuration (`config.json`). */
export interface ClientConfig {
  /** WebSocket endpoint, e.g. `ws://127.0.0.1:3000/` or `wss://abc.execute-api.eu-west-1.amazonaws.com/prod`. */
  readonly wsUrl: string;
  /** Dev token endpoint (`GET ?user=NAME` → `{ token }`), or null when tokens come from elsewhere. */
  readonly tokenUrl: string | null;
}

const NAME_KEY = 'matchcast.name';
const TOKEN_KEY = 'matchcast.token';

/** Load `./config.json`; without one, assume local mode on this page's host. */
export async function loadConfig(): Promise<ClientConfig> {
  try {
    const res = await fetch('./config.json', { cache: 'no-store' });
    if (res.ok) {
      const c = (await res.json()) as Partial<ClientConfig>;
      if (typeof c.wsUrl === 'string' && c.wsUrl) {
        return { wsUrl: c.wsUrl, tokenUrl: typeof c.tokenUrl === 'string' && c.tokenUrl ? c.tokenUrl : null };
      }
    }
  } catch {
    // fall through to the same-host default
  }
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { wsUrl: `${proto}//${location.host}/`, tokenUrl: '/dev/token' };
}

/** The remembered display name, or a new random `guest-xxxx` (remembered). */
export function displayName(): string {
  const saved = safeGet(NAME_KEY);
  if (saved && validName(saved)) return saved;
  const name = `guest-${Math.random().toString(36).slice(2, 6).padEnd(4, '0')}`;
  safeSet(NAME_KEY, name);
  return name;
}

/** Remember a display name; returns false when it is not 1–32 letters, digits, `._-`. */
export function setDisplayName(name: string): boolean {
  if (!validName(name)) return false;
  safeSet(NAME_KEY, name);
  return true;
}

/** Whether a display name is acceptable (also a valid user id for `/dev/token`). */
export function validName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(name);
}

/**
 * Mint a token from the dev endpoint (`GET tokenUrl?user=NAME` → `{ token }`). Throws an Error
 * whose message is a plain sentence for a viewer: the server cannot be reached, refused the name
 * (400), or failed (any other status, or no token in the answer).
 */
export async function fetchDevToken(tokenUrl: string, user: string): Promise<string> {
  const sep = tokenUrl.includes('?') ? '&' : '?';
  let res: Response;
  try {
    res = await fetch(`${tokenUrl}${sep}user=${encodeURIComponent(user)}`, { cache: 'no-store' });
  } catch {
    throw new Error('Cannot reach the server to sign you in.');
  }
  if (res.status === 400) throw new Error('The server did not accept your name for signing in — change it in the box at the top.');
  if (!res.ok) throw new Error('The server could not sign you in right now.');
  const body = (await res.json().catch(() => ({}))) as { token?: unknown };
  if (typeof body.token !== 'string' || !body.token) throw new Error('The server could not sign you in right now.');
  return body.token;
}

/** Take a token from the URL fragment `#token=…` (then drop it from the address bar). */
export function tokenFromFragment(): string | null {
  const m = /^#token=([^&]+)/.exec(location.hash);
  if (!m || !m[1]) return null;
  const token = decodeURIComponent(m[1]);
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  safeSet(TOKEN_KEY, token);
  return token;
}

/** A pasted/stored token, if any. */
export function storedToken(): string | null {
  return safeGet(TOKEN_KEY);
}

/** Remember a pasted token. */
export function storeToken(token: string): void {
  safeSet(TOKEN_KEY, token.trim());
}

/** Forget a stored token (it was refused). */
export function forgetToken(): void {
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage may be disabled
  }
}

/** Claims a client may read for display (`sub`, `name`, `exp`); the server verifies the token. */
export interface TokenClaims {
  readonly sub?: string;
  readonly name?: string;
  /** Expiry, epoch seconds. */
  readonly exp?: number;
}

/** Decode (not verify) a JWT's payload for display; {} when unreadable. */
export function readClaims(token: string): TokenClaims {
  try {
    const part = token.split('.')[1];
    if (!part) return {};
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const v = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    return {
      ...(typeof v.sub === 'string' ? { sub: v.sub } : {}),
      ...(typeof v.name === 'string' ? { name: v.name } : {}),
      ...(typeof v.exp === 'number' ? { exp: v.exp } : {}),
    };
  } catch {
    return {};
  }
}

/** `wsUrl` with `?token=…` appended. */
export function socketUrl(wsUrl: string, token: string): string {
  const u = new URL(wsUrl, location.href);
  u.searchParams.set('token', token);
  return u.toString();
}

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function safeSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage may be disabled (private mode): the value lives for this page only
  }
}
