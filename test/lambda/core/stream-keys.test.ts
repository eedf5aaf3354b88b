import { executionName, streamIdFor } from '../../../lambda/core/stream-keys';

describe('stream keys', () => {
  it('dedups spectators per game, pvai per user, pvp per room', () => {
    expect(streamIdFor('spectate', 'g1', {})).toBe('spectate:g1');
    expect(streamIdFor('pvai', 'g1', { userId: 'alice' })).toBe('pvai:g1:alice');
    expect(streamIdFor('pvp', 'g1', { room: 'r9' })).toBe('pvp:g1:r9');
  });

  it('refuses keys it cannot build', () => {
    expect(() => streamIdFor('pvai', 'g1', {})).toThrow(/userId/);
    expect(() => streamIdFor('pvp', 'g1', {})).toThrow(/room/);
  });
});

describe('execution names', () => {
  const charset = /^[A-Za-z0-9_-]{1,80}$/;

  it('fit Step Functions charset and length', () => {
    for (const id of ['spectate:g1', `pvp:${'x'.repeat(128)}:${'r'.repeat(128)}`, 'pvai:ü:ñ']) {
      expect(executionName(id, 12, 3)).toMatch(charset);
    }
  });

  it('differ by stream, epoch and generation, even when sanitising makes them look alike', () => {
    const names = new Set([
      executionName('spectate:a_b', 1),
      executionName('spectate:a:b', 1),
      executionName('spectate:a:b', 2),
      executionName('spectate:a:b', 2, 1),
    ]);
    expect(names.size).toBe(4);
  });

  it('are deterministic, so a duplicate start is a no-op', () => {
    expect(executionName('spectate:g', 5)).toBe(executionName('spectate:g', 5));
  });
});
