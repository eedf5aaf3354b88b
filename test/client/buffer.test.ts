import { FrameBuffer } from '../../client/buffer';
import type { WireFrame } from '../../protocol/messages';

const f = (seq: number): WireFrame => ({ seq, t: seq * 1000, type: 'point', data: { seq } });
const seqs = (b: FrameBuffer) => b.sorted().map((x) => x.seq);

describe('FrameBuffer', () => {
  it('takes frames in order and reports the rejoin cursor', () => {
    const b = new FrameBuffer();
    expect(b.rejoinCursor()).toEqual({ lastSeq: -1, epoch: 0 });
    b.position(1, 10);
    expect(b.rejoinCursor()).toEqual({ lastSeq: 9, epoch: 1 });
    expect(b.add(1, [f(10), f(11)]).added.map((x) => x.seq)).toEqual([10, 11]);
    expect(b.rejoinCursor()).toEqual({ lastSeq: 11, epoch: 1 });
  });

  it('drops duplicates (a rejoin replay overlapping what we hold)', () => {
    const b = new FrameBuffer();
    b.position(1, 0);
    b.add(1, [f(0), f(1), f(2)]);
    const change = b.add(1, [f(1), f(2), f(3)]);
    expect(change.added.map((x) => x.seq)).toEqual([3]);
    expect(seqs(b)).toEqual([0, 1, 2, 3]);
  });

  it('ignores frames of an older epoch', () => {
    const b = new FrameBuffer();
    b.position(2, 0);
    expect(b.add(1, [f(0)]).added).toEqual([]);
    expect(b.size).toBe(0);
  });

  it('a new epoch at an earlier seq (seek back) removes what it replaced', () => {
    const b = new FrameBuffer();
    b.position(1, 0);
    b.add(1, [f(0), f(1), f(2), f(3), f(4)]);
    const change = b.position(2, 2);
    expect(change.removed).toEqual([2, 3, 4]);
    expect(seqs(b)).toEqual([0, 1]);
    expect(b.rejoinCursor()).toEqual({ lastSeq: 1, epoch: 2 });
    expect(b.add(2, [f(2)]).added.map((x) => x.seq)).toEqual([2]);
  });

  it('a new epoch at the current seq (pause/resume/speed) removes nothing', () => {
    const b = new FrameBuffer();
    b.position(1, 0);
    b.add(1, [f(0), f(1)]);
    expect(b.position(2, 2).removed).toEqual([]);
    expect(b.rejoinCursor()).toEqual({ lastSeq: 1, epoch: 2 });
  });

  it('a seek forward leaves a deliberate gap and continues from the new position', () => {
    const b = new FrameBuffer();
    b.position(1, 0);
    b.add(1, [f(0), f(1)]);
    b.position(2, 50);
    b.add(2, [f(50), f(51)]);
    expect(seqs(b)).toEqual([0, 1, 50, 51]);
    expect(b.rejoinCursor()).toEqual({ lastSeq: 51, epoch: 2 });
  });

  it('frames of a newer epoch whose state was missed start that epoch', () => {
    const b = new FrameBuffer();
    b.position(1, 0);
    b.add(1, [f(0), f(1), f(2), f(3)]);
    const change = b.add(3, [f(1), f(2)]);
    expect(change.removed).toEqual([1, 2, 3]);
    expect(change.added.map((x) => x.seq)).toEqual([1, 2]);
    expect(b.epoch).toBe(3);
    expect(b.rejoinCursor()).toEqual({ lastSeq: 2, epoch: 3 });
  });

  it('same-epoch joined after a rejoin does not move the cursor; the replay fills the gap', () => {
    const b = new FrameBuffer();
    b.position(1, 0);
    b.add(1, [f(0), f(1)]);
    b.position(1, 6); // joined after rejoin: the stream is at 6 now
    expect(b.rejoinCursor()).toEqual({ lastSeq: 1, epoch: 1 });
    b.add(1, [f(2), f(3), f(4), f(5)]);
    b.add(1, [f(6)]);
    expect(seqs(b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(b.rejoinCursor().lastSeq).toBe(6);
  });

  it('ignores malformed frames', () => {
    const b = new FrameBuffer();
    b.position(0, 0);
    const bad = [{ seq: -1, t: 0, type: 'x', data: 1 }, { seq: 1.5, t: 0, type: 'x', data: 1 }] as WireFrame[];
    expect(b.add(0, bad).added).toEqual([]);
  });
});

describe('FrameBuffer.rejoinMessage', () => {
  it('is the rejoin action with the cursor: before any frame, lastSeq is the epoch start − 1', () => {
    const b = new FrameBuffer();
    expect(b.rejoinMessage('pvai:g:alice@example')).toEqual({ action: 'rejoin', streamId: 'pvai:g:alice@example', epoch: 0, lastSeq: -1 });
    b.position(3, 7);
    b.add(3, [f(7), f(8), f(10)]);
    expect(b.rejoinMessage('s')).toEqual({ action: 'rejoin', streamId: 's', epoch: 3, lastSeq: 8 });
  });
  it('a frame that arrives late (out of order) is taken, not dropped, and closes the gap', () => {
    const b = new FrameBuffer();
    b.position(1, 0);
    b.add(1, [f(0), f(2)]);
    expect(b.rejoinCursor().lastSeq).toBe(0);
    expect(b.add(1, [f(1)]).added.map((x) => x.seq)).toEqual([1]);
    expect(b.rejoinCursor().lastSeq).toBe(2);
  });
});
