import {
  acceptsControls,
  awaitsSecondPlayer,
  canTransition,
  clockRuns,
  isFinished,
  isPreStart,
  isTickable,
  maySweepIdle,
  needsExecution,
  newStreamRow,
  STATUS_TRANSITIONS,
} from '../../../lambda/core/lifecycle';
import { OPEN_STATUSES } from '../../../contract/rows';
import { STREAM_STATUSES } from '../../../protocol/messages';

const row = (status: (typeof STREAM_STATUSES)[number], extra: Partial<{ mode: 'spectate' | 'pvai' | 'pvp'; controllers: string[]; livePlayback: 'edge' | 'replay' }> = {}) => ({
  status,
  mode: extra.mode ?? ('spectate' as const),
  controllers: extra.controllers ?? [],
  ...(extra.livePlayback ? { livePlayback: extra.livePlayback } : {}),
});

describe('the stream lifecycle', () => {
  it('has a transition entry for every wire status; ended and failed are final', () => {
    expect(Object.keys(STATUS_TRANSITIONS).sort()).toEqual([...STREAM_STATUSES].sort());
    expect(STATUS_TRANSITIONS.ended).toEqual([]);
    expect(STATUS_TRANSITIONS.failed).toEqual([]);
    for (const s of OPEN_STATUSES) expect(canTransition(s, 'ended') && canTransition(s, 'failed')).toBe(true);
  });

  it('allows scheduled → awaiting_start → playing ⇄ paused, and starting → playing | paused', () => {
    expect(canTransition('scheduled', 'awaiting_start')).toBe(true);
    expect(canTransition('awaiting_start', 'playing')).toBe(true);
    expect(canTransition('starting', 'playing')).toBe(true);
    expect(canTransition('starting', 'paused')).toBe(true);
    expect(canTransition('playing', 'paused') && canTransition('paused', 'playing')).toBe(true);
    expect(canTransition('scheduled', 'playing')).toBe(false);
    expect(canTransition('ended', 'playing')).toBe(false);
  });

  it('open statuses are exactly those not finished: every status but ended and failed', () => {
    expect(OPEN_STATUSES).toEqual(STREAM_STATUSES.filter((s) => !isFinished({ status: s })));
    expect(STREAM_STATUSES.filter((s) => isFinished({ status: s }))).toEqual(['ended', 'failed']);
  });

  it('predicates', () => {
    expect(isPreStart({ status: 'scheduled' }) && isPreStart({ status: 'awaiting_start' }) && !isPreStart({ status: 'starting' })).toBe(true);
    expect(awaitsSecondPlayer(row('starting', { mode: 'pvp', controllers: ['a'] }))).toBe(true);
    expect(awaitsSecondPlayer(row('starting', { mode: 'pvp', controllers: ['a', 'b'] }))).toBe(false);
    expect(['awaiting_start', 'starting', 'playing'].every((s) => isTickable({ status: s as 'playing' }))).toBe(true);
    expect(isTickable({ status: 'paused' })).toBe(false);
    expect(needsExecution(row('playing'))).toBe(true);
    expect(needsExecution(row('playing', { livePlayback: 'edge' }))).toBe(false);
    expect(needsExecution(row('starting', { mode: 'pvp', controllers: ['a'] }))).toBe(false);
    expect(clockRuns(row('paused'))).toBe(false);
    expect(clockRuns(row('awaiting_start'))).toBe(true);
    expect(acceptsControls(row('playing')) && acceptsControls(row('paused'))).toBe(true);
    expect(acceptsControls(row('scheduled')) || acceptsControls(row('ended')) || acceptsControls(row('starting', { mode: 'pvp', controllers: ['a'] }))).toBe(false);
    expect(maySweepIdle({ status: 'playing' }) && !maySweepIdle({ status: 'awaiting_start' }) && !maySweepIdle({ status: 'scheduled' })).toBe(true);
  });
});

describe('newStreamRow', () => {
  const game = { gameId: 'g1', title: 'G1', kind: 'tennis', recordingKey: 'r', indexKey: 'i', durationMs: 9000, frameCount: 10, participants: [], createdAt: 0 };
  it('is one past the replaced epoch, idle since now, with the game denormalised', () => {
    const row = newStreamRow({ streamId: 's', game, mode: 'pvai', status: 'starting', speed: 2, controllers: ['u'], atSeq: 3, atMs: 3000, anchorAt: 5, previousEpoch: 4, now: 7 });
    expect(row).toEqual({
      streamId: 's', gameId: 'g1', mode: 'pvai', status: 'starting', speed: 2, epoch: 5, positionSeq: 3, positionMs: 3000, anchorAt: 5, epochStartSeq: 3,
      generation: 0, controllers: ['u'], clientCount: 0, idleSince: 7, framesSent: 0, kind: 'tennis', title: 'G1', recordingKey: 'r', indexKey: 'i',
      durationMs: 9000, frameCount: 10, createdAt: 7, updatedAt: 7,
    });
  });
  it('spaces durationMs by delayMs and carries title, startsAt and live when given', () => {
    const row = newStreamRow({ streamId: 's', game, mode: 'spectate', status: 'scheduled', speed: 1, controllers: [], atSeq: 0, atMs: 0, anchorAt: 100, delayMs: 500, title: 'T', startsAt: 100, livePlayback: 'replay', now: 1 });
    expect(row).toMatchObject({ epoch: 1, durationMs: 4500, delayMs: 500, title: 'T', startsAt: 100, livePlayback: 'replay' });
  });
});
