import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { startLocalAws, type LocalAws } from '../support/aws-local';
import { CliError } from '../../scripts/lib/cli';
import {
  LOCAL_NOT_RUNNING,
  localS3Config,
  localUploadTarget,
  parseIngestArgs,
  prepareRecordings,
  readInputs,
  recordingKey,
  recordingLine,
  resolveUploadTarget,
  runIngest,
  uploadRecording,
} from '../../scripts/ingest';
import { convertFiles } from '../../convert';
import { ReplaceRefusedError, uploadRecordings } from '../../scripts/lib/upload';
import { parseRecording, serializeRecording } from '../../protocol/recording';
import { describedStack } from '../support/fixtures-stack';
import { thrown } from '../support/throws';

const root = join(__dirname, '../..');
const sample = (n: string) => join(root, 'samples', n);
let aws: LocalAws;
let s3: S3Client;

beforeAll(async () => {
  aws = await startLocalAws({ s3: true });
  s3 = new S3Client({ endpoint: aws.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});
afterAll(async () => {
  s3.destroy();
  await aws.close();
});

async function run(argv: string[]): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  await runIngest(argv, { stdout: out }, { s3 });
  return text;
}

describe('npm run ingest', () => {
  it('reads the matches CSV beside a points CSV by itself', () => {
    expect(readInputs([sample('tennis/2011-usopen-points.csv')]).map((f) => f.name.split('/').pop())).toEqual([
      '2011-usopen-points.csv',
      '2011-usopen-matches.csv',
    ]);
  });

  it('uploads every match of a points CSV as recordings/{match_id}.jsonl, valid matchcast/1', async () => {
    const out = await run([sample('tennis/2013-wimbledon-points.csv'), sample('terminal/asciinema-demo-vim.cast'), '--bucket', aws.bucket]);
    expect(out).toMatch(/uploaded {2}2013-wimbledon-2701 {2}123 frames {2}1:21:25/);
    expect(out).toMatch(/2 recording\(s\) uploaded/);
    const obj = await s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: 'recordings/2013-wimbledon-2701.jsonl' }));
    const { header, frames } = parseRecording(await obj.Body!.transformToString());
    expect(header).toMatchObject({ gameId: '2013-wimbledon-2701', kind: 'tennis', participants: ['Sabine Lisicki', 'Marion Bartoli'] });
    expect(frames).toHaveLength(123);
  });

  it('validates without uploading on --dry-run', async () => {
    const out = await run([sample('cricket/ipl-2019-final-1181768.json'), '--dry-run']);
    expect(out).toMatch(/^ok {2}ipl-2019-final-1181768 .*cricket/m);
    expect(out).toMatch(/nothing uploaded/);
  });

  it('refuses a broken file with a message naming the file and line, uploading nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
    copyFileSync(sample('tennis/2011-usopen-matches.csv'), join(dir, '2011-usopen-matches.csv'));
    writeFileSync(join(dir, '2011-usopen-points.csv'), 'match_id,ElapsedTime,SetNo,P1GamesWon,P2GamesWon,SetWinner,GameNo,GameWinner,PointNumber,PointWinner,PointServer,P1Score,P2Score\n2011-usopen-2701,soon,1,0,0,0,1,0,1,1,1,15,0\n');
    await expect(run([join(dir, '2011-usopen-points.csv'), '--bucket', aws.bucket])).rejects.toThrow(/2011-usopen-points\.csv: line 2: ElapsedTime "soon"/);
    await expect(run([join(dir, 'nope.csv')])).rejects.toThrow(/no such file/);
    await expect(run([])).rejects.toThrow(/at least one FILE/);
  });

  it('says how to start local mode when it is not running', async () => {
    const out = new PassThrough();
    await expect(runIngest([sample('tennis/2011-usopen-points.csv')], { stdout: out }, { runtimeFile: join(tmpdir(), 'no-such-runtime.json') })).rejects.toThrow(/npm start/);
  });
});

