/**
 * The stage of the player view, by the game's kind: tennis (scoreboard, court, point feed,
 * stats), cricket (scoreboard, scorecard, ball feed), `terminal` (xterm.js, loaded lazily) or,
 * for any other kind, a frame log. It keeps what it shows in step with the frame buffer (frames
 * added, frames removed by a seek back) and puts each kind's marks on the timeline.
 */
import type { JoinedMessage, WireFrame } from '../../../../protocol/messages';
import { toCricketEvent, type CricketEvent } from '../../cricket/frame';
import { describeEvent } from '../../cricket/describe';
import { foldCricket } from '../../cricket/model';
import { CricketPanels } from '../../cricket/view';
import { describePoint, scoreLine } from '../../tennis/describe';
import { toTennisPoint, type TennisPoint } from '../../tennis/frame';
import { foldMatch } from '../../tennis/model';
import { TennisView } from '../../tennis/view';
import { h } from '../../ui/dom';
import { toast } from '../../ui/toast';
import { FrameLog } from '../log';
import type { TerminalScreen } from '../terminal';
import type { Timeline } from '../timeline';

/** Where the stage draws, and what it asks of the player view. */
export interface StageSlots {
  /** The stage element: the kind's scoreboard goes before it. */
  readonly stage: HTMLElement;
  /** Inside the stage: the court, the scorecard, the terminal or the log. */
  readonly body: HTMLElement;
  /** The side column: feeds and stats go first in it. */
  readonly side: HTMLElement;
  readonly timeline: Timeline;
  /** Participants of a game from the last catalog, if known. */
  participants(gameId: string): readonly string[] | undefined;
}

/** The kind-specific part of one stream on screen. */
export class Stage {
  private readonly tennisPoints = new Map<number, TennisPoint>();
  private readonly cricketEvents = new Map<number, CricketEvent>();
  private tennis: TennisView | null = null;
  private cricket: CricketPanels | null = null;
  private log: FrameLog | null = null;
  private terminal: TerminalScreen | null = null;
  private kind: string | undefined;

  constructor(private readonly slots: StageSlots) {}

  /** Build the kind's views on the first `joined`; `held` are the frames already buffered, in seq order. */
  setup(msg: JoinedMessage, held: readonly WireFrame[]): void {
    const { stage, body, side } = this.slots;
    this.kind = msg.kind;
    if (msg.kind === 'tennis') {
      const tv = new TennisView();
      tv.setPlayers(msg.title, this.slots.participants(msg.gameId));
      this.tennis = tv;
      body.replaceChildren(tv.court.root);
      stage.before(tv.scoreboard);
      side.prepend(tv.stats);
      side.prepend(h('section', { class: 'panel feed-panel', 'aria-label': 'Point by point' }, h('h2', {}, 'Point by point'), tv.feed));
    } else if (msg.kind === 'cricket') {
      const cv = new CricketPanels();
      this.cricket = cv;
      body.replaceChildren(cv.card);
      stage.before(cv.scoreboard);
      side.prepend(cv.feedPanel);
      this.take(held);
    } else if (msg.kind === 'terminal') {
      body.replaceChildren(h('p', { class: 'muted' }, 'Loading the terminal…'));
      import('../terminal')
        .then(({ TerminalScreen }) => {
          const t = new TerminalScreen();
          body.replaceChildren(t.root);
          t.open();
          this.terminal = t;
          t.write(held);
        })
        .catch(() => toast('Could not load the terminal view.'));
    } else {
      const log = new FrameLog();
      this.log = log;
      body.replaceChildren(log.root);
      log.add(held);
    }
  }

  /** The catalog named the players (maybe after `joined`): true when the stage changed and wants a render. */
  setPlayers(msg: JoinedMessage): boolean {
    const names = this.tennis ? this.slots.participants(msg.gameId) : undefined;
    if (!this.tennis || !names) return false;
    this.tennis.setPlayers(msg.title, names);
    return true;
  }

  /**
   * Frames newly taken by the buffer, in seq order. Returns one line for screen readers about
   * the newest of them (`Bartoli ace · 165 km/h, S2 4–5 · 0–30`, `19.4: Bumrah to Dhoni, FOUR`,
   * `New frame: move`), or undefined when none is worth saying (a terminal's output: the
   * terminal view has its own screen-reader mode).
   */
  add(frames: readonly WireFrame[]): string | undefined {
    this.take(frames);
    this.log?.add(frames);
    this.terminal?.write(frames);
    const last = frames[frames.length - 1];
    if (!last || this.kind === 'terminal') return undefined;
    if (this.cricket) {
      const e = this.cricketEvents.get(last.seq);
      if (!e) return undefined;
      const line = describeEvent(e);
      return `${line.head}: ${line.text}`;
    }
    if (this.tennis) {
      const p = this.tennisPoints.get(last.seq);
      return p ? `${describePoint(p, this.tennis.shortNames)}, ${scoreLine(p)}` : undefined;
    }
    return `New frame: ${last.type}`;
  }

  /** Seqs the buffer removed (a new epoch replaced them); `held` is what it still holds, in seq order. */
  remove(seqs: readonly number[], held: readonly WireFrame[]): void {
    for (const s of seqs) {
      this.tennisPoints.delete(s);
      this.cricketEvents.delete(s);
    }
    this.log?.remove(seqs);
    if (this.terminal) {
      this.terminal.reset();
      this.terminal.write(held);
    }
  }

  /**
   * Draw the scoreboards and the timeline's marks from what is held. `frameCount` is the
   * recording's frame count when it is known to be final (a recorded game), else undefined (a
   * live game's last frame so far is not the end of the match).
   */
  render(frameCount: number | undefined): void {
    const { timeline } = this.slots;
    if (this.cricket) {
      const events = [...this.cricketEvents.values()].sort((a, b) => a.seq - b.seq);
      this.cricket.render(foldCricket(events));
      timeline.setMarks(
        events
          .filter((e) => e.type === 'wicket' || (e.type === 'ball' && e.boundary !== null) || e.type === 'milestone')
          .map((e) => {
            const line = describeEvent(e);
            return { seq: e.seq, t: e.t, winner: e.type === 'wicket' ? 2 : 1, label: `${line.head} · ${line.text}` };
          }),
      );
      return;
    }
    if (!this.tennis) return;
    const points = [...this.tennisPoints.values()].sort((a, b) => a.seq - b.seq);
    const view = foldMatch(points, frameCount !== undefined ? { frameCount } : {});
    this.tennis.render(view, points);
    const names = this.tennis.shortNames;
    timeline.setMarks(points.map((p) => ({ seq: p.seq, t: p.t, winner: p.winner, label: describePoint(p, names) })));
    timeline.setBoundaries(view.boundaries);
  }

  /** Adapt frames to the kind's events (tennis points, cricket events), by seq. */
  private take(frames: readonly WireFrame[]): void {
    for (const f of frames) {
      if (this.kind === 'cricket') {
        const e = toCricketEvent(f);
        if (e) this.cricketEvents.set(f.seq, e);
        continue;
      }
      const p = toTennisPoint(f);
      if (p) this.tennisPoints.set(f.seq, p);
    }
  }
}
