/**
 * How `npm run watch` prints a stream — pure functions from server messages (PROTOCOL.md
 * "Server → client") to text lines, in the manner of DungeonGate's watch view: a header from
 * `joined`, one line per tennis point or cricket delivery/wicket/over/innings, `state`/presence/chat lines, the `ended` reason.
 * No I/O, no clock reads (the caller passes `now`); unit-tested in test/scripts/lib/format.test.ts.
 *
 * Units: every `…Ms`/`t` is media milliseconds; `at`/`now` are epoch milliseconds.
 */
import { clockOffsetMs, formatCountdown, isPreStart } from '../../client/countdown';
import { ballOutcome, dismissalText, shortPlayer, teamShort, withoutControls } from '../../protocol/cricket-notation';
import type {
  ChatOutMessage,
  EndReason,
  ErrorMessage,
  InputOutMessage,
  JoinedMessage,
  PresenceMessage,
  ReactionMessage,
  StateMessage,
  StreamStatus,
  WireFrame,
} from '../../protocol/messages';

// ---------------------------------------------------------------------------------------
// Times and rates
// ---------------------------------------------------------------------------------------

/** Milliseconds as `h:mm:ss` (`3723000` → `1:02:03`; negatives clamp to `0:00:00`; seconds truncate). */
export function formatClock(ms: number): string {
  const total = Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 1000)) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** A playback rate as shown to people: `4×`, `0.25×`, `1.5×`. */
export function formatSpeed(speed: number): string {
  return `${Number(speed.toFixed(2))}×`;
}

/**
 * How long ago `thenMs` was, relative to `nowMs` (both epoch ms): `just now` (under 1 s),
 * `3s ago`, `5m ago`, `2h ago`, `3d ago`; a time in the future (clock skew) is `in 3s`;
 * undefined is `never`.
 */
export function formatRelative(thenMs: number | undefined, nowMs: number): string {
  if (thenMs === undefined || !Number.isFinite(thenMs)) return 'never';
  const diff = nowMs - thenMs;
  const abs = Math.abs(diff);
  if (abs < 1000) return 'just now';
  const s = Math.floor(abs / 1000);
  const text = s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : s < 86400 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86400)}d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

// ---------------------------------------------------------------------------------------
// Scheduled streams (issue 6)
// ---------------------------------------------------------------------------------------

export { clockOffsetMs, formatCountdown, isPreStart };

