/**
 * `npm start`: the whole matchcast system on this machine, no AWS account needed.
 *
 *   npm start                         # PORT=3000, fresh state, sample matches loaded
 *   npm start -- --port 8080          # or PORT=8080
 *   npm start -- --data .local/state  # keep DynamoDB/S3 state across restarts
 *   npm start -- --event              # also a whole event: the 2012 French Open's 172 matches
 *
 * Prints the URLs it serves; Ctrl-C (SIGINT) or SIGTERM stops everything cleanly.
 */
import { parseArgs } from 'node:util';
import { buildWeb } from './web';
import { startLocalStack, type LocalStack } from './stack';

// This machine's Node 20 only matters to the AWS SDK's 2027 releases (Lambda runs nodejs22.x).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage: npm start [-- --port N] [--data DIR] [--no-samples] [--event] [--verbose]`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        data: { type: 'string' },
        'no-samples': { type: 'boolean', default: false },
        event: { type: 'boolean', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(args.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`port must be 0–65535, got "${args.port ?? process.env.PORT}"`);
    return 2;
  }
  const started = Date.now();
  console.log('matchcast: building the web client…');
  await buildWeb();
  console.log('matchcast: starting local AWS stand-ins, indexing the sample recordings…');
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      port,
      ...(args.data ? { dataDir: args.data } : {}),
      samples: !args['no-samples'],
      events: args.event,
      // Ctrl-C: running ticks get 3 s, not their 2-minute timeout (streams resume from their
      // persisted position on the next start with --data).
      closeGraceMs: 3000,
      log: args.verbose ? (e) => console.log(JSON.stringify(e)) : undefined,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') console.error(`port ${port} is in use: stop the other process or run PORT=<free port> npm start`);
    else console.error(`matchcast: could not start: ${err.message}`);
    return 1;
  }
  console.log(`
matchcast is running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s, ${stack.games.length} games):

  browser     ${stack.httpUrl}/
  websocket   ${stack.wsUrl}?token=…
  token       ${stack.httpUrl}/dev/token?user=alice
  health      ${stack.httpUrl}/healthz
  HTTP API    ${stack.httpUrl}/games/{gameId}/events, ${stack.httpUrl}/streams  (docs/HTTP-API.md)

  try         npm run watch -- ${stack.games.includes('2012-wimbledon-1701') ? '2012-wimbledon-1701' : (stack.games[0] ?? 'GAME_ID')} --speed 64
              npm run streams

Ctrl-C stops it.`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\nmatchcast: ${signal}, stopping…`);
      stack.close().then(resolve, (e: unknown) => {
        console.error(`matchcast: error while stopping: ${(e as Error).message}`);
        resolve();
      });
    };
    // `on`, not `once`: under `npm start` a Ctrl-C reaches this process more than once (the
    // terminal signals the whole process group, and npm and tsx each relay it too). A repeat
    // must not fall back to Node's default action, which would kill it half-way through
    // stopping (leaving its temp state folder behind).
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  console.log('matchcast: stopped.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`matchcast: ${(e as Error).message}`);
    process.exit(1);
  },
);
