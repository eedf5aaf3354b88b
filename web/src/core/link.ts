/**
 * What the page says about its connection to the server, in words a viewer understands: the
 * header pill, the catalog's note before the first catalog arrives, and the player's stage while
 * the stream is out of reach. Pure: the caller passes the time left before the next attempt,
 * counted down from client/backoff's delay. Unit-tested in test/web/link.test.ts.
 */
import type { ConnState } from '../connection';

/** The connection as the views show it. */
export interface LinkStatus {
  readonly state: ConnState;
  /** Whole seconds until the next attempt (rounded up), while `state` is `reconnecting` and one is timed. */
  readonly retryInS?: number;
  /** Why the last attempt failed, a plain sentence (web/src/connection.ts, web/src/session.ts fetchDevToken). */
  readonly error?: string;
}

/** Whether the page can talk to the server now. */
export function isUp(link: LinkStatus): boolean {
  return link.state === 'open';
}

/** Whether a "Retry now" button makes sense: waiting out a reconnection delay. */
export function canRetryNow(link: LinkStatus): boolean {
  return link.state === 'reconnecting' && link.retryInS !== undefined && link.retryInS > 0;
}

/** `in 1 second`, `in 5 seconds`, `now` (0 or less). */
function inSeconds(s: number): string {
  return s <= 0 ? 'now' : s === 1 ? 'in 1 second' : `in ${s} seconds`;
}

/** The header pill: `Connected`, `Connecting…`, `Reconnecting in 3 s…`, `Offline — waiting for your network`. */
export function pillText(link: LinkStatus): string {
  switch (link.state) {
    case 'open':
      return 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'offline':
      return 'Offline — waiting for your network';
    case 'closed':
      return 'Disconnected';
    default:
      return link.retryInS !== undefined && link.retryInS > 0 ? `Reconnecting in ${link.retryInS} s…` : 'Reconnecting…';
  }
}

/**
 * One or two sentences for a view that cannot show live data: what is wrong and what happens
 * next, e.g. `Cannot reach the server. Trying again in 4 seconds.`,
 * `Connection lost. Trying again in 2 seconds.`, `You are offline. This page reconnects when your
 * network is back.` Empty while connected.
 */
export function linkMessage(link: LinkStatus): string {
  switch (link.state) {
    case 'open':
      return '';
    case 'connecting':
      return 'Connecting to the server…';
    case 'offline':
      return 'You are offline. This page reconnects when your network is back.';
    case 'closed':
      return 'Disconnected from the server. Reload the page to connect again.';
    default: {
      const why = link.error ?? 'Connection lost.';
      return link.retryInS !== undefined ? `${why} Trying again ${inSeconds(link.retryInS)}.` : `${why} Reconnecting…`;
    }
  }
}
