/** Fixtures the control use-case tests share: one recorded game and a frame source that sends nothing. */
import type { GameRow } from '../../../contract/rows';
import type { FrameSource } from '../../../lambda/ports/frames';

/** A recorded tennis game `g1` of 10 frames over 9,000 ms, players `A` and `B`. */
export const recordedGame: GameRow = {
  gameId: 'g1',
  title: 'Final',
  kind: 'tennis',
  recordingKey: 'recordings/g1.jsonl',
  indexKey: 'recordings/g1.idx.json',
  durationMs: 9000,
  frameCount: 10,
  participants: ['A', 'B'],
  createdAt: 0,
};

/** A recording with frame `seq` at `seq * 1000` ms; `read` returns nothing (no frame is ever due during a test). */
export const silentFrames: FrameSource = {
  kind: 'recorded',
  read: async () => [],
  seqAtOrAfter: async (toMs) => Math.ceil(toMs / 1000),
  cursor: () => {
    throw new Error('not used');
  },
};
