import { ConvertError, GAME_ID_PATTERN, baseName, printable, resolveGameId } from '../../convert/errors';
import { GAME_ID_PATTERN as PROTOCOL_GAME_ID_PATTERN } from '../../protocol/ids';

describe('resolveGameId', () => {
  test('the converters use the one game id pattern of protocol/ids.ts', () => {
    expect(GAME_ID_PATTERN).toBe(PROTOCOL_GAME_ID_PATTERN);
  });

  test('a given gameId is taken as it is when valid: 1–128 characters, starting with a letter or digit', () => {
    expect(resolveGameId({ gameId: 'a' })).toBe('a');
    expect(resolveGameId({ gameId: 'x'.repeat(128) })).toBe('x'.repeat(128));
    expect(resolveGameId({ gameId: '2012-wimbledon_1701.v2', fileName: 'other.cast' })).toBe('2012-wimbledon_1701.v2');
  });

  test.each([
    ['129 characters', 'x'.repeat(129)],
    ['a leading "-"', '-lead'],
    ['a leading "."', '.hidden'],
    ['a space', 'no spaces'],
    ['a ":"', 'a:b'],
    ['empty', ''],
  ])('a given gameId with %s is refused with ConvertError', (_what, gameId) => {
    expect(() => resolveGameId({ gameId })).toThrow(ConvertError);
    expect(() => resolveGameId({ gameId })).toThrow(/is not valid: .*at most 128 characters/);
  });

  test('derived from the file name: base name, extensions off, other characters to "-", at most 128', () => {
    expect(resolveGameId({ fileName: 'a/b/My Demo (1).cast' })).toBe('My-Demo-1-');
    expect(resolveGameId({ fileName: '__x.ttyrec' })).toBe('x');
    expect(resolveGameId({ fileName: `${'y'.repeat(200)}.jsonl` })).toBe('y'.repeat(128));
    expect(baseName('c:\\rec\\game.ndjson.gz')).toBe('game');
  });

  test('no usable id: ConvertError asking for one', () => {
    expect(() => resolveGameId({})).toThrow(/pass options.gameId or options.fileName/);
    expect(() => resolveGameId({ fileName: '---.cast' })).toThrow(/cannot derive a gameId from file name "---.cast"/);
  });
});

describe('printable: the one sanitizer for messages that quote input', () => {
  test('escapes C0, DEL and C1 controls, line breaks, bidirectional controls and lone surrogates', () => {
    expect(printable('a\x1b[2Jb\x07c\x7fd\x9be')).toBe('a\\x1b[2Jb\\x07c\\x7fd\\x9be');
    expect(printable('one\ntwo\r\tthree')).toBe('one\\ntwo\\r\\tthree');
    expect(printable('abc\u202edef\u2066')).toBe('abc\\u202edef\\u2066');
    expect(printable('x\ud800y')).toBe('x\\ud800y');
  });

  test('keeps everything else, surrogate pairs included, and is idempotent', () => {
    const s = 'Đoković ☃ 🎾 "quoted" \\ back';
    expect(printable(s)).toBe(s);
    const once = printable('\x1b]0;title\x07');
    expect(printable(once)).toBe(once);
  });

  test('every ConvertError message is passed through it, whatever the converter quotes', () => {
    const e = ConvertError.atLine(3, 'ElapsedTime "\x1b[31mred\x1b[0m"');
    expect(e.message).toBe('line 3: ElapsedTime "\\x1b[31mred\\x1b[0m"');
    expect(e.line).toBe(3);
    expect(() => resolveGameId({ fileName: '\x1b[---.cast' })).toThrow('cannot derive a gameId from file name "\\x1b[---.cast"');
  });
});
