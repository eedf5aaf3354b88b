/**
 * What the player view's stage needs from a game kind's web view, and the checks on the
 * protocol 1.1 fields the client reads (protocol/server.ts: `joined.snapshot`,
 * `joined.markers`, the follow-up `markers` message and a seek's `state.snapshot`): data from
 * the network is checked before it is drawn.
 *
 * A kind's web view never parses frames itself: it folds them with the kind's shared reducer
 * (kinds/<kind>/index.ts), starting from the snapshot the server sent, and draws the state.
 */
import { z } from 'zod';
import { MAX_MARKERS, type JoinedMessage, type WireFrame, type WireMarker, type WireSnapshot } from '../../../protocol/messages';

export type { MarkersMessage, WireMarker, WireSnapshot } from '../../../protocol/messages';

const markerSchema = z.object({
  t: z.number().nonnegative(),
  seq: z.number().int().nonnegative(),
  label: z.string().max(500),
  kind: z.string().max(64),
});
const snapshotSchema = z.object({ seq: z.number().int().nonnegative(), state: z.unknown() });

/** Most markers the client keeps for one stream (the protocol's cap per recording). */
export const MAX_CLIENT_MARKERS = MAX_MARKERS;

/**
 * The snapshot a `joined` or `state` message carries, or undefined when it has none (a server
 * before protocol 1.1) or it is malformed (`seq` not an integer ≥ 0, or `state` missing).
 */
export function snapshotOf(msg: object): WireSnapshot | undefined {
  const s = (msg as { snapshot?: unknown }).snapshot;
  if (s === undefined) return undefined;
  const r = snapshotSchema.safeParse(s);
  return r.success && r.data.state !== undefined ? { seq: r.data.seq, state: r.data.state } : undefined;
}

/**
 * The well-formed markers of a `joined` or `markers` message (`markers: [{ t, seq, label, kind }]`);
 * malformed entries are dropped, at most {@link MAX_CLIENT_MARKERS} kept.
 */
export function markersOf(msg: object): WireMarker[] {
  const list = (msg as { markers?: unknown }).markers;
  if (!Array.isArray(list)) return [];
  const out: WireMarker[] = [];
  for (const m of list.slice(0, MAX_CLIENT_MARKERS)) {
    const r = markerSchema.safeParse(m);
    if (r.success) out.push(r.data);
  }
  return out;
}

/** Where a kind's view draws (the player view's slots). */
export interface KindSlots {
  /** The stage element: a kind's scoreboard goes before it. */
  readonly stage: HTMLElement;
  /** Inside the stage: the court, scorecard, board, terminal or log. */
  readonly body: HTMLElement;
  /** The side column: feeds and stats go first in it. */
  readonly side: HTMLElement;
}

/** A mark on the timeline for one frame held (tennis: every point, coloured by its winner). */
export interface FrameMark {
  readonly seq: number;
  readonly t: number;
  readonly winner: 1 | 2 | null;
  readonly label: string;
}

/** What the stage passes to a kind's render. */
export interface RenderInfo {
  /** The recording's frame count when final (a recorded game), else undefined (a live game). */
  readonly frameCount: number | undefined;
}

/** One kind's view of one stream. */
export interface KindView {
  /**
   * Start over from `base` (a snapshot; undefined: the kind's initial state at seq 0) and the
   * frames held (seq order): frames with seq ≥ base.seq are applied, earlier ones are already
   * in the snapshot.
   */
  reset(base: WireSnapshot | undefined, held: readonly WireFrame[]): void;
  /**
   * Frames newly held (seq order); `held` is every frame held now. Returns one line for screen
   * readers about the newest, or undefined when there is nothing worth saying.
   */
  add(frames: readonly WireFrame[], held: readonly WireFrame[]): string | undefined;
  /**
   * The state drawn covers every frame with seq < this (the snapshot's seq plus the frames
   * applied since). The stage shows it as `data-state-seq`.
   */
  readonly upTo: number;
  /** Draw the state (called at most once per animation frame). */
  render(info: RenderInfo): void;
  /** Per-frame timeline marks (tennis points), when the kind has them. */
  frameMarks?(held: readonly WireFrame[]): FrameMark[];
  /** The catalog named the participants (maybe after `joined`): true when a render is wanted. */
  setPlayers?(title: string, participants: readonly string[] | undefined): boolean;
}

/** One kind's web module: a folder under web/src/kinds/ and one line in its index.ts. */
export interface KindModule {
  /** The recording header's `kind`. */
  readonly kind: string;
  /** Build the view in `slots` for the stream `joined` describes. */
  mount(slots: KindSlots, joined: JoinedMessage, participants: readonly string[] | undefined): KindView;
}
