/**
 * `npm run ingest -- FILE… [--bucket NAME | --stack NAME] [--only GAMEID]… [--source TEXT] [--replace] [--reindex] [--dry-run]`
 *
 * Converts input files to matchcast/1 (the converter registry, kinds/converters.ts: tennis
 * point-by-point CSV, asciicast, ttyrec, Cricsheet JSON, chess PGN, generic JSONL), validates every recording with the same indexer
 * the index Lambda runs, and uploads each one as `recordings/{gameId}.jsonl`
 * (ContentType `application/x-ndjson`). The bucket's ObjectCreated notification then runs the
 * index Lambda, which writes `recordings/{gameId}.idx.json` and the `Games` catalog row —
 * locally and on AWS alike, so this CLI writes nothing else.
 *
 * For a `*-points.csv` (or `*-points.csv.gz`) the `*-matches.csv` beside it is read too (it holds the players).
 *
 * `--source TEXT` says where the recordings come from and under which licence: it becomes every
 * recording's `meta.source` (convert/converter.ts `ConvertOptions.source`). Without it a tennis
 * points CSV is attributed to Jeff Sackmann's tennis_slam_pointbypoint (CC BY-NC-SA 4.0), the
 * published home of its columns, and a `note` line says so, naming `--source` for points from elsewhere.
 *
 * Targets:
 * - default: the running local stack (`npm start`), from `.local/runtime.json`
 *   (`s3Endpoint`, `bucket`, `region`); path-style addressing and s3rver's own key pair.
 * - `--bucket NAME`: that bucket with the default AWS credentials and region.
 * - `--stack NAME`: the bucket in the stack's `RecordingsBucketName` output (DescribeStacks).
 *
 * Every input is read, converted and validated before anything is uploaded (and before the
 * target is looked up), so a broken file is reported whatever the target and uploads nothing.
 *
 * Ingest never silently replaces (scripts/lib/upload.ts): every key is read back and compared
 * byte for byte before anything is written. The same bytes are left alone (`unchanged`, and
 * the index Lambda does not run again); a different recording under a gameId is refused —
 * nothing uploaded — unless `--replace` is given, and then the line says what was replaced
 * (`replaced  … (was N frames h:mm:ss, B)`). `--dry-run` converts and validates only: it
 * contacts no target, so it cannot say what an upload would replace. `--reindex` writes a
 * recording stored byte for byte again (`reindexed  …`), which runs the index Lambda on it
 * once more: a recording indexed before keyframes existed (no `recordings/{gameId}.kf.json`)
 * then gets its keyframes and markers (snapshots at any frame, not only the first 2,000).
 *
 * Prints one line per recording (`uploaded  gameId  N frames  h:mm:ss  bytes B  key  kind`,
 * `unchanged  …`, `replaced  …`, `ok  …` on --dry-run), each after its place in the run when
 * there are several (`12/172  uploaded  …`), and a summary.
 *
 * A whole event (a points CSV of 172 matches) is refused atomically while converting: one bad
 * row names its line and nothing is uploaded, as a half-converted file would be a half-known
 * draw. Uploading is per recording: an upload that fails is named (`12/172  failed  gameId: …`),
 * the others still land, and the run exits 1 listing the failed ones (running it again
 * retries them: the landed ones are then `unchanged`). Any failure prints one
 * line `error: …` (no stack trace, no raw control bytes from the input) and exits 1; a wrong
 * command line exits 2.
 */
import './lib/quiet-sdk'; // first: no AWS SDK Node-version warning on stderr
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { CONVERTERS, convertFiles, type ConvertedRecording, type InputFile } from '../convert';
import { printable } from '../convert/errors';
import { TENNIS_ATTRIBUTION } from '../convert/tennis';
import { CliError, parseCli, runMain, usageError } from './lib/cli';
import { formatClock } from './lib/format';
import { awsError, pidAlive, RUNTIME_FILE, STACK_OUTPUTS } from './lib/target';
import { recordingKey } from '../contract/keys';
import { planUploads, prepareRecording, putRecording, RECORDING_CONTENT_TYPE, type PreparedRecording, type StoredRecording, type UploadPlan } from './lib/upload';

/** `recordings/{gameId}.jsonl`, where a recording is uploaded (contract/keys.ts). */
export { recordingKey };
/** Content type of matchcast/1 objects (JSON Lines), and a recording ready to upload (scripts/lib/upload.ts). */
export { RECORDING_CONTENT_TYPE, type PreparedRecording };

