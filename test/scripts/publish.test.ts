import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { GameRow } from '../../contract/rows';
import type { LiveEvent } from '../../protocol/http-api';
import { CliError } from '../../scripts/lib/cli';
import {
  checkEvents,
  defaultLiveGameId,
  eventKey,
  eventSizes,
  frameToEvent,
  LiveApiClient,
  LiveApiRefusal,
  nextBatchEnd,
  parseRate,
  planBatches,
} from '../../scripts/lib/publish';
import { loadRecording, openBody, parsePublishArgs, runPublish } from '../../scripts/publish';
import { describedStack } from '../support/fixtures-stack';
import { thrown } from '../support/throws';

const root = join(__dirname, '../..');
/** The shortest sample: 21 frames over 8.9 s of a vim session. */
const SAMPLE = join(root, 'samples/terminal/asciinema-demo-vim.cast');
const SAMPLE_ID = 'asciinema-demo-vim';

function capture(): { stdout: PassThrough; text: () => string } {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  return { stdout, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Frames at these media times (ms). */
const at = (...ts: number[]) => ts.map((t, seq) => ({ seq, t, type: 'x', data: null }));
const ones = (n: number) => Array<number>(n).fill(10);

describe('ids and events', () => {
  test('the default live id is the recording id + "-live", within 128 characters', () => {
    expect(defaultLiveGameId('ipl-final')).toBe('ipl-final-live');
    expect(defaultLiveGameId('g'.repeat(128))).toBe(`${'g'.repeat(123)}-live`);
  });

  test('keys are {gameId}-{seq}, cut to 128 characters and still unique', () => {
    expect(eventKey('g-live', 7)).toBe('g-live-7');
    const long = 'x'.repeat(128);
    expect(eventKey(long, 12345)).toHaveLength(128);
    expect(eventKey(long, 12345)).not.toBe(eventKey(long, 12346));
  });

  test('a frame becomes an event with its t, type and data', () => {
    expect(frameToEvent('g', { seq: 3, t: 1500, type: 'o', data: 'ls\r\n' })).toEqual({ key: 'g-3', type: 'o', t: 1500, data: 'ls\r\n' });
  });

  test('checkEvents names the frame the API would refuse', () => {
    const events: LiveEvent[] = [frameToEvent('g', { seq: 0, t: 0, type: 'o', data: 1 }), frameToEvent('g', { seq: 1, t: 0, type: 'o', data: 'x'.repeat(17_000) })];
    expect(() => checkEvents(events, (i) => i)).toThrow(new CliError('frame 1 cannot be published live: data: must be JSON of at most 16384 bytes'));
    expect(() => checkEvents(events.slice(0, 1), (i) => i)).not.toThrow();
  });

  test('the open body comes from the header, cut to the API limits', () => {
    const header = { format: 'matchcast/1', gameId: 'g', kind: 'cricket', title: `  ${'T'.repeat(300)} `, participants: [...Array(20).keys()].map((i) => `p${i}`), durationMs: 0, frameCount: 0, meta: {} };
    const body = openBody(header as never);
    expect(body.kind).toBe('cricket');
    expect(body.title).toHaveLength(200);
    expect(body.participants).toHaveLength(16);
    expect(openBody({ ...header, kind: 'Weird_Kind', title: ' ' } as never)).toMatchObject({ kind: 'game', title: 'g' });
  });
});

describe('batching and pacing (pure)', () => {
  test('events due within 50 ms of a batch start go in it; the rest wait for their time', () => {
    const frames = at(0, 20, 50, 51, 200, 240, 1000);
    expect(planBatches(frames, ones(frames.length), 1)).toEqual([
      { from: 0, end: 3, atMs: 0 }, // 0, 20, 50
      { from: 3, end: 4, atMs: 51 },
      { from: 4, end: 6, atMs: 200 }, // 200, 240
      { from: 6, end: 7, atMs: 1000 },
    ]);
  });

  test('the rate divides media time: at 10× the 1,000 ms frame is due after 100 ms, and 50 ms of wall is 500 ms of media', () => {
    const frames = at(0, 20, 50, 51, 200, 240, 1000);
    expect(planBatches(frames, ones(frames.length), 10)).toEqual([
      { from: 0, end: 6, atMs: 0 }, // up to 500 ms of media
      { from: 6, end: 7, atMs: 100 },
    ]);
    // Slower than real time: 0.5× doubles every due time.
    expect(planBatches(at(0, 20, 30), ones(3), 0.5).map((b) => b.atMs)).toEqual([0, 60]);
  });

  test('pacing counts from the first frame sent (a late first t or a resume starts at once)', () => {
    const frames = at(5000, 5010, 9000);
    expect(planBatches(frames, ones(3), 1)).toEqual([
      { from: 0, end: 2, atMs: 0 },
      { from: 2, end: 3, atMs: 4000 },
    ]);
    expect(planBatches(frames, ones(3), 1, {}, 1)).toEqual([
      { from: 1, end: 2, atMs: 0 },
      { from: 2, end: 3, atMs: 3990 },
    ]);
  });

  test('at most 500 events a batch, and under the byte bound', () => {
    const frames = at(...Array<number>(1201).fill(0));
    expect(planBatches(frames, ones(frames.length), 1).map((b) => b.end - b.from)).toEqual([500, 500, 201]);
    // 10 events of 400 KB: two fit under 1 MB with the commas, the third does not.
    const big = at(...Array<number>(5).fill(0));
    expect(planBatches(big, Array<number>(5).fill(400 * 1024), 1).map((b) => b.end - b.from)).toEqual([2, 2, 1]);
    expect(planBatches(at(0, 0, 0), ones(3), 1, { maxEvents: 2 }).map((b) => b.end - b.from)).toEqual([2, 1]);
  });

  test('a sender that fell behind takes everything overdue in one batch', () => {
    const frames = at(0, 100, 200, 300, 400, 5000);
    // At 350 ms of wall time, frame 1 is overdue and 2, 3 too; 400 is within the window of now.
    expect(nextBatchEnd(frames, ones(6), 1, 0, 1, 350)).toBe(5);
    // On time: only the window.
    expect(nextBatchEnd(frames, ones(6), 1, 0, 1, 100)).toBe(2);
  });

  test('rate parsing', () => {
    expect(parseRate('4')).toBe(4);
    expect(parseRate('0.5x')).toBe(0.5);
    expect(() => parseRate('fast')).toThrow(/--rate "fast": expected a speed factor/);
    expect(() => parseRate('0')).toThrow(/between 0.01 and 10000/);
    expect(() => parseRate('20000')).toThrow(/between 0.01 and 10000/);
  });

  test('eventSizes are UTF-8 bytes of the serialized event', () => {
    expect(eventSizes([{ key: 'k', type: 't', t: 0, data: 'é' }])).toEqual([Buffer.byteLength('{"key":"k","type":"t","t":0,"data":"é"}')]);
  });
});

describe('the command line', () => {
  test.each<[string[], RegExp]>([
    [[], /a recording FILE is needed/],
    [['a.cast'], /pass --live/],
    [['a.cast', 'b.cast', '--live'], /one FILE at a time/],
    [['a.cast', '--live', '--rate', 'x'], /--rate "x"/],
    [['a.cast', '--live', '--rate'], /--rate needs a value/],
    [['a.cast', '--live', '--game', 'bad id'], /--game "bad id": 1-128 letters/],
    [['a.cast', '--live', '--game', '-x'], /needs a value|--game/],
    [['a.cast', '--live', '--finish', '--no-finish'], /not both/],
    [['a.cast', '--live', '--stack', ''], /--stack needs a stack name/],
    [['a.cast', '--live', '--user', 'no spaces'], /--user "no spaces"/],
    [['a.cast', '--live', '--bogus'], /unknown option --bogus/],
  ])('%j is a usage error', (argv, message) => {
    const err = thrown(() => parsePublishArgs(argv), CliError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
  });

  test('defaults: rate 1, finish on, user publisher, local', () => {
    expect(parsePublishArgs(['a.cast', '--live'])).toEqual({ file: 'a.cast', rate: 1, finish: true, user: 'publisher' });
    expect(parsePublishArgs(['a.cast', '--live', '--rate', '50', '--game', 'g-1', '--no-finish', '--stack', 'S'])).toEqual({
      file: 'a.cast',
      rate: 50,
      finish: false,
      user: 'publisher',
      gameId: 'g-1',
      stack: 'S',
    });
  });

  test('--help prints the usage', async () => {
    const out = capture();
    expect(await runPublish(['--help'], out)).toBe(0);
    expect(out.text()).toMatch(/^usage: npm run publish -- FILE --live/);
  });

  test('a file with several recordings wants --only; a missing file is one line', () => {
    const event = join(root, 'test/fixtures/tennis/2012-frenchopen-points.csv'); // a whole event: many matches
    expect(() => loadRecording(event)).toThrow(/holds \d+ recordings: pick one with --only GAMEID \(2012-frenchopen-\d+, .*, …\)$/);
    expect(loadRecording(event, '2012-frenchopen-1701').header.gameId).toBe('2012-frenchopen-1701');
    expect(() => loadRecording(join(root, 'nope.cast'))).toThrow(/nope.cast: no such file/);
  });

  test('local mode not running: the usual hint', async () => {
    await expect(runPublish([SAMPLE, '--live'], capture(), { runtimeFile: join(tmpdir(), 'matchcast-no-such-runtime.json') })).rejects.toThrow(/local mode is not running/);
  });
});

/** A scripted fake of the local stack's HTTP side, on a virtual clock. */
function fakeServer(script: { events?: (n: number) => Response | Error | undefined } = {}) {
  let clock = 0;
  const calls: Array<{ at: number; method: string; path: string; body: any; auth: string | null }> = [];
  let posts = 0;
  let frameCount = 0;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchImpl = (async (input: URL | RequestInfo, init?: RequestInit) => {
    const url = new URL(String(input));
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ at: clock, method: init?.method ?? 'GET', path: url.pathname + url.search, body, auth: new Headers(init?.headers).get('authorization') });
    if (url.pathname === '/dev/token') return json(200, { token: `tok-${url.searchParams.get('user')}-${url.searchParams.get('roles')}` });
    if (init?.method === 'PUT') return json(201, { gameId: 'g', live: 'live', frameCount: 0 });
    if (url.pathname.endsWith('/events')) {
      const scripted = script.events?.(posts++);
      if (scripted instanceof Error) throw scripted;
      if (scripted) return scripted;
      const accepted = (body.events as LiveEvent[]).map((e) => ({ key: e.key, seq: Number(e.key.split('-').pop()) }));
      const fresh = accepted.filter((a) => a.seq >= frameCount);
      frameCount = Math.max(frameCount, ...accepted.map((a) => a.seq + 1));
      clock += 5; // a POST takes 5 ms
      return json(200, { gameId: 'g', accepted: fresh, duplicates: accepted.filter((a) => !fresh.includes(a)), frameCount, durationMs: 0 });
    }
    if (url.pathname.endsWith('/finish')) return json(200, { gameId: 'g', live: 'finished', frameCount, durationMs: 8897 });
    return json(404, { message: 'Not Found' });
  }) as typeof fetch;
  return {
    calls,
    fetch: fetchImpl,
    now: () => clock,
    sleep: async (ms: number) => {
      clock += Math.max(0, ms);
    },
  };
}

describe('runPublish against a fake API on a virtual clock', () => {
  let dir: string;
  let runtimeFile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matchcast-publish-'));
    runtimeFile = join(dir, 'runtime.json');
    writeFileSync(runtimeFile, JSON.stringify({ pid: process.pid, httpUrl: 'http://127.0.0.1:9/', wsUrl: 'ws://127.0.0.1:9/', dynamodbEndpoint: 'http://127.0.0.1:9', region: 'us-east-1', tables: {} }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('opens, sends every frame paced by t / rate with keys {gameId}-{seq}, finishes', async () => {
    const fake = fakeServer();
    const out = capture();
    const rate = 2;
    expect(await runPublish([SAMPLE, '--live', '--rate', String(rate)], out, { runtimeFile, ...fake, progressEveryMs: 1000 })).toBe(0);
    const rec = loadRecording(SAMPLE);
    const live = `${SAMPLE_ID}-live`;
    expect(fake.calls[0]!.path).toBe('/dev/token?user=publisher&ttl=3605&roles=publisher');
    expect(fake.calls[1]).toMatchObject({ method: 'PUT', path: `/games/${live}`, body: { kind: 'terminal', title: rec.header.title, participants: [] }, auth: 'Bearer tok-publisher-publisher' });
    const posts = fake.calls.filter((c) => c.path.endsWith('/events'));
    const sent = posts.flatMap((p) => p.body.events as LiveEvent[]);
    expect(sent).toEqual(rec.frames.map((f) => ({ key: `${live}-${f.seq}`, type: f.type, t: f.t, data: f.data })));
    // Each batch went when its first frame was due (virtual ms since the first POST), never early.
    const t0 = posts[0]!.at;
    for (const p of posts) {
      const first = p.body.events[0] as LiveEvent;
      const due = (first.t! - rec.frames[0]!.t) / rate;
      expect(p.at - t0).toBeGreaterThanOrEqual(due);
      expect(p.at - t0).toBeLessThanOrEqual(due + 5 * posts.length);
      // And the batch holds only frames due within 50 ms of it.
      for (const e of p.body.events as LiveEvent[]) expect((e.t! - first.t!) / rate).toBeLessThanOrEqual(50);
    }
    expect(fake.calls.at(-1)).toMatchObject({ method: 'POST', path: `/games/${live}/finish` });
    const text = out.text();
    expect(text).toMatch(/^publishing asciinema-demo-vim \(21 frames, 0:00:08 media\) as live game asciinema-demo-vim-live at 2× — about 0:00:04 — to local mode http:\/\/127.0.0.1:9/);
    expect(text).toMatch(/\n {2}\d+\/21 frames {2}seq \d+ {2}media 0:00:0\d {2}last POST 5 ms\n/); // progress lines
    expect(text).toMatch(/\n {2}21\/21 frames {2}seq 20 /);
    expect(text).toMatch(/finished live game asciinema-demo-vim-live: 21 frames, 0:00:08\n$/);
  });

  test('retries a failed POST (network, 503) with backoff, then goes on; the retry re-sends the same keys', async () => {
    const fake = fakeServer({ events: (n) => (n === 0 ? new TypeError('fetch failed') : n === 1 ? new Response('{"message":"Service Unavailable"}', { status: 503 }) : undefined) });
    const out = capture();
    expect(await runPublish([SAMPLE, '--live', '--rate', '1000', '--game', 'g', '--no-finish'], out, { runtimeFile, ...fake })).toBe(0);
    const posts = fake.calls.filter((c) => c.path.endsWith('/events'));
    expect(posts[0]!.body).toEqual(posts[1]!.body);
    expect(posts[1]!.body).toEqual(posts[2]!.body);
    expect(out.text()).toMatch(/retrying POST \/games\/g\/events in \d+ ms \(TypeError: fetch failed\)/);
    expect(out.text()).toMatch(/retrying POST \/games\/g\/events in \d+ ms \(503 503: Service Unavailable\)/);
    expect(out.text()).toMatch(/\(2 retries, 0 duplicate\(s\)\)/);
    expect(out.text()).toMatch(/left live game g open \(--no-finish\)/);
    expect(fake.calls.some((c) => c.path.endsWith('/finish'))).toBe(false);
  });

  test('stops at a 4xx with the server message (no retry, no finish)', async () => {
    const fake = fakeServer({ events: () => new Response(JSON.stringify({ error: { code: 'conflict', message: 'game "g" is finished' } }), { status: 409 }) });
    const err = await runPublish([SAMPLE, '--live', '--game', 'g'], capture(), { runtimeFile, ...fake }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LiveApiRefusal);
    expect((err as CliError).exitCode).toBe(1);
    expect((err as Error).message).toBe('POST /games/g/events refused: 409 conflict: game "g" is finished');
    expect(fake.calls.filter((c) => c.path.endsWith('/events'))).toHaveLength(1);
    expect(fake.calls.some((c) => c.path.endsWith('/finish'))).toBe(false);
  });
});

describe('--stack: the HttpApiUrl output is the target', () => {
  const cfnMock = mockClient(CloudFormationClient);
  const smMock = mockClient(SecretsManagerClient);
  afterAll(() => {
    cfnMock.restore();
    smMock.restore();
  });
  const stack = (outputs: Record<string, string>) => {
    cfnMock.reset();
    smMock.reset();
    cfnMock.on(DescribeStacksCommand).resolves(describedStack('Matchcast', outputs));
    smMock.on(GetSecretValueCommand).resolves({ SecretString: 'a-fake-secret-for-tests-only-0123456789abcdef' });
    return { cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }), secrets: new SecretsManagerClient({ region: 'eu-west-1' }) };
  };
  const outputs = { WebSocketUrl: 'wss://ws.example/prod', JwtSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:x' };

  test('publishes to HttpApiUrl with a minted token', async () => {
    const fake = fakeServer();
    const deps = stack({ ...outputs, HttpApiUrl: 'https://api.example/' });
    const urls: string[] = [];
    const fetchImpl = ((input: URL | RequestInfo, init?: RequestInit) => (urls.push(String(input)), fake.fetch(input, init))) as typeof fetch;
    expect(await runPublish([SAMPLE, '--live', '--rate', '1000', '--stack', 'Matchcast', '--game', 'g'], capture(), { ...deps, ...fake, fetch: fetchImpl })).toBe(0);
    expect(urls[0]).toBe('https://api.example/games/g');
    expect(urls.at(-1)).toBe('https://api.example/games/g/finish');
    expect(fake.calls[0]!.auth).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('a stack without HttpApiUrl is one clear line', async () => {
    const deps = stack(outputs);
    await expect(runPublish([SAMPLE, '--live', '--stack', 'Matchcast'], capture(), deps)).rejects.toThrow(new CliError('stack Matchcast has no HttpApiUrl output: deploy a stack with the HTTP API (npx cdk deploy)'));
  });
});

describe('LiveApiClient', () => {
  const noSleep = async () => undefined;
  test('gives up after its attempts with the last reason', async () => {
    const fetchImpl = (async () => new Response('boom', { status: 502 })) as unknown as typeof fetch;
    const api = new LiveApiClient('http://x', 't', { fetch: fetchImpl, sleep: noSleep }, { attempts: 3 });
    await expect(api.finish('g')).rejects.toThrow(new CliError('POST /games/g/finish failed after 3 attempts: 502 502: boom'));
  });

  test('401 and 403 carry hints; API Gateway bodies ({message}) are read too', async () => {
    const reply = (status: number, body: string) => new LiveApiClient('http://x/', 't', { fetch: (async () => new Response(body, { status })) as unknown as typeof fetch, sleep: noSleep });
    await expect(reply(401, '{"message":"Unauthorized"}').finish('g')).rejects.toThrow('POST /games/g/finish refused: 401 401: Unauthorized (the token is missing, invalid or expired)');
    await expect(reply(403, '{"error":{"code":"forbidden","message":"this route needs a token with the publisher role"}}').finish('g')).rejects.toThrow(
      /403 forbidden: this route needs .* \(does the token have the publisher role\?\)/,
    );
  });
});

/** Where the lead's local HTTP API lives: the end-to-end part needs it. */
const HTTP_API = join(root, 'local/http-api.ts');
const describeLocal = existsSync(HTTP_API) ? describe : describe.skip;

describeLocal('end to end on local mode: --rate 50 on the shortest sample', () => {
  jest.setTimeout(300_000); // a bound against a hang on a busy machine
  // Imported lazily: local/stack sets the handler environment when it starts.
  let e: import('../support/e2e').E2e;
  let dir: string;
  let runtimeFile: string;

  beforeAll(async () => {
    const { E2e } = await import('../support/e2e');
    e = await E2e.start({ sweeper: false, web: false });
    dir = mkdtempSync(join(tmpdir(), 'matchcast-publish-e2e-'));
    runtimeFile = join(dir, 'runtime.json');
    const s = e.stack;
    writeFileSync(runtimeFile, JSON.stringify({ pid: process.pid, httpUrl: s.httpUrl, wsUrl: s.wsUrl, dynamodbEndpoint: s.endpoints.dynamodb, region: 'us-east-1', tables: s.tables }));
  });
  afterAll(async () => {
    await e?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a spectator of the live game gets every frame in seq order; the game row is the recording', async () => {
    const { checkOrdering, range, seqsOf, waitFrames } = await import('../support/e2e');
    const GAME = `${SAMPLE_ID}-live`;
    const rec = loadRecording(SAMPLE);
    // Open the game first (what the CLI does, idempotent) so a spectator is on the live stream from seq 0 —
    // as the CLI's default user (`--user`, default `publisher`): a live game is its opener's to feed.
    const token = await e.stack.token('publisher', 'Publisher', 600, ['publisher']);
    const put = await fetch(`${e.stack.httpUrl}/games/${GAME}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(openBody(rec.header)),
    });
    expect(put.status).toBe(201);
    const s = await e.connect('sam');
    s.send({ action: 'start', mode: 'spectate', gameId: GAME });
    expect(await s.waitFor('joined')).toMatchObject({ streamId: `spectate:${GAME}`, live: true, positionSeq: 0 });

    const out = capture();
    const started = Date.now();
    expect(await runPublish([SAMPLE, '--live', '--rate', '50'], out, { runtimeFile })).toBe(0);
    const wall = Date.now() - started;
    expect(out.text()).toMatch(/live game asciinema-demo-vim-live is open already with 0 frame\(s\)/);
    expect(out.text()).toMatch(/finished live game asciinema-demo-vim-live: 21 frames, 0:00:08/);
    // Paced: 8.9 s of media at 50× is ≈ 178 ms of wall at least.
    expect(wall).toBeGreaterThanOrEqual(Math.floor((rec.header.durationMs - rec.frames[0]!.t) / 50));

    await waitFrames(s, rec.frames.length);
    expect(seqsOf(s)).toEqual(range(0, rec.frames.length));
    expect(s.frames().map((f) => f.t)).toEqual(rec.frames.map((f) => f.t));
    checkOrdering(s);
    expect(await s.waitFor('ended')).toMatchObject({ reason: 'finished' });

    const row = (await e.db.send(new GetCommand({ TableName: e.stack.tables.Games, Key: { gameId: GAME }, ConsistentRead: true }))).Item as GameRow;
    expect(row).toMatchObject({ gameId: GAME, liveStatus: 'finished', kind: 'terminal', title: rec.header.title, frameCount: rec.frames.length, durationMs: rec.frames.at(-1)!.t });
    expect(row.chunks!.reduce((n, c) => n + c.count, 0)).toBe(rec.frames.length);
    expect(row.chunks!.length).toBeLessThan(rec.frames.length); // some frames were batched together

    // A rerun on the finished game stops at once with the server's refusal.
    await expect(runPublish([SAMPLE, '--live', '--rate', '50'], capture(), { runtimeFile })).rejects.toThrow(/PUT \/games\/asciinema-demo-vim-live refused: 409 conflict: live game "asciinema-demo-vim-live" is finished/);
  });
});
