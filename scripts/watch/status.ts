/**
 * The status lines of `npm run watch`, from server messages (PROTOCOL.md "Server → client"):
 * the header from `joined`, what a `state` changed, presence, chat, reactions, relayed input,
 * why the stream ended, errors, and the countdown to a scheduled stream's `startsAt`. Pure: no
 * I/O, no clock reads (the caller passes `now`); unit-tested in test/scripts/watch/status.test.ts.
 * Every text that came from the server passes through {@link cleanForTerminal} (./clean.ts).
 *
 * Units: every `…Ms` is media milliseconds; `startsAt`/`now` are epoch milliseconds (server clock).
 */
import { formatCountdown, isPreStart } from '../../client/countdown';
import type {
  ChatOutMessage,
  EndReason,
  ErrorMessage,
  InputOutMessage,
  JoinedMessage,
  PresenceMessage,
  ReactionMessage, ReactionsMessage,
  StateMessage,
  StreamStatus,
} from '../../protocol/messages';
import { cleanForTerminal as clean } from './clean';
import { formatClock, formatSpeed, formatWallClock } from '../lib/format';

/**
 * The header printed on `joined`:
 * `▶ Wimbledon 2012 final: Roger Federer v Andy Murray`
 * `  tennis · spectate · spectator · 64× · 0:00:00 / 4:00:10 · 320 frames · spectate:2012-wimbledon-1701`
 * A live game's status line starts with `LIVE` and its length is what exists so far
 * (`LIVE · cricket · … · 0:10:00 / 1:02:03 so far · 120 frames so far · …`); a paused,
 * scheduled or awaiting stream says so at the end (`· scheduled`, `· awaiting start`).
 */
export function formatJoined(j: JoinedMessage): string[] {
  const soFar = j.live === true ? ' so far' : '';
  const position = `${formatClock(j.positionMs)} / ${formatClock(j.durationMs)}${soFar}`;
  const status = j.status === 'paused' || isPreStart(j.status) ? ` · ${j.status.replace('_', ' ')}` : '';
  const fields = [clean(j.kind), j.mode, j.role, formatSpeed(j.speed), position, `${j.frameCount} frames${soFar}`, clean(j.streamId)];
  const lines = [`▶ ${clean(j.title || j.gameId)}`, `  ${[...(j.live === true ? ['LIVE'] : []), ...fields].join(' · ')}${status}`];
  // PROTOCOL.md `joined.notice`: e.g. a shared stream that did not take this start's --speed / --at.
  if (j.notice) lines.push(`  note: ${clean(j.notice.message)}`);
  return lines;
}

/**
 * The line about a recording's markers (wire protocol 1.1): `◆ 42 moments: 29 game · 9 break · 4 set`,
 * most frequent kind first; nothing when there are none.
 */