/**
 * The FILE lines of the help: one per input format of the converter registry
 * (kinds/converters.ts), `  FILE            *-points.csv  Grand Slam point-by-point CSV …`.
 */
function fileHelp(): string {
  const rows = CONVERTERS.filter((c) => !c.companion).map((c) => `${c.patterns.join(', ').padEnd(17)} ${c.format}`);
  return rows.map((r, i) => `  ${(i === 0 ? 'FILE' : '').padEnd(16)}${r}`).join('\n');
}

export const INGEST_HELP = `usage: npm run ingest -- FILE… [--bucket NAME | --stack NAME] [--only GAMEID]… [--source TEXT] [--replace] [--reindex] [--dry-run]

Convert recordings to matchcast/1, validate them, and upload each to
s3://BUCKET/recordings/{gameId}.jsonl (the index Lambda catalogs it from there).
A recording already stored byte for byte is left as it is ("unchanged"); a
different one under the same gameId is refused, uploading nothing, unless
--replace is given.

${fileHelp()}
  --bucket NAME   upload to this bucket with your default AWS credentials and region
  --stack NAME    upload to the RecordingsBucketName of this deployed stack
                  default: the running local stack (\`npm start\`)
  --only GAMEID   keep only this recording (repeatable; e.g. one match of a whole event)
  --source TEXT   where the recordings come from and their licence, one line, stored
                  as each recording's meta.source; default: what the converter knows
                  (a tennis points CSV: Jeff Sackmann's tennis_slam_pointbypoint)
  --replace       replace a different recording stored under the same gameId
                  (each such line says what it replaced: frames and duration)
  --reindex       write recordings stored byte for byte again, so the index Lambda
                  runs on them once more: one indexed before keyframes existed (no
                  recordings/{gameId}.kf.json) gets its keyframes and markers, and
                  joins and seeks past its first 2,000 frames get snapshots
  --dry-run       convert and validate, upload nothing (contacts no target)
  -h, --help      this help
`;

/** The message when local mode's runtime file is absent. */
export const LOCAL_NOT_RUNNING = 'local mode is not running: start it with `npm start`, or pass --bucket/--stack';

/** A parsed command line. */
export interface IngestArgs {
  files: string[];
  bucket?: string;
  stack?: string;
  only: string[];
  /** `--source`: every recording's `meta.source` (ConvertOptions.source); absent: the converters'. */
  source?: string;
  /** Replace a different recording stored under the same key (otherwise refused). */
  replace: boolean;
  /** Write recordings stored byte for byte again (the index Lambda runs on them again); absent: false. */
  reindex?: boolean;
  dryRun: boolean;
  help: boolean;
}

/** Parse `argv` (without node and script). Throws a usage {@link CliError} (exit 2). */
export function parseIngestArgs(argv: readonly string[]): IngestArgs {
  const { values, positionals } = parseCli(
    argv,
    {
      bucket: { type: 'string', short: 'b' },
      stack: { type: 'string', short: 's' },
      only: { type: 'string', multiple: true },
      source: { type: 'string' },
      replace: { type: 'boolean' },
      reindex: { type: 'boolean' },
      'dry-run': { type: 'boolean', short: 'n' },
      help: { type: 'boolean', short: 'h' },
    },
    Number.MAX_SAFE_INTEGER,
  );
  const args: IngestArgs = {
    files: positionals,
    only: values.only ?? [],
    replace: values.replace ?? false,
    ...(values.reindex ? { reindex: true } : {}),
    dryRun: values['dry-run'] ?? false,
    help: values.help ?? false,
    ...(values.bucket !== undefined ? { bucket: values.bucket } : {}),
    ...(values.stack !== undefined ? { stack: values.stack } : {}),
    ...(values.source !== undefined ? { source: values.source } : {}),
  };
  if (args.help) return args;
  if (args.files.length === 0) throw usageError('at least one FILE is needed (see --help)');
  if (args.bucket !== undefined && args.stack !== undefined) throw usageError('pass --bucket or --stack, not both');
  if (args.bucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(args.bucket)) {
    throw usageError(`--bucket ${printable(JSON.stringify(args.bucket))} is not an S3 bucket name`);
  }
  if (args.stack !== undefined && args.stack.trim() === '') throw usageError('--stack needs a stack name');
  return args;
}

/**
 * Read the input files. For a `*-points.csv` (or `.csv.gz`) its `*-matches.csv` in the same directory is
 * added when present and not already listed (when absent, the converter names it). Throws
 * {@link CliError} for a file that cannot be read.
 */
