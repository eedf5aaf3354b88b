import { grownLength, StreamSession } from '../../client/session';
import type { JoinedMessage, StateMessage, WireFrame } from '../../protocol/messages';

const f = (seq: number, t = seq * 1000): WireFrame => ({ seq, t, type: 'point', data: { seq } });
const S = 'pvai:2012-wimbledon-1701:alice@example';
const joined = (over: Partial<JoinedMessage> = {}): JoinedMessage => ({
  type: 'joined', streamId: S, gameId: '2012-wimbledon-1701', kind: 'tennis', title: 't', mode: 'pvai', role: 'player',
  status: 'playing', speed: 2, epoch: 1, positionMs: 10_000, positionSeq: 10, durationMs: 60_000, frameCount: 60, clients: 1, ...over,
});
const state = (over: Partial<StateMessage> = {}): StateMessage => ({
  type: 'state', streamId: S, status: 'playing', speed: 2, epoch: 2, positionMs: 10_000, positionSeq: 10, by: 'alice', ...over,
});

describe('grownLength (live games)', () => {
  const known = { durationMs: 60_000, frameCount: 10 };
  it('extends the duration to the largest t and the frame count past the largest seq', () => {
    expect(grownLength(known, [{ seq: 10, t: 61_000 }, { seq: 11, t: 65_500 }], true)).toEqual({ durationMs: 65_500, frameCount: 12 });
  });
  it('never shrinks, and keeps the same object when nothing grew', () => {
    expect(grownLength(known, [{ seq: 3, t: 20_000 }], true)).toBe(known);
    expect(grownLength(known, [], true)).toBe(known);
    expect(grownLength(known, [{ seq: 12, t: 59_000 }], true)).toEqual({ durationMs: 60_000, frameCount: 13 });
  });
  it('leaves a recorded game’s length alone', () => {
    expect(grownLength(known, [{ seq: 99, t: 999_000 }], false)).toBe(known);
  });
});