// ---------------------------------------------------------------------------------------
// Parts: arguments, inputs, targets, and the upload function against its own s3rver.
// ---------------------------------------------------------------------------------------

const SAMPLES = join(root, 'samples/tennis');
const BUCKET = 'test-bucket';

/** A stdout that keeps what is written. */
function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return Object.assign(w, { text: () => chunks.join('') });
}

async function rejection(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return e as CliError;
  }
  throw new Error('resolved');
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'matchcast-ingest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('command line', () => {
  it('takes files, one target and the flags', () => {
    expect(parseIngestArgs(['a-points.csv', 'b.cast', '--stack', 'Prod', '--dry-run', '--only', 'x', '--only', 'y'])).toEqual({
      files: ['a-points.csv', 'b.cast'],
      stack: 'Prod',
      only: ['x', 'y'],
      replace: false,
      dryRun: true,
      help: false,
    });
    expect(parseIngestArgs(['a.jsonl', '--bucket', 'my-recordings'])).toMatchObject({ bucket: 'my-recordings', dryRun: false, replace: false });
    expect(parseIngestArgs(['a.jsonl', '--replace']).replace).toBe(true);
    expect(parseIngestArgs(['a-points.csv', '--source', 'club archive, CC BY 4.0']).source).toBe('club archive, CC BY 4.0');
    expect(parseIngestArgs(['--help']).help).toBe(true);
  });

  it.each([
    [[], /at least one FILE/],
    [['a.cast', '--bucket', 'b1b', '--stack', 'S'], /--bucket or --stack, not both/],
    [['a.cast', '--bucket', 'Not_A_Bucket'], /not an S3 bucket name/],
    [['a.cast', '--stack', ' '], /--stack needs a stack name/],
    [['a.cast', '--frobnicate'], /unknown option --frobnicate/],
  ])('refuses %j with a usage error (exit 2)', (argv, why) => {
    const err = thrown(() => parseIngestArgs(argv as string[]), CliError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(why);
  });
});

describe('reading inputs', () => {
  it('reads the matches CSV beside a points CSV, once, whatever the order', () => {
    const p = join(SAMPLES, '2012-wimbledon-points.csv');
    const m = join(SAMPLES, '2012-wimbledon-matches.csv');
    expect(readInputs([p]).map((f) => f.name)).toEqual([p, m]);
    expect(readInputs([m, p]).map((f) => f.name)).toEqual([m, p]);
  });

  it('names a missing file or a directory', () => {
    expect(() => readInputs([join(dir, 'nope.cast')])).toThrow(`${join(dir, 'nope.cast')}: no such file`);
    expect(() => readInputs([dir])).toThrow(/is a directory/);
  });

  it('leaves a missing matches CSV to the converter, which names it', async () => {
    writeFileSync(join(dir, '2020-usopen-points.csv'), 'match_id,ElapsedTime,SetNo,P1Score,P2Score,PointNumber\n');
    const e = await rejection(runIngest([join(dir, '2020-usopen-points.csv'), '--dry-run'], { stdout: sink() }));
    expect(e.message).toMatch(/2020-usopen-points\.csv: needs 2020-usopen-matches\.csv/);
  });
});