export function readInputs(paths: readonly string[]): InputFile[] {
  const wanted: string[] = [];
  const add = (p: string) => {
    if (!wanted.includes(p)) wanted.push(p);
  };
  for (const p of paths) {
    add(p);
    if (/-points\.csv(\.gz)?$/i.test(p)) {
      const companion = join(dirname(p), basename(p).replace(/-points\.csv(\.gz)?$/i, '-matches.csv'));
      if (existsSync(companion)) add(companion);
    }
  }
  return wanted.map((p) => {
    try {
      if (statSync(p).isDirectory()) throw new CliError(`${printable(p)} is a directory: name the files in it`);
      return { name: p, content: readFileSync(p) };
    } catch (e) {
      if (e instanceof CliError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(printable(code === 'ENOENT' ? `${p}: no such file` : `${p}: cannot read (${code ?? (e as Error).message})`));
    }
  });
}

/** Where recordings go: a bucket and the S3 client configuration to reach it. */
export interface UploadTarget {
  kind: 'local' | 'aws';
  bucket: string;
  /** Printed in the summary: `local`, `bucket NAME`, `stack NAME`. */
  label: string;
  s3: S3ClientConfig;
}

/** s3rver accepts only its built-in key pair (see local/s3.ts). */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** S3 client settings for a local s3rver endpoint: path-style, s3rver's keys, checksums only when required. */
export function localS3Config(endpoint: string, region = 'us-east-1'): S3ClientConfig {
  return {
    endpoint,
    region,
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
    // s3rver predates the SDK's default CRC32 checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 2,
  };
}

/**
 * The local stack's target from its runtime file (`{ s3Endpoint, bucket, region, pid, … }`).
 * Throws {@link CliError} with {@link LOCAL_NOT_RUNNING} when the file is absent or its
 * process has exited, and a clear message when it lacks the S3 fields.
 */
export function localUploadTarget(file: string = RUNTIME_FILE, isAlive: (pid: number) => boolean = pidAlive): UploadTarget {
  if (!existsSync(file)) throw new CliError(LOCAL_NOT_RUNNING);
  let info: { s3Endpoint?: unknown; bucket?: unknown; region?: unknown; pid?: unknown };
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as typeof info;
  } catch {
    throw new CliError(`${file} is not valid JSON: restart local mode with \`npm start\``);
  }
  if (typeof info?.pid === 'number' && !isAlive(info.pid)) {
    throw new CliError(`${LOCAL_NOT_RUNNING} (${file} is left over from process ${info.pid}, which has exited)`);
  }
  if (typeof info?.s3Endpoint !== 'string' || typeof info.bucket !== 'string') {
    throw new CliError(`${file} has no s3Endpoint/bucket: restart local mode with \`npm start\``);
  }
  const region = typeof info.region === 'string' && info.region ? info.region : 'us-east-1';
  return { kind: 'local', bucket: info.bucket, label: 'local', s3: localS3Config(info.s3Endpoint, region) };
}

/** The bucket named by a stack's `RecordingsBucketName` output. Throws {@link CliError}. */
export async function stackBucket(stackName: string, cfn: CloudFormationClient): Promise<string> {
  let outputs: Array<{ OutputKey?: string; OutputValue?: string }>;
  try {
    const res = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = res.Stacks?.[0];
    if (!stack) throw new CliError(`stack ${stackName} not found`);
    outputs = stack.Outputs ?? [];
  } catch (e) {
    throw awsError(e, `reading stack ${stackName}`);
  }
  const bucket = outputs.find((o) => o.OutputKey === STACK_OUTPUTS.bucket)?.OutputValue;
  if (!bucket) throw new CliError(`stack ${stackName} has no ${STACK_OUTPUTS.bucket} output: is it a matchcast stack (npx cdk deploy)?`);
  return bucket;
}

/** Test seams for {@link resolveUploadTarget} and {@link runIngest}. */
export interface IngestDeps {
  runtimeFile?: string;
  isAlive?: (pid: number) => boolean;
  cloudFormation?: CloudFormationClient;
  /** The S3 client to upload with (not destroyed); default: one built from the target. */
  s3?: S3Client;
}

