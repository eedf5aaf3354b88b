import { decideSweep } from '../../../lambda/core/sweep';

const cfg = { idleTtlMs: 300_000, maxRestarts: 3, startGraceMs: 60_000, controllerGraceMs: 30_000 };
const base = { mode: 'pvai' as const, status: 'playing' as const, clientCount: 2, updatedAt: 0, restarts: 0 };

describe('decideSweep', () => {
  it('ends a stream left without clients for the idle TTL, not before', () => {
    expect(decideSweep({ ...base, clientCount: 0, idleSince: 0 }, 299_999, cfg)).toEqual({ action: 'keep' });
    expect(decideSweep({ ...base, clientCount: 0, idleSince: 0 }, 300_000, cfg)).toEqual({ action: 'end', reason: 'idle' });
  });

  it('ends a pvai or pvp stream left without a controller for the grace, not before', () => {
    for (const mode of ['pvai', 'pvp'] as const) {
      expect(decideSweep({ ...base, mode, controllersGoneSince: 0 }, 29_999, cfg, true)).toEqual({ action: 'keep' });
      expect(decideSweep({ ...base, mode, controllersGoneSince: 0 }, 30_000, cfg, true)).toEqual({ action: 'end', reason: 'stopped' });
      expect(decideSweep({ ...base, mode, status: 'paused', controllersGoneSince: 0 }, 30_000, cfg)).toEqual({ action: 'end', reason: 'stopped' });
    }
    // A spectate stream has no controllers to miss.
    expect(decideSweep({ ...base, mode: 'spectate', controllersGoneSince: 0 }, 10 ** 9, cfg, true)).toEqual({ action: 'keep' });
  });

  it('keeps a stream with clients however old', () => {
    expect(decideSweep({ ...base, idleSince: 0 }, 10 ** 9, cfg, true)).toEqual({ action: 'keep' });
  });

  it('restarts a playing stream whose execution died, after the start grace', () => {
    expect(decideSweep(base, 30_000, cfg, false)).toEqual({ action: 'keep' });
    expect(decideSweep(base, 60_000, cfg, false)).toEqual({ action: 'restart' });
    expect(decideSweep(base, 60_000, cfg, true)).toEqual({ action: 'keep' });
  });

  it('does not restart paused streams (they have no execution by design)', () => {
    expect(decideSweep({ ...base, status: 'paused' }, 10 ** 9, cfg, false)).toEqual({ action: 'keep' });
  });

  it('fails a stream after too many restarts', () => {
    expect(decideSweep({ ...base, restarts: 3 }, 60_000, cfg, false)).toMatchObject({ action: 'fail', failureReason: expect.stringMatching(/3 times/) });
  });
});

describe('decideSweep: scheduled streams', () => {
  const NOW = 1_800_000_000_000;
  const scheduled = { mode: 'spectate' as const, status: 'scheduled' as const, clientCount: 0, idleSince: 0, updatedAt: 0, restarts: 0 };

  it('starts a scheduled stream once startsAt is within the 90 s lead, on time', () => {
    expect(decideSweep({ ...scheduled, startsAt: NOW + 90_001 }, NOW, cfg)).toEqual({ action: 'keep' });
    expect(decideSweep({ ...scheduled, startsAt: NOW + 90_000 }, NOW, cfg)).toEqual({ action: 'start', startsAt: NOW + 90_000, lateMs: 0 });
    expect(decideSweep({ ...scheduled, startsAt: NOW + 5_000 }, NOW, cfg)).toEqual({ action: 'start', startsAt: NOW + 5_000, lateMs: 0 });
    expect(decideSweep({ ...scheduled, startsAt: NOW + 200_000 }, NOW, { ...cfg, scheduleLeadMs: 300_000 })).toMatchObject({ action: 'start' });
  });

  it('starts a missed one at once, shifted: first frame at now + START_LEAD_MS', () => {
    expect(decideSweep({ ...scheduled, startsAt: NOW - 600_000 }, NOW, cfg)).toEqual({ action: 'start', startsAt: NOW + 1000, lateMs: 601_000 });
  });

  it('never ends a stream idle before it started, however long nobody watched', () => {
    expect(decideSweep({ ...scheduled, startsAt: NOW + 10 * 86_400_000 }, NOW, cfg)).toEqual({ action: 'keep' });
    expect(decideSweep({ ...scheduled, status: 'awaiting_start', startsAt: NOW + 60_000 }, NOW, cfg, true)).toEqual({ action: 'keep' });
    // Still awaiting its (late) first frame: not idle either.
    expect(decideSweep({ ...scheduled, status: 'awaiting_start', startsAt: NOW - 600_000, updatedAt: NOW }, NOW, cfg, true)).toEqual({ action: 'keep' });
  });

  it('counts the idle TTL from startsAt once playing, not from creation', () => {
    const playing = { ...scheduled, status: 'playing' as const, startsAt: NOW };
    expect(decideSweep(playing, NOW + 299_999, cfg, true)).toEqual({ action: 'keep' });
    expect(decideSweep(playing, NOW + 300_000, cfg, true)).toEqual({ action: 'end', reason: 'idle' });
    // Viewers who left after the start: counted from when they left.
    expect(decideSweep({ ...playing, idleSince: NOW + 100_000 }, NOW + 300_000, cfg, true)).toEqual({ action: 'keep' });
  });

  it('restarts an awaiting_start stream whose execution died, like a playing one', () => {
    const waiting = { ...scheduled, status: 'awaiting_start' as const, startsAt: NOW + 60_000, updatedAt: NOW - 60_000 };
    expect(decideSweep(waiting, NOW, cfg, true)).toEqual({ action: 'keep' });
    expect(decideSweep(waiting, NOW, cfg, false)).toEqual({ action: 'restart' });
    expect(decideSweep({ ...waiting, updatedAt: NOW - 1000 }, NOW, cfg, false)).toEqual({ action: 'keep' });
    expect(decideSweep({ ...waiting, restarts: 3 }, NOW, cfg, false)).toMatchObject({ action: 'fail' });
  });
});
