import { dueAtOf, PlayoutQueue } from '../../client/playout';
import type { WireFrame } from '../../protocol/messages';

/** A frame `seq` at media time `t`, due at server time `dueAt` (none: sent when due). */
const f = (seq: number, dueAt?: number, t = seq * 1000): WireFrame => ({ seq, t, type: 'point', data: { seq }, ...(dueAt !== undefined ? { dueAt } : {}) });
const seqs = (frames: readonly WireFrame[]) => frames.map((x) => x.seq);

/** A queue with a 5 s lead and a settable server − local offset. */
function queue(offset = 0): { q: PlayoutQueue; setOffset(ms: number): void } {
  let o = offset;
  const q = new PlayoutQueue({ offsetMs: () => o });
  q.leadMs = 5000;
  return { q, setOffset: (ms) => (o = ms) };
}

describe('dueAtOf', () => {
  it('reads a finite dueAt, else undefined', () => {
    expect(dueAtOf(f(0, 1234))).toBe(1234);
    expect(dueAtOf(f(0))).toBeUndefined();
    expect(dueAtOf({ ...f(0), dueAt: 'soon' } as unknown as WireFrame)).toBeUndefined();
    expect(dueAtOf({ ...f(0), dueAt: Number.NaN } as unknown as WireFrame)).toBeUndefined();
  });
});

