/**
 * A tournament's bracket from the catalog, pure (no DOM, no clock reads, no storage; unit-tested
 * in test/web/bracket.test.ts): the games of one event grouped by draw and round, ordered by
 * their place in the draw, who advances from each match, which results a viewer may see (never a
 * spoiler by default), where each match sits on the bracket's grid (its draw place:
 * {@link layoutDraw}), and "Replay the tournament": which of its scheduled streams have ended,
 * which matches wait for a free slot of the operator's quota and when to try them again.
 *
 * The catalog game's `event` (protocol/server.ts `CatalogEvent`) carries the event, draw, round
 * (1 … `rounds`), place (from 1: the winners of places 2p − 1 and 2p of round r meet at place p
 * of round r + 1) and the `winner` its points decide, when they do.
 *
 * Units: `startsAt`, `now` are wall-clock epoch milliseconds; `durationMs` is media time (ms).
 */
import type { CatalogEvent, CatalogMessage } from '../../../protocol/messages';

/** One game of a `catalog` message. */
type Game = CatalogMessage['games'][number];
/** One stream of a `catalog` message. */
type Stream = CatalogMessage['streams'][number];

/** One match of the bracket. */
export interface BracketMatch {
  gameId: string;
  title: string;
  /** The two players, [first, second] as the recording names them ("?" when unknown). */
  players: [string, string];
  durationMs: number;
  event: CatalogEvent;
}

/** One round of a draw: its matches by place. */
export interface BracketRound {
  roundNo: number;
  /** "Round 1" … "Final". */
  name: string;
  matches: BracketMatch[];
}

/** One draw of the event (e.g. men's singles): its rounds in order, only those with matches. */
export interface BracketDraw {
  draw: string;
  rounds: BracketRound[];
}

/** A whole event's bracket. */
export interface Bracket {
  id: string;
  name: string;
  /** Draws in the order "men's …" before "women's …" (alphabetical), each with its rounds. */
  draws: BracketDraw[];
  matchCount: number;
}

/** An event with a bracket in the catalog: its id, name and how many games it has. */
export interface EventSummary {
  id: string;
  name: string;
  matchCount: number;
}

