/** The status lines of `npm run watch`: the header, state changes, presence, chat, ended, errors, the countdown. */
import type { JoinedMessage, StateMessage } from '../../../protocol/messages';
import { isPreStart } from '../../../client/countdown';
import { clean, formatWallClock } from '../../../scripts/lib/format';
import {
  CountdownPrinter,
  describeState,
  formatChat,
  formatReactions,
  formatCountdownLine,
  formatDetached,
  formatEnded,
  formatError,
  formatJoined,
  formatPresence,
  type PlaybackView,
} from '../../../scripts/watch/status';

describe('scheduled streams: countdown', () => {
  /** 20:00:00 today, on this machine's clock (the lines show local wall time). */
  const startsAt = new Date(2026, 10, 23, 20, 0, 0).getTime();

  test('the countdown line, then "starting now"; the date when the start is on another day', () => {
    expect(formatCountdownLine(startsAt, startsAt - 83_000)).toBe('scheduled — starts in 1:23 (at 20:00:00)');
    expect(formatCountdownLine(startsAt, startsAt - 3_723_000)).toBe('scheduled — starts in 1:02:03 (at 20:00:00)');
    expect(formatCountdownLine(startsAt, startsAt)).toBe('scheduled — starting now (at 20:00:00)');
    expect(formatWallClock(startsAt + 86_400_000, startsAt)).toBe('20:00:00 2026-11-24');
    expect(isPreStart('scheduled') && isPreStart('awaiting_start') && !isPreStart('playing')).toBe(true);
  });

  test('at most one line per 10 s, plus the final one, then nothing', () => {
    const p = new CountdownPrinter(startsAt);
    const printed: string[] = [];
    for (let now = startsAt - 83_000; now <= startsAt + 3_000; now += 1_000) {
      const line = p.line(now);
      if (line) printed.push(line);
    }
    expect(printed).toEqual([
      'scheduled — starts in 1:23 (at 20:00:00)',
      'scheduled — starts in 1:13 (at 20:00:00)',
      'scheduled — starts in 1:03 (at 20:00:00)',
      'scheduled — starts in 0:53 (at 20:00:00)',
      'scheduled — starts in 0:43 (at 20:00:00)',
      'scheduled — starts in 0:33 (at 20:00:00)',
      'scheduled — starts in 0:23 (at 20:00:00)',
      'scheduled — starts in 0:13 (at 20:00:00)',
      'scheduled — starts in 0:03 (at 20:00:00)',
      'scheduled — starting now (at 20:00:00)',
    ]);
    expect(p.done).toBe(true);
    expect(p.line(startsAt + 60_000)).toBeUndefined();
    // joined after the start time (the sweeper starts it within its minute): one final line
    const late = new CountdownPrinter(startsAt);
    expect(late.line(startsAt + 20_000)).toBe('scheduled — starting now (at 20:00:00)');
    expect(late.line(startsAt + 40_000)).toBeUndefined();
  });
});

