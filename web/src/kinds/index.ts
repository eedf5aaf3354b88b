/**
 * The game kinds the web client draws: ONE list. Adding a kind = one folder under
 * web/src/kinds/ exporting a {@link KindModule} (its view, folding frames with the kind's
 * shared reducer from kinds/<kind>) + one line in {@link KIND_VIEWS}.
 *
 * | kind | view |
 * | --- | --- |
 * | tennis | scoreboard (every set, game, tie-break, server), court, match stats, point feed |
 * | cricket | score bug, every innings' scorecard, target and required rate, ball feed |
 * | terminal | xterm.js at the recording's cols × rows, font fitted to the panel |
 * | chess | board from the FEN, clocks, material, move list |
 * | generic | event counts and the latest events (also any kind without a view) |
 */
import { chessView } from './chess';
import { cricketView } from './cricket';
import { genericView } from './generic';
import { tennisView } from './tennis';
import { terminalView } from './terminal';
import type { KindModule } from './types';

export type { KindModule, KindView, KindSlots, FrameMark, RenderInfo, WireSnapshot, WireMarker } from './types';

/** Every kind the web client has a view for. */
export const KIND_VIEWS: readonly KindModule[] = [tennisView, cricketView, terminalView, chessView, genericView];

/** The view module for a recording's `kind`: its own, else the generic one. */
export function kindView(kind: string): KindModule {
  return KIND_VIEWS.find((k) => k.kind === kind) ?? genericView;
}
