/**
 * A tournament's bracket from the catalog, pure (no DOM, no clock reads, no storage; unit-tested
 * in test/web/bracket.test.ts): the games of one event grouped by draw and round, ordered by
 * their place in the draw, who advances from each match, which results a viewer may see (never a
 * spoiler by default), and "Replay the tournament": which of its scheduled streams have ended.
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