/** Wall-clock time (epoch ms) as `HH:MM:SS` in this machine's time zone, plus ` YYYY-MM-DD` when not on `now`'s day. */
export function formatWallClock(epochMs: number, now: number = epochMs): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '?';
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? time : `${time} ${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
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

// ---------------------------------------------------------------------------------------
// Tennis
// ---------------------------------------------------------------------------------------

/** A player by number, as the recording numbers them. */
export type Side = 1 | 2;

/**
 * One tennis point, normalised from a frame of type `point`. Scores are what the frame says
 * (the converter's convention: the score after the point). Missing values are null/false,
 * never invented.
 */
export interface TennisPoint {
  /** Set number, from 1. */
  set: number;
  /** Games in the current set, [player 1, player 2]. */
  games: [number, number];
  /** Points in the game: "0" "15" "30" "40" "AD", or tie-break counts as strings. */
  points: [string, string];
  tiebreak: boolean;
  /** Sets won so far, or null when the frame does not say. */
  setsWon: [number, number] | null;
  server: Side | null;
  /** Who won the point. */
  winner: Side | null;
  ace: boolean;
  doubleFault: boolean;
  /** The point ended on a clean winner. */
  cleanWinner: boolean;
  unforcedError: boolean;
  /** Serve speed in km/h; null when absent or 0 (the source writes 0 for "not measured"). */
  serveSpeedKmh: number | null;
  /** Shots in the rally; null when absent. */
  rally: number | null;
  breakPoint: boolean;
}

type Rec = Record<string, unknown>;

/**
 * Normalise a tennis frame's `data`. Reads the converter's names (`set`, `games`, `points`,
 * `tiebreak`, `setsWon`, `server`, `winner`, `ace`, `doubleFault`, `winnerShot`/`clean`,
 * `unforcedError`, `serveSpeedKmh`/`speedKmh`, `rally`, `breakPoint`) and the source CSV's
 * (`SetNo`, `P1GamesWon`, `P1Score`, `PointServer`, `PointWinner`, `Speed_KMH`, `Rally`,
 * `P1Ace`…). Null when the data holds no score at all. Never throws.
 */
export function toTennisPoint(data: unknown): TennisPoint | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const d = data as Rec;
  const games = numPair(pick(d, 'games', 'gamesWon')) ?? numPair([pick(d, 'P1GamesWon', 'p1Games'), pick(d, 'P2GamesWon', 'p2Games')]);
  const points = strPair(pick(d, 'points', 'score')) ?? strPair([pick(d, 'P1Score', 'p1Score'), pick(d, 'P2Score', 'p2Score')]);
  if (!games && !points) return null;
  const pts = points ?? ['0', '0'];
  const tbRaw = pick(d, 'tiebreak', 'tieBreak', 'isTiebreak');
  const tiebreak = typeof tbRaw === 'boolean' ? tbRaw : tbRaw !== undefined ? flag(tbRaw) : pts.some((p) => /^\d+$/.test(p) && !['0', '15', '30', '40'].includes(p));
  const server = side(pick(d, 'server', 'pointServer', 'PointServer'));
  const winnerRaw = d.winner;
  const winner = side(typeof winnerRaw === 'boolean' ? undefined : winnerRaw) ?? side(pick(d, 'pointWinner', 'PointWinner'));
  const bySide = (p1: string, p2: string) => flag(d[p1]) || flag(d[p2]);
  return {
    set: posInt(pick(d, 'set', 'setNo', 'SetNo')) ?? 1,
    games: games ?? [0, 0],
    points: pts,
    tiebreak,
    setsWon: numPair(pick(d, 'setsWon', 'sets')),
    server,
    winner,
    ace: flag(pick(d, 'ace', 'isAce')) || bySide('P1Ace', 'P2Ace'),
    doubleFault: flag(pick(d, 'doubleFault', 'df')) || bySide('P1DoubleFault', 'P2DoubleFault'),
    cleanWinner: flag(pick(d, 'winnerShot', 'clean', 'cleanWinner')) || winnerRaw === true || bySide('P1Winner', 'P2Winner'),
    unforcedError: flag(pick(d, 'unforcedError', 'unforced', 'ue')) || bySide('P1UnfErr', 'P2UnfErr'),
    serveSpeedKmh: positive(pick(d, 'serveSpeedKmh', 'speedKmh', 'serveSpeed', 'Speed_KMH')),
    rally: positive(pick(d, 'rally', 'rallyLength', 'Rally')),
    breakPoint: flag(pick(d, 'breakPoint', 'isBreakPoint')) || bySide('P1BreakPoint', 'P2BreakPoint'),
  };
}

/**
 * Player names from a title such as "Wimbledon 2012 final: Roger Federer v Andy Murray"
 * (the part after the last ":", split on " v ", " vs ", " – "), else "Player 1"/"Player 2".
 */
export function playerNames(title: string | undefined): [string, string] {
  if (title) {
    const tail = title.includes(':') ? title.slice(title.lastIndexOf(':') + 1) : title;
    const m = /^\s*(.+?)\s+(?:v|vs\.?|versus|–|—)\s+(.+?)\s*$/i.exec(tail);
    if (m?.[1] && m[2]) return [m[1], m[2]];
  }
  return ['Player 1', 'Player 2'];
}

/** The last word of a name ("Serena Williams" → "Williams"), for one-line output. */
export function shortName(name: string): string {
  const parts = name.trim().split(/\s+/);
  return parts[parts.length - 1] || name;
}

/**
 * The score part of a point line: `set 1  3-2  30-15`, `set 1  6-6  TB 5-4`, and the sets
 * won when any has been: `set 3 (1-1)  0-0  15-0`.
 */
export function scoreLine(p: TennisPoint): string {
  const sets = p.setsWon && (p.setsWon[0] > 0 || p.setsWon[1] > 0) ? ` (${p.setsWon[0]}-${p.setsWon[1]})` : '';
  const pts = p.tiebreak ? `TB ${p.points[0]}-${p.points[1]}` : `${p.points[0]}-${p.points[1]}`;
  return `set ${p.set}${sets}  ${p.games[0]}-${p.games[1]}  ${pts}`;
}

/**
 * One line per point: elapsed media time, score, server marker, who won the point and how:
 * `0:00:38  set 1  0-0  15-15     serve Federer  → Federer · ace · 177 km/h`.
 * `names` are short names [player 1, player 2].
 */
export function formatPoint(t: number, p: TennisPoint, names: readonly [string, string]): string {
  const nm = (s: Side | null) => (s ? names[s - 1] : '?');
  const parts: string[] = [];
  if (p.ace) parts.push('ace');
  else if (p.doubleFault) parts.push('double fault');
  else if (p.cleanWinner) parts.push('winner');
  else if (p.unforcedError) parts.push('unforced error');
  if (p.breakPoint) parts.push(p.server && p.winner && p.winner !== p.server ? 'break!' : 'break point');
  if (p.rally !== null) parts.push(`rally ${p.rally}`);
  if (p.serveSpeedKmh !== null && !p.doubleFault) parts.push(`${Math.round(p.serveSpeedKmh)} km/h`);
  const serve = p.server ? `serve ${nm(p.server)}` : '';
  const width = Math.max(names[0].length, names[1].length) + 6;
  const won = p.winner ? `→ ${nm(p.winner)}` : '→ ?';
  return `${formatClock(t)}  ${scoreLine(p).padEnd(24)}  ${serve.padEnd(width)}  ${[won, ...parts].join(' · ')}`;
}

// ---------------------------------------------------------------------------------------
// Cricket
// ---------------------------------------------------------------------------------------

/**
 * One line per cricket frame (the cricsheet converter's frame types), or null when the data
 * does not fit (the caller then prints the frame as JSON):
 * - `ball`:      `12.3  Bumrah to Kohli         FOUR         IND 98/2` (+ `  need 52 off 46` when chasing)
 * - `wicket`:    `      ✖ WICKET  Kohli c Dhoni b Thakur 29 (17) · fall 2-98 (12.3 ov) · partnership 45 (29)`
 * - `over`:      `      ── end of over 13 · Bumrah 1-0-9-1 · 9 runs, 1 wkt · . 1 4 . W 4 · IND 107/2`
 * - `innings`:   `══ end of innings: Mumbai Indians 149/8 (20.0 ov)` (+ ` · target 150` when it had one)
 * - `milestone`: `      ★ SR Watson reaches 50 off 44 balls`
 * - `match`:     `🏆 Mumbai Indians won by 1 run · player of the match: JJ Bumrah`
 * Text from the recording is cleaned of control characters.
 */
export function formatCricket(frame: WireFrame): string | null {
  const d = frame.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return null;
  const r = d as Rec;
  const team = typeof r.team === 'string' ? teamShort(r.team) : '';
  const score = (v: unknown) => {
    const sc = obj(v);
    return sc && typeof sc.runs === 'number' && typeof sc.wickets === 'number' ? `${team} ${sc.runs}/${sc.wickets}`.trim() : '';
  };
  const str = (v: unknown) => (typeof v === 'string' ? clean(v) : '');
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const indent = '      ';
  switch (frame.type) {
    case 'ball': {
      const runs = obj(r.runs);
      const sc = score(r.score);
      if (!runs || !sc) return null;
      const ex = obj(r.extras) ?? {};
      const what = ballOutcome({
        runs: { batter: n(runs.batter), total: n(runs.total) },
        extras: { wides: n(ex.wides), noballs: n(ex.noballs), legbyes: n(ex.legbyes), byes: n(ex.byes) },
        boundary: r.boundary === 4 || r.boundary === 6 ? r.boundary : null,
        wickets: Array.isArray(r.wickets) ? r.wickets : [],
      });
      const who = `${shortPlayer(str(r.bowler))} to ${shortPlayer(str(r.batter))}`;
      const chase = obj(r.chase);
      let need = '';
      if (chase && typeof chase.need === 'number' && chase.need > 0) {
        need = `  need ${chase.need}${typeof chase.ballsLeft === 'number' ? ` off ${chase.ballsLeft}` : ''}`;
      }
      return `${str(r.ball).padStart(5)}  ${who.padEnd(26)}  ${what.padEnd(11)}  ${sc}${need}`;
    }
    case 'wicket': {
      const w = obj(r.wicket);
      const fall = obj(r.fall);
      if (!w || !fall) return null;
      const fielders = Array.isArray(w.fielders) ? w.fielders.filter((x): x is string => typeof x === 'string') : [];
      const b = obj(r.batter);
      const fig = b ? ` ${n(b.runs)} (${n(b.balls)})` : '';
      const p = obj(r.partnership);
      const part = p ? ` · partnership ${n(p.runs)} (${n(p.balls)})` : '';
      const how = dismissalText({ kind: str(w.kind), fielders, bowler: typeof w.bowler === 'string' ? w.bowler : undefined });
      return `${indent}✖ WICKET  ${shortPlayer(str(w.playerOut))} ${how}${fig} · fall ${n(fall.wicket)}-${n(fall.runs)} (${str(fall.overs)} ov)${part}`;
    }
    case 'over': {
      if (typeof r.over !== 'number') return null;
      const bl = obj(r.bowlerLine);
      const figures = bl ? ` ${str(bl.overs).replace(/\.0$/, '')}-${n(bl.maidens)}-${n(bl.runs)}-${n(bl.wickets)}` : '';
      const balls = Array.isArray(r.balls) ? r.balls.map(str).join(' ') : '';
      const wk = n(r.wickets) ? `, ${n(r.wickets)} wkt${n(r.wickets) === 1 ? '' : 's'}` : '';
      const runs = r.maiden === true ? 'maiden' : `${n(r.runs)} run${n(r.runs) === 1 ? '' : 's'}`;
      const sc = score(r.score);
      return `${indent}── end of over ${r.over} · ${shortPlayer(str(r.bowler))}${figures} · ${runs}${wk}${balls ? ` · ${balls}` : ''}${sc ? ` · ${sc}` : ''}`;
    }
    case 'innings': {
      const summary = str(r.summary) || `${str(r.team)} ${n(r.runs)}/${n(r.wickets)} (${str(r.overs)} ov)`;
      const target = typeof r.target === 'number' ? ` · target ${r.target}` : '';
      return `══ end of ${r.superOver === true ? 'super over' : 'innings'}: ${summary}${target}`;
    }
    case 'milestone':
      return r.text || r.player ? `${indent}★ ${str(r.text) || `${str(r.player)}: ${str(r.milestone)}`}` : null;
    case 'match': {
      const pom = Array.isArray(r.playerOfMatch) ? r.playerOfMatch.filter((x): x is string => typeof x === 'string').map(clean) : [];
      return `🏆 ${str(r.result) || 'match over'}${pom.length ? ` · player of the match: ${pom.join(', ')}` : ''}`;
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------

/** How one frame is written: a text line (a newline is added), raw bytes (as they are), or nothing. */
export type FrameOutput = { kind: 'line'; text: string } | { kind: 'raw'; text: string } | { kind: 'none' };

/** What {@link renderFrame} needs to know about the stream. */
export interface FrameContext {
  /** The game's kind from `joined` (`tennis`, `terminal`, `cricket`, …). */
  kind: string;
  /** Short player names for tennis lines. */
  names: readonly [string, string];
  /** `--raw`: write every frame's `data` as it is (strings) or as JSON (other values). */
  raw: boolean;
}

/**
 * Decide how a frame prints: `--raw` → its data raw; kind `terminal` type `o` (asciicast
 * output) → its data raw, other terminal types (input, resize, marker) → nothing; tennis
 * `point` frames → a {@link formatPoint} line; cricket frames → a {@link formatCricket} line;
 * anything else → the frame as one JSON line.
 */
export function renderFrame(frame: WireFrame, ctx: FrameContext): FrameOutput {
  if (ctx.raw) return { kind: 'raw', text: typeof frame.data === 'string' ? frame.data : `${JSON.stringify(frame.data)}\n` };
  if (ctx.kind === 'terminal') {
    return frame.type === 'o' && typeof frame.data === 'string' ? { kind: 'raw', text: frame.data } : { kind: 'none' };
  }
  if (ctx.kind === 'tennis' && frame.type === 'point') {
    const p = toTennisPoint(frame.data);
    if (p) return { kind: 'line', text: formatPoint(frame.t, p, ctx.names) };
  }
  if (ctx.kind === 'cricket') {
    const line = formatCricket(frame);
    if (line !== null) return { kind: 'line', text: line };
  }
  return { kind: 'line', text: JSON.stringify({ seq: frame.seq, t: frame.t, type: frame.type, data: frame.data }) };
}

/** True when frames of this kind are written raw, so status lines had better go to stderr. */
export function isRawOutput(kind: string, raw: boolean): boolean {
  return raw || kind === 'terminal';
}

// ---------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------

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
  const fields = [j.kind, j.mode, j.role, formatSpeed(j.speed), position, `${j.frameCount} frames${soFar}`, j.streamId];
  return [`▶ ${j.title || j.gameId}`, `  ${[...(j.live === true ? ['LIVE'] : []), ...fields].join(' · ')}${status}`];
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
  const by = next.by && next.by !== 'system' ? ` by ${next.by}` : '';
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

/** `💬 alice: what a rally` (control characters removed: a chat line must not drive the terminal). */
export function formatChat(c: ChatOutMessage): string {
  return `💬 ${clean(c.from)}: ${clean(c.text)}`;
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
  stopped: 'stopped by a player',
  idle: 'nobody was watching',
  failed: 'the stream failed',
  max_duration: 'the stream reached its maximum duration',
};

/** `■ ended: finished (the recording is over)`. */
export function formatEnded(reason: EndReason | string): string {
  const text = END_REASON_TEXT[reason as EndReason];
  return `■ ended: ${reason}${text ? ` (${text})` : ''}`;
}

/** `error <code>: <message>` (PROTOCOL.md `error`). */
export function formatError(e: Pick<ErrorMessage, 'code' | 'message'>): string {
  return `error ${e.code}: ${clean(e.message)}`;
}

/** Remove control characters (ESC, CR, …) from text others wrote, keeping it on one line. */
export const clean = withoutControls;

// ---------------------------------------------------------------------------------------
// Interactive controls
// ---------------------------------------------------------------------------------------

/** The speeds `+` and `-` step through (within the protocol's 0.25–64). */
export const SPEED_STEPS = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64] as const;
/** How far ← / → seek, in media ms. */
export const SEEK_STEP_MS = 30_000;

/** The next step above (`dir` 1) or below (-1) `speed`; the same speed at either end. */
export function stepSpeed(speed: number, dir: 1 | -1): number {
  if (dir > 0) return SPEED_STEPS.find((s) => s > speed + 1e-9) ?? SPEED_STEPS[SPEED_STEPS.length - 1]!;
  return [...SPEED_STEPS].reverse().find((s) => s < speed - 1e-9) ?? SPEED_STEPS[0];
}

/** What a key press asks for. */
export type KeyCommand =
  | { action: 'pause' }
  | { action: 'resume' }
  | { action: 'speed'; speed: number }
  | { action: 'seek'; toMs: number }
  | { action: 'quit' };

/**
 * Map raw TTY input to a command: space pause/resume (by `status`), `+`/`=` and `-`/`_` speed
 * up/down a step, ← / → seek ∓/± {@link SEEK_STEP_MS} from `positionMs` (clamped to
 * `[0, durationMs]`), `q` or Ctrl-C quit. Anything else (and a no-op speed step) is undefined.
 */
export function keyCommand(
  key: string,
  view: { status: StreamStatus; speed: number; positionMs: number; durationMs: number },
): KeyCommand | undefined {
  switch (key) {
    case ' ':
      return view.status === 'paused' ? { action: 'resume' } : { action: 'pause' };
    case '+':
    case '=':
    case '-':
    case '_': {
      const speed = stepSpeed(view.speed, key === '+' || key === '=' ? 1 : -1);
      return speed === view.speed ? undefined : { action: 'speed', speed };
    }
    case '\u001b[C':
    case '\u001bOC':
    case '\u001b[D':
    case '\u001bOD': {
      const dir = key.endsWith('C') ? 1 : -1;
      const toMs = Math.round(Math.min(Math.max(0, view.positionMs + dir * SEEK_STEP_MS), Math.max(0, view.durationMs)));
      return { action: 'seek', toMs };
    }
    case 'q':
    case 'Q':
    case '\u0003':
      return { action: 'quit' };
    default:
      return undefined;
  }
}

/** The media position (ms) now, from the last known state: it advances at `speed` while playing. */
export function currentPositionMs(view: PlaybackView, receivedAt: number, now: number, durationMs: number): number {
  const advanced = view.status === 'playing' ? view.positionMs + Math.max(0, now - receivedAt) * view.speed : view.positionMs;
  return Math.min(Math.max(0, advanced), Math.max(0, durationMs));
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

function pick(d: Rec, ...names: string[]): unknown {
  for (const n of names) if (d[n] !== undefined && d[n] !== null && d[n] !== '') return d[n];
  return undefined;
}

function obj(v: unknown): Rec | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : null;
}

function numPair(v: unknown): [number, number] | null {
  if (!Array.isArray(v) || v.length < 2 || v[0] === undefined || v[1] === undefined) return null;
  const a = Number(v[0]);
  const b = Number(v[1]);
  return Number.isFinite(a) && Number.isFinite(b) ? [Math.max(0, Math.trunc(a)), Math.max(0, Math.trunc(b))] : null;
}

function strPair(v: unknown): [string, string] | null {
  if (!Array.isArray(v) || v.length < 2 || (v[0] === undefined && v[1] === undefined)) return null;
  return [scoreText(v[0]), scoreText(v[1])];
}

function scoreText(v: unknown): string {
  if (v === undefined || v === null || v === '') return '0';
  const s = String(v).trim().toUpperCase();
  return s === 'A' || s === 'ADV' ? 'AD' : clean(s).slice(0, 3);
}

function side(v: unknown): Side | null {
  const n = Number(v);
  return v !== undefined && v !== null && (n === 1 || n === 2) ? n : null;
}

function flag(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v > 0;
  if (typeof v === 'string') return v === '1' || v.toLowerCase() === 'true';
  return false;
}

function posInt(v: unknown): number | null {
  const n = Number(v);
  return v !== undefined && Number.isInteger(n) && n > 0 ? n : null;
}

function positive(v: unknown): number | null {
  const n = Number(v);
  return v !== undefined && v !== null && Number.isFinite(n) && n > 0 ? n : null;
}
