/**
 * `npm run streams [-- list] [--stack NAME] [--all] [--json]`
 * `npm run streams -- show|end|restart ID [--stack NAME] [--token T] [--json]`
 *
 * The operator's streams CLI. `list` (the default verb) reads the Streams table directly:
 * Query the `byStatus` GSI (never a Scan) once per status — scheduled, awaiting_start,
 * starting, playing, paused; `--all` adds ended and failed — and print an aligned table (or
 * JSON lines with `--json`); scheduled streams show when they start (STARTS).
 *
 * `show`, `end` and `restart` call the HTTP API's operator routes (docs/HTTP-API.md
 * "Operator routes") with an operator token: local mode mints one from `/dev/token` (as
 * `npm run token -- --role operator` does); a deployed stack (`--stack`) takes `--token` or
 * MATCHCAST_TOKEN. Default target: the running local stack.
 */
import './lib/quiet-sdk'; // first: no AWS SDK Node-version warning on stderr
import type { Writable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { OPEN_STATUSES as LIVE_STATUSES, type StreamRow } from '../contract/rows';
import type { StreamStatus } from '../protocol/messages';
import { isStreamId } from '../protocol/ids';
import { CliError, parseCli, runMain, usageError } from './lib/cli';
import { awsError, clientConfig, resolveTarget, type Target, type TargetDeps } from './lib/target';
import { getToken } from './lib/token-source';
import { formatEndResult, formatRestartResult, formatStreamDetails, formatStreamsTable, sortStreams, streamJsonLine, type StreamDetailsView } from './lib/streams-view';

import { BY_STATUS_INDEX } from '../contract/tables';

export { BY_STATUS_INDEX };
/** Bound on rows listed (pages stop there). */
export const MAX_ROWS = 10_000;
const MAX_PAGES = 1_000;

export const STREAMS_HELP = `usage: npm run streams [-- list] [--all] [--json] [--stack NAME]
       npm run streams -- show ID [--json] [--stack NAME --token T]
       npm run streams -- end ID [--stack NAME --token T]
       npm run streams -- restart ID [--stack NAME --token T]

Operate the streams of the running local stack (default) or of a deployed stack.

  list           (default) the open streams, from the Streams table (Query on its byStatus
                 index); scheduled streams show when they start (STARTS)
  show ID        one stream: its row, its Step Functions execution, its viewers, and whether
                 it can be restarted
  end ID         end the stream (reason "stopped"): its viewers get "ended", its execution
                 is stopped
  restart ID     restart a failed or stuck stream from where it was, under a new epoch
                 (its viewers get the new state); refused for a healthy, paused, scheduled
                 or ended one

ID is a stream id as list prints it (quote it in the shell if it holds "@").

  --all          list: include ended and failed streams (still in the table until their TTL)
  --json         list: one JSON object per line (the stored row + positionNowMs);
                 show: the HTTP API's JSON answer
  --stack NAME   a deployed stack (its StreamsTableName and HttpApiUrl outputs);
                 default: local mode (\`npm start\`), which mints its own operator token
  --token T      an access token with the operator role, for --stack (default:
                 $MATCHCAST_TOKEN; mint one with
                 \`npm run token -- --stack NAME --user YOU --role operator\`)
  -h, --help     this help
`;

/** The verbs of the streams CLI. */
export const STREAMS_VERBS = ['list', 'show', 'end', 'restart'] as const;
export type StreamsVerb = (typeof STREAMS_VERBS)[number];

/**
 * Every Streams row with one of `statuses`: one paginated Query of {@link BY_STATUS_INDEX} per
 * status, at most {@link MAX_ROWS} rows. Throws {@link CliError} on an AWS failure.
 */
export async function queryStreams(doc: DynamoDBDocumentClient, table: string, statuses: readonly StreamStatus[]): Promise<StreamRow[]> {
  const rows: StreamRow[] = [];
  for (const status of statuses) {
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES && rows.length < MAX_ROWS; page++) {
      let res;
      try {
        res = await doc.send(
          new QueryCommand({
            TableName: table,
            IndexName: BY_STATUS_INDEX,
            KeyConditionExpression: '#status = :s',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':s': status },
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (e) {
        throw awsError(e, `querying ${table}`);
      }
      for (const item of res.Items ?? []) if (rows.length < MAX_ROWS) rows.push(item as StreamRow);
      startKey = res.LastEvaluatedKey;
      if (!startKey) break;
    }
  }
  return rows;
}

/** A document client for the target (explicit endpoint and dummy credentials locally). */
export function documentClient(target: Target): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(target, 'dynamodb')));
}