describe('messages', () => {
  const joined: JoinedMessage = {
    type: 'joined', streamId: 'spectate:2012-wimbledon-1701', gameId: '2012-wimbledon-1701', kind: 'tennis',
    title: 'Wimbledon 2012 final: Roger Federer v Andy Murray', mode: 'spectate', role: 'spectator', status: 'starting',
    speed: 64, epoch: 1, positionMs: 0, positionSeq: 0, durationMs: 14_320_000, frameCount: 288, clients: 1,
  };
  const base: PlaybackView = { status: 'playing', speed: 1, epoch: 3, positionMs: 600_000 };
  const state = (over: Partial<StateMessage>): StateMessage => ({
    type: 'state', streamId: joined.streamId, status: 'playing', speed: 1, epoch: 4, positionMs: 602_113, positionSeq: 24, by: 'alice', ...over,
  });

  test('header from joined: title, mode, role, speed, duration', () => {
    const [title, detail] = formatJoined(joined);
    expect(title).toBe('▶ Wimbledon 2012 final: Roger Federer v Andy Murray');
    expect(detail).toContain('tennis · spectate · spectator · 64× · 0:00:00 / 3:58:40 · 288 frames');
  });

  test('a shared stream that did not take the start\'s speed or position says so (joined.notice), and stop that left it says it plays on', () => {
    const lines = formatJoined({ ...joined, notice: { code: 'shared_stream', message: 'you joined the shared stream; send {"action":"start","mode":"pvai"} for your own' } });
    expect(lines[2]).toBe('  note: you joined the shared stream; send {"action":"start","mode":"pvai"} for your own');
    expect(formatJoined(joined)).toHaveLength(2);
    expect(formatDetached('spectate:g1')).toBe('■ left spectate:g1 (it plays on for its other viewers)');
  });

  test('a live game: LIVE in the status line, its length so far; scheduled streams say so', () => {
    const [, live] = formatJoined({ ...joined, live: true, status: 'playing', positionMs: 600_000, durationMs: 3_723_000, frameCount: 120 });
    expect(live).toBe('  LIVE · tennis · spectate · spectator · 64× · 0:10:00 / 1:02:03 so far · 120 frames so far · spectate:2012-wimbledon-1701');
    expect(formatJoined({ ...joined, status: 'scheduled', startsAt: 1 })[1]).toMatch(/ · scheduled$/);
    expect(formatJoined({ ...joined, status: 'awaiting_start', startsAt: 1 })[1]).toMatch(/ · awaiting start$/);
    expect(formatJoined(joined)[1]).not.toContain('LIVE');
    expect(describeState({ ...base, status: 'scheduled' }, state({ status: 'awaiting_start', by: 'system' }))).toEqual(['… awaiting start']);
    expect(describeState({ ...base, status: 'awaiting_start', speed: 1 }, state({ status: 'playing', by: 'system', positionMs: 0 }))).toEqual(['▶ playing at 1× from 0:00:00']);
  });

  test('state lines say what changed and who changed it', () => {
    expect(describeState(base, state({ status: 'paused' }))).toEqual(['⏸ paused by alice at 0:10:02']);
    expect(describeState({ ...base, status: 'paused' }, state({}))).toEqual(['▶ resumed by alice at 0:10:02']);
    expect(describeState(base, state({ speed: 4, by: 'bob' }))).toEqual(['speed 4× by bob']);
    expect(describeState(base, state({ positionMs: 3_723_000 }))).toEqual(['seek to 1:02:03 by alice']);
    expect(describeState({ ...base, status: 'starting' }, state({ speed: 64, by: 'system', positionMs: 0 }))).toEqual(['▶ playing at 64× from 0:00:00', 'speed 64×']);
    expect(describeState(base, state({ epoch: 3 }))).toEqual([]); // nothing changed
    expect(describeState(base, state({ status: 'failed', by: 'system' }))).toEqual(['✖ stream failed']);
  });

  test('presence, chat (control characters removed), ended, error', () => {
    expect(formatPresence({ type: 'presence', streamId: 's', clients: 3, players: 1, spectators: 2 })).toBe('👥 3 connected: 1 player, 2 spectators');
    expect(formatChat({ type: 'chat', streamId: 's', from: 'alice', text: 'what a\u001b[2J rally', at: 0 })).toBe('💬 alice: what a rally'); // the whole escape sequence goes, not just its ESC
    expect(formatChat({ type: 'chat', streamId: 's', from: 'alice', fromId: 'k3x9q2', text: 'hi', at: 0 })).toBe('💬 alice #k3x9q2: hi');
    expect(formatReactions({ type: 'reactions', streamId: 's', counts: { '👏': 3, '🔥': 12, '😮': 1 }, windowMs: 1000, at: 0 })).toBe('🔥×12 👏×3 😮');
    expect(formatEnded('finished')).toBe('■ ended: finished (the recording is over)');
    expect(formatEnded('stopped')).toBe('■ ended: stopped (stopped by a player or an operator, or its players left)');
    expect(formatError({ code: 'forbidden', message: 'pause: only the players of this stream control it' })).toBe(
      'error forbidden: pause: only the players of this stream control it',
    );
    expect(clean('a\nb\rc')).toBe('a b c');
  });
});
