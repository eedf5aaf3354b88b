import type { CatalogMessage } from '../../protocol/messages';
import { modeLabel } from '../../web/src/core/format';
import { parseRoute } from '../../web/src/core/route';
import { partyText, sharedNotice, sharedNoticeHref, WAY_NAMES, watchWays, waysText } from '../../web/src/core/watch';

type S = CatalogMessage['streams'][number];
const S = (streamId: string, mode: S['mode'], clients: number, status: S['status'] = 'playing', gameId = 'g1'): S => ({ streamId, gameId, mode, status, clients });

describe('the ways to watch a game, from the catalog', () => {
  const streams: S[] = [
    S('spectate:g1', 'spectate', 3),
    S('pvai:g1:alice', 'pvai', 1),
    S('pvai:g1:bob', 'pvai', 1, 'paused'),
    S('pvai:g1:carl', 'pvai', 1, 'ended'), // over: not counted
    S('pvp:g1:open-abc', 'pvp', 2),
    S('spectate:g2', 'spectate', 9, 'playing', 'g2'), // another game
    S('spectate:g1-copy', 'spectate', 4), // not g1's own shared stream
  ];

  it('counts each way for that game only, from the streams and viewers listed', () => {
    expect(watchWays('g1', streams)).toEqual({
      shared: { streamId: 'spectate:g1', status: 'playing', viewers: 3 },
      own: { streams: 2, viewers: 2 },
      party: { streams: 1, viewers: 2 },
    });
    expect(watchWays('nothing', streams)).toEqual({ shared: undefined, own: { streams: 0, viewers: 0 }, party: { streams: 0, viewers: 0 } });
    expect(watchWays('g1', [S('spectate:g1', 'spectate', -1)]).shared?.viewers).toBe(0);
  });

  it('says what each way does and what runs now, never a pace it does not know', () => {
    const t = waysText(watchWays('g1', streams), false);
    expect(t.shared).toBe('Running · 3 watching — you join at its pace');
    expect(t.own).toBe('Your speed, pause and seek · 2 people on their own now');
    expect(t.party).toBe('Invite link: the first two share the controls · 1 open, 2 in it');
    const none = waysText(watchWays('g9', streams), false);
    expect(none.shared).toBe('Not running — starts from the beginning at 1×');
    expect(none.own).toBe('Your speed, pause and seek');
    expect(none.party).toBe('Invite link: the first two share the controls');
    expect(waysText(watchWays('g1', [S('spectate:g1', 'spectate', 0)]), false).shared).toBe('Running — you join at its pace');
    expect(waysText(watchWays('g1', [S('spectate:g1', 'spectate', 1, 'scheduled')]), false).shared).toMatch(/^Not running/);
    // The listing's speed (protocol 1.1), when it gives one: the pace said before joining.
    expect(waysText(watchWays('g1', [{ ...S('spectate:g1', 'spectate', 3), speed: 16 }]), false).shared).toBe('Running · 3 watching — you join at 16×');
    expect(waysText(watchWays('g1', [{ ...S('spectate:g1', 'spectate', 0), speed: 1 }]), false).shared).toBe('Running — you join at 1×');
  });

  it('a live game plays at the live pace', () => {
    expect(waysText(watchWays('g1', streams), true).shared).toBe('Live pace 1× · 3 watching');
    expect(waysText(watchWays('g1', []), true).shared).toBe('Live pace 1× · nobody watching yet');
  });

  it('names the modes for what they do', () => {
    expect([modeLabel('spectate'), modeLabel('pvai'), modeLabel('pvp')]).toEqual([WAY_NAMES.shared, WAY_NAMES.own, WAY_NAMES.party]);
    expect(WAY_NAMES).toEqual({ shared: 'Watch with everyone', own: 'Watch on my own', party: 'Watch party' });
  });
});

describe('a ?speed=64 link that joined the shared stream', () => {
  it('says so in plain words, with a button to watch on one\'s own at 64×', () => {
    const n = sharedNotice({ gameId: 'g1', speed: 1 }, { speed: 64 });
    expect(n.text).toBe('You joined the stream everyone watches together: it plays at 1× from where it is now for all its viewers, so 64× did not apply. Watch on your own to choose the speed and the moment.');
    expect(n.button).toBe('Watch on my own at 64×');
    expect(parseRoute(sharedNoticeHref(n))).toEqual({ name: 'watch', gameId: 'g1', mode: 'pvai', speed: 64 });
  });
  it('a start point too', () => {
    const n = sharedNotice({ gameId: 'g1', speed: 16 }, { speed: 64, atMs: 2_460_000 });
    expect(n.text).toMatch(/plays at 16× .* so 64× from 0:41:00 did not apply/);
    expect(n.button).toBe('Watch on my own at 64× from 0:41:00');
    expect(parseRoute(sharedNoticeHref(n))).toEqual({ name: 'watch', gameId: 'g1', mode: 'pvai', speed: 64, atMs: 2_460_000 });
    const at = sharedNotice({ gameId: 'g1', speed: 1 }, { atMs: 0 });
    expect(at.button).toBe('Watch on my own from 0:00:00');
  });
  it('with nothing asked it still offers one\'s own stream', () => {
    const n = sharedNotice({ gameId: 'g1', speed: 1 }, {});
    expect(n.button).toBe('Watch on my own');
    expect(n.text).toMatch(/what your link asked for did not apply/);
  });
});

describe('a watch party', () => {
  it('waits for a second viewer, then says who shares the controls', () => {
    expect(partyText(1, 0)).toEqual({ waiting: true, text: 'Waiting for a second viewer — share this link' });
    expect(partyText(0, 0).waiting).toBe(true);
    expect(partyText(2, 0)).toEqual({ waiting: false, text: 'Watch party: 2 people share the controls' });
    expect(partyText(2, 3).text).toBe('Watch party: 2 people share the controls · 3 more watching');
  });
});