describe('targets', () => {
  const cfn = mockClient(CloudFormationClient);
  beforeEach(() => cfn.reset());
  afterAll(() => cfn.restore());

  it('says local mode is not running when its runtime file is absent or stale', () => {
    expect(() => localUploadTarget(join(dir, 'runtime.json'))).toThrow(new CliError(LOCAL_NOT_RUNNING));
    expect(LOCAL_NOT_RUNNING).toBe('local mode is not running: start it with `npm start`, or pass --bucket/--stack');
    const file = join(dir, 'runtime.json');
    writeFileSync(file, JSON.stringify({ pid: 424242, s3Endpoint: 'http://127.0.0.1:1', bucket: 'b', region: 'us-east-1' }));
    expect(() => localUploadTarget(file, () => false)).toThrow(/left over from process 424242/);
    writeFileSync(file, '{oops');
    expect(() => localUploadTarget(file)).toThrow(/not valid JSON/);
  });

  it('reads the local S3 endpoint and bucket, path-style with s3rver keys', () => {
    const file = join(dir, 'runtime.json');
    writeFileSync(file, JSON.stringify({ pid: process.pid, s3Endpoint: 'http://127.0.0.1:4569', bucket: 'matchcast-recordings', region: 'us-east-1', wsUrl: 'ws://x' }));
    const t = localUploadTarget(file);
    expect(t).toMatchObject({ kind: 'local', bucket: 'matchcast-recordings', s3: { endpoint: 'http://127.0.0.1:4569', forcePathStyle: true, region: 'us-east-1' } });
  });

  it('finds a stack’s bucket in its RecordingsBucketName output', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'Matchcast' }).resolves(describedStack('Matchcast', { RecordingsBucketName: 'matchcast-rec-123' }));
    const t = await resolveUploadTarget({ stack: 'Matchcast' }, { cloudFormation: new CloudFormationClient({ region: 'us-east-1' }) });
    expect(t).toMatchObject({ kind: 'aws', bucket: 'matchcast-rec-123', label: 'stack Matchcast' });
    expect(t.s3.endpoint).toBeUndefined();
  });

  it('explains a stack without the output, and a stack that does not exist', async () => {
    const client = new CloudFormationClient({ region: 'us-east-1' });
    cfn.on(DescribeStacksCommand).resolves(describedStack('Other'));
    expect((await rejection(resolveUploadTarget({ stack: 'Other' }, { cloudFormation: client }))).message).toMatch(/has no RecordingsBucketName output/);
    cfn.reset();
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id Gone does not exist'), { name: 'ValidationError' }));
    expect((await rejection(resolveUploadTarget({ stack: 'Gone' }, { cloudFormation: client }))).message).toBe('reading stack Gone: Stack with id Gone does not exist');
  });

  it('uses --bucket as given, with the default AWS configuration', async () => {
    expect(await resolveUploadTarget({ bucket: 'b-1' })).toEqual({ kind: 'aws', bucket: 'b-1', label: 'bucket b-1', s3: { maxAttempts: 3 } });
  });
});

