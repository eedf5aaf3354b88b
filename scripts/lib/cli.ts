/**
 * What every CLI shares (`npm run ingest`, `publish`, `watch`, `token`, `streams`, `bench`):
 * argument parsing with Node's `util.parseArgs` turned into one-line usage errors, value
 * parsers (durations, media times, speeds), and `runMain`, which maps any failure to a
 * one-line message and an exit code — never a stack trace.
 *
 * Exit codes: 0 success, 1 runtime failure, 2 usage error (the getopt convention).
 */
// Every CLI comes through here, so the AWS SDK's Node-version warning is off (quiet-sdk.ts)
// before any SDK client exists, even for an entry that does not import quiet-sdk itself.
import './quiet-sdk';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';
import { MAX_SPEED, MIN_SPEED } from '../../protocol/messages';

/** Exit code of a wrong command line. */
export const EXIT_USAGE = 2;
/** Exit code of a failure at run time (server refused, network, AWS). */
export const EXIT_FAILURE = 1;

/** A failure with a message fit to print as it is, and the exit code to leave with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error (exit code 2). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` in strict mode, its errors rewritten as short {@link CliError}s (exit 2):
 * "unknown option --foo (see --help)", "option --speed needs a value",
 * "unexpected argument x". `maxPositionals` bounds the positionals (default 0).
 */
export function parseCli<O extends Options>(
  argv: readonly string[],
  options: O,
  maxPositionals = 0,
): { values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values']; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageError(parseArgsMessage(e));
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals] ?? '';
    throw usageError(`unexpected argument ${JSON.stringify(extra)} (see --help)`);
  }
  return parsed as never;
}

function parseArgsMessage(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  // Node quotes the option as '-u, --user <value>' or '--user': name the long form when there is one.
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  const option = /--[^\s,'<]+/.exec(quoted)?.[0] ?? /-[^\s,'<]+/.exec(quoted)?.[0];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''} (see --help)`.replace('  ', ' ');
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /ambiguous/.test(message)
        ? `option ${option ?? ''} needs a value (to pass one starting with "-", write ${option ?? '--opt'}=VALUE)`
        : `option ${option ?? ''} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument (see --help)`;
    default:
      return message.split('\n')[0] ?? 'bad arguments';
  }
}

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * A token lifetime in **seconds** from `30m`, `1h`, `2d`, `90s` or a bare number of seconds
 * (`3600`). Must be 1 s to 30 days (a longer-lived bearer token is a liability, not a
 * convenience). Throws a usage {@link CliError} otherwise.
 */
export function parseTtl(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text);
  if (!m) throw usageError(`--ttl ${JSON.stringify(text)}: expected seconds or a number with s, m, h or d (30m, 1h, 2d)`);
  const seconds = Math.round(Number(m[1]) * (TTL_UNITS[(m[2] || 's').toLowerCase()] ?? 1));
  if (!Number.isFinite(seconds) || seconds < 1) throw usageError(`--ttl ${text}: must be at least 1 second`);
  if (seconds > 30 * 86400) throw usageError(`--ttl ${text}: must be at most 30 days`);
  return seconds;
}

/**
 * A media time in **milliseconds** from a bare number of milliseconds (`62000`) or a clock
 * `H:MM:SS`, `M:SS` (`1:02:03` = 3,723,000 ms; fractions of a second allowed). Throws a usage
 * {@link CliError} for anything else or a negative time.
 */
export function parseMediaTime(text: string, flag = '--at'): number {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(s);
  if (!m) throw usageError(`${flag} ${JSON.stringify(text)}: expected milliseconds or H:MM:SS`);
  const h = Number(m[1] ?? 0);
  const min = Number(m[2]);
  const sec = Number(m[3]);
  if (min >= 60 || sec >= 60) throw usageError(`${flag} ${text}: minutes and seconds must be below 60`);
  return Math.round(((h * 60 + min) * 60 + sec) * 1000);
}

/**
 * A playback rate from `4`, `0.25` or `4x`; must be within the protocol's bounds
 * ({@link MIN_SPEED}–{@link MAX_SPEED}, PROTOCOL.md `start.speed`). Throws a usage {@link CliError}.
 */
export function parseSpeed(text: string): number {
  const n = Number(text.trim().replace(/[x×]$/i, ''));
  if (!Number.isFinite(n) || text.trim() === '') throw usageError(`--speed ${JSON.stringify(text)}: expected a number such as 4`);
  if (n < MIN_SPEED || n > MAX_SPEED) throw usageError(`--speed ${text}: must be between ${MIN_SPEED} and ${MAX_SPEED}`);
  return n;
}

/** The message of any thrown value, one line, for printing (no stack). */
export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const name = e.name && e.name !== 'Error' && e.name !== 'CliError' && !e.message.includes(e.name) ? `${e.name}: ` : '';
    return `${name}${e.message}`.split('\n')[0] ?? 'unknown error';
  }
  return String(e).split('\n')[0] ?? 'unknown error';
}

/**
 * Run a CLI's body and exit with its code. Any error prints `error: <message>` on stderr
 * (one line, no stack) and exits with the error's code (1 unless it is a {@link CliError}).
 */
export function runMain(body: () => Promise<number>, stderr: Writable = process.stderr): void {
  body().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      stderr.write(`error: ${errorText(e)}\n`);
      process.exitCode = e instanceof CliError ? e.exitCode : EXIT_FAILURE;
    },
  );
}
