/**
 * `npm run publish -- FILE --live [--rate N] [--game ID] [--only GAMEID] [--no-finish] [--user NAME] [--stack NAME]`
 *
 * Replays a recording into the HTTP API's live endpoint (docs/HTTP-API.md "Live games"), so a
 * live game can be shown with real data: reads FILE (anything `npm run ingest` converts —
 * matchcast/1 `.jsonl`, asciicast, ttyrec, cricsheet JSON, tennis points CSV — with its
 * conversion, scripts/ingest.ts `readInputs` + convert/ `convertFiles`), opens the live
 * game (`PUT /games/{id}`; id default `{gameId}-live`; kind, title and participants from the
 * recording's header), then POSTs its frames as events paced by their media time `t` divided
 * by `--rate`, and at the end finishes the game (`--no-finish` leaves it open).
 *
 * - Each event keeps its frame's `t`, `type` and `data`; its idempotency key is
 *   `{gameId}-{seq}`, so retrying a POST whose answer was lost (network, 5xx, 429: retried
 *   with backoff) never appends twice. Any other 4xx stops the run with the server's message.
 * - Events due within ~50 ms go in one batch (≤ 500 events, < 1 MB); a sender that fell
 *   behind sends everything overdue in one batch and so catches up.
 * - A game that is open already with N frames is resumed from seq N (a rerun after a
 *   failure picks up where the last one stopped).
 * - Progress every ~5 s: frames sent, seq, media time, latency of the last POST.
 *
 * Target: the running local stack (`npm start`: its HTTP API at `httpUrl`, a token from
 * `/dev/token` with the `publisher` role) or `--stack NAME` (its `HttpApiUrl` output; the
 * token minted with the stack's JWT secret).
 */
import './lib/quiet-sdk'; // first: no AWS SDK Node-version warning on stderr
import type { Writable } from 'node:stream';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { convertFiles, type ConvertedRecording } from '../convert';
import { GAME_ID_PATTERN, USER_ID_PATTERN } from '../protocol/ids';
import { readInputs } from './ingest';
import { CliError, parseCli, runMain, usageError } from './lib/cli';
import { formatClock, formatSpeed } from './lib/format';
import {
  checkEvents,
  defaultLiveGameId,
  eventSizes,
  frameToEvent,
  LiveApiClient,
  nextBatchEnd,
  parseRate,
  type BatchLimits,
  type LiveApiDeps,
  type RetryOptions,
} from './lib/publish';
import { resolveTarget, type TargetDeps } from './lib/target';
import { getToken } from './lib/token-source';

export const PUBLISH_HELP = `usage: npm run publish -- FILE --live [--rate N] [--game ID] [--only GAMEID]
                          [--no-finish] [--user NAME] [--stack NAME]

Replay a recording into the live endpoint of the HTTP API, as a live game that spectators
watch as it happens (docs/HTTP-API.md "Live games"). Its frames are POSTed as events at the
pace of their media time divided by --rate, with idempotency keys {gameId}-{seq}.

  FILE            a recording: matchcast/1 *.jsonl, *.cast, *.ttyrec, cricsheet *.json,
                  *-points.csv (anything \`npm run ingest\` reads)
  --live          publish as a live game (required: the only mode there is)
  --rate N        speed factor: 1 = real time (default), 60 = an hour in a minute
  --game ID       the live game's id (default: the recording's gameId + "-live")
  --only GAMEID   the recording to publish when FILE holds several (a tennis event)
  --no-finish     leave the game open at the end (default: POST …/finish)
  --user NAME     the publisher's user id in the token (default: publisher)
  --stack NAME    publish to a deployed stack (its HttpApiUrl output; the token is minted
                  with its JWT secret); default: the running local stack (\`npm start\`)
  -h, --help      this help

Retries a failed POST (network, 5xx) with backoff; stops on any other refusal. Rerun with
the same --game to resume a game left open.
`;

/** Wall ms between progress lines. */
export const PROGRESS_EVERY_MS = 5000;

/** A parsed command line. */
export interface PublishArgs {
  file: string;
  rate: number;
  gameId?: string;
  only?: string;
  finish: boolean;
  user: string;
  stack?: string;
}

