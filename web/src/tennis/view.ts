/**
 * Tennis panels of the player view: the TV-style scoreboard, the court, the live stats and
 * the point feed. Rebuilt from {@link foldMatch} on every batch of points; fixed-width cells
 * and tabular numbers keep the layout still while scores change.
 */
import { clear, h, setText } from '../ui/dom';
import { CourtCanvas } from './court';
import { describePoint, scoreLine } from './describe';
import { playerNames, shortName, type TennisPoint } from './frame';
import { firstServePct, type MatchView, type PlayerStats } from './model';

const FEED_SIZE = 8;

/** The tennis body of the player view. */
export class TennisView {
  readonly scoreboard: HTMLElement;
  readonly court: CourtCanvas;
  readonly stats: HTMLElement;
  readonly feed: HTMLElement;
  private names: [string, string] = ['Player 1', 'Player 2'];
  private short: [string, string] = ['Player 1', 'Player 2'];
  private readonly rows: { root: HTMLElement; serve: HTMLElement; name: HTMLElement; sets: HTMLElement; games: HTMLElement; points: HTMLElement }[];
  private readonly badge: HTMLElement;
  private readonly statsBody: HTMLElement;
  private readonly statsNote: HTMLElement;
  private readonly statHead: [HTMLElement, HTMLElement];

  constructor() {
    this.rows = [1, 2].map((n) => {
      const serve = h('span', { class: 'sb-serve', 'aria-hidden': 'true' });
      const name = h('span', { class: 'sb-name', 'data-testid': `name-p${n}` });
      const sets = h('span', { class: 'sb-sets' });
      const games = h('span', { class: 'sb-games num', 'data-testid': `games-p${n}` }, '0');
      const points = h('span', { class: 'sb-points num', 'data-testid': `points-p${n}` }, '0');
      const root = h('div', { class: `sb-row p${n}`, 'data-testid': `score-p${n}` }, serve, name, sets, games, points);
      return { root, serve, name, sets, games, points };
    });
    this.badge = h('div', { class: 'sb-badge', 'data-testid': 'score-badge', 'aria-live': 'polite' });
    this.scoreboard = h(
      'section',
      { class: 'scoreboard', 'aria-label': 'Scoreboard', 'data-testid': 'scoreboard' },
      ...this.rows.map((r) => r.root),
      this.badge,
    );
    this.court = new CourtCanvas();
    this.statHead = [h('span', { class: 'st-p1' }, 'P1'), h('span', { class: 'st-p2' }, 'P2')];
    this.statsBody = h('div', { class: 'stats-body' });
    this.statsNote = h('p', { class: 'muted small', 'data-testid': 'stats-note' }, 'No points yet.');
    this.stats = h(
      'section',
      { class: 'panel stats', 'aria-label': 'Live stats', 'data-testid': 'stats' },
      h('h2', {}, 'Live stats'),
      h('div', { class: 'stats-head' }, this.statHead[0], this.statHead[1]),
      this.statsBody,
      this.statsNote,
    );
    this.feed = h('ol', { class: 'feed', 'data-testid': 'point-feed', 'aria-label': 'Latest points', 'aria-live': 'off' });
  }

  /** Short player names, [player 1, player 2]. */
  get shortNames(): [string, string] {
    return this.short;
  }

  /** Player names from the catalog's participants or the title. */
  setPlayers(title: string, participants?: readonly string[]): void {
    this.names = playerNames(title, participants);
    this.short = [shortName(this.names[0]), shortName(this.names[1])];
    this.rows.forEach((r, i) => {
      setText(r.name, this.names[i]!);
      r.name.title = this.names[i]!;
    });
    setText(this.statHead[0], this.short[0]);
    setText(this.statHead[1], this.short[1]);
    this.court.setNames(this.short);
  }

