import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { StreamRow } from '../../contract/rows';
import { formatStartsAt, formatStreamsTable, positionNowMs, sortStreams, streamJsonLine, streamLine } from '../../scripts/lib/streams-view';
import { runStreams } from '../../scripts/streams';
import { startLocalAws, type LocalAws } from '../support/aws-local';

const NOW = 1_763_900_000_000;

function row(over: Partial<StreamRow>): StreamRow {
  return {
    streamId: 'spectate:2012-wimbledon-1701',
    gameId: '2012-wimbledon-1701',
    mode: 'spectate',
    status: 'playing',
    speed: 64,
    epoch: 1,
    positionSeq: 40,
    positionMs: 1_200_000,
    anchorAt: NOW - 10_000,
    epochStartSeq: 0,
    generation: 0,
    controllers: [],
    clientCount: 3,
    framesSent: 40,
    kind: 'tennis',
    title: 'Wimbledon 2012 final: Roger Federer v Andy Murray',
    recordingKey: 'recordings/2012-wimbledon-1701.jsonl',
    indexKey: 'recordings/2012-wimbledon-1701.jsonl.idx.json',
    durationMs: 14_320_000,
    frameCount: 288,
    createdAt: NOW - 60_000,
    updatedAt: NOW - 3_000,
    lastTickAt: NOW - 3_000,
    ...over,
  };
}

const rows: StreamRow[] = [
  row({ streamId: 'pvai:2011-usopen-2701:alice', gameId: '2011-usopen-2701', mode: 'pvai', status: 'paused', speed: 1, epoch: 4, positionMs: 602_113, clientCount: 1, durationMs: 4_388_000, lastTickAt: NOW - 125_000, controllers: ['alice'] }),
  row({}),
  row({ streamId: 'spectate:ipl-2019-final', gameId: 'ipl-2019-final', kind: 'cricket', status: 'failed', speed: 16, epoch: 2, clientCount: 0, positionMs: 0, failureReason: 'tick failed 5 times in a row: S3 GetObject AccessDenied', lastTickAt: NOW - 2 * 3600_000 }),
  row({ streamId: 'pvp:2012-wimbledon-1701:r1', mode: 'pvp', status: 'ended', speed: 2, epoch: 9, clientCount: 0, positionMs: 14_320_000, endedReason: 'finished', lastTickAt: undefined }),
];

