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