describe('upload to a real s3rver (forcePathStyle, SDK v3)', () => {
  let server: { run(): Promise<AddressInfo>; close(): Promise<void> };
  let endpoint: string;
  let s3dir: string;
  let client: S3Client;

  beforeAll(async () => {
    s3dir = mkdtempSync(join(tmpdir(), 'matchcast-ingest-s3-'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const S3rver = require('s3rver') as new (o: object) => typeof server;
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir, configureBuckets: [{ name: BUCKET }] });
    const addr = await server.run();
    endpoint = `http://127.0.0.1:${addr.port}`;
    client = new S3Client(localS3Config(endpoint));
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
    rmSync(s3dir, { recursive: true, force: true });
  });

  const readBack = async (key: string) => {
    const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return { contentType: res.ContentType, bytes: Buffer.from(await res.Body!.transformToByteArray()) };
  };

  it('uploads a recording that reads back byte for byte, as application/x-ndjson', async () => {
    const recs = convertFiles(readInputs([join(SAMPLES, '2012-ausopen-points.csv')]));
    const [prepared] = prepareRecordings(recs);
    expect(prepared!.key).toBe('recordings/2012-ausopen-1701.jsonl');
    await uploadRecording(client, BUCKET, prepared!);
    const got = await readBack(prepared!.key);
    expect(got.contentType).toBe('application/x-ndjson');
    expect(got.bytes.equals(prepared!.body)).toBe(true);
    expect(parseRecording(got.bytes.toString('utf8')).frames).toHaveLength(369);
  });

  it('keeps multi-byte UTF-8 intact', async () => {
    const header = { format: 'matchcast/1' as const, gameId: 'utf8-game', kind: 'test', title: 'Đoković ☃ 🎾', participants: ['Đoković'], durationMs: 5, frameCount: 2, meta: {} };
    const frames = [
      { seq: 0, t: 0, type: 'note', data: { text: 'Ünïcödé ☃' } },
      { seq: 1, t: 5, type: 'note', data: { text: '🎾'.repeat(100) } },
    ];
    const [prepared] = prepareRecordings([{ header, frames }]);
    await uploadRecording(client, BUCKET, prepared!);
    const got = await readBack(recordingKey('utf8-game'));
    expect(got.bytes.toString('utf8')).toBe(serializeRecording(header, frames));
  });

  it('reports an upload failure in one line', async () => {
    const [prepared] = prepareRecordings(convertFiles(readInputs([join(SAMPLES, '2013-wimbledon-points.csv')])));
    const e = await rejection(uploadRecording(client, 'no-such-bucket', prepared!));
    expect(e.message).toMatch(/^uploading s3:\/\/no-such-bucket\/recordings\/2013-wimbledon-2701\.jsonl: .*NoSuchBucket/);
    expect(e.message).not.toContain('\n');
  });

  it('runs the whole CLI against the local target from a runtime file', async () => {
    const runtimeFile = join(dir, 'runtime.json');
    writeFileSync(runtimeFile, JSON.stringify({ pid: process.pid, s3Endpoint: endpoint, bucket: BUCKET, region: 'us-east-1' }));
    const out = sink();
    const files = [join(SAMPLES, '2012-wimbledon-points.csv'), join(SAMPLES, '2011-usopen-points.csv')];
    expect(await runIngest(files, { stdout: out }, { runtimeFile })).toBe(0);
    const [note, ...lines] = out.text().trimEnd().split('\n');
    expect(note).toMatch(/^note {2}2 tennis recording\(s\) attributed to Jeff Sackmann /);
    expect(lines[0]).toMatch(/^1\/2 {2}uploaded {2}2012-wimbledon-1701 {2}288 frames {2}3:58:40 {2}[\d,]+ B {2}recordings\/2012-wimbledon-1701\.jsonl {2}tennis$/);
    expect(lines[1]).toMatch(/^2\/2 {2}uploaded {2}2011-usopen-2701 {2}102 frames {2}1:13:08 /);
    expect(lines[2]).toMatch(/^2 recording\(s\) uploaded to s3:\/\/test-bucket\/recordings\/ \(local\): 390 frames, [\d,]+ B/);
    const got = await readBack('recordings/2012-wimbledon-1701.jsonl');
    const [expected] = convertFiles(readInputs([files[0]!]));
    expect(got.bytes.toString('utf8')).toBe(serializeRecording(expected!.header, expected!.frames));
  });

  it('uploads nothing on --dry-run, and keeps only --only recordings', async () => {
    const before = (await client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount ?? 0;
    const fixtures = join(root, 'test/fixtures/tennis');
    const out = sink();
    await runIngest([join(fixtures, '2012-frenchopen-points.csv'), '--only', '2012-frenchopen-1701', '--only', '2012-frenchopen-2701', '--dry-run'], { stdout: out }, {
      runtimeFile: join(dir, 'absent.json'),
    });
    // the attribution it assumed is said first, with the option for points from elsewhere
    expect(out.text()).toMatch(/^note {2}2 tennis recording\(s\) attributed to Jeff Sackmann .*pass --source .*\nok {2}2012-frenchopen-1701 .*\nok {2}2012-frenchopen-2701 .*\n2 recording\(s\) valid/);
    expect((await client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount ?? 0).toBe(before);
  });

  it('with --source, no attribution is assumed: no note; an empty one is refused naming the option', async () => {
    const points = join(root, 'test/fixtures/tennis/2012-frenchopen-points.csv');
    const out = sink();
    await runIngest([points, '--only', '2012-frenchopen-1701', '--source', 'club archive, CC BY 4.0', '--dry-run'], { stdout: out });
    expect(out.text()).toMatch(/^ok {2}2012-frenchopen-1701 .*\n1 recording\(s\) valid/);
    const e = await rejection(runIngest([points, '--source', '', '--dry-run'], { stdout: sink() }));
    expect(e.message).toBe('the source (--source) is empty: say where the recordings come from and their licence');
  });

  it('validates the inputs first, then asks for the stack when local mode is not running', async () => {
    const absent = { runtimeFile: join(dir, 'absent.json') };
    expect((await rejection(runIngest([join(dir, 'missing.cast')], { stdout: sink() }, absent))).message).toMatch(/missing\.cast: no such file/);
    expect((await rejection(runIngest([join(SAMPLES, '2013-wimbledon-points.csv')], { stdout: sink() }, absent))).message).toBe(LOCAL_NOT_RUNNING);
  });

  it('prints one line per recording, also for a file in matchcast/1 already', async () => {
    const [w] = convertFiles(readInputs([join(SAMPLES, '2013-wimbledon-points.csv')]));
    const [prepared] = prepareRecordings([w!]);
    expect(recordingLine(prepared!)).toBe(`2013-wimbledon-2701  123 frames  1:21:25  ${prepared!.body.length.toLocaleString('en-US')} B  recordings/2013-wimbledon-2701.jsonl  tennis`);
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'bartoli.jsonl'), prepared!.body);
    const out = sink();
    await runIngest([join(dir, 'in', 'bartoli.jsonl'), '--dry-run'], { stdout: out });
    expect(out.text()).toContain('ok  2013-wimbledon-2701  123 frames');
  });
});