describe('StreamSession', () => {
  it('has no rejoin message before joined; then the buffer cursor of its stream', () => {
    const s = new StreamSession();
    expect(s.rejoinMessage()).toBeUndefined();
    expect(s.onJoined(joined(), 0).first).toBe(true);
    s.onFrames(1, [f(10), f(11)], 0);
    expect(s.rejoinMessage()).toEqual({ action: 'rejoin', streamId: S, epoch: 1, lastSeq: 11 });
    expect(s.onJoined(joined({ positionSeq: 14 }), 0).first).toBe(false);
    expect(s.rejoinMessage()).toEqual({ action: 'rejoin', streamId: S, epoch: 1, lastSeq: 11 });
  });

  it('estimates the playhead from the last anchor, at speed while playing, within the length', () => {
    const s = new StreamSession();
    expect(s.playhead(5)).toBe(0);
    s.onJoined(joined(), 1000);
    expect(s.playhead(3000)).toBe(14_000); // 2 s at 2×
    s.onState(state({ status: 'paused', positionMs: 20_000 }), 4000);
    expect(s.playhead(9000)).toBe(20_000);
    s.onState(state({ epoch: 3, status: 'playing', speed: 64, positionMs: 50_000 }), 10_000);
    expect(s.playhead(20_000)).toBe(60_000);
  });

  it('moves the playhead to a frame that arrives past the estimate while playing', () => {
    const s = new StreamSession();
    s.onJoined(joined({ positionSeq: 0, positionMs: 0 }), 0);
    s.onFrames(1, [f(0, 0), f(1, 30_000)], 1000);
    expect(s.playhead(1000)).toBe(30_000);
    expect(s.playhead(2000)).toBe(32_000);
  });

  it('a live game grows with its frames; a rejoin keeps what the held frames tell', () => {
    const s = new StreamSession();
    s.onJoined(joined({ live: true, positionSeq: 0, durationMs: 5_000, frameCount: 5 }), 0);
    expect(s.onFrames(1, [f(5), f(6)], 0).grew).toBe(true);
    expect(s.known).toEqual({ durationMs: 6_000, frameCount: 7 });
    s.onJoined(joined({ live: true, positionSeq: 7, durationMs: 5_000, frameCount: 5 }), 0);
    expect(s.known).toEqual({ durationMs: 6_000, frameCount: 7 });
    s.onEnded('finished', 100);
    expect(s.live).toBe(false);
    expect(s.status).toBe('ended');
    expect(s.playhead(10_000)).toBe(6_000);
  });

  it('keeps startsAt until the stream leaves scheduled/awaiting_start; reports the state before a change', () => {
    const s = new StreamSession();
    s.onJoined(joined({ status: 'scheduled', startsAt: 1_000_000 }), 0);
    expect(s.startsAt).toBe(1_000_000);
    expect(s.onState(state({ status: 'awaiting_start', epoch: 1 }), 0).prev).toEqual({ status: 'scheduled', speed: 2 });
    expect(s.startsAt).toBe(1_000_000);
    s.onState(state({ status: 'playing', epoch: 2, speed: 1 }), 0);
    expect(s.startsAt).toBeUndefined();
    expect(s.speed).toBe(1);
  });

  it('ignores frames before the first joined: they raced the join, and joined says where the stream starts', () => {
    const s = new StreamSession();
    expect(s.onFrames(1, [f(8), f(9)], 0)).toEqual({ change: { added: [], removed: [] }, shown: [], grew: false });
    s.onJoined(joined(), 0);
    expect(s.onFrames(1, [f(10)], 0).shown.map((x) => x.seq)).toEqual([10]);
    expect(s.rejoinMessage()).toEqual({ action: 'rejoin', streamId: S, epoch: 1, lastSeq: 10 });
  });

  it('fences and de-dups through its buffer', () => {
    const s = new StreamSession();
    s.onJoined(joined({ positionSeq: 0 }), 0);
    s.onFrames(1, [f(0), f(1)], 0);
    expect(s.onFrames(1, [f(1), f(2)], 0).change.added.map((x) => x.seq)).toEqual([2]);
    s.onState(state({ epoch: 2, positionSeq: 1 }), 0);
    expect(s.onFrames(1, [f(1)], 0).change.added).toEqual([]);
    expect(s.onFrames(2, [f(1)], 0).change.added.map((x) => x.seq)).toEqual([1]);
  });

  describe('with a playout lead (joined.leadMs > 0, frames carry dueAt)', () => {
    /** Frame `seq` at media `seq` s, due at server time `dueAt`. */
    const d = (seq: number, dueAt: number): WireFrame => ({ ...f(seq), dueAt });
    const seqs = (frames: readonly WireFrame[]) => frames.map((x) => x.seq);
    function leading(offset = 0): StreamSession {
      const s = new StreamSession({ clockOffsetMs: () => offset });
      s.onJoined(joined({ leadMs: 5000, speed: 1, positionSeq: 10, positionMs: 10_000 }), 1000);
      return s;
    }

    it('shows frames at their dueAt (offset applied), never before; lists only what was shown', () => {
      const s = leading(200);
      expect(s.leadMs).toBe(5000);
      const r = s.onFrames(1, [d(10, 1200), d(11, 2200), d(12, 3200)], 1000);
      expect(seqs(r.change.added)).toEqual([10, 11, 12]);
      expect(seqs(r.shown)).toEqual([10]);
      expect(s.pending).toBe(2);
      expect(seqs(s.shown())).toEqual([10]);
      expect(s.firstPendingSeq).toBe(11);
      expect(s.nextWakeAt()).toBe(2000);
      expect(s.releaseDue(1999)).toEqual([]);
      expect(seqs(s.releaseDue(2000))).toEqual([11]);
      expect(seqs(s.shown())).toEqual([10, 11]);
      expect(s.rejoinMessage()?.lastSeq).toBe(12); // the cursor counts what was received
    });

    it('the playhead does not run ahead of the frames shown', () => {
      const s = leading();
      s.onFrames(1, [d(10, 1000), d(11, 2000), d(12, 3000)], 1000);
      expect(s.playhead(1500)).toBe(10_500);
      expect(s.playhead(2500)).toBe(11_000); // frame 11 (t 11 s) not shown yet
      s.releaseDue(2000);
      expect(s.playhead(2800)).toBe(11_800);
      expect(s.playhead(3500)).toBe(12_000); // frame 12 waits
      s.releaseDue(3500);
      expect(s.playhead(3500)).toBe(12_500);
    });

    it('a state drops the older epoch’s waiting frames from its positionSeq: never shown', () => {
      const s = leading();
      s.onFrames(1, [d(10, 1000), d(11, 2000), d(12, 3000)], 1000);
      const { change } = s.onState(state({ epoch: 2, status: 'paused', positionSeq: 11, positionMs: 11_000 }), 1500);
      expect(change.removed).toEqual([11, 12]);
      expect(s.pending).toBe(0);
      expect(s.releaseDue(10_000)).toEqual([]);
      expect(seqs(s.shown())).toEqual([10]);
      // Resumed: the new epoch sends them again, due anew.
      s.onState(state({ epoch: 3, status: 'playing', speed: 1, positionSeq: 11, positionMs: 11_000 }), 5000);
      expect(seqs(s.onFrames(3, [d(11, 6000)], 5000).shown)).toEqual([]);
      expect(seqs(s.releaseDue(6000))).toEqual([11]);
    });

    it('frames of a newer epoch than known drop what they replace, waiting ones too', () => {
      const s = leading();
      s.onFrames(1, [d(10, 1000), d(11, 2000), d(12, 3000)], 1000);
      const r = s.onFrames(2, [d(5, 900)], 1100);
      expect(r.change.removed).toEqual([10, 11, 12]);
      expect(seqs(r.shown)).toEqual([5]);
      expect(s.pending).toBe(0);
    });

    it('a joined whose snapshot is at the playhead, before positionSeq, starts its epoch there', () => {
      const s = leading();
      s.onFrames(1, [d(10, 1000), d(11, 2000), d(12, 3000), d(13, 4000)], 1000); // 11-13 wait
      // Back after a speed change: the snapshot is before seq 11, the row's positionSeq is 13.
      const r = s.onJoined(joined({ epoch: 2, leadMs: 5000, positionSeq: 13, snapshot: { seq: 11, state: {} } }), 1500);
      expect(r.change.removed).toEqual([11, 12, 13]);
      expect(s.pending).toBe(0);
      expect(s.rejoinMessage()).toMatchObject({ epoch: 2, lastSeq: 10 });
      expect(seqs(s.onFrames(2, [d(11, 1400), d(12, 2500)], 1500).shown)).toEqual([11]); // the frames sent ahead follow
      expect(s.rejoinMessage()).toMatchObject({ epoch: 2, lastSeq: 12 });
    });

    it('ended drops what still waits', () => {
      const s = leading();
      s.onFrames(1, [d(10, 1000), d(11, 2000)], 1000);
      s.onEnded('stopped', 1200);
      expect(s.pending).toBe(0);
      expect(s.nextWakeAt()).toBeUndefined();
    });
  });
});
