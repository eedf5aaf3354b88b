/**
 * Faults: local mode killed and restarted on its persistent data folder
 * (`npm start -- --data DIR`, local/stack.ts `dataDir`).
 *
 * The first run is a separate process (local mode's `startLocalStack` with a data folder),
 * killed with SIGKILL in the middle of a stream: no `$disconnect`, no stream ended, no
 * execution stopped cleanly. The second run is local mode started again on the same folder.
 * DynamoDB (dynalite on LevelDB) and S3 (s3rver) come back as they were; Step Functions'
 * executions do not (they lived in the dead process). The designed path back
 * (docs/ARCHITECTURE.md "Lifecycle and cleanup"): the stream row is still `playing` at its
 * persisted position and its execution does not exist → the sweeper's zombie check restarts
 * it from `positionSeq` under a new epoch (after ZOMBIE_GRACE_SECONDS, default 60 s, on its
 * one-minute schedule — here 0 s and invoked by the test), and the connections of the dead
 * run are forgotten on their 410s. A client that rejoins gets the frames it missed from the
 * recording, then the new epoch's `state` and the frames from its position on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ConnectionRow, StreamRow } from '../../contract/rows';
import { PROJECT_ROOT } from '../../local/stack';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { TestClient } from '../support/ws-client';
import { seqsOf, sleep, until } from '../support/e2e';

jest.setTimeout(300_000); // a bound against a hang on a busy machine

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
let dir: string;
let child: ChildProcess | undefined;
let stack: LocalStack | undefined;
const clients: TestClient[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'matchcast-faults-restart-'));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface FirstRun {
  wsUrl: string;
  httpUrl: string;
  s3: string;
  dynamodb: string;
  bucket: string;
}

/** Start local mode on `dataDir` in a child process; resolves with its URLs once it serves. */
function startChild(dataDir: string): Promise<{ proc: ChildProcess; run: FirstRun }> {
  const script = join(dir, 'first-run.ts');
  writeFileSync(
    script,
    `import { startLocalStack } from ${JSON.stringify(join(PROJECT_ROOT, 'local', 'stack'))};
startLocalStack({ port: 0, dataDir: ${JSON.stringify(dataDir)}, sweeper: false, web: false, writeRuntimeFile: false }).then((s) => {
  console.log('READY ' + JSON.stringify({ wsUrl: s.wsUrl, httpUrl: s.httpUrl, s3: s.endpoints.s3, dynamodb: s.endpoints.dynamodb, bucket: s.bucket }));
}, (e) => { console.error(e); process.exit(1); });
`,
  );
  // One process (not the tsx CLI, which runs a second one): SIGKILL must kill local mode itself.
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'CRITICAL' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`local mode did not start within 90 s: ${err.slice(-2000)}`)), 90_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\{.*\})/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, run: JSON.parse(m[1]!) as FirstRun });
      }
    });
    proc.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local mode exited (${code}) before it was ready: ${err.slice(-2000)}`));
    });
  });
}

const seqs = seqsOf;

it('a stream of a SIGKILLed local mode resumes from its persisted position after a restart on the same data folder; a rejoining client misses nothing and gets nothing twice', async () => {
  const dataDir = join(dir, 'state');
  const game = '2013-wimbledon-2701';

  // ---- First run: a stream plays, then the process is killed mid-stream.
  const first = await startChild(dataDir);
  child = first.proc;
  const s3 = new S3Client({ endpoint: first.run.s3, region: 'us-east-1', forcePathStyle: true, credentials });
  const rec = await s3.send(new GetObjectCommand({ Bucket: first.run.bucket, Key: `recordings/${game}.jsonl` }));
  const times = (await rec.Body!.transformToString()).split('\n').filter(Boolean).slice(1).map((l) => (JSON.parse(l) as { t: number }).t);
  s3.destroy();
  const token = ((await (await fetch(`${first.run.httpUrl}/dev/token?user=kim`)).json()) as { token: string }).token;
  const a = await TestClient.connect(first.run.wsUrl, token, 'kim');
  clients.push(a);
  a.send({ action: 'start', gameId: game, speed: 64, atMs: times[times.length - 40] });
  const joined = await a.waitFor('joined');
  await until('4 frames before the kill', async () => a.frames().length >= 4);
  const exited = new Promise((r) => first.proc.once('exit', r));
  first.proc.kill('SIGKILL');
  await exited;
  await until('the socket to drop', async () => a.closed);
  const lastSeq = seqs(a).at(-1)!;

  // ---- Second run: the same data folder.
  stack = await startLocalStack({ dataDir, sweeper: false, env: { ZOMBIE_GRACE_SECONDS: '0' } });
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: 'us-east-1', credentials }));
  const row = async () =>
    (await db.send(new GetCommand({ TableName: stack!.tables.Streams, Key: { streamId: joined.streamId }, ConsistentRead: true }))).Item as StreamRow;
  const kimsConnections = async () =>
    (((await db.send(new ScanCommand({ TableName: stack!.tables.Connections, ConsistentRead: true }))).Items ?? []) as ConnectionRow[]).filter(
      (c) => c.userId === 'kim',
    );
  try {
    const persisted = await row();
    // As the dead run left it: still playing, same epoch, at (or past — a claimed batch) what a got.
    expect(persisted).toMatchObject({ status: 'playing', epoch: joined.epoch });
    expect(persisted.positionSeq).toBeGreaterThan(lastSeq);
    expect(persisted.positionSeq).toBeLessThan(times.length);
    const [stale] = await kimsConnections();
    expect(stale).toMatchObject({ streamId: joined.streamId }); // no $disconnect ran
    expect(stack.stepFunctions.executions()).toEqual([]); // executions died with the process

    // The viewer comes back (the same token: the JWT secret is kept in the data folder).
    const b = await TestClient.connect(stack.wsUrl, token, 'kim');
    clients.push(b);
    b.send({ action: 'rejoin', streamId: joined.streamId, epoch: joined.epoch, lastSeq });
    expect(await b.waitFor('joined')).toMatchObject({ streamId: joined.streamId, epoch: joined.epoch });
    // The frames between what a got and the persisted position (claimed before the kill) are replayed.
    await until('the replay', async () => seqs(b, joined.epoch).length >= persisted.positionSeq - lastSeq - 1);

    // The sweeper finds the zombie and restarts it from its persisted position.
    let restarted = 0;
    for (let i = 0; i < 5 && restarted === 0; i++) {
      restarted = ((await stack.invokeFunction('sweeper', {})) as { restarted: number }).restarted;
      if (restarted === 0) await sleep(200);
    }
    expect(restarted).toBe(1);
    const resumed = await row();
    expect(resumed).toMatchObject({ status: 'playing', epoch: joined.epoch + 1, epochStartSeq: persisted.positionSeq, restarts: 1 });
    const state = await b.waitFor('state', (m) => m.epoch === resumed.epoch);
    expect(state).toMatchObject({ status: 'playing', positionSeq: persisted.positionSeq, by: 'system' });
    await until('4 frames of the new epoch', async () => seqs(b, resumed.epoch).length >= 4);

    // Across the kill: every seq from where a started, none missing, none twice.
    const all = [...seqs(a), ...seqs(b)];
    expect(all.slice(0, all.length)).toEqual(Array.from({ length: all.length }, (_, i) => joined.positionSeq + i));
    expect(seqs(b, resumed.epoch)[0]).toBe(persisted.positionSeq);
    const order = b.messages.map((m) => (m.type === 'frames' ? `f${m.epoch}` : m.type));
    expect(order.lastIndexOf(`f${joined.epoch}`)).toBeLessThan(order.findIndex((t, i) => t === 'state' && (b.messages[i] as { epoch: number }).epoch === resumed.epoch));
    // The dead run's connection is forgotten on its 410; only b remains, counted once.
    await until('the stale connection to be forgotten', async () => {
      const rows = await kimsConnections();
      return rows.length === 1 && rows[0]!.connectionId !== stale!.connectionId;
    });
    await until('clientCount to be the real count', async () => (await row()).clientCount === 1);
  } finally {
    db.destroy();
  }
});
