import { CliError, EXIT_USAGE, errorText, parseCli, parseMediaTime, parseSpeed, parseTtl } from '../../../scripts/lib/cli';

function usage(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(EXIT_USAGE);
    expect((e as CliError).message).not.toContain('\n');
    return e as CliError;
  }
  throw new Error('expected a usage error');
}

describe('parseTtl (seconds)', () => {
  test.each([
    ['30m', 1800],
    ['1h', 3600],
    ['2d', 172_800],
    ['90s', 90],
    ['3600', 3600],
    ['1.5h', 5400],
    ['1H', 3600],
  ])('%s → %d', (text, seconds) => expect(parseTtl(text)).toBe(seconds));

  test('refuses nonsense, zero and more than 30 days', () => {
    expect(usage(() => parseTtl('1w')).message).toMatch(/--ttl "1w"/);
    usage(() => parseTtl('-5'));
    usage(() => parseTtl('0'));
    usage(() => parseTtl('31d'));
    usage(() => parseTtl(''));
  });
});

describe('parseMediaTime (ms)', () => {
  test('milliseconds or a clock', () => {
    expect(parseMediaTime('62000')).toBe(62_000);
    expect(parseMediaTime('1:02:03')).toBe(3_723_000);
    expect(parseMediaTime('2:05')).toBe(125_000);
    expect(parseMediaTime('0:00:01.5')).toBe(1500);
  });
  test('refuses the rest', () => {
    usage(() => parseMediaTime('1:75:00'));
    usage(() => parseMediaTime('-3'));
    usage(() => parseMediaTime('soon'));
  });
});

test('parseSpeed holds the protocol bounds', () => {
  expect(parseSpeed('4')).toBe(4);
  expect(parseSpeed('0.25')).toBe(0.25);
  expect(parseSpeed('16x')).toBe(16);
  expect(usage(() => parseSpeed('100')).message).toBe('--speed 100: must be between 0.25 and 64');
  usage(() => parseSpeed('fast'));
  usage(() => parseSpeed(''));
});

describe('parseCli', () => {
  const opts = { speed: { type: 'string' }, raw: { type: 'boolean' } } as const;
  test('values and positionals', () => {
    const { values, positionals } = parseCli(['g1', '--speed', '4', '--raw'], opts, 1);
    expect(values).toEqual({ speed: '4', raw: true });
    expect(positionals).toEqual(['g1']);
  });
  test('one-line usage errors', () => {
    expect(usage(() => parseCli(['--nope'], opts)).message).toBe('unknown option --nope (see --help)');
    expect(usage(() => parseCli(['--speed'], opts)).message).toBe('option --speed needs a value');
    expect(usage(() => parseCli(['--speed', '--raw'], opts)).message).toMatch(/^option --speed needs a value/);
    expect(usage(() => parseCli(['a', 'b'], opts, 1)).message).toBe('unexpected argument "b" (see --help)');
  });
  test('an option with a short alias is named by its long form', () => {
    const withAlias = { user: { type: 'string', short: 'u' } } as const;
    expect(usage(() => parseCli(['-u'], withAlias)).message).toBe('option --user needs a value');
    expect(usage(() => parseCli(['--user'], withAlias)).message).toBe('option --user needs a value');
  });
});

test('errorText is one line without a stack', () => {
  const e = new TypeError('bad\nthings');
  expect(errorText(e)).toBe('TypeError: bad');
  expect(errorText(new CliError('plain'))).toBe('plain');
  expect(errorText('x')).toBe('x');
});