/** `--bucket` → that bucket on AWS; `--stack` → its output; otherwise the local stack. Throws {@link CliError}. */
export async function resolveUploadTarget(args: Pick<IngestArgs, 'bucket' | 'stack'>, deps: IngestDeps = {}): Promise<UploadTarget> {
  if (args.bucket !== undefined) return { kind: 'aws', bucket: args.bucket, label: `bucket ${args.bucket}`, s3: { maxAttempts: 3 } };
  if (args.stack !== undefined) {
    const cfn = deps.cloudFormation ?? new CloudFormationClient({});
    try {
      const bucket = await stackBucket(args.stack, cfn);
      return { kind: 'aws', bucket, label: `stack ${args.stack}`, s3: { maxAttempts: 3 } };
    } finally {
      if (!deps.cloudFormation) cfn.destroy();
    }
  }
  return localUploadTarget(deps.runtimeFile, deps.isAlive);
}

/**
 * Serialize (and so validate, protocol/recording.ts) each converted recording. Throws
 * {@link CliError} naming the gameId and line of a recording that breaks the format.
 */
export function prepareRecordings(recordings: readonly ConvertedRecording[]): PreparedRecording[] {
  return recordings.map((recording) => {
    try {
      return prepareRecording(recording);
    } catch (e) {
      throw new CliError(printable(`${recording.header.gameId}: ${(e as Error).message}`));
    }
  });
}

/**
 * Upload one recording to `bucket` as `key` (ContentType {@link RECORDING_CONTENT_TYPE}).
 * Throws {@link CliError} with the S3 error in one line.
 */
export async function uploadRecording(s3: S3Client, bucket: string, rec: PreparedRecording): Promise<void> {
  try {
    await putRecording(s3, bucket, rec);
  } catch (e) {
    throw awsError(e, `uploading s3://${bucket}/${rec.key}`);
  }
}

/** `2012-wimbledon-1701  288 frames  3:58:40  61,234 B  recordings/2012-wimbledon-1701.jsonl  tennis`. */
export function recordingLine(rec: PreparedRecording): string {
  const { header } = rec.recording;
  return `${header.gameId}  ${header.frameCount} frames  ${formatClock(header.durationMs)}  ${rec.body.length.toLocaleString('en-US')} B  ${rec.key}  ${header.kind}`;
}

/** What is stored: `288 frames  3:58:40  61,234 B` (`not a matchcast/1 recording` when its header is unreadable). */
export function storedLine(stored: StoredRecording): string {
  const size = `${stored.bytes.toLocaleString('en-US')} B`;
  if (stored.frames === undefined || stored.durationMs === undefined) return `not a matchcast/1 recording, ${size}`;
  return `${stored.frames} frames  ${formatClock(stored.durationMs)}  ${size}`;
}

/**
 * Compare each recording with its key in the target (scripts/lib/upload.ts `planUploads`).
 * Throws {@link CliError}: the S3 error in one line, or — unless `replace` — one line per
 * gameId whose key holds a different recording (before and after), uploading nothing.
 */
export async function checkTarget(s3: S3Client, bucket: string, prepared: readonly PreparedRecording[], replace: boolean): Promise<UploadPlan[]> {
  let plans: UploadPlan[];
  try {
    plans = await planUploads(s3, bucket, prepared);
  } catch (e) {
    throw awsError(e, `reading s3://${bucket}/${(e as { key?: string }).key ?? 'recordings/'}`);
  }
  const differs = plans.filter((p): p is Extract<UploadPlan, { action: 'differs' }> => p.action === 'differs');
  if (differs.length > 0 && !replace) {
    const which = differs
      .map((p) => `${p.rec.recording.header.gameId} (stored: ${storedLine(p.stored)}; new: ${storedLine({ bytes: p.rec.body.length, frames: p.rec.recording.header.frameCount, durationMs: p.rec.recording.header.durationMs })})`)
      .join(', ');
    throw new CliError(`s3://${bucket}/recordings/ holds a different recording for ${which}: pass --replace to replace ${differs.length === 1 ? 'it' : 'them'}; nothing uploaded`);
  }
  return plans;
}

/**
 * The `ingest` CLI as a function: parse, read, convert, validate, then resolve the target,
 * compare every key and upload (never silently replacing: see the file's docstring),
 * reporting on `io.stdout`. Resolves 0; throws {@link CliError} (exit 2 usage, 1 failure)
 * whose message holds no raw control characters (convert/errors.ts `printable`), whatever
 * the input or the command line quotes.
 */
export async function runIngest(argv: readonly string[], io: { stdout: Writable }, deps: IngestDeps = {}): Promise<number> {
  try {
    return await ingest(argv, io, deps);
  } catch (e) {
    if (e instanceof CliError) throw new CliError(printable(e.message), e.exitCode);
    throw new CliError(printable(e instanceof Error ? e.message : String(e)));
  }
}