describe('never silently replacing a stored recording (real s3rver)', () => {
  let server: { run(): Promise<AddressInfo>; close(): Promise<void> };
  let s3dir: string;
  let client: S3Client;
  let runtimeFile: string;

  beforeAll(async () => {
    s3dir = mkdtempSync(join(tmpdir(), 'matchcast-ingest-replace-'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const S3rver = require('s3rver') as new (o: object) => typeof server;
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir, configureBuckets: [{ name: BUCKET }] });
    const addr = await server.run();
    client = new S3Client(localS3Config(`http://127.0.0.1:${addr.port}`));
    runtimeFile = join(s3dir, 'runtime.json');
    writeFileSync(runtimeFile, JSON.stringify({ pid: process.pid, s3Endpoint: `http://127.0.0.1:${addr.port}`, bucket: BUCKET, region: 'us-east-1' }));
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
    rmSync(s3dir, { recursive: true, force: true });
  });

  const stored = async (key: string) => Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
  const ingest = async (argv: string[]) => {
    const out = sink();
    await runIngest(argv, { stdout: out }, { runtimeFile });
    return out.text();
  };
  /** A copy of the 2011 US Open points CSV without its last `drop` points, beside its matches CSV. */
  const shortened = (drop: number) => {
    const d = mkdtempSync(join(dir, 'short-'));
    const lines = readFileSync(join(SAMPLES, '2011-usopen-points.csv'), 'utf8').trimEnd().split('\n');
    writeFileSync(join(d, '2011-usopen-points.csv'), `${lines.slice(0, lines.length - drop).join('\n')}\n`);
    copyFileSync(join(SAMPLES, '2011-usopen-matches.csv'), join(d, '2011-usopen-matches.csv'));
    return join(d, '2011-usopen-points.csv');
  };

  it('the same content again is a no-op that says "unchanged"', async () => {
    const file = join(SAMPLES, '2011-usopen-points.csv');
    expect(await ingest([file])).toMatch(/^uploaded {2}2011-usopen-2701 /m);
    const before = await stored('recordings/2011-usopen-2701.jsonl');
    const out = await ingest([file]);
    expect(out).toMatch(/^unchanged {2}2011-usopen-2701 {2}102 frames {2}1:13:08 .*stored byte for byte already/m);
    expect(out).toMatch(/^0 recording\(s\) uploaded .*; 1 unchanged: /m);
    expect(out).not.toMatch(/index Lambda/);
    expect((await stored('recordings/2011-usopen-2701.jsonl')).equals(before)).toBe(true);
  });

  it('refuses a different recording under a stored gameId, naming both, and uploads nothing', async () => {
    const before = await stored('recordings/2011-usopen-2701.jsonl');
    const e = await rejection(ingest([shortened(10), join(SAMPLES, '2013-wimbledon-points.csv')]));
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe(
      `s3://${BUCKET}/recordings/ holds a different recording for 2011-usopen-2701 (stored: 102 frames  1:13:08  ${before.length.toLocaleString('en-US')} B; new: 92 frames  ` +
        e.message.match(/new: 92 frames {2}(\d+:\d\d:\d\d {2}[\d,]+ B)/)![1] +
        '): pass --replace to replace it; nothing uploaded',
    );
    expect((await stored('recordings/2011-usopen-2701.jsonl')).equals(before)).toBe(true);
    // Nothing at all was written: not even the other, new recording.
    const keys = (await client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents?.map((o) => o.Key);
    expect(keys).toEqual(['recordings/2011-usopen-2701.jsonl']);
  });

  it('with --replace replaces it and says what it replaced: frames and duration before and after', async () => {
    const out = await ingest([shortened(10), '--replace']);
    expect(out).toMatch(/^replaced {2}2011-usopen-2701 {2}92 frames {2}\d+:\d\d:\d\d {2}[\d,]+ B {2}recordings\/2011-usopen-2701\.jsonl {2}tennis {2}\(was 102 frames {2}1:13:08 {2}[\d,]+ B\)$/m);
    expect(out).toMatch(/^1 recording\(s\) uploaded .*, 1 of them replacing a different recording: /m);
    expect(out).toMatch(/index Lambda catalogs them/);
    expect(parseRecording((await stored('recordings/2011-usopen-2701.jsonl')).toString('utf8')).frames).toHaveLength(92);
    expect(await ingest([shortened(10)])).toMatch(/^unchanged {2}2011-usopen-2701 {2}92 frames/m);
  });

  it('says so when what is stored is not a matchcast/1 recording', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'recordings/2013-wimbledon-2701.jsonl', Body: 'junk\n' }));
    const e = await rejection(ingest([join(SAMPLES, '2013-wimbledon-points.csv')]));
    expect(e.message).toMatch(/2013-wimbledon-2701 \(stored: not a matchcast\/1 recording, 5 B; new: 123 frames/);
  });

  it('the shared upload (local mode’s sample loader) does the same: unchanged, refused, replaced', async () => {
    const [rec] = convertFiles(readInputs([join(SAMPLES, '2012-ausopen-points.csv')]));
    expect((await uploadRecordings(client, BUCKET, [rec!])).map((u) => u.outcome)).toEqual(['uploaded']);
    expect(await uploadRecordings(client, BUCKET, [rec!])).toEqual([expect.objectContaining({ gameId: '2012-ausopen-1701', outcome: 'unchanged', frames: 369 })]);
    const other = { header: { ...rec!.header, frameCount: 1, durationMs: 0 }, frames: rec!.frames.slice(0, 1) };
    await expect(uploadRecordings(client, BUCKET, [other])).rejects.toThrow(ReplaceRefusedError);
    const [done] = await uploadRecordings(client, BUCKET, [other], { replace: true });
    expect(done).toMatchObject({ outcome: 'replaced', frames: 1, durationMs: 0, previous: { frames: 369, durationMs: 20_638_000 } });
  });
});

