/**
 * The tennis web view: the TV-style scoreboard (every set, the current game, tie-break, the
 * server, sets won), the court (the last point's outcome), the stats of the whole match so far
 * and the point-by-point feed. The state is the shared reducer's (kinds/tennis), folded from
 * the server's snapshot, so a viewer who joins late sees what one who watched from the first
 * point sees.
 */
import { tennis, type TennisPointData, type TennisState } from '../../../../kinds/tennis';
import type { JoinedMessage, WireFrame } from '../../../../protocol/messages';
import { clear, h, setText } from '../../ui/dom';
import { headerOf, FoldedState } from '../fold';
import type { FrameMark, KindModule, KindSlots, KindView, WireSnapshot } from '../types';
import { CourtCanvas, outcomeOf } from './court';
import { describePoint, namesFrom, scoreboard, scoreLine, shortName, statRows, statsNote } from './model';

const FEED_SIZE = 8;

const pointOf = (f: WireFrame): (TennisPointData & { seq: number; t: number }) | null =>
  tennis.frameSchema.safeParse(f).success ? { ...(f.data as TennisPointData), seq: f.seq, t: f.t } : null;

class TennisView implements KindView {
  private readonly folded: FoldedState<TennisState>;
  private names: [string, string] | undefined;
  private held: readonly WireFrame[] = [];
  private readonly court = new CourtCanvas();
  private readonly scoreboardEl: HTMLElement;
  private readonly rows: { root: HTMLElement; serve: HTMLElement; name: HTMLElement; sets: HTMLElement; games: HTMLElement; points: HTMLElement }[];
  private readonly badge: HTMLElement;
  /** The column headers: one per completed set, then Games and Points (hidden from screen readers: each row has its own label). */
  private readonly head: { sets: HTMLElement; games: HTMLElement; points: HTMLElement };
  private readonly statHead: [HTMLElement, HTMLElement];
  private readonly statsBody: HTMLElement;
  private readonly statsNote: HTMLElement;
  private readonly feed: HTMLElement;

  constructor(slots: KindSlots, joined: JoinedMessage, participants: readonly string[] | undefined) {
    this.folded = new FoldedState(tennis, () => tennis.initialState(headerOf(joined, participants ?? namesFrom(joined.title))));
    this.names = namesFrom(joined.title, participants);
    this.rows = [1, 2].map((n) => {
      const serve = h('span', { class: 'sb-serve', 'aria-hidden': 'true' });
      const name = h('span', { class: 'sb-name', 'data-testid': `name-p${n}` });
      const sets = h('span', { class: 'sb-sets', 'data-testid': `sets-p${n}` });
      const games = h('span', { class: 'sb-games num', 'data-testid': `games-p${n}` }, '0');
      const points = h('span', { class: 'sb-points num', 'data-testid': `points-p${n}` }, '0');
      const root = h('div', { class: `sb-row p${n}`, 'data-testid': `score-p${n}` }, serve, name, sets, games, points);
      return { root, serve, name, sets, games, points };
    });
    this.badge = h('div', { class: 'sb-badge', 'data-testid': 'score-badge', 'aria-live': 'polite' });
    const cell = (cls: string, text: string) => h('span', { class: cls }, h('span', { class: 'sb-h' }, text));
    const headSets = h('span', { class: 'sb-sets', 'data-testid': 'sets-head' });
    const headGames = cell('sb-games', 'Games');
    const headPoints = cell('sb-points', 'Points');
    const headRoot = h('div', { class: 'sb-row sb-head', 'aria-hidden': 'true', 'data-testid': 'score-head' }, h('span', { class: 'sb-serve' }), cell('sb-name', 'Player'), headSets, headGames, headPoints);
    this.head = { sets: headSets, games: headGames.firstElementChild as HTMLElement, points: headPoints.firstElementChild as HTMLElement };
    this.scoreboardEl = h('section', { class: 'scoreboard', 'aria-label': 'Scoreboard', 'data-testid': 'scoreboard' }, headRoot, ...this.rows.map((r) => r.root), this.badge);
    this.statHead = [h('span', { class: 'st-p1' }, 'P1'), h('span', { class: 'st-p2' }, 'P2')];
    this.statsBody = h('div', { class: 'stats-body' });
    this.statsNote = h('p', { class: 'muted small', 'data-testid': 'stats-note' }, 'No points yet.');
    const stats = h(
      'section',
      { class: 'panel stats', 'aria-label': 'Match stats', 'data-testid': 'stats' },
      h('h2', {}, 'Match stats'),
      h('div', { class: 'stats-head' }, this.statHead[0], this.statHead[1]),
      this.statsBody,
      this.statsNote,
    );
    this.feed = h('ol', { class: 'feed', 'data-testid': 'point-feed', 'aria-label': 'Latest points', 'aria-live': 'off' });
    slots.body.replaceChildren(this.court.root);
    slots.stage.before(this.scoreboardEl);
    slots.side.prepend(stats);
    slots.side.prepend(h('section', { class: 'panel feed-panel', 'aria-label': 'Point by point' }, h('h2', {}, 'Point by point'), this.feed));
  }

  private get fullNames(): [string, string] {
    return this.names ?? this.folded.state.players;
  }

  private get short(): [string, string] {
    const [a, b] = this.fullNames;
    return [shortName(a), shortName(b)];
  }

