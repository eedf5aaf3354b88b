/**
 * `npm run streams [-- --stack NAME] [--all] [--json]`
 *
 * The Streams table as an operator sees it: Query the `byStatus` GSI (never a Scan) once per
 * status — scheduled, awaiting_start, starting, playing, paused; `--all` adds ended and failed —
 * and print an aligned table (or JSON lines with `--json`); scheduled streams show when they
 * start (STARTS). Default target: the running local stack.
 */
import './lib/quiet-sdk'; // first: no AWS SDK Node-version warning on stderr
import type { Writable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { OPEN_STATUSES as LIVE_STATUSES, type StreamRow } from '../contract/rows';
import type { StreamStatus } from '../protocol/messages';
import { CliError, parseCli, runMain } from './lib/cli';
import { awsError, clientConfig, resolveTarget, type Target, type TargetDeps } from './lib/target';
import { formatStreamsTable, sortStreams, streamJsonLine } from './lib/streams-view';

import { BY_STATUS_INDEX } from '../contract/tables';

export { BY_STATUS_INDEX };
/** Bound on rows listed (pages stop there). */
export const MAX_ROWS = 10_000;
const MAX_PAGES = 1_000;

export const STREAMS_HELP = `usage: npm run streams [-- --stack NAME] [--all] [--json]

List streams from the Streams table (Query on its byStatus index). Scheduled streams
show when they start (STARTS: local time and how soon).

  --all          include ended and failed streams (still in the table until their TTL)
  --json         one JSON object per line (the stored row + positionNowMs)
  --stack NAME   a deployed stack (StreamsTableName output); default: local mode
  -h, --help     this help
`;

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
}

/** The `streams` CLI as a function: writes the table or JSON lines to `io.stdout`, resolves 0. Throws {@link CliError}. */
export async function runStreams(argv: readonly string[], io: { stdout: Writable }, deps: StreamsDeps = {}): Promise<number> {
  const { values } = parseCli(argv, {
    stack: { type: 'string', short: 's' },
    all: { type: 'boolean', short: 'a' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(STREAMS_HELP);
    return 0;
  }
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