/** Parse `argv` (without node and script); `undefined` for `--help`. Throws a usage {@link CliError} (exit 2). */
export function parsePublishArgs(argv: readonly string[]): PublishArgs | undefined {
  const { values, positionals } = parseCli(
    argv,
    {
      live: { type: 'boolean' },
      rate: { type: 'string' },
      game: { type: 'string' },
      only: { type: 'string' },
      finish: { type: 'boolean' },
      'no-finish': { type: 'boolean' },
      user: { type: 'string' },
      stack: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    Number.MAX_SAFE_INTEGER,
  );
  if (values.help) return undefined;
  if (positionals.length === 0) throw usageError('a recording FILE is needed (see --help)');
  if (positionals.length > 1) throw usageError(`one FILE at a time, got ${positionals.length} (see --help)`);
  if (!values.live) throw usageError('pass --live: publishing replays FILE as a live game (to upload it as a recorded game, use `npm run ingest`)');
  if (values.finish && values['no-finish']) throw usageError('pass --finish or --no-finish, not both');
  if (values.game !== undefined && !GAME_ID_PATTERN.test(values.game)) {
    throw usageError(`--game ${JSON.stringify(values.game)}: 1-128 letters, digits, ".", "_" and "-", starting with a letter or digit`);
  }
  if (values.stack !== undefined && values.stack.trim() === '') throw usageError('--stack needs a stack name');
  const user = values.user ?? 'publisher';
  if (!USER_ID_PATTERN.test(user)) throw usageError(`--user ${JSON.stringify(user)}: 1-64 letters, digits, . _ @ -, starting with a letter or digit`);
  return {
    file: positionals[0]!,
    rate: values.rate === undefined ? 1 : parseRate(values.rate),
    finish: !values['no-finish'],
    user,
    ...(values.game !== undefined ? { gameId: values.game } : {}),
    ...(values.only !== undefined ? { only: values.only } : {}),
    ...(values.stack !== undefined ? { stack: values.stack } : {}),
  };
}

/**
 * The one recording FILE holds (or `only` names). Throws {@link CliError}: a conversion
 * error in one line; several recordings without `--only` (usage, exit 2) listing them.
 */
export function loadRecording(file: string, only?: string): ConvertedRecording {
  const inputs = readInputs([file]);
  let recs: ConvertedRecording[];
  try {
    recs = convertFiles(inputs, only ? { gameIds: [only] } : {});
  } catch (e) {
    throw new CliError((e as Error).message.split('\n')[0] ?? 'conversion failed');
  }
  if (recs.length === 0) throw new CliError(`${file} holds no recording`);
  if (recs.length > 1) {
    const ids = recs.map((r) => r.header.gameId);
    throw usageError(`${file} holds ${recs.length} recordings: pick one with --only GAMEID (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`);
  }
  return recs[0]!;
}

/** The body of `PUT /games/{gameId}` from a recording header, cut to the API's limits (protocol/http-api.ts `openLiveGameSchema`). */
export function openBody(header: ConvertedRecording['header']): { kind: string; title: string; participants: string[] } {
  const kind = /^[a-z][a-z0-9-]{0,31}$/.test(header.kind) ? header.kind : 'game';
  const title = header.title.trim().slice(0, 200) || header.gameId;
  const participants = header.participants.map((p) => p.trim().slice(0, 100)).filter((p) => p !== '').slice(0, 16);
  return { kind, title, participants };
}

/** Test seams: the target, the HTTP client's fetch/sleep/clock, retry settings, batch limits. */
export interface PublishDeps extends TargetDeps, LiveApiDeps {
  secrets?: SecretsManagerClient;
  retry?: RetryOptions;
  limits?: BatchLimits;
  /** Wall ms between progress lines (default {@link PROGRESS_EVERY_MS}). */
  progressEveryMs?: number;
}

/**
 * The `publish` CLI as a function: parse, load and check the recording, resolve the target
 * and a publisher token, open the live game, send the frames paced by `t / rate`, finish.
 * Reports on `io.stdout`; resolves 0. Throws {@link CliError} (exit 2 usage, 1 failure).
 */
export async function runPublish(argv: readonly string[], io: { stdout: Writable }, deps: PublishDeps = {}): Promise<number> {
  const args = parsePublishArgs(argv);
  if (!args) {
    io.stdout.write(PUBLISH_HELP);
    return 0;
  }
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const rec = loadRecording(args.file, args.only);
  const { header, frames } = rec;
  const gameId = args.gameId ?? defaultLiveGameId(header.gameId);
  const events = frames.map((f) => frameToEvent(gameId, f));
  checkEvents(events, (i) => frames[i]!.seq);
  const sizes = eventSizes(events);

  const target = await resolveTarget(args.stack, deps);
  if (!target.apiUrl) throw new CliError(`stack ${target.name} has no HttpApiUrl output: deploy a stack with the HTTP API (npx cdk deploy)`);
  const wallMs = header.durationMs / args.rate;
  // The token must outlive the replay (plus an hour of slack), within the 30-day bound.
  const ttlSeconds = Math.min(30 * 86400, Math.ceil(wallMs / 1000) + 3600);
  const token = await getToken(target, { userId: args.user, roles: ['publisher'], ttlSeconds }, deps);
  const now = deps.now ?? (() => performance.now());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms))));
  let retries = 0;
  const api = new LiveApiClient(
    target.apiUrl,
    token,
    {
      ...deps,
      onRetry: (what, reason, delayMs) => {
        retries++;
        say(`  retrying ${what} in ${Math.round(delayMs)} ms (${reason})`);
        deps.onRetry?.(what, reason, delayMs);
      },
    },
    deps.retry,
  );

  say(`publishing ${header.gameId} (${frames.length} frames, ${formatClock(header.durationMs)} media) as live game ${gameId} at ${formatSpeed(args.rate)} — about ${formatClock(wallMs)} — to ${target.kind === 'local' ? 'local mode' : `stack ${target.name}`} ${target.apiUrl}`);
  const opened = await api.openGame(gameId, openBody(header));
  let from = Math.min(frames.length, opened.body.frameCount);
  if (opened.status === 201) say(`opened live game ${gameId}`);
  else say(`live game ${gameId} is open already with ${opened.body.frameCount} frame(s)${from > 0 ? `: resuming at seq ${from}` : ''}`);

  const base = from;
  const started = now();
  let lastProgress = started;
  let batches = 0;
  let duplicates = 0;
  let sent = 0;
  let last: { seq: number; t: number; latencyMs: number } | undefined;
  const progress = () =>
    say(`  ${base + sent}/${frames.length} frames  seq ${last?.seq ?? '-'}  media ${formatClock(last?.t ?? 0)}  last POST ${last ? Math.round(last.latencyMs) : '-'} ms`);
  while (from < frames.length) {
    const wait = (frames[from]!.t - frames[base]!.t) / args.rate - (now() - started);
    if (wait > 0) await sleep(wait);
    const end = nextBatchEnd(frames, sizes, from, base, args.rate, now() - started, deps.limits);
    const answer = await api.postEvents(gameId, events.slice(from, end));
    batches++;
    duplicates += answer.body.duplicates?.length ?? 0;
    sent += end - from;
    last = { seq: frames[end - 1]!.seq, t: frames[end - 1]!.t, latencyMs: answer.latencyMs };
    from = end;
    if (now() - lastProgress >= (deps.progressEveryMs ?? 5000)) {
      lastProgress = now();
      progress();
    }
  }
  progress();
  const took = (now() - started) / 1000;
  say(`sent ${sent} frame(s) in ${batches} batch(es) in ${took.toFixed(1)} s (${retries} retries, ${duplicates} duplicate(s))`);
  if (args.finish) {
    const fin = await api.finish(gameId);
    say(`finished live game ${gameId}: ${fin.body.frameCount} frames, ${formatClock(fin.body.durationMs)}`);
  } else {
    say(`left live game ${gameId} open (--no-finish): finish it with POST /games/${gameId}/finish`);
  }
  return 0;
}

if (require.main === module) runMain(() => runPublish(process.argv.slice(2), { stdout: process.stdout }));