describe('PlayoutQueue', () => {
  it('releases frames without dueAt at once', () => {
    const { q } = queue();
    expect(seqs(q.push(1, [f(1), f(0)], 1000))).toEqual([0, 1]);
    expect(q.size).toBe(0);
    expect(q.nextDueLocal()).toBeUndefined();
  });

  it('with lead 0 releases every frame on arrival, dueAt or not', () => {
    const q = new PlayoutQueue();
    expect(q.leadMs).toBe(0);
    expect(seqs(q.push(1, [f(0, 9000)], 1000))).toEqual([0]);
    q.leadMs = -5;
    expect(q.leadMs).toBe(0);
  });

  it('never releases a frame before its dueAt, and releases due frames in seq order', () => {
    const { q } = queue();
    expect(q.push(1, [f(2, 3000), f(0, 2000), f(1, 2500)], 1000)).toEqual([]);
    expect(q.nextDueLocal()).toBe(2000);
    expect(q.release(1999)).toEqual([]);
    expect(seqs(q.release(2000))).toEqual([0]);
    expect(q.nextDueLocal()).toBe(2500);
    expect(seqs(q.release(4000))).toEqual([1, 2]);
    expect(q.size).toBe(0);
    expect(q.nextDueLocal()).toBeUndefined();
  });

  it('applies the clock offset (local = server − offset), read at every call', () => {
    const { q, setOffset } = queue(500); // the server clock is 500 ms ahead
    q.push(1, [f(0, 3000)], 1000);
    expect(q.nextDueLocal()).toBe(2500);
    expect(q.release(2499)).toEqual([]);
    setOffset(-500); // a better sample: the server is behind
    expect(q.nextDueLocal()).toBe(3500);
    expect(q.release(3000)).toEqual([]);
    expect(seqs(q.release(3500))).toEqual([0]);
  });

  it('releases a frame that arrives late (dueAt past) at once', () => {
    const { q } = queue(100);
    expect(seqs(q.push(1, [f(0, 900), f(1, 1100), f(2, 5000)], 1000))).toEqual([0, 1]);
    expect(seqs(q.release(4900))).toEqual([2]);
  });

  it('holds a frame at most leadMs after its arrival, whatever the offset says', () => {
    const { q } = queue(-60_000); // a wrong estimate: the server seems a minute behind
    q.push(1, [f(0, 3000)], 1000);
    expect(q.nextDueLocal()).toBe(6000);
    expect(q.release(5999)).toEqual([]);
    expect(seqs(q.release(6000))).toEqual([0]);
  });

  it('a seq pushed again replaces the one queued', () => {
    const { q } = queue();
    q.push(1, [f(0, 3000)], 1000);
    expect(seqs(q.push(2, [f(0, 900)], 1000))).toEqual([0]);
    expect(q.size).toBe(0);
  });

  describe('invalidate (a state starts a new epoch at positionSeq)', () => {
    /** Frames 10..14 of epoch 1, due at 2000..6000 local, queued at 1000. */
    function loaded(): PlayoutQueue {
      const { q } = queue();
      q.push(1, [10, 11, 12, 13, 14].map((s) => f(s, 2000 + (s - 10) * 1000)), 1000);
      return q;
    }

    it('pause: drops the older epoch from positionSeq on; earlier frames still wait for their dueAt', () => {
      const q = loaded();
      expect(q.invalidate({ epoch: 2, positionSeq: 12 })).toEqual([12, 13, 14]);
      expect(q.release(1500)).toEqual([]);
      expect(seqs(q.release(10_000))).toEqual([10, 11]);
    });

    it('resume: the new epoch’s frames wait; a later state does not drop them unless older', () => {
      const q = loaded();
      q.invalidate({ epoch: 2, positionSeq: 10 }); // pause before any was due
      expect(q.size).toBe(0);
      q.push(3, [f(10, 3000), f(11, 4000)], 2000); // resumed in epoch 3
      expect(q.invalidate({ epoch: 3, positionSeq: 10 })).toEqual([]);
      expect(q.nextDueLocal()).toBe(3000);
      expect(q.release(2999)).toEqual([]);
      expect(seqs(q.release(4000))).toEqual([10, 11]);
    });

    it('seek back: drops every queued frame at or after the new position', () => {
      const q = loaded();
      expect(q.invalidate({ epoch: 2, positionSeq: 3 })).toEqual([10, 11, 12, 13, 14]);
      expect(q.nextDueLocal()).toBeUndefined();
    });

    it('seek forward: drops the frames from the new position on; those before it stay', () => {
      const q = loaded();
      expect(q.invalidate({ epoch: 2, positionSeq: 13 })).toEqual([13, 14]);
      q.push(2, [f(40, 2500)], 1000);
      expect(seqs(q.release(3000))).toEqual([10, 11, 40]);
    });

    it('speed: drops the older epoch’s frames from positionSeq; the new epoch re-sends them with new dueAt', () => {
      const q = loaded();
      expect(q.invalidate({ epoch: 2, positionSeq: 11 })).toEqual([11, 12, 13, 14]);
      expect(q.push(2, [f(11, 2200), f(12, 2400)], 1100)).toEqual([]);
      expect(seqs(q.release(2199))).toEqual([10]);
      expect(seqs(q.release(2400))).toEqual([11, 12]);
    });

    it('ignores a state of the same or an older epoch', () => {
      const q = loaded();
      expect(q.invalidate({ epoch: 1, positionSeq: 10 })).toEqual([]);
      expect(q.invalidate({ epoch: 0, positionSeq: 0 })).toEqual([]);
      expect(q.size).toBe(5);
    });
  });

  it('firstPendingT / firstSeq: the first frame still waiting (of an epoch: its media time)', () => {
    const { q } = queue();
    q.push(1, [f(3, 5000, 30_000), f(2, 4000, 20_000)], 1000);
    expect(q.firstPendingT(1)).toBe(20_000);
    expect(q.firstPendingT(2)).toBeUndefined();
    expect(q.firstSeq()).toBe(2);
    q.clear();
    expect(q.firstSeq()).toBeUndefined();
  });

  it('drop and clear remove waiting frames', () => {
    const { q } = queue();
    q.push(1, [f(0, 3000), f(1, 3000), f(2, 3000)], 1000);
    expect(q.drop([1, 7])).toEqual([1]);
    expect(q.has(1)).toBe(false);
    expect(q.has(0)).toBe(true);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.release(99_999)).toEqual([]);
  });
});
