/**
 * Where a live game's keyframes are folded on when the append path's lean kinds cannot
 * (kinds/lean.ts: a terminal resize, or output past what a lean state holds under the
 * snapshot limit): the index function, which has the full kinds (the terminal emulator).
 * Implemented by adapters/live-keyframer.ts (an asynchronous Lambda `Invoke`) and the tests'
 * in-process fake.
 */
export interface LiveKeyframer {
  /**
   * Ask for game `gameId`'s keyframes object to be folded on from where it stopped, with the
   * full kinds, up to the game's committed frames (application/refold-live-keyframes.ts).
   * Resolves once the request is queued, not when it is done; asking again while one runs is
   * harmless (the fold is idempotent by seq). Throws when the request could not be queued.
   */
  request(gameId: string): Promise<void>;
}