  setPlayers(title: string, participants: readonly string[] | undefined): boolean {
    const names = namesFrom(title, participants);
    if (!names) return false;
    this.names = names;
    return true;
  }

  get upTo(): number {
    return this.folded.upTo;
  }

  reset(base: WireSnapshot | undefined, held: readonly WireFrame[]): void {
    this.held = held;
    this.folded.reset(base, held);
  }

  add(frames: readonly WireFrame[], held: readonly WireFrame[]): string | undefined {
    this.held = held;
    this.folded.add(frames, held);
    const last = frames[frames.length - 1];
    const p = last ? pointOf(last) : null;
    return p ? `${describePoint(p, this.short)}, ${scoreLine(p)}` : undefined;
  }

  frameMarks(held: readonly WireFrame[]): FrameMark[] {
    const names = this.short;
    const out: FrameMark[] = [];
    for (const f of held) {
      const p = pointOf(f);
      if (p) out.push({ seq: p.seq, t: p.t, winner: p.winner ?? null, label: describePoint(p, names) });
    }
    return out;
  }

  render(): void {
    const s = this.folded.state;
    const names = this.fullNames;
    const short = this.short;
    const sb = scoreboard(s, names);
    sb.rows.forEach((row, i) => {
      const r = this.rows[i]!;
      setText(r.name, row.name);
      r.name.title = row.name;
      r.root.classList.toggle('serving', row.serving);
      r.root.classList.toggle('won', row.won);
      r.serve.setAttribute('data-on', String(row.serving));
      const key = row.sets.map((x) => `${x.games}${x.won ? '*' : ''}`).join(',');
      if (r.sets.dataset.key !== key) {
        r.sets.dataset.key = key;
        clear(r.sets);
        for (const x of row.sets) r.sets.appendChild(h('span', { class: `sb-set num${x.won ? ' set-won' : ''}`, title: `Set ${x.set}` }, x.games));
      }
      setText(r.games, row.games);
      setText(r.points, row.points);
      r.root.setAttribute('aria-label', row.label);
    });
    const sets = sb.rows[0].sets.length;
    if (this.head.sets.childElementCount !== sets) {
      this.head.sets.replaceChildren(...sb.rows[0].sets.map((x) => h('span', { class: 'sb-set', title: `Set ${x.set}` }, h('span', { class: 'sb-h' }, `S${x.set}`))));
    }
    // once the match is over the last two columns hold no games, and the winner's tick
    setText(this.head.games, sb.over ? '' : 'Games');
    setText(this.head.points, sb.over ? '' : 'Points');
    setText(this.badge, sb.badge);
    this.badge.classList.toggle('tb', sb.tiebreak);
    this.scoreboardEl.classList.toggle('over', sb.over);
    this.scoreboardEl.dataset.set = String(sb.set);
    this.scoreboardEl.dataset.played = String(sb.pointsPlayed);
    // Points this viewer received (the frames held): how far the stream moved on this page.
    const points = this.held.filter((f) => f.type === 'point');
    this.scoreboardEl.dataset.points = String(points.length);
    setText(this.statHead[0], short[0]);
    setText(this.statHead[1], short[1]);
    this.court.setNames(short);
    const last = this.folded.last ? pointOf(this.folded.last) : null;
    this.court.show(last, last ? `${describePoint(last, short)}. ${scoreLine(last)}` : '');
    if (last) this.court.root.dataset.outcome = outcomeOf(last) ?? 'point';
    this.renderStats(s);
    this.renderFeed(points, short);
  }

  private renderStats(s: TennisState): void {
    this.statsBody.replaceChildren(
      ...statRows(s).map((r) => {
        const total = r.na + r.nb;
        const share = total > 0 ? (100 * r.na) / total : 50;
        const bar = h('span', { class: 'st-bar', 'aria-hidden': 'true' }, h('span', { class: 'st-bar-a' }), h('span', { class: 'st-bar-b' }));
        (bar.firstElementChild as HTMLElement).style.width = `${share}%`;
        (bar.lastElementChild as HTMLElement).style.width = `${100 - share}%`;
        return h('div', { class: 'st-row', 'data-stat': r.label }, h('span', { class: 'st-a num' }, r.a), h('span', { class: 'st-label' }, r.label, bar), h('span', { class: 'st-b num' }, r.b));
      }),
    );
    setText(this.statsNote, statsNote(s));
  }

  private renderFeed(frames: readonly WireFrame[], short: [string, string]): void {
    const latest = frames.slice(-FEED_SIZE).reverse();
    const key = latest.map((p) => p.seq).join(',');
    if (this.feed.dataset.key === key) return;
    this.feed.dataset.key = key;
    const items: HTMLElement[] = [];
    for (const f of latest) {
      const p = pointOf(f);
      if (!p) continue;
      items.push(
        h('li', { class: `feed-item${p.winner ? ` w${p.winner}` : ''}`, 'data-seq': p.seq }, h('span', { class: 'feed-score num' }, scoreLine(p)), h('span', { class: 'feed-text' }, describePoint(p, short))),
      );
    }
    this.feed.replaceChildren(...items);
  }
}

/** Tennis (`kind: 'tennis'`, frames `point`). */
export const tennisView: KindModule = {
  kind: 'tennis',
  mount: (slots, joined, participants) => new TennisView(slots, joined, participants),
};