describe('messages never print raw control bytes from the input', () => {
  it('escapes a hostile file name and a cell holding ESC sequences', async () => {
    const hostile = join(dir, 'evil\x1b]0;pwned\x07\x1b[2J.cast');
    expect((await rejection(runIngest([hostile, '--dry-run'], { stdout: sink() }))).message).toBe(`${join(dir, 'evil')}\\x1b]0;pwned\\x07\\x1b[2J.cast: no such file`);
    const d = mkdtempSync(join(dir, 'esc-'));
    copyFileSync(join(SAMPLES, '2011-usopen-matches.csv'), join(d, '2011-usopen-matches.csv'));
    writeFileSync(
      join(d, '2011-usopen-points.csv'),
      'match_id,ElapsedTime,SetNo,P1GamesWon,P2GamesWon,SetWinner,GameNo,GameWinner,PointNumber,PointWinner,PointServer,P1Score,P2Score\n2011-usopen-2701,\x1b[31mred\u202e\x07,1,0,0,0,1,0,1,1,1,15,0\n',
    );
    const e = await rejection(runIngest([join(d, '2011-usopen-points.csv'), '--dry-run'], { stdout: sink() }));
    // eslint-disable-next-line no-control-regex
    expect(e.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(e.message).toMatch(/2011-usopen-points\.csv: line 2: ElapsedTime "\\x1b\[31mred\\u202e\\x07"/);
  });

  it('escapes an unknown option on the command line', async () => {
    const e = await rejection(runIngest(['--\x1b[1mbold', 'x.cast'], { stdout: sink() }));
    // eslint-disable-next-line no-control-regex
    expect(e.message).not.toMatch(/[\u0000-\u001f]/);
    expect(e.exitCode).toBe(2);
  });
});

describe('refusing bad input, saying where', () => {
  it('ingests the chess samples: one recording per PGN game', async () => {
    const out = sink();
    await runIngest([join(root, 'samples/chess/lichess-swlhTnEl-classical.pgn'), '--dry-run'], { stdout: out });
    expect(out.text()).toMatch(/^ok {2}lichess-swlhTnEl-classical {2}146 frames {2}0:45:26 {2}[\d,]+ B {2}recordings\/lichess-swlhTnEl-classical\.jsonl {2}chess$/m);
  });

  it('refuses an illegal move with its line, ply and move; a move holding control bytes is escaped', async () => {
    const bad = join(dir, 'bad.pgn');
    writeFileSync(bad, '[White "a"]\n[Black "b"]\n\n1. e4 e5 2. Qh5 Nc6 3. Bc4 Nf6 4. Qxf9 *\n');
    expect((await rejection(runIngest([bad, '--dry-run'], { stdout: sink() }))).message).toMatch(/bad\.pgn: line 4: ply 7 \(4\. Qxf9\): illegal move "Qxf9"/);
    writeFileSync(bad, '1. e4 e5 2. K\x1b[2Je3 *\n');
    const e = await rejection(runIngest([bad, '--dry-run'], { stdout: sink() }));
    // eslint-disable-next-line no-control-regex
    expect(e.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(e.message).toMatch(/bad\.pgn: line 1: /);
  });

  it('refuses a points CSV row with fewer columns than the header, naming its line', async () => {
    const d = mkdtempSync(join(dir, 'short-'));
    copyFileSync(join(SAMPLES, '2011-usopen-matches.csv'), join(d, '2011-usopen-matches.csv'));
    const [head, first] = readFileSync(join(SAMPLES, '2011-usopen-points.csv'), 'utf8').split('\n');
    writeFileSync(join(d, '2011-usopen-points.csv'), `${head}\n${first}\n2011-usopen-2701,0:00:09,1,0,0\n`);
    const columns = head!.split(',').length;
    const e = await rejection(runIngest([join(d, '2011-usopen-points.csv'), '--dry-run'], { stdout: sink() }));
    expect(e.message).toMatch(new RegExp(`2011-usopen-points\\.csv: line 3: row has 5 column\\(s\\), the header has ${columns}`));
  });
});

describe('the command itself', () => {
  // A fresh `tsx` process compiles the CLI: seconds on a busy machine. Bounds against a hang only.
  const CLI_HANG_MS = 180_000;
  jest.setTimeout(CLI_HANG_MS + 30_000);
  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'scripts/ingest.ts'), ...args], { cwd: root, timeout: CLI_HANG_MS }, (err, _stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });

  it('exits 1 with one clear line and no stack trace on a bad recording', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, readFileSync(join(root, 'test/fixtures/broken/time-backwards.jsonl')));
    const r = await cli([bad, '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*bad\.jsonl: line \d+: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a usage error', async () => {
    const r = await cli(['--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: at least one FILE is needed (see --help)\n');
  });
});