export function formatMarkers(markers: readonly { kind: string }[]): string[] {
  if (markers.length === 0) return [];
  const counts = new Map<string, number>();
  for (const m of markers) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  const kinds = [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${clean(k)}`);
  return [`◆ ${markers.length} moment${markers.length === 1 ? '' : 's'}: ${kinds.join(' · ')}`];
}

/** What a client knows of the playback state: from `joined`, then every `state`. */
export interface PlaybackView {
  status: StreamStatus;
  speed: number;
  epoch: number;
  positionMs: number;
}

/**
 * Lines describing what a `state` changed, compared with `prev` (the last `joined`/`state`):
 * `⏸ paused by alice at 0:10:02`, `▶ resumed by alice`, `speed 4× by bob`,
 * `seek to 1:02:03 by alice`, `▶ playing at 64×` (the system starting it), `✖ stream failed`.
 * `by system` is left out. Nothing when nothing changed; `ended` prints nothing here (the
 * `ended` message follows).
 */
export function describeState(prev: PlaybackView | undefined, next: StateMessage): string[] {
  const by = next.by && next.by !== 'system' ? ` by ${clean(next.by)}` : '';
  const at = formatClock(next.positionMs);
  if (next.status === 'ended') return [];
  if (next.status === 'failed') return [`✖ stream failed${by}`];
  if (!prev) {
    if (next.status === 'playing') return [`▶ playing at ${formatSpeed(next.speed)} from ${at}${by}`];
    if (next.status === 'paused') return [`⏸ paused${by} at ${at}`];
    return [`… ${next.status.replace('_', ' ')}${by}`];
  }
  const lines: string[] = [];
  if (prev.status !== next.status) {
    if (next.status === 'paused') lines.push(`⏸ paused${by} at ${at}`);
    else if (next.status === 'playing' && prev.status === 'paused') lines.push(`▶ resumed${by} at ${at}`);
    else if (next.status === 'playing') lines.push(`▶ playing at ${formatSpeed(next.speed)} from ${at}${by}`);
    else lines.push(`… ${next.status.replace('_', ' ')}${by}`);
  }
  if (prev.speed !== next.speed) lines.push(`speed ${formatSpeed(next.speed)}${by}`);
  if (lines.length === 0 && next.epoch !== prev.epoch) lines.push(`seek to ${at}${by}`);
  return lines;
}

/** `👥 3 connected: 1 player, 2 spectators`. */
export function formatPresence(p: PresenceMessage): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `👥 ${p.clients} connected: ${plural(p.players, 'player')}, ${plural(p.spectators, 'spectator')}`;
}

/** `💬 alice: what a rally` (escape sequences and control characters removed: ./clean.ts). */
export function formatChat(c: ChatOutMessage): string {
  return `💬 ${clean(c.from)}${c.fromId ? ` #${clean(c.fromId)}` : ''}: ${clean(c.text)}`;
}

/**
 * `🔥×12 👏×3` — one window of a stream's reactions, summed (`reactions.counts`: emoji →
 * count), the most frequent first; a count of 1 has no `×1`.
 */
export function formatReactions(r: ReactionsMessage): string {
  return Object.entries(r.counts)
    .filter(([, n]) => typeof n === 'number' && n >= 1)
    .sort((a, b) => b[1] - a[1])
    .map(([emoji, n]) => `${clean(emoji)}${n > 1 ? `×${Math.floor(n)}` : ''}`)
    .join(' ');
}

/** `alice 🔥`. */
export function formatReaction(r: ReactionMessage): string {
  return `${clean(r.from)} ${clean(r.emoji)}`;
}

/** `⌨ alice {"paddle":0.42}` — pvp input relayed from another controller, at most 200 chars. */
export function formatInput(i: InputOutMessage): string {
  const json = JSON.stringify(i.data) ?? '';
  return `⌨ ${clean(i.from)} ${json.length > 200 ? `${json.slice(0, 200)}…` : json}`;
}

const END_REASON_TEXT: Record<EndReason, string> = {
  finished: 'the recording is over',
  stopped: 'stopped by a player or an operator, or its players left',
  idle: 'nobody was watching',
  failed: 'the stream failed',
  max_duration: 'the stream reached its maximum duration',
};

/** `■ ended: finished (the recording is over)`. */
export function formatEnded(reason: EndReason | string): string {
  const text = END_REASON_TEXT[reason as EndReason];
  return `■ ended: ${clean(reason)}${text ? ` (${text})` : ''}`;
}

/** The line after `stop` when the stream plays on for its other viewers (PROTOCOL.md `detached`). */
export function formatDetached(streamId: string): string {
  return `■ left ${clean(streamId)} (it plays on for its other viewers)`;
}

/** `error <code>: <message>` (PROTOCOL.md `error`). */
export function formatError(e: Pick<ErrorMessage, 'code' | 'message'>): string {
  return `error ${clean(e.code)}: ${clean(e.message)}`;
}

/**
 * The countdown line of a scheduled stream starting at `startsAt`, seen at server time `now`
 * (both epoch ms): `scheduled — starts in 1:23 (at 20:00:00)`, then
 * `scheduled — starting now (at 20:00:00)` once reached.
 */
export function formatCountdownLine(startsAt: number, now: number): string {
  const at = `(at ${formatWallClock(startsAt, now)})`;
  return startsAt - now > 0 ? `scheduled — starts in ${formatCountdown(startsAt - now)} ${at}` : `scheduled — starting now ${at}`;
}

/**
 * When to print countdown lines: the first call prints, then at most one line per
 * `everyMs` (default 10 s), plus the final `starting now` line when the start is reached
 * (whenever that is); nothing after it. Pure: the caller passes server time (epoch ms).
 */
export class CountdownPrinter {
  private lastAt: number | undefined;
  private final = false;

  constructor(
    /** Wall time (epoch ms) of the first frame. */
    readonly startsAt: number,
    /** Least time between two countdown lines (ms). */
    private readonly everyMs = 10_000,
  ) {}

  /** True once the final line was given. */
  get done(): boolean {
    return this.final;
  }

  /** The line to print at server time `now` (epoch ms), or undefined when none is due. */
  line(now: number): string | undefined {
    if (this.final) return undefined;
    const reached = now >= this.startsAt;
    if (!reached && this.lastAt !== undefined && now - this.lastAt < this.everyMs) return undefined;
    this.lastAt = now;
    this.final = reached;
    return formatCountdownLine(this.startsAt, now);
  }
}
