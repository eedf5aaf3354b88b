/**
 * The cricket web view: the TV-style score bug (team, runs/wickets, overs, the chase, the
 * result), every innings' scorecard on the stage (batting, bowling, extras, fall of wickets,
 * target) and the ball-by-ball feed. The state is the shared reducer's (kinds/cricket), folded
 * from the server's snapshot: a viewer who joins in the chase sees both innings' cards.
 */
import { cricket, type CricketState } from '../../../../kinds/cricket';
import type { JoinedMessage, WireFrame } from '../../../../protocol/messages';
import { h, setText } from '../../ui/dom';
import { headerOf, FoldedState } from '../fold';
import type { KindModule, KindSlots, KindView, WireSnapshot } from '../types';
import { chip, currentInnings, feedLine, inningsName, inningsSummary, scoreBug, scorecards, type CardModel } from './model';

const FEED_SIZE = 12;

class CricketView implements KindView {
  private readonly folded: FoldedState<CricketState>;
  private held: readonly WireFrame[] = [];
  private readonly scoreboard: HTMLElement;
  private readonly team: HTMLElement;
  private readonly teamShort: HTMLElement;
  private readonly score: HTMLElement;
  private readonly overs: HTMLElement;
  private readonly context: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly recent: HTMLElement;
  private readonly extras: HTMLElement;
  private readonly partnership: HTMLElement;
  private readonly inningsList: HTMLElement;
  private readonly cards: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly cardBody: HTMLElement;
  private readonly card: HTMLElement;
  private readonly feed: HTMLElement;

  constructor(slots: KindSlots, joined: JoinedMessage, participants: readonly string[] | undefined) {
    this.folded = new FoldedState(cricket, () => cricket.initialState(headerOf(joined, participants)));
    this.team = h('span', { class: 'cs-team', 'data-testid': 'cricket-team' }, 'Waiting for the first ball');
    this.teamShort = h('span', { class: 'cs-team cs-team-short', 'aria-hidden': 'true' });
    this.score = h('span', { class: 'cs-score num', 'data-testid': 'cricket-runs' }, '–');
    this.overs = h('span', { class: 'cs-overs num', 'data-testid': 'cricket-overs' });
    this.context = h('div', { class: 'cs-context num', 'data-testid': 'cricket-context' });
    this.badge = h('div', { class: 'sb-badge cs-badge', 'data-testid': 'score-badge', 'aria-live': 'polite' });
    this.scoreboard = h(
      'section',
      { class: 'scoreboard cricket-sb', 'aria-label': 'Scoreboard', 'data-testid': 'scoreboard', role: 'group' },
      h('div', { class: 'cs-row' }, this.team, this.teamShort, this.score, this.overs),
      this.context,
      this.badge,
    );
    this.recent = h('ol', { class: 'cs-recent', 'aria-label': 'Last deliveries', 'data-testid': 'recent-balls' });
    this.extras = h('span', { 'data-testid': 'cricket-extras' });
    this.partnership = h('span', { 'data-testid': 'cricket-partnership' });
    this.inningsList = h('ul', { class: 'cs-innings', 'aria-label': 'Innings so far', 'data-testid': 'innings-list' });
    this.cards = h('div', { class: 'cs-cards', 'data-testid': 'innings-cards' });
    this.empty = h('p', { class: 'muted' }, 'The scorecard fills in as the deliveries arrive.');
    this.cardBody = h(
      'div',
      { class: 'cs-body', hidden: true },
      h('div', { class: 'cs-strip' }, h('span', { class: 'cs-label' }, 'Recent'), this.recent),
      h('p', { class: 'cs-meta small' }, this.extras, this.partnership),
      this.inningsList,
      this.cards,
    );
    this.card = h('section', { class: 'cricket-card', 'aria-label': 'Scorecard', 'data-testid': 'scorecard' }, this.empty, this.cardBody);
    this.feed = h('ol', { class: 'feed cs-feed', 'data-testid': 'point-feed', 'aria-label': 'Latest deliveries', 'aria-live': 'off' });
    slots.body.replaceChildren(this.card);
    slots.stage.before(this.scoreboard);
    slots.side.prepend(h('section', { class: 'panel feed-panel', 'aria-label': 'Ball by ball' }, h('h2', {}, 'Ball by ball'), this.feed));
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
    const line = last ? feedLine(last) : null;
    return line ? `${line.head}: ${line.text}` : undefined;
  }