describe('formatting', () => {
  test('a playing stream advances from its anchor; others stay put; clamped to the duration', () => {
    expect(positionNowMs(rows[1]!, NOW)).toBe(1_200_000 + 10_000 * 64);
    expect(positionNowMs(rows[0]!, NOW)).toBe(602_113);
    expect(positionNowMs(row({ anchorAt: NOW - 1e9 }), NOW)).toBe(14_320_000);
  });

  test('one line per stream: position, speed, viewers, last tick, reason', () => {
    expect(streamLine(rows[1]!, NOW)).toEqual({
      streamId: 'spectate:2012-wimbledon-1701',
      game: '2012-wimbledon-1701',
      mode: 'spectate',
      status: 'playing',
      startsAt: '',
      position: '0:30:40 / 3:58:40',
      speed: '64×',
      viewers: '3',
      epoch: '1',
      lastTick: '3s ago',
      reason: '',
    });
    expect(streamLine(rows[0]!, NOW).lastTick).toBe('2m ago');
    expect(streamLine(rows[2]!, NOW).reason).toBe('tick failed 5 times in a row: S3 GetObject AccessDenied');
    expect(streamLine(rows[3]!, NOW)).toMatchObject({ reason: 'finished', lastTick: 'never' });
  });

  test('the table: header, status order, aligned columns', () => {
    const text = formatStreamsTable(rows, NOW, true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^STREAM\s+GAME\s+MODE\s+STATUS\s+POSITION\s+SPEED\s+VIEWERS\s+EPOCH\s+LAST TICK\s+REASON$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([
      'spectate:2012-wimbledon-1701',
      'pvai:2011-usopen-2701:alice',
      'pvp:2012-wimbledon-1701:r1',
      'spectate:ipl-2019-final',
    ]);
    // Every column starts at the same offset on every line.
    const start = (l: string, s: string) => l.indexOf(s);
    expect(start(lines[1]!, 'playing')).toBe(start(lines[0]!, 'STATUS'));
    expect(start(lines[2]!, 'paused')).toBe(start(lines[0]!, 'STATUS'));
    expect(start(lines[4]!, 'failed')).toBe(start(lines[0]!, 'STATUS'));
    expect(start(lines[1]!, '3s ago')).toBe(start(lines[0]!, 'LAST TICK'));
    // Numbers are right-aligned under their header.
    const end = (l: string, s: string) => l.indexOf(s) + s.length;
    expect(end(lines[1]!, '64×')).toBe(end(lines[0]!, 'SPEED'));
  });

  test('scheduled streams: a STARTS column (local time, how soon), soonest first after the running ones', () => {
    const at = (h: number, m: number) => new Date(new Date(NOW).getFullYear(), new Date(NOW).getMonth(), new Date(NOW).getDate(), h, m).getTime();
    const now = at(19, 55);
    const sched = [
      row({ streamId: 'scheduled:2012-wimbledon-1701:b', status: 'scheduled', startsAt: at(21, 0), clientCount: 0, positionMs: 0, lastTickAt: undefined }),
      row({ streamId: 'scheduled:2012-wimbledon-1701:a', status: 'awaiting_start', startsAt: at(20, 0), clientCount: 4, positionMs: 0, lastTickAt: undefined }),
      row({ streamId: 'scheduled:2012-wimbledon-1701:c', status: 'scheduled', startsAt: at(20, 30), clientCount: 1, positionMs: 0, lastTickAt: undefined }),
      row({ anchorAt: now - 10_000, lastTickAt: now - 3_000 }),
    ];
    expect(streamLine(sched[1]!, now).startsAt).toBe('20:00:00 (in 5m)');
    expect(streamLine(sched[0]!, now)).toMatchObject({ status: 'scheduled', startsAt: '21:00:00 (in 1h)', viewers: '0' });
    const lines = formatStreamsTable(sched, now).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STREAM\s+GAME\s+MODE\s+STATUS\s+STARTS\s+POSITION\s+SPEED\s+VIEWERS/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([
      'spectate:2012-wimbledon-1701',
      'scheduled:2012-wimbledon-1701:a',
      'scheduled:2012-wimbledon-1701:c',
      'scheduled:2012-wimbledon-1701:b',
    ]);
    expect(lines[2]!.indexOf('20:00:00 (in 5m)')).toBe(lines[0]!.indexOf('STARTS'));
    expect(lines[1]!.slice(lines[0]!.indexOf('STARTS')).startsWith(' ')).toBe(true); // blank for a running stream
    // another day: the date too
    expect(formatStartsAt(at(20, 0) + 86_400_000, now)).toMatch(/^20:00:00 \d{4}-\d\d-\d\d \(in 1d\)$/);
    expect(formatStartsAt(undefined, now)).toBe('');
    // no scheduled stream, no STARTS column
    expect(formatStreamsTable(rows, NOW)).not.toContain('STARTS');
  });

  test('empty tables say so', () => {
    expect(formatStreamsTable([], NOW)).toBe('no open streams (--all includes ended and failed ones)\n');
    expect(formatStreamsTable([], NOW, true)).toBe('no streams\n');
  });

  test('JSON lines carry the row and the live position', () => {
    const parsed = JSON.parse(streamJsonLine(rows[1]!, NOW)) as Record<string, unknown>;
    expect(parsed).toMatchObject({ streamId: 'spectate:2012-wimbledon-1701', clientCount: 3, positionNowMs: 1_840_000 });
    expect(sortStreams(rows)[0]!.status).toBe('playing');
  });
});

describe('runStreams', () => {
  const docMock = mockClient(DynamoDBDocumentClient);
  let dir: string;
  let runtimeFile: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matchcast-streams-'));
    runtimeFile = join(dir, 'runtime.json');
    writeFileSync(runtimeFile, JSON.stringify({ pid: process.pid, httpUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1/', dynamodbEndpoint: 'http://127.0.0.1:1', region: 'us-east-1', tables: { Streams: 'Streams' } }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => docMock.reset());
  afterAll(() => docMock.restore());

  function capture() {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (c: Buffer) => (text += c.toString()));
    return { stdout, text: () => text };
  }

  test('queries byStatus once per live status (never a Scan), following pages', async () => {
    docMock.on(QueryCommand).resolves({ Items: [] });
    docMock.on(QueryCommand, { ExpressionAttributeValues: { ':s': 'playing' } }).resolvesOnce({ Items: [rows[1]], LastEvaluatedKey: { streamId: 'x', status: 'playing' } }).resolves({ Items: [] });
    docMock.on(QueryCommand, { ExpressionAttributeValues: { ':s': 'paused' } }).resolves({ Items: [rows[0]] });
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    const out = capture();
    expect(await runStreams([], out, { runtimeFile, doc, now: () => NOW })).toBe(0);
    const queried = docMock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queried.every((q) => q.IndexName === 'byStatus' && q.TableName === 'Streams')).toBe(true);
    expect(queried.map((q) => q.ExpressionAttributeValues?.[':s'])).toEqual(['scheduled', 'awaiting_start', 'starting', 'playing', 'playing', 'paused']);
    expect(queried[4]!.ExclusiveStartKey).toEqual({ streamId: 'x', status: 'playing' });
    expect(docMock.commandCalls(ScanCommand)).toHaveLength(0);
    expect(out.text().split('\n').filter(Boolean)).toHaveLength(3);
  });

  test('--all adds ended and failed; --json prints one object per line', async () => {
    docMock.on(QueryCommand).resolves({ Items: [] });
    docMock.on(QueryCommand, { ExpressionAttributeValues: { ':s': 'failed' } }).resolves({ Items: [rows[2]] });
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    const out = capture();
    await runStreams(['--all', '--json'], out, { runtimeFile, doc, now: () => NOW });
    expect(docMock.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':s'])).toEqual([
      'scheduled', 'awaiting_start', 'starting', 'playing', 'paused', 'ended', 'failed',
    ]);
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ streamId: 'spectate:ipl-2019-final', status: 'failed' });
  });

  test('usage errors', async () => {
    await expect(runStreams(['--bogus'], capture())).rejects.toMatchObject({ exitCode: 2, message: 'unknown option --bogus (see --help)' });
    await expect(runStreams(['extra'], capture())).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('runStreams against dynalite (explicit endpoint from the runtime file)', () => {
  let aws: LocalAws;
  let dir: string;

  beforeAll(async () => {
    aws = await startLocalAws({ s3: false });
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB; // the CLI must pass the endpoint itself
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: aws.dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
    for (const r of rows) await doc.send(new PutCommand({ TableName: aws.tables.streams, Item: r }));
    doc.destroy();
    dir = mkdtempSync(join(tmpdir(), 'matchcast-streams-'));
  });
  afterAll(async () => {
    await aws.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('lists live streams by default and every stream with --all', async () => {
    const runtimeFile = join(dir, 'runtime.json');
    writeFileSync(
      runtimeFile,
      JSON.stringify({ pid: process.pid, httpUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1/', dynamodbEndpoint: aws.dynamoEndpoint, region: 'us-east-1', tables: { Streams: aws.tables.streams } }),
    );
    let text = '';
    const stdout = new PassThrough();
    stdout.on('data', (c: Buffer) => (text += c.toString()));
    await runStreams([], { stdout }, { runtimeFile, now: () => NOW });
    expect(text.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['spectate:2012-wimbledon-1701', 'pvai:2011-usopen-2701:alice']);
    text = '';
    await runStreams(['--all'], { stdout }, { runtimeFile, now: () => NOW });
    expect(text.trimEnd().split('\n')).toHaveLength(5);
  });
});

describe('runStreams: show, end, restart through the HTTP API', () => {
  let dir: string;
  let runtimeFile: string;
  const STREAM = 'pvai:2011-usopen-2701:alice@example.com';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matchcast-streams-verbs-'));
    runtimeFile = join(dir, 'runtime.json');
    writeFileSync(runtimeFile, JSON.stringify({ pid: process.pid, httpUrl: 'http://127.0.0.1:9', wsUrl: 'ws://127.0.0.1:9/', dynamodbEndpoint: 'http://127.0.0.1:9', region: 'us-east-1', tables: { Streams: 'Streams' } }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function capture() {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (c: Buffer) => (text += c.toString()));
    return { stdout, text: () => text };
  }

  /** A fetch answering `/dev/token` and the operator routes from `answers` (by "METHOD path"), recording every request. */
  function fakeFetch(answers: Record<string, [number, unknown]>) {
    const calls: Array<{ method: string; url: string; auth?: string }> = [];
    const impl = (async (input: string | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      const method = init?.method ?? 'GET';
      calls.push({ method, url: url.toString(), auth: (init?.headers as Record<string, string> | undefined)?.authorization });
      if (url.pathname === '/dev/token') return new Response(JSON.stringify({ token: `tok-${url.searchParams.get('user')}-${url.searchParams.get('roles')}` }), { status: 200 });
      const [status, body] = answers[`${method} ${url.pathname}`] ?? [404, { message: 'Not Found' }];
      return new Response(JSON.stringify(body), { status });
    }) as typeof fetch;
    return { impl, calls };
  }

  const details = {
    stream: row({ streamId: STREAM, mode: 'pvai', controllers: ['alice@example.com'], status: 'failed', failureReason: 'S3 AccessDenied', clientCount: 1 }),
    positionNowMs: 1_200_000,
    quietMs: 5000,
    execution: { executionArn: 'arn:aws:states:us-east-1:0:execution:Player:x', status: 'FAILED', startedAt: NOW - 60_000, stoppedAt: NOW - 5000, error: 'States.TaskFailed', cause: 'AccessDenied' },
    viewers: [{ connectionId: 'c-1', userId: 'alice@example.com', displayName: 'Alice', role: 'player' }],
    viewersTruncated: false,
    restart: { ok: true, why: 'failed' },
  };

  test('show: local mode mints an operator token and prints the stream, its execution and viewers', async () => {
    const path = `/operator/streams/${encodeURIComponent(STREAM)}`;
    const f = fakeFetch({ [`GET ${path}`]: [200, details] });
    const out = capture();
    expect(await runStreams(['show', STREAM], out, { runtimeFile, fetch: f.impl, now: () => NOW, env: {} })).toBe(0);
    expect(f.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual(['GET /dev/token', `GET ${path}`]);
    expect(f.calls[1]!.auth).toBe('Bearer tok-operator-operator');
    const text = out.text();
    expect(text).toMatch(/^stream\s+pvai:2011-usopen-2701:alice@example\.com$/m);
    expect(text).toMatch(/^status\s+failed, epoch 1, 64×$/m);
    expect(text).toMatch(/^execution\s+FAILED \(started 1m ago, stopped 5s ago\)$/m);
    expect(text).toMatch(/^error\s+States\.TaskFailed: AccessDenied$/m);
    expect(text).toMatch(/^restart\s+possible \(it failed\)/m);
    expect(text).toMatch(/^c-1\s+alice@example\.com\s+Alice\s+player$/m);
    const json = capture();
    await runStreams(['show', STREAM, '--json'], json, { runtimeFile, fetch: f.impl, now: () => NOW, env: {} });
    expect(JSON.parse(json.text())).toMatchObject({ stream: { streamId: STREAM }, restart: { ok: true } });
  });

  test('end and restart print what happened; a refusal is the server message, exit 1', async () => {
    const path = `/operator/streams/${encodeURIComponent(STREAM)}`;
    const f = fakeFetch({
      [`POST ${path}/end`]: [200, { streamId: STREAM, status: 'ended', endedReason: 'stopped', epoch: 3 }],
      [`POST ${path}/restart`]: [409, { error: { code: 'conflict', message: 'POST /operator/streams/{streamId}/restart: "x" cannot be restarted: it is paused by its player' } }],
    });
    const out = capture();
    await runStreams(['end', STREAM], out, { runtimeFile, fetch: f.impl, env: {} });
    expect(out.text()).toBe(`ended ${STREAM} (reason stopped, epoch 3): its viewers were sent "ended" and its execution stopped\n`);
    await expect(runStreams(['restart', STREAM], capture(), { runtimeFile, fetch: f.impl, env: {} })).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('cannot be restarted: it is paused') });
    const ok = fakeFetch({ [`POST ${path}/restart`]: [200, { streamId: STREAM, status: 'playing', epoch: 4, positionSeq: 40, positionMs: 1_200_000, executionArn: 'arn:x' }] });
    const out2 = capture();
    await runStreams(['restart', STREAM], out2, { runtimeFile, fetch: ok.impl, env: {} });
    expect(out2.text()).toBe(`restarted ${STREAM} under epoch 4, playing, from frame 40 (0:20:00): its viewers were sent the new state\n`);
  });

  test('MATCHCAST_TOKEN is used as it is; API Gateway 403 is explained', async () => {
    const f = fakeFetch({});
    const forbidden = (async () => new Response(JSON.stringify({ message: 'Forbidden' }), { status: 403 })) as unknown as typeof fetch;
    await expect(runStreams(['end', STREAM], capture(), { runtimeFile, fetch: forbidden, env: { MATCHCAST_TOKEN: 'tok' } })).rejects.toMatchObject({ message: expect.stringContaining('refused the token') });
    await expect(runStreams(['end', STREAM], capture(), { runtimeFile, fetch: f.impl, env: { MATCHCAST_TOKEN: 'given' } })).rejects.toMatchObject({ exitCode: 1 });
    expect(f.calls.map((c) => [new URL(c.url).pathname, c.auth])).toEqual([[`/operator/streams/${encodeURIComponent(STREAM)}/end`, 'Bearer given']]);
  });

  test('usage errors: unknown verb, missing or malformed id, flags of another verb', async () => {
    const run = (argv: string[]) => runStreams(argv, capture(), { runtimeFile, env: {} });
    await expect(run(['stop', STREAM])).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('unknown verb "stop"') });
    await expect(run(['end'])).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('end needs a stream id') });
    await expect(run(['show', 'not a stream'])).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('is not a stream id') });
    await expect(run(['list', STREAM])).rejects.toMatchObject({ exitCode: 2 });
    await expect(run(['end', STREAM, '--json'])).rejects.toMatchObject({ exitCode: 2, message: '--json is for list and show' });
    await expect(run(['list', '--token', 't'])).rejects.toMatchObject({ exitCode: 2 });
  });
});