/** Test seams for {@link runStreams}. */
export interface StreamsDeps extends TargetDeps {
  doc?: DynamoDBDocumentClient;
  now?: () => number;
  /** HTTP client of the operator verbs (and of local mode's `/dev/token`). */
  fetch?: typeof fetch;
  /** Where MATCHCAST_TOKEN is read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Bound on one HTTP API request of the operator verbs (ms): an end waits at most a few seconds for a claimed batch. */
export const OPERATOR_REQUEST_TIMEOUT_MS = 30_000;
/** User id of the operator token local mode mints for the verbs. */
export const LOCAL_OPERATOR_USER = 'operator';

/**
 * The operator token for `target`: `--token`, else MATCHCAST_TOKEN, else (local mode only) one
 * minted by `/dev/token` for {@link LOCAL_OPERATOR_USER} with the `operator` role. Throws a
 * usage error for a deployed stack without a token.
 */
export async function operatorToken(target: Target, token: string | undefined, deps: StreamsDeps): Promise<string> {
  const given = token ?? (deps.env ?? process.env).MATCHCAST_TOKEN;
  if (given !== undefined && given.trim() !== '') return given.trim();
  if (target.kind === 'aws') {
    throw usageError(`--stack ${target.name} needs an operator token: --token T or MATCHCAST_TOKEN (mint one with \`npm run token -- --stack ${target.name} --user YOU --role operator\`)`);
  }
  return getToken(target, { userId: LOCAL_OPERATOR_USER, roles: ['operator'], ttlSeconds: 600 }, { fetch: deps.fetch });
}

/**
 * Call an operator route: `method` `path` (already URL-encoded) on `target.apiUrl` with the
 * bearer `token`. Resolves the JSON body of a 2xx answer. Throws {@link CliError} with the
 * server's own message for a refusal (`{ error: { message } }`), a plain explanation for
 * API Gateway's 401/403 (the token), and "cannot reach" when nothing answers.
 */
export async function callOperatorApi(target: Target, token: string, method: 'GET' | 'POST', path: string, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  if (!target.apiUrl) throw new CliError(`stack ${target.name} has no HttpApiUrl output: deploy the current version (npx cdk deploy)`);
  const url = `${target.apiUrl}${path}`;
  let res: Response;
  try {
    res = await fetchImpl(url, { method, headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(OPERATOR_REQUEST_TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    throw new CliError(`cannot reach the HTTP API at ${target.apiUrl} (${cause})${target.kind === 'local' ? ': is `npm start` running?' : ''}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.ok) return body;
  const refusal = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  if (typeof refusal === 'string') throw new CliError(refusal);
  if (res.status === 401) throw new CliError('the HTTP API wants a token: pass --token T or set MATCHCAST_TOKEN');
  if (res.status === 403) throw new CliError('the HTTP API refused the token (expired, or not for this stack): mint a new one with `npm run token -- --role operator`');
  throw new CliError(`${method} ${path}: HTTP ${res.status}${text ? ` ${text.slice(0, 200)}` : ''}`);
}

/** `/operator/streams/{streamId}` with the id URL-encoded (it holds ":", maybe "@"). */
export function operatorStreamPath(streamId: string, action?: 'end' | 'restart'): string {
  return `/operator/streams/${encodeURIComponent(streamId)}${action ? `/${action}` : ''}`;
}

/**
 * The `streams` CLI as a function: `list` writes the table or JSON lines to `io.stdout`;
 * `show`, `end`, `restart` write what the HTTP API answered, in plain words. Resolves 0.
 * Throws {@link CliError} (exit 2 for usage errors).
 */
export async function runStreams(argv: readonly string[], io: { stdout: Writable }, deps: StreamsDeps = {}): Promise<number> {
  const { values, positionals } = parseCli(
    argv,
    {
      stack: { type: 'string', short: 's' },
      all: { type: 'boolean', short: 'a' },
      json: { type: 'boolean' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    2,
  );
  if (values.help) {
    io.stdout.write(STREAMS_HELP);
    return 0;
  }
  const verb = (positionals[0] ?? 'list') as StreamsVerb;
  if (!STREAMS_VERBS.includes(verb)) throw usageError(`unknown verb ${JSON.stringify(positionals[0])}: use list, show ID, end ID or restart ID (see --help)`);
  const id = positionals[1];
  if (verb === 'list') {
    if (id !== undefined) throw usageError(`unexpected argument ${JSON.stringify(id)}: list takes no stream id (see --help)`);
    if (values.token !== undefined) throw usageError('--token is for show, end and restart (list reads the Streams table with your AWS credentials)');
    return listVerb(values, io, deps);
  }
  if (id === undefined) throw usageError(`${verb} needs a stream id: npm run streams -- ${verb} ID (list prints them)`);
  if (!isStreamId(id)) throw usageError(`${JSON.stringify(id.slice(0, 60))} is not a stream id (list prints them, e.g. spectate:GAME)`);
  if (values.all) throw usageError('--all is for list');
  if (values.json && verb !== 'show') throw usageError('--json is for list and show');
  const target = await resolveTarget(values.stack, deps);
  const token = await operatorToken(target, values.token, deps);
  const now = (deps.now ?? Date.now)();
  if (verb === 'show') {
    const body = (await callOperatorApi(target, token, 'GET', operatorStreamPath(id), deps.fetch)) as StreamDetailsView;
    io.stdout.write(values.json ? `${JSON.stringify(body)}\n` : formatStreamDetails(body, now));
  } else if (verb === 'end') {
    io.stdout.write(formatEndResult((await callOperatorApi(target, token, 'POST', operatorStreamPath(id, 'end'), deps.fetch)) as never));
  } else {
    io.stdout.write(formatRestartResult((await callOperatorApi(target, token, 'POST', operatorStreamPath(id, 'restart'), deps.fetch)) as never));
  }
  return 0;
}

/** `list`: Query the Streams table (today's behaviour and flags). */
async function listVerb(values: { stack?: string; all?: boolean; json?: boolean }, io: { stdout: Writable }, deps: StreamsDeps): Promise<number> {
  const target = await resolveTarget(values.stack, deps);
  const table = target.tables.streams;
  if (!table) throw new CliError(target.kind === 'local' ? 'the local runtime file names no Streams table' : `stack ${target.name} has no StreamsTableName output`);
  const statuses: StreamStatus[] = values.all ? [...LIVE_STATUSES, 'ended', 'failed'] : [...LIVE_STATUSES];
  const doc = deps.doc ?? documentClient(target);
  try {
    const rows = await queryStreams(doc, table, statuses);
    const now = (deps.now ?? Date.now)();
    if (values.json) for (const r of sortStreams(rows)) io.stdout.write(`${streamJsonLine(r, now)}\n`);
    else io.stdout.write(formatStreamsTable(rows, now, values.all === true));
  } finally {
    if (!deps.doc) doc.destroy();
  }
  return 0;
}

if (require.main === module) runMain(() => runStreams(process.argv.slice(2), { stdout: process.stdout }));
