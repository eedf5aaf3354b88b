/** The one sanitizer of `npm run watch`: escape sequences removed whole, other controls become spaces. */
import { cleanForTerminal } from '../../../scripts/watch/clean';
import { formatError, formatJoined, formatEnded, describeState } from '../../../scripts/watch/status';
import type { JoinedMessage } from '../../../protocol/messages';

/** Any C0, DEL or C1 character: none may reach the terminal from server text. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('cleanForTerminal', () => {
  test.each([
    ['OSC 0 window title ended by BEL', '\u001b]0;pwned\u0007Final', 'Final'],
    ['OSC ended by ST', '\u001b]2;pwned\u001b\\Final', 'Final'],
    ['OSC 52 clipboard write', 'a\u001b]52;c;cm0gLXJmIH4=\u0007b', 'ab'],
    ['clear screen and home', '\u001b[2J\u001b[HFinal', 'Final'],
    ['colours', '\u001b[31;1mred\u001b[0m text', 'red text'],
    ['private mode (alternate screen)', '\u001b[?1049hx', 'x'],
    ['DCS', '\u001bPq#0;2;0;0;0\u001b\\x', 'x'],
    ['two-byte escapes (reset, charset)', '\u001bc\u001b(0x', 'x'],
    ['C1 CSI', '\u009b2Jx', 'x'],
    ['an unfinished sequence at the end', 'x\u001b[31', 'x'],
    ['an unfinished OSC at the end', 'x\u001b]0;pwn', 'x'],
    ['newlines, carriage return, tab, backspace', 'one\r\ntwo\tthree\bfour', 'one two three four'],
  ])('%s', (_name, input, expected) => {
    expect(cleanForTerminal(input)).toBe(expected);
  });

  test('plain text, accents and emoji pass unchanged', () => {
    expect(cleanForTerminal('Jo-Wilfried Tsonga v Novak Đoković 🎾 · 6–4')).toBe('Jo-Wilfried Tsonga v Novak Đoković 🎾 · 6–4');
    expect(cleanForTerminal(42)).toBe('42');
  });
});

describe('every status line cleans the server text it holds', () => {
  const hostile = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mEvil\u001b[0m';
  const joined: JoinedMessage = {
    type: 'joined', streamId: 'spectate:g', gameId: 'g', kind: 'tennis', title: hostile, mode: 'spectate', role: 'spectator',
    status: 'playing', speed: 1, epoch: 1, positionMs: 0, positionSeq: 0, durationMs: 1000, frameCount: 1, clients: 1,
  };
  test('header, error, ended reason, state by', () => {
    const lines = [
      ...formatJoined(joined),
      formatError({ code: hostile as 'internal', message: hostile }),
      formatEnded(hostile),
      ...describeState(undefined, { type: 'state', streamId: 'spectate:g', status: 'paused', speed: 1, epoch: 1, positionMs: 0, positionSeq: 0, by: hostile }),
    ];
    for (const line of lines) {
      expect(line).not.toMatch(CONTROL);
      expect(line).not.toContain('pwned');
    }
    expect(lines[0]).toBe('▶ Evil');
  });
});