/** The events the catalog's games belong to, by name then id. */
export function eventsOf(games: readonly Game[]): EventSummary[] {
  const by = new Map<string, EventSummary>();
  for (const g of games) {
    if (!g.event || g.live) continue;
    const cur = by.get(g.event.id);
    if (cur) cur.matchCount++;
    else by.set(g.event.id, { id: g.event.id, name: g.event.name, matchCount: 1 });
  }
  return [...by.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/**
 * The bracket of event `eventId` from the catalog's games: grouped by draw, then round (1 first),
 * each round's matches by place (then gameId). A place held twice keeps both. Undefined when no
 * game belongs to the event. Live games are left out (a bracket shows recorded matches).
 */
export function buildBracket(games: readonly Game[], eventId: string): Bracket | undefined {
  const mine = games.filter((g): g is Game & { event: CatalogEvent } => !g.live && g.event?.id === eventId);
  if (mine.length === 0) return undefined;
  const draws = new Map<string, Map<number, BracketMatch[]>>();
  for (const g of mine) {
    const rounds = draws.get(g.event.draw) ?? new Map<number, BracketMatch[]>();
    draws.set(g.event.draw, rounds);
    const list = rounds.get(g.event.roundNo) ?? [];
    rounds.set(g.event.roundNo, list);
    const p = g.participants ?? [];
    list.push({ gameId: g.gameId, title: g.title, players: [p[0] ?? '?', p[1] ?? '?'], durationMs: g.durationMs, event: g.event });
  }
  const out: BracketDraw[] = [...draws]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([draw, rounds]) => ({
      draw,
      rounds: [...rounds]
        .sort(([a], [b]) => a - b)
        .map(([roundNo, matches]) => ({
          roundNo,
          name: matches[0]!.event.round,
          matches: matches.sort((a, b) => a.event.place - b.event.place || a.gameId.localeCompare(b.gameId)),
        })),
    }));
  return { id: eventId, name: mine[0]!.event.name, draws: out, matchCount: mine.length };
}

/** The match at `place` of round `roundNo` in `draw`, if the data has it. */
export function matchAt(draw: BracketDraw, roundNo: number, place: number): BracketMatch | undefined {
  return draw.rounds.find((r) => r.roundNo === roundNo)?.matches.find((m) => m.event.place === place);
}

/** The match the winner of `m` plays next (round + 1, place ⌈place / 2⌉), if the data has it. */
export function nextMatch(draw: BracketDraw, m: BracketMatch): BracketMatch | undefined {
  return matchAt(draw, m.event.roundNo + 1, Math.ceil(m.event.place / 2));
}

/** The two matches whose winners meet in `m` (round − 1, places 2p − 1 and 2p); either may be missing. */
export function feeders(draw: BracketDraw, m: BracketMatch): [BracketMatch | undefined, BracketMatch | undefined] {
  return [matchAt(draw, m.event.roundNo - 1, 2 * m.event.place - 1), matchAt(draw, m.event.roundNo - 1, 2 * m.event.place)];
}

/**
 * Who advances from `m` (1 = its first player, 2 = its second): the winner its points decide
 * (`event.winner`), else the one of its players who plays its next match (a retirement or a
 * truncated record: the draw shows who went through). Undefined when neither tells.
 */
export function advancer(draw: BracketDraw, m: BracketMatch): 1 | 2 | undefined {
  if (m.event.winner) return m.event.winner;
  const next = nextMatch(draw, m);
  if (!next) return undefined;
  const inNext = (name: string) => name !== '?' && next.players.includes(name);
  if (inNext(m.players[0]) && !inNext(m.players[1])) return 1;
  if (inNext(m.players[1]) && !inNext(m.players[0])) return 2;
  return undefined;
}

/**
 * Where the bracket contradicts itself: a match whose feeder's advancer is not one of its
 * players. One line per contradiction (`"2012-frenchopen-1501: Novak Djokovic (from …) is not
 * a player"`); [] for a consistent bracket.
 */
export function inconsistencies(b: Bracket): string[] {
  const out: string[] = [];
  for (const draw of b.draws) {
    for (const round of draw.rounds) {
      for (const m of round.matches) {
        for (const f of feeders(draw, m)) {
          const a = f ? advancer(draw, f) : undefined;
          if (!f || !a) continue;
          const name = f.players[a - 1];
          if (!m.players.includes(name)) out.push(`${m.gameId}: ${name} (from ${f.gameId}) is not a player`);
        }
      }
    }
  }
  return out;
}

/**
 * Whether `m`'s result may be shown: when results are asked for (`showAll`), or when the viewer
 * has seen it end (`seen`: game ids whose stream ended, finished, in front of this viewer).
 */
export function resultVisible(m: Pick<BracketMatch, 'gameId'>, seen: ReadonlySet<string>, showAll: boolean): boolean {
  return showAll || seen.has(m.gameId);
}

/** One match scheduled by "Replay the tournament": its stream and when it plays. */
export interface ReplayEntry {
  gameId: string;
  streamId: string;
  /** Epoch ms of its first frame (POST /streams `startsAt`). */
  startsAt: number;
  /** Media length (ms) and the speed it plays at: it ends at `startsAt + durationMs / speed`. */
  durationMs: number;
  speed: number;
}

/** When an entry's last frame is due (epoch ms). */
export function expectedEnd(e: ReplayEntry): number {
  return e.startsAt + e.durationMs / e.speed;
}

/**
 * The scheduled matches whose streams have ended, as the catalog listing shows them: a stream is
 * listed while it has not ended (PROTOCOL.md `catalog.streams`: every status but
 * `ended`/`failed`), so an entry whose stream is no longer listed once its last frame was due
 * (`now` ≥ {@link expectedEnd}) has played to its end. A stream still listed, or gone before
 * its end was due (ended early: stopped, failed), does not count. `listed` is the listing's
 * stream ids; returns game ids.
 */
export function endedEntries(entries: readonly ReplayEntry[], listed: ReadonlySet<string>, now: number): string[] {
  return entries.filter((e) => !listed.has(e.streamId) && now >= expectedEnd(e)).map((e) => e.gameId);
}

/** The ids of a listing's streams (for {@link endedEntries}). */
export function listedStreamIds(streams: readonly Stream[]): Set<string> {
  return new Set(streams.map((s) => s.streamId));
}

/**
 * The game id inside a stream id (docs/ARCHITECTURE.md "Stream keys": `spectate:{gameId}`,
 * `pvai:{gameId}:{userId}`, `pvp:{gameId}:{room}`, `scheduled:{gameId}:{id}`), or undefined.
 */
export function gameOfStreamId(streamId: string): string | undefined {
  const m = /^(?:spectate|pvai|pvp|scheduled):([^:]+)/.exec(streamId);
  return m ? m[1] : undefined;
}

/**
 * The next round of `draw` to replay: the earliest round with a match not yet scheduled
 * (`scheduled`: game ids), or undefined when every round is.
 */
export function nextRoundToReplay(draw: BracketDraw, scheduled: ReadonlySet<string>): BracketRound | undefined {
  return draw.rounds.find((r) => r.matches.some((m) => !scheduled.has(m.gameId)));
}

/** "Round 1: 29 matches at 18:30" (`at`: the start time as shown, core/schedule.ts `formatStartTime`). */
export function scheduledText(round: Pick<BracketRound, 'name'>, count: number, at: string): string {
  return `${round.name}: ${count} match${count === 1 ? '' : 'es'} at ${at}`;
}

/** Most grid rows a draw is laid out on by place (a draw of 1,024); a bigger one is listed round by round. */
export const MAX_LAYOUT_ROWS = 512;

/** One draw place of a round in the bracket's grid. */
export interface BracketSlot {
  /** The place in its round's draw, from 1. */
  place: number;
  /** Its first row, from 1 (the first match row: a view with a header row adds it). */
  row: number;
  /** How many rows it spans: 2^(roundNo − firstRound). */
  span: number;
  /** The matches the data has at this place: [] for a place not in the recording, two when a place is held twice. */
  matches: BracketMatch[];
}

/** One round of a draw laid out: every place of its draw in order, each at its rows. */
export interface BracketColumn {
  round: BracketRound;
  slots: BracketSlot[];
}

/** A draw laid out on a grid of `rows` rows, one column per round present. */
export interface BracketLayout {
  /** The draw's first round present (r0). */
  firstRound: number;
  rows: number;
  /**
   * True when every match sits at its draw place; false for a draw that would need more than
   * {@link MAX_LAYOUT_ROWS} rows: each round's matches are then listed in order, one row each.
   */
  aligned: boolean;
  columns: BracketColumn[];
}

/**
 * The grid of a draw by draw place (pure geometry): with r0 the draw's first round present,
 * round r's place p occupies rows (p − 1)·2^(r − r0) + 1 … p·2^(r − r0), so the winners of
 * places 2p − 1 and 2p sit either side of the match they meet in. `rows` is the smallest
 * multiple of 2^(rLast − r0) (rLast: the last round present) that holds every match present,
 * and every round lists every place of those rows: a place the data has no match for is a slot
 * with no matches (the view's "Not in the recording"). A round the data has no match of at all
 * gets no column (the next one still sits at its places). A draw that would need more than
 * {@link MAX_LAYOUT_ROWS} rows is listed instead (`aligned: false`, one row per match).
 */
export function layoutDraw(draw: BracketDraw): BracketLayout {
  const rounds = draw.rounds;
  const firstRound = rounds[0]?.roundNo ?? 1;
  const lastRound = rounds.at(-1)?.roundNo ?? firstRound;
  const unit = 2 ** (lastRound - firstRound);
  let extent = 0;
  for (const r of rounds) for (const m of r.matches) extent = Math.max(extent, m.event.place * 2 ** (r.roundNo - firstRound));
  const rows = Math.max(unit, Math.ceil(extent / unit) * unit);
  if (rows > MAX_LAYOUT_ROWS || !Number.isFinite(rows)) {
    const listed = rounds.map((round) => ({ round, slots: round.matches.map((m, i) => ({ place: m.event.place, row: i + 1, span: 1, matches: [m] })) }));
    return { firstRound, rows: Math.max(1, ...rounds.map((r) => r.matches.length)), aligned: false, columns: listed };
  }
  const columns = rounds.map((round) => {
    const span = 2 ** (round.roundNo - firstRound);
    const byPlace = new Map<number, BracketMatch[]>();
    for (const m of round.matches) byPlace.set(m.event.place, [...(byPlace.get(m.event.place) ?? []), m]);
    const slots: BracketSlot[] = [];
    for (let place = 1; place <= rows / span; place++) slots.push({ place, row: (place - 1) * span + 1, span, matches: byPlace.get(place) ?? [] });
    return { round, slots };
  });
  return { firstRound, rows, aligned: true, columns };
}

/** A match "Replay the tournament" has still to schedule, at the speed it was asked for. */
export interface PendingMatch {
  gameId: string;
  /** Media length (ms), for its {@link ReplayEntry} once scheduled. */
  durationMs: number;
  /** The playback rate asked for when its round was scheduled (0.25–64). */
  speed: number;
}

/**
 * What "Replay the tournament" scheduled for one event, and what waits for a free slot of the
 * operator's quota of scheduled streams not yet ended (docs/SECURITY.md "Limits": `429
 * limit_exceeded` from `POST /streams`). Kept in the browser's storage.
 */
export interface ReplayState {
  /** The matches scheduled, in the order they were. */
  entries: ReplayEntry[];
  /** The matches refused by the quota, to schedule again once a slot is free, in round order. */
  pending: PendingMatch[];
  /** How many of `entries` had ended (see {@link endedEntries}) at the last quota refusal. */
  waitEnded: number;
  /** Epoch ms of the last quota refusal (0: none). */
  refusedAt: number;
  /** The quota's limit as the server's refusal said it ("at most 50 …"), when it did. */
  limit?: number;
}

/** An empty replay: nothing scheduled, nothing pending. */
export const EMPTY_REPLAY: ReplayState = { entries: [], pending: [], waitEnded: 0, refusedAt: 0 };

/**
 * How long pending matches wait after a quota refusal before they are tried again even though
 * none of this replay's streams has ended (ms): the slots may be held by the operator's other
 * streams, which this page does not follow.
 */
export const QUOTA_RETRY_IDLE_MS = 60_000;

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function isEntry(x: unknown): x is ReplayEntry {
  const e = x as ReplayEntry;
  return typeof e === 'object' && e !== null && typeof e.gameId === 'string' && typeof e.streamId === 'string' && isNum(e.startsAt) && isNum(e.durationMs) && isNum(e.speed) && e.speed > 0;
}

function isPending(x: unknown): x is PendingMatch {
  const p = x as PendingMatch;
  return typeof p === 'object' && p !== null && typeof p.gameId === 'string' && isNum(p.durationMs) && isNum(p.speed) && p.speed > 0;
}

/**
 * A replay as read back from storage (any JSON value): the object {@link ReplayState}, or the
 * earlier format, an array of entries. Malformed entries and pending matches are dropped, a
 * pending match already scheduled too; anything else is {@link EMPTY_REPLAY}. Never throws.
 */
export function parseReplayState(v: unknown): ReplayState {
  if (Array.isArray(v)) return { ...EMPTY_REPLAY, entries: v.filter(isEntry) };
  if (typeof v !== 'object' || v === null) return EMPTY_REPLAY;
  const o = v as Partial<Record<keyof ReplayState, unknown>>;
  const entries = Array.isArray(o.entries) ? o.entries.filter(isEntry) : [];
  const done = new Set(entries.map((e) => e.gameId));
  const pending = Array.isArray(o.pending) ? o.pending.filter(isPending).filter((p) => !done.has(p.gameId)) : [];
  return {
    entries,
    pending,
    waitEnded: isNum(o.waitEnded) ? o.waitEnded : 0,
    refusedAt: isNum(o.refusedAt) ? o.refusedAt : 0,
    ...(isNum(o.limit) && o.limit > 0 ? { limit: o.limit } : {}),
  };
}

/** True for the quota's refusal of `POST /streams`: HTTP 429 with code `limit_exceeded` (docs/HTTP-API.md). */
export function isQuotaRefusal(status: number, code: string | undefined): boolean {
  return status === 429 && code === 'limit_exceeded';
}

/** The limit a quota refusal names ("… at most 50 scheduled streams …" → 50), or undefined. */
export function quotaLimitOf(message: string): number | undefined {
  const m = /at most (\d+) scheduled streams/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** `state` with `entry` scheduled: added to the entries, no longer pending. */
export function withScheduled(state: ReplayState, entry: ReplayEntry): ReplayState {
  return { ...state, entries: [...state.entries, entry], pending: state.pending.filter((p) => p.gameId !== entry.gameId) };
}

/**
 * `state` after the quota refused the first of `waiting` (it and the rest of the matches of
 * that attempt, in order): all of them pending (a match already pending keeps its place and
 * speed), `ended` (how many entries had ended then), `now` (epoch ms) and the `limit` the
 * refusal named remembered for {@link retryDue} and {@link replayStatus}.
 */
export function withQuotaRefusal(state: ReplayState, waiting: readonly PendingMatch[], ended: number, now: number, limit: number | undefined): ReplayState {
  const pending = [...state.pending];
  for (const w of waiting) if (!pending.some((p) => p.gameId === w.gameId) && !state.entries.some((e) => e.gameId === w.gameId)) pending.push(w);
  return { ...state, pending, waitEnded: ended, refusedAt: now, ...(limit !== undefined ? { limit } : {}) };
}

/** `state` after a refusal that is not the quota's for `gameId`: no longer pending (not retried by itself; the round stays unscheduled). */
export function withRefusal(state: ReplayState, gameId: string): ReplayState {
  return { ...state, pending: state.pending.filter((p) => p.gameId !== gameId) };
}

/**
 * Whether to schedule the pending matches again now: some are pending and either more of this
 * replay's streams have ended (`ended`, from {@link endedEntries}) than at the last quota
 * refusal, or {@link QUOTA_RETRY_IDLE_MS} has passed since it (`now`, epoch ms).
 */
export function retryDue(state: ReplayState, ended: number, now: number): boolean {
  return state.pending.length > 0 && (ended > state.waitEnded || now - state.refusedAt >= QUOTA_RETRY_IDLE_MS);
}

/**
 * What scheduling `round` now would post, in place order: its matches neither scheduled nor
 * pending at `speed`, and its pending ones at their own speed.
 */
export function roundTodo(round: BracketRound, state: ReplayState, speed: number): PendingMatch[] {
  const done = new Set(state.entries.map((e) => e.gameId));
  const pending = new Map(state.pending.map((p) => [p.gameId, p]));
  return round.matches.filter((m) => !done.has(m.gameId)).map((m) => pending.get(m.gameId) ?? { gameId: m.gameId, durationMs: m.durationMs, speed });
}

/** The round of `draw` the replay is on: the first one with a pending match, else the last one with a scheduled match, else undefined. */
export function replayRound(draw: BracketDraw, state: ReplayState): BracketRound | undefined {
  const pending = new Set(state.pending.map((p) => p.gameId));
  const done = new Set(state.entries.map((e) => e.gameId));
  return draw.rounds.find((r) => r.matches.some((m) => pending.has(m.gameId))) ?? [...draw.rounds].reverse().find((r) => r.matches.some((m) => done.has(m.gameId)));
}

/**
 * What the replay of `round` is at, in words: "Round 1: 50 matches at 18:30; 7 wait for a free
 * slot (at most 50 scheduled streams at once)" — its scheduled matches by start time (`at`
 * formats an epoch ms as shown, core/schedule.ts `formatStartTime`), then its pending ones.
 * Undefined when nothing of the round is scheduled or pending.
 */
export function replayStatus(round: BracketRound, state: ReplayState, at: (epochMs: number) => string): string | undefined {
  const ids = new Set(round.matches.map((m) => m.gameId));
  const times = new Map<string, number>();
  for (const e of state.entries) if (ids.has(e.gameId)) times.set(at(e.startsAt), (times.get(at(e.startsAt)) ?? 0) + 1);
  const waiting = state.pending.filter((p) => ids.has(p.gameId)).length;
  if (times.size === 0 && waiting === 0) return undefined;
  const scheduled = [...times].map(([t, n], i) => (i === 0 ? scheduledText(round, n, t) : `${n} at ${t}`)).join(', ');
  if (waiting === 0) return scheduled;
  const limit = state.limit ? `at most ${state.limit} scheduled stream${state.limit === 1 ? '' : 's'} at once` : 'the limit of scheduled streams at once';
  const wait = `${waiting} wait${waiting === 1 ? 's' : ''} for a free slot (${limit})`;
  return scheduled ? `${scheduled}; ${wait}` : `${round.name}: ${wait}`;
}

/** The "Replay the tournament" button of a draw: its label, the round it schedules (none: disabled). */
export interface ReplayButton {
  label: string;
  round?: BracketRound;
}

/**
 * The button of `draw`: the next round to replay (the earliest round with a match not yet
 * scheduled: a round counts done only when all its matches are), "Replay the tournament: Round 1
 * (57)" for a round not begun, "Try the 7 waiting now" while some of it wait for a free slot,
 * "Retry Round 1 (3 not scheduled)" after a refusal; "Every round is scheduled" at the end.
 */
export function replayButton(draw: BracketDraw, state: ReplayState): ReplayButton {
  const done = new Set(state.entries.map((e) => e.gameId));
  const round = nextRoundToReplay(draw, done);
  if (!round) return { label: 'Every round is scheduled' };
  const left = round.matches.filter((m) => !done.has(m.gameId)).length;
  const waiting = state.pending.filter((p) => round.matches.some((m) => m.gameId === p.gameId)).length;
  if (waiting > 0) return { label: `Try the ${waiting} waiting now`, round };
  if (left < round.matches.length) return { label: `Retry ${round.name} (${left} not scheduled)`, round };
  return { label: `Replay the tournament: ${round.name} (${round.matches.length})`, round };
}