async function ingest(argv: readonly string[], io: { stdout: Writable }, deps: IngestDeps): Promise<number> {
  const args = parseIngestArgs(argv);
  if (args.help) {
    io.stdout.write(INGEST_HELP);
    return 0;
  }
  const inputs = readInputs(args.files);
  let recordings: ConvertedRecording[];
  try {
    recordings = convertFiles(inputs, {
      ...(args.only.length > 0 ? { gameIds: args.only } : {}),
      ...(args.source !== undefined ? { source: args.source } : {}),
    });
  } catch (e) {
    throw new CliError(printable((e as Error).message.split('\n')[0] ?? 'conversion failed'));
  }
  if (recordings.length === 0) throw new CliError('the inputs hold no recording');
  const assumed = recordings.filter((r) => r.header.meta.source === TENNIS_ATTRIBUTION).length;
  if (assumed > 0 && args.source === undefined) {
    io.stdout.write(`note  ${assumed} tennis recording(s) attributed to ${TENNIS_ATTRIBUTION}, the published source of this CSV layout; if these points come from elsewhere, pass --source "where they come from, their licence"\n`);
  }
  const prepared = prepareRecordings(recordings);
  const frames = prepared.reduce((n, r) => n + r.recording.header.frameCount, 0);
  const bytes = prepared.reduce((n, r) => n + r.body.length, 0);
  const totals = `${frames} frames, ${bytes.toLocaleString('en-US')} B`;
  if (args.dryRun) {
    for (const rec of prepared) io.stdout.write(`ok  ${recordingLine(rec)}\n`);
    io.stdout.write(`${prepared.length} recording(s) valid: ${totals}; nothing uploaded (--dry-run)\n`);
    return 0;
  }
  const target = await resolveUploadTarget(args, deps);
  const s3 = deps.s3 ?? new S3Client(target.s3);
  let written = 0;
  let replaced = 0;
  const failed: string[] = [];
  let reindexed = 0;
  try {
    const plans = await checkTarget(s3, target.bucket, prepared, args.replace);
    for (const [i, p] of plans.entries()) {
      const n = progress(i, plans.length);
      if (p.action === 'unchanged' && args.reindex) {
        await uploadRecording(s3, target.bucket, p.rec);
        reindexed++;
        io.stdout.write(`${n}reindexed  ${recordingLine(p.rec)}  (the same bytes written again: the index Lambda adds its keyframes)\n`);
        continue;
      }
      if (p.action === 'unchanged') {
        io.stdout.write(`${n}unchanged  ${recordingLine(p.rec)}  (stored byte for byte already; --reindex indexes it again, adding keyframes to one indexed before them)\n`);
        continue;
      }
      // One upload failing does not stop the others (each object is independent); the run then exits 1 naming it.
      try {
        await uploadRecording(s3, target.bucket, p.rec);
      } catch (e) {
        failed.push(p.rec.recording.header.gameId);
        io.stdout.write(`${n}failed  ${p.rec.recording.header.gameId}: ${printable((e as Error).message)}\n`);
        continue;
      }
      written++;
      if (p.action === 'new') io.stdout.write(`${n}uploaded  ${recordingLine(p.rec)}\n`);
      else {
        replaced++;
        io.stdout.write(`${n}replaced  ${recordingLine(p.rec)}  (was ${storedLine(p.stored)})\n`);
      }
    }
  } finally {
    if (!deps.s3) s3.destroy();
  }
  const unchanged = prepared.length - written - reindexed - failed.length;
  const parts = [
    `${written} recording(s) uploaded to s3://${target.bucket}/recordings/ (${target.label})${replaced > 0 ? `, ${replaced} of them replacing a different recording` : ''}`,
    ...(reindexed > 0 ? [`${reindexed} reindexed`] : []),
    ...(unchanged > 0 ? [`${unchanged} unchanged`] : []),
  ];
  io.stdout.write(`${parts.join('; ')}: ${totals}${written + reindexed > 0 ? '; the index Lambda catalogs them' : ''}\n`);
  if (failed.length > 0) {
    throw new CliError(`${failed.length} of ${prepared.length} recording(s) not uploaded: ${failed.join(', ')} (the others were; run the same command again to retry them)`);
  }
  return 0;
}

/** `12/172  ` before each line of a run of more than one recording (`i` from 0); "" for a single one. */
function progress(i: number, total: number): string {
  return total > 1 ? `${String(i + 1).padStart(String(total).length)}/${total}  ` : '';
}

if (require.main === module) runMain(() => runIngest(process.argv.slice(2), { stdout: process.stdout }));
