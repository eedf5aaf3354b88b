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

  it('fences and de-dups through its buffer', () => {
    const s = new StreamSession();
    s.onJoined(joined({ positionSeq: 0 }), 0);
    s.onFrames(1, [f(0), f(1)], 0);
    expect(s.onFrames(1, [f(1), f(2)], 0).change.added.map((x) => x.seq)).toEqual([2]);
    s.onState(state({ epoch: 2, positionSeq: 1 }), 0);
    expect(s.onFrames(1, [f(1)], 0).change.added).toEqual([]);
    expect(s.onFrames(2, [f(1)], 0).change.added.map((x) => x.seq)).toEqual([1]);
  });
});
