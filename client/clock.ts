/**
 * The server's clock as a client sees it, from `ping` → `pong.at` round trips (PROTOCOL.md
 * `pong`): scheduled streams count down to the server's `startsAt`, which a client whose clock
 * is off would get wrong. Pure: callers pass every time (epoch ms on the local clock).
 */
import { clockOffsetMs } from './countdown';

/**
 * The server − local clock offset (ms), estimated from the sample with the shortest round trip
 * among the last {@link ServerClock.KEEP} (its midpoint estimate is the least uncertain).
 * 0 before any sample.
 */
export class ServerClock {
  /** Samples kept (the newest). */
  static readonly KEEP = 8;
  private samples: { rtt: number; offset: number }[] = [];

  /**
   * Record one round trip: `sentAt` (ping sent) and `receivedAt` (pong received) on the local
   * clock, `serverAt` = `pong.at`; all epoch ms. Ignores nonsense (negative round trip, NaN).
   */
  sample(sentAt: number, receivedAt: number, serverAt: number): void {
    const rtt = receivedAt - sentAt;
    if (![sentAt, receivedAt, serverAt].every(Number.isFinite) || rtt < 0) return;
    this.samples.push({ rtt, offset: clockOffsetMs(sentAt, receivedAt, serverAt) });
    if (this.samples.length > ServerClock.KEEP) this.samples.shift();
  }

  /** The kept sample with the shortest round trip; undefined before any sample. */
  private get best(): { rtt: number; offset: number } | undefined {
    let best: { rtt: number; offset: number } | undefined;
    for (const s of this.samples) if (!best || s.rtt < best.rtt) best = s;
    return best;
  }

  /** Estimated server − local clock difference (ms); 0 before any sample. */
  get offsetMs(): number {
    return this.best?.offset ?? 0;
  }

  /**
   * At most how far (ms) {@link offsetMs} can be from the true offset: half the round trip of
   * the sample it comes from (the server stamped `pong.at` somewhere within that round trip,
   * and the estimate takes its midpoint). Infinity before any sample.
   */
  get uncertaintyMs(): number {
    const best = this.best;
    return best ? best.rtt / 2 : Infinity;
  }

  /** The server's time (epoch ms) when the local clock reads `localNow` (epoch ms). */
  now(localNow: number): number {
    return localNow + this.offsetMs;
  }
}