  render(): void {
    const s = this.folded.state;
    const balls = this.held.filter((f) => f.type === 'ball').length;
    this.scoreboard.dataset.balls = String(balls);
    this.scoreboard.dataset.points = String(balls);
    this.renderFeed();
    const bug = scoreBug(s);
    const c = currentInnings(s);
    if (!bug || !c) return;
    this.scoreboard.dataset.runs = String(c.runs);
    this.scoreboard.dataset.wickets = String(c.wickets);
    this.scoreboard.dataset.innings = String(c.innings);
    setText(this.team, bug.team);
    this.team.title = bug.team;
    setText(this.teamShort, bug.teamShort);
    setText(this.score, bug.score);
    setText(this.overs, bug.overs);
    this.scoreboard.setAttribute('aria-label', `Scoreboard: ${c.team} ${c.runs} for ${c.wickets} after ${c.overs} overs`);
    setText(this.context, bug.context);
    setText(this.badge, bug.badge);
    this.badge.dataset.tone = bug.tone;
    this.scoreboard.classList.toggle('over', s.result !== null);
    this.empty.hidden = true;
    this.cardBody.hidden = false;

    this.recent.replaceChildren(
      ...s.recent.map((sym) => {
        const ch = chip(sym);
        return h('li', { class: `chip chip-${ch.kind}`, 'aria-label': ch.aria }, ch.label);
      }),
    );
    const cards = scorecards(s);
    const cur = cards[cards.length - 1]!;
    setText(this.extras, cur.extras);
    setText(this.partnership, cur.partnership);
    this.inningsList.replaceChildren(...s.innings.slice(0, -1).map((p) => h('li', {}, `${inningsName(p)}: ${inningsSummary(p)}`)));
    this.inningsList.hidden = s.innings.length < 2;
    const key = JSON.stringify(cards);
    if (this.cards.dataset.key !== key) {
      this.cards.dataset.key = key;
      // The innings in progress first, then the earlier ones.
      this.cards.replaceChildren(...[...cards].reverse().map((m) => cardEl(m)));
    }
  }

  private renderFeed(): void {
    const lines = [];
    for (let i = this.held.length - 1; i >= 0 && lines.length < FEED_SIZE; i--) {
      const l = feedLine(this.held[i]!);
      if (l) lines.push(l);
    }
    const key = lines.map((l) => l.seq).join(',');
    if (this.feed.dataset.key === key) return;
    this.feed.dataset.key = key;
    this.feed.replaceChildren(
      ...lines.map((l) =>
        h('li', { class: `feed-item cs-${l.tone}`, 'data-seq': l.seq, 'data-tone': l.tone }, h('span', { class: 'feed-score num' }, l.head), h('span', { class: 'feed-text', title: l.text }, l.text)),
      ),
    );
  }
}

/** One innings' scorecard. */
function cardEl(m: CardModel): HTMLElement {
  const table = (label: string, cols: string[], rows: HTMLElement[], testid: string) =>
    h(
      'table',
      { class: 'cs-table num', 'aria-label': label, 'data-testid': testid },
      h('thead', {}, h('tr', {}, ...cols.map((c, i) => h('th', { scope: 'col', class: i === 0 ? 'cs-name' : '' }, c)))),
      h('tbody', {}, ...rows),
    );
  const batting = m.batting.map((b) =>
    h(
      'tr',
      { class: b.onStrike ? 'on-strike' : '' },
      h('th', { scope: 'row', class: 'cs-name', title: b.name }, `${b.name}${b.onStrike ? ' *' : ''}`, h('span', { class: 'cs-howout small muted' }, ` ${b.howOut}`)),
      h('td', { class: 'cs-strong' }, String(b.runs)),
      h('td', {}, String(b.balls)),
      h('td', {}, String(b.fours)),
      h('td', {}, String(b.sixes)),
      h('td', {}, b.strikeRate),
    ),
  );
  const bowling = m.bowling.map((b) =>
    h(
      'tr',
      { class: b.bowling ? 'bowling-now' : '' },
      h('th', { scope: 'row', class: 'cs-name', title: b.name }, b.name),
      h('td', {}, b.overs),
      h('td', {}, String(b.maidens)),
      h('td', {}, String(b.runs)),
      h('td', { class: 'cs-strong' }, String(b.wickets)),
      h('td', {}, b.economy),
    ),
  );
  return h(
    'section',
    { class: 'cs-innings-card', 'data-testid': 'innings-card', 'data-innings': m.innings, 'aria-label': m.title },
    h('h3', { class: 'cs-card-title' }, h('span', {}, m.title), ' ', h('span', { class: 'num', 'data-testid': 'innings-summary' }, m.summary), m.target ? h('span', { class: 'muted small' }, ` · ${m.target}`) : null),
    table(`Batting, ${m.title}`, ['Batter', 'R', 'B', '4s', '6s', 'SR'], batting, 'batting'),
    table(`Bowling, ${m.title}`, ['Bowler', 'O', 'M', 'R', 'W', 'Econ'], bowling, 'bowling'),
    h('p', { class: 'cs-meta small', 'data-testid': 'innings-extras' }, m.extras),
    m.fallOfWickets ? h('p', { class: 'cs-fow small', 'data-testid': 'fall-of-wickets' }, m.fallOfWickets) : null,
  );
}

/** Cricket (`kind: 'cricket'`). */
export const cricketView: KindModule = {
  kind: 'cricket',
  mount: (slots, joined, participants) => new CricketView(slots, joined, participants),
};
