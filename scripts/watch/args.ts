/**
 * The arguments of `npm run watch`: its help text, `argv` to {@link WatchArgs}, and the default
 * user id of local mode. Pure apart from reading the login name; unit-tested in
 * test/scripts/watch.test.ts ("CLI").
 */
import { userInfo } from 'node:os';
import { USER_ID_PATTERN } from '../../protocol/ids';
import { MODES, type Mode } from '../../protocol/messages';
import { parseCli, parseMediaTime, parseSpeed, usageError } from '../lib/cli';
import { KEYS_HELP } from './keys';

/** The text of `npm run watch -- --help` (flags, keys, examples). */
export const WATCH_HELP = `usage: npm run watch -- GAME_ID [options]

Watch a recording as a live stream in the terminal.

  --speed N          playback rate 0.25-64 (default 1)
  --at TIME          start at a media time: milliseconds or H:MM:SS
  --mode MODE        spectate (default: share the game's stream), pvai (your own stream,
                     you control it), pvp (a room's stream; the first two users control it)
  --room R           pvp room id (required with --mode pvp)
  --user NAME        user id for the local token (default: your login name)
  --name TEXT        display name for the local token
  --stack NAME       a deployed stack (WebSocketUrl from its outputs); default: local mode
  --token T          access token for --stack (default: $MATCHCAST_TOKEN; or pass --user
                     to mint one with your AWS credentials)
  --raw              write every frame's data as it is, not the game's view
                     (status lines go to stderr)
  -h, --help         this help

Keys (pvai/pvp, in a terminal): ${KEYS_HELP}
Examples:
  npm run watch -- 2012-wimbledon-1701 --speed 64
  npm run watch -- 2012-wimbledon-1701 --mode pvai
  npm run watch -- 2012-wimbledon-1701 --stack Matchcast --token "$TOKEN"
`;

/** What the command line asks for. `speed` is a playback rate, `atMs` media milliseconds. */
export interface WatchArgs {
  gameId: string;
  speed?: number;
  atMs?: number;
  mode: Mode;
  room?: string;
  user?: string;
  name?: string;
  stack?: string;
  token?: string;
  raw: boolean;
}

/** The default user id: the login name when it is a valid user id (protocol/ids.ts), else `viewer`. */
export function defaultUser(): string {
  let name = '';
  try {
    name = userInfo().username;
  } catch {
    /* no passwd entry (containers) */
  }
  return USER_ID_PATTERN.test(name) ? name : 'viewer';
}

/**
 * Parse `argv` into {@link WatchArgs} (without resolving the target). Throws a usage
 * {@link CliError} (exit 2) for a missing GAME_ID, a bad `--speed`/`--at`/`--mode`, `--mode pvp`
 * without `--room`, `--room` without pvp, or `--token` without `--stack`. Returns undefined for
 * `--help`.
 */
export function parseWatchArgs(argv: readonly string[]): WatchArgs | undefined {
  const { values, positionals } = parseCli(
    argv,
    {
      speed: { type: 'string' },
      at: { type: 'string' },
      mode: { type: 'string', short: 'm' },
      room: { type: 'string', short: 'r' },
      user: { type: 'string', short: 'u' },
      name: { type: 'string', short: 'n' },
      stack: { type: 'string', short: 's' },
      token: { type: 'string', short: 't' },
      raw: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    1,
  );
  if (values.help) return undefined;
  const gameId = positionals[0];
  if (!gameId) throw usageError('GAME_ID is required: npm run watch -- GAME_ID (see --help)');
  const mode = (values.mode ?? 'spectate') as Mode;
  if (!MODES.includes(mode)) throw usageError(`--mode ${values.mode}: expected one of ${MODES.join(', ')}`);
  if (mode === 'pvp' && !values.room) throw usageError('--mode pvp needs --room R (players of the same room share the stream)');
  if (mode !== 'pvp' && values.room) throw usageError('--room is only for --mode pvp');
  if (values.token !== undefined && values.stack === undefined) throw usageError('--token is for --stack NAME (local mode mints its own)');
  return {
    gameId,
    mode,
    raw: values.raw === true,
    ...(values.speed !== undefined ? { speed: parseSpeed(values.speed) } : {}),
    ...(values.at !== undefined ? { atMs: parseMediaTime(values.at) } : {}),
    ...(values.room ? { room: values.room } : {}),
    ...(values.user ? { user: values.user } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(values.stack !== undefined ? { stack: values.stack } : {}),
    ...(values.token ? { token: values.token } : {}),
  };
}
