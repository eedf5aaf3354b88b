/**
 * Cricket panels of the player view: the TV-style score bug (team, runs/wickets, overs, the
 * chase), the scorecard on the stage (batters at the crease, bowling figures, the last six
 * balls, extras, partnership, fall of wickets, earlier innings) and the ball-by-ball feed.
 * Rebuilt from {@link foldCricket} on every batch; text only through textContent.
 */
import { h, setText } from '../ui/dom';
import { dismissalText, type FeedLine } from './describe';
import { shortPlayer, teamShort } from './frame';
import { bowlingFigures, formatRate, type CricketView, type InningsView } from './model';

const FEED_SIZE = 12;
const MAX_BOWLERS = 6;

/** The cricket body of the player view. */
export class CricketPanels {
  /** Placed above the stage. */
  readonly scoreboard: HTMLElement;
  /** Placed in the stage. */
  readonly card: HTMLElement;
  /** Placed in the side column. */
  readonly feedPanel: HTMLElement;
  private readonly team: HTMLElement;
  private readonly teamShort: HTMLElement;
  private readonly score: HTMLElement;
  private readonly overs: HTMLElement;
  private readonly context: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly recent: HTMLElement;
  private readonly battingBody: HTMLElement;
  private readonly bowlingBody: HTMLElement;
  private readonly extras: HTMLElement;
  private readonly partnership: HTMLElement;
  private readonly fow: HTMLElement;
  private readonly innings: HTMLElement;
  private readonly feed: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly cardBody: HTMLElement;

  constructor() {
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

    this.recent = h('ol', { class: 'cs-recent', 'aria-label': 'Last six balls', 'data-testid': 'recent-balls' });
    this.battingBody = h('tbody', {});
    this.bowlingBody = h('tbody', {});
    const table = (label: string, cols: string[], body: HTMLElement, testid: string) =>
      h(
        'table',
        { class: 'cs-table num', 'aria-label': label, 'data-testid': testid },
        h('thead', {}, h('tr', {}, ...cols.map((c, i) => h('th', { scope: 'col', class: i === 0 ? 'cs-name' : '' }, c)))),
        body,
      );
    this.extras = h('span', { 'data-testid': 'cricket-extras' });
    this.partnership = h('span', { 'data-testid': 'cricket-partnership' });
    this.fow = h('p', { class: 'cs-fow small', 'data-testid': 'fall-of-wickets' });
    this.innings = h('ul', { class: 'cs-innings', 'aria-label': 'Innings so far', 'data-testid': 'innings-list' });
    this.empty = h('p', { class: 'muted' }, 'The scorecard fills in as the deliveries arrive.');
    this.cardBody = h(
      'div',
      { class: 'cs-body', hidden: true },
      h('div', { class: 'cs-strip' }, h('span', { class: 'cs-label' }, 'Last 6'), this.recent),
      table('Batters at the crease', ['Batter', 'R', 'B', '4s', '6s', 'SR'], this.battingBody, 'batting'),
      table('Bowling figures', ['Bowler', 'O', 'M', 'R', 'W', 'Econ'], this.bowlingBody, 'bowling'),
      h('p', { class: 'cs-meta small' }, this.extras, this.partnership),
      this.fow,
      this.innings,
    );
    this.card = h('section', { class: 'cricket-card', 'aria-label': 'Scorecard', 'data-testid': 'scorecard' }, this.empty, this.cardBody);

    this.feed = h('ol', { class: 'feed cs-feed', 'data-testid': 'point-feed', 'aria-label': 'Latest deliveries', 'aria-live': 'off' });
    this.feedPanel = h('section', { class: 'panel feed-panel', 'aria-label': 'Ball by ball' }, h('h2', {}, 'Ball by ball'), this.feed);
  }

  /** Render the folded state. */
  render(v: CricketView): void {
    const c = v.current;
    this.scoreboard.dataset.balls = String(v.ballsSeen);
    this.scoreboard.dataset.points = String(v.ballsSeen);
    this.renderFeed(v.feed);
    if (!c) return;
    this.scoreboard.dataset.runs = String(c.runs);
    this.scoreboard.dataset.wickets = String(c.wickets);
    this.scoreboard.dataset.innings = String(c.innings);
    setText(this.team, c.team);
    setText(this.teamShort, teamShort(c.team));
    this.team.title = c.team;
    setText(this.score, `${c.runs}/${c.wickets}`);
    setText(this.overs, `${c.overs} ov`);
    this.scoreboard.setAttribute('aria-label', `Scoreboard: ${c.team} ${c.runs} for ${c.wickets} after ${c.overs} overs`);

    const ctx: string[] = [];
    for (const p of v.previous) {
      ctx.push(p.wickets === null ? `${teamShort(p.team)} ${p.runs}` : `${teamShort(p.team)} ${p.runs}/${p.wickets}${p.overs ? ` (${p.overs})` : ''}`);
    }
    if (c.chase) ctx.push(`Target ${c.chase.target}`);
    ctx.push(`CRR ${formatRate(c.runRate)}`);
    if (c.chase && c.chase.requiredRate !== null && !c.complete) ctx.push(`RRR ${formatRate(c.chase.requiredRate)}`);
    setText(this.context, ctx.join('  ·  '));

    let badge: string;
    let tone = '';
    if (v.result) {
      badge = v.result;
      tone = 'over';
    } else if (c.complete) {
      badge = `End of innings · ${teamShort(c.team)} ${c.runs}/${c.wickets}`;
    } else if (c.chase) {
      const left = c.chase.ballsLeft;
      badge = c.chase.need <= 0 ? `${teamShort(c.team)} reach the target` : `${teamShort(c.team)} need ${c.chase.need} run${c.chase.need === 1 ? '' : 's'}${left !== null ? ` from ${left} ball${left === 1 ? '' : 's'}` : ''}`;
      tone = 'chase';
    } else {
      badge = c.superOver ? 'Super over' : `${ordinal(c.innings)} innings · ${teamShort(c.bowlingTeam)} bowling`;
    }
    setText(this.badge, badge);
    this.badge.dataset.tone = tone;
    this.scoreboard.classList.toggle('over', v.result !== null);

    this.empty.hidden = true;
    this.cardBody.hidden = false;
    this.renderCard(c, v);
  }

