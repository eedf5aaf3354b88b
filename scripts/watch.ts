/**
 * `npm run watch -- GAME_ID [--speed N] [--at MS|H:MM:SS] [--mode spectate|pvai|pvp]
 *   [--room R] [--user NAME] [--stack NAME --token T] [--raw]`
 *
 * The terminal client. This file is the command: it parses the arguments (scripts/watch/
 * args.ts), resolves the target and the token, and runs one session (scripts/watch/
 * session.ts): a header, the game as its kind's view draws it (kinds/watch.ts: the snapshot
 * of a running stream first, then one line per point, ball or move, applied with the kind's
 * reducer; a terminal recording's emulated screen), control changes, presence, chat, and why
 * it ended. With a TTY and mode pvai/pvp, keys control playback (scripts/watch/keys.ts).
 */
import { runMain, usageError } from './lib/cli';
import { resolveTarget, type TargetDeps } from './lib/target';
import { fetchDevToken, mintStackToken } from './lib/token-source';
import { defaultUser, parseWatchArgs, WATCH_HELP } from './watch/args';
import { runWatch, type WatchIO, type WatchOptions } from './watch/session';

export { defaultUser, parseWatchArgs, WATCH_HELP, type WatchArgs } from './watch/args';
export { EXIT_INTERRUPTED, runWatch, type WatchIO, type WatchOptions, type WatchResult } from './watch/session';

/** Test seams for {@link watchMain}. */
export interface WatchDeps extends TargetDeps {
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
}

/**
 * The `watch` CLI: parse, resolve the target and token, {@link runWatch}. Resolves the exit
 * code; throws {@link CliError} for usage and setup failures (runMain prints them).
 */
export async function watchMain(argv: readonly string[], io: WatchIO, deps: WatchDeps = {}, signal?: AbortSignal): Promise<number> {
  const args = parseWatchArgs(argv);
  if (!args) {
    io.stdout.write(WATCH_HELP);
    return 0;
  }
  const env = deps.env ?? process.env;
  const target = await resolveTarget(args.stack, deps);
  let token: WatchOptions['token'];
  if (target.kind === 'local') {
    const user = args.user ?? defaultUser();
    token = () => fetchDevToken(target.httpUrl ?? '', { userId: user, ...(args.name ? { displayName: args.name } : {}) }, deps.fetch);
  } else if (args.token ?? env.MATCHCAST_TOKEN) {
    token = (args.token ?? env.MATCHCAST_TOKEN) as string;
  } else if (args.user) {
    token = await mintStackToken(target, { userId: args.user, ...(args.name ? { displayName: args.name } : {}) });
  } else {
    throw usageError(`--stack ${target.name} needs a token: --token T, MATCHCAST_TOKEN, or --user NAME to mint one (see npm run token)`);
  }
  const result = await runWatch(
    {
      wsUrl: target.wsUrl,
      token,
      gameId: args.gameId,
      mode: args.mode,
      raw: args.raw,
      ...(args.room ? { room: args.room } : {}),
      ...(args.speed !== undefined ? { speed: args.speed } : {}),
      ...(args.atMs !== undefined ? { atMs: args.atMs } : {}),
      ...(signal ? { signal } : {}),
    },
    io,
  );
  return result.exitCode;
}

if (require.main === module) {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0); // `| head`: the reader left
  });
  runMain(async () => {
    const code = await watchMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }, {}, abort.signal);
    // stdin may still hold the event loop open after raw mode; leave explicitly.
    setImmediate(() => process.exit(code));
    return code;
  });
}