  /** Render a match view and the points it came from (newest last). */
  render(v: MatchView, points: readonly TennisPoint[]): void {
    const over = v.matchWinner !== null;
    this.rows.forEach((r, i) => {
      const side = (i + 1) as 1 | 2;
      r.root.classList.toggle('serving', !over && v.server === side);
      r.root.classList.toggle('won', over && v.matchWinner === side);
      r.serve.setAttribute('data-on', String(!over && v.server === side));
      const setCells = v.sets.map((s) => {
        const g = s.games ? String(s.games[i]) : '·';
        return `${g}${s.winner === side ? '*' : ''}`;
      });
      const key = setCells.join(',');
      if (r.sets.dataset.key !== key) {
        r.sets.dataset.key = key;
        clear(r.sets);
        for (const s of v.sets) {
          const g = s.games ? String(s.games[i]) : '·';
          r.sets.appendChild(h('span', { class: `sb-set num${s.winner === side ? ' set-won' : ''}`, title: `Set ${s.set}` }, g));
        }
      }
      setText(r.games, over ? '' : String(v.games[i]));
      setText(r.points, over ? (v.matchWinner === side ? '✓' : '') : String(v.points[i]));
      r.root.setAttribute(
        'aria-label',
        `${this.names[i]}: sets ${v.setsWon[i]}, games ${v.games[i]}, points ${v.points[i]}${v.server === side ? ', serving' : ''}`,
      );
    });
    const badge = over
      ? `${this.short[v.matchWinner! - 1]} wins`
      : v.pointsSeen === 0
        ? ''
        : `${v.tiebreak ? 'TIE-BREAK · ' : ''}SET ${v.set}`;
    setText(this.badge, badge);
    this.badge.classList.toggle('tb', v.tiebreak && !over);
    this.scoreboard.classList.toggle('over', over);
    this.scoreboard.dataset.set = String(v.set);
    this.scoreboard.dataset.points = String(v.pointsSeen);

    const last = v.last;
    this.court.show(last, last ? `${describePoint(last, this.short)}. ${scoreLine(last)}` : '');
    this.renderStats(v);
    this.renderFeed(points);
  }

  private renderStats(v: MatchView): void {
    const [a, b] = v.stats;
    const rows: [string, string, string, number, number][] = [];
    const add = (label: string, fa: (s: PlayerStats) => number | null, fmt: (n: number | null, s: PlayerStats) => string = (n) => (n === null ? '–' : String(n))) => {
      const va = fa(a);
      const vb = fa(b);
      rows.push([label, fmt(va, a), fmt(vb, b), va ?? 0, vb ?? 0]);
    };
    add('Points won', (s) => s.pointsWon);
    add('Aces', (s) => s.aces);
    add('Double faults', (s) => s.doubleFaults);
    add('Winners', (s) => s.winners);
    add('Unforced errors', (s) => s.unforcedErrors);
    add('1st serve in', (s) => firstServePct(s), (n) => (n === null ? '–' : `${n}%`));
    add('Break points won', (s) => s.breakPointsWon, (n, s) => (s.breakPointChances ? `${n}/${s.breakPointChances}` : '–'));
    add('Fastest serve', (s) => s.fastestServeKmh, (n) => (n === null ? '–' : `${Math.round(n)}`));
    const frag = rows.map(([label, ta, tb, na, nb]) => {
      const total = na + nb;
      const share = total > 0 ? (100 * na) / total : 50;
      const bar = h('span', { class: 'st-bar', 'aria-hidden': 'true' }, h('span', { class: 'st-bar-a' }), h('span', { class: 'st-bar-b' }));
      (bar.firstElementChild as HTMLElement).style.width = `${share}%`;
      (bar.lastElementChild as HTMLElement).style.width = `${100 - share}%`;
      return h(
        'div',
        { class: 'st-row', 'data-stat': label },
        h('span', { class: 'st-a num' }, ta),
        h('span', { class: 'st-label' }, label, bar),
        h('span', { class: 'st-b num' }, tb),
      );
    });
    this.statsBody.replaceChildren(...frag);
    const rally = v.avgRally !== null ? `Average rally ${v.avgRally.toFixed(1)} shots (longest ${v.longestRally}). ` : '';
    setText(this.statsNote, v.pointsSeen === 0 ? 'No points yet.' : `${rally}From the ${v.pointsSeen} point${v.pointsSeen === 1 ? '' : 's'} you have seen.`);
  }

  private renderFeed(points: readonly TennisPoint[]): void {
    const latest = points.slice(-FEED_SIZE).reverse();
    const key = latest.map((p) => p.seq).join(',');
    if (this.feed.dataset.key === key) return;
    this.feed.dataset.key = key;
    this.feed.replaceChildren(
      ...latest.map((p) =>
        h(
          'li',
          { class: `feed-item${p.winner ? ` w${p.winner}` : ''}`, 'data-seq': p.seq },
          h('span', { class: 'feed-score num' }, scoreLine(p)),
          h('span', { class: 'feed-text' }, describePoint(p, this.short)),
        ),
      ),
    );
  }
}