  private renderCard(c: InningsView, v: CricketView): void {
    this.recent.replaceChildren(
      ...c.recent.map((b) => h('li', { class: `chip chip-${b.kind}`, 'data-seq': b.seq, 'aria-label': chipLabel(b.label) }, b.label)),
    );
    const nameOf = uniqueShortNames([...c.batters, ...c.bowlers].map((b) => b.name));
    const rows = c.batters.map((b) =>
      h(
        'tr',
        { class: b.onStrike ? 'on-strike' : '' },
        h('th', { scope: 'row', class: 'cs-name', title: b.name }, `${nameOf(b.name)}${b.onStrike ? ' *' : ''}`),
        h('td', { class: 'cs-strong' }, String(b.runs)),
        h('td', {}, String(b.balls)),
        h('td', {}, String(b.fours)),
        h('td', {}, String(b.sixes)),
        h('td', {}, b.balls > 0 ? ((100 * b.runs) / b.balls).toFixed(1) : '–'),
      ),
    );
    if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, c.complete ? 'Innings complete.' : 'New batter coming in.')));
    this.battingBody.replaceChildren(...rows);

    const current = c.bowler?.name;
    const bowlers = c.bowlers.length > MAX_BOWLERS ? [...c.bowlers].sort((a, b) => Number(b.name === current) - Number(a.name === current)).slice(0, MAX_BOWLERS) : c.bowlers;
    this.bowlingBody.replaceChildren(
      ...bowlers.map((b) => {
        const balls = toBalls(b.overs);
        return h(
          'tr',
          { class: b.name === current && !c.complete ? 'bowling-now' : '', title: bowlingFigures(b) },
          h('th', { scope: 'row', class: 'cs-name', title: b.name }, nameOf(b.name)),
          h('td', {}, b.overs),
          h('td', {}, String(b.maidens)),
          h('td', {}, String(b.runs)),
          h('td', { class: 'cs-strong' }, String(b.wickets)),
          h('td', {}, balls ? ((6 * b.runs) / balls).toFixed(2) : '–'),
        );
      }),
    );

    const e = c.extras;
    setText(this.extras, e ? `Extras ${e.total} (wd ${e.wides}, nb ${e.noballs}, b ${e.byes}, lb ${e.legbyes}${e.penalty ? `, pen ${e.penalty}` : ''})` : 'Extras –');
    setText(this.partnership, c.partnership && !c.complete ? `Partnership ${c.partnership.runs} (${c.partnership.balls})` : '');
    setText(
      this.fow,
      c.fallOfWickets.length
        ? `Fall of wickets: ${c.fallOfWickets.map((f) => `${f.wicket}-${f.runs} (${shortPlayer(f.batter)}, ${f.overs})`).join(', ')}`
        : c.wickets > 0
          ? 'Fall of wickets: before you joined.'
          : '',
    );
    this.fow.hidden = this.fow.textContent === '';
    const lb = v.lastBall;
    const lastWicket = lb && lb.wickets[0] ? `${shortPlayer(lb.wickets[0].playerOut)} ${dismissalText(lb.wickets[0])}` : '';
    this.card.dataset.lastWicket = lastWicket;
    this.innings.replaceChildren(
      ...v.previous.map((p) =>
        h('li', {}, `${p.superOver ? 'Super over' : `${ordinal(p.innings)} inns`}: ${p.team} ${p.runs}${p.wickets === null ? '' : `/${p.wickets}`}${p.overs ? ` (${p.overs} ov)` : ''}`),
      ),
    );
    this.innings.hidden = v.previous.length === 0;
  }

  private renderFeed(feed: readonly FeedLine[]): void {
    const latest = feed.slice(-FEED_SIZE).reverse();
    const key = latest.map((l) => l.seq).join(',');
    if (this.feed.dataset.key === key) return;
    this.feed.dataset.key = key;
    this.feed.replaceChildren(
      ...latest.map((l) =>
        h('li', { class: `feed-item cs-${l.tone}`, 'data-seq': l.seq, 'data-tone': l.tone }, h('span', { class: 'feed-score num' }, l.head), h('span', { class: 'feed-text', title: l.text }, l.text)),
      ),
    );
  }
}

/** Short names, except where two players would share one ("KH Pandya", "HH Pandya"): then the full names. */
function uniqueShortNames(names: readonly string[]): (name: string) => string {
  const count = new Map<string, Set<string>>();
  for (const n of names) {
    const s = shortPlayer(n);
    count.set(s, (count.get(s) ?? new Set()).add(n));
  }
  return (name) => {
    const s = shortPlayer(name);
    return (count.get(s)?.size ?? 0) > 1 ? name : s;
  };
}

function ordinal(n: number): string {
  return n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

function toBalls(overs: string): number {
  const m = /^(\d+)\.(\d+)$/.exec(overs);
  return m ? Number(m[1]) * 6 + Number(m[2]) : 0;
}

function chipLabel(label: string): string {
  if (label === '•') return 'dot ball';
  if (label === 'W') return 'wicket';
  if (label.startsWith('W+')) return `wicket, ${label.slice(2)}`;
  return label.replace(/wd$/, ' wide').replace(/nb$/, ' no ball').replace(/lb$/, ' leg byes').replace(/(\d)b$/, '$1 byes');
}
