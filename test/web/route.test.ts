import { newRoomId, parseRoute, roomOfStreamId, routeHash, type Route } from '../../web/src/core/route';

describe('routes', () => {
  it('parses the catalog and unknown hashes as catalog', () => {
    expect(parseRoute('')).toEqual({ name: 'catalog' });
    expect(parseRoute('#/')).toEqual({ name: 'catalog' });
    expect(parseRoute('#/nope/x')).toEqual({ name: 'catalog' });
    expect(parseRoute('#/watch/bad id')).toEqual({ name: 'catalog' });
  });
  it('parses watch with speed and start position', () => {
    expect(parseRoute('#/watch/2013-wimbledon-2701?speed=64&at=3600000')).toEqual({
      name: 'watch',
      gameId: '2013-wimbledon-2701',
      mode: 'spectate',
      speed: 64,
      atMs: 3600000,
    });
    expect(parseRoute('#/watch/g1?mode=pvai')).toEqual({ name: 'watch', gameId: 'g1', mode: 'pvai' });
  });
  it('drops out-of-range speeds', () => {
    expect(parseRoute('#/watch/g1?speed=100')).toEqual({ name: 'watch', gameId: 'g1', mode: 'spectate' });
  });
  it('round-trips every route through its hash', () => {
    const routes: Route[] = [
      { name: 'catalog' },
      { name: 'watch', gameId: 'g.1', mode: 'pvai', speed: 2, atMs: 5 },
      { name: 'room', gameId: 'g1', room: 'abc123' },
      { name: 'stream', streamId: 'pvai:2012-wimbledon-1701:alice' },
    ];
    for (const r of routes) expect(parseRoute(routeHash(r))).toEqual(r);
  });
  it('opens a Join link to a stream whose user id holds "@" (pvai:{gameId}:{userId})', () => {
    const streamId = 'pvai:2012-wimbledon-1701:alice@example';
    expect(routeHash({ name: 'stream', streamId })).toBe('#/stream/pvai%3A2012-wimbledon-1701%3Aalice%40example');
    expect(parseRoute(routeHash({ name: 'stream', streamId }))).toEqual({ name: 'stream', streamId });
    expect(parseRoute('#/stream/pvai:2012-wimbledon-1701:alice@example')).toEqual({ name: 'stream', streamId });
    expect(parseRoute('#/stream/scheduled:2012-wimbledon-1701:Ab_-9xYz')).toEqual({ name: 'stream', streamId: 'scheduled:2012-wimbledon-1701:Ab_-9xYz' });
  });
  it('still refuses what no stream id can hold', () => {
    expect(parseRoute('#/stream/pvai:g:al ice')).toEqual({ name: 'catalog' });
    expect(parseRoute('#/stream/:g')).toEqual({ name: 'catalog' });
    expect(parseRoute(`#/stream/${'a'.repeat(301)}`)).toEqual({ name: 'catalog' });
    expect(parseRoute('#/watch/alice@example')).toEqual({ name: 'catalog' }); // "@" is for user ids, not game ids
  });
  it('makes room ids that are valid ids', () => {
    let i = 0;
    const seq = () => (i++ * 0.137) % 1;
    const id = newRoomId(seq);
    expect(id).toMatch(/^[a-z2-9]{8}$/);
    expect(roomOfStreamId(`pvp:g1:${id}`)).toBe(id);
    expect(roomOfStreamId('spectate:g1')).toBeUndefined();
  });
});
