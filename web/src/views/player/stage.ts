/**
 * The stage of the player view: the game kind's own view (web/src/kinds/: one module per
 * kind, found in one list), kept in step with the frame buffer — the server's snapshot drawn
 * first (protocol 1.1 `joined.snapshot`, a seek's `state.snapshot`), then the frames from its
 * seq on — and the timeline's marks: the recording's markers (`joined.markers` and follow-up
 * `markers` messages) and, for kinds that have them, one mark per frame held.
 */
import type { JoinedMessage, WireFrame } from '../../../../protocol/messages';
import { kindView, type KindView, type WireMarker, type WireSnapshot } from '../../kinds';
import type { Timeline } from '../timeline';

/** Where the stage draws, and what it asks of the player view. */
export interface StageSlots {
  /** The stage element: the kind's scoreboard goes before it. */
  readonly stage: HTMLElement;
  /** Inside the stage: the court, the scorecard, the board, the terminal or the log. */
  readonly body: HTMLElement;
  /** The side column: feeds and stats go first in it. */
  readonly side: HTMLElement;
  readonly timeline: Timeline;
  /** Participants of a game from the last catalog, if known. */
  participants(gameId: string): readonly string[] | undefined;
}

/** The kind-specific part of one stream on screen. */
export class Stage {
  private view: KindView | null = null;
  private held: readonly WireFrame[] = [];
  private marksDirty = true;

  constructor(private readonly slots: StageSlots) {}

  /**
   * Build the kind's view on the first `joined` and draw `snapshot` (undefined: from the kind's
   * initial state); `held` are the frames already buffered, in seq order.
   */
  setup(msg: JoinedMessage, snapshot: WireSnapshot | undefined, held: readonly WireFrame[]): void {
    this.view = kindView(msg.kind).mount(this.slots, msg, this.slots.participants(msg.gameId));
    this.reset(snapshot, held);
  }

  /** Start over from a snapshot (a seek, a rejoin into a newer epoch) and the frames held. */
  reset(snapshot: WireSnapshot | undefined, held: readonly WireFrame[]): void {
    this.held = held;
    this.marksDirty = true;
    this.view?.reset(snapshot, held);
  }

  /** The recording's markers (replacing those shown). */
  setMarkers(markers: readonly WireMarker[]): void {
    this.slots.timeline.setMarkers(markers);
  }

  /** More markers (a `markers` message after `joined`): appended. */
  addMarkers(markers: readonly WireMarker[]): void {
    this.slots.timeline.addMarkers(markers);
  }

  /** The catalog named the players (maybe after `joined`): true when the stage changed and wants a render. */
  setPlayers(msg: JoinedMessage): boolean {
    return this.view?.setPlayers?.(msg.title, this.slots.participants(msg.gameId)) ?? false;
  }

  /**
   * Frames newly taken by the buffer, in seq order; `held` is every frame held. Returns one
   * line for screen readers about the newest of them, or undefined when none is worth saying.
   */
  add(frames: readonly WireFrame[], held: readonly WireFrame[]): string | undefined {
    this.held = held;
    this.marksDirty = true;
    return this.view?.add(frames, held);
  }

  /** Seqs the buffer removed (a new epoch replaced them); `held` is what it still holds, in seq order. */
  remove(_seqs: readonly number[], held: readonly WireFrame[], snapshot: WireSnapshot | undefined): void {
    this.reset(snapshot, held);
  }

  /**
   * Draw the kind's view and the per-frame marks. `frameCount` is the recording's frame count
   * when it is known to be final (a recorded game), else undefined (a live game).
   */
  render(frameCount: number | undefined): void {
    if (!this.view) return;
    this.view.render({ frameCount });
    this.slots.stage.dataset.stateSeq = String(this.view.upTo);
    if (this.marksDirty && this.view.frameMarks) {
      this.marksDirty = false;
      this.slots.timeline.setMarks(this.view.frameMarks(this.held));
    }
  }
}
